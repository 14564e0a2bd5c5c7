"""Digital scheme: quantiser, honest rate, and BLER equal to Sionna's own chain."""

import math

import pytest
import sionna.phy
import torch
from sionna.phy.channel import AWGN
from sionna.phy.fec.ldpc import LDPC5GDecoder, LDPC5GEncoder
from sionna.phy.mapping import BinarySource, Demapper, Mapper

from semcom.channels import build_channel, snr_db_to_no
from tests.conftest import binomial_tolerance
from semcom.core.errors import SemcomInputError
from semcom.transceivers.quantization import UniformDequantizer, UniformQuantizer
from semcom.transceivers.schemes import SCHEMES, error_rates
from semcom.transceivers.schemes.digital import DigitalScheme, codeword_layout


@pytest.mark.parametrize("bits", [1, 3, 8])
def test_quantiser_round_trip_error_is_at_most_half_a_cell_and_clips(bits):
    x = torch.linspace(-1, 1, 1001)[None]
    b = UniformQuantizer(bits)(x, 1.0)
    assert b.shape == (1, 1001 * bits) and set(b.unique().tolist()) <= {0.0, 1.0}
    x_hat = UniformDequantizer(bits)(b, 1.0)
    assert (x_hat - x).abs().max() <= 1.0 / 2**bits + 1e-6
    assert len(x_hat.unique()) == 2**bits
    clipped = UniformDequantizer(bits)(UniformQuantizer(bits)(torch.tensor([[-5.0, 5.0]]), 1.0), 1.0)
    assert clipped[0, 0] == -1 + 1 / 2**bits and clipped[0, 1] == 1 - 1 / 2**bits


def test_layout_packs_whole_samples_or_splits_and_counts_padding():
    lay = codeword_layout(64, 1000, 0.5, 4)  # 15 samples of 64 bits per codeword
    assert (lay.samples_per_codeword, lay.k, lay.n) == (15, 960, 1920)
    lay = codeword_layout(3000, 1024, 0.5, 2)  # 3 codewords of 1000 bits
    assert (lay.codewords_per_sample, lay.k, lay.padding_bits_per_sample) == (3, 1000, 0)
    lay = codeword_layout(3001, 1024, 0.5, 2)
    assert (lay.codewords_per_sample, lay.k, lay.padding_bits_per_sample) == (3, 1001, 2)
    lay = codeword_layout(100, 1024, 0.45, 6)  # n rounded up to whole 64-QAM symbols
    assert lay.n % 6 == 0 and lay.k / lay.n <= 0.45


def test_rate_is_honest():
    scheme = DigitalScheme(bits=4, code_rate=0.5, num_bits_per_symbol=4, block_length=1000)
    m = 16  # 64 bits: 15 samples per 1920-bit codeword
    assert scheme.bits_per_sample(m) == 64
    assert scheme.num_symbols(m) == pytest.approx(480 / 15)
    assert scheme.channel_uses(build_channel("awgn"), m) == pytest.approx(32.0)
    ls = build_channel("rayleigh", csi="ls", num_pilots=2)  # 2 pilots per codeword, shared by 15 samples
    assert scheme.channel_uses(ls, m) == pytest.approx(482 / 15)


@pytest.mark.parametrize("m, block_length", [(16, 256), (70, 256)])
def test_noiseless_round_trip(m, block_length):
    scheme = SCHEMES.get("digital")(bits=6, code_rate=0.5, modulation_order=16, block_length=block_length)
    gen = torch.Generator().manual_seed(0)
    message = torch.rand(37, m, generator=gen) * 2 - 1
    sent = scheme.encode(message)
    x = sent.x
    assert x.dtype == torch.complex64 and abs(x.abs().pow(2).mean().item() - 1) < 0.05
    x_hat = x.unsqueeze(0).expand(2, -1, -1)
    decoded = scheme.decode(x_hat, torch.full(x_hat.shape, 1e-4), sent.side)
    assert decoded.message.shape == (2, 37, m)
    ber, bler = error_rates(sent, decoded)
    assert torch.all(ber == 0) and torch.all(bler == 0)
    assert (decoded.message - message).abs().max() <= 1 / 2**6 + 1e-6


def test_absolute_latents_use_a_per_sample_range():
    scheme = DigitalScheme(bits=8)
    message = torch.randn(20, 12) * 7
    sent = scheme.encode(message)
    decoded = scheme.decode(sent.x[None], torch.full((1, *sent.x.shape), 1e-4), sent.side)
    peak = message.abs().amax(-1, keepdim=True)
    assert torch.all((decoded.message[0] - message).abs() <= peak / 2**8 + 1e-5)


