"""Transmission schemes: how a real-valued message becomes channel symbols and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import ClassVar, Literal, Optional, get_args, get_origin

import torch
from sionna.phy import Block

from semcom.core.registry import Registry, constructor_settings
from semcom.core.settings import SettingError, settings_of
from .specs import SchemeSpecBase

__all__ = [
    "SCHEMES",
    "Scheme",
    "SchemeSettingError",
    "SideInfo",
    "Transmission",
    "Decoded",
    "error_rates",
    "MESSAGE_RANGE",
    "build_scheme",
    "message_scheme",
    "BUILTIN_SCHEMES",
]

#: The modules that register the built-in schemes (imported when the registry is first read).
BUILTIN_SCHEMES = (
    "semcom.transceivers.schemes.analog",
    "semcom.transceivers.schemes.digital",
    "semcom.transceivers.jscc",
)


def _register_builtin_schemes() -> None:
    for module in BUILTIN_SCHEMES:
        import_module(module)


SCHEMES: Registry[type[Scheme]] = Registry("transmission scheme", load=_register_builtin_schemes)


class SchemeSettingError(SettingError):
    """A scheme setting with a bad value: names the setting, the value and the fix."""


#: The value range each message kind is known to lie in, so that a quantiser need not
#: guess it from the data: relative representations are cosines. Absolute latents have
#: no known range (``value_range: auto``, one scale per sample, is used for them).
MESSAGE_RANGE = {"relative": 1.0}


def build_scheme(
    kind: str,
    settings: dict,
    message_kind: str,
    precision: Optional[str] = None,
    device: Optional[str] = None,
) -> Scheme:
    """The registered scheme ``kind`` with ``settings``, for messages of ``message_kind``
    (``"relative"`` or ``"absolute"``): a scheme that takes a ``value_range`` left at
    ``auto`` gets the range the message kind is known to lie in (:data:`MESSAGE_RANGE`)."""
    factory = SCHEMES.get(kind)
    settings = dict(settings)
    if (
        factory.takes_value_range
        and settings.get("value_range", "auto") == "auto"
        and message_kind in MESSAGE_RANGE
    ):
        settings["value_range"] = MESSAGE_RANGE[message_kind]
    return factory(precision=precision, device=device, **settings)


def message_scheme(
    spec,
    message_kind: str,
    message_dim: int,
    bits: Optional[int] = None,
    precision: Optional[str] = None,
    device: Optional[str] = None,
) -> Scheme:
    """The scheme of typed settings ``spec`` (a scenario's ``scheme``) sized to carry one
    message of ``message_dim`` values of ``message_kind`` on its own: ``bits`` (a swept
    value) overrides the spec's, and a scheme that codes in codewords
    (``spec.has_block_length``) gets ``block_length = message_dim·bits`` (within 12..8448),
    so a message is whole codewords and shares none with another agent's message."""
    settings = spec.model_dump(exclude={"kind"})
    if bits is not None:
        settings["bits"] = bits
    if spec.has_block_length:
        settings["block_length"] = int(min(max(message_dim * int(settings.get("bits", 8)), 12), 8448))
    return build_scheme(spec.kind, settings, message_kind, precision=precision, device=device)


@dataclass
class SideInfo:
    """What the receiver is told besides the symbols: one explicit input of :meth:`Scheme.decode`.

    :ivar message_dim: values per message, int.
    :ivar batch_size: messages in the transmission, int.
    :ivar scale: [batch_size, 1], torch.float32: the one real value per message the
        receiver is given (analog: the power-normalisation gain; digital: the quantiser's
        range). Not counted in the rate (one number per message, see the README).
    """

    message_dim: int
    batch_size: int
    scale: torch.Tensor


@dataclass
class Transmission:
    """What :meth:`Scheme.encode` emits.

    :ivar x: [batch_size, num_symbols] (analog) or [num_codewords, symbols_per_codeword]
        (digital), torch.complex64: the channel input.
    :ivar side: :class:`SideInfo`, given to the receiver.
    :ivar bits: [batch_size, bits_per_sample], torch.float32, or `None` (analog): the
        information bits of each message, kept by the transmitter so that the engine can
        count bit errors (:func:`error_rates`); never given to the decoder.
    :ivar codewords: [num_codewords, k], torch.float32, or `None`: the same bits as they
        fill the codewords (block errors).
    """

    x: torch.Tensor
    side: SideInfo
    bits: Optional[torch.Tensor] = None
    codewords: Optional[torch.Tensor] = None


@dataclass
class Decoded:
    """What the receiver recovers, from the symbols and the side information only.

    :ivar message: [num_snr, batch_size, message_dim], torch.float32.
    :ivar bits: [num_snr, batch_size, bits_per_sample], torch.float32, or `None` (analog).
    :ivar codewords: [num_snr, num_codewords, k], torch.float32, or `None` (analog).
    :ivar extra: scheme-specific diagnostics, e.g. ``ldpc_iterations`` [num_snr].
    """

    message: torch.Tensor
    bits: Optional[torch.Tensor] = None
    codewords: Optional[torch.Tensor] = None
    extra: dict = field(default_factory=dict)


def error_rates(sent: Transmission, decoded: Decoded) -> Optional[tuple[torch.Tensor, torch.Tensor]]:
    """Bit and block error rates, from the bits the transmitter kept and those decoded.

    :output ber: [num_snr], the scheme's float dtype: mean of ``bits_hat != bits`` over the samples' bits.
    :output bler: [num_snr], same dtype: share of codewords with at least one wrong information bit.
    Returns `None` for schemes without bits (analog).
    """
    if sent.bits is None or decoded.bits is None:
        return None
    dtype = decoded.bits.dtype  # the scheme's precision
    ber = (decoded.bits != sent.bits).to(dtype).mean((-1, -2))
    bler = (decoded.codewords != sent.codewords).any(-1).to(dtype).mean(-1)
    return ber, bler


class Scheme(Block):
    """Maps messages ``[batch_size, message_dim]`` (float32) to unit-energy complex
    symbols and recovers them after the channel, from the symbols and the
    :class:`SideInfo` only (bit and block errors are counted by the caller with
    :func:`error_rates`, from the :class:`Transmission`).

    Subclasses implement :meth:`num_symbols`, :meth:`bits_per_sample`,
    :meth:`encode` and :meth:`decode`. Settings are keywords, declared once, in the scheme's
    :attr:`Spec` (:mod:`semcom.transceivers.schemes.specs`); the Block validates them through
    it (one :class:`SchemeSettingError` naming the setting) and keeps them in :attr:`spec`.
    """

    #: Whether the scheme quantises in a ``value_range`` (``auto``: the message kind's known range).
    takes_value_range: ClassVar[bool] = False
    #: The scheme's typed settings: the one place each of its settings is declared.
    Spec: ClassVar[type[SchemeSpecBase]] = SchemeSpecBase

    def __init__(self, *, precision: Optional[str] = None, device: Optional[str] = None, **settings):
        annotation = self.Spec.model_fields["kind"].annotation
        kind = get_args(annotation)[0] if get_origin(annotation) is Literal else type(self).__name__
        #: the validated settings (an instance of :attr:`Spec`)
        self.spec = settings_of(
            self.Spec,
            {"kind": kind, **settings},
            SchemeSettingError,
            block=f"scheme {type(self).__name__}",
            known=self.settings(),
        )
        super().__init__(precision=precision, device=device)

    @classmethod
    def settings(cls) -> list[str]:
        """Names of the settings the scheme takes: its spec's, and the keywords of a user's
        subclass that declares its own."""
        own = set(constructor_settings(cls, stop=Scheme)) if cls.__init__ is not Scheme.__init__ else set()
        return sorted({name for name in cls.Spec.model_fields if name != "kind"} | own)

    def num_symbols(self, message_dim: int) -> int:
        raise NotImplementedError

    def channel_uses(self, channel, message_dim: int) -> float:
        """Complex channel uses per sample over ``channel`` (a :class:`semcom.channels.ChannelModel`),
        pilots included. Schemes that pack several samples per transmission override it."""
        return float(channel.channel_uses(self.num_symbols(message_dim)))

    def bits_per_sample(self, message_dim: int) -> Optional[float]:
        """Information bits per sample, or `None` for analog schemes."""
        return None

    def encode(self, message: torch.Tensor) -> Transmission:
        """:input message: [batch_size, message_dim], torch.float32.
        :output: :class:`Transmission` (symbols, side information, kept bits)."""
        raise NotImplementedError

    def decode(self, x_hat: torch.Tensor, no_eff: torch.Tensor, side: SideInfo) -> Decoded:
        """:input x_hat, no_eff: [num_snr, *x.shape] complex64 / float32 (post-equalisation noise variance).
        :input side: the :class:`SideInfo` of the transmission."""
        raise NotImplementedError

    def message_noise(self, no_eff: torch.Tensor, side: SideInfo) -> Optional[torch.Tensor]:
        """Variance of the additive noise on each entry of the decoded message, or `None`
        where the scheme's errors are not additive (quantisation, decoding errors).

        :input no_eff: [num_snr, batch_size, num_symbols], torch.float32.
        :output noise: [num_snr, batch_size, message_dim], torch.float32, or `None`.
        """
        return None

    def call(self, message: torch.Tensor) -> Transmission:
        return self.encode(message)
