"""Kernel herding: pilots whose kernel mean embedding tracks the pool's, greedily."""

import numpy as np
import torch

from .base import ANCHOR_STRATEGIES, AnchorStrategy


@ANCHOR_STRATEGIES.register("kernel_herding")
class KernelHerdingAnchors(AnchorStrategy):
    r"""Kernel herding (Chen, Welling & Smola 2010) on the selecting agent's pool latents.

    With an RBF kernel ``k`` on the L2-normalised latents (bandwidth: the median pairwise
    distance of the pool) and the pool's kernel mean ``μ(x) = mean_j k(x, x_j)``, the
    pilot ``t + 1`` is the unused pool sample maximising
    ``μ(x) − (1/(t+1)) Σ_{s≤t} k(x, x_s)``: each pilot goes where the chosen set
    under-represents the pool's distribution. Deterministic and greedy, so the first N
    pilots of a budget of 2N are the budget-N pilots (:attr:`prefix_consistent`).

    >>> import numpy as np, torch
    >>> x = torch.randn(60, 3, generator=torch.Generator().manual_seed(0))
    >>> a = KernelHerdingAnchors()(x, torch.zeros(60, dtype=torch.long), 10, np.random.default_rng(0))
    >>> b = KernelHerdingAnchors()(x, torch.zeros(60, dtype=torch.long), 5, np.random.default_rng(1))
    >>> bool((a[:5] == b).all())
    True
    """

    prefix_consistent = True

    def select(self, features, labels, num_anchors, rng):
        x = torch.nn.functional.normalize(features.double(), dim=1)
        d2 = torch.cdist(x, x).square()
        off = d2[~torch.eye(len(x), dtype=torch.bool)]
        sigma2 = float(off.median()) if off.numel() else 1.0
        k = torch.exp(-d2 / (2 * max(sigma2, 1e-12)))
        mean = k.mean(1)
        herded = torch.zeros(len(x), dtype=torch.float64)
        taken = torch.zeros(len(x), dtype=torch.bool)
        chosen: list[int] = []
        for t in range(num_anchors):
            score = (mean - herded / (t + 1)).masked_fill(taken, -float("inf"))
            i = int(score.argmax())
            chosen.append(i)
            taken[i] = True
            herded += k[:, i]
        return np.array(chosen)
