"""Channel-aware receivers against theory: the LMMSE estimator against its closed form,
the analog scheme's message-noise variance against measured noise, Procrustes against
an exactly known map."""

import math

import pytest
import torch

from semcom.channels import AWGNChannel, RayleighBlockFadingChannel, snr_db_to_no
from semcom.transceivers.schemes.analog import AnalogScheme
from semcom.transceivers.semantic.aligned import procrustes_map, ridge_map
from semcom.transceivers.semantic.denoise import LMMSEDenoiser


def _gaussian_messages(n, m, gen):
    """r ~ N(μ, C) with a non-trivial mean and a correlated, ill-conditioned covariance."""
    mix = torch.randn(m, m, generator=gen, dtype=torch.float64) * torch.logspace(
        0, -1.5, m, dtype=torch.float64
    )
    mean = 0.3 * torch.randn(m, generator=gen, dtype=torch.float64)
    cov = mix @ mix.T
    r = mean + torch.randn(n, m, generator=gen, dtype=torch.float64) @ mix.T
    return r, mean, cov


@pytest.mark.parametrize("prior", ["exact", "fitted"])
def test_lmmse_nmse_equals_closed_form(prior):
    gen = torch.Generator().manual_seed(12)
    m, n = 8, 100_000
    r, mean, cov = _gaussian_messages(n, m, gen)
    # per-sample noise: three levels, each entry its own variance (as after fading)
    levels = torch.tensor(
        [[0.02] * m, [0.2] * m, (0.05 * torch.arange(1, m + 1)).tolist()], dtype=torch.float64
    )
    which = torch.randint(0, 3, (n,), generator=gen)
    noise = levels[which]
    y = r + noise.sqrt() * torch.randn(n, m, generator=gen, dtype=torch.float64)
    if prior == "exact":
        denoiser = LMMSEDenoiser(mean, cov)
    else:  # the receiver's situation: a prior fitted on an independent sample
        denoiser = LMMSEDenoiser.from_samples(
            _gaussian_messages(50_000, m, torch.Generator().manual_seed(12))[0]
        )
    r_hat = denoiser(y, noise).double()
    err = (r_hat - r).square().sum(-1)
    energy = float(torch.trace(cov) + mean.square().sum())  # E|r|², exact
    closed = (
        sum(
            float((which == i).double().mean()) * float(torch.trace(denoiser.error_covariance(levels[i])))
            for i in range(3)
        )
        / energy
    )
    if prior == "fitted":  # the closed form is that of the exact prior
        closed = (
            sum(
                float((which == i).double().mean())
                * float(torch.trace(LMMSEDenoiser(mean, cov).error_covariance(levels[i])))
                for i in range(3)
            )
            / energy
        )
    nmse = float(err.mean()) / energy
    sigma = float(err.std()) / math.sqrt(n) / energy  # standard error of the mean
    # a fitted prior costs O(m/P) extra error (here ~1e-4 relative): within the band at P = 50k
    assert abs(nmse - closed) < 4 * sigma + (0.002 * closed if prior == "fitted" else 0.0), (
        nmse,
        closed,
        sigma,
    )
    plain = float((y - r).square().sum(-1).mean()) / energy
    assert nmse < plain  # never above the plain NMSE
    assert closed <= float(noise.sum(-1).mean()) / energy  # and in theory: C-C(C+N)^-1C ≼ N


def test_lmmse_without_noise_changes_nothing():
    gen = torch.Generator().manual_seed(3)
    r, mean, cov = _gaussian_messages(500, 6, gen)
    denoiser = LMMSEDenoiser(mean, cov)
    y = r.float().reshape(5, 100, 6)
    assert torch.equal(denoiser(y, torch.zeros_like(y)), y)
    assert torch.equal(denoiser(y, None), y)
    # rows with noise are denoised, noiseless rows in the same batch are left alone
    noise = torch.zeros_like(y)
    noise[0] = 0.5
    out = denoiser(y, noise)
    assert torch.equal(out[1:], y[1:]) and not torch.allclose(out[0], y[0])


