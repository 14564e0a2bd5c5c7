"""Anchor selection contract and registry.

A strategy picks ``num_anchors`` distinct samples from the anchor pool (samples
disjoint from the test set). Only the chosen *indices* are shared between agents;
each agent embeds them with its own encoder.
"""

from __future__ import annotations

import numpy as np
import torch

from semcom.core.registry import Registry

__all__ = ["ANCHOR_STRATEGIES", "AnchorStrategy", "check_num_anchors"]

ANCHOR_STRATEGIES: Registry[type[AnchorStrategy]] = Registry("anchor selection")


def check_num_anchors(num_anchors: int, pool_size: int) -> None:
    if num_anchors < 1:
        raise ValueError(f"num_anchors must be >= 1, got {num_anchors}")
    if num_anchors > pool_size:
        raise ValueError(
            f"num_anchors = {num_anchors} exceeds the anchor pool of {pool_size} samples; "
            "lower num_anchors or lower data.test_fraction"
        )


class AnchorStrategy:
    """Choose anchor indices into the pool.

    A strategy whose :attr:`prefix_consistent` is true returns, for a budget N, the first
    N of what it returns for any larger budget from the same generator; the link engine
    then draws its generator without the budget, so the pilots of a budget sweep are nested.

    :input features: [pool_size, dim], torch.float32. The selecting agent's latents
        (or raw inputs, flattened) of the pool samples.
    :input labels: [pool_size], torch.int64.
    :input num_anchors: int.
    :input rng: :class:`numpy.random.Generator`, the only source of randomness.

    :output indices: [num_anchors], np.int64, distinct positions into the pool.
    """

    #: the first N of a budget of 2N are the budget-N anchors (given the same generator)
    prefix_consistent: bool = False

    def __call__(
        self, features: torch.Tensor, labels: torch.Tensor, num_anchors: int, rng: np.random.Generator
    ) -> np.ndarray:
        check_num_anchors(num_anchors, len(labels))
        idx = np.asarray(self.select(features, labels, num_anchors, rng), dtype=np.int64)
        assert len(np.unique(idx)) == num_anchors, "strategy returned repeated anchors"
        return idx

    def select(self, features, labels, num_anchors, rng) -> np.ndarray:
        raise NotImplementedError
