"""Class-balanced anchors: as equal a number of anchors per class as K allows."""

import numpy as np

from .base import ANCHOR_STRATEGIES, AnchorStrategy


@ANCHOR_STRATEGIES.register("class_balanced")
class ClassBalancedAnchors(AnchorStrategy):
    """Random anchors taken round-robin over classes (classes in random order).

    Uses the pool labels, which both agents know for the shared anchor samples.
    """

    def select(self, features, labels, num_anchors, rng):
        labels = labels.cpu().numpy()
        per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in rng.permutation(np.unique(labels))]
        chosen: list[int] = []
        depth = 0
        while len(chosen) < num_anchors:
            for members in per_class:
                if depth < len(members) and len(chosen) < num_anchors:
                    chosen.append(int(members[depth]))
            depth += 1
        return np.array(chosen)
