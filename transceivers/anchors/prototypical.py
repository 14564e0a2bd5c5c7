"""Prototypical anchors: k-means centroids (scikit-learn) snapped to the nearest real samples."""

import numpy as np
import torch

from .base import ANCHOR_STRATEGIES, AnchorStrategy


def kmeans(x: torch.Tensor, k: int, rng: np.random.Generator, iterations: int = 300) -> torch.Tensor:
    """k-means (scikit-learn's Lloyd with k-means++ seeding), deterministic from ``rng``.

    :input x: [n, d], a float tensor. :output: centroids [k, d], same dtype.
    One initialisation (``n_init=1``): the seed comes from the study's generator, so
    the anchors are reproducible from the scenario seed and differ across seeds.
    """
    from sklearn.cluster import KMeans

    seed = int(rng.integers(2**31 - 1))
    model = KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=iterations, random_state=seed)
    model.fit(x.detach().cpu().double().numpy())
    return torch.as_tensor(model.cluster_centers_, dtype=x.dtype)


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
