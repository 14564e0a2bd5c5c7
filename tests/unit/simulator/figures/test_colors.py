"""Colours by name: every registered method has its own slot (figures need no registry to
find it), and the values of one figure never share a colour."""

from semcom.simulator.figures.plotting import colors
from semcom.simulator.figures.style import METHOD_COLORS
from semcom.transceivers.anchors import ANCHOR_STRATEGIES
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS


def test_every_registered_method_has_a_colour_slot():
    missing = sorted(set(SEMANTIC_EQUALIZERS.names()) - set(METHOD_COLORS))
    missing += sorted(set(ANCHOR_STRATEGIES.names()) - set(METHOD_COLORS))
    assert not missing, f"add these names to METHOD_COLORS: {missing}"
    assert 7 not in METHOD_COLORS.values()  # grey is the reference lines' colour


def test_a_method_keeps_its_colour_and_a_figure_never_repeats_one():
    alone = colors(["relative"])
    mixed = colors(["none", "relative", "oracle", "rx_a"])
    assert alone["relative"] == mixed["relative"]
    every = colors(sorted(SEMANTIC_EQUALIZERS.names()) + ["rx_a", "rx_b"])  # shared slots move apart
    assert len(set(every.values())) == min(10, len(every))
    assert len(set(colors(["cca", "svcca"]).values())) == 2
