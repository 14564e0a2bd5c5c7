"""Prototypical anchors: k-means centroids snapped to the nearest real samples."""

import numpy as np
import torch

from .base import ANCHOR_STRATEGIES, AnchorStrategy


def kmeans(x: torch.Tensor, k: int, rng: np.random.Generator, iterations: int = 25) -> torch.Tensor:
    """Lloyd's k-means with k-means++ seeding. ``x`` [n, d] → centroids [k, d]."""
    n = len(x)
    centroids = [int(rng.integers(n))]
    dist = torch.cdist(x, x[centroids]).squeeze(1) ** 2
    for _ in range(1, k):
        probs = (dist / dist.sum()).double().cpu().numpy() if dist.sum() > 0 else None
        nxt = int(rng.choice(n, p=probs / probs.sum() if probs is not None else None))
        centroids.append(nxt)
        dist = torch.minimum(dist, ((x - x[nxt]) ** 2).sum(1))
    c = x[centroids].clone()
    for _ in range(iterations):
        assign = torch.cdist(x, c).argmin(1)
        sums = torch.zeros_like(c).index_add_(0, assign, x)
        counts = torch.bincount(assign, minlength=k).unsqueeze(1)
        # an empty cluster keeps its previous centroid
        c = torch.where(counts > 0, sums / counts.clamp(min=1), c)
    return c


@ANCHOR_STRATEGIES.register("prototypical")
class PrototypicalAnchors(AnchorStrategy):
    """k-means on the selecting agent's (L2-normalised) latents; each centroid is
    replaced by its nearest not-yet-chosen pool sample (Hüttebräucker et al. 2024)."""

    def select(self, features, labels, num_anchors, rng):
        x = torch.nn.functional.normalize(features.double(), dim=1)
        centroids = kmeans(x, num_anchors, rng)
        dist = torch.cdist(centroids, x)
        chosen: list[int] = []
        taken = torch.zeros(len(x), dtype=torch.bool)
        for row in dist:
            row = row.masked_fill(taken, float("inf"))
            i = int(row.argmin())
            taken[i] = True
            chosen.append(i)
        return np.array(chosen)
