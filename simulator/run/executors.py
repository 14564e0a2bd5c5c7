"""Executors: where work units run. Inline (default), a local process pool, or Dask.

The local pool (:mod:`semcom.simulator.run.pool`) keeps its workers for the whole study,
sends units that share anchors and heads to the same worker, and survives a worker
that dies (its units run again elsewhere). Dask runs a failed unit again
(``retries``). Every kind's units run on all three.

The executors know no kind of study: the caller passes its unit runner, a module-level
function ``run_unit(sc, unit) -> rows`` (picklable by reference, so a worker imports its
module when it unpickles it), and optionally ``prepare(sc)``, run once in the parent
before workers start (models trained and cached once).

Whatever the executor, a unit's result depends only on the scenario and the unit
(see :mod:`semcom.simulator.run.randomness`), so results are identical across executors. Units
are returned as they finish; the caller commits each one to the results store.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from collections.abc import Callable, Iterator

import torch

from semcom.core.errors import SemcomInputError
from semcom.core.threads import UNIT_THREADS
from .pool import run_supervised, start_method

__all__ = ["run_units", "set_threads", "thread_settings", "describe_scheduler", "DASK_RETRIES"]

#: Times Dask runs a failed unit again before the study fails.
DASK_RETRIES = 2

#: What an executor runs: ``run_unit(sc, unit)`` → the unit's result rows.
UnitRunner = Callable[[Any, Any], list]

_SCENARIOS: dict[str, Any] = {}
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


def _scenario(model: type, payload: str):
    """The scenario of class ``model`` parsed from ``payload`` (memoised per process)."""
    sc = _SCENARIOS.get(payload)
    if sc is None:
        if len(_SCENARIOS) > 8:
            _SCENARIOS.clear()
        sc = model.model_validate_json(payload)
        _SCENARIOS[payload] = sc
    return sc


def _work(
    model: type, scenario_json: str, unit, num_threads: int, run_unit: UnitRunner
) -> tuple[Any, list[dict], float]:
    """Run one unit with ``run_unit`` in whatever process this is."""
    with _UNIT_LOCK:
        sc = _scenario(model, scenario_json)
        if torch.get_num_threads() != num_threads:
            set_threads(num_threads)
        t0 = time.perf_counter()
        rows = run_unit(sc, unit)
        return unit, rows, time.perf_counter() - t0


def _affinity(unit) -> tuple:
    """Units that share anchors, heads and latents (all but channel, scheme and bits)."""
    return tuple(
        getattr(unit, name, None)
        for name in (
            "seed",
            "transmitter",
            "receiver",
            "anchor_selection",
            "num_anchors",
            "semantic_equalizer",
        )
    )


def _cost(unit) -> float:
    """Relative cost of a unit for scheduling: the message size (anchors) drives it."""
    return float(getattr(unit, "num_anchors", 1) or 1)


class _UnitWork:
    """The pool's work function: a picklable closure over the study (sent once per worker)."""

    def __init__(self, model: type, payload: str, threads: int, run_unit: UnitRunner):
        self.model, self.payload, self.threads, self.run_unit = model, payload, threads, run_unit

    def warm(self) -> None:
        """In a worker before its first unit: threads and the parsed scenario (the unit
        runner's module was imported when the work was unpickled)."""
        set_threads(self.threads)
        _scenario(self.model, self.payload)

    def __call__(self, unit):
        return _work(self.model, self.payload, unit, self.threads, self.run_unit)[1:]


def run_units(
    sc,
    units: list,
    run_unit: UnitRunner,
    workers: int = 1,
    scheduler: Any = None,
    num_threads: int | None = None,
    prepare: Callable[[Any], None] | None = None,
) -> Iterator[tuple[Any, list[dict], float]]:
    """Yield ``(unit, rows, seconds)`` for every unit, in completion order.

    :param scheduler: a Dask scheduler's address, or a ``distributed.Client`` (used as it is and
        left open); `None` runs inline or on ``workers`` local processes.
    :param run_unit: the study kind's unit runner, a module-level function ``(sc, unit) -> rows``
        (e.g. :func:`~semcom.simulator.link.engine.run_unit` for link units).
    :param num_threads: intra-op threads per process (default
        :data:`~semcom.core.threads.UNIT_THREADS`: one; parallelism comes from ``workers``).
    :param prepare: before a local pool starts, ``prepare(sc)`` in this process: what every
        worker needs (latent spaces, tables) trained and cached once.
    """
    model = type(sc)
    payload = sc.model_dump_json()
    if scheduler not in (None, ""):
        yield from _run_dask(model, payload, units, scheduler, num_threads or 1, run_unit)
    elif workers <= 1:
        threads, before = num_threads or UNIT_THREADS, torch.get_num_threads()
        try:
            for unit in units:
                yield _work(model, payload, unit, threads, run_unit)
        finally:  # the caller's process (a notebook, a script) keeps its own thread setting
            if torch.get_num_threads() != before:
                set_threads(before)
    else:
        threads = num_threads or UNIT_THREADS
        method = start_method(threads)
        if prepare is not None:
            prepare(sc)  # models trained and cached once, before any worker starts
        work = _UnitWork(model, payload, threads, run_unit)
        for unit, (rows, seconds) in run_supervised(
            units, work, workers, affinity=_affinity, cost=_cost, init=work.warm, method=method
        ):
            yield unit, rows, seconds


def _probe(address: str) -> None:
    """Fail at once, with one line, when nothing listens at a tcp:// scheduler address."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "") or not parts.hostname:
        return
    try:
        port = parts.port or 8786
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except (OSError, ValueError) as exc:
        raise SemcomInputError(
            f"--scheduler {address}: cannot reach the Dask scheduler ({exc}); "
            "start one with `dask scheduler` or fix the address"
        ) from None


def describe_scheduler(scheduler: Any) -> str:
    """A Dask scheduler as the manifest records it: its address (a client's scheduler's)."""
    if isinstance(scheduler, str):
        return scheduler
    return str(getattr(getattr(scheduler, "scheduler", None), "address", None) or type(scheduler).__name__)


def _run_dask(model: type, payload: str, units: list, scheduler: Any, threads: int, run_unit: UnitRunner):
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise RuntimeError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from exc

    own = isinstance(scheduler, str)  # a client the caller opened is theirs to close
    if own:
        _probe(scheduler)
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise SemcomInputError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc}); "
                "start one with `dask scheduler` or fix the address"
            ) from None
    else:
        client = scheduler
    futures = []
    try:
        # retries: a unit whose worker died (or failed) runs again elsewhere; the scheduler
        # also reschedules the tasks of a lost worker by itself
        futures = [
            client.submit(_work, model, payload, u, threads, run_unit, pure=False, retries=DASK_RETRIES)
            for u in units
        ]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        pending = [f for f in futures if not f.done()]
        if pending:
            client.cancel(pending)
        if own:
            client.close()
