"""`inverse`: inverse relative projection into the receiver's absolute space (Maiorca et al. 2024)."""

import numpy as np
import scipy.linalg
import torch

from semcom.core.errors import SemcomInputError
from .base import SEMANTIC_EQUALIZERS
from .channel_aware import ChannelAwareEqualizer

__all__ = ["InverseEqualizer", "prune_anchors"]


def prune_anchors(b: torch.Tensor, max_condition: float) -> np.ndarray:
    """The anchors a well-conditioned least-squares inverse keeps.

    Anchors are ordered by column-pivoted QR of ``bᵀ`` (each next anchor the one least
    explained by those before it); the kept set is the longest prefix of that order
    whose matrix has condition number ``σ_max / σ_min <= max_condition``.

    :input b: [num_anchors, latent_dim], torch.float64. Normalised anchor latents.
    :output kept: [num_kept] np.int64, positions into the anchors (at least one).
    """
    _, _, order = scipy.linalg.qr(b.T.cpu().numpy(), pivoting=True, mode="economic")
    kept = 1
    for m in range(1, len(order) + 1):
        s = torch.linalg.svdvals(b[torch.from_numpy(order[:m])])
        if s[-1] > 0 and s[0] / s[-1] <= max_condition:
            kept = m
    return np.sort(order[:kept]).astype(np.int64)


@SEMANTIC_EQUALIZERS.register("inverse")
class InverseEqualizer(ChannelAwareEqualizer):
    r"""Reconstruct the receiver's latent direction from the received similarities.

    With ``B = normalize(A_rx - c)`` [K, d_rx], the received cosines satisfy ``r ≈ B u``
    for the unit direction ``u`` of the latent. Least squares for ``u`` is
    ill-conditioned near the interpolation threshold K ≈ d_rx, where a plain
    pseudo-inverse collapses; two remedies (``method``):

    * ``ridge`` (default): ``u = (BᵀB + λ·(tr BᵀB / d_rx) I)⁻¹ Bᵀ r``;
    * ``prune``: keep only the anchors of :func:`prune_anchors` (condition number of
      their ``B`` at most ``max_condition``) and solve by pseudo-inverse on them;
      the other anchors' entries of ``r`` are ignored.

    The latent ``c + s·u/|u|`` (``s`` the anchors' mean norm about ``c``) goes into the
    receiver's absolute head.

    :param method: ``"ridge"`` or ``"prune"``.
    :param ridge: relative ridge weight λ (default 1e-2), for ``ridge``.
    :param max_condition: largest condition number of the kept anchors (default 10), for ``prune``.
    :param denoise: ``none`` or ``lmmse`` on the received message, before the inverse
        (prior: the receiver's own relative representations of its pool).
    :param head: ``clean``, ``matched`` or a list of SNRs [dB]: the absolute head is
        fitted on the reconstructions of the receiver's own pool messages after the link.
    :param head_draws: noise draws per pool message for a noise-trained head.
    :param message_anchors: relative message over the first ``m`` anchors only (see :mod:`.channel_aware`).

    :input message: [num_snr, batch_size, num_anchors], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    message = "relative"

    def __init__(self, method: str = "ridge", ridge: float = 1e-2, max_condition: float = 10.0, **options):
        super().__init__(**options)  # denoise, head, head_draws, message_anchors: ChannelAwareEqualizer's
        if method not in ("ridge", "prune"):
            raise SemcomInputError(
                f"semantic_equalizers.inverse.method: unknown method {method!r}; use ridge or prune"
            )
        for field, value in (("ridge", ridge), ("max_condition", max_condition)):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not np.isfinite(value)
                or value < 0
                or (field == "max_condition" and value < 1)
            ):
                raise SemcomInputError(
                    f"semantic_equalizers.inverse.{field}: must be a number "
                    f"{'>= 1' if field == 'max_condition' else '>= 0'} (got {value!r}); "
                    f"use e.g. {'10' if field == 'max_condition' else '0.01'}"
                )
        self.method, self.ridge, self.max_condition = method, ridge, max_condition

    def fit(self, link, access=None):
        link = self.message_link(link)
        super().fit(link, access)
        method, ridge, max_condition = self.method, self.ridge, self.max_condition
        anchors = link.anchors(link.rx).double()
        c = link.projection.center_of(anchors)
        b = torch.nn.functional.normalize(anchors - c, dim=-1)
        # u = r @ solve_matrix, one [K, d_rx] matrix applied to every message
        if method == "ridge":
            gram = b.T @ b
            lam = ridge * torch.trace(gram) / gram.shape[0]
            solve = torch.linalg.solve(gram + lam * torch.eye(gram.shape[0], dtype=gram.dtype), b.T).T
            self.kept = np.arange(len(b))
        else:
            self.kept = prune_anchors(b, float(max_condition))
            solve = torch.zeros_like(b)
            solve[torch.from_numpy(self.kept)] = torch.linalg.pinv(b[torch.from_numpy(self.kept)]).T
        self.solve_matrix = solve.float()
        self.center = c.float()
        self.scale = (anchors - c).norm(dim=-1).mean().float()
        self.setup_receiver(
            link.relative(link.rx, link.pool_idx),
            link.absolute_head(link.rx),
            (
                "inverse",
                link.rx.name,
                link.rx.fingerprint,
                link.pool_idx,
                link.anchor_idx,
                link.center,
                method,
                ridge,
                max_condition,
            ),
        )
        return self

    def features(self, message: torch.Tensor) -> torch.Tensor:
        return self.reconstruct(message)

    def retrieval_keys(self, idx):
        """The receiver's own latents of samples ``idx``: [len(idx), d_rx]."""
        return self.link.rx.latents[idx]

    def reconstruct(self, message: torch.Tensor) -> torch.Tensor:
        """[..., K] relative → [..., d_rx] estimated receiver latent."""
        u = torch.nn.functional.normalize(message @ self.solve_matrix, dim=-1, eps=1e-12)
        return self.center + self.scale * u
