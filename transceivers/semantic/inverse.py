"""`inverse`: inverse relative projection into the receiver's absolute space (Maiorca et al. 2024)."""

import torch

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer


@SEMANTIC_EQUALIZERS.register("inverse")
class InverseEqualizer(SemanticEqualizer):
    r"""Reconstruct the receiver's latent direction from the received similarities.

    With ``B = normalize(A_rx - c)`` [K, d_rx], the received cosines satisfy ``r ≈ B u``
    for the unit direction ``u`` of the latent. ``u`` is the ridge solution
    ``(BᵀB + λ·(tr BᵀB / d_rx) I)⁻¹ Bᵀ r``, which stays well-conditioned near the
    interpolation threshold K ≈ d_rx where a plain pseudo-inverse collapses. The latent
    ``c + s·u/|u|`` (``s`` the anchors' mean norm about ``c``) goes into the receiver's
    absolute head.

    :param ridge: relative ridge weight λ (default 1e-2).
    """

    message = "relative"

    def __init__(self, link, ridge: float = 1e-2, **settings):
        super().__init__(link)
        anchors = link.anchors(link.rx).double()
        c = link.projection.centre_of(anchors)
        b = torch.nn.functional.normalize(anchors - c, dim=-1)
        gram = b.T @ b
        lam = ridge * torch.trace(gram) / gram.shape[0]
        # u = r @ solve_matrix, one [K, d_rx] matrix applied to every message
        self.solve_matrix = torch.linalg.solve(gram + lam * torch.eye(gram.shape[0], dtype=gram.dtype), b.T).T.float()
        self.centre = c.float()
        self.scale = (anchors - c).norm(dim=-1).mean().float()
        self.head = link.absolute_head(link.rx)

    def reconstruct(self, message: torch.Tensor) -> torch.Tensor:
        """[..., K] relative → [..., d_rx] estimated receiver latent."""
        u = torch.nn.functional.normalize(message @ self.solve_matrix, dim=-1, eps=1e-12)
        return self.centre + self.scale * u

    def __call__(self, message):
        return self.head(self.reconstruct(message))
