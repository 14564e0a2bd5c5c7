"""The quantiser's range comes from the message kind (relative: cosines in [-1, 1]), not from the data."""

from semcom.simulator.engine import MESSAGE_RANGE, _scheme
from semcom.simulator.schema import parse_scenario
from semcom.simulator.sweep import expand_units

BASE = dict(name="range", data={"dataset": "synthetic", "limit": 100},
            models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
            sweep={"snr_db": [10.0], "num_anchors": 8, "transmitter": "a", "receiver": "b", "bits": 4,
                   "semantic_equalizer": ["relative", "none"]})


def _schemes(scheme):
    sc = parse_scenario({**BASE, "scheme": scheme})
    unit = expand_units(sc)[0]
    return _scheme(sc, unit, "relative"), _scheme(sc, unit, "absolute")


def test_relative_messages_use_the_cosine_range_absolute_ones_keep_auto():
    assert MESSAGE_RANGE == {"relative": 1.0}
    relative, absolute = _schemes({"kind": "digital", "block_length": 256})
    assert relative.value_range == 1.0 and absolute.value_range == "auto"


def test_a_range_the_user_set_is_kept():
    relative, absolute = _schemes({"kind": "digital", "block_length": 256, "value_range": 2.0})
    assert relative.value_range == absolute.value_range == 2.0
