"""Analog mapping: unit average energy per message, exact inverse without noise."""

import math

import pytest
import torch

from semcom.transceivers.schemes.analog import AnalogDemapper, AnalogMapper, AnalogScheme


@pytest.mark.parametrize("dim", [1, 2, 7, 64])
def test_each_message_has_unit_average_symbol_energy(dim):
    torch.manual_seed(0)
    message = torch.randn(50, dim) * torch.rand(50, 1) * 10
    x, gain = AnalogMapper()(message)
    assert x.shape == (50, math.ceil(dim / 2))
    assert x.dtype == torch.complex64
    assert torch.allclose(x.abs().pow(2).mean(1), torch.ones(50), atol=1e-5)


def test_demapper_inverts_mapper_and_keeps_odd_length():
    torch.manual_seed(1)
    message = torch.randn(10, 7)
    x, gain = AnalogMapper()(message)
    back = AnalogDemapper()(x.unsqueeze(0).expand(3, -1, -1), gain, 7)
    assert back.shape == (3, 10, 7)
    assert torch.allclose(back[1], message, atol=1e-5)


def test_zero_message_is_sent_as_silence_not_nan():
    x, gain = AnalogMapper()(torch.zeros(2, 4))
    assert torch.isfinite(x.real).all() and torch.isfinite(gain).all()
    assert x.abs().max() == 0


def test_scheme_uses_half_a_channel_use_per_real_value():
    scheme = AnalogScheme()
    assert scheme.num_symbols(64) == 32
    assert scheme.num_symbols(33) == 17
    assert scheme.bits_per_sample(64) is None


def test_nmse_of_analog_awgn_link_equals_no():
    """Per-message power normalisation: the distortion of the recovered message is `no`."""
    import sionna.phy
    from semcom.channels import AWGNChannel

    sionna.phy.config.seed = 11
    torch.manual_seed(2)
    message = torch.randn(4000, 32)
    scheme = AnalogScheme()
    sent = scheme.encode(message)
    assert sent.bits is None and sent.side.scale.shape == (4000, 1)  # analog: no bits, a gain per message
    nos = torch.tensor([1.0, 0.1, 0.01])
    x_hat, no_eff = AWGNChannel()(sent.x.unsqueeze(0).expand(3, -1, -1), nos)
    decoded = scheme.decode(x_hat, no_eff, sent.side).message
    measured = ((decoded - message).double().pow(2).sum((1, 2)) / message.double().pow(2).sum()).numpy()
    # 64,000 noise samples per point; relative std of the estimate ~ 1/sqrt(64000)
    assert measured == pytest.approx(nos.numpy(), rel=0.03)
