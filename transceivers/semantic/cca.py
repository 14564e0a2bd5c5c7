"""`cca` and `svcca`: both sides mapped into a shared canonical space fitted on the pilots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch

from semcom.core.errors import ScenarioError
from .base import SEMANTIC_EQUALIZERS
from .pilot_aligner import PilotAligner, check_number

__all__ = ["CCAEqualizer", "SVCCAEqualizer", "CanonicalMaps", "cca", "svd_truncation"]


def _inv_sqrt(c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    lam, vec = torch.linalg.eigh(c)
    lam = lam.clamp(min=max(1e-12 * float(lam.max()), 1e-300))
    return vec @ torch.diag(lam.rsqrt()) @ vec.T, vec @ torch.diag(lam.sqrt()) @ vec.T


@dataclass
class CanonicalMaps:
    """A fitted CCA: ``a = (x − mean_x) @ wx`` and ``b = (y − mean_y) @ wy`` are the canonical
    variates (unit variance on the pilots, ``corr(a_i, b_i) = correlations[i]``).

    :ivar wx: [d_x, k], torch.float64. :ivar wy: [d_y, k], torch.float64.
    :ivar back_y: [k, d_y], torch.float64: canonical coordinates → ``y`` (``wy``'s pseudo-inverse).
    :ivar correlations: [k], torch.float64, descending.
    """

    mean_x: torch.Tensor
    mean_y: torch.Tensor
    wx: torch.Tensor
    wy: torch.Tensor
    back_y: torch.Tensor
    correlations: torch.Tensor

    def predict(self, x: torch.Tensor, shrink: bool = True) -> torch.Tensor:
        """[..., d_x] → [..., d_y]: into the canonical space, times the correlations
        (``E[b | a] = ρ a``, with ``shrink``), back through ``y``'s canonical basis."""
        a = (x - self.mean_x) @ self.wx
        if shrink:
            a = a * self.correlations
        return a @ self.back_y + self.mean_y


def cca(
    x: torch.Tensor, y: torch.Tensor, ridge: float = 0.0, components: Optional[int] = None
) -> CanonicalMaps:
    r"""Regularised canonical correlation analysis of paired rows.

    ``Cxx + λx I`` and ``Cyy + λy I`` (``λ = ridge · tr(C)/d``) whiten each side; the SVD
    ``(Cxx+λxI)^{-1/2} Cxy (Cyy+λyI)^{-1/2} = U diag(ρ) Vᵀ`` gives the canonical
    correlations ``ρ`` and directions ``wx = (Cxx+λxI)^{-1/2} U``, ``wy = (Cyy+λyI)^{-1/2} V``
    (the first ``components``; default ``min(d_x, d_y)``).

    :input x: [n, d_x], torch.float64. :input y: [n, d_y], torch.float64.

    .. code-block:: python

        import torch
        from semcom.transceivers.semantic.cca import cca
        u = torch.randn(4000, 2, dtype=torch.float64)
        x = u @ torch.randn(2, 2, dtype=torch.float64)
        y = torch.stack([u[:, 0], 0.5 * u[:, 1] + 0.75 ** 0.5 * torch.randn(4000, dtype=torch.float64)], 1)
        print(cca(x, y).correlations)                                    # ≈ [1.0, 0.5]
    """
    mx, my = x.mean(0), y.mean(0)
    xc, yc = x - mx, y - my
    n = len(x)
    cxx, cyy, cxy = xc.T @ xc / n, yc.T @ yc / n, xc.T @ yc / n
    ex = torch.eye(cxx.shape[0], dtype=x.dtype)
    ey = torch.eye(cyy.shape[0], dtype=x.dtype)
    ix, _ = _inv_sqrt(cxx + ridge * torch.trace(cxx) / cxx.shape[0] * ex)
    iy, sy = _inv_sqrt(cyy + ridge * torch.trace(cyy) / cyy.shape[0] * ey)
    u, rho, vt = torch.linalg.svd(ix @ cxy @ iy)
    k = min(u.shape[1], vt.shape[0]) if components is None else min(components, u.shape[1], vt.shape[0])
    v = vt.T[:, :k]
    return CanonicalMaps(mx, my, ix @ u[:, :k], iy @ v, v.T @ sy, rho[:k].clamp(0.0, 1.0))


def svd_truncation(x: torch.Tensor, variance: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and the fewest leading right-singular vectors of ``x − mean`` that keep at least
    ``variance`` of its total variance: [d], [d, k] (orthonormal columns)."""
    m = x.mean(0)
    _, s, vt = torch.linalg.svd(x - m, full_matrices=False)
    share = torch.cumsum(s.square(), 0) / s.square().sum().clamp(min=1e-300)
    k = int(torch.searchsorted(share, torch.tensor([variance - 1e-12], dtype=share.dtype))[0]) + 1
    return m, vt[: min(k, len(s))].T


@SEMANTIC_EQUALIZERS.register("cca")
class CCAEqualizer(PilotAligner):
    r"""Canonical correlation analysis on the semantic pilots (:func:`cca`).

    Both sides are mapped into the shared canonical space fitted on the pilots; a received
    latent's canonical variates, times the canonical correlations (the least-squares
    prediction of the receiver's variates), are taken back to the receiver's latent space
    through its canonical basis and decoded by its own absolute head.

    :param ridge: relative ridge on both covariances (default 1e-2; needed when K <= d).
    :param components: canonical pairs kept (default: all, ``min(d_tx, d_rx)``).
    :param options: ``pilots``, ``preprocess``, ``eig_floor`` (see :class:`~.pilot_aligner.PilotAligner`).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "cca"

    def __init__(self, ridge: float = 1e-2, components: Optional[int] = None, **options):
        super().__init__(**options)
        self._own_options(ridge=ridge, components=components)

    @classmethod
    def check_options(cls, prefix, settings):
        super().check_options(prefix, settings)
        check_number(prefix, "ridge", settings["ridge"], 0.0, inclusive=True, example="0.01")
        if settings.get("components") is not None:
            check_number(
                prefix, "components", settings["components"], 1, inclusive=True, whole=True, example="8"
            )

    def fit_map(self, x, y):
        maps = cca(x, y, self.ridge, self.components)
        return maps.predict


@SEMANTIC_EQUALIZERS.register("svcca")
class SVCCAEqualizer(CCAEqualizer):
    r"""SVCCA: each side's pilots are first reduced to the leading singular directions that
    keep ``variance`` of their variance (:func:`svd_truncation`), then :class:`CCAEqualizer`
    runs between the reduced sides; its output goes back through the receiver's basis.

    :param variance: share of the pilots' variance kept per side (default 0.99).
    :param options: ``ridge``, ``components`` and the pilot options of :class:`CCAEqualizer`.

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "svcca"

    def __init__(self, variance: float = 0.99, **options):
        super().__init__(**options)
        self._own_options(variance=variance)

    @classmethod
    def check_options(cls, prefix, settings):
        super().check_options(prefix, settings)
        v = settings["variance"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
            raise ScenarioError(
                f"{prefix}.variance", v, "must be a share in (0, 1]", "use e.g. variance: 0.99"
            )

    def fit_map(self, x, y):
        mx, bx = svd_truncation(x, self.variance)
        my, by = svd_truncation(y, self.variance)
        maps = cca((x - mx) @ bx, (y - my) @ by, self.ridge, self.components)
        return lambda m: maps.predict((m - mx) @ bx) @ by.T + my
