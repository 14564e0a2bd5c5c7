"""Shannon references: quadratures agree with each other and with known limits."""

import numpy as np
import pytest
from scipy.special import exp1

from semcom.channels.capacity import capacity_function, capacity_mimo_rayleigh, capacity_simo_rayleigh
from semcom.channels.snr import capacity_awgn


def test_siso_rayleigh_quadratures_agree_and_fading_costs_capacity():
    snr = np.array([-5.0, 0.0, 10.0, 20.0])
    g = 10 ** (snr / 10)
    exact = np.log2(np.e) * np.exp(1 / g) * exp1(1 / g)  # closed form of E[log2(1 + g |h|^2)]
    assert np.allclose(capacity_simo_rayleigh(snr, 1), exact, rtol=1e-3)
    assert np.all(capacity_simo_rayleigh(snr, 1) < capacity_awgn(snr))  # Jensen
    # 1x1 "MIMO" by Monte Carlo (20k draws) agrees with the quadrature to sampling accuracy
    assert np.allclose(capacity_mimo_rayleigh(snr, 1, 1), capacity_simo_rayleigh(snr, 1), rtol=0.02)


def test_receive_diversity_approaches_awgn_with_array_gain():
    # with L antennas, E|h|^2 = L: capacity tends to log2(1 + L snr) as L grows
    c = capacity_simo_rayleigh(10.0, 64)
    assert abs(c - capacity_awgn(10.0 + 10 * np.log10(64))) < 0.05


def test_capacity_function_by_model():
    assert capacity_function("awgn")(10.0) == pytest.approx(np.log2(11.0))
    assert capacity_function("ofdm-tdl", tdl_model="E") is None
    assert capacity_function("mimo", num_tx_ant=2, num_rx_ant=2)(20.0) > 1.6 * capacity_function("rayleigh")(
        20.0
    )
