"""Effective SINR (EESM, log-sum-exp): its invariants on random inputs (hypothesis), the cases
Sionna's literal formula turned into its clamp, and agreement with Sionna's block wherever
that block does not underflow."""

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from semcom.simulator.abstraction.eesm import effective_sinr_db

TOL_DB = 1e-9
sinr_values = st.floats(-30.0, 40.0, allow_nan=False)
rows = st.lists(sinr_values, min_size=1, max_size=48)
# β log-uniform over 1e-3 .. 1e3 (linear SINR units)
betas = st.floats(-3.0, 3.0).map(lambda e: float(10.0**e))


def _mean_db(row) -> float:
    return float(10.0 * np.log10(np.mean(10.0 ** (np.asarray(row) / 10.0))))


@settings(max_examples=300, deadline=None)
@given(rows, betas)
def test_finite_and_between_the_minimum_and_the_mean(row, beta):
    eff = float(effective_sinr_db(np.array([row]), beta)[0])
    assert np.isfinite(eff)
    assert min(row) - TOL_DB <= eff <= _mean_db(row) + TOL_DB


@settings(max_examples=200, deadline=None)
@given(sinr_values, st.integers(1, 64), betas)
def test_equal_sinrs_map_to_themselves(value, n, beta):
    assert abs(float(effective_sinr_db(np.full((1, n), value), beta)[0]) - value) <= TOL_DB


@settings(max_examples=300, deadline=None)
@given(rows, betas, betas)
def test_monotone_in_beta(row, b1, b2):
    lo, hi = sorted((b1, b2))
    e_lo, e_hi = effective_sinr_db(np.array([row, row]), np.array([lo, hi]))
    assert e_lo <= e_hi + TOL_DB


@settings(max_examples=100, deadline=None)
@given(rows, betas, st.integers(0, 10), st.randoms(use_true_random=False))
def test_padding_and_order_do_not_matter(row, beta, pad, rnd):
    shuffled = list(row)
    rnd.shuffle(shuffled)
    padded = np.array([shuffled + [np.nan] * pad + [-np.inf] * (pad % 3)])
    assert (
        abs(float(effective_sinr_db(padded, beta)[0]) - float(effective_sinr_db(np.array([row]), beta)[0]))
        <= 1e-7
    )


def test_the_cases_a_clamp_turned_into_80_db():
    np.testing.assert_allclose(effective_sinr_db([[10.0]], 0.0126), [10.0], atol=TOL_DB)
    np.testing.assert_allclose(effective_sinr_db([[30.0]], 1.0), [30.0], atol=TOL_DB)
    # two REs 10 dB apart at a small beta: the weaker one decides (exactly 10 + beta*ln2 linear)
    np.testing.assert_allclose(
        effective_sinr_db([[10.0, 20.0]], 0.0126), [10 * np.log10(10 + 0.0126 * np.log(2))], atol=TOL_DB
    )
    # extremes of the property tests' range, and a message without any RE
    assert np.all(np.isfinite(effective_sinr_db([[-30.0, 40.0]] * 2, np.array([1e-3, 1e3]))))
    assert np.isnan(effective_sinr_db([[np.nan, -np.inf]], 1.0)[0])
    with pytest.raises(ValueError, match="beta"):
        effective_sinr_db([[1.0]], 0.0)
    with pytest.raises(ValueError, match=r"\+inf"):
        effective_sinr_db([[np.inf]], 1.0)


def test_agrees_with_sionna_where_sionna_does_not_underflow(tmp_path, rng):
    from sionna.sys import EESM

    for beta in (0.05, 1.0, 30.0, 700.0):
        path = tmp_path / f"beta_{beta}.json"
        path.write_text(json.dumps({"index": {"1": [beta]}}))
        eesm = EESM(
            load_beta_table_from=str(path),
            sinr_eff_min_db=-200.0,
            sinr_eff_max_db=200.0,
            precision="double",
            device="cpu",
        )
        # largest linear SINR / beta kept below 600: exp(-600) is still a normal double
        top_db = min(40.0, 10.0 * np.log10(600.0 * beta))
        sinr_db = rng.uniform(-30.0, top_db, size=(64, 24))
        lin = torch.from_numpy(10.0 ** (sinr_db / 10.0)).reshape(64, 1, 24, 1, 1)
        theirs = eesm(lin, torch.zeros(64, 1, dtype=torch.int32), mcs_table_index=1)[:, 0].numpy()
        np.testing.assert_allclose(effective_sinr_db(sinr_db, beta), 10.0 * np.log10(theirs), atol=1e-8)


def _logistic_table():
    from semcom.simulator.abstraction.table import AbstractionTable, TableConfig

    cfg = TableConfig("a", "b", 8, "random", "analog", "analog", (), None, "relative", "awgn", 4.0, None)
    grid = np.arange(-20.0, 30.01, 0.5)
    n = 100_000
    correct = np.rint((0.1 + 0.8 / (1.0 + np.exp(-(grid - 5.0) / 2.0))) * n).astype(np.int64)
    return AbstractionTable.from_counts(cfg, grid, correct, n, eesm_beta=1.0)


def test_beta_fit_pins_beta_where_the_spread_is_wide_and_reports_a_flat_objective(rng):
    from semcom.simulator.abstraction.calibration import predict_accuracy
    from semcom.simulator.abstraction.fitting import describe_fit, fit_beta

    table = _logistic_table()
    n = 4000
    # 8 runs of messages over REs with a 15 dB spread, outcomes drawn at a true beta of 2
    wide = [rng.normal(m, 5.0, size=(1, n, 16)) for m in np.linspace(-5, 15, 8)]
    measured = np.array([rng.binomial(n, predict_accuracy(table, s, None, "eesm", 2.0)[0]) / n for s in wide])
    beta, fit = fit_beta(
        lambda b: np.concatenate([predict_accuracy(table, s, None, "eesm", b) for s in wide]),
        measured,
        np.full(8, n),
        0.01,
        1000.0,
    )
    assert fit["identifiable"] and fit["beta_low"] <= 2.0 <= fit["beta_high"] and fit["beta_high"] < 20
    assert "not identifiable" not in describe_fit(beta, fit)
    # equal SINRs within every message: beta changes nothing, the search says so instead of a grid end
    flat = [np.full((1, n, 16), m) for m in np.linspace(-5, 15, 8)]
    measured = np.array([predict_accuracy(table, s, None, "eesm", 1.0)[0] for s in flat])
    beta, fit = fit_beta(
        lambda b: np.concatenate([predict_accuracy(table, s, None, "eesm", b) for s in flat]),
        measured,
        np.full(8, n),
        0.01,
        1000.0,
    )
    assert fit["flat"] and not fit["identifiable"] and (fit["beta_low"], fit["beta_high"]) == (0.01, 1000.0)
    assert "not identifiable (flat" in describe_fit(beta, fit)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(sinr_values, st.integers(1, 12)), min_size=1, max_size=12), betas)
def test_weights_count_res(entries, beta):
    # a PRB's SINR with the count of the message's REs on it is the per-RE mapping
    values = np.array([[v for v, _ in entries]])
    counts = np.array([[c for _, c in entries]])
    expanded = np.array([[v for v, c in entries for _ in range(c)]])
    assert (
        abs(
            float(effective_sinr_db(values, beta, weights=counts)[0])
            - float(effective_sinr_db(expanded, beta)[0])
        )
        <= 1e-7
    )
