"""A fixed number of compute threads for training, so trained weights do not depend on the machine.

Floating-point sums are split across threads: a model trained on 2 threads differs in
its last bits from the same model trained on 1 or 8, and after a few hundred optimiser
steps that moves a reported accuracy by a few tenths of a point (measured: the noise-free
stitching table's `relative` row read 87.1 / 76.4 / 92.4 % trained on 1 thread and
87.0 / 75.7 / 92.6 % on 2). Training and fitting therefore run on a fixed number of
threads (:data:`TRAINING_THREADS`, :data:`FITTING_THREADS`) whatever the machine, the
test process or the executor set, so the same scenario gives the same numbers on a
2-core CI machine, on a laptop and with any executor.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, Optional, TypeVar

__all__ = [
    "TRAINING_THREADS",
    "FITTING_THREADS",
    "UNIT_THREADS",
    "NETWORK_UNIT_THREADS",
    "fixed_threads",
    "with_fixed_threads",
]

#: Threads encoders are trained and run on (2: the CI machine's cores), but for the kinds whose
#: bits do not depend on it, which run on one (``transceivers.agents.training_threads``). This
#: happens once per study, in the process that starts the workers (:mod:`semcom.simulator.run.executors`).
TRAINING_THREADS = 2
#: Threads a receiver's head and a JSCC model are fitted on. They are fitted inside units,
#: in workers that run one thread each: more threads there would oversubscribe the cores
#: (measured: two workers became 0.65x as fast as one) and, in a worker forked from a
#: process that ran threads, hang (libgomp is not fork-safe).
FITTING_THREADS = 1

#: Intra-op threads a work unit runs on, inline or in a worker process, unless the caller
#: asks for more: parallelism comes from worker processes (``--workers``), not from OpenMP.
#: A unit's time goes into many small tensor operations; on two intra-op threads each one
#: ends at an OpenMP barrier where one thread spins waiting for the other, and when another
#: process takes one of two cores every barrier waits for a descheduled thread (measured:
#: the 24-unit digital sweep inline took 30 s on one thread and 224 s on two beside one
#: CPU-bound process; ``benchmarks/bench_loaded.py`` times the policies quiet and loaded).
#: Unit results do not depend on it: heads and models fit on fixed threads (above).
UNIT_THREADS = 1

#: Threads a network-level unit runs on (:func:`semcom.simulator.network.engine.run_network_unit`).
#: Its time goes into ~500 slots x a few small tensors each (~3.8 ms a slot); on two intra-op
#: threads every operation ends at an OpenMP barrier, and while another CPU-bound process
#: holds one of two cores each barrier waits for a descheduled thread (measured:
#: network_edge 207 s quiet, 506 s with one competing process). One thread has no barrier
#: (benchmarks/bench_network_load.py times both).
NETWORK_UNIT_THREADS = 1

#: Set in a worker process forked by :mod:`semcom.simulator.run.pool`: no OpenMP threads here.
FORKED_WORKER = False

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def fixed_threads(num_threads: int = TRAINING_THREADS) -> Iterator[None]:
    """Run the block on ``num_threads`` torch threads, then restore the previous setting."""
    import torch

    before = torch.get_num_threads()
    if FORKED_WORKER and num_threads > 1:
        raise RuntimeError(
            f"training on {num_threads} threads inside a forked worker would hang (libgomp is "
            "not fork-safe); the parent must train encoders before it forks (prepare_workers)"
        )
    if before != num_threads:
        torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def with_fixed_threads(fn: Optional[F] = None, *, num_threads: int = TRAINING_THREADS):
    """Decorator: ``fn`` runs under :func:`fixed_threads` (``@with_fixed_threads`` or
    ``@with_fixed_threads(num_threads=FITTING_THREADS)``)."""

    def decorate(inner: F) -> F:
        @functools.wraps(inner)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fixed_threads(num_threads):
                return inner(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate
