"""The on-demand per-PRB fading (:mod:`semcom.channels.prb_fading`) against Sionna's own TR
38.901 TDL generator: frequency autocorrelation across PRBs, time autocorrelation across slots
and the distribution of the PRB power gain, for an NLoS (TDL-A) and a LoS (TDL-D, Rician) link.

Tolerance: each autocorrelation is estimated from ``n`` independent links per model, so the
difference of the two estimates has a standard error of about ``sqrt(2 / n)``; we allow three
of them. The check can fail: the same model with three times the delay spread (NLoS) or a
K-factor 10 dB too low (LoS) is outside it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from semcom.channels.prb_fading import IIDRayleighFading, PRBFading, tdl_taps

FC, PRB_HZ, R, SPEED, DS, DT, T, N = 3.5e9, 360e3, 24, 3.0, 100e-9, 2e-3, 30, 2000
TOL = 3.0 * math.sqrt(2.0 / N)


def _sionna(profile: str, ds: float) -> np.ndarray:
    import sionna.phy
    from sionna.phy.channel.tr38901 import TDL

    sionna.phy.config.seed = 7
    with torch.no_grad():
        h, tau = TDL(profile, ds, FC, min_speed=SPEED, precision="double", device="cpu")(N, T, 1.0 / DT)
    h, tau = h[:, 0, 0, 0, 0].numpy(), tau[:, 0, 0].numpy()  # [N, P, T], [N, P]
    f = np.arange(R) * PRB_HZ
    return np.einsum("npt,nrp->nrt", h, np.exp(-2j * np.pi * f[None, :, None] * tau[:, None, :]))


def _ours(profile: str, ds: float, k_shift_db: float = 0.0) -> np.ndarray:
    fad = PRBFading(FC, PRB_HZ, R, "A", "D")
    k_db = 10 * math.log10(tdl_taps(profile)[2]) + k_shift_db if profile == "D" else np.nan
    links = fad.draw(np.random.default_rng(3), np.full(N, ds), np.full(N, k_db), np.full(N, SPEED))
    link, prb = np.repeat(np.arange(N), R), np.tile(np.arange(R), N)
    return np.stack([fad.gains(links, link, prb, t * DT).reshape(N, R) for t in range(T)], -1)


def _freq_acf(h):
    return np.array([np.mean(h[:, : R - d, 0] * np.conj(h[:, d:, 0])) for d in range(R)]) / np.mean(
        abs(h[..., 0]) ** 2
    )


def _time_acf(h):
    return np.array([np.mean(h[:, 0, : T - d] * np.conj(h[:, 0, d:])) for d in range(T)]) / np.mean(
        abs(h[:, 0]) ** 2
    )


@pytest.fixture(scope="module", params=["A", "D"])
def pair(request):
    return request.param, _sionna(request.param, DS), _ours(request.param, DS)


def test_frequency_autocorrelation_matches_sionna(pair):
    _, ref, ours = pair
    assert np.max(np.abs(_freq_acf(ref) - _freq_acf(ours))) < TOL
    # wrong delay spread (NLoS) or K-factor 10 dB too low (LoS): outside the tolerance
    wrong = _ours(pair[0], 3 * DS) if pair[0] == "A" else _ours(pair[0], DS, k_shift_db=-10.0)
    assert np.max(np.abs(_freq_acf(ref) - _freq_acf(wrong))) > TOL


def test_time_autocorrelation_matches_sionna(pair):
    _, ref, ours = pair
    assert np.max(np.abs(_time_acf(ref) - _time_acf(ours))) < TOL
    # Clarke's J0(2π f_D τ) is what both follow (the ensemble mean of the sum of sinusoids)
    from scipy.special import j0

    fd = SPEED * FC / 299_792_458.0
    if pair[0] == "A":
        np.testing.assert_allclose(_time_acf(ours).real, j0(2 * np.pi * fd * DT * np.arange(T)), atol=TOL)


def test_power_distribution_matches_sionna(pair):
    _, ref, ours = pair
    q = [5, 10, 50, 90]  # the 5% quantile of ~10^4 independent powers: a standard error of ~0.2 dB
    a = 10 * np.log10(np.percentile(abs(ref[..., 0]) ** 2, q))
    b = 10 * np.log10(np.percentile(abs(ours[..., 0]) ** 2, q))
    np.testing.assert_allclose(a, b, atol=0.5)
    assert abs(np.mean(abs(ours) ** 2) - 1.0) < 0.05


def test_iid_rayleigh_is_exponential_and_uncorrelated():
    fad = IIDRayleighFading(5, R)
    link = np.repeat(np.arange(N), R)
    prb = np.tile(np.arange(R), N)
    p = fad.power(link, prb, 3).reshape(N, R)
    assert abs(p.mean() - 1.0) < 0.03 and abs(np.percentile(p, 50) - math.log(2)) < 0.03
    assert abs(np.corrcoef(p[:, 0], p[:, 1])[0, 1]) < TOL
    np.testing.assert_array_equal(p, fad.power(link, prb, 3).reshape(N, R))  # on demand, repeatable
    assert abs(np.corrcoef(p[:, 0], fad.power(np.arange(N), np.zeros(N, int), 4))[0, 1]) < TOL
