"""Figures a reviewer cannot misread: a rate figure from two K values (else a notice saying
why), no "by anchor selection" figure for one strategy, panels comparing receivers titled and
referenced per receiver, and a curve below chance explained in the figure."""

import pytest

from semcom.simulator.figures.plotting import FigureNotDrawn
from semcom.simulator.figures.style import FigureStyle
from semcom.simulator.link.plots import link_figures

STYLE = FigureStyle(chance=0.1)


def _rows(ks=(8, 16), rxs=("b", "c"), eqs=("relative", "none"), strategies=("random",)):
    rows = []
    for rx in rxs:
        for k in ks:
            for snr in (0.0, 10.0, 20.0):
                for eq in eqs:
                    for strategy in strategies:
                        acc = 0.03 if eq == "none" else 0.5 + 0.01 * k + 0.01 * snr
                        rows.append(
                            dict(
                                tx_model="a",
                                rx_model=rx,
                                channel="awgn",
                                scheme="analog",
                                bits=None,
                                snr_db=snr,
                                num_anchors=k,
                                anchor_selection=strategy,
                                semantic_equalizer=eq,
                                channel_uses=16.0 if eq == "none" else k / 2,
                                accuracy=acc,
                                accuracy_low=acc - 0.01,
                                accuracy_high=acc + 0.01,
                                replicates=3,
                                native_accuracy=0.9 if rx == "b" else 0.8,
                            )
                        )
    return rows


def test_two_k_values_draw_the_rate_figure_and_one_says_why_not(drawn, tmp_path):
    link_figures(_rows(ks=(8, 16)), tmp_path, STYLE)
    assert "rate_accuracy" in drawn
    drawn.clear()
    with pytest.warns(FigureNotDrawn, match="rate_accuracy not drawn: every point has one rate"):
        link_figures(_rows(ks=(16,), eqs=("relative",)), tmp_path, STYLE)
    assert "rate_accuracy" not in drawn


def test_no_anchor_selection_figure_for_one_strategy(drawn, tmp_path):
    link_figures(_rows(ks=(4, 8, 16)), tmp_path, STYLE)
    assert "equalizers_vs_anchors" in drawn and "accuracy_vs_anchors" not in drawn
    drawn.clear()
    link_figures(_rows(ks=(4, 8, 16), strategies=("random", "prototypical")), tmp_path, STYLE)
    assert "by anchor selection" in drawn["accuracy_vs_anchors"]._suptitle.get_text()


def test_receivers_compared_in_a_panel_get_their_own_title_and_native_lines(drawn, tmp_path):
    link_figures(_rows(), tmp_path, STYLE)
    fig = drawn["compare_rx_model"]
    for ax in (ax for ax in fig.axes if ax.get_lines()):
        assert "each receiver" in ax.get_title() and "→ b" not in ax.get_title()
        natives = sorted(ln.get_ydata()[0] for ln in ax.get_lines() if ln.get_gid() == "native")
        assert natives == pytest.approx([0.8, 0.9])  # one per receiver, never their mean
    title = drawn["equalizers_vs_snr"]._suptitle.get_text()
    assert "none below chance" in title  # said where the below-chance curve is drawn
