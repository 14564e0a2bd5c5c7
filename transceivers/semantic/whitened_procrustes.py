"""`whitened_procrustes`: orthogonal Procrustes between the two sides' whitened pilots."""

from __future__ import annotations

import torch

from .base import SEMANTIC_EQUALIZERS
from .pilot_aligner import PilotAligner, check_number

__all__ = ["WhitenedProcrustesEqualizer", "whitened_procrustes_map"]


def _whitener(x: torch.Tensor, eig_floor: float) -> tuple[torch.Tensor, torch.Tensor]:
    """``C^{-1/2}`` and ``C^{1/2}`` of the covariance ``C`` of ``x`` [n, d], eigenvalues floored at
    ``eig_floor`` times the largest."""
    xc = x - x.mean(0)
    lam, vec = torch.linalg.eigh(xc.T @ xc / len(x))
    lam = lam.clamp(min=max(eig_floor * float(lam.max()), 1e-300))
    return vec @ torch.diag(lam.rsqrt()) @ vec.T, vec @ torch.diag(lam.sqrt()) @ vec.T


def whitened_procrustes_map(x: torch.Tensor, y: torch.Tensor, eig_floor: float = 1e-6) -> torch.Tensor:
    r"""Affine map ``y ≈ [x, 1] W``: Procrustes between ZCA-whitened sides, then un-whitened.

    ``x̃ = (x − μx) Cx^{-1/2}``, ``ỹ = (y − μy) Cy^{-1/2}`` (covariances of the pilots,
    eigenvalues floored at ``eig_floor·λ_max``); ``R = U Vᵀ`` from ``svd(x̃ᵀ ỹ)`` (the
    smaller side zero-padded); ``y ≈ (x − μx) Cx^{-1/2} R Cy^{1/2} + μy``. For ``y = x Q``
    with ``Q`` orthogonal and full-rank pilots it returns ``Q`` exactly:
    ``Cy^{-1/2} = Qᵀ Cx^{-1/2} Q``, so ``ỹ = x̃ Q``.

    :input x: [num_pairs, d_tx], torch.float64. :input y: [num_pairs, d_rx], torch.float64.
    :output weight: [d_tx + 1, d_rx], torch.float64 (last row: the bias).

    .. code-block:: python

        import torch
        from semcom.transceivers.semantic.whitened_procrustes import whitened_procrustes_map
        x = torch.randn(50, 4, dtype=torch.float64)
        q = torch.linalg.qr(torch.randn(4, 4, dtype=torch.float64))[0]
        w = whitened_procrustes_map(x, x @ q)
        print(torch.allclose(w[:-1], q, atol=1e-8))                     # True
    """
    mx, my = x.mean(0), y.mean(0)
    wx, _ = _whitener(x, eig_floor)
    wy, uy = _whitener(y, eig_floor)
    xw, yw = (x - mx) @ wx, (y - my) @ wy
    d = max(x.shape[1], y.shape[1])
    xp = torch.nn.functional.pad(xw, (0, d - x.shape[1]))
    yp = torch.nn.functional.pad(yw, (0, d - y.shape[1]))
    u, _, vt = torch.linalg.svd(xp.T @ yp)
    rot = (u @ vt)[: x.shape[1], : y.shape[1]]
    weight = wx @ rot @ uy
    return torch.cat([weight, (my - mx @ weight)[None]], dim=0)


@SEMANTIC_EQUALIZERS.register("whitened_procrustes")
class WhitenedProcrustesEqualizer(PilotAligner):
    r"""Whitened orthogonal Procrustes on the semantic pilots (:func:`whitened_procrustes_map`).

    Whitening makes the map free in scale per principal direction (like a linear map)
    but rigid in between; with fewer pilots than dimensions the floored eigenvalues
    keep it defined.

    :param whiten_floor: eigenvalue floor of the whitening, relative to the largest eigenvalue
        (default 1e-2, the relative regularisation `aligned` and `cca` use by default; the
        clean pilots carry no channel noise, and a tiny floor lets whitening amplify the
        data's noise in the pilots' weak directions: see the README).
    :param options: ``pilots``, ``preprocess``, ``eig_floor`` (see :class:`~.pilot_aligner.PilotAligner`).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "whitened_procrustes"

    def __init__(self, whiten_floor: float = 1e-2, **options):
        super().__init__(**options)
        self._own_options(whiten_floor=whiten_floor)

    @classmethod
    def check_options(cls, prefix, settings):
        super().check_options(prefix, settings)
        check_number(prefix, "whiten_floor", settings["whiten_floor"], 0.0, example="0.01")

    def fit_map(self, x, y):
        w = whitened_procrustes_map(x, y, self.whiten_floor)
        return lambda m: m @ w[:-1] + w[-1]
