"""Numerical edge cases run clean, with no NaN (no empty metric) in results.csv:
SNR -30 dB and +40 dB, K = 1, K = the whole anchor pool, receivers whose latent size
differs from the transmitter's (smaller and larger), 1-bit digital quantisation."""

import csv
import math

import pytest

from semcom.simulator.kinds import run_study
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import parse_scenario

LIMIT, TEST_FRACTION, TRAIN_FRACTION = 120, 0.25, 0.4
POOL = LIMIT - round(LIMIT * TEST_FRACTION) - round(LIMIT * TRAIN_FRACTION)  # 42 anchors available

BASE = dict(
    name="edges",
    seed=7,
    data=dict(dataset="digits", limit=LIMIT, test_fraction=TEST_FRACTION, train_fraction=TRAIN_FRACTION),
    models=dict(
        tx=dict(kind="pca", latent_dim=16),
        small=dict(kind="pca", latent_dim=4),
        large=dict(kind="rotation", latent_dim=64, seed=1),
    ),
    sweep=dict(
        snr_db=[-30, 0, 40],
        num_anchors=[1, 2, POOL],
        transmitter="tx",
        receiver=["small", "large"],
        semantic_equalizer=["relative", "inverse", "aligned", "none", "oracle"],
        anchor_selection=["random", "prototypical", "farthest_point", "class_balanced"],
    ),
)


def _rows(tmp_path, scenario):
    sc = parse_scenario(scenario)
    check_scenario(sc)
    run_study(sc, tmp_path / "out", quiet=True, plots=False)
    with open(tmp_path / "out" / "results.csv") as f:
        return list(csv.DictReader(f))


def _finite(row, *keys):
    for k in keys:
        assert row[k] != "", (k, row)
        assert math.isfinite(float(row[k])), (k, row)


def test_extreme_snr_and_anchor_counts_give_finite_metrics(tmp_path):
    rows = _rows(tmp_path, BASE)
    assert len(rows) == 3 * 2 * 4 * 3 * 5
    for r in rows:
        _finite(
            r,
            "accuracy",
            "accuracy_wilson_low",
            "accuracy_wilson_high",
            "nmse",
            "native_accuracy",
            "channel_uses",
        )
        assert (
            0
            <= float(r["accuracy_wilson_low"])
            <= float(r["accuracy"])
            <= float(r["accuracy_wilson_high"])
            <= 1
        )
    # the noise is physical at both ends: NMSE of the relative message ~ no = 10^(-snr/10)
    # (K = 1 sends one real value in one complex use: half the noise lands on it)
    for r in rows:
        if r["semantic_equalizer"] == "relative" and int(r["num_anchors"]) == POOL:
            no = 10 ** (-float(r["snr_db"]) / 10)
            assert float(r["nmse"]) == pytest.approx(no, rel=0.2), r
    # at +40 dB (NMSE 1e-4) the oracle decodes as it does without any channel: its accuracy
    # lies in the Wilson interval of the same receiver on the noise-free message
    from semcom.simulator.link.units import expand_units
    from semcom.simulator.results.metrics import wilson_interval
    from semcom.simulator.stitch.runner import _noise_free

    sc = parse_scenario(BASE)
    top = {
        (r["rx_model"], r["anchor_selection"]): r
        for r in rows
        if r["semantic_equalizer"] == "oracle" and float(r["snr_db"]) == 40 and int(r["num_anchors"]) == POOL
    }
    for unit in expand_units(sc):
        row = top.get((unit.receiver, unit.anchor_selection))
        if unit.num_anchors != POOL or row is None:
            continue
        clean = next(r for r in _noise_free(sc, unit) if r["semantic_equalizer"] == "oracle")
        lo, hi = wilson_interval(round(clean["accuracy"] * clean["n_samples"]), clean["n_samples"])
        assert lo <= float(row["accuracy"]) <= hi, (row, clean)


def test_one_bit_digital_quantisation_runs_clean(tmp_path):
    scenario = {
        **BASE,
        "scheme": {"kind": "digital", "code_rate": 0.5, "modulation_order": 4, "block_length": 256},
        "sweep": {
            **BASE["sweep"],
            "bits": [1],
            "num_anchors": [1, 8],
            "anchor_selection": "random",
            "semantic_equalizer": ["relative", "oracle"],
        },
    }
    rows = _rows(tmp_path, scenario)
    assert rows and all(r["bits"] == "1" for r in rows)
    for r in rows:
        _finite(r, "accuracy", "nmse", "ber", "bler", "bits_per_sample")
        assert 0 <= float(r["ber"]) <= 1
    high = [float(r["ber"]) for r in rows if float(r["snr_db"]) == 40]
    low = [float(r["ber"]) for r in rows if float(r["snr_db"]) == -30]
    assert max(high) == 0.0 and min(low) > 0.1
