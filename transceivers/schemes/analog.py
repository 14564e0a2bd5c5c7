"""Analog transmission: pairs of real values as one complex symbol, power-normalised."""

from __future__ import annotations

import math

import torch
from sionna.phy import Block

from .specs import AnalogSchemeSpec
from .base import SCHEMES, Decoded, Scheme, SideInfo, Transmission

__all__ = ["AnalogMapper", "AnalogDemapper", "AnalogScheme"]


class AnalogMapper(Block):
    r"""Real message → complex symbols of unit average energy per message.

    Entries ``2i`` and ``2i+1`` become the real and imaginary part of symbol ``i``
    (an odd length is zero-padded), then each message is scaled so that its
    ``num_symbols`` symbols carry exactly ``num_symbols`` units of energy.

    :input message: [batch_size, message_dim], torch.float32.
    :output x: [batch_size, ceil(message_dim / 2)], torch.complex64, ``mean(|x|^2) = 1`` per row.
    :output gain: [batch_size, 1], torch.float32, the scale applied to each message.

    .. code-block:: python

        import torch
        from semcom.transceivers.schemes.analog import AnalogMapper
        x, gain = AnalogMapper()(torch.randn(4, 7))
        print(x.shape, x.abs().pow(2).mean(1))    # [4, 4], tensor([1., 1., 1., 1.])
    """

    def call(self, message: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        m = message.shape[-1]
        if m % 2:
            message = torch.nn.functional.pad(message, (0, 1))
        x = torch.complex(message[..., 0::2], message[..., 1::2])
        power = x.abs().pow(2).mean(-1, keepdim=True)
        # an all-zero message (possible after sparsification) is sent as zeros
        gain = torch.where(power > 0, power.clamp(min=1e-30).rsqrt(), torch.ones_like(power))
        return x * gain, gain


class AnalogDemapper(Block):
    r"""Inverse of :class:`AnalogMapper`.

    :input x_hat: [..., batch_size, num_symbols], torch.complex64.
    :input gain: [batch_size, 1], torch.float32 (the per-message scale, known to the
        receiver as one real side-information value per message).
    :input message_dim: int.
    :output message: [..., batch_size, message_dim], torch.float32.
    """

    def call(self, x_hat: torch.Tensor, gain: torch.Tensor, message_dim: int) -> torch.Tensor:
        x_hat = x_hat / gain
        out = torch.stack([x_hat.real, x_hat.imag], dim=-1).flatten(-2)
        return out[..., :message_dim]


@SCHEMES.register("analog")
class AnalogScheme(Scheme):
    """Uncoded analog transmission of the message values (``ceil(m/2)`` symbols per sample); no
    settings (:class:`~semcom.transceivers.schemes.specs.AnalogSchemeSpec`)."""

    Spec = AnalogSchemeSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        self.mapper = AnalogMapper(precision=self.precision, device=self.device)
        self.demapper = AnalogDemapper(precision=self.precision, device=self.device)

    def num_symbols(self, message_dim: int) -> int:
        return math.ceil(message_dim / 2)

    def encode(self, message: torch.Tensor) -> Transmission:
        """:input message: [batch_size, message_dim], torch.float32.
        :output: x [batch_size, ceil(message_dim/2)] complex64; side information: the gain per message."""
        x, gain = self.mapper(message)
        return Transmission(x, SideInfo(message.shape[-1], message.shape[0], gain))

    def message_noise(self, no_eff: torch.Tensor, side: SideInfo) -> torch.Tensor:
        r"""Per-entry noise variance of the decoded message: ``no_eff / (2·gain²)``.

        Symbol ``i`` carries ``gain·(r_2i + j·r_2i+1)`` plus circular noise of variance
        ``no_eff`` (``no_eff/2`` per real dimension); the demapper divides by ``gain``,
        so each real entry bears ``no_eff / (2·gain²)``. With ``gain² = n_sym / |r|²``
        this is ``no_eff·|r|² / (2·n_sym)``: the noise scales with the message's energy.
        """
        per_symbol = no_eff.float() / (2.0 * side.scale.square())
        return per_symbol.repeat_interleave(2, dim=-1)[..., : side.message_dim]

    def decode(self, x_hat: torch.Tensor, no_eff: torch.Tensor, side: SideInfo) -> Decoded:
        """:input x_hat: [num_snr, batch_size, num_symbols], torch.complex64.
        :output: :class:`Decoded` with message [num_snr, batch_size, message_dim] (no bits)."""
        return Decoded(self.demapper(x_hat, side.scale, side.message_dim))