def test_lmmse_unreceived_entries_are_predicted_from_the_prior():
    """Infinite noise on an entry (top-k: not sent) = conditional mean given the others."""
    gen = torch.Generator().manual_seed(5)
    r, mean, cov = _gaussian_messages(4, 5, gen)
    noise = torch.zeros(4, 5, dtype=torch.float64)
    noise[:, 0] = math.inf
    noise[:, 1:] = 1e-12
    out = LMMSEDenoiser(mean, cov)(r, noise)
    # Gaussian conditioning: E[r0 | r1:] = μ0 + C01 C11⁻¹ (r1: − μ1:)
    expect = mean[0] + (r[:, 1:] - mean[1:]) @ torch.linalg.solve(cov[1:, 1:], cov[1:, 0])
    torch.testing.assert_close(out[:, 0], expect, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(out[:, 1:], r[:, 1:], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "channel", [AWGNChannel(), RayleighBlockFadingChannel(equalizer="zf")], ids=["awgn", "rayleigh-zf"]
)
def test_analog_message_noise_matches_the_measured_noise(channel):
    """(decoded − sent)² / predicted variance has mean 1 (χ² with 1 dof: σ = √(2/n)) per SNR."""
    torch.manual_seed(0)
    import sionna.phy

    sionna.phy.config.seed = 7
    scheme = AnalogScheme()
    m, n = 15, 4000  # odd: the padded entry must be dropped
    message = torch.randn(n, m) * torch.rand(n, 1) * 3  # messages of very different energies
    sent = scheme.encode(message)
    snr = torch.tensor([-5.0, 5.0, 20.0])
    x = sent.x.unsqueeze(0).expand(3, *sent.x.shape)
    x_hat, no_eff = channel(x, snr_db_to_no(snr))
    decoded = scheme.decode(x_hat, no_eff, sent.side).message
    noise = scheme.message_noise(no_eff, sent.side)
    assert noise.shape == decoded.shape == (3, n, m)
    ratio = ((decoded.double() - message.double()).square() / noise.double()).reshape(3, -1)
    count = ratio.shape[1]
    if isinstance(channel, AWGNChannel):  # closed form on the message scale
        expected = (
            snr_db_to_no(snr)[:, None, None] * message.square().sum(-1, keepdim=True) / (2 * math.ceil(m / 2))
        )
        torch.testing.assert_close(noise.double(), expected.double().expand(noise.shape), rtol=1e-5, atol=0)
    # ZF noise is heavy-tailed across fades; its ratio still has mean 1 (a wider band from its spread)
    sigma = ratio.std(1) / math.sqrt(count)
    assert torch.all((ratio.mean(1) - 1).abs() < 4 * sigma), (ratio.mean(1), sigma)


def test_procrustes_recovers_a_scaled_rotation_and_shift():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(40, 6, generator=gen, dtype=torch.float64)
    rot = torch.linalg.qr(torch.randn(6, 6, generator=gen, dtype=torch.float64))[0]
    shift = torch.randn(6, generator=gen, dtype=torch.float64)
    y = 2.5 * x @ rot + shift
    w = procrustes_map(x, y)
    torch.testing.assert_close(x @ w[:-1] + w[-1], y)
    # into a larger space: an isometric embedding is recovered too
    emb = torch.linalg.qr(torch.randn(9, 9, generator=gen, dtype=torch.float64))[0][
        :6
    ]  # [6, 9], orthonormal rows
    y9 = 0.7 * x @ emb - 1.0
    w9 = procrustes_map(x, y9)
    torch.testing.assert_close(x @ w9[:-1] + w9[-1], y9)
    # ridge with no penalty is exact on an affine map too (the two share the weight layout)
    w_r = ridge_map(x, y, 0.0)
    torch.testing.assert_close(x @ w_r[:-1] + w_r[-1], y)


def test_sparse_message_noise_models_unsent_entries_as_small():
    """Kept entries keep their variance; unsent ones get t²/3, the variance of U(−t, t) with
    t the smallest kept magnitude (they are known to be smaller than every kept one)."""
    from semcom.transceivers.semantic.denoise import sparse_message_noise

    values = torch.tensor([[[0.9, -0.3], [0.5, 0.6]]])  # [S=1, N=2, k=2]
    positions = torch.tensor([[0, 2], [1, 3]])
    noise = torch.tensor([[[0.1, 0.2], [0.3, 0.4]]])
    full = sparse_message_noise(noise, values, positions, 4)
    expect = torch.tensor([[[0.1, 0.09 / 3, 0.2, 0.09 / 3], [0.25 / 3, 0.3, 0.25 / 3, 0.4]]])
    torch.testing.assert_close(full, expect)
