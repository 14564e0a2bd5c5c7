"""Fading statistics: E|h|^2 = 1, the post-equalisation noise equals its reported variance,
LS estimation error variance matches its formula, and pilots are counted in the rate."""

import math

import pytest
import sionna.phy
import torch

from semcom.channels import build_channel, snr_db_to_no
from semcom.channels.base import ChannelSettingError
from semcom.channels.pilots import FlatFadingLSEstimator, ls_error_variance


@pytest.mark.parametrize(
    "name, settings",
    [("rayleigh", {}), ("rayleigh", {"num_rx_ant": 4}), ("mimo", {"num_tx_ant": 2, "num_rx_ant": 4})],
)
def test_flat_fading_has_unit_average_power(name, settings):
    sionna.phy.config.seed = 1
    h = build_channel(name, **settings).sample_channel(50_000)
    n = h.numel()
    power = h.abs().pow(2).double()
    # |h|^2 ~ Exp(1): std of the mean = 1 / sqrt(n)
    assert abs(power.mean().item() - 1.0) < 5 / math.sqrt(n)


@pytest.mark.parametrize(
    "name, settings",
    [
        ("rayleigh", {"coherence_symbols": 1}),
        ("rayleigh", {"num_rx_ant": 2, "coherence_symbols": 1}),
        ("mimo", {"num_tx_ant": 2, "num_rx_ant": 2, "coherence_symbols": 1, "equalizer": "zf"}),
        ("mimo", {"num_tx_ant": 2, "num_rx_ant": 3, "coherence_symbols": 1, "equalizer": "zf"}),
    ],
)
def test_post_equalization_error_variance_equals_no_eff(name, settings):
    """With perfect CSI and ZF/MRC, x_hat - x ~ CN(0, no_eff): |x_hat - x|^2 / no_eff ~ Exp(1)."""
    sionna.phy.config.seed = 2
    x = torch.exp(1j * 2 * math.pi * torch.rand(2, 400, 100)).to(torch.complex64)
    no = snr_db_to_no(torch.tensor([0.0, 10.0]))
    x_hat, no_eff = build_channel(name, **settings)(x, no)
    ratio = ((x_hat - x).abs().pow(2) / no_eff).double()
    n = ratio[0].numel()
    for s in range(2):
        assert abs(ratio[s].mean().item() - 1.0) < 5 / math.sqrt(n)
    # rayleigh SISO: no_eff = no / |h|^2 and E|h|^2 = 1  ->  E[no / no_eff] = 1
    if name == "rayleigh" and settings.get("num_rx_ant", 1) == 1:
        g = (no[:, None, None] / no_eff).double()
        assert abs(g.mean().item() - 1.0) < 5 / math.sqrt(g.numel())


@pytest.mark.parametrize("num_tx_ant, num_pilots", [(1, 1), (1, 4), (2, 1), (4, 2)])
def test_ls_estimation_error_variance_matches_formula(num_tx_ant, num_pilots):
    sionna.phy.config.seed = 3
    est = FlatFadingLSEstimator(num_tx_ant=num_tx_ant, num_pilots=num_pilots)
    num_rx, batch, no = 2, 40_000, 0.3
    gen = torch.Generator().manual_seed(3)
    h = torch.randn(batch, num_rx, num_tx_ant, dtype=torch.complex64, generator=gen)
    noise = math.sqrt(no) * torch.randn(batch, num_rx, est.length, dtype=torch.complex64, generator=gen)
    y = (h @ est.pilots + noise).mT
    h_hat, err_var = est(y, torch.tensor(no))
    measured = (h_hat - h).abs().pow(2).double().mean().item()
    expected = no / (num_pilots * num_tx_ant)  # per entry of h_eff
    assert float(err_var) == pytest.approx(expected)
    assert ls_error_variance(no, num_pilots) == pytest.approx(expected * num_tx_ant)  # per entry of h
    assert abs(measured - expected) < 5 * expected / math.sqrt((h_hat - h).numel())


def test_ls_csi_costs_pilots_and_snr():
    perfect = build_channel("rayleigh")
    ls = build_channel("rayleigh", csi="ls", num_pilots=2, coherence_symbols=10)
    assert perfect.channel_uses(32) == 32
    assert ls.channel_uses(32) == 32 + 4 * 2  # 4 blocks, 2 pilots each
    mimo = build_channel("mimo", num_tx_ant=2, num_rx_ant=2, csi="ls")
    assert mimo.channel_uses(33) == 17 + 2  # 17 uses, 2 orthogonal pilots
    # LS-estimated SISO with one pilot: error variance no * (1 + 1/num_pilots) / |h_hat|^2 reported
    sionna.phy.config.seed = 4
    x = torch.ones(1, 20_000, 4, dtype=torch.complex64)
    _, no_eff_ls = ls(x, torch.tensor([0.1]))
    _, no_eff_p = perfect(x, torch.tensor([0.1]))
    assert no_eff_ls.median() > no_eff_p.median()


@pytest.mark.parametrize(
    "settings, field",
    [
        ({"num_rx_ant": 0}, "num_rx_ant"),
        ({"csi": "mmse"}, "csi"),
        ({"num_rx_antt": 2}, "num_rx_antt"),
        ({"coherence_symbols": 2.5}, "coherence_symbols"),
    ],
)
def test_bad_settings_name_the_setting(settings, field):
    with pytest.raises(ChannelSettingError) as exc:
        build_channel("rayleigh", **settings)
    assert str(exc.value).startswith(field)


def test_unknown_setting_gets_a_suggestion():
    with pytest.raises(ChannelSettingError, match="did you mean 'num_rx_ant'"):
        build_channel("rayleigh", num_rx_antt=2)
    with pytest.raises(ChannelSettingError, match="below num_tx_ant"):
        build_channel("mimo", num_tx_ant=4, num_rx_ant=2)
