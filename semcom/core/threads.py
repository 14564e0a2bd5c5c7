"""A fixed number of compute threads for training, so trained weights do not depend on the machine.

Floating-point sums are split across threads: a model trained on 2 threads differs in
its last bits from the same model trained on 1 or 8, and after a few hundred optimiser
steps that moves a reported accuracy by a few tenths of a point (measured: the noise-free
stitching table's `relative` row read 87.1 / 76.4 / 92.4 % trained on 1 thread and
87.0 / 75.7 / 92.6 % on 2). Training and fitting therefore run on
:data:`TRAINING_THREADS` threads whatever the machine, the test process or the executor
set, so the same scenario gives the same numbers on a 2-core CI machine and on a laptop.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, Iterator, TypeVar

__all__ = ["TRAINING_THREADS", "fixed_threads", "with_fixed_threads"]

#: Threads every training or fitting step runs on (2: the CI machine's cores).
TRAINING_THREADS = 2

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def fixed_threads(num_threads: int = TRAINING_THREADS) -> Iterator[None]:
    """Run the block on ``num_threads`` torch threads, then restore the previous setting."""
    import torch

    before = torch.get_num_threads()
    if before != num_threads:
        torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def with_fixed_threads(fn: F) -> F:
    """Decorator: ``fn`` runs under :func:`fixed_threads`."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with fixed_threads():
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
