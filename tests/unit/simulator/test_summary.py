"""Summaries (pandas): per set-up means over seeds, [min, max], empty metrics skipped."""

from semcom.simulator.network.summary import network_summary_rows
from semcom.simulator.results.summary import link_summary_rows


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
