"""Class-stratified round-robin pilots, prefix-consistent across budgets."""

from .base import ANCHOR_STRATEGIES
from .class_balanced import ClassBalancedAnchors


@ANCHOR_STRATEGIES.register("stratified")
class StratifiedAnchors(ClassBalancedAnchors):
    """Round-robin over the classes (in a random order), a random unused member of each
    class per round, as :class:`~.class_balanced.ClassBalancedAnchors`; but the draw does
    not depend on the budget (:attr:`prefix_consistent`), so the first N of a budget of 2N
    are exactly the budget-N pilots and a budget sweep compares nested pilot sets.

    >>> import numpy as np, torch
    >>> labels = torch.arange(40) % 4
    >>> a = StratifiedAnchors()(torch.zeros(40, 2), labels, 8, np.random.default_rng(0))
    >>> b = StratifiedAnchors()(torch.zeros(40, 2), labels, 4, np.random.default_rng(0))
    >>> bool((a[:4] == b).all()), sorted(labels[a].tolist())
    (True, [0, 0, 1, 1, 2, 2, 3, 3])
    """

    prefix_consistent = True
