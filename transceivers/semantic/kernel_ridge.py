"""`kernel_ridge`: RBF kernel ridge regression tx → rx on the pilots, ridge chosen by leave-one-out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import torch

from semcom.core.errors import ScenarioError
from .base import SEMANTIC_EQUALIZERS
from .pilot_aligner import PilotAligner, check_number

__all__ = ["KernelRidgeEqualizer", "KernelRidge", "fit_kernel_ridge", "median_bandwidth", "RIDGE_GRID"]

#: Candidate ridges of the leave-one-out rule (the RBF kernel's diagonal is 1).
RIDGE_GRID = tuple(10.0 ** (e / 2) for e in range(-16, 5))  # 1e-8 ... 1e2


def median_bandwidth(x: torch.Tensor) -> float:
    """Median heuristic: the median Euclidean distance between distinct rows of ``x`` [n, d]."""
    d = torch.cdist(x, x)
    off = d[~torch.eye(len(x), dtype=torch.bool)]
    med = float(off.median()) if off.numel() else 1.0
    return med if med > 0 else 1.0


def rbf(a: torch.Tensor, b: torch.Tensor, bandwidth: float) -> torch.Tensor:
    """``exp(−|a_i − b_j|² / (2 σ²))``: [n, m] for a [n, d], b [m, d]."""
    return torch.exp(-torch.cdist(a, b).square() / (2 * bandwidth**2))


@dataclass
class KernelRidge:
    """A fitted kernel ridge regression ``f(x) = mean + k(x, X) α``.

    :ivar centres: [n, d_x], torch.float64. :ivar alpha: [n, d_y]. :ivar mean: [d_y].
    :ivar bandwidth: σ. :ivar ridge: λ. :ivar loo_mse: leave-one-out MSE at the chosen λ.
    """

    centers: torch.Tensor
    alpha: torch.Tensor
    mean: torch.Tensor
    bandwidth: float
    ridge: float
    loo_mse: float

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """[..., d_x] → [..., d_y]."""
        flat = x.reshape(-1, x.shape[-1])
        out = self.mean + rbf(flat, self.centers, self.bandwidth) @ self.alpha
        return out.reshape(*x.shape[:-1], -1)


def fit_kernel_ridge(
    x: torch.Tensor,
    y: torch.Tensor,
    bandwidth: Union[str, float] = "median",
    ridge: Union[str, float] = "loo",
) -> KernelRidge:
    r"""RBF kernel ridge regression on paired rows, ridge chosen on the pairs themselves.

    Targets are centred on their mean (the intercept); ``α = (K + λI)^{-1}(y − ȳ)``.
    ``bandwidth``: σ > 0, or ``"median"`` (:func:`median_bandwidth` of ``x``).
    ``ridge``: λ > 0, or ``"loo"``: the λ of :data:`RIDGE_GRID` with the smallest
    leave-one-out mean squared error, in closed form (Allen's PRESS): with
    ``K = U diag(s) Uᵀ`` and the hat matrix ``H = U diag(s/(s+λ)) Uᵀ``, the residual of
    pair i left out is ``(y_i − ŷ_i)/(1 − H_ii)`` (the intercept is held at the mean of all
    pairs). Only the pilots are used: never the test set.

    :input x: [n, d_x], torch.float64. :input y: [n, d_y], torch.float64.

    .. code-block:: python

        import torch
        from semcom.transceivers.semantic.kernel_ridge import fit_kernel_ridge
        x = torch.rand(200, 1, dtype=torch.float64) * 6
        f = fit_kernel_ridge(x, torch.sin(x))
        print(f.ridge, float((f(x) - torch.sin(x)).abs().max()) < 0.01)
    """
    sigma = median_bandwidth(x) if bandwidth == "median" else float(bandwidth)
    mean = y.mean(0)
    yc = y - mean
    k = rbf(x, x, sigma)
    s, u = torch.linalg.eigh(k)
    s = s.clamp(min=0.0)
    uty = u.T @ yc
    best = None
    for lam in RIDGE_GRID if ridge == "loo" else (float(ridge),):
        shrink = s / (s + lam)
        fitted = u @ (shrink[:, None] * uty)
        h = (u.square() * shrink).sum(1)
        loo = ((yc - fitted) / (1 - h).clamp(min=1e-12)[:, None]).square().sum(1).mean()
        if best is None or float(loo) < best[1]:
            best = (lam, float(loo))
    lam, loo = best
    alpha = u @ (uty / (s + lam)[:, None])
    return KernelRidge(x, alpha, mean, sigma, lam, loo)


def check_kernel_options(prefix: str, settings: dict) -> None:
    """``bandwidth``: ``median`` or a number > 0; ``ridge``: ``loo`` or a number > 0."""
    for option, word, example in (("bandwidth", "median", "0.5"), ("ridge", "loo", "0.01")):
        value = settings[option]
        if value == word:
            continue
        if isinstance(value, str):
            raise ScenarioError(
                f"{prefix}.{option}",
                value,
                f"unknown {option} option",
                f"use {word} or a number > 0 such as {example}",
            )
        check_number(prefix, option, value, 0.0, example=f"{word} (or a number > 0 such as {example})")


@SEMANTIC_EQUALIZERS.register("kernel_ridge")
class KernelRidgeEqualizer(PilotAligner):
    r"""Kernel ridge regression tx → rx on the semantic pilots (:func:`fit_kernel_ridge`).

    :param bandwidth: RBF σ > 0, or ``median`` (default: the median pairwise distance of
        the received pilots).
    :param ridge: λ > 0, or ``loo`` (default: the grid value with the smallest closed-form
        leave-one-out error on the pilots).
    :param options: ``pilots``, ``preprocess``, ``eig_floor`` (see :class:`~.pilot_aligner.PilotAligner`).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "kernel_ridge"

    def __init__(self, bandwidth: Union[str, float] = "median", ridge: Union[str, float] = "loo", **options):
        super().__init__(**options)
        self._own_options(bandwidth=bandwidth, ridge=ridge)

    @classmethod
    def check_options(cls, prefix, settings):
        super().check_options(prefix, settings)
        check_kernel_options(prefix, settings)

    def fit_map(self, x, y):
        return fit_kernel_ridge(x, y, self.bandwidth, self.ridge)
