"""What side information costs on the air: the channel uses a real link spends on it.

Top-k sparsification sends ``k`` values through the scheme and, beside them, which
``k`` of the ``m`` entries they are (:func:`~semcom.transceivers.compression.index_bits`
bits per sample). Those bits are not free: a real link sends them as data, with a
robust modulation and code, over the same channel (its pilots included). So a study's
``channel_uses`` counts them for every scheme, analog included, at the rate of a
stated reference link:

* **QPSK with a rate-1/2 code** (2 coded bits per symbol, half of them redundancy):
  1 information bit per complex channel use, the usual choice for control
  information (robust at the low SNRs the studies sweep);
* per sample, rounded up to whole symbols: ``ceil(bits / 1)`` data symbols, whose
  cost on the channel (pilots, OFDM frame overhead) the channel model states.

This is an accounting model, not a simulated link: the positions are assumed to
arrive intact (the reference code is chosen to make that true at the operating SNR).

Example::

    from semcom.channels import build_channel
    from semcom.transceivers.side_information import SideInformationLink
    ref = SideInformationLink()                          # QPSK, rate 1/2
    print(ref.channel_uses(build_channel("awgn"), 18))   # 18.0 complex channel uses per sample
"""

from __future__ import annotations

import math

__all__ = ["SideInformationLink", "REFERENCE_SIDE_LINK"]


class SideInformationLink:
    """The reference link that carries side information.

    :param bits_per_symbol: coded bits per complex symbol (2: QPSK).
    :param code_rate: information bits per coded bit (1/2).
    """

    def __init__(self, bits_per_symbol: int = 2, code_rate: float = 0.5):
        if not (isinstance(bits_per_symbol, int) and bits_per_symbol >= 1):
            raise ValueError(f"bits_per_symbol must be a positive int (got {bits_per_symbol!r})")
        if not 0 < code_rate <= 1:
            raise ValueError(f"code_rate must be in (0, 1] (got {code_rate!r})")
        self.bits_per_symbol = bits_per_symbol
        self.code_rate = code_rate

    @property
    def bits_per_channel_use(self) -> float:
        """Information bits per complex channel use (1.0 for QPSK, rate 1/2)."""
        return self.bits_per_symbol * self.code_rate

    def symbols(self, bits: int) -> int:
        """Data symbols carrying ``bits`` information bits (0 for none)."""
        return math.ceil(int(bits) / self.bits_per_channel_use) if bits > 0 else 0

    def channel_uses(self, channel, bits: int) -> float:
        """Complex channel uses per sample that ``bits`` side-information bits cost over ``channel``
        (a :class:`semcom.channels.ChannelModel`; its pilot overhead included)."""
        symbols = self.symbols(bits)
        return float(channel.channel_uses(symbols)) if symbols else 0.0

    def __repr__(self) -> str:
        return f"SideInformationLink(bits_per_symbol={self.bits_per_symbol}, code_rate={self.code_rate})"


#: The reference link of every study: QPSK, rate 1/2 (1 bit per channel use).
REFERENCE_SIDE_LINK = SideInformationLink()
