"""The reference side-information link: bits → complex channel uses, pilots included."""

import math

import pytest

from semcom.channels import build_channel
from semcom.transceivers.side_information import REFERENCE_SIDE_LINK, SideInformationLink


def test_reference_link_is_qpsk_rate_half_one_bit_per_use():
    assert REFERENCE_SIDE_LINK.bits_per_channel_use == 1.0
    assert [REFERENCE_SIDE_LINK.symbols(b) for b in (0, 1, 7, 33)] == [0, 1, 7, 33]


@pytest.mark.parametrize(
    "bits_per_symbol, rate, bits", [(2, 0.5, 33), (4, 0.75, 33), (6, 1 / 3, 1), (1, 1.0, 0)]
)
def test_symbols_round_up_to_carry_every_bit(bits_per_symbol, rate, bits):
    link = SideInformationLink(bits_per_symbol, rate)
    n = link.symbols(bits)
    assert n * bits_per_symbol * rate >= bits - 1e-9  # enough room
    assert n == 0 or (n - 1) * bits_per_symbol * rate < bits  # and not one symbol more
    assert n == math.ceil(bits / (bits_per_symbol * rate))


def test_side_bits_pay_the_channels_overhead():
    awgn = build_channel("awgn")
    assert (
        REFERENCE_SIDE_LINK.channel_uses(awgn, 18) == 18.0
        and REFERENCE_SIDE_LINK.channel_uses(awgn, 0) == 0.0
    )
    ofdm = build_channel("ofdm-tdl")
    # the channel's own statement of what 18 data symbols cost (pilots, frame share)
    assert REFERENCE_SIDE_LINK.channel_uses(ofdm, 18) == pytest.approx(float(ofdm.channel_uses(18)))
    assert REFERENCE_SIDE_LINK.channel_uses(ofdm, 18) >= 18.0


@pytest.mark.parametrize("bad", [dict(bits_per_symbol=0), dict(code_rate=0.0), dict(code_rate=1.5)])
def test_bad_reference_link_is_refused(bad):
    with pytest.raises(ValueError):
        SideInformationLink(**bad)
