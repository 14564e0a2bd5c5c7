"""A small study calibrates its abstraction on its own messages: the engine's record runs,
link-level decoding at their per-RE SINRs, validation rows of the system regime, and an inner
loop whose expected accuracy per configuration meets what the abstraction realises."""

import csv
import pickle

import numpy as np
import pytest

from semcom.core.errors import SemcomInputError
from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.system.calibrated import cached_regime
from semcom.simulator.system.tables import link_tables, load_table_set, study_tables

from .system_fixtures import system_raw


def _study(**abstraction):
    raw = system_raw(None, duration_s=0.15, grid=dict(num_prbs=6))
    del raw["tables"]
    raw["data"] = dict(dataset="digits", limit=600, test_fraction=0.5)
    raw["abstraction"] = dict(
        transmitter=["a", "b"],
        receiver="edge",
        num_anchors=[4, 16],
        sinr_db=dict(start=-30, stop=40, step=1),
        calibration=dict(
            channels={"tdl_a": {"model": "ofdm-tdl", "tdl_model": "A"}},
            snr_db=[10],
            system=dict(drops=2, messages=1200, points=3),
        ),
        validation=dict(
            channels={"rayleigh": {"model": "rayleigh"}},
            snr_db=[10],
            system=dict(drops=1, messages=1200, points=3),
        ),
        **abstraction,
    )
    raw["sweep"] = dict(
        arrival_rate=[200.0], link_adaptation=["max_correct", "fixed"], scheduler=["pf_semantic"]
    )
    return parse_study(raw)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    sc = _study()
    out = tmp_path_factory.mktemp("own_regime")
    kind_of(sc).run(sc, out, quiet=True, plots=False)
    return sc, out


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_the_study_writes_its_own_regime_checks(study):
    sc, out = study
    rows = _rows(out / "abstraction_validation.csv")
    system = [r for r in rows if r["regime"] == "system"]
    assert {r["regime"] for r in rows} == {"channel", "system"} and len(system) == 4 * 3
    for r in system:
        assert float(r["link_low"]) <= float(r["link_accuracy"]) <= float(r["link_high"])
        assert r["within_margin"] == str(abs(float(r["error"])) <= 0.015)
        assert all(r[f"{name}_prediction"] for name in ("mean_sinr", "min_sinr", "max_sinr", "plus_1db"))
    # the inner loop on the validation drops: per group and configuration within 0.02 of what the
    # abstraction realises, where the table read at the estimate is too optimistic
    inner = _rows(out / "inner_loop_calibration.csv")
    assert len(inner) == 4
    for r in inner:
        assert abs(float(r["error"])) <= 0.02, r
    assert np.mean([float(r["table_at_estimate"]) - float(r["realised"]) for r in inner]) > 0.0


def test_workers_read_the_calibrated_tables_and_an_absent_cache_is_one_line(study, tmp_path, monkeypatch):
    sc, _ = study
    ts = load_table_set(sc)
    tables = study_tables(sc, ts)
    regime = cached_regime(sc, ts)
    t = tables.tables[0][1]
    assert hasattr(t, "expected_accuracy_at") and t.mapping == "mean_noise"
    copied = pickle.loads(pickle.dumps(t))  # a worker may receive the tables pickled
    np.testing.assert_array_equal(copied.accuracy, t.accuracy)
    np.testing.assert_allclose(
        t.expected_accuracy_at(np.array([10.0])),
        np.interp(10.0, regime.fading.grid_db, regime.fading.values[(0, 1)]),
    )
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path))
    other = _study(n_samples=300)
    with pytest.raises(SemcomInputError, match="not calibrated on its own messages") as e:
        cached_regime(other, ts)
    assert "\n" not in str(e.value)
    assert link_tables(other, ts).labels == tables.labels


def test_the_engine_fingerprint_follows_the_code_not_its_documentation():
    from semcom.simulator.system.calibrated import code_fingerprint

    source = 'def gain(x):\n    """Power gain."""\n    return x * 2  # linear\n'
    documented = (
        'def gain(x):\n    """The power gain, |h|^2, of a link."""\n'
        "    # doubled: two paths\n    return (x *\n            2)\n"
    )
    changed = 'def gain(x):\n    """Power gain."""\n    return x * 3  # linear\n'
    assert code_fingerprint(source) == code_fingerprint(documented)
    assert code_fingerprint(source) != code_fingerprint(changed)
    # a function that is only a docstring still has a body, and differs from one that returns
    assert code_fingerprint('def f():\n    """Doc."""\n') != code_fingerprint("def f():\n    return 1\n")