@pytest.mark.parametrize(
    "settings, start",
    [
        ({"bits": 0}, "bits: input should be greater than or equal to 1 (got 0)"),
        ({"code_rate": 1.5}, "code_rate: input should be less than 1 (got 1.5)"),
        ({"modulation_order": 8}, "modulation_order: must be a square QAM order"),
        ({"num_bits_per_symbol": 3}, "num_bits_per_symbol: must be an even number 2..10"),
        ({"coderate": 0.5}, "coderate: unknown setting of scheme DigitalScheme (did you mean 'code_rate'?)"),
    ],
)
def test_bad_settings_name_the_field(settings, start):
    """The Block validates through its spec: one line naming the setting (a scenario's checks
    put it under ``scheme.``)."""
    with pytest.raises(SemcomInputError) as info:
        DigitalScheme(**settings)
    assert str(info.value).startswith(start) and "\n" not in str(info.value), str(info.value)


def test_bler_equals_sionnas_own_chain():
    """Same code (k=256, n=512), QPSK, AWGN, SNR: our chain vs Sionna's blocks called directly."""
    snr_db, num_cw = 1.5, 800
    no = snr_db_to_no(torch.tensor([snr_db]))
    # ours: 16 values x 4 bits = 64 bits per sample, 4 samples per codeword
    scheme = DigitalScheme(bits=4, code_rate=0.5, num_bits_per_symbol=2, block_length=256)
    assert (scheme.layout(16).k, scheme.layout(16).n) == (256, 512)
    sionna.phy.config.seed = 21
    message = torch.rand(4 * num_cw, 16, generator=torch.Generator().manual_seed(21)) * 2 - 1
    sent = scheme.encode(message)
    x_hat, no_eff = build_channel("awgn")(sent.x[None], no)
    _, ours_bler = error_rates(sent, scheme.decode(x_hat, no_eff, sent.side))
    # Sionna directly
    sionna.phy.config.seed = 22
    encoder = LDPC5GEncoder(256, 512, num_bits_per_symbol=2)
    decoder = LDPC5GDecoder(encoder, hard_out=True)
    u = BinarySource(seed=22)([num_cw, 256])
    y = AWGN()(Mapper("qam", 2)(encoder(u)), no)
    u_hat = decoder(Demapper("app", "qam", 2)(y, no))
    bler_ref = float((u_hat != u).any(-1).float().mean())
    bler = float(ours_bler[0])
    assert 0.05 < bler_ref < 0.95  # in the waterfall: a sensitive comparison
    p = (bler + bler_ref) / 2
    print(f"BLER ours {bler:.4f}, Sionna direct {bler_ref:.4f} ({num_cw} codewords)")
    assert abs(bler - bler_ref) < math.sqrt(2) * binomial_tolerance(p, num_cw), (bler, bler_ref)


def test_errors_are_counted_from_the_bits_the_transmitter_kept():
    """The decoder gets symbols and side information only; flipping known decoded bits moves
    BER and BLER by exactly the flipped share (a case with a known answer)."""
    import dataclasses

    from semcom.transceivers.schemes import SideInfo

    assert {f.name for f in dataclasses.fields(SideInfo)} == {"message_dim", "batch_size", "scale"}
    scheme = DigitalScheme(bits=4, code_rate=0.5, num_bits_per_symbol=2, block_length=256)
    message = (
        torch.rand(40, 16, generator=torch.Generator().manual_seed(3)) * 2 - 1
    )  # 64 bits, 4 per codeword
    sent = scheme.encode(message)
    assert sent.bits.shape == (40, 64) and sent.codewords.shape == (10, 256)
    decoded = scheme.decode(sent.x[None], torch.full((1, *sent.x.shape), 1e-4), sent.side)
    decoded.bits = decoded.bits.clone()
    decoded.codewords = decoded.codewords.clone()
    decoded.bits[0, :5, 0] = 1 - decoded.bits[0, :5, 0]  # 5 wrong bits, samples 0..4
    decoded.codewords[0, :2, 0] = 1 - decoded.codewords[0, :2, 0]  # codewords 0 and 1 hold them
    ber, bler = error_rates(sent, decoded)
    assert float(ber[0]) == pytest.approx(5 / (40 * 64)) and float(bler[0]) == pytest.approx(2 / 10)
