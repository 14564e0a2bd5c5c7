"""Shared benchmark helpers: thread pinning, timing, the results table."""

from __future__ import annotations

import os
import time
from pathlib import Path
from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = Path(os.environ.get("SEMCOM_MNIST", ROOT.parent / "shared" / "data" / "mnist"))


def pin_threads(num_threads: int) -> dict:
    """Pin torch's and BLAS/OpenMP thread pools to ``num_threads``; return what is in force."""
    from semcom.simulator.run.executors import set_threads, thread_settings

    set_threads(num_threads)
    return thread_settings()


def best_of(fn: Callable[[], object], repeats: int = 3) -> tuple[float, list[float]]:
    """Minimum wall time over ``repeats`` calls (the least disturbed run), and all times."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), times


def interleaved(fns: dict[str, Callable[[], object]], repeats: int = 3) -> dict[str, list[float]]:
    """Time several peers in alternation (a, b, a, b, ...): load that comes and goes on a
    shared machine then hits every peer alike. Returns all wall times per peer."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def fresh_head_cache() -> None:
    """Forget fitted heads (memory and disk) so a timed run fits them like a first run."""
    import shutil

    from semcom.transceivers import heads
    from semcom.transceivers.cache import cache_dir

    heads._MEMORY.clear()
    shutil.rmtree(cache_dir() / "heads", ignore_errors=True)
