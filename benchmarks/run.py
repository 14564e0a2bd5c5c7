"""`make bench`: run every benchmark, each in a fresh process, print a table, write JSON.

Figures are ratios of peers measured in the same run (these machines are noisy), with
the absolute times beside them and the thread settings in force. Each benchmark runs
in its own process: a benchmark that leaves a large heap or many threads behind (the
10^6-sample study, the worker pool) must not slow down the next one (measured: inline
on 2 threads took 51-64 s after them in one process, 12 s in a fresh one).

    python benchmarks/run.py [--only study,digital,memory,workers,growth,network_load,system,loaded,plots]
                             [--json bench_results.json]
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

BENCHES = ["study", "digital", "memory", "workers", "growth", "network_load", "system", "loaded", "plots"]


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
    names = args.only.split(",")
    if len(names) > 1:
        return _each_in_its_own_process(names, args)
    threads = pin_threads(args.threads)
    print(f"threads: {threads}  cpu: {platform.processor() or platform.machine()} x{os.cpu_count()}")
    results = {"threads": threads, "cpus": os.cpu_count(), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    for name in names:
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


def _each_in_its_own_process(names: list[str], args) -> int:
    import subprocess
    import tempfile

    merged: dict = {}
    for name in names:
        with tempfile.NamedTemporaryFile(suffix=".json") as part:
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--only",
                    name,
                    "--json",
                    part.name,
                    "--threads",
                    str(args.threads),
                ]
            )
            if proc.returncode != 0:
                return proc.returncode
            result = json.loads(Path(part.name).read_text())
        merged.setdefault("threads", result["threads"])
        merged.setdefault("cpus", result["cpus"])
        merged.setdefault("started", result["started"])
        merged[name] = result[name]
    Path(args.json).write_text(json.dumps(merged, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
