"""Semantic PHY abstraction: EESM against its closed form, tables (interpolation, files, selection),
the spec's one-line errors, and a tiny table set built by the link engine that agrees with a link study."""

import json

import numpy as np
import pytest

from semcom.core.errors import SemcomInputError
from semcom.simulator.abstraction.build import build_table_set
from semcom.simulator.abstraction.checks import check_abstraction_spec
from semcom.simulator.abstraction.eesm import effective_sinr_db
from semcom.simulator.abstraction.spec import parse_abstraction_spec
from semcom.simulator.abstraction.table import AbstractionTable, TableConfig, TableSetError
from semcom.simulator.abstraction.tableset import TABLE_FORMAT_VERSION, TableSet
from semcom.simulator.abstraction.validation import validation_summary, write_validation


def _cfg(k=8, bits=None, scheme="analog"):
    return TableConfig(
        "a",
        "b",
        k,
        "random",
        scheme,
        "analog" if bits is None else "digital",
        (),
        bits,
        "relative",
        "awgn",
        k / 2,
        None if bits is None else float(k * bits),
    )


def test_eesm_matches_closed_form(rng):
    sinr_db = rng.uniform(-10, 25, size=(5, 3, 12))
    for beta in (0.3, 2.0, 40.0):
        lin = 10 ** (sinr_db / 10)
        expected = 10 * np.log10(-beta * np.log(np.mean(np.exp(-lin / beta), axis=-1)))
        got = effective_sinr_db(sinr_db, beta)
        assert got.shape == (5, 3)
        np.testing.assert_allclose(got, expected, atol=1e-9)
    # between the minimum and the arithmetic mean; large beta tends to the mean
    lin = 10 ** (sinr_db / 10)
    eff = 10 ** (effective_sinr_db(sinr_db, 1.0) / 10)
    assert np.all(eff >= lin.min(-1) - 1e-9) and np.all(eff <= lin.mean(-1) + 1e-9)
    np.testing.assert_allclose(10 ** (effective_sinr_db(sinr_db, 1e6) / 10), lin.mean(-1), rtol=1e-3)
    with pytest.raises(ValueError, match="beta"):
        effective_sinr_db(sinr_db, 0.0)


def test_table_interpolates_and_clamps():
    t = AbstractionTable.from_counts(_cfg(), np.array([0.0, 10.0, 20.0]), np.array([20, 60, 90]), 100, 1.0)
    np.testing.assert_allclose(
        t.accuracy_at(np.array([[-30.0, 0.0], [5.0, 15.0], [20.0, 99.0]])),
        [[0.2, 0.2], [0.4, 0.75], [0.9, 0.9]],
    )
    lo, hi = t.interval_at(np.array([10.0]))
    assert lo[0] < 0.6 < hi[0]
    assert t.covers(0, 20) and not t.covers(-1, 20) and not t.covers(0, 21)
    with pytest.raises(TableSetError) as e:
        t.check_covers(-5, 25, field="abstraction.sinr_db")
    assert "\n" not in str(e.value) and "abstraction.sinr_db" in str(e.value) and "-5" in str(e.value)
    with pytest.raises(ValueError, match="ascending"):
        AbstractionTable.from_counts(_cfg(), np.array([1.0, 0.0]), np.array([1, 1]), 2, 1.0)


