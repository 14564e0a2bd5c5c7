"""Target 5: on a 24-unit sweep, 2 local workers are >= 1.8x faster than 1, and >= 1.3x
faster than the inline executor on every core's thread.

A worker is one thread of work: one worker = the inline executor pinned to 1 thread
(no start-up cost: the most favourable baseline); two workers = two spawned processes
with 1 thread each (their start-up, imports included, is timed). For reference the
inline executor is also timed with torch on every core's thread: on this 2-core
machine intra-op threads buy little for a simulator's many small operations and
suffer badly from any other load (spinning OpenMP threads), which is why
``--workers`` pins one thread per worker.
The sweep is a digital study, whose LDPC decoding is the costly part of real sweeps.
"""

from __future__ import annotations

import time

from .common import fresh_head_cache


def scenario():
    """24 units of a digital study (LDPC decoding dominates: compute-bound, Python-heavy)."""
    from semcom.simulator.link.schema import parse_scenario

    return parse_scenario(
        {
            "name": "bench_workers",
            "seed": 1,
            "data": {"dataset": "digits", "test_fraction": 0.3},
            "models": {
                "mlp": {"kind": "mlp", "width": 128, "depth": 2, "latent_dim": 32, "seed": 0},
                "cnn": {"kind": "cnn", "channels": 16, "latent_dim": 32, "seed": 2},
            },
            "scheme": {"kind": "digital", "code_rate": 0.5, "num_bits_per_symbol": 2},
            "sweep": {
                "snr_db": [0.0, 2.0, 4.0],
                "num_anchors": [8, 16, 32, 64],
                "bits": 4,
                "transmitter": "mlp",
                "receiver": "cnn",
                "seed": [1, 2, 3, 4, 5, 6],
                "semantic_equalizer": ["relative", "oracle"],
            },
        }
    )


def run() -> dict:
    import os

    from semcom.simulator.link.engine import run_unit
    from semcom.simulator.run.executors import run_units, set_threads
    from semcom.simulator.run.pool import start_method
    from semcom.simulator.link.runner import prepare_workers
    from semcom.simulator.link.units import expand_units

    sc = scenario()
    units = expand_units(sc)
    cores = os.cpu_count() or 1
    list(run_units(sc, units[:1], run_unit))  # warm the latent cache (shared on disk by workers)

    def timed(workers: int, threads: int) -> float:
        fresh_head_cache()
        set_threads(threads)
        t0 = time.perf_counter()
        for _ in run_units(
            sc, units, run_unit, workers=workers, num_threads=threads, prepare=prepare_workers
        ):
            pass
        return time.perf_counter() - t0

    one = timed(1, 1)
    two = timed(2, 1)
    inline_all = timed(1, cores)
    set_threads(cores)
    speedup, over_inline = one / two, inline_all / two
    return {
        "units": len(units),
        "one_worker_s": one,
        "two_workers_s": two,
        f"inline_{cores}_threads_s": inline_all,
        "speedup": speedup,
        "two_workers_over_inline": over_inline,
        "start_method": start_method(1),
        "targets": {"speedup >= 1.8": speedup >= 1.8, "two workers >= 1.3x inline": over_inline >= 1.3},
    }
