"""The alignment zoo's chain: new columns, rate matching, nested pilots, MRR."""

import math

import numpy as np
import pytest

from semcom.simulator.link.engine import run_unit, unit_anchors
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.rows import COLUMNS
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.link.resolved import resolve_unit
from semcom.simulator.link.units import expand_units

#: a replicate row's columns (the store's, replicates.csv's) before the retrieval metrics: they keep
#: their names and order
OLD_COLUMNS = [
    "scenario",
    "tx_model",
    "rx_model",
    "channel",
    "snr_db",
    "num_anchors",
    "anchor_selection",
    "scheme",
    "bits",
    "semantic_equalizer",
    "channel_equalizer",
    "csi",
    "seed",
    "channel_uses",
    "bits_per_sample",
    "n_samples",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "nmse",
    "ber",
    "bler",
    "native_accuracy",
    "setup_channel_uses",
    "side_channel_uses",
    "unit",
]

ZOO = dict(
    name="zoo_small",
    seed=1,
    data=dict(dataset="digits", limit=400, test_fraction=0.3),
    retrieval=True,
    models=dict(tx=dict(kind="pca", latent_dim=8), rx=dict(kind="pca", latent_dim=10)),
    channels=dict(awgn=dict(model="awgn")),
    semantic_equalizers=dict(
        relative=dict(message_anchors=8), kernel_ridge_ch=dict(equalizer="kernel_ridge", pilots="channel")
    ),
    sweep=dict(
        snr_db=[0, 30],
        num_anchors=[10, 20],
        transmitter="tx",
        receiver="rx",
        anchor_selection="stratified",
        semantic_equalizer=[
            "relative",
            "aligned",
            "whitened_procrustes",
            "cca",
            "kernel_ridge_ch",
            "residual_kernel",
        ],
    ),
)


def test_new_columns_are_appended_after_the_old_ones():
    assert COLUMNS[: len(OLD_COLUMNS)] == OLD_COLUMNS
    assert COLUMNS[len(OLD_COLUMNS) + 1 :] == [
        "top5_accuracy",
        "top5_accuracy_low",
        "top5_accuracy_high",
        "mrr",
        "mrr_low",
        "mrr_high",
        "passes",
        "block_errors",
        "codewords",
    ]


@pytest.fixture(scope="module")
def zoo():
    sc = parse_scenario(ZOO)
    check_scenario(sc)
    units = expand_units(sc)
    return sc, units, {u.num_anchors: run_unit(sc, u) for u in units}


def test_pilot_budgets_of_a_prefix_consistent_design_are_nested(zoo):
    sc, units, _ = zoo
    small, large = (unit_anchors(resolve_unit(sc, u)) for u in sorted(units, key=lambda u: u.num_anchors))
    assert len(large) == 20 and np.array_equal(large[:10], small)


def test_rows_carry_top5_and_mrr_with_their_intervals_and_rate_matched_uses(zoo):
    sc, _, rows_by_k = zoo
    for k, rows in rows_by_k.items():
        for r in rows:
            assert set(r) == set(COLUMNS)
            assert r["top5_accuracy"] >= r["accuracy"]
            assert r["top5_accuracy_low"] <= r["top5_accuracy"] <= r["top5_accuracy_high"]
            assert 0 < r["mrr_low"] <= r["mrr"] <= r["mrr_high"] <= 1
            if r["semantic_equalizer"] == "relative":  # message over the first 8 anchors: 4 complex uses
                assert r["channel_uses"] == 4.0 and r["setup_channel_uses"] is None
            else:  # the 8-d latent: 4 uses, K pilots of 4 uses each
                assert r["channel_uses"] == 4.0 and r["setup_channel_uses"] == 4 * k
        # at 30 dB the aligners retrieve far better than chance (1/n * H_n, about 0.03 for n = 120)
        good = [r for r in rows if r["snr_db"] == 30.0 and r["semantic_equalizer"] != "relative"]
        assert all(r["mrr"] > 0.1 for r in good), [(r["semantic_equalizer"], r["mrr"]) for r in good]


def test_mrr_is_left_empty_without_retrieval():
    sc = parse_scenario(
        {
            **ZOO,
            "retrieval": False,
            "sweep": {**ZOO["sweep"], "num_anchors": [10], "semantic_equalizer": ["aligned"]},
        }
    )
    rows = run_unit(sc, expand_units(sc)[0])
    assert all(r["mrr"] is None and r["mrr_low"] is None and not math.isnan(r["top5_accuracy"]) for r in rows)
