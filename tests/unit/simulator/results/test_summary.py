"""Summaries: a link study's table (means over replicates with their interval, every
option and format), empty network metrics skipped, the Wilson interval against scipy."""

import pytest

from semcom.core.errors import SemcomInputError
from semcom.simulator.kinds import get_kind
from semcom.simulator.link.points import point_rows
from semcom.simulator.link.summary import point_table
from semcom.simulator.network.summary import network_summary_rows
from semcom.simulator.results.tables import render_table


def _row(rx, seed, snr, acc, bits=None):
    return dict(
        scenario="s",
        tx_model="a",
        rx_model=rx,
        channel="awgn",
        scheme="digital",
        bits=bits,
        semantic_equalizer="relative",
        anchor_selection="random",
        num_anchors=8,
        snr_db=snr,
        accuracy=acc,
        top5_accuracy=1.0,
        channel_uses=4.0,
        seed=seed,
        unit=f"{rx}{seed}{bits}",
        n_samples=100,
        native_accuracy=0.9,
        passes=1,
    )


ROWS = [
    _row("b", 1, 0.0, 0.2),
    _row("b", 2, 0.0, 0.4),
    _row("b", 1, 10.0, 0.9),
    _row("b", 2, 10.0, 0.7),
    _row("c", 1, 0.0, 0.5, bits=4),
    _row("c", 1, 10.0, 0.6, bits=4),
]


def test_link_table_means_over_replicates_with_the_t_interval_or_a_marked_wilson_interval():
    header, body = point_table(point_rows(ROWS))
    assert header == ["tx", "rx", "bits", "equalizer", "K", "uses/sample", "acc @ 0 dB", "acc @ 10 dB"]
    # b: two replicates, t(0.975, 1) = 12.71: 30 +- 127 points, clipped to [0, 100]
    assert body == [
        ["a", "b", "", "relative", "8", "4", "30.0 [0.0, 100.0]", "80.0 [0.0, 100.0]"],
        ["a", "c", "4", "relative", "8", "4", "50.0 [40.4, 59.6]*", "60.0 [50.2, 69.1]*"],
    ]
    header, body = point_table(point_rows(ROWS), snr="all", interval=False, native=True)
    assert header[-3:] == ["native", "acc @ 0 dB", "acc @ 10 dB"] and body[0][-3:] == ["90.0", "30.0", "80.0"]
    assert point_table(point_rows(ROWS), snr=[10])[0][-1] == "acc @ 10 dB"
    with pytest.raises(SemcomInputError, match="5 dB is not a point of the study; choose from 0, 10"):
        point_table(point_rows(ROWS), snr=[5])


def test_the_link_summary_renders_as_text_markdown_and_latex_with_its_note():
    link = get_kind("link")
    text = link.summary_table(ROWS)
    assert "2 points" not in text and text.splitlines()[-1].startswith("4 points, 1-2 replicates each")
    assert "Wilson interval of the test decisions" in text
    markdown = link.summary_table(ROWS, fmt="markdown", snr="all")
    assert markdown.startswith("| tx | rx | bits |") and "| --- |" in markdown
    latex = link.summary_table(ROWS, fmt="latex")
    assert latex.startswith("\\begin{tabular}{llllllll}") and "\\bottomrule" in latex and "\\_" not in latex
    assert render_table(["a_b"], [["50%"]], "latex").splitlines()[2] == "a\\_b \\\\"
    with pytest.raises(SemcomInputError, match="does not apply to a network study"):
        get_kind("network").summary_table([{"x": 1}], snr="all")


def test_network_summary_skips_empty_metrics():
    base = dict(
        scheduler="fifo",
        channel="awgn",
        semantic_equalizer="relative",
        num_anchors=8,
        offered_traffic=10.0,
        offered_load=0.5,
        goodput=3.0,
        latency_mean=0.002,
        latency_p95=None,
        drop_rate=0.0,
        utilisation=0.5,
    )
    rows = [{**base, "accuracy": 0.5}, {**base, "accuracy": ""}, {**base, "accuracy": 0.7, "goodput": 5.0}]
    header, body = network_summary_rows(rows)
    assert header[:4] == ["scheduler", "K", "offered/s", "load"]
    assert body == [["fifo", "8", "10", "0.5", "60.0%", "4", "2.00", "-", "0.0%", "50%"]]


def test_the_wilson_interval_agrees_with_scipy_and_is_exact_at_the_ends():
    """An independent computation (scipy's binomtest) for every k of n = 1..60; at k = 0 and
    k = n the bounds are exactly 0 and 1 (no rounding residue in results.csv)."""
    from scipy.stats import binomtest

    from semcom.simulator.results.metrics import wilson_interval

    for n in range(1, 61):
        for k in range(n + 1):
            ref = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
            lo, hi = wilson_interval(k, n)
            assert abs(lo - ref.low) < 1e-12 and abs(hi - ref.high) < 1e-12, (k, n)
        assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0
