"""Flat Rayleigh-fading MIMO: the symbols of a message spatially multiplexed over N_tx antennas."""

from __future__ import annotations

from .base import CHANNELS
from .flat_fading import FlatFadingChannelModel
from .specs import MIMOChannelSpec

__all__ = ["MIMOFlatFadingChannel"]


@CHANNELS.register("mimo")
class MIMOFlatFadingChannel(FlatFadingChannelModel):
    r"""``num_tx_ant x num_rx_ant`` flat Rayleigh block fading with spatial multiplexing.

    Symbol ``i`` of a row goes out on antenna ``i mod num_tx_ant``, so a message of
    ``n`` symbols takes ``ceil(n / num_tx_ant)`` channel uses (plus pilots with ``ls``
    CSI). Each channel use carries unit total energy. ZF or LMMSE (Sionna's) separates
    the streams. Settings and shapes: :class:`~semcom.channels.flat_fading.FlatFadingChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import build_channel
        channel = build_channel("mimo", num_tx_ant=2, num_rx_ant=4, equalizer="zf")
        x = torch.ones(2, 50, 16, dtype=torch.complex64)
        x_hat, no_eff = channel(x, torch.tensor([0.1, 0.01]))
        print(x_hat.shape, channel.channel_uses(16))                # [2, 50, 16], 8
    """

    Spec = MIMOChannelSpec
