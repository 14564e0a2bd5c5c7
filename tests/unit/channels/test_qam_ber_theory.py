"""Uncoded QAM BER over AWGN and Rayleigh block fading (with MRC) against closed forms.

Tolerances: 4-sigma binomial intervals. For fading, bits of one symbol share the
fading coefficient, so the interval uses the number of independent symbols (each
symbol fades independently with ``coherence_symbols = 1``), which is conservative.
"""

import numpy as np
import pytest
import sionna.phy
import torch
from scipy.special import comb
from scipy.stats import norm
from sionna.phy.mapping import BinarySource, Demapper, Mapper

from semcom.channels import build_channel, snr_db_to_no
from tests.conftest import binomial_tolerance

SNR_DB = [0.0, 4.0, 8.0]


def _q(x):
    return norm.sf(x)


def qpsk_awgn_ber(snr):
    return _q(np.sqrt(snr))  # Es/N0 = snr, Eb/N0 = snr / 2


def qam16_awgn_ber(snr):
    a = np.sqrt(snr / 5.0)  # Gray 16-QAM, nearest-neighbour detection
    return 0.25 * (3 * _q(a) + 2 * _q(3 * a) - _q(5 * a))


def qpsk_rayleigh_mrc_ber(snr, num_rx_ant):
    """Proakis (14.4-15): L-branch MRC of BPSK at per-branch bit SNR gamma = Eb/N0."""
    gamma = snr / 2.0
    mu = np.sqrt(gamma / (1.0 + gamma))
    L = num_rx_ant
    return ((1 - mu) / 2) ** L * sum(comb(L - 1 + k, k) * ((1 + mu) / 2) ** k for k in range(L))


def _simulate(channel, num_bits_per_symbol, num_symbols, snr_db, seed=11):
    sionna.phy.config.seed = seed
    bits = BinarySource(seed=seed)([len(snr_db), 8, num_symbols // 8 * num_bits_per_symbol])
    x = Mapper("qam", num_bits_per_symbol)(bits)
    no = snr_db_to_no(torch.tensor(snr_db, dtype=torch.float32))
    x_hat, no_eff = channel(x, no)
    bits_hat = Demapper("maxlog", "qam", num_bits_per_symbol, hard_out=True)(x_hat, no_eff)
    return (bits_hat != bits).double().mean((1, 2)).numpy()


@pytest.mark.parametrize("q, theory", [(2, qpsk_awgn_ber), (4, qam16_awgn_ber)])
def test_uncoded_qam_ber_over_awgn_matches_closed_form(q, theory):
    n_sym = 200_000
    ber = _simulate(build_channel("awgn"), q, n_sym, SNR_DB)
    for s, snr_db in enumerate(SNR_DB):
        p = float(theory(10 ** (snr_db / 10)))
        assert abs(ber[s] - p) < binomial_tolerance(p, n_sym * q // 2), (snr_db, ber[s], p)


@pytest.mark.parametrize("equalizer", ["zf", "lmmse"])
def test_qpsk_over_rayleigh_with_perfect_csi_matches_closed_form(equalizer):
    n_sym = 100_000
    channel = build_channel("rayleigh", coherence_symbols=1, equalizer=equalizer)
    ber = _simulate(channel, 2, n_sym, SNR_DB)
    for s, snr_db in enumerate(SNR_DB):
        p = float(qpsk_rayleigh_mrc_ber(10 ** (snr_db / 10), 1))
        assert abs(ber[s] - p) < binomial_tolerance(p, n_sym), (snr_db, ber[s], p)


@pytest.mark.parametrize("num_rx_ant", [2, 4])
def test_receive_diversity_matches_mrc_closed_form(num_rx_ant):
    n_sym = 100_000
    channel = build_channel("rayleigh", num_rx_ant=num_rx_ant, coherence_symbols=1)
    ber = _simulate(channel, 2, n_sym, SNR_DB)
    for s, snr_db in enumerate(SNR_DB):
        p = float(qpsk_rayleigh_mrc_ber(10 ** (snr_db / 10), num_rx_ant))
        assert abs(ber[s] - p) < binomial_tolerance(p, n_sym), (num_rx_ant, snr_db, ber[s], p)


def test_block_fading_one_coefficient_per_message_changes_nothing_on_average():
    # the same marginal BER when each message (row of 64 symbols) has one coefficient;
    # the interval counts rows (independent fades) instead of symbols
    rows, n = 8 * 2000, 64
    sionna.phy.config.seed = 5
    channel = build_channel("rayleigh")
    bits = BinarySource(seed=5)([1, rows, 2 * n])
    x = Mapper("qam", 2)(bits)
    x_hat, no_eff = channel(x, snr_db_to_no(torch.tensor([4.0])))
    # one coefficient per row: no_eff is constant along a row
    assert torch.allclose(no_eff, no_eff[..., :1].expand_as(no_eff))
    ber = float((Demapper("maxlog", "qam", 2, hard_out=True)(x_hat, no_eff) != bits).double().mean())
    p = float(qpsk_rayleigh_mrc_ber(10**0.4, 1))
    assert abs(ber - p) < binomial_tolerance(p, rows)
