"""Summaries (pandas): per set-up means over seeds, [min, max], empty metrics skipped."""

from semcom.simulator.network.summary import network_summary_rows
from semcom.simulator.link.summary import link_summary_rows


def _row(rx, seed, snr, acc, bits=None):
    return dict(tx_model="a", rx_model=rx, channel="awgn", scheme="digital", bits=bits, semantic_equalizer="relative",
                anchor_selection="random", num_anchors=8, snr_db=snr, accuracy=acc, channel_uses=4.0, seed=seed,
                unit=f"{rx}{seed}{bits}")


def test_link_summary_means_over_seeds_with_the_seed_range():
    rows = [_row("b", 1, 0.0, 0.2), _row("b", 2, 0.0, 0.4), _row("b", 1, 10.0, 0.9), _row("b", 2, 10.0, 0.7),
            _row("c", 1, 0.0, 0.5, bits=4), _row("c", 1, 10.0, 0.6, bits=4)]
    header, body = link_summary_rows(rows)
    assert header == ["tx", "rx", "bits", "equalizer", "K", "uses/sample", "acc @ 0 dB", "acc @ 10 dB"]
    assert body == [["a", "b", "", "relative", "8", "4", "30.0% [20.0, 40.0]", "80.0% [70.0, 90.0]"],
                    ["a", "c", "4", "relative", "8", "4", "50.0%", "60.0%"]]


def test_network_summary_skips_empty_metrics():
    base = dict(scheduler="fifo", channel="awgn", semantic_equalizer="relative", num_anchors=8,
                offered_traffic=10.0, offered_load=0.5, goodput=3.0, latency_mean=0.002, latency_p95=None,
                drop_rate=0.0, utilisation=0.5)
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
