"""`aligned`: absolute latents mapped tx → rx by a linear map fitted on semantic pilots."""

from __future__ import annotations

from typing import Optional

import torch

from .base import SEMANTIC_EQUALIZERS, SemanticEqualizer, check_choices
from .pilot_aligner import PILOT_MODES, received_pilots

__all__ = ["AlignedEqualizer", "ridge_map", "procrustes_map", "PILOTS", "FITS"]

PILOTS = PILOT_MODES
FITS = ("ridge", "procrustes")


def ridge_map(x: torch.Tensor, y: torch.Tensor, ridge: float) -> torch.Tensor:
    """Affine least-squares map ``y ≈ [x, 1] W`` with a relative ridge on the weights (not the bias).

    :input x: [num_pairs, d_tx], torch.float64. :input y: [num_pairs, d_rx], torch.float64.
    :output weight: [d_tx + 1, d_rx], torch.float64 (last row: the bias).
    """
    x1 = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
    gram = x1.T @ x1
    lam = ridge * torch.trace(gram) / gram.shape[0]
    reg = lam * torch.eye(gram.shape[0], dtype=gram.dtype)
    reg[-1, -1] = 0.0  # the bias is not shrunk
    return torch.linalg.solve(gram + reg, x1.T @ y)


def procrustes_map(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Orthogonal Procrustes after centring and scaling both sides (Maiorca et al. 2023).

    ``x̃ = (x − μx)/sx``, ``ỹ = (y − μy)/sy`` (``s`` the RMS norm about the mean); the
    rotation ``R = U Vᵀ`` from ``svd(x̃ᵀ ỹ)`` (the smaller side zero-padded to the larger
    dimension) minimises ``|x̃ R − ỹ|_F``; then ``y ≈ (x − μx) R sy/sx + μy``. It has no
    free scale per direction, so it needs far fewer pilots than a free linear map.

    :input x: [num_pairs, d_tx], torch.float64. :input y: [num_pairs, d_rx], torch.float64.
    :output weight: [d_tx + 1, d_rx], torch.float64 (last row: the bias).
    """
    mx, my = x.mean(0), y.mean(0)
    xc, yc = x - mx, y - my
    sx = xc.square().sum(-1).mean().sqrt().clamp(min=1e-12)
    sy = yc.square().sum(-1).mean().sqrt().clamp(min=1e-12)
    d = max(x.shape[1], y.shape[1])
    xp = torch.nn.functional.pad(xc / sx, (0, d - x.shape[1]))
    yp = torch.nn.functional.pad(yc / sy, (0, d - y.shape[1]))
    u, _, vt = torch.linalg.svd(xp.T @ yp)
    rot = (u @ vt)[: x.shape[1], : y.shape[1]]
    weight = rot * (sy / sx)
    return torch.cat([weight, (my - mx @ weight)[None]], dim=0)


@SEMANTIC_EQUALIZERS.register("aligned")
class AlignedEqualizer(SemanticEqualizer):
    r"""Linear latent-space alignment (Sana & Strinati style baseline).

    The transmitter sends its K anchor latents once (semantic pilots; their channel
    uses are counted once per study in ``setup_channel_uses``); the receiver fits a map
    ``Z_rx ≈ [Z_tx, 1] W`` on the L2-normalised pairs and then decodes every received
    absolute latent through ``W`` and its own absolute head.

    :param ridge: relative ridge weight (default 1e-2); needed near K ≈ d_tx.
    :param fit: ``ridge`` (default: affine least squares) or ``procrustes`` (orthogonal
        map after centring and scaling, :func:`procrustes_map`).
    :param pilots: ``clean`` (default: the idealised bound, pilots received without
        error) or ``channel`` (the pilots cross the unit's channel and scheme at each SNR
        point like the data, and one map per SNR point is fitted on what was received).

    :input message: [num_snr, batch_size, d_tx], torch.float32.
    :output logits: [num_snr, batch_size, num_classes], torch.float32.
    """

    message = "absolute"

    def __init__(
        self,
        ridge: float = 1e-2,
        fit: str = "ridge",
        pilots: str = "clean",
        precision=None,
        device="cpu",
        **unknown,
    ):
        super().__init__(precision=precision, device=device, **unknown)
        self.check_settings("semantic_equalizers.aligned", {"fit": fit, "pilots": pilots})
        self.ridge, self.map_fit, self.pilots = ridge, fit, pilots  # `fit` is the method below

    def fit(self, link, access=None):
        """Fit the map on the K anchor pairs (received over the channel with ``pilots: channel``)."""
        super().fit(link, access)
        ridge, fit = self.ridge, self.map_fit
        x, y = received_pilots(link, access, self.pilots, "semantic_equalizers.aligned")

        def fitted(xs):
            return procrustes_map(xs, y) if fit == "procrustes" else ridge_map(xs, y, ridge)

        # [d_tx + 1, d_rx] for clean pilots; [S, d_tx + 1, d_rx] (one map per SNR point) otherwise
        self.weight = (fitted(x) if x.dim() == 2 else torch.stack([fitted(xs) for xs in x])).float()
        self.head = link.absolute_head(link.rx)
        return self

    @classmethod
    def check_options(cls, prefix: str, settings: dict) -> None:
        check_choices(prefix, settings, {"fit": FITS, "pilots": PILOTS})

    def setup_symbols(self, link) -> int:
        return link.num_anchors * ((link.tx.latent_dim + 1) // 2)

    def transform(self, message: torch.Tensor) -> torch.Tensor:
        """[num_snr, batch_size, d_tx] received latents → [num_snr, batch_size, d_rx] mapped ones."""
        x = torch.nn.functional.normalize(message, dim=-1, eps=1e-12)
        w = self.weight
        if w.dim() == 3 and w.shape[0] != x.shape[0]:
            raise ValueError(f"{w.shape[0]} pilot maps for {x.shape[0]} SNR rows")
        # one map, or map s for SNR row s
        return x @ w[..., :-1, :] + w[..., -1:, :]

    def call(self, message, noise: Optional[torch.Tensor] = None):
        return self.head(self.transform(message))

    def retrieval_query(self, message, noise=None):
        return self.transform(message)

    def retrieval_keys(self, idx):
        return self.link.rx.latents[idx]
