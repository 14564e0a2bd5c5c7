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

from semcom.core.registry import Registry, constructor_settings, suggest

__all__ = ["ChannelModel", "ChannelSettingError", "CHANNELS", "CSI_MODES", "EQUALIZERS"]

#: Registry of channel models by name (``awgn``, ``rayleigh``, ...).
CHANNELS: Registry[type["ChannelModel"]] = Registry("channel model")

CSI_MODES = ("perfect", "ls")
EQUALIZERS = ("zf", "lmmse")


class ChannelSettingError(ValueError):
    """A channel setting with a bad value: names the setting, the value and the fix.

    The scenario validator turns it into a one-line user error naming ``channels.<name>``.
    """

    def __init__(self, setting: str, value, problem: str, fix: str):
        self.setting, self.value, self.problem, self.fix = setting, value, problem, fix
        super().__init__(f"{setting}: {problem} (got {value!r}); {fix}")


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
        see :mod:`semcom.channels.snr`.

    :output x_hat: [num_snr, batch_size, num_symbols], `torch.complex64`.
        Equalised symbols.
    :output no_eff: [num_snr, batch_size, num_symbols], `torch.float32`.
        Noise variance of ``x_hat`` after equalisation.
    """

    #: Whether this model uses the ``csi`` and ``equalizer`` settings at all.
    has_fading: bool = True

    def __init__(self, csi: str = "perfect", equalizer: str = "lmmse",
                 precision: Optional[str] = None, device: Optional[str] = None, **kwargs):
        if kwargs:
            known = self.settings()
            name = sorted(kwargs)[0]
            raise ChannelSettingError(name, kwargs[name], "unknown setting of channel model "
                                      f"{type(self).__name__}{suggest(name, known)}",
                                      f"remove it or use one of: {', '.join(known)}")
        super().__init__(precision=precision, device=device)
        if csi not in CSI_MODES:
            raise ChannelSettingError("csi", csi, "unknown CSI mode", f"use one of {', '.join(CSI_MODES)}")
        if equalizer not in EQUALIZERS:
            raise ChannelSettingError("equalizer", equalizer, "unknown equaliser",
                                      f"use one of {', '.join(EQUALIZERS)}")
        self.csi = csi
        self.equalizer = equalizer

    @classmethod
    def settings(cls) -> list[str]:
        """Names of the settings a scenario may give this model (constructor keywords)."""
        return constructor_settings(cls, stop=Block)

    def channel_uses(self, num_symbols: int) -> float:
        """Complex channel uses needed to carry ``num_symbols`` data symbols, overheads
        (pilots, unused resource elements) included. May be fractional where many
        messages share one pilot-bearing frame (OFDM)."""
        return int(num_symbols)

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError
