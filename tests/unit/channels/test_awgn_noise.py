"""AWGN: measured noise power equals `no` (the SNR convention of channels/snr.py)."""

import math

import pytest
import torch
import sionna.phy

from semcom.channels import AWGNChannel, snr_db_to_no, no_to_snr_db, ebno_db_to_snr_db, snr_db_to_ebno_db


def test_snr_convention_round_trip():
    assert snr_db_to_no(10.0) == pytest.approx(0.1)
    assert snr_db_to_no(0.0) == pytest.approx(1.0)
    assert no_to_snr_db(snr_db_to_no(-7.5)) == pytest.approx(-7.5)
    # 16-QAM, rate 1/2: 2 information bits per symbol -> Es/N0 = Eb/N0 + 3.01 dB
    assert ebno_db_to_snr_db(4.0, 4, 0.5) == pytest.approx(4.0 + 10 * math.log10(2))
    assert snr_db_to_ebno_db(ebno_db_to_snr_db(4.0, 4, 0.5), 4, 0.5) == pytest.approx(4.0)
    t = snr_db_to_no(torch.tensor([0.0, 10.0, 20.0]))
    assert torch.allclose(t, torch.tensor([1.0, 0.1, 0.01]))


@pytest.mark.parametrize("snr_db", [-10.0, 0.0, 10.0, 30.0])
def test_awgn_noise_variance_equals_no(snr_db):
    sionna.phy.config.seed = 7
    n = 200_000
    no = snr_db_to_no(snr_db)
    x = torch.zeros(1, n, 1, dtype=torch.complex64)
    y, no_eff = AWGNChannel()(x, torch.tensor([no]))
    power = y.abs().pow(2).double()
    # sample variance of |n|^2 ~ Exp(no): std of the mean = no / sqrt(n); 5 sigma
    assert abs(power.mean().item() - no) < 5 * no / math.sqrt(n)
    # circularly symmetric: no/2 per real dimension, uncorrelated
    assert abs(y.real.double().pow(2).mean().item() - no / 2) < 5 * no / math.sqrt(2 * n) * 1.5
    assert abs((y.real * y.imag).double().mean().item()) < 5 * (no / 2) / math.sqrt(n)
    assert torch.allclose(no_eff, torch.full_like(no_eff, no))


def test_awgn_batches_snr_points_with_their_own_noise_power():
    sionna.phy.config.seed = 3
    nos = torch.tensor([1.0, 0.1, 0.001])
    x = torch.ones(3, 20_000, 4, dtype=torch.complex64)
    y, _ = AWGNChannel()(x, nos)
    measured = (y - x).abs().pow(2).double().mean((1, 2))
    n = 80_000
    assert torch.all((measured - nos.double()).abs() < 5 * nos.double() / math.sqrt(n))


def test_awgn_is_reproducible_from_the_seed():
    x = torch.ones(2, 100, 3, dtype=torch.complex64)
    outs = []
    for seed in (5, 5, 6):
        sionna.phy.config.seed = seed
        outs.append(AWGNChannel()(x, torch.tensor([0.5, 0.5]))[0])
    assert torch.equal(outs[0], outs[1])
    assert not torch.equal(outs[0], outs[2])