def test_table_set_files_and_selection(tmp_path):
    grid = np.array([-5.0, 0.0, 5.0])
    tables = [
        AbstractionTable.from_counts(_cfg(k, b), grid, np.array([10, 30 + k, 50 + k]), 64, 0.5 + k)
        for k in (4, 8)
        for b in (None, 4)
    ]
    ts = TableSet(tables, {"name": "x"}, "abc")
    assert ts.select(num_anchors=8, bits=4) is tables[3]
    assert ts.values("num_anchors") == [4, 8]
    with pytest.raises(TableSetError) as e:
        ts.select(num_anchors=16, bits=None)
    assert "\n" not in str(e.value) and "num_anchors in [4, 8]" in str(e.value)
    with pytest.raises(TableSetError, match="bits"):
        ts.select(num_anchors=4)  # two tables: names the field that tells them apart
    with pytest.raises(TableSetError, match="unknown"):
        ts.select(anchors=4)
    ts.save(tmp_path)
    back = TableSet.load(tmp_path)
    assert back.configs() == ts.configs() and back.key == "abc"
    for a, b in zip(ts, back):
        np.testing.assert_array_equal(a.sinr_db, b.sinr_db)
        np.testing.assert_allclose(a.accuracy, b.accuracy)
        np.testing.assert_allclose(a.accuracy_high, b.accuracy_high)
        assert a.eesm_beta == b.eesm_beta and a.n_samples == b.n_samples
    header = json.loads((tmp_path / "abstraction.json").read_text())
    header["format_version"] = TABLE_FORMAT_VERSION + 1
    (tmp_path / "abstraction.json").write_text(json.dumps(header))
    with pytest.raises(TableSetError, match="format version"):
        TableSet.load(tmp_path)
    with pytest.raises(TableSetError, match="does not exist"):
        TableSet.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "raw, field",
    [
        (dict(transmitter="a", receiver="b", num_anchors="many"), "abstraction.num_anchors"),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, sinr_db={"start": 5, "stop": 0, "step": 1}),
            "abstraction.sinr_db",
        ),
        (dict(transmitter="a", receiver="b", num_anchors=8, n_samples=0), "abstraction.n_samples"),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, calibration={"beta": -1}),
            "abstraction.calibration.beta",
        ),
        (dict(transmitter="a", receiver="b", num_anchors=8, sinr_grid=[0, 1]), "abstraction.sinr_grid"),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, calibration={"system": {"drops": 0}}),
            "abstraction.calibration.system.drops",
        ),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, validation={"system": {"messages": 10}}),
            "abstraction.validation.system.messages",
        ),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, refine={"tolerance": 2}),
            "abstraction.refine.tolerance",
        ),
        (
            dict(transmitter="a", receiver="b", num_anchors=8, mapping={"analog": "capacity"}),
            "abstraction.mapping",
        ),
        (dict(transmitter="a", receiver="b", num_anchors=8, mapping={"jscc": "eesm"}), "abstraction.mapping"),
    ],
)
def test_spec_errors_are_one_line(raw, field):
    with pytest.raises(SemcomInputError) as e:
        parse_abstraction_spec(raw)
    assert str(e.value).startswith(field) and "\n" not in str(e.value)


TINY = dict(
    seed=3,
    data=dict(dataset="digits", limit=400, test_fraction=0.5),
    models=dict(a=dict(kind="pca", latent_dim=12), b=dict(kind="pca", latent_dim=16, seed=1)),
    transmitter="a",
    receiver="b",
    num_anchors=[6],
    sinr_db=dict(start=-10, stop=20, step=10),
    calibration=dict(channels={"tdl_a": {"model": "ofdm-tdl", "tdl_model": "A"}}, snr_db=[0, 10]),
    validation=dict(channels={"rayleigh": {"model": "rayleigh"}}, snr_db=[5]),
)


def test_spec_checks_names_and_inherits():
    spec = parse_abstraction_spec({**TINY, "receiver": "nobody"})
    with pytest.raises(SemcomInputError) as e:
        check_abstraction_spec(spec.inherit())
    assert "abstraction.receiver" in str(e.value) and "nobody" in str(e.value)
    bare = parse_abstraction_spec({k: v for k, v in TINY.items() if k not in ("seed", "models", "data")})
    with pytest.raises(SemcomInputError, match="abstraction.models"):
        bare.inherit().link_scenario()

    class Study:  # the enclosing study fills what the section leaves out
        seed, models, data = 3, TINY["models"], TINY["data"]

    assert (
        bare.inherit(Study()).link_scenario().model_dump()
        == parse_abstraction_spec(TINY).inherit().link_scenario().model_dump()
    )


