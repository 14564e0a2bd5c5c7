"""Digital transmission: b-bit quantisation → 5G LDPC → QAM, and back with LLR demapping.

Chain (every SNR point in one batched call)::

    message [batch, m] ─► UniformQuantizer (b bits/value, clipped) ─► bits [batch, m·b]
      ─► pack into codewords of k information bits ─► LDPC5GEncoder (k, n) ─► Mapper (QAM)
      ─► x [num_codewords, n / bits_per_symbol]  ══ channel (equalised, no_eff) ══►
      Demapper (APP LLRs with no_eff) ─► LDPC5GDecoder ─► unpack ─► UniformDequantizer

**Packing.** With ``B = m·b`` bits per sample and ``block_length`` the target number
of information bits per codeword: if ``B <= block_length``, each codeword carries
``s = floor(block_length / B)`` whole samples (``k = s·B``, no padding bits); otherwise
each sample is split over ``c = ceil(B / block_length)`` codewords of
``k = ceil(B / c)`` bits (``c·k − B`` zero padding bits, counted). The codeword
length is ``n = ceil(k / code_rate / q)·q`` for ``q`` bits per QAM symbol, so the
true rate ``k / n`` is at most ``code_rate``. A codeword is one row of the channel
input: a block-fading channel draws one coefficient per codeword.

**Rate.** ``num_symbols(m) = c·(n/q) / s`` complex symbols per sample (fractional),
and :meth:`DigitalScheme.channel_uses` adds the channel's pilot overhead per
codeword. ``bits_per_sample(m) = m·b`` information bits. Samples that fill the last
codeword of a batch are zeros (a finite-simulation artefact, not counted).

**Range.** The quantiser's range is set from what the message is, never guessed from
the data: the engine gives relative representations (cosines) ``value_range: 1``.
``value_range: auto`` (absolute latents, whose range is not known) quantises each
sample over ``[-max|z|, max|z|]`` (block floating point); that one scale per sample
is side information the receiver is given (:class:`~.base.SideInfo`), like the gain
of the analog scheme, and is not counted in the rate. A fixed ``value_range: a``
uses ``[-a, a]`` for every message, clipping what lies outside.

**Errors.** :meth:`DigitalScheme.decode` sees the symbols and the side information
only; bit and block error rates are counted by the caller from the bits the
:class:`~.base.Transmission` kept (:func:`~.base.error_rates`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from sionna.phy.fec.ldpc import LDPC5GDecoder, LDPC5GEncoder
from sionna.phy.mapping import Demapper, Mapper

from semcom.core.errors import SemcomInputError
from ..quantization import UniformDequantizer, UniformQuantizer
from .specs import DigitalSchemeSpec
from .base import SCHEMES, Decoded, Scheme, SchemeSettingError, SideInfo, Transmission
from .ldpc import EarlyStoppingLDPC5GDecoder

__all__ = ["DigitalScheme", "CodewordLayout", "codeword_layout"]

#: Largest k of the 5G LDPC code (base graph 1).
_MAX_K = 8448
_MIN_K = 12


@dataclass(frozen=True)
class CodewordLayout:
    """How the bits of samples fill codewords.

    :ivar bits_per_sample: ``B = m·b``.
    :ivar samples_per_codeword: ``s`` (1 when a sample needs several codewords).
    :ivar codewords_per_sample: ``c`` (1 when codewords carry whole samples).
    :ivar k: information bits per codeword.
    :ivar n: coded bits per codeword (a multiple of ``bits_per_symbol``).
    :ivar bits_per_symbol: ``q``.
    """

    bits_per_sample: int
    samples_per_codeword: int
    codewords_per_sample: int
    k: int
    n: int
    bits_per_symbol: int

    @property
    def symbols_per_codeword(self) -> int:
        return self.n // self.bits_per_symbol

    @property
    def padding_bits_per_sample(self) -> int:
        return self.codewords_per_sample * self.k - self.bits_per_sample if self.codewords_per_sample > 1 else 0


def codeword_layout(bits_per_sample: int, block_length: int, code_rate: float, bits_per_symbol: int) -> CodewordLayout:
    """Pack ``bits_per_sample`` bits into 5G LDPC codewords of about ``block_length`` information bits.

    >>> codeword_layout(64 * 4, 1024, 0.5, 2)
    CodewordLayout(bits_per_sample=256, samples_per_codeword=4, codewords_per_sample=1, k=1024, n=2048,
                   bits_per_symbol=2)
    """
    if bits_per_sample <= block_length:
        s, c = block_length // bits_per_sample, 1
        k = s * bits_per_sample
        if k < _MIN_K:          # tiny messages: enough whole samples for the shortest code
            s = math.ceil(_MIN_K / bits_per_sample)
            k = s * bits_per_sample
    else:
        s, c = 1, math.ceil(bits_per_sample / block_length)
        k = math.ceil(bits_per_sample / c)
    n = math.ceil(k / code_rate / bits_per_symbol) * bits_per_symbol
    return CodewordLayout(bits_per_sample, s, c, k, n, bits_per_symbol)


def _bits_per_symbol(num_bits_per_symbol, modulation_order) -> int:
    if num_bits_per_symbol is not None and modulation_order is not None:     # one spelling per setting
        raise SchemeSettingError("modulation_order", modulation_order,
                                 f"is an alias of num_bits_per_symbol (the QAM order 2**num_bits_per_symbol), "
                                 f"which is given too ({num_bits_per_symbol!r})", "give only one of them")
    if modulation_order is not None:
        q = math.log2(modulation_order) if isinstance(modulation_order, (int, float)) and modulation_order > 0 else -1
        if isinstance(modulation_order, bool) or q != int(q) or q < 2 or q % 2:
            raise SchemeSettingError("modulation_order", modulation_order,
                                     "must be a square QAM order 4, 16, 64, 256 or 1024", "use e.g. 16")
        return int(q)
    q = 2 if num_bits_per_symbol is None else num_bits_per_symbol
    if isinstance(q, bool) or not isinstance(q, (int, float)) or int(q) != q or q < 2 or q % 2 or q > 10:
        raise SchemeSettingError("num_bits_per_symbol", num_bits_per_symbol,
                                 "must be an even number 2..10 (QPSK to 1024-QAM)", "use e.g. 2 or 4")
    return int(q)


@SCHEMES.register("digital")
class DigitalScheme(Scheme):
    r"""b-bit quantisation, 5G LDPC and QAM (Sionna's blocks); see the module docstring.

    Settings (:class:`~semcom.transceivers.schemes.specs.DigitalSchemeSpec`, bounds there):
    ``bits`` (quantisation bits per message value), ``code_rate`` (LDPC, e.g. 1/3, 1/2, 2/3,
    5/6), ``num_bits_per_symbol`` (bits per QAM symbol: 2 QPSK, 4 16-QAM, ...) or
    ``modulation_order`` (the QAM order 4, 16, 64, 256, 1024) instead, ``block_length``
    (target information bits per codeword), ``num_iter`` (belief-propagation iterations of
    the LDPC decoder, the most with ``early_stop``), ``early_stop`` (stop each codeword's
    decoding at a zero syndrome, :class:`~semcom.transceivers.schemes.ldpc.EarlyStoppingLDPC5GDecoder`:
    same decisions as the fixed-iteration decoder except, rarely, for codewords plain BP
    would have moved away from a valid codeword; ``False``: Sionna's decoder, always
    ``num_iter`` iterations), ``value_range`` (``"auto"`` or a positive number, see the
    module docstring).

    :input message: [batch_size, message_dim], torch.float32 (via :meth:`encode`).
    :output x: [num_codewords, symbols_per_codeword], torch.complex64, unit average energy.

    .. code-block:: python

        import torch
        from semcom.transceivers.schemes import DigitalScheme, error_rates
        scheme = DigitalScheme(bits=4, code_rate=0.5, num_bits_per_symbol=2)
        message = torch.rand(100, 16) * 2 - 1
        sent = scheme.encode(message)
        x_hat = sent.x.unsqueeze(0).expand(2, -1, -1)              # 2 SNR points, no noise
        no_eff = torch.full(x_hat.shape, 1e-3)
        decoded = scheme.decode(x_hat, no_eff, sent.side)
        ber, bler = error_rates(sent, decoded)                     # from the bits the transmitter kept
        print(decoded.message.shape, ber, bler)                    # [2, 100, 16], zeros
        print(decoded.extra["ldpc_iterations"])                    # mean BP iterations per SNR point
    """

    takes_value_range = True
    Spec = DigitalSchemeSpec

    def __init__(self, **settings):
        super().__init__(**settings)
        spec = self.spec
        self.bits = int(spec.bits)
        self.code_rate = float(spec.code_rate)
        self.num_bits_per_symbol = _bits_per_symbol(spec.num_bits_per_symbol, spec.modulation_order)
        self.block_length = int(spec.block_length)
        self.num_iter = int(spec.num_iter)
        self.value_range = spec.value_range
        self.early_stop = spec.early_stop
        kw = dict(precision=self.precision, device=self.device)
        self.quantizer = UniformQuantizer(self.bits, **kw)
        self.dequantizer = UniformDequantizer(self.bits, **kw)
        self.mapper = Mapper("qam", self.num_bits_per_symbol, **kw)
        self.demapper = Demapper("app", "qam", self.num_bits_per_symbol, **kw)
        self._codecs: dict[int, tuple[CodewordLayout, LDPC5GEncoder, LDPC5GDecoder]] = {}

    # -- rate ------------------------------------------------------------------------
    def layout(self, message_dim: int) -> CodewordLayout:
        return self._codec(message_dim)[0]

    def _codec(self, message_dim: int):
        if message_dim not in self._codecs:
            layout = codeword_layout(message_dim * self.bits, self.block_length, self.code_rate,
                                     self.num_bits_per_symbol)
            try:
                encoder = LDPC5GEncoder(layout.k, layout.n, num_bits_per_symbol=self.num_bits_per_symbol,
                                        precision=self.precision, device=self.device)
            except ValueError as exc:
                raise SemcomInputError(f"scheme.code_rate: the 5G LDPC code cannot have k = {layout.k}, "
                                       f"n = {layout.n} (code_rate {self.code_rate:g}): {exc}; use a rate "
                                       "between 1/5 and 11/12 or change block_length") from None
            decoder_class = EarlyStoppingLDPC5GDecoder if self.early_stop else LDPC5GDecoder
            decoder = decoder_class(encoder, hard_out=True, num_iter=self.num_iter,
                                    precision=self.precision, device=self.device)
            self._codecs[message_dim] = (layout, encoder, decoder)
        return self._codecs[message_dim]

    def num_symbols(self, message_dim: int) -> float:
        """Complex symbols per sample: ``c · n/q / s`` (fractional when codewords hold several samples)."""
        lay = self.layout(message_dim)
        return lay.codewords_per_sample * lay.symbols_per_codeword / lay.samples_per_codeword

    def channel_uses(self, channel, message_dim: int) -> float:
        """Channel uses per sample: the channel's cost of one codeword (pilots included) per sample share."""
        lay = self.layout(message_dim)
        per_codeword = channel.channel_uses(lay.symbols_per_codeword)
        return lay.codewords_per_sample * per_codeword / lay.samples_per_codeword

    def bits_per_sample(self, message_dim: int) -> float:
        return float(message_dim * self.bits)

    # -- transmit --------------------------------------------------------------------
    def _scale(self, message: torch.Tensor) -> torch.Tensor:
        if self.value_range != "auto":
            return torch.full((message.shape[0], 1), float(self.value_range), dtype=self.dtype,
                              device=message.device)
        peak = message.abs().amax(-1, keepdim=True)   # block floating point: one scale per sample
        return torch.where(peak > 0, peak, torch.ones_like(peak))

    def encode(self, message: torch.Tensor) -> Transmission:
        """:input message: [batch_size, m], torch.float32.
        :output: :class:`Transmission`: x [num_codewords, symbols_per_codeword], torch.complex64;
            side information (the quantiser's scale per sample); the kept bits
            [batch_size, m·b] and codewords' information bits [num_codewords, k]."""
        batch, m = message.shape
        layout, encoder, _ = self._codec(m)
        scale = self._scale(message)
        bits = self.quantizer(message.to(self.dtype), scale)                       # [batch, B]
        info = self._pack(bits, layout)                                             # [num_cw, k]
        x = self.mapper(encoder(info))                                              # [num_cw, n/q]
        return Transmission(x, SideInfo(m, batch, scale), bits=bits, codewords=info)

    @staticmethod
    def _pack(bits: torch.Tensor, lay: CodewordLayout) -> torch.Tensor:
        batch = bits.shape[0]
        if lay.codewords_per_sample > 1:
            bits = torch.nn.functional.pad(bits, (0, lay.padding_bits_per_sample))
            return bits.reshape(batch * lay.codewords_per_sample, lay.k)
        s = lay.samples_per_codeword
        bits = torch.nn.functional.pad(bits, (0, 0, 0, (-batch) % s))   # zero samples fill the last codeword
        return bits.reshape(-1, lay.k)

    @staticmethod
    def _unpack(info: torch.Tensor, lay: CodewordLayout, batch: int) -> torch.Tensor:
        """[..., num_cw, k] → [..., batch, B]."""
        lead = info.shape[:-2]
        if lay.codewords_per_sample > 1:
            per_sample = info.reshape(*lead, -1, lay.codewords_per_sample * lay.k)
            return per_sample[..., :batch, :lay.bits_per_sample]
        return info.reshape(*lead, -1, lay.bits_per_sample)[..., :batch, :]

    # -- receive ---------------------------------------------------------------------
    def decode(self, x_hat: torch.Tensor, no_eff: torch.Tensor, side: SideInfo) -> Decoded:
        """:input x_hat: [num_snr, num_codewords, symbols_per_codeword], torch.complex64.
        :input no_eff: same shape, torch.float32 (post-equalisation noise variance).
        :input side: the transmission's :class:`SideInfo`.
        :output: :class:`Decoded` with message [num_snr, batch_size, m], bits [num_snr, batch_size, m·b],
            codewords [num_snr, num_codewords, k];
            ``extra["ldpc_iterations"]``: mean BP iterations per codeword, [num_snr] torch.float32."""
        layout, _, decoder = self._codec(side.message_dim)
        llr = self.demapper(x_hat, no_eff)                                          # [S, num_cw, n]
        info_hat = decoder(llr)                                                     # [S, num_cw, k]
        used = getattr(decoder, "last_iterations", None)
        iterations = (used.reshape(llr.shape[0], -1).to(self.dtype).mean(-1) if used is not None
                      else torch.full((llr.shape[0],), float(self.num_iter), dtype=self.dtype))
        bits_hat = self._unpack(info_hat, layout, side.batch_size)                  # [S, batch, B]
        message = self.dequantizer(bits_hat, side.scale)
        return Decoded(message, bits=bits_hat, codewords=info_hat, extra={"ldpc_iterations": iterations})
