"""The typed results store: SQL columns are the result columns; study kind recorded."""

import json
import sqlite3

import pytest

from semcom.simulator.results.store import ResultsStore, StoreError, read_rows, study_kind


def _row(unit, snr, acc, **kw):
    return dict(
        scenario="s", rx_model="b", snr_db=snr, num_anchors=4, accuracy=acc, ber=None, unit=unit, **kw
    )


def test_rows_are_sql_columns_with_types_and_round_trip(tmp_path):
    rows_u1 = [_row("u1", 0.0, 0.25), _row("u1", 10.0, 0.75)]
    with ResultsStore(tmp_path, "h", kind="network") as store:
        store.commit_unit("u1", 0, rows_u1)
        # a later unit brings a new column: added, earlier rows read it as empty
        store.commit_unit("u2", 1, [_row("u2", 0.0, 0.5, goodput=3.5, tags=["a", 1])])
    db = sqlite3.connect(tmp_path / "results.sqlite")
    types = {name: kind for _, name, kind, *_ in db.execute("PRAGMA table_info(results)")}
    assert types["snr_db"] == "REAL" and types["num_anchors"] == "INTEGER" and types["rx_model"] == "TEXT"
    assert types["goodput"] == "REAL" and types["_unit"] == "TEXT"
    assert sorted(db.execute("select accuracy from results where snr_db = 0")) == [(0.25,), (0.5,)]
    back = read_rows(tmp_path)
    assert back[:2] == [{**r, "goodput": None, "tags": None} for r in rows_u1]
    assert back[2]["goodput"] == 3.5 and json.loads(back[2]["tags"]) == ["a", 1]
    assert study_kind(tmp_path) == "network"


def test_store_of_an_older_semcom_is_refused_in_one_line(tmp_path):
    db = sqlite3.connect(tmp_path / "results.sqlite")
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('study_hash', 'old');"
        "CREATE TABLE rows (unit TEXT, idx INTEGER, data TEXT);"
    )
    db.close()
    with pytest.raises(StoreError, match="older semcom"):
        ResultsStore(tmp_path, "h")
    with pytest.raises(StoreError, match="older semcom"):
        read_rows(tmp_path)
    with ResultsStore(tmp_path, "h", force=True) as store:
        assert store.finished_units() == set()


def test_result_columns_may_not_use_the_stores_names(tmp_path):
    with ResultsStore(tmp_path, "h") as store, pytest.raises(ValueError, match="_unit"):
        store.commit_unit("u", 0, [{"_unit": "x"}])
    assert read_rows(tmp_path) == []


def test_a_column_empty_at_first_gets_its_type_from_its_first_value(tmp_path):
    with ResultsStore(tmp_path, "h") as store:
        store.commit_unit("u1", 0, [_row("u1", 0.0, 0.5)])  # ber empty
        store.commit_unit("u2", 1, [_row("u2", 0.0, 0.6, bler=None), {**_row("u2", 10.0, 0.7), "ber": 0.125}])
        store.commit_unit("u3", 2, [{**_row("u3", 0.0, 0.8), "ber": 0.25}])  # a typed column stays as it is
    db = sqlite3.connect(tmp_path / "results.sqlite")
    types = {name: kind for _, name, kind, *_ in db.execute("PRAGMA table_info(results)")}
    assert types["ber"] == "REAL" and types["bler"] == "" and types["accuracy"] == "REAL"
    assert [r["ber"] for r in read_rows(tmp_path)] == [None, None, 0.125, 0.25]
    assert [r["accuracy"] for r in read_rows(tmp_path)] == [0.5, 0.6, 0.7, 0.8]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
