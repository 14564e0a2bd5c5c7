"""Contract shared by every channel model of semcom.

A channel model is a Sionna :class:`~sionna.phy.Block` that carries a batch of
unit-energy complex data symbols across a wireless link **and** performs the
receiver's channel processing (pilot-based or perfect CSI, ZF/LMMSE
equalisation). It returns equalised symbols and the post-equalisation noise
variance, which is what a demapper (LLRs) or an analog decoder needs. Pilots and
other overheads are accounted for by :meth:`ChannelModel.channel_uses`.

Every SNR point of a study is simulated in one call: the leading axis of the
input indexes the SNR points and ``no`` gives one noise power per point.
"""

from __future__ import annotations

from typing import Optional

import torch
from sionna.phy import Block

from .registry import Registry

__all__ = ["ChannelModel", "CHANNELS", "CSI_MODES", "EQUALIZERS"]

#: Registry of channel models by name (``awgn``, ``rayleigh``, ...).
CHANNELS: Registry[type["ChannelModel"]] = Registry("channel model")

CSI_MODES = ("perfect", "ls")
EQUALIZERS = ("zf", "lmmse")


class ChannelModel(Block):
    r"""Base class: transmit, receive and equalise a batch of symbols.

    :param csi: ``"perfect"`` (the receiver knows the channel) or ``"ls"``
        (least-squares estimate from pilots, whose cost is counted in
        :meth:`channel_uses`).
    :param equalizer: ``"zf"`` or ``"lmmse"``.
    :param precision: ``"single"`` or ``"double"``; `None` takes Sionna's config.
    :param device: e.g. ``"cpu"`` or ``"cuda:0"``; `None` takes Sionna's config.

    :input x: [num_snr, batch_size, num_symbols], `torch.complex64`.
        Unit average energy data symbols.
    :input no: [num_snr], `torch.float32`. Noise power per complex symbol,
        see :mod:`channels.snr`.

    :output x_hat: [num_snr, batch_size, num_symbols], `torch.complex64`.
        Equalised symbols.
    :output no_eff: [num_snr, batch_size, num_symbols], `torch.float32`.
        Noise variance of ``x_hat`` after equalisation.
    """

    #: Whether this model uses the ``csi`` and ``equalizer`` settings at all.
    has_fading: bool = True

    def __init__(self, csi: str = "perfect", equalizer: str = "lmmse",
                 precision: Optional[str] = None, device: Optional[str] = None, **kwargs):
        super().__init__(precision=precision, device=device, **kwargs)
        if csi not in CSI_MODES:
            raise ValueError(f"csi must be one of {CSI_MODES}, got {csi!r}")
        if equalizer not in EQUALIZERS:
            raise ValueError(f"equalizer must be one of {EQUALIZERS}, got {equalizer!r}")
        self.csi = csi
        self.equalizer = equalizer

    def channel_uses(self, num_symbols: int) -> int:
        """Complex channel uses needed to carry ``num_symbols`` data symbols, overheads included."""
        return int(num_symbols)

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError
