"""The alignment zoo (``scenarios/alignment_zoo.yaml``): run it, time it, draw its figures, print
the per-channel winners.

    python -m benchmarks.alignment_zoo --out runs/alignment_zoo [--messages 1000] [--threads 2]

Prints the wall time of the study (threads in force printed beside it; the trained encoders
come from the model cache after the first run, whose training time is printed separately when
it happens), then writes to ``--out``:

* ``zoo_budget.png``: accuracy and MRR against the pilot budget K at 10 dB, one panel per channel,
  pilots over the channel (solid) and clean (dashed), mean over the transmitter→receiver pairs;
* ``zoo_snr.png``: accuracy and MRR against SNR at K = 100;
* ``zoo_rate.png``: accuracy at 10 dB against channel uses per message with the pilots'
  channel uses amortised over ``--messages`` messages (``channel_uses + setup_channel_uses / M``);
* ``zoo_pooled.csv``: per channel, K, SNR and equaliser, the accuracy pooled over the pairs
  with its Wilson interval and the mean MRR (the numbers of the figures);
* ``zoo_winners.md``: per channel and pilot budget (10 dB), the best method among the
  deployable ones (pilots over the channel, plus ``relative``/``inverse``, whose anchors cost no
  channel uses) and the best with clean pilots, with 95 % Wilson intervals of the accuracy pooled
  over the pairs (the pairs share the test images, so the pooled interval is a little narrow).

Accuracy intervals are Wilson intervals of the pooled correct decisions; MRR is the mean over
pairs of the mean reciprocal rank (see README, "The alignment zoo").
"""

from __future__ import annotations

import argparse
import io
import time
from contextlib import redirect_stdout
from pathlib import Path

SNR_REF = 10.0
K_REF = 100


def _run(scenario: str, out: Path, extra: list[str]) -> float:
    from semcom.simulator.cli import main as cli

    t0 = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        rc = cli(["run", scenario, "--out", str(out), "--no-plots", "--quiet", *extra])
    if rc:
        raise SystemExit(rc)
    return time.perf_counter() - t0


