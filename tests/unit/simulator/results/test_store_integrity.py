"""A store that checks itself: a finished unit whose rows were deleted, altered or dropped
with the results table is recomputed (the other units kept), a reader is told the store is
incomplete, and an empty or missing store is never taken as new when the folder holds
another study's outputs."""

import errno
import json
import sqlite3
import warnings

import pytest

from semcom.core.diskfull import DiskFullError
from semcom.core.outputs import mark_output_dir
from semcom.simulator.results.folders import held_output_dir
from semcom.simulator.results.integrity import damaged_units, unit_digest
from semcom.simulator.results.store import ResultsStore, StoreError, StoreWarning, read_rows

ROWS = {
    "u1": [{"snr_db": 0.0, "accuracy": 0.5, "rx": "a"}, {"snr_db": 10.0, "accuracy": 0.75, "rx": "a"}],
    "u2": [{"snr_db": 0.0, "accuracy": 0.25, "rx": "b"}, {"snr_db": 10.0, "accuracy": 0.625, "rx": "b"}],
    "u3": [{"snr_db": 0.0, "accuracy": 0.125, "rx": "c", "ber": 0.5}],
}


def _study(folder, units=("u1", "u2", "u3")):
    with ResultsStore(folder, "h1", study={"x": 1}) as store:
        store.set_unit_order(list(ROWS))
        for i, unit in enumerate(units):
            store.commit_unit(unit, i, ROWS[unit])


def _damage(folder, *statements):
    db = sqlite3.connect(folder / "results.sqlite")
    for s in statements:
        db.execute(s)
    db.commit()
    db.close()


