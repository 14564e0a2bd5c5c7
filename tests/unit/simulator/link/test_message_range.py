"""The quantiser's range comes from the message kind (relative: cosines in [-1, 1]), not from the data."""

import torch

from semcom.simulator.link.engine import _scheme
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.link.resolved import resolve_unit
from semcom.simulator.link.units import expand_units
from semcom.transceivers.schemes import MESSAGE_RANGE, DigitalScheme

BASE = dict(
    name="range",
    data={"dataset": "synthetic", "limit": 100},
    models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    sweep={
        "snr_db": [10.0],
        "num_anchors": 8,
        "transmitter": "a",
        "receiver": "b",
        "bits": 4,
        "semantic_equalizer": ["relative", "none"],
    },
)
NETWORK = dict(
    name="n",
    kind="network",
    models={"a": {"kind": "pca", "latent_dim": 8}},
    channels={"awgn": {"model": "awgn"}},
    scheme={"kind": "digital", "bits": 4},
    network={"transmitters": {"t": {"model": "a", "count": 2}}, "receivers": {"r": {"model": "a"}}},
    sweep={"arrival_rate": [10], "num_anchors": [4], "channel": "awgn"},
)


def _schemes(scheme):
    sc = parse_scenario({**BASE, "scheme": scheme})
    ru = resolve_unit(sc, expand_units(sc)[0])
    return _scheme(ru, "relative"), _scheme(ru, "absolute")


def test_relative_messages_use_the_cosine_range_absolute_ones_keep_auto():
    assert MESSAGE_RANGE == {"relative": 1.0}
    relative, absolute = _schemes({"kind": "digital", "block_length": 256})
    assert relative.value_range == 1.0 and absolute.value_range == "auto"


def test_a_range_the_user_set_is_kept():
    relative, absolute = _schemes({"kind": "digital", "block_length": 256, "value_range": 2.0})
    assert relative.value_range == absolute.value_range == 2.0


def test_network_links_take_the_range_from_the_message_kind_too():
    from semcom.simulator.network.schema import parse_network_scenario
    from semcom.transceivers.schemes import message_scheme

    sc = parse_network_scenario(NETWORK)
    assert message_scheme(sc.scheme, "relative", 8).value_range == 1.0
    assert message_scheme(sc.scheme, "absolute", 8).value_range == "auto"


def test_auto_range_is_one_scale_per_sample_whatever_the_data():
    """``auto`` no longer guesses "relative" from values inside [-1, 1]: a small absolute
    latent is quantised over its own peak, so its resolution is not wasted."""
    scheme = DigitalScheme(bits=4, block_length=256)
    message = torch.tensor([[0.1, -0.05, 0.02, 0.0]] * 3)
    sent = scheme.encode(message)
    assert torch.allclose(sent.side.scale, torch.full((3, 1), 0.1))
    decoded = scheme.decode(sent.x[None], torch.full((1, *sent.x.shape), 1e-4), sent.side)
    assert (decoded.message[0] - message).abs().max() <= 0.1 / 2**4 + 1e-6
