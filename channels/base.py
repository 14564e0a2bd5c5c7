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

from importlib import import_module
from typing import ClassVar, Literal, Optional, get_args, get_origin

import torch
from sionna.phy import Block

from semcom.core.registry import Registry, constructor_settings
from semcom.core.settings import SettingError, settings_of
from .specs import ChannelSpecBase

__all__ = [
    "ChannelModel",
    "ChannelSettingError",
    "CHANNELS",
    "CSI_MODES",
    "EQUALIZERS",
    "BUILTIN_MODELS",
    "build_channel",
    "check_streams",
]

#: The modules that register the built-in channel models (imported when the registry is first read).
BUILTIN_MODELS = ("awgn", "rayleigh", "mimo", "ofdm_tdl", "ofdm_cdl")


def _register_builtin_models() -> None:
    for module in BUILTIN_MODELS:
        import_module(f"semcom.channels.{module}")


#: Registry of channel models by name (``awgn``, ``rayleigh``, ...).
CHANNELS: Registry[type[ChannelModel]] = Registry("channel model", load=_register_builtin_models)

#: How the receiver knows the channel, and how it undoes it (the choices the spec declares).
CSI_MODES = get_args(ChannelSpecBase.model_fields["csi"].annotation)
EQUALIZERS = get_args(ChannelSpecBase.model_fields["equalizer"].annotation)


class ChannelSettingError(SettingError):
    """A channel setting with a bad value: names the setting, the value and the fix.

    The scenario validator turns it into a one-line user error naming ``channels.<name>``.
    """


def check_streams(num_tx_ant: int, num_rx_ant: int) -> None:
    """One :class:`ChannelSettingError` unless ``num_rx_ant`` receive antennas can separate
    the ``num_tx_ant`` spatially multiplexed streams."""
    if num_rx_ant < num_tx_ant:
        raise ChannelSettingError(
            "num_rx_ant",
            num_rx_ant,
            f"is below num_tx_ant = {num_tx_ant}: the streams cannot be separated",
            "use at least as many receive as transmit antennas",
        )


class ChannelModel(Block):
    r"""Base class: transmit, receive and equalise a batch of symbols.

    Settings are keywords, declared once, in the model's :attr:`Spec`
    (:mod:`semcom.channels.specs`: type, default, bounds); the Block validates them through it
    (one :class:`ChannelSettingError` naming the setting) and keeps them in :attr:`spec`. Every
    model takes ``csi`` (``"perfect"``, or ``"ls"``: least-squares estimates from pilots,
    whose cost :meth:`channel_uses` counts) and ``equalizer`` (``"zf"`` or ``"lmmse"``). A
    model a user writes may take its own keywords too and pass the rest on.

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
    #: The model's typed settings: the one place each of its settings is declared.
    Spec: ClassVar[type[ChannelSpecBase]] = ChannelSpecBase

    def __init__(self, *, precision: Optional[str] = None, device: Optional[str] = None, **settings):
        model = get_args(self.Spec.model_fields["model"].annotation)
        model = (
            model[0]
            if get_origin(self.Spec.model_fields["model"].annotation) is Literal
            else type(self).__name__
        )
        #: the validated settings (an instance of :attr:`Spec`)
        self.spec = settings_of(
            self.Spec,
            {"model": model, **settings},
            ChannelSettingError,
            block=f"channel model {type(self).__name__}",
            known=self.settings(),
        )
        super().__init__(precision=precision, device=device)
        self.csi = self.spec.csi
        self.equalizer = self.spec.equalizer

    @classmethod
    def settings(cls) -> list[str]:
        """Names of the settings a scenario may give this model: its spec's, and the keywords
        of a user's subclass that declares its own."""
        own = (
            set(constructor_settings(cls, stop=ChannelModel))
            if cls.__init__ is not ChannelModel.__init__
            else set()
        )
        return sorted({name for name in cls.Spec.model_fields if name != "model"} | own)

    def channel_uses(self, num_symbols: int) -> float:
        """Complex channel uses needed to carry ``num_symbols`` data symbols, overheads
        (pilots, unused resource elements) included. May be fractional where many
        messages share one pilot-bearing frame (OFDM)."""
        return int(num_symbols)

    def call(self, x: torch.Tensor, no: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError


def build_channel(name: str, precision=None, device=None, **settings) -> ChannelModel:
    """Instantiate the channel model registered as ``name`` with its settings."""
    return CHANNELS.get(name)(precision=precision, device=device, **settings)
