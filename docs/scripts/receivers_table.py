"""Tables of the channel-aware receivers study, as Markdown, from its results.csv (a row per
point: the mean over the seeds and its 95% interval over them).

    python docs/scripts/receivers_table.py RESULTS_DIR [--channel awgn] [--k 16] [--target 0.8]
    python docs/scripts/receivers_table.py RESULTS_DIR --gains [--target 0.8]

The first: accuracy per receiver and SNR (mean ± half-width [%]) and the SNR at which the
mean curve reaches the target (linear interpolation). ``--gains``: for every channel and K,
plain ``relative``, ``relative_lmmse`` and ``relative_noisy`` at 0 dB and the dB that the
latter two save at the target. ``make docs-check`` rebuilds both tables with the same code.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_tables import channel_aware_gains_rows, channel_aware_rows  # noqa: E402


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header)] + rows
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", type=Path)
    p.add_argument("--channel", default="awgn")
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--target", type=float, default=0.8)
    p.add_argument("--snr", type=float, nargs="*", default=[-10, -5, 0, 5, 10, 20, 30])
    p.add_argument("--gains", action="store_true", help="gains over plain relative, every channel and K")
    a = p.parse_args(argv)
    pct = f"{100 * a.target:g}%"
    if a.gains:
        print(
            _markdown(
                [
                    "channel",
                    "K",
                    "plain 0 dB",
                    "LMMSE 0 dB",
                    "noise-trained 0 dB",
                    f"plain @ {pct} [dB]",
                    "LMMSE gain [dB]",
                    "noise-trained gain [dB]",
                ],
                channel_aware_gains_rows(a.dir, a.target),
            )
        )
        return
    rows = channel_aware_rows(a.dir, a.channel, a.k, a.target, tuple(a.snr))
    print(
        _markdown(["receiver"] + [f"{s:g}" for s in a.snr[:-1]] + [f"{a.snr[-1]:g} dB", f"SNR @ {pct}"], rows)
    )


if __name__ == "__main__":
    main()
