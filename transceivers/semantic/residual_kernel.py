"""`residual_kernel`: Procrustes plus a regularised RKHS (kernel ridge) correction of its residuals."""

from __future__ import annotations

from typing import Union

from .aligned import procrustes_map
from .base import SEMANTIC_EQUALIZERS
from .kernel_ridge import KernelRidgeEqualizer, fit_kernel_ridge

__all__ = ["ResidualKernelEqualizer", "fit_residual_kernel"]


def fit_residual_kernel(x, y, bandwidth: Union[str, float] = "median", ridge: Union[str, float] = "loo"):
    r"""``f(x) = P(x) + g(x)``: ``P`` the scaled orthogonal Procrustes map
    (:func:`~.aligned.procrustes_map`) fitted on the pairs, ``g`` RBF kernel ridge
    regression (:func:`~.kernel_ridge.fit_kernel_ridge`, ridge by leave-one-out) fitted on
    the residuals ``y − P(x)``. Where the residuals are noise the chosen ridge is large and
    ``g`` ≈ its mean; where Procrustes is exact ``g`` is 0.

    :input x: [n, d_x], torch.float64. :input y: [n, d_y], torch.float64.
    :output: a function [..., d_x] → [..., d_y] (torch.float64).
    """
    w = procrustes_map(x, y)

    def linear(m):
        return m @ w[:-1] + w[-1]

    g = fit_kernel_ridge(x, y - linear(x), bandwidth, ridge)
    return lambda m: linear(m) + g(m)


@SEMANTIC_EQUALIZERS.register("residual_kernel")
class ResidualKernelEqualizer(KernelRidgeEqualizer):
    r"""Residual kernel aligner: Procrustes plus a kernel ridge correction (:func:`fit_residual_kernel`).

    :param bandwidth: RBF σ > 0 of the correction, or ``median`` (default).
    :param ridge: λ > 0 of the correction, or ``loo`` (default: closed-form leave-one-out on the pilots).
    :param options: ``pilots``, ``preprocess``, ``eig_floor`` (see :class:`~.pilot_aligner.PilotAligner`).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    name = "residual_kernel"

    def fit_map(self, x, y):
        return fit_residual_kernel(x, y, self.bandwidth, self.ridge)
