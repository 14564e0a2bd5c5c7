"""Latent-geometry diagnostics: how collapsed an agent's latent space is, how alike two are.

Relative representations stitch agents whose latent spaces are alike up to an angle-
preserving map. How alike they are, and how much of each space is left beyond the
class labels, decides how good stitching can look; these numbers say which it is.

* :func:`collapse_index` (neural collapse, Papyan et al. 2020): the mean pairwise cosine
  of the globally centred class means (``-1/(C-1)`` when they form a regular simplex,
  the geometry a cosine-head zoo is pushed to), the spread of those cosines (0 for a
  simplex), and the mean cosine of every centred sample to its centred class mean (1
  when each class has collapsed onto its mean). Centred means sum to zero, so their
  *mean* cosine is near ``-1/(C-1)`` whenever their norms are alike, simplex or not:
  the spread and the within-class cosine are what tell a simplex apart.
* :func:`linear_cka` (Kornblith et al. 2019): similarity of two latent spaces over the
  same samples, invariant to orthogonal maps and isotropic scaling of either space.

Example::

    >>> import torch
    >>> x = torch.randn(500, 16)
    >>> round(linear_cka(x, 3.0 * x), 6)
    1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["CollapseIndex", "collapse_index", "linear_cka", "simplex_cosine"]


@dataclass(frozen=True)
class CollapseIndex:
    """Neural-collapse numbers of one latent space.

    :ivar class_mean_cosine: mean pairwise cosine of the centred class means; ``-1/(C-1)``
        for a regular simplex, near 0 for unrelated directions in many dimensions.
    :ivar class_mean_cosine_std: standard deviation of those pairwise cosines; 0 when the
        class means are equiangular (a simplex).
    :ivar within_class_cosine: mean cosine of centred samples to their centred class mean;
        1 when every class has collapsed onto its mean.
    :ivar simplex_cosine: ``-1/(C-1)``, the regular simplex's value, to compare with.
    """

    class_mean_cosine: float
    class_mean_cosine_std: float
    within_class_cosine: float
    simplex_cosine: float


def simplex_cosine(num_classes: int) -> float:
    """Pairwise cosine of the vertices of a regular simplex centred at 0: ``-1/(C-1)``."""
    return -1.0 / (num_classes - 1)


def _unit(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)


@torch.no_grad()
def collapse_index(latents: torch.Tensor, labels: torch.Tensor) -> CollapseIndex:
    """Neural-collapse index of ``latents`` (float, ``[num_samples, latent_dim]``) with
    ``labels`` (int64, ``[num_samples]``); classes absent from ``labels`` are skipped.

    Means are taken over the classes present with equal weight per class, as the
    simplex geometry is defined on class means (Papyan et al. 2020).
    """
    x = latents.double()
    classes = torch.unique(labels)
    means = torch.stack([x[labels == c].mean(0) for c in classes])  # [C, d]
    center = means.mean(0)
    units = _unit(means - center)  # [C, d]
    cos = units @ units.T
    c = len(classes)
    pairs = cos[~torch.eye(c, dtype=torch.bool)]
    position = torch.searchsorted(classes, labels)
    within = (_unit(x - center) * units[position]).sum(1).mean()
    return CollapseIndex(
        float(pairs.mean()), float(pairs.std(correction=0)), float(within), simplex_cosine(c)
    )


@torch.no_grad()
def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear centred kernel alignment of two latent spaces over the same samples.

    :param x: ``[num_samples, dim_x]``, float.
    :param y: ``[num_samples, dim_y]``, float (rows are the same samples as ``x``).
    :return: ``||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F)`` in [0, 1]; 1 for spaces
        equal up to an orthogonal map and a scale, about ``sqrt(dim_x dim_y) / num_samples``
        for independent random features.
    """
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"linear_cka needs the same samples in both spaces, got {x.shape[0]} and {y.shape[0]} rows"
        )
    xc = x.double() - x.double().mean(0)
    yc = y.double() - y.double().mean(0)
    # feature-space Gram products: cheap when num_samples >> latent_dim
    cross = (yc.T @ xc).square().sum()
    return float(cross / ((xc.T @ xc).norm() * (yc.T @ yc).norm()).clamp_min(1e-300))
