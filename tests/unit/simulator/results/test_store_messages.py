"""The store names what differs between two studies, warns about what --force discards,
and read-only access leaves no SQLite side files behind."""

import warnings

import pytest

from semcom.simulator.results.store import ResultsStore, StoreError, StoreWarning, differing_fields, read_rows


def test_differing_fields_are_dotted_paths_of_the_changed_leaves():
    old = {"sweep": {"snr_db": [0, 10], "channel": "awgn"}, "models": {"rx": {"width": 32}}}
    new = {"sweep": {"snr_db": [0, 10, 20], "channel": "awgn"}, "models": {"rx": {"width": 64, "depth": 2}}}
    assert differing_fields(old, new) == ["models.rx.depth", "models.rx.width", "sweep.snr_db"]
    assert differing_fields(old, old) == []


def test_refusal_names_the_differing_fields_and_force_warns_what_it_discards(tmp_path):
    with ResultsStore(tmp_path, "h1", study={"sweep": {"snr_db": [0, 10]}, "seed": 1}) as store:
        store.commit_unit("u1", 0, [{"a": 1}])
        store.commit_unit("u2", 1, [{"a": 2}])
    with pytest.raises(StoreError, match=r"differs in sweep\.snr_db"):
        ResultsStore(tmp_path, "h2", study={"sweep": {"snr_db": [0, 20]}, "seed": 1})
    with (
        pytest.warns(StoreWarning, match=r"discarding 2 finished units .*sweep\.snr_db"),
        ResultsStore(tmp_path, "h2", force=True, study={"sweep": {"snr_db": [0, 20]}, "seed": 1}) as store,
    ):
        assert store.rows() == []


def test_force_on_the_same_study_warns_nothing(tmp_path):
    with ResultsStore(tmp_path, "h1", study={"x": 1}):
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ResultsStore(tmp_path, "h1", force=True, study={"x": 1}):
            pass


def test_reading_a_closed_store_leaves_no_wal_or_shm_files(tmp_path):
    with ResultsStore(tmp_path, "h1") as store:
        store.commit_unit("u1", 0, [{"a": 1}])
    before = sorted(p.name for p in tmp_path.iterdir())
    assert read_rows(tmp_path) == [{"a": 1}]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not any(name.endswith(("-wal", "-shm")) for name in before)
