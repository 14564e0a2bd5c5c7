"""SISO Rayleigh block fading, optionally with receive diversity (1 x ``num_rx_ant``, MRC)."""

from __future__ import annotations

from .base import CHANNELS
from .flat_fading import FlatFadingChannelModel
from .specs import RayleighChannelSpec

__all__ = ["RayleighBlockFadingChannel"]


@CHANNELS.register("rayleigh")
class RayleighBlockFadingChannel(FlatFadingChannelModel):
    r"""Rayleigh block fading ``y = h x + n``, ``h ~ CN(0, I_{num_rx_ant})``.

    By default one coefficient per row (per message, or per codeword of the digital
    scheme) and per SNR point; ``coherence_symbols`` lets a row span several
    independent blocks. With ``num_rx_ant > 1`` the receiver combines its antennas;
    ZF and LMMSE both reduce to maximum-ratio combining for one stream. Settings and
    shapes: :class:`~semcom.channels.flat_fading.FlatFadingChannelModel` (with ``num_tx_ant = 1``;
    :class:`~semcom.channels.specs.RayleighChannelSpec`).

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("rayleigh", num_rx_ant=2, csi="ls", num_pilots=2)
        x = torch.ones(3, 100, 8, dtype=torch.complex64)           # 3 SNR points
        x_hat, no_eff = channel(x, torch.tensor([1.0, 0.1, 0.01]))
        print(x_hat.shape, channel.channel_uses(8))                 # [3, 100, 8], 10 (2 pilots)
    """

    Spec = RayleighChannelSpec
