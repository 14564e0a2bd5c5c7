"""Speed that survives a busy machine: two workloads, each timed alone and beside one
CPU-bound process (``python -c "while True: pass"``), reported as loaded / quiet.

* ``quickstart inline``: every unit of ``scenarios/quickstart.yaml`` on the inline
  executor (latents cached, heads fitted as in a first run);
* ``digital 2 workers``: the 24-unit digital sweep of :mod:`benchmarks.bench_workers` on
  two worker processes.

Each under the thread policy a run now uses (:data:`semcom.core.threads.UNIT_THREADS`
intra-op thread per process), and, for reference, the quickstart under the policy of
before (torch on every core's thread: two OpenMP threads that spin at every barrier)
and under that policy with a passive OpenMP wait (``OMP_WAIT_POLICY=passive``, which can
only be set before a process starts). Every measurement runs in a fresh process (its
imports are not timed); quiet and loaded runs alternate, ``REPEATS`` times, and the
least disturbed (minimum) of each is compared. Target: loaded / quiet <= 2.5 for the
current policy on two cores, where the competitor takes one core's share.

    python benchmarks/run.py --only loaded
    python -m benchmarks.bench_loaded --workload quickstart --threads 1     # one timing (seconds on stdout)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from .common import ROOT

REPEATS = 2
#: (workload, label, threads per process, extra environment)
CASES = [
    ("quickstart", "quickstart inline, 1 thread (current)", 1, {}),
    ("digital_workers", "digital 2 workers, 1 thread each (current)", 1, {}),
    ("quickstart", "quickstart inline, 2 threads (before)", 2, {}),
    ("quickstart", "quickstart inline, 2 threads, passive wait", 2, {"OMP_WAIT_POLICY": "passive"}),
]
TARGETS = ("quickstart inline, 1 thread (current)", "digital 2 workers, 1 thread each (current)")


def _quickstart(threads: int) -> float:
    from semcom.simulator.kinds import load_study
    from semcom.simulator.link.engine import run_unit
    from semcom.simulator.link.runner import prepare_workers
    from semcom.simulator.link.units import expand_units
    from semcom.simulator.run.executors import run_units, set_threads

    from .common import fresh_head_cache

    sc = load_study(ROOT / "scenarios" / "quickstart.yaml")
    prepare_workers(sc)  # encoders trained (or read from the cache)
    units = expand_units(sc)
    fresh_head_cache()
    set_threads(threads)
    t0 = time.perf_counter()
    for _ in run_units(sc, units, run_unit, workers=1, num_threads=threads):
        pass
    return time.perf_counter() - t0


def _digital_workers(threads: int) -> float:
    from semcom.simulator.link.engine import run_unit
    from semcom.simulator.link.runner import prepare_workers
    from semcom.simulator.link.units import expand_units
    from semcom.simulator.run.executors import run_units

    from .bench_workers import scenario
    from .common import fresh_head_cache

    sc = scenario()
    units = expand_units(sc)
    list(run_units(sc, units[:1], run_unit))  # latents cached, shared on disk by the workers
    fresh_head_cache()
    t0 = time.perf_counter()
    for _ in run_units(sc, units, run_unit, workers=2, num_threads=threads, prepare=prepare_workers):
        pass
    return time.perf_counter() - t0


def _timed_child(workload: str, threads: int, env: dict, loaded: bool) -> float:
    """Seconds of one workload in a fresh process, beside a competitor when ``loaded``."""
    competitor = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if loaded else None
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_loaded",
                "--workload",
                workload,
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        if competitor is not None:
            competitor.kill()
            competitor.wait()
    return float(out.stdout.strip().splitlines()[-1])


def run(repeats: int = REPEATS) -> dict:
    from semcom.core.threads import UNIT_THREADS

    out: dict = {"repeats": repeats, "unit_threads": UNIT_THREADS, "cpus": os.cpu_count()}
    times = {(label, load): [] for _, label, _, _ in CASES for load in ("quiet", "loaded")}
    for _ in range(repeats):
        for workload, label, threads, env in CASES:
            for load in ("quiet", "loaded"):
                times[(label, load)].append(_timed_child(workload, threads, env, load == "loaded"))
    for _, label, threads, env in CASES:
        quiet, loaded = min(times[(label, "quiet")]), min(times[(label, "loaded")])
        out[f"{label}: settings"] = json.dumps({"torch_threads": threads, **env})
        out[f"{label}: quiet s"] = quiet
        out[f"{label}: loaded s"] = loaded
        out[f"{label}: loaded/quiet"] = loaded / quiet
    out["targets"] = {
        f"{label}: loaded/quiet <= 2.5": out[f"{label}: loaded/quiet"] <= 2.5 for label in TARGETS
    }
    return out


def _main() -> int:
    parser = argparse.ArgumentParser(description="time one workload in this process (seconds on stdout)")
    parser.add_argument("--workload", choices=["quickstart", "digital_workers"], required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    fn = _quickstart if args.workload == "quickstart" else _digital_workers
    print(f"{fn(args.threads):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