def _reopen(folder, expect: str | None):
    """Open the store again: the units it keeps, and the warning it gave (matched)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ResultsStore(folder, "h1", study={"x": 1}) as store:
            kept = store.finished_units()
    said = " ".join(str(w.message) for w in caught if issubclass(w.category, StoreWarning))
    assert (expect is None and not said) or (expect is not None and expect in said), said
    return kept


@pytest.mark.parametrize(
    "damage, what",
    [
        (['DELETE FROM results WHERE "_unit" = \'u2\' AND "_row" = 1'], "u2: 1 of 2 rows missing"),
        (['UPDATE results SET accuracy = 0.99 WHERE "_unit" = \'u2\' AND "_row" = 0'], "u2: rows altered"),
        (["UPDATE results SET rx = 'x' WHERE \"_unit\" = 'u2'"], "u2: rows altered"),
        (['UPDATE results SET accuracy = 1 WHERE "_unit" = \'u2\' AND "_row" = 0'], "u2: rows altered"),
        (['INSERT INTO results ("_unit", "_row", accuracy) VALUES (\'u2\', 7, 0.1)'], "u2: 1 rows added"),
    ],
)
def test_a_unit_with_missing_or_altered_rows_is_recomputed_and_the_others_kept(tmp_path, damage, what):
    _study(tmp_path)
    _damage(tmp_path, *damage)
    with pytest.warns(StoreWarning, match="incomplete: 1 finished unit"):
        rows = read_rows(tmp_path)
    assert [r["rx"] for r in rows] == ["a", "a", "c"]  # the damaged unit's rows are left out
    assert _reopen(tmp_path, f"1 finished unit(s) have rows missing or altered ({what}") == {"u1", "u3"}
    assert _reopen(tmp_path, None) == {"u1", "u3"}  # once dropped, nothing more to say


def test_a_dropped_results_table_recomputes_every_unit(tmp_path):
    _study(tmp_path)
    _damage(tmp_path, "DROP TABLE results")
    assert _reopen(tmp_path, "3 finished unit(s) have rows missing or altered") == set()


def test_an_intact_store_is_quiet_and_its_digests_match_its_rows(tmp_path):
    _study(tmp_path)
    assert _reopen(tmp_path, None) == {"u1", "u2", "u3"}
    db = sqlite3.connect(tmp_path / "results.sqlite")
    assert damaged_units(db) == {}
    recorded = {u: (n, c) for u, n, c in db.execute("SELECT unit, row_count, checksum FROM units")}
    assert all(unit_digest(db, u) == recorded[u] for u in ROWS)
    assert recorded["u1"][0] == 2 and recorded["u1"][1] != recorded["u2"][1]


def test_a_column_added_by_a_later_unit_leaves_earlier_units_valid(tmp_path):
    _study(tmp_path, units=("u1", "u2"))
    with ResultsStore(tmp_path, "h1", study={"x": 1}) as store:
        store.commit_unit("u3", 2, ROWS["u3"])  # brings the column ber
    assert _reopen(tmp_path, None) == {"u1", "u2", "u3"}


def test_a_store_written_before_digests_gets_them_without_a_warning(tmp_path):
    _study(tmp_path)
    _damage(tmp_path, "ALTER TABLE units DROP COLUMN checksum", "ALTER TABLE units DROP COLUMN row_count")
    assert _reopen(tmp_path, None) == {"u1", "u2", "u3"}
    _damage(tmp_path, "DELETE FROM results WHERE \"_unit\" = 'u1'")
    assert _reopen(tmp_path, "u1: 2 of 2 rows missing") == {"u2", "u3"}


def test_a_reader_says_when_the_study_is_not_finished(tmp_path):
    _study(tmp_path, units=("u1",))
    with pytest.warns(StoreWarning, match=r"incomplete: 1 of 3 units of the study are finished"):
        assert len(read_rows(tmp_path)) == 2
    _study(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_rows(tmp_path)) == 5


def _with_outputs(folder, study_hash):
    _study(folder)
    (folder / "results.csv").write_text("rx,accuracy\na,0.5\n")
    (folder / "manifest.json").write_text(json.dumps({"study_hash": study_hash}))
    mark_output_dir(folder, ["results.csv", "manifest.json"])


@pytest.mark.parametrize("how", ["empty", "missing", "no study"])
def test_an_emptied_store_beside_another_studys_outputs_is_refused(tmp_path, how):
    _with_outputs(tmp_path, "another")
    path = tmp_path / "results.sqlite"
    if how == "empty":
        path.write_bytes(b"")
    elif how == "missing":
        path.unlink()
    else:
        _damage(tmp_path, "DELETE FROM meta", "DELETE FROM units")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(
        StoreError,
        match=r"is (empty \(0 bytes\)|missing|without a study) but the folder holds "
        r"outputs of a study \(manifest.json, results.csv\)",
    ):
        ResultsStore(tmp_path, "h1", study={"x": 1})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    with (
        pytest.warns(StoreWarning, match="--force: results store .* replaces the outputs there"),
        ResultsStore(tmp_path, "h1", force=True, study={"x": 1}) as store,
    ):
        assert store.finished_units() == set()


def test_a_reader_of_an_empty_store_says_it_is_empty(tmp_path):
    _study(tmp_path)
    (tmp_path / "results.sqlite").write_bytes(b"")
    with pytest.raises(StoreError, match=r"is empty \(0 bytes\): the store was truncated"):
        read_rows(tmp_path)


def test_a_full_disk_while_drawing_figures_is_one_line(tmp_path):
    _study(tmp_path)
    with (
        pytest.raises(
            DiskFullError, match=r"disk full: '.*' has .* free and needs about .* do not use --force"
        ),
        held_output_dir(tmp_path),
    ):
        raise OSError(errno.ENOSPC, "No space left on device")
    with held_output_dir(tmp_path):  # the lock was given back
        pass


def test_an_emptied_store_of_the_same_study_is_computed_again_with_a_warning(tmp_path):
    _with_outputs(tmp_path, "h1")
    (tmp_path / "results.sqlite").write_bytes(b"")
    with (
        pytest.warns(StoreWarning, match=r"empty \(0 bytes\) but the folder holds this study's outputs"),
        ResultsStore(tmp_path, "h1", study={"x": 1}) as store,
    ):
        assert store.finished_units() == set()


def test_units_without_a_record_of_their_study_are_refused(tmp_path):
    _study(tmp_path)
    _damage(tmp_path, "DELETE FROM meta")
    with pytest.raises(StoreError, match="holds 3 finished units but no record of their study"):
        ResultsStore(tmp_path, "h1", study={"x": 1})
    with (
        pytest.warns(StoreWarning, match="discarding 3 finished units"),
        ResultsStore(tmp_path, "h1", force=True, study={"x": 1}) as store,
    ):
        assert store.finished_units() == set()
