"""The one transmission block (message → scheme → channel → decoded message, noise estimate)
against theory, and the result row that no engine can leave a column out of."""

import dataclasses
import math

import pytest
import sionna.phy
import torch
from scipy.stats import chi2

from semcom.channels import build_channel
from semcom.simulator.link.rows import COLUMNS, ResultRow
from semcom.transceivers.schemes import build_scheme
from semcom.transceivers.transmission import MessageTransmission, cross_channel


def _analog_awgn(top_k=None) -> MessageTransmission:
    return MessageTransmission(
        scheme=build_scheme("analog", {}, "relative"), channel=build_channel("awgn"), top_k=top_k
    )


def test_analog_awgn_noise_is_what_the_estimate_says():
    """Entries ±1/√2 make unit-energy symbols (gain 1): each real entry bears noise of
    variance no/2, the estimate says so, and the squared errors over N entries, divided by
    it, are chi-square with N degrees of freedom (99.9% interval)."""
    g = torch.Generator().manual_seed(1)
    message = (torch.randint(0, 2, (400, 8), generator=g) * 2 - 1) / math.sqrt(2.0)
    no = torch.tensor([1.0, 0.1])
    sionna.phy.config.seed = 3
    received = _analog_awgn()(message, no)
    assert received.message.shape == received.noise.shape == (2, 400, 8) and received.values_dim == 8
    assert received.no_eff.shape == (2, 400, 4) and received.error_rates() is None  # analog: no bits
    assert torch.allclose(received.noise, (no / 2)[:, None, None].expand(2, 400, 8))
    n = message.numel()
    lo, hi = chi2.ppf(0.0005, n), chi2.ppf(0.9995, n)
    for s in range(2):
        stat = float(((received.message[s] - message).square() / received.noise[s]).sum())
        assert lo < stat < hi, (s, stat, lo, hi)


def test_sparsified_transmission_is_zero_outside_the_kept_positions():
    g = torch.Generator().manual_seed(2)
    message = torch.randn(300, 16, generator=g)
    link = _analog_awgn(top_k=4)
    sionna.phy.config.seed = 4
    received = link(message, torch.tensor([1e-6, 1.0]))
    kept = torch.zeros_like(message, dtype=torch.bool).scatter(-1, message.abs().topk(4, -1).indices, True)
    assert link.kept(16) == received.values_dim == 4
    assert received.message.shape == (2, 300, 16)
    assert (received.message[:, ~kept] == 0).all() and (received.message[:, kept] != 0).all()
    # at 60 dB the kept values arrive almost exactly
    assert torch.allclose(received.message[0][kept], message[kept], atol=1e-2)
    # entries not sent: noise t²/3, t the smallest received kept magnitude
    t = received.message[1].abs().masked_fill(~kept, float("inf")).amin(-1, keepdim=True)
    assert torch.allclose(received.noise[1][~kept], (t.square() / 3).expand(300, 16)[~kept])


def test_the_two_halves_around_the_channel_are_the_call():
    """The network and the system level call send/receive around their own channel call:
    with the same draws they get exactly what the call gives."""
    message = torch.randn(50, 10, generator=torch.Generator().manual_seed(5))
    no = torch.tensor([0.5, 0.05])
    link = _analog_awgn(top_k=6)
    sionna.phy.config.seed = 6
    whole = link(message, no)
    sionna.phy.config.seed = 6
    sent = link.send(message)
    halves = link.receive(*cross_channel(link.channel, sent.x, no), sent)
    assert torch.equal(whole.message, halves.message) and torch.equal(whole.noise, halves.noise)
    assert torch.equal(whole.no_eff, halves.no_eff)


def test_estimate_noise_off_gives_none():
    received = MessageTransmission(
        scheme=build_scheme("analog", {}, "relative"), channel=build_channel("awgn"), estimate_noise=False
    )(torch.randn(5, 4), torch.tensor([1.0]))
    assert received.noise is None and received.message.shape == (1, 5, 4)


def test_the_result_row_refuses_a_missing_column_and_keeps_the_order():
    full = dict.fromkeys(COLUMNS)
    with pytest.raises(TypeError, match="side_channel_uses"):
        ResultRow(**{c: v for c, v in full.items() if c != "side_channel_uses"})
    row = ResultRow(**{**full, "accuracy": 0.12345678, "nmse": float("nan"), "scenario": "s"}).as_dict()
    assert list(row) == COLUMNS == [f.name for f in dataclasses.fields(ResultRow)]
    assert row["accuracy"] == 0.123457 and row["nmse"] is None and row["scenario"] == "s"
