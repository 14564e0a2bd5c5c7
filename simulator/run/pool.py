"""A supervised pool of persistent worker processes for work units.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: when one of its processes dies
(killed, out of memory) the whole executor is broken and every pending unit fails.
Here each worker has its own pipe; the parent watches the pipes and the processes'
sentinels, and when a worker dies only the units it held go back in the queue, to a
fresh worker started in its place. A unit that kills a worker
:data:`MAX_ATTEMPTS` times is reported as an error rather than retried for ever.

Workers are persistent: a worker imports torch and Sionna once and keeps its
per-process caches (study data, latent spaces, fitted heads, LDPC codes) across all
the units it runs. Units that share work carry the same *affinity* key (for link
units: seed, transmitter, receiver and anchors, so the same anchors, heads and
latents): a worker keeps taking units of the group it started while the group has
any, and only then starts another group or takes over part of the largest one.

Start method: ``fork`` where it is safe and cheap (Linux, one thread per worker):
the workers then start in milliseconds with the parent's imports and caches; with
one thread a worker never enters an OpenMP parallel region, which is what makes
forking after torch has run threads unsafe (libgomp is not fork-safe). So the parent
trains the study's encoders (on :data:`~semcom.core.threads.TRAINING_THREADS`) before
it forks, and what workers fit (heads, JSCC models) runs on one thread
(:data:`~semcom.core.threads.FITTING_THREADS`); a forked worker that would need more
threads fails with a clear error instead of hanging. Otherwise ``spawn``.

Results are yielded in completion order; a unit's rows do not depend on which worker
ran it (see :mod:`semcom.simulator.run.randomness`).
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from collections import OrderedDict, deque
from contextlib import suppress
from collections.abc import Callable, Hashable, Iterator, Sequence
from multiprocessing.connection import wait
from typing import Any

from semcom.core import threads

__all__ = ["run_supervised", "MAX_ATTEMPTS", "start_method"]

#: A unit is given up (an error) after it was in flight on this many workers that died.
MAX_ATTEMPTS = 3
# Units handed to a worker ahead of the one it runs, so it never waits for the next one.
_PREFETCH = 2
# Longest wait for a worker's answer before the pool checks every worker's health [s].
_POLL_S = 1.0


def start_method(threads_per_worker: int) -> str:
    """``fork`` on Linux with single-threaded workers, else ``spawn`` (see the module docstring)."""
    if (
        sys.platform.startswith("linux")
        and threads_per_worker == 1
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return "fork"
    return "spawn"


def _worker_main(conn, work: Callable, init: Callable | None, init_args: tuple, forked: bool = False) -> None:
    """Worker loop: receive ``(index, unit)``, send ``("ok", index, result)`` or an error."""
    if forked:
        threads.FORKED_WORKER = True
    if init is not None:
        init(*init_args)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent went away
            return
        if task is None:
            return
        index, unit = task
        try:
            conn.send(("ok", index, work(unit)))
        except BaseException as exc:  # noqa: BLE001 - forwarded to the parent, which raises it
            text = traceback.format_exc()
            try:
                conn.send(("error", index, exc, text))
            except Exception:  # noqa: BLE001 - the exception does not pickle
                conn.send(("error", index, None, text))


class _Worker:
    def __init__(self, ctx, work, init, init_args):
        self.conn, child = ctx.Pipe()
        forked = ctx.get_start_method() == "fork"
        self.process = ctx.Process(
            target=_worker_main, args=(child, work, init, init_args, forked), daemon=True
        )
        self.process.start()
        child.close()
        self.held: list[int] = []  # unit indices sent and not yet answered
        self.group: Hashable = None  # the affinity group it is working through


class _Supervisor:
    """The pool's state: the queued units by affinity group, the workers, the attempts."""

    def __init__(
        self,
        units: Sequence[Any],
        work: Callable,
        affinity: Callable,
        cost: Callable,
        init: Callable | None,
        init_args: tuple,
        method: str,
    ):
        self.units, self.work, self.affinity, self.init, self.init_args = (
            units,
            work,
            affinity,
            init,
            init_args,
        )
        self.ctx = multiprocessing.get_context(method)
        by_key: dict[Hashable, list[int]] = {}
        for i, unit in enumerate(units):
            by_key.setdefault(affinity(unit), []).append(i)
        order = sorted(by_key, key=lambda key: -sum(cost(units[i]) for i in by_key[key]))  # stable
        self.groups: OrderedDict[Hashable, deque[int]] = OrderedDict(
            (key, deque(sorted(by_key[key], key=lambda i: -cost(units[i])))) for key in order
        )
        self.attempts = [0] * len(units)
        self.remaining = len(units)
        self.pool: list[_Worker] = []

    def start(self, workers: int) -> None:
        for _ in range(min(workers, len(self.units))):
            self.pool.append(_Worker(self.ctx, self.work, self.init, self.init_args))
            self.feed(self.pool[-1])

    def next_index(self, worker: _Worker) -> int | None:
        """The next unit for ``worker``: its own group's while it has any, else a group no
        worker has started, else part of the largest group left."""
        groups = self.groups
        if worker.group in groups and groups[worker.group]:
            return groups[worker.group].popleft()
        busy = {w.group for w in self.pool}
        fresh = [key for key, q in groups.items() if q and key not in busy]
        if fresh:
            worker.group = fresh[0]
        else:  # help with the largest group left
            largest = max(groups, key=lambda key: len(groups[key]), default=None)
            if largest is None or not groups[largest]:
                return None
            worker.group = largest
            return groups[largest].pop()
        return groups[worker.group].popleft()

    def feed(self, worker: _Worker) -> None:
        # near the end, no unit waits behind another in one worker while a second idles
        depth = _PREFETCH if sum(map(len, self.groups.values())) >= 2 * len(self.pool) else 1
        while len(worker.held) < depth:
            index = self.next_index(worker)
            if index is None:
                return
            worker.held.append(index)
            try:
                worker.conn.send((index, self.units[index]))
            except OSError:  # it died: its sentinel says so, replace() requeues
                return

    def replace(self, worker: _Worker) -> None:
        """``worker`` died: its units go back to the front of their groups, a new worker takes its place."""
        for index in reversed(worker.held):
            self.attempts[index] += 1
            if self.attempts[index] >= MAX_ATTEMPTS:
                raise RuntimeError(
                    f"a work unit killed {MAX_ATTEMPTS} worker processes in a row "
                    f"(exit code {worker.process.exitcode}): {self.units[index]!r}"
                )
            self.groups.setdefault(self.affinity(self.units[index]), deque()).appendleft(index)
        worker.conn.close()
        self.pool[self.pool.index(worker)] = fresh = _Worker(self.ctx, self.work, self.init, self.init_args)
        fresh.group = worker.group
        self.feed(fresh)

    def receive(self, worker: _Worker, handle) -> tuple[int, Any] | None:
        """The answer ``worker`` sent (``(index, result)``), or `None` when it has none or died
        (then it is replaced); a unit's error is raised here."""
        if handle is worker.conn or worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join(1)
                self.replace(worker)
                return None
            if message[0] == "error":
                _, index, exc, text = message
                if isinstance(exc, BaseException):
                    raise exc
                raise RuntimeError(f"work unit {self.units[index]!r} failed in a worker:\n{text}")
            _, index, result = message
            worker.held.remove(index)
            self.remaining -= 1
            self.feed(worker)
            return index, result
        if not worker.process.is_alive():
            self.replace(worker)
        return None

    def check(self) -> None:
        """Every round: a dead worker is replaced, an idle one takes requeued units."""
        for worker in list(self.pool):
            if worker not in self.pool:
                continue
            if not worker.process.is_alive() and not worker.conn.poll():
                self.replace(worker)
            else:
                self.feed(worker)
        if self.remaining and not any(w.held for w in self.pool) and not any(self.groups.values()):
            raise RuntimeError(
                f"{self.remaining} work unit(s) neither queued nor held by a worker "
                "(a bug in the pool: please report it)"
            )

    def results(self) -> Iterator[tuple[Any, Any]]:
        while self.remaining:
            by_handle = {}
            for w in self.pool:
                by_handle[w.conn] = w
                by_handle[w.process.sentinel] = w
            # a timeout, so that a death missed between two waits, or units requeued while
            # another worker sat idle, are seen within a second (checked below each round)
            for handle in wait(list(by_handle), timeout=_POLL_S):
                worker = by_handle[handle]
                if worker not in self.pool:
                    continue  # already replaced in this round
                answer = self.receive(worker, handle)
                if answer is not None:
                    yield self.units[answer[0]], answer[1]
            self.check()

    def close(self) -> None:
        for w in self.pool:
            with suppress(OSError, ValueError):
                w.conn.send(None)
        for w in self.pool:
            w.process.join(timeout=2)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(timeout=2)
            w.conn.close()


def run_supervised(
    units: Sequence[Any],
    work: Callable[[Any], Any],
    workers: int,
    *,
    affinity: Callable[[Any], Hashable] = lambda u: None,
    cost: Callable[[Any], float] = lambda u: 1.0,
    init: Callable | None = None,
    init_args: tuple = (),
    method: str = "spawn",
) -> Iterator[tuple[Any, Any]]:
    """Yield ``(unit, work(unit))`` for every unit, computed by ``workers`` processes.

    :param work: a picklable (module-level) function of one unit.
    :param affinity: units with equal keys go preferably to the same worker.
    :param cost: a relative cost estimate: the costliest groups start first, so that
        the last units to finish are cheap ones (longest-processing-time-first).
    :param init: run once in every worker before its first unit (imports, threads).
    :param method: the multiprocessing start method (:func:`start_method`).
    """
    pool = _Supervisor(units, work, affinity, cost, init, init_args, method)
    try:
        pool.start(workers)
        yield from pool.results()
    finally:
        pool.close()
