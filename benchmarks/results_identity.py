"""Results of a fixed set of studies, byte for byte: the yardstick of a redesign that must
change no number.

    python -m benchmarks.results_identity run OUT          # run every study into OUT/<study>/
    python -m benchmarks.results_identity compare A B      # exit 1 if any results file differs

The studies (reduced where a full run takes more than a few minutes on 2 cores): the
quickstart; ``digital_vs_analog`` at 0 and 10 dB, K = 16, 4 bits; ``channel_aware_receivers``
at K = 16 and 32, 0 and 10 dB, seed 1; ``jscc_vs_relative`` at one channel-use count
(16) and K = 16; ``network_edge`` at two loads (150 and 450 messages/s), K = 32;
``semcom stitch`` of ``stitching.yaml``. Every ``*.csv`` a study writes at the top of its
folder is compared (the manifest holds wall times and is not). Identity holds on one
machine and one version set: across CPUs, see the README's Conventions.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import time
from pathlib import Path

from semcom.scenarios import scenario_path

#: name -> (semcom sub-command, scenario, --set overrides)
STUDIES: dict[str, tuple[str, str, list[str]]] = {
    "quickstart": ("run", "quickstart", []),
    "digital_vs_analog": (
        "run",
        "digital_vs_analog",
        ["sweep.snr_db=[0,10]", "sweep.num_anchors=[16]", "sweep.bits=[4]"],
    ),
    "channel_aware_receivers": (
        "run",
        "channel_aware_receivers",
        ["sweep.snr_db=[0,10]", "sweep.num_anchors=[16,32]", "sweep.seed=[1]"],
    ),
    "jscc_vs_relative": (
        "run",
        "jscc_vs_relative",
        [
            "schemes.jscc0.num_channel_uses=[16]",
            "schemes.jscc10.num_channel_uses=[16]",
            "sweep.num_anchors=[16]",
        ],
    ),
    "network_edge": ("run", "network_edge", ["sweep.arrival_rate=[150,450]", "sweep.num_anchors=[32]"]),
    "stitching": ("stitch", "stitching", []),
}


def run(out: Path, only: list[str] | None = None) -> int:
    for name, (command, scenario, overrides) in STUDIES.items():
        if only and name not in only:
            continue
        target = out / name
        args = [
            sys.executable,
            "-m",
            "semcom.simulator.cli",
            command,
            str(scenario_path(scenario)),
            "--out",
            str(target),
            "--force",
        ]
        args += ["--quiet", "--no-plots"] if command == "run" else []
        for item in overrides:
            args += ["--set", item]
        start = time.perf_counter()
        subprocess.run(args, check=True)
        print(f"{name}: {time.perf_counter() - start:.0f} s -> {target}", flush=True)
    return 0


def compare(a: Path, b: Path) -> int:
    """Byte comparison of every results CSV; prints each study's verdict and the rows that differ."""
    differ = 0
    for name in STUDIES:
        files = sorted({p.name for d in (a / name, b / name) if d.is_dir() for p in d.glob("*.csv")})
        if not files:
            print(f"{name}: no results in either folder")
            continue
        for f in files:
            pa, pb = a / name / f, b / name / f
            if not (pa.exists() and pb.exists()):
                differ += 1
                print(f"{name}/{f}: only in {a if pa.exists() else b}")
            elif filecmp.cmp(pa, pb, shallow=False):
                print(f"{name}/{f}: identical ({pa.stat().st_size} bytes)")
            else:
                differ += 1
                la, lb = pa.read_text().splitlines(), pb.read_text().splitlines()
                rows = sum(x != y for x, y in zip(la, lb)) + abs(len(la) - len(lb))
                first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
                print(
                    f"{name}/{f}: DIFFERS in {rows} of {max(len(la), len(lb))} lines; first at line {first + 1}:"
                )
                for side, lines in (("A", la), ("B", lb)):
                    print(f"  {side}: {lines[first] if first < len(lines) else '<end>'}")
    print("identical" if not differ else f"{differ} file(s) differ")
    return 1 if differ else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run every study into OUT/<study>/")
    r.add_argument("out", type=Path)
    r.add_argument("--only", nargs="*", choices=list(STUDIES), help="a subset of the studies")
    c = sub.add_parser("compare", help="compare two folders written by `run`")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    return run(args.out, args.only) if args.command == "run" else compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
