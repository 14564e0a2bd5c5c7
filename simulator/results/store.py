"""Results store: one SQLite file per output directory, resumable and crash-safe.

Each finished work unit is committed in a single transaction (its rows and its
"done" mark together), so a run killed at any moment loses at most the units in
flight, and a rerun skips every unit already committed. A lock file keeps two runs
out of one directory; the study's hash keeps two different studies apart.

Results live in one typed SQLite table, ``results``, whose columns are the result
columns (``snr_db REAL``, ``accuracy REAL``, ``rx_model TEXT``...), so the store is
queried directly::

    sqlite3 runs/quickstart/results.sqlite "select accuracy from results where snr_db = 0"

Two bookkeeping columns lead the table: ``_unit`` (the work unit's key) and ``_row``
(the row's index within its unit). A column's SQL type is that of its first non-empty
value: a column first seen in a later unit is added then (``ALTER TABLE``), and a
column with only empty values so far gets its type when its first value arrives. The study
kind (``link`` or ``network``) is recorded in ``meta``.

The store also remembers the current study's unit order (``unit_order``): a study
extended with more units (another K, another seed) reuses the units it already has,
and exports list exactly the current units, in study order.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import sqlite3
import warnings
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from semcom.core.errors import SemcomInputError
from semcom.core.io import write_text_atomic
from semcom.core.outputs import OutputOwnershipError
from . import store_sql as sql
from .folders import check_store_files, claim_output_dir, open_lock

__all__ = ["ResultsStore", "StoreError", "StoreWarning", "differing_fields", "read_rows", "study_kind", "write_csv"]

DB_NAME = "results.sqlite"


class StoreError(SemcomInputError):
    """The output directory holds another study, or another run is writing to it."""


class StoreWarning(UserWarning):
    """Results are discarded on request (``--force``)."""


def differing_fields(old: Any, new: Any, at: str = "") -> list[str]:
    """Dotted paths at which two JSON-like values differ (``sweep.snr_db``, ``models.rx.width``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            out += differing_fields(old.get(key), new.get(key), f"{at}.{key}" if at else str(key))
        return out
    return [] if old == new else [at or "scenario"]


class ResultsStore:
    """:param directory: output directory (created).
    :param study_hash: identifies the study; a directory holding another study is refused.
    :param force: discard the results of another study instead of refusing (with a warning
        that says what is discarded).
    :param kind: the study kind recorded in the store (``"link"``, ``"network"``).
    :param study: what ``study_hash`` hashes (JSON-able); stored, so that a refusal can name
        the fields in which two studies differ.
    """

    def __init__(self, directory: str | os.PathLike, study_hash: str, force: bool = False, kind: str = "link",
                 study: dict | None = None):
        self.directory = Path(directory)
        self.db: sqlite3.Connection | None = None
        claim_output_dir(self.directory, force=force)    # new, empty or semcom's: refused otherwise
        self._lock_file = open_lock(self.directory)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreError(f"output directory '{self.directory}' is in use by another semcom run; "
                             "wait for it to finish or choose another --out") from None
        try:
            check_store_files(self.directory)
            self._open()
        except OutputOwnershipError:
            self._lock_file.close()
            raise
        except sqlite3.DatabaseError as exc:
            if self.db is not None:
                self.db.close()
            if not force:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._lock_file.close()
                raise StoreError(f"'{self.directory / DB_NAME}' is not a readable results store ({exc}); "
                                 "use another --out, or --force to replace it") from None
            warnings.warn(f"--force: replacing semcom's unreadable results store '{self.directory / DB_NAME}' "
                          f"({exc})", StoreWarning, stacklevel=2)
            for suffix in ("", "-wal", "-shm"):
                (self.directory / (DB_NAME + suffix)).unlink(missing_ok=True)
            self._open()
        stored = self.meta("study_hash")
        if stored is not None and stored != study_hash:
            old = self.meta("study")
            fields = differing_fields(json.loads(old), study) if old and study is not None else []
            which = (f"differs in {', '.join(fields[:6])}{' ...' if len(fields) > 6 else ''}" if fields
                     else "or an edited scenario")
            if not force:
                self.close()
                raise StoreError(f"output directory '{self.directory}' holds results of a different study "
                                 f"({which}); use another --out, or --force to discard them")
            finished = self.db.execute("SELECT count(*) FROM units").fetchone()[0]
            warnings.warn(f"--force: discarding {finished} finished units of a different study ({which}) "
                          f"in '{self.directory}'", StoreWarning, stacklevel=2)
            self._write("DROP TABLE results", "DELETE FROM units", "DELETE FROM meta")
            self._create_results()
        self.set_meta("study_hash", study_hash)
        self.set_meta("kind", kind)
        if study is not None:
            self.set_meta("study", json.dumps(study, sort_keys=True))

    def _open(self) -> None:
        self.db = sqlite3.connect(self.directory / DB_NAME, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed unit survives power loss too, not only a killed process
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS units (unit TEXT PRIMARY KEY, position INTEGER, seconds REAL);
        """)
        if sql.has_table(self.db, "rows"):   # the untyped JSON table of semcom before the typed store
            raise sqlite3.DatabaseError("written by an older semcom (untyped rows)")
        self._create_results()
        self.db.execute("SELECT count(*) FROM results").fetchone()

    def _create_results(self) -> None:
        self.db.execute('CREATE TABLE IF NOT EXISTS results ("_unit" TEXT NOT NULL, "_row" INTEGER NOT NULL, '
                        'PRIMARY KEY ("_unit", "_row"))')

    def _ensure_columns(self, rows: list[dict[str, Any]]) -> list[str]:
        """Add the columns the rows bring that the table lacks; returns the rows' columns."""
        have = sql.columns(self.db)
        wanted = list(dict.fromkeys(k for r in rows for k in r))
        retype = {}
        for name in wanted:
            if name.startswith("_"):
                raise ValueError(f"result column '{name}': names starting with '_' are the store's own")
            first = next((r[name] for r in rows if r.get(name) is not None), None)
            if name not in have:
                self.db.execute(f"ALTER TABLE results ADD COLUMN {sql.quote(name)} {sql.sql_type(first)}")
            elif have[name] == "" and sql.sql_type(first):
                retype[name] = sql.sql_type(first)     # only empty values so far: type it now
        if retype:
            self._retype(retype)
        return wanted

    def _retype(self, types: dict[str, str]) -> None:
        """Give untyped columns (so far only empty values) their type: SQLite cannot alter a
        column's type, so the table is rebuilt, in the caller's transaction (once per column)."""
        columns = [(name, types.get(name, kind)) for _, name, kind, *_ in self.db.execute("PRAGMA table_info(results)")]
        spec = ", ".join(f"{sql.quote(n)} {k}".rstrip() + (" NOT NULL" if n in ("_unit", "_row") else "")
                         for n, k in columns)
        self.db.execute(f'CREATE TABLE results_retyped ({spec}, PRIMARY KEY ("_unit", "_row"))')
        self.db.execute("INSERT INTO results_retyped SELECT * FROM results")
        self.db.execute("DROP TABLE results")
        self.db.execute("ALTER TABLE results_retyped RENAME TO results")

    # -- meta ------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _write(self, *statements: str) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        for s in statements:
            self.db.execute(s)
        self.db.execute("COMMIT")

    # -- units -----------------------------------------------------------------------
    def finished_units(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT unit FROM units")}

    def commit_unit(self, unit: str, position: int, rows: Iterable[dict[str, Any]], seconds: float = 0.0) -> None:
        """Store a unit's rows and mark it finished, atomically."""
        rows = list(rows)   # may raise (a generator): before the transaction, nothing half-written
        self.db.execute("BEGIN IMMEDIATE")
        try:
            columns = self._ensure_columns(rows)
            self.db.execute('DELETE FROM results WHERE "_unit" = ?', (unit,))
            names = ", ".join(sql.quote(c) for c in ["_unit", "_row", *columns])
            marks = ", ".join("?" * (len(columns) + 2))
            self.db.executemany(f"INSERT INTO results ({names}) VALUES ({marks})",
                                [(unit, i, *(sql.sql_value(r.get(c)) for c in columns)) for i, r in enumerate(rows)])
            self.db.execute("INSERT OR REPLACE INTO units VALUES (?, ?, ?)", (unit, position, seconds))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def set_unit_order(self, keys: list[str]) -> None:
        """The current study's units, in study order (what exports list)."""
        self.set_meta("unit_order", json.dumps(list(keys)))

    def rows(self) -> list[dict[str, Any]]:
        return read_rows(self.db)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_rows(db_or_dir) -> list[dict[str, Any]]:
    """All rows in study order (unit position, then row index). Read-only; needs no lock."""
    if isinstance(db_or_dir, sqlite3.Connection):
        db = db_or_dir
    else:
        path = Path(db_or_dir) / DB_NAME
        if not path.is_file():
            raise StoreError(f"'{db_or_dir}' holds no semcom results ({DB_NAME} missing); "
                             "give the --out directory of a run")
        try:
            db = sql.connect_read_only(path)
            try:
                return read_rows(db)
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"'{path}' is not a readable results store ({exc}); "
                             "rerun the study into a new --out") from None
    order_row = db.execute("SELECT value FROM meta WHERE key = 'unit_order'").fetchone()
    if sql.has_table(db, "rows"):
        raise StoreError("the results store was written by an older semcom (untyped rows); "
                         "rerun the study into a new --out")
    cur = db.execute('SELECT results.* FROM results JOIN units ON results."_unit" = units.unit '
                     'ORDER BY units.position, results."_row"')
    names = [d[0] for d in cur.description]
    rows = []
    for values in cur:
        record = dict(zip(names, values))
        unit = record.pop("_unit")
        record.pop("_row")
        rows.append((unit, record))
    if order_row is None:
        return [r for _, r in rows]
    rank = {key: i for i, key in enumerate(json.loads(order_row[0]))}
    current = [(rank[unit], i, r) for i, (unit, r) in enumerate(rows) if unit in rank]
    return [r for _, _, r in sorted(current, key=lambda t: t[:2])]


def study_kind(directory: str | os.PathLike) -> str:
    """The study kind recorded in a results folder's store (``"link"`` when not recorded)."""
    path = Path(directory) / DB_NAME
    if not path.is_file():
        raise StoreError(f"'{directory}' holds no semcom results ({DB_NAME} missing); "
                         "give the --out directory of a run")
    db = sql.connect_read_only(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'kind'").fetchone()
    finally:
        db.close()
    return "link" if row is None else row[0]


def write_csv(rows: list[dict[str, Any]], path: str | os.PathLike, columns: list[str]) -> None:
    """Write rows as CSV atomically (temp file + rename)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: "" if r.get(k) is None else r.get(k) for k in columns})
    write_text_atomic(path, buf.getvalue(), newline="")
