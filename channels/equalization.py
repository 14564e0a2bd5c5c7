"""Linear MIMO equalisers for flat fading: Sionna's ZF and LMMSE, selected by name.

Both return unbiased symbol estimates ``x_hat = x + e`` and the per-stream variance of
``e`` (Sionna's :func:`~sionna.phy.mimo.zf_equalizer`, :func:`~sionna.phy.mimo.lmmse_equalizer`).
With one transmit stream both reduce to maximum-ratio combining:
``x_hat = h^H y / |h|^2``, ``no_eff = s / |h|^2`` for white noise of variance ``s``.
For OFDM the resource-grid equalisers of :mod:`sionna.phy.ofdm` are used (:mod:`semcom.channels.ofdm`).
"""

from __future__ import annotations

from typing import Optional

import torch
from sionna.phy import Block
from sionna.phy.mimo import lmmse_equalizer, zf_equalizer

from .base import EQUALIZERS, ChannelSettingError

__all__ = ["FlatFadingEqualizer"]


class FlatFadingEqualizer(Block):
    r"""ZF or LMMSE equalisation of ``y = h x + n`` with white noise plus CSI error.

    :param kind: ``"zf"`` or ``"lmmse"``.

    :input y: [..., num_uses, num_rx_ant], complex. Received vectors; every
        ``num_uses`` channel use shares the channel of its block.
    :input h: [..., num_rx_ant, num_tx_ant], complex. Channel (known or estimated).
    :input s: broadcastable to ``[...]``, float. Noise-plus-interference power per
        receive antenna (``no``, plus ``num_tx_ant * err_var`` with estimated CSI).

    :output x_hat: [..., num_uses, num_tx_ant], complex. Equalised symbols.
    :output no_eff: [..., 1, num_tx_ant], float. Their error variance.

    .. code-block:: python

        import torch
        from semcom.channels.equalization import FlatFadingEqualizer
        h = torch.randn(4, 1, 3, 1, dtype=torch.complex64)        # 4 blocks, 3 rx, 1 tx
        x = torch.ones(4, 1, 10, 1, dtype=torch.complex64)
        y = (h @ x.mT).mT                                          # [4, 1, 10, 3], noiseless
        x_hat, no_eff = FlatFadingEqualizer("zf")(y, h, torch.tensor(0.01))
        print(torch.allclose(x_hat, x, atol=1e-4), no_eff.shape)   # True [4, 1, 1, 1]
    """

    def __init__(
        self, kind: str = "lmmse", precision: Optional[str] = None, device: Optional[str] = None, **kwargs
    ):
        super().__init__(precision=precision, device=device, **kwargs)
        if kind not in EQUALIZERS:
            raise ChannelSettingError(
                "equalizer", kind, "unknown equaliser", f"use one of {', '.join(EQUALIZERS)}"
            )
        self.kind = kind

    def call(self, y: torch.Tensor, h: torch.Tensor, s: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        num_rx = h.shape[-2]
        eye = torch.eye(num_rx, dtype=self.cdtype, device=h.device)
        s = s.to(self.dtype)
        cov = s.reshape(*s.shape, 1, 1, 1).to(self.cdtype) * eye  # [..., 1, rx, rx]
        h = h.unsqueeze(-3)  # [..., 1, rx, tx]
        if self.kind == "zf":
            return zf_equalizer(y, h, cov, precision=self.precision)
        return lmmse_equalizer(y, h, cov, precision=self.precision)
