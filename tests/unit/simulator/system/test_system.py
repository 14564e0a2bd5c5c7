"""The system kind on synthetic abstraction tables with a known logistic accuracy curve
(tests/unit/simulator/system/system_fixtures.py): geometry, known answers, paired randomness,
the outer loop, record mode, executors, resumption, and one-line errors for bad settings."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

import semcom

from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError
from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.results.metrics import wilson_interval
from semcom.simulator.abstraction.eesm import effective_sinr_db
from semcom.simulator.system.aggregate import summarise_drops
from semcom.simulator.system.engine import simulate_system
from semcom.simulator.system.geometry import make_drop
from semcom.simulator.system.link_adaptation import policy_rules
from semcom.simulator.system.tables import study_tables
from semcom.simulator.system.units import SystemUnit, expand_system_units

from .system_fixtures import logistic_accuracy, synthetic_table_set, system_raw


@pytest.fixture(scope="module")
def tables_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("tables")
    synthetic_table_set([("a", "edge"), ("b", "edge")]).save(d)
    return d


def _single_site(tables_dir, distances, **system):
    raw = system_raw(
        tables_dir,
        topology=dict(kind="single_site", reference_snr_db=20.0, exponent=3.0),
        groups=dict(cam=dict(model="a", distance_m=distances)),
        **system,
    )
    return parse_study(raw)


def test_hexgrid_drop_geometry(tables_dir):
    sc = parse_study(system_raw(tables_dir))
    drop = make_drop(sc.system, 3, 0)
    assert drop.num_sectors == 21 and drop.num_agents == 21 * 3
    assert np.all(np.bincount(drop.sector_dropped) == 3)
    assert np.all(np.isfinite(drop.gain_db))
    np.testing.assert_array_equal(drop.serving, np.argmax(drop.gain_db, axis=1))  # least coupling loss
    assert np.allclose(drop.bs_xy[0], drop.bs_xy[2])
    assert math.isclose(np.linalg.norm(drop.bs_xy[3]), 200.0, rel_tol=1e-4)
    # serving distance to the wraparound image: never more than a site's reach in the 7-site layout
    dist = np.linalg.norm(drop.ut_xy - drop.serving_xy, axis=1)
    naive = np.linalg.norm(drop.ut_xy - drop.bs_xy[drop.serving], axis=1)
    assert np.all(dist <= naive + 1e-6) and dist.max() < 1.5 * 200.0
    # LoS links have a K-factor, NLoS none; delay spreads within the 38.901 range
    assert np.all(np.isfinite(drop.k_factor_db) == drop.los)
    assert 10e-9 < np.median(drop.delay_spread_s) < 1e-6
    again = make_drop(sc.system.model_copy(deep=True), 3, 0)
    np.testing.assert_array_equal(drop.gain_db, again.gain_db)
    assert not np.allclose(drop.ut_xy, make_drop(sc.system, 3, 1).ut_xy)


def test_link_adaptation_rules_match_brute_force():
    rng = np.random.default_rng(0)
    ks = [4, 8, 16, 32]
    est = rng.uniform(-10, 20, 200)
    acc = np.stack([logistic_accuracy(k, est) for k in ks], 1)
    res = np.tile(np.array(ks) // 2, (200, 1))
    rules, spend = policy_rules("max_per_re", acc, res, np.zeros(200), 0.8)
    np.testing.assert_array_equal(rules[0], np.argmax(acc / res, 1))
    assert not spend
    rules, _ = policy_rules("target_olla", acc, res, np.zeros(200), 0.8)
    for i in range(200):
        ok = [c for c in range(4) if acc[i, c] >= 0.8]
        assert rules[0, i] == (
            min(ok, key=lambda c: (res[i, c], -acc[i, c])) if ok else int(np.argmax(acc[i]))
        )
    # the load-aware rule: free resources buy the most accurate, a high price the cheapest
    assert np.all(policy_rules("max_correct", acc, res, np.full(200, 1e-9), 0.8)[0][0] == np.argmax(acc, 1))
    assert np.all(policy_rules("max_correct", acc, res, np.full(200, 10.0), 0.8)[0][0] == 0)


def test_weighted_eesm_is_the_per_re_eesm_and_bounded():
    rng = np.random.default_rng(1)
    sinr = rng.uniform(-30, 40, (50, 6))
    counts = rng.integers(0, 5, (50, 6))
    counts[:, 0] += 1
    for beta in (1e-3, 1.0, 1e3):
        eff = effective_sinr_db(sinr, np.full(50, beta), counts)
        per_re = [np.repeat(s, c) for s, c in zip(sinr, counts)]
        with np.errstate(divide="ignore"):
            direct = np.array(
                [10 * np.log10(-beta * np.log(np.mean(np.exp(-(10 ** (x / 10)) / beta)))) for x in per_re]
            )
        lin_mean = [10 * np.log10(np.mean(10 ** (x / 10))) for x in per_re]
        assert np.all(np.isfinite(eff))
        assert np.all(eff >= np.array([x.min() for x in per_re]) - 1e-9)
        assert np.all(eff <= np.array(lin_mean) + 1e-9)
        ok = np.isfinite(direct)  # the naive formula underflows where the stable one does not
        assert ok.mean() > 0.3
        np.testing.assert_allclose(eff[ok], direct[ok], atol=1e-6)
    np.testing.assert_allclose(
        effective_sinr_db(np.full((3, 4), 7.5), np.full(3, 1e-3), np.ones((3, 4))), 7.5
    )


def test_single_site_without_fading_matches_the_table(tables_dir):
    """No fading, no interference: every message sees its link's SNR, so the accuracy is the
    table's accuracy there (within the Wilson interval of the messages)."""
    d = [10.0, 20.0, 40.0]
    sc = _single_site(tables_dir, d, fading=dict(model="none"), duration_s=1.0, warmup_s=0.0, drain_s=0.05)
    tables = study_tables(sc)
    run = simulate_system(sc, SystemUnit(3, 0, "random", "round_robin", "fixed:K8-analog", 400.0), tables)
    snr = 20.0 - 30.0 * np.log10(np.array(d) / 10.0)
    for u, s in enumerate(snr):
        sent = (run.agent == u) & (run.slot >= 0)
        np.testing.assert_allclose(run.sinr_eff_db[sent], s, atol=1e-6)
        k, n = int(run.correct[sent].sum()), int(sent.sum())
        lo, hi = wilson_interval(k, n)
        assert n > 200 and lo <= float(logistic_accuracy(8, s)) <= hi


