"""OFDM TDL/CDL channels: unit channel power, noise equals its reported variance,
LS error variance at the pilots equals no / |pilot|^2, pilot overhead counted."""

import math

import pytest
import sionna.phy
import torch
from sionna.phy.mapping import Mapper

from semcom.channels import build_channel, snr_db_to_no


def _per_grid_power_ok(h: torch.Tensor) -> tuple[float, float]:
    """Mean |h|^2 and a 5-sigma tolerance from the spread between independent grids."""
    per_grid = h.abs().pow(2).double().flatten(1).mean(1)
    return per_grid.mean().item(), 5 * per_grid.std().item() / math.sqrt(len(per_grid))


@pytest.mark.parametrize(
    "name, settings",
    [
        ("ofdm-tdl", {"tdl_model": "A"}),
        ("ofdm-tdl", {"tdl_model": "B", "delay_spread": 300e-9}),
        ("ofdm-tdl", {"tdl_model": "C", "speed": 30.0}),
        ("ofdm-tdl", {"tdl_model": "D"}),
        ("ofdm-tdl", {"tdl_model": "E", "num_rx_ant": 2}),
        ("ofdm-cdl", {"cdl_model": "C", "num_tx_ant": 2}),
    ],
)
def test_ofdm_channels_have_unit_average_power(name, settings):
    sionna.phy.config.seed = 1
    mean, tol = _per_grid_power_ok(
        build_channel(name, **settings).sample_channel(1500 if name == "ofdm-tdl" else 200)
    )
    assert abs(mean - 1.0) < max(tol, 1e-4), (mean, tol)


@pytest.mark.parametrize(
    "name, settings",
    [
        ("ofdm-tdl", {"equalizer": "zf"}),
        ("ofdm-tdl", {}),
        ("ofdm-tdl", {"num_rx_ant": 2, "tdl_model": "C"}),
        ("ofdm-cdl", {"num_tx_ant": 1, "equalizer": "zf"}),
    ],
)
def test_perfect_csi_error_variance_equals_no_eff(name, settings):
    sionna.phy.config.seed = 2
    x = Mapper("qam", 2)(
        torch.randint(0, 2, (2, 500, 2 * 100), generator=torch.Generator().manual_seed(2)).float()
    )
    no = snr_db_to_no(torch.tensor([0.0, 10.0]))
    x_hat, no_eff = build_channel(name, **settings)(x, no)
    assert x_hat.shape == x.shape and no_eff.shape == x.shape
    ratio = ((x_hat - x).abs().pow(2) / no_eff).double()
    for s in range(2):
        r = ratio[s].flatten()
        # the ratio is Exp(1) per RE; REs of one grid are correlated only through no_eff, not the noise
        assert abs(r.mean().item() - 1.0) < 5 * r.std().item() / math.sqrt(r.numel())


def test_ls_error_variance_at_pilots_matches_formula():
    """LS at a pilot RE: h_ls = y / p = h + n / p, error variance no / |p|^2 = no (unit-energy pilots)."""
    sionna.phy.config.seed = 3
    channel = build_channel("ofdm-tdl", csi="ls", interpolation="nn", speed=0.0)
    rg = channel.resource_grid
    grids, no = 400, 0.2
    x = torch.zeros(grids, 1, 1, int(rg.num_data_symbols), dtype=torch.complex64)
    y, h = channel._ofdm_channel(channel._mapper(x), torch.tensor(no))
    h_hat, err_var = channel._estimator(y, torch.full((grids,), no))
    pilot_symbols = [2, 11]
    err = (h_hat - h)[..., pilot_symbols, :]
    measured = err.abs().pow(2).double().mean().item()
    assert abs(measured - no) < 5 * no / math.sqrt(err.numel())
    assert torch.allclose(err_var[..., pilot_symbols, :], torch.tensor(no), rtol=1e-5)


def test_pilot_overhead_is_counted():
    perfect = build_channel("ofdm-tdl")
    ls = build_channel("ofdm-tdl", csi="ls", pilot_ofdm_symbol_indices=[2, 11])
    assert perfect.channel_uses(16) == pytest.approx(16.0)
    assert ls.channel_uses(16) == pytest.approx(16 * 14 / 12)
    mimo = build_channel("ofdm-cdl", num_tx_ant=2, num_rx_ant=4, csi="ls")
    assert mimo.channel_uses(16) == pytest.approx(8 * 14 / 12)
    guards = build_channel("ofdm-tdl", num_guard_carriers=[4, 3], dc_null=True)
    assert guards.channel_uses(64) == pytest.approx(64 * 72 / 64)
