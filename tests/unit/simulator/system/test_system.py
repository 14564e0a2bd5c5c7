"""The system kind on synthetic abstraction tables with a known logistic accuracy curve
(tests/unit/simulator/system/system_fixtures.py): known answers, paired randomness, executors,
resumption, and one-line errors for bad settings."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from semcom.core.errors import ScenarioError, ScenarioErrors
from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.results.metrics import wilson_interval
from semcom.simulator.system.engine import simulate_system
from semcom.simulator.system.units import SystemUnit, expand_system_units
from semcom.simulator.system.geometry import make_drop
from semcom.simulator.system.link_adaptation import choose_configs
from semcom.simulator.system.tables import study_tables

from .system_fixtures import CURVES, logistic_accuracy, synthetic_table_set, system_raw


@pytest.fixture(scope="module")
def tables_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("tables")
    synthetic_table_set([("a", "edge"), ("b", "edge")]).save(d)
    return d


def _single_site(tables_dir, distances, **system):
    raw = system_raw(tables_dir, topology=dict(kind="single_site", reference_snr_db=20.0, exponent=3.0),
                     groups=dict(cam=dict(model="a", distance_m=distances)), **system)
    return parse_study(raw)


def test_hexgrid_drop_geometry(tables_dir):
    sc = parse_study(system_raw(tables_dir))
    drop = make_drop(sc.system, 3, 0)
    assert drop.num_sectors == 21 and drop.num_agents == 21 * 3
    assert np.all(np.bincount(drop.sector_dropped) == 3)
    assert np.all(np.isfinite(drop.gain_db))
    np.testing.assert_array_equal(drop.serving, np.argmax(drop.gain_db, axis=1))   # least coupling loss
    # the three sectors of a site share its position, sites are one ISD apart (200 m) from the centre
    assert np.allclose(drop.bs_xy[0], drop.bs_xy[2])
    assert math.isclose(np.linalg.norm(drop.bs_xy[3]), 200.0, rel_tol=1e-4)
    again = make_drop(sc.system.model_copy(deep=True), 3, 0)
    np.testing.assert_array_equal(drop.gain_db, again.gain_db)
    other = make_drop(sc.system, 3, 1)
    assert not np.allclose(drop.ut_xy, other.ut_xy)


def test_link_adaptation_matches_brute_force(tables_dir):
    sc = parse_study(system_raw(tables_dir))
    tables = study_tables(sc)
    assert tables.labels == ["K4-analog", "K8-analog", "K16-analog", "K32-analog"]
    rng = np.random.default_rng(0)
    est = rng.uniform(-10, 20, (200, 1)) + np.zeros((1, 4))
    groups = rng.integers(0, 2, 200)
    ks = [4, 8, 16, 32]
    acc = np.stack([logistic_accuracy(k, est[:, 0]) for k in ks], 1)
    rbs = tables.rbs[groups]
    cfg, pred = choose_configs("goodput", None, tables, groups, est, 0.8)
    np.testing.assert_array_equal(cfg, np.argmax(acc / rbs, 1))
    # linear interpolation on the 0.5 dB grid: error <= h^2 max|f''| / 8 < 1e-3 for these curves
    np.testing.assert_allclose(pred, acc[np.arange(200), cfg], atol=1e-3)
    cfg, _ = choose_configs("target_olla", None, tables, groups, est, 0.8)
    for i in range(200):
        ok = [c for c in range(4) if acc[i, c] >= 0.8 + 1e-3]
        if any(abs(acc[i, c] - 0.8) < 1e-3 for c in range(4)):
            continue          # too close to the target to tell the table from the curve
        if ok:
            best = min(ok, key=lambda c: (rbs[i, c], -acc[i, c]))
            assert rbs[i, cfg[i]] == rbs[i, best] and acc[i, cfg[i]] >= 0.8 - 1e-3
        else:
            assert cfg[i] == int(np.argmax(acc[i]))


def test_single_site_without_fading_matches_the_table(tables_dir):
    """No fading, no interference: every message sees its link's SNR, so the accuracy is the
    table's accuracy there (within the Wilson interval of the messages)."""
    d = [10.0, 20.0, 40.0]
    sc = _single_site(tables_dir, d, fading="none", duration_s=1.0, warmup_s=0.0, drain_s=0.05)
    tables = study_tables(sc)
    run = simulate_system(sc, SystemUnit(3, 0, "round_robin", "fixed:K8-analog", 400.0), tables)
    snr = 20.0 - 30.0 * np.log10(np.array(d) / 10.0)
    for u, s in enumerate(snr):
        sent = (run.agent == u) & (run.slot >= 0)
        np.testing.assert_allclose(run.sinr_eff_db[sent], s, atol=1e-6)
        k, n = int(run.correct[sent].sum()), int(sent.sum())
        lo, hi = wilson_interval(k, n)
        assert n > 200 and lo <= float(logistic_accuracy(8, s)) <= hi


