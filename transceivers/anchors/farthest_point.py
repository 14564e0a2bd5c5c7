"""Farthest-point anchors: greedy max–min coverage of the latent sphere."""

import numpy as np
import torch

from .base import ANCHOR_STRATEGIES, AnchorStrategy


@ANCHOR_STRATEGIES.register("farthest_point")
class FarthestPointAnchors(AnchorStrategy):
    """Start from a random sample, then repeatedly add the sample whose cosine
    distance to its nearest chosen anchor is largest."""

    def select(self, features, labels, num_anchors, rng):
        x = torch.nn.functional.normalize(features.double(), dim=1)
        first = int(rng.integers(len(x)))
        chosen = [first]
        nearest = 1.0 - x @ x[first]
        for _ in range(1, num_anchors):
            nearest[chosen[-1]] = -1.0
            i = int(nearest.argmax())
            chosen.append(i)
            nearest = torch.minimum(nearest, 1.0 - x @ x[i])
            nearest[chosen] = -1.0
        return np.array(chosen)