def test_outer_loop_learns_the_fading_loss(tables_dir):
    """Without fading the table at the estimate is right and the outer loop leaves it so; with
    Rayleigh fading the effective SINR falls below the estimate, the loop pulls the prediction
    below the table at the estimate, and the predicted accuracy meets the realised one."""
    d = [15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0]
    gaps = {}
    for fading in ("none", "rayleigh_iid"):
        sc = _single_site(
            tables_dir, d, fading=dict(model=fading), duration_s=1.0, warmup_s=0.3, drain_s=0.05
        )
        tables = study_tables(sc)
        run = simulate_system(
            sc, SystemUnit(3, 0, "random", "round_robin", "max_correct_olla", 300.0), tables
        )
        late = (run.arrival_s > 0.3) & (run.slot >= 0)
        real, pred, n = run.correct[late].mean(), run.predicted[late].mean(), late.sum()
        assert abs(real - pred) < 1.96 * math.sqrt(real * (1 - real) / n) + 0.01, (fading, real, pred)
        g = run.drop.group[run.agent[late]]
        est = np.repeat(run.sinr_est_db[late][:, None], 4, axis=1)
        at_estimate = tables.expected_accuracy(g, est)[np.arange(late.sum()), run.config[late]]
        gaps[fading] = at_estimate.mean() - pred
    assert abs(gaps["none"]) < 0.02 and gaps["rayleigh_iid"] > 0.05, gaps


def test_interference_lowers_the_sinr(tables_dir):
    unit = SystemUnit(3, 0, "random", "pf_semantic", "fixed:K32-analog", 2000.0)
    runs = {}
    for itf in (True, False):  # a 2-PRB band, so transmissions of sectors collide
        sc = parse_study(system_raw(tables_dir, duration_s=0.1, interference=itf, grid=dict(num_prbs=2)))
        runs[itf] = simulate_system(sc, unit, study_tables(sc))
    on, off = runs[True], runs[False]
    np.testing.assert_array_equal(on.agent, off.agent)  # same traffic
    both = (on.slot >= 0) & (off.slot >= 0)
    assert np.nanmean(on.sinr_eff_db[both]) < np.nanmean(off.sinr_eff_db[both]) - 0.5


