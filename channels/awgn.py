"""Additive white Gaussian noise channel."""

from __future__ import annotations


import torch
from sionna.phy.channel import AWGN

from .base import CHANNELS, ChannelModel
from .specs import AWGNChannelSpec

__all__ = ["AWGNChannel"]


@CHANNELS.register("awgn")
class AWGNChannel(ChannelModel):
    r"""AWGN: ``y = x + n``, ``n ~ CN(0, no)``, through Sionna's :class:`~sionna.phy.channel.AWGN`.

    There is no fading, so the ``csi`` and ``equalizer`` settings have no effect and no
    pilots are sent. Shapes are those of :class:`~semcom.channels.base.ChannelModel`.

    .. code-block:: python

        import torch
        from semcom.channels import AWGNChannel
        channel = AWGNChannel()
        x = torch.ones(3, 100, 8, dtype=torch.complex64)     # 3 SNR points
        x_hat, no_eff = channel(x, torch.tensor([1.0, 0.1, 0.01]))
        print(x_hat.shape, no_eff[:, 0, 0])                    # [3, 100, 8], tensor([1.0, 0.1, 0.01])
    """

    has_fading = False
    Spec = AWGNChannelSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        self._awgn = AWGN(precision=self.precision, device=self.device)

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        no = no.reshape(-1, *([1] * (x.dim() - 1)))  # one noise power per SNR point
        y = self._awgn(x, no)
        return y, no.expand(x.shape).to(self.dtype)
