"""Target 5: on a 24-unit sweep, 2 local worker processes are >= 1.6x faster than 1.

One worker = the inline executor with torch on 2 threads (all cores); two workers =
two spawned processes with one thread each (their start-up, imports included, is timed).
"""

from __future__ import annotations

import time

from .common import fresh_head_cache


def scenario():
    from simulator.schema import parse_scenario

    return parse_scenario({
        "name": "bench_workers", "seed": 1,
        "data": {"dataset": "synthetic", "limit": 200_000, "test_fraction": 0.9},
        "models": {"alice": {"kind": "rotation", "seed": 0},
                   "bob": {"kind": "rotation", "seed": 1, "scale": 2.0, "noise_std": 0.05}},
        "sweep": {"snr_db": {"start": -10, "stop": 20, "step": 3}, "num_anchors": [8, 16, 32, 64],
                  "transmitter": "alice", "receiver": "bob", "seed": [1, 2, 3, 4, 5, 6],
                  "semantic_equalizer": ["relative", "oracle"]},
    })


def run() -> dict:
    from simulator.executors import run_units, set_threads
    from simulator.sweep import expand_units

    sc = scenario()
    units = expand_units(sc)
    set_threads(2)
    list(run_units(sc, units[:1]))            # warm the latent cache (shared on disk by workers)
    times = {}
    for workers in (1, 2):
        fresh_head_cache()
        t0 = time.perf_counter()
        rows = [r for _, rs, _ in run_units(sc, units, workers=workers) for r in rs]
        times[workers] = time.perf_counter() - t0
        set_threads(2)
    speedup = times[1] / times[2]
    return {"units": len(units), "rows": len(rows), "one_worker_s": times[1], "two_workers_s": times[2],
            "speedup": speedup, "targets": {"speedup >= 1.6": speedup >= 1.6}}