def test_record_mode_holds_each_sent_message_per_re_sinrs(tables_dir):
    sc = parse_study(system_raw(tables_dir, duration_s=0.05))
    tables = study_tables(sc)
    run = simulate_system(
        sc, SystemUnit(3, 0, "random", "pf_semantic", "fixed:K32-analog", 400.0), tables, record=True
    )
    rec = run.record
    sent = np.flatnonzero(run.slot >= 0)
    assert sorted(rec.message.tolist()) == sorted(sent.tolist())
    n_re = np.isfinite(rec.sinr_re_db).sum(1)
    np.testing.assert_array_equal(n_re, run.res[rec.message])
    eff = effective_sinr_db(rec.sinr_re_db.astype(np.float64), np.full(len(rec.message), 2.0))
    np.testing.assert_allclose(eff, run.sinr_eff_db[rec.message], atol=1e-3)
    np.testing.assert_allclose(rec.sinr_est_db, run.sinr_est_db[rec.message])
    np.testing.assert_array_equal(rec.config, run.config[rec.message])


def test_policies_share_traffic_and_units_expand(tables_dir):
    sc = parse_study(system_raw(tables_dir))
    units = expand_system_units(sc, study_tables(sc).labels)
    assert [u.link_adaptation for u in units] == [
        "max_correct_olla",
        "fixed:K4-analog",
        "fixed:K8-analog",
        "fixed:K16-analog",
        "fixed:K32-analog",
    ]
    assert {u.placement for u in units} == {"random"}
    a = simulate_system(sc, units[0], study_tables(sc))
    b = simulate_system(sc, units[3], study_tables(sc))
    np.testing.assert_array_equal(a.arrival_s, b.arrival_s)


def test_run_is_identical_inline_and_on_workers_and_resumes(tables_dir, tmp_path):
    raw = system_raw(tables_dir, duration_s=0.05, warmup_s=0.005, drain_s=0.01)
    raw["sweep"].update(
        arrival_rate=[100.0, 200.0],
        link_adaptation=["max_correct_olla"],
        scheduler=["pf_rate", "round_robin"],
        drop=[0, 1],
    )
    sc = parse_study(raw)
    kind = kind_of(sc)
    first = kind.run(sc, tmp_path / "inline", quiet=True, plots=False)
    assert first.units_run == 8
    again = kind.run(sc, tmp_path / "inline", quiet=True, plots=False)
    assert again.units_run == 0
    kind.run(sc, tmp_path / "pool", workers=2, quiet=True, plots=False)
    for name in (
        "system_results.csv",
        "system_drops.csv",
        "system_cells.csv",
        "system_users.csv",
        "system_calibration.csv",
    ):
        assert (tmp_path / "inline" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes()
    assert (tmp_path / "inline" / "abstraction_validation.csv").is_file()
    with open(tmp_path / "inline" / "system_results.csv", newline="") as f:
        summary = list(csv.DictReader(f))
    assert len(summary) == 4 and all(r["drops"] == "2" for r in summary)
    assert {"accuracy_offered_low", "goodput_offered_high", "saturated"} <= set(summary[0])
    result = semcom.load(tmp_path / "inline")  # the Python API reads what the CSVs hold
    frame = pd.read_csv(tmp_path / "inline" / "system_results.csv")
    pd.testing.assert_frame_equal(result.frame.reset_index(drop=True), frame, check_dtype=False)
    drops = pd.read_csv(tmp_path / "inline" / "system_drops.csv")
    assert len(result.replicates) == len(drops) == 8
    assert {"scheduler", "arrival_rate", "direction"} <= set(kind.axes) <= set(frame.columns)
    assert result.plot(by="scheduler") is not None  # two schedulers: one curve each
    with pytest.raises(SemcomInputError, match="scheduler"):  # never their average
        result.plot()
    raw["sweep"]["arrival_rate"] = [100.0, 200.0, 300.0]
    more = kind.run(parse_study(raw), tmp_path / "inline", quiet=True, plots=False)
    assert more.units_run == 4
    with open(tmp_path / "inline" / "system_users.csv", newline="") as f:
        users = list(csv.DictReader(f))
    assert len(users) == 12 * 21 * 3 and {"serving_distance_m", "uplink_geometry_db", "latency_p95"} <= set(
        users[0]
    )


def _one_line(exc) -> str:
    text = str(exc)
    assert "\n" not in text.strip() or isinstance(exc, ScenarioErrors)
    return text


@pytest.mark.parametrize(
    "change, field, fix",
    [
        (dict(grid=dict(bandwidth_hz=5e6)), "bandwidth_hz", "4.68e+06 (13 PRBs)"),
        (dict(traffic=dict(deadline_s=1e-4)), "deadline_s", "at least 0.0005 s"),
        (dict(groups=dict(cam=dict(model="a", speed_kmh=-3))), "speed", ">= 0"),
        (dict(grid=dict(subcarrier_spacing_hz=20e3)), "subcarrier_spacing_hz", "30e3"),
        (dict(fading="rayleigh"), "fading", "rayleigh_iid"),
    ],
)
def test_bad_radio_settings_are_one_line(tables_dir, change, field, fix):
    raw = system_raw(tables_dir)
    raw["system"].update(change)
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        parse_study(raw)
    text = _one_line(err.value)
    assert field in text and fix in text


def test_bad_settings_are_one_line(tables_dir, tmp_path):
    narrow = tmp_path / "narrow"
    synthetic_table_set([("a", "edge"), ("b", "edge")], grid=(0.0, 30.0, 1.0)).save(narrow)
    sc = parse_study(system_raw(narrow))
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "out1", quiet=True)
    assert "tables" in _one_line(err.value) and "start the grid at" in str(err.value)
    assert not (tmp_path / "out1" / "results.sqlite").exists()

    big = tmp_path / "big"
    synthetic_table_set([("a", "edge"), ("b", "edge")], channel_uses_per_k=100.0).save(big)
    sc = parse_study(system_raw(big, grid=dict(num_prbs=12)))
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "out3", quiet=True)
    assert "system.grid.num_prbs" in _one_line(err.value) and "K32-analog" in str(err.value)

    raw = system_raw(tables_dir)
    raw["system"]["link_adaptation"] = {"configs": [{"num_anchors": 12}]}
    sc = parse_study(raw)
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "out2", quiet=True)
    assert "system.link_adaptation.configs[0]" in _one_line(err.value) and "K=12" in str(err.value)

    sc = _single_site(tables_dir, [10.0, 20.0, 10.0])
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        kind_of(sc).check(sc)
    assert "system.groups.cam.distance_m[2]" in str(err.value) and "overlaps" in str(err.value)

    raw = system_raw(tables_dir)
    raw["sweep"]["link_adaptation"] = ["max_correct", "fixd"]
    sc = parse_study(raw)
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        kind_of(sc).check(sc)
    assert "sweep.link_adaptation" in str(err.value) and "fixed" in str(err.value)

    raw = system_raw(tables_dir)
    raw["system"]["groups"]["cam"]["modle"] = "a"
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        parse_study(raw)
    assert "modle" in str(err.value)


