"""Transmission schemes: how a real-valued message becomes channel symbols and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import torch
from sionna.phy import Block

from semcom.core.registry import Registry

__all__ = ["SCHEMES", "Scheme", "Decoded"]

SCHEMES: Registry[type["Scheme"]] = Registry("transmission scheme")


@dataclass
class Decoded:
    """What the receiver recovers.

    :ivar message: [num_snr, batch_size, message_dim], torch.float32.
    :ivar ber: [num_snr] torch.float32 or `None` (analog).
    :ivar bler: [num_snr] torch.float32 or `None` (analog).
    """

    message: torch.Tensor
    ber: Optional[torch.Tensor] = None
    bler: Optional[torch.Tensor] = None
    extra: dict = field(default_factory=dict)


class Scheme(Block):
    """Maps messages ``[batch_size, message_dim]`` (float32) to unit-energy complex
    symbols ``[batch_size, num_symbols]`` and recovers them after the channel.

    Subclasses implement :meth:`num_symbols`, :meth:`bits_per_sample`,
    :meth:`encode` and :meth:`decode`.
    """

    def num_symbols(self, message_dim: int) -> int:
        raise NotImplementedError

    def channel_uses(self, channel, message_dim: int) -> float:
        """Complex channel uses per sample over ``channel`` (a :class:`semcom.channels.ChannelModel`),
        pilots included. Schemes that pack several samples per transmission override it."""
        return float(channel.channel_uses(self.num_symbols(message_dim)))

    def bits_per_sample(self, message_dim: int) -> Optional[float]:
        """Information bits per sample, or `None` for analog schemes."""
        return None

    def encode(self, message: torch.Tensor) -> tuple[torch.Tensor, dict]:
        """:input message: [batch_size, message_dim], torch.float32.
        :output x: [batch_size, num_symbols], torch.complex64; and a state dict for :meth:`decode`."""
        raise NotImplementedError

    def decode(self, x_hat: torch.Tensor, no_eff: torch.Tensor, state: dict) -> Decoded:
        """:input x_hat, no_eff: [num_snr, batch_size, num_symbols] complex64 / float32."""
        raise NotImplementedError

    def message_noise(self, no_eff: torch.Tensor, state: dict) -> Optional[torch.Tensor]:
        """Variance of the additive noise on each entry of the decoded message, or `None`
        where the scheme's errors are not additive (quantisation, decoding errors).

        :input no_eff: [num_snr, batch_size, num_symbols], torch.float32.
        :output noise: [num_snr, batch_size, message_dim], torch.float32, or `None`.
        """
        return None

    def call(self, message: torch.Tensor):
        return self.encode(message)