def test_tiny_table_set_agrees_with_the_link_engine(tmp_path):
    from semcom.simulator.link.engine import run_unit
    from semcom.simulator.link.units import expand_units

    spec = parse_abstraction_spec(TINY)
    ts = build_table_set(spec)
    (table,) = list(ts)
    assert table.config.num_anchors == 6 and table.config.bits is None and table.config.channel_uses == 3
    # the table is the link study on the grid: same counts as the engine's rows
    sc = spec.inherit().link_scenario()
    (unit,) = expand_units(sc)
    rows = run_unit(sc, unit)
    assert [r["accuracy"] for r in rows] == pytest.approx(table.accuracy.tolist(), abs=1e-6)
    assert table.n_samples == rows[0]["n_samples"] == 200
    # an analog table maps with mean_noise (no beta): its error on the frequency-selective runs is
    # reported, with the power-mean order those runs choose
    assert table.mapping == "mean_noise" and np.isnan(table.eesm_beta)
    assert table.beta_fit["method"] == "none" and table.beta_fit["points"] == 2
    assert 0 <= table.beta_fit["rmse"] <= table.beta_fit["max_abs_error"] <= 1
    assert 0.03 <= table.beta_fit["power_order"] <= 30
    assert len(ts.calibration) == 2 and len(ts.validation) == 1
    row = ts.validation[0]  # numbers, or the strings of a cached table set's CSV
    num, flag = (lambda k: float(row[k])), (lambda k: str(row[k]) == "True")
    assert flag("inside_interval") == (num("link_low") <= num("predicted_accuracy") <= num("link_high"))
    assert flag("within_margin") == (abs(num("error")) <= 0.015) and row["regime"] == "channel"
    assert validation_summary(ts.validation)[("channel", "rayleigh")]["points"] == 1
    # the table counts its decisions per half of the test set, and the halves add up
    assert table.fold_samples.sum() == table.n_samples and np.all(table.fold_correct.sum(0) == table.correct)
    # cached: the second build reads the same tables
    again = build_table_set(spec)
    np.testing.assert_array_equal(again.select(num_anchors=6).accuracy, table.accuracy)
    six = again.select(num_anchors=6)
    assert six.mapping == "mean_noise" and six.beta_fit == table.beta_fit
    path = write_validation(again, tmp_path, configs=again.configs())
    lines = path.read_text().splitlines()
    assert lines[0].endswith("minus_1db_prediction") and len(lines) == 2


def test_scheme_grids_and_their_errors():
    spec = parse_abstraction_spec(
        {
            **TINY,
            "schemes": {"analog": {"kind": "analog"}, "qpsk": {"kind": "digital", "code_rate": 0.5}},
            "scheme_sinr_db": {"qpsk": {"start": -2, "stop": 4, "step": 2}},
        }
    )
    assert spec.grids() == [([-10.0, 0.0, 10.0, 20.0], ["analog"]), ([-2.0, 0.0, 2.0, 4.0], ["qpsk"])]
    bad = parse_abstraction_spec({**TINY, "scheme_sinr_db": {"ldpc": {"start": 0, "stop": 4, "step": 2}}})
    with pytest.raises(SemcomInputError) as e:
        check_abstraction_spec(bad.inherit())
    assert str(e.value).startswith("abstraction.scheme_sinr_db.ldpc") and "\n" not in str(e.value)


def test_cli_builds_from_a_study_section_and_refuses_to_run_a_spec(tmp_path, capsys):
    import yaml
    from semcom.simulator.cli import main

    study = {k: TINY[k] for k in ("seed", "data", "models")}
    study.update(name="tiny", abstraction={k: v for k, v in TINY.items() if k not in study})
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(study))
    assert main(["abstraction", "build", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 table(s)" in out and "validation channel/rayleigh: " in out
    assert TableSet.load(tmp_path / "out").select(num_anchors=6).n_samples == 200
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump({"kind": "abstraction", **TINY}))
    assert main(["run", str(spec_file), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "semcom abstraction build" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_shipped_validation_meets_the_issue_target():
    # The channel-family validation of scenarios/abstraction_validation.yaml: >= 90% of held-out points
    # inside the link-level 95% interval per family, each prediction from the other half of the test set
    import yaml
    from pathlib import Path
    from semcom.simulator.abstraction.spec import spec_from_file_content

    path = Path(__file__).resolve().parents[4] / "scenarios" / "abstraction_validation.yaml"
    ts = build_table_set(spec_from_file_content(yaml.safe_load(path.read_text()), str(path)))
    summary = validation_summary(ts.validation)
    assert set(summary) == {("channel", "rayleigh"), ("channel", "tdl_a"), ("channel", "cdl_c")}
    for family, s in summary.items():
        assert s["points"] == 18 and s["inside"] / s["points"] >= 0.9, (family, s)
    for table in ts:
        assert table.mapping == "mean_noise" and table.beta_fit["points"] == 36


def test_a_rebuild_reproduces_beta_and_its_interval():
    from semcom.simulator.abstraction.fitting import describe_fit

    spec = parse_abstraction_spec({**TINY, "mapping": {"analog": "eesm"}})
    first, again = (build_table_set(spec, use_cache=False).select(num_anchors=6) for _ in range(2))
    assert first.mapping == "eesm" and first.beta_fit["method"] == "calibrated"
    assert first.eesm_beta == again.eesm_beta and first.beta_fit == again.beta_fit
    assert first.beta_fit["beta_low"] <= first.eesm_beta <= first.beta_fit["beta_high"]
    assert "EESM beta" in describe_fit(first.eesm_beta, first.beta_fit)