@pytest.fixture(scope="module")
def digital_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("digital")
    synthetic_table_set([("a", "edge"), ("b", "edge")], digital=((16, 4),)).save(d)
    return d


def test_bad_policy_labels_are_one_line(digital_dir, tmp_path):
    raw = system_raw(digital_dir)
    raw["sweep"]["link_adaptation"] = ["conventional_5g:K16-analog"]
    sc = parse_study(raw)
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "o", quiet=True)
    assert "sweep.link_adaptation" in _one_line(err.value) and "digital" in str(err.value)
    raw["sweep"]["link_adaptation"] = ["fixed:K12-analog"]
    sc = parse_study(raw)
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "o2", quiet=True)
    assert "K12-analog" in _one_line(err.value) and "K16-analog" in str(err.value)


@pytest.mark.parametrize(
    "flags, majority",
    [((1, 1, 0), True), ((True, "True", False), True), ((0, 1, "False"), False), (("true", "0", 0), False)],
)
def test_saturated_drops_are_counted_as_the_store_and_the_csv_keep_them(flags, majority):
    """The store reads booleans back as 0/1 and a CSV as text: both count (a unit with most drops
    saturated is saturated)."""
    rows = [
        dict(
            placement="random",
            scheduler="pf_semantic",
            link_adaptation="fixed:K8",
            arrival_rate=30.0,
            offered_per_s=1.0,
            offered_load=1.0,
            saturated=f,
            goodput_offered=float(i),
        )
        for i, f in enumerate(flags)
    ]
    (summary,) = summarise_drops(rows)
    assert summary["saturated"] is majority
    assert summary["saturated_drops"] == sum(str(f).lower() in ("1", "true") for f in flags)
