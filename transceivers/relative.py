"""Relative projection: a latent re-expressed as its similarities to anchor latents."""

from __future__ import annotations

from typing import Optional

import torch
from sionna.phy import Block

__all__ = ["RelativeProjection"]


class RelativeProjection(Block):
    r"""Cosine relative representation (Moschella et al. 2022).

    ``r = normalize(z - c) @ normalize(A - c).T`` with ``c`` the mean of the agent's
    own anchor latents when ``center=True``, else ``0``. Unchanged by any rotation
    and any positive rescaling of the latent space (and, with centring, by
    translation), which is what lets agents with different encoders share it.

    :param center: subtract the anchors' mean before the cosine.
    :param precision: ``"single"`` or ``"double"``.
    :param device: torch device string.

    :input z: [batch_size, latent_dim], torch.float32. Latents to project.
    :input anchors: [num_anchors, latent_dim], torch.float32. The same agent's anchor latents.

    :output r: [batch_size, num_anchors], torch.float32, entries in [-1, 1].

    .. code-block:: python

        import torch
        from semcom.transceivers.relative import RelativeProjection
        z, anchors = torch.randn(5, 16), torch.randn(8, 16)
        q = torch.linalg.qr(torch.randn(16, 16))[0]           # a rotation
        proj = RelativeProjection()
        print(torch.allclose(proj(z, anchors), proj(3 * z @ q, 3 * anchors @ q), atol=1e-5))  # True
    """

    def __init__(
        self,
        center: bool = False,
        eps: float = 1e-12,
        precision: Optional[str] = None,
        device: Optional[str] = None,
        **kwargs,
    ):
        super().__init__(precision=precision, device=device, **kwargs)
        self.center = bool(center)
        self.eps = eps

    def center_of(self, anchors: torch.Tensor) -> torch.Tensor:
        """The centring vector ``c`` [latent_dim] (zeros without centring)."""
        return anchors.mean(0) if self.center else torch.zeros_like(anchors[0])

    def call(self, z: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
        c = self.center_of(anchors)
        zn = torch.nn.functional.normalize(z - c, dim=-1, eps=self.eps)
        an = torch.nn.functional.normalize(anchors - c, dim=-1, eps=self.eps)
        return zn @ an.T
