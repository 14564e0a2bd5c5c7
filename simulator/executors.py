"""Executors: where work units run. Inline (default), a local process pool, or Dask.

Whatever the executor, a unit's result depends only on the scenario and the unit
(see :mod:`semcom.simulator.randomness`), so results are identical across executors. Units
are returned as they finish; the caller commits each one to the results store.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Iterator

import torch

from .schema import Scenario
from .sweep import Unit

__all__ = ["run_units", "set_threads", "thread_settings"]

_SCENARIOS: dict[str, Scenario] = {}
# One unit at a time per process: a unit seeds Sionna's process-wide generator, so two
# units in two threads of one process (a threaded Dask worker) would mix their draws.
_UNIT_LOCK = threading.Lock()


def set_threads(num_threads: int) -> None:
    """Pin torch's and the BLAS libraries' thread pools (they compete on small machines)."""
    torch.set_num_threads(num_threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(num_threads)
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        pass


def thread_settings() -> dict[str, Any]:
    """Current thread settings, for the manifest and benchmark tables."""
    info: dict[str, Any] = {"torch_threads": torch.get_num_threads()}
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [(p.get("internal_api"), p.get("num_threads")) for p in threadpool_info()]
    except ImportError:  # pragma: no cover
        pass
    return info


def _work(scenario_json: str, unit: Unit, num_threads: int) -> tuple[Unit, list[dict], float]:
    """Run one unit in whatever process this is (worker entry point)."""
    from .engine import run_unit

    with _UNIT_LOCK:
        sc = _SCENARIOS.get(scenario_json)
        if sc is None:
            if len(_SCENARIOS) > 8:
                _SCENARIOS.clear()
            sc = _SCENARIOS[scenario_json] = Scenario.model_validate_json(scenario_json)
        if torch.get_num_threads() != num_threads:
            set_threads(num_threads)
        t0 = time.perf_counter()
        rows = run_unit(sc, unit)
        return unit, rows, time.perf_counter() - t0


def run_units(sc: Scenario, units: list[Unit], workers: int = 1, scheduler: str | None = None,
              num_threads: int | None = None) -> Iterator[tuple[Unit, list[dict], float]]:
    """Yield ``(unit, rows, seconds)`` for every unit, in completion order."""
    payload = sc.model_dump_json()
    cores = os.cpu_count() or 1
    if scheduler:
        yield from _run_dask(payload, units, scheduler, num_threads or 1)
    elif workers <= 1:
        threads = num_threads or torch.get_num_threads()
        for unit in units:
            yield _work(payload, unit, threads)
    else:
        threads = num_threads or max(1, cores // workers)
        ctx = multiprocessing.get_context("spawn")   # fork + torch threads can deadlock
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            pending = {pool.submit(_work, payload, u, threads) for u in units}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        yield fut.result()
            finally:
                # an error or an interrupt: drop queued units, keep no worker waiting
                pool.shutdown(wait=False, cancel_futures=True)


def _probe(address: str) -> None:
    """Fail at once, with one line, when nothing listens at a tcp:// scheduler address."""
    import socket
    from urllib.parse import urlsplit

    from semcom.core.errors import SemcomInputError

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "") or not parts.hostname:
        return
    try:
        port = parts.port or 8786
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except (OSError, ValueError) as exc:
        raise SemcomInputError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
                               "start one with `dask scheduler` or fix the address") from None


def _run_dask(payload: str, units: list[Unit], address: str, threads: int):
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise RuntimeError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from exc
    from semcom.core.errors import SemcomInputError

    _probe(address)
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise SemcomInputError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
                               "start one with `dask scheduler` or fix the address") from None
    futures = []
    try:
        futures = [client.submit(_work, payload, u, threads, pure=False) for u in units]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        pending = [f for f in futures if not f.done()]
        if pending:
            client.cancel(pending)
        client.close()
