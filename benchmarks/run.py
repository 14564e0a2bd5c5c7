"""`make bench`: run every benchmark in one process, print a table, write JSON.

Figures are ratios measured in the same run (these machines are noisy), with the
absolute times beside them and the thread settings in force.

    python benchmarks/run.py [--only study,digital,memory,workers,growth] [--json bench_results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import pin_threads  # noqa: E402

BENCHES = ["study", "digital", "memory", "workers", "growth"]


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--json", default="bench_results.json")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    threads = pin_threads(args.threads)
    print(f"threads: {threads}  cpu: {platform.processor() or platform.machine()} x{os.cpu_count()}")
    results = {"threads": threads, "cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    for name in args.only.split(","):
        module = __import__(f"benchmarks.bench_{name}", fromlist=["run"])
        t0 = time.perf_counter()
        results[name] = module.run()
        pin_threads(args.threads)
        print(f"\n== {name} ({time.perf_counter() - t0:.0f} s) ==")
        for key, value in results[name].items():
            if key != "targets":
                print(f"  {key:<38} {_fmt(value)}")
        for target, ok in results[name].get("targets", {}).items():
            print(f"  target {target:<31} {'MET' if ok else 'NOT MET'}")
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