def test_outer_loop_learns_the_fading_loss(tables_dir):
    """Without fading the estimate is exact and the offset stays near 0; with Rayleigh fading over
    one RB the effective SINR falls below the estimate and the offset goes negative, which
    brings the predicted accuracy to the realised one."""
    d = [15.0, 25.0, 35.0, 45.0]
    rows = {}
    for fading in ("none", "rayleigh"):
        sc = _single_site(tables_dir, d, fading=fading, duration_s=1.0, warmup_s=0.2, drain_s=0.05)
        run = simulate_system(sc, SystemUnit(3, 0, "round_robin", "goodput_olla", 300.0), study_tables(sc))
        late = (run.arrival_s > 0.3) & (run.slot >= 0)
        rows[fading] = (run.olla_offset_db, run.correct[late].mean(), run.predicted[late].mean(), late.sum())
    off, real, pred, n = rows["none"]
    assert np.all(np.abs(off) < 2.0)
    off, real, pred, n = rows["rayleigh"]
    assert off.mean() < -1.0
    half = 1.96 * math.sqrt(real * (1 - real) / n)
    assert abs(real - pred) < 2 * half + 0.02


def test_interference_lowers_the_sinr(tables_dir):
    sc = parse_study(system_raw(tables_dir, duration_s=0.1))
    tables = study_tables(sc)
    unit = SystemUnit(3, 0, "pf_semantic", "fixed:K8-analog", 200.0)
    on = simulate_system(sc, unit, tables)
    off = simulate_system(parse_study(system_raw(tables_dir, duration_s=0.1, interference=False)), unit,
                          study_tables(parse_study(system_raw(tables_dir, duration_s=0.1, interference=False))))
    np.testing.assert_array_equal(on.agent, off.agent)                    # same traffic
    both = (on.slot >= 0) & (off.slot >= 0)
    assert np.nanmean(on.sinr_eff_db[both]) < np.nanmean(off.sinr_eff_db[both]) - 0.5
    assert np.all(on.sinr_eff_db[both] <= off.sinr_eff_db[both] + 1e-9) or \
        np.mean(on.sinr_eff_db[both] <= off.sinr_eff_db[both] + 1e-9) > 0.95


def test_policies_share_traffic_and_units_expand(tables_dir):
    sc = parse_study(system_raw(tables_dir))
    units = expand_system_units(sc, study_tables(sc).labels)
    assert [u.link_adaptation for u in units] == ["goodput_olla", "fixed:K4-analog", "fixed:K8-analog",
                                                  "fixed:K16-analog", "fixed:K32-analog"]
    a = simulate_system(sc, units[0], study_tables(sc))
    b = simulate_system(sc, units[3], study_tables(sc))
    np.testing.assert_array_equal(a.arrival_s, b.arrival_s)


def _csv(path):
    return path.read_bytes()


def test_run_is_identical_inline_and_on_workers_and_resumes(tables_dir, tmp_path):
    raw = system_raw(tables_dir, duration_s=0.05, warmup_s=0.005, drain_s=0.01)
    raw["sweep"].update(arrival_rate=[100.0, 200.0], link_adaptation=["goodput_olla"],
                        scheduler=["pf_rate", "round_robin"])
    sc = parse_study(raw)
    kind = kind_of(sc)
    first = kind.run(sc, tmp_path / "inline", quiet=True, plots=False)
    assert first.units_run == 4
    again = kind.run(sc, tmp_path / "inline", quiet=True, plots=False)
    assert again.units_run == 0
    pooled = kind.run(sc, tmp_path / "pool", workers=2, quiet=True, plots=False)
    for name in ("system_results.csv", "system_cells.csv", "system_users.csv"):
        assert _csv(tmp_path / "inline" / name) == _csv(tmp_path / "pool" / name)
    assert (tmp_path / "inline" / "abstraction_validation.csv").is_file()
    # a study extended with another load reuses the units it has
    raw["sweep"]["arrival_rate"] = [100.0, 200.0, 300.0]
    more = kind.run(parse_study(raw), tmp_path / "inline", quiet=True, plots=False)
    assert more.units_run == 2
    with open(tmp_path / "inline" / "system_users.csv", newline="") as f:
        users = list(csv.DictReader(f))
    assert len(users) == 6 * 21 * 3 and {"accuracy_low", "latency_p95", "top_config"} <= set(users[0])


def _one_line(exc) -> str:
    text = str(exc)
    assert "\n" not in text.strip() or isinstance(exc, ScenarioErrors)
    return text


def test_bad_settings_are_one_line(tables_dir, tmp_path):
    narrow = tmp_path / "narrow"
    synthetic_table_set([("a", "edge"), ("b", "edge")], grid=(0.0, 30.0, 1.0)).save(narrow)
    sc = parse_study(system_raw(narrow))
    with pytest.raises(ScenarioError) as err:
        kind_of(sc).run(sc, tmp_path / "out1", quiet=True)
    assert "tables" in _one_line(err.value) and "start the grid at" in str(err.value)
    assert not (tmp_path / "out1" / "results.sqlite").exists()

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
    raw["sweep"]["link_adaptation"] = ["goodput", "fixd"]
    sc = parse_study(raw)
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        kind_of(sc).check(sc)
    assert "sweep.link_adaptation" in str(err.value) and "fixed" in str(err.value)

    raw = system_raw(tables_dir)
    raw["system"]["groups"]["cam"]["modle"] = "a"
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        parse_study(raw)
    assert "modle" in str(err.value)


def test_known_curves_are_what_the_fixture_says():
    assert set(CURVES) == {4, 8, 16, 32}
    assert logistic_accuracy(32, 50.0) == pytest.approx(0.95, abs=1e-6)
