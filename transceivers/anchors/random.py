"""Uniformly random anchors."""

from .base import ANCHOR_STRATEGIES, AnchorStrategy


@ANCHOR_STRATEGIES.register("random")
class RandomAnchors(AnchorStrategy):
    """``num_anchors`` pool samples drawn uniformly without replacement.

    >>> import numpy as np, torch
    >>> RandomAnchors()(torch.zeros(100, 4), torch.zeros(100, dtype=torch.long), 8,
    ...                 np.random.default_rng(0)).shape
    (8,)
    """

    def select(self, features, labels, num_anchors, rng):
        return rng.choice(len(labels), size=num_anchors, replace=False)