def _units_in_store(out: Path) -> int:
    import sqlite3

    path = out / "results.sqlite"
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(db.execute("select count(distinct _unit) from results").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def _methods(df):
    names = list(dict.fromkeys(df["semantic_equalizer"]))
    channel = [n for n in names if n.endswith("_ch")]
    free = [n for n in names if n in ("relative", "inverse")]
    clean = [n for n in names if n not in channel and n not in free]
    return channel, clean, free


def _pooled(df):
    """Per (channel, K, snr, equaliser): pooled accuracy over pairs with its Wilson interval, mean MRR."""
    from semcom.simulator.results.metrics import wilson_interval

    df = df.assign(correct=(df["accuracy"] * df["n_samples"]).round().astype(int))
    g = df.groupby(["channel", "num_anchors", "snr_db", "semantic_equalizer"], sort=False)
    out = g.agg(
        correct=("correct", "sum"),
        n=("n_samples", "sum"),
        mrr=("mrr", "mean"),
        uses=("channel_uses", "mean"),
        setup=("setup_channel_uses", "mean"),
    ).reset_index()
    out["accuracy"] = out["correct"] / out["n"]
    ci = [wilson_interval(int(c), int(n)) for c, n in zip(out["correct"], out["n"])]
    out["low"], out["high"] = [c[0] for c in ci], [c[1] for c in ci]
    return out


def _figures(p, out: Path, messages: int) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    channel, clean, free = _methods(p.rename(columns={}))
    channels = list(dict.fromkeys(p["channel"]))
    colours = {}
    palette = plt.get_cmap("tab10").colors
    for i, name in enumerate([*clean, *free]):
        colours[name] = palette[i % len(palette)]
    for name in channel:
        colours[name] = colours.get(name[:-3], "k")

    def style(name):
        return dict(
            color=colours[name],
            ls="-" if name in channel or name in free else "--",
            marker="o" if name in free else None,
            lw=1.2,
            ms=3,
        )

    paths = []
    for fname, x, fixed, xlabel in (
        ("zoo_budget.png", "num_anchors", ("snr_db", SNR_REF), "pilot budget K"),
        ("zoo_snr.png", "snr_db", ("num_anchors", K_REF), "SNR [dB]"),
    ):
        fig, axes = plt.subplots(2, len(channels), figsize=(4 * len(channels), 6.5), squeeze=False)
        sel = p[p[fixed[0]] == fixed[1]]
        for j, ch in enumerate(channels):
            for name in channel + clean + free:
                d = sel[(sel["channel"] == ch) & (sel["semantic_equalizer"] == name)].sort_values(x)
                axes[0, j].plot(d[x], d["accuracy"], label=name, **style(name))
                axes[1, j].plot(d[x], d["mrr"], label=name, **style(name))
            axes[0, j].set_title(f"{ch} ({fixed[0]} = {fixed[1]:g})")
            axes[1, j].set_xlabel(xlabel)
            if x == "num_anchors":
                for a in axes[:, j]:
                    a.set_xscale("log")
        axes[0, 0].set_ylabel("accuracy (pooled over pairs)")
        axes[1, 0].set_ylabel("MRR (mean over pairs)")
        axes[0, -1].legend(fontsize=6, ncol=2)
        fig.tight_layout()
        fig.savefig(out / fname, dpi=130)
        plt.close(fig)
        paths.append(out / fname)

    fig, axes = plt.subplots(1, len(channels), figsize=(4 * len(channels), 3.4), squeeze=False)
    sel = p[p["snr_db"] == SNR_REF]
    for j, ch in enumerate(channels):
        for name in channel + free:
            d = sel[(sel["channel"] == ch) & (sel["semantic_equalizer"] == name)].sort_values("num_anchors")
            axes[0, j].plot(
                d["uses"] + d["setup"].fillna(0) / messages, d["accuracy"], label=name, **style(name)
            )
        axes[0, j].set_xscale("log")
        axes[0, j].set_title(f"{ch}, {SNR_REF:g} dB, pilots amortised over {messages} messages", fontsize=8)
        axes[0, j].set_xlabel("channel uses per message + pilot uses / messages")
    axes[0, 0].set_ylabel("accuracy")
    axes[0, -1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(out / "zoo_rate.png", dpi=130)
    plt.close(fig)
    paths.append(out / "zoo_rate.png")
    return paths


def _winners(p) -> str:
    channel, clean, free = _methods(p)
    sel = p[p["snr_db"] == SNR_REF]
    lines = [
        f"Accuracy at {SNR_REF:g} dB pooled over the pairs [95% Wilson interval]; ties: methods whose "
        "interval overlaps the winner's.",
        "",
        "| channel | K | best deployable (pilots over the channel, or relative/inverse) | ties | "
        "best with clean pilots |",
        "|---|---|---|---|---|",
    ]
    for ch in dict.fromkeys(sel["channel"]):
        for k in sorted(set(sel["num_anchors"])):
            d = sel[(sel["channel"] == ch) & (sel["num_anchors"] == k)].set_index("semantic_equalizer")
            dep = d.loc[[n for n in channel + free if n in d.index]].sort_values("accuracy", ascending=False)
            cl = d.loc[[n for n in clean if n in d.index]].sort_values("accuracy", ascending=False)
            best = dep.iloc[0]
            ties = [n for n, r in dep.iloc[1:].iterrows() if r["high"] >= best["low"]]
            cb = cl.iloc[0]
            lines.append(
                f"| {ch} | {k} | {dep.index[0]} {100 * best['accuracy']:.1f} "
                f"[{100 * best['low']:.1f}, {100 * best['high']:.1f}] | {', '.join(ties) or '-'} | "
                f"{cl.index[0]} {100 * cb['accuracy']:.1f} [{100 * cb['low']:.1f}, {100 * cb['high']:.1f}] |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--messages", type=int, default=1000, help="messages the pilots are amortised over")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="scenario override, as `semcom run --set`")
    args = parser.parse_args(argv)
    import pandas as pd

    from semcom.scenarios import scenario_path
    from .common import pin_threads

    threads = pin_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scenario = args.scenario or str(scenario_path("alignment_zoo"))
    extra = [x for s in args.set for x in ("--set", s)]
    before = _units_in_store(out)
    wall = _run(scenario, out, extra + ["--force"])
    print(f"threads: {threads}")
    print(
        f"alignment_zoo study: {wall:.1f} s wall, {_units_in_store(out) - before} units run"
        + (f" ({before} already in {out} were reused: delete it for a full timing)" if before else "")
        + "; encoders come from the model cache when it holds them"
    )
    df = pd.read_csv(out / "replicates.csv")  # a row per replicate: pooled below
    p = _pooled(df)
    p.to_csv(out / "zoo_pooled.csv", index=False, float_format="%.6g")
    for path in _figures(p, out, args.messages):
        print(f"wrote {path}")
    table = _winners(p)
    (out / "zoo_winners.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
