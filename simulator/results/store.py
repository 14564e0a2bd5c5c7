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

import json
import os
import sqlite3
import warnings
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from semcom.core.diskfull import DiskFullError, is_disk_full
from . import store_sql as sql
from .folders import (FolderInUseError, check_output_dir, check_store_files, claim_output_dir, lock_output_dir,
                      study_outputs)
from .integrity import add_digest_columns, damaged_units, unit_digest
from .reading import DB_NAME, StoreError, StoreWarning, read_rows, study_kind, write_csv

__all__ = ["ResultsStore", "StoreError", "StoreWarning", "differing_fields", "read_rows", "study_kind", "write_csv"]

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

    The folder is locked before anything is written into it, and stays locked until
    :meth:`close`. A finished unit whose rows were deleted or altered since it was committed
    is recomputed (:mod:`.integrity`): its rows are wrong, the others are kept.
    """

    def __init__(self, directory: str | os.PathLike, study_hash: str, force: bool = False, kind: str = "link",
                 study: dict | None = None):
        self.directory = Path(directory)
        self.db: sqlite3.Connection | None = None
        self._lock_file = None
        check_output_dir(self.directory, force=force)     # refusals that need no write come first
        try:
            self._lock_file = lock_output_dir(self.directory)
        except FolderInUseError as exc:
            raise StoreError(str(exc)) from None
        try:
            claim_output_dir(self.directory, force=force, locked=True)    # new, empty or semcom's
            check_store_files(self.directory)
            self._open_checked(study_hash, force)
            self._accept(study_hash, force, study)
            self.set_meta("study_hash", study_hash)
            self.set_meta("kind", kind)
            if study is not None:
                self.set_meta("study", json.dumps(study, sort_keys=True))
        except BaseException as exc:
            full = is_disk_full(exc)
            needed = self.bytes_needed() if full else 0
            self.close()
            if full:
                raise DiskFullError(self.directory, needed, "to open its results store") from None
            raise

    def _open_checked(self, study_hash: str, force: bool) -> None:
        """Open the store; an empty or missing one in a folder that holds a study's outputs,
        or an unreadable one, only when that loses nothing (or on ``force``)."""
        path = self.directory / DB_NAME
        try:
            if sql.stored_value(path, "study_hash") is None:
                self._check_outputs_without_store(study_hash, force)
            self._open()
        except sqlite3.DatabaseError as exc:
            if self.db is not None:
                self.db.close()
                self.db = None
            if is_disk_full(exc):
                raise
            if getattr(exc, "sqlite_errorname", "SQLITE_NOTADB") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise StoreError(f"'{path}' cannot be opened ({exc}); check the folder's permissions and free "
                                 "space, then run the same command again") from None
            if not force:
                raise StoreError(f"'{path}' is not a readable results store ({exc}); use another --out, or "
                                 "--force to replace it (copy away the results files beside it first if you "
                                 "need them: the study is then computed again)") from None
            warnings.warn(f"--force: replacing semcom's unreadable results store '{path}' ({exc})",
                          StoreWarning, stacklevel=3)
            for suffix in ("", "-wal", "-shm"):
                (self.directory / (DB_NAME + suffix)).unlink(missing_ok=True)
            self._open()

    def _check_outputs_without_store(self, study_hash: str, force: bool) -> None:
        """A store that is missing, empty (0 bytes) or holds no study, in a folder that holds a
        study's outputs, was deleted, truncated or replaced: it is taken as new only for the
        study the folder's manifest names (computing it again replaces nothing of another
        study's), or on ``force``."""
        outputs = study_outputs(self.directory)
        if not outputs:
            return
        path = self.directory / DB_NAME
        what = ("missing" if not path.exists() else "empty (0 bytes)" if path.stat().st_size == 0
                else "without a study")
        shown = ", ".join(outputs[:4]) + (" ..." if len(outputs) > 4 else "")
        try:
            manifest = json.loads((self.directory / "manifest.json").read_text())
        except (OSError, ValueError):
            manifest = {}
        if isinstance(manifest, dict) and manifest.get("study_hash") == study_hash:
            warnings.warn(f"results store '{path}' is {what} but the folder holds this study's outputs ({shown}); "
                          "computing every unit again", StoreWarning, stacklevel=4)
        elif force:
            warnings.warn(f"--force: results store '{path}' is {what}; computing the study into '{self.directory}' "
                          f"replaces the outputs there ({shown})", StoreWarning, stacklevel=4)
        else:
            raise StoreError(f"results store '{path}' is {what} but the folder holds outputs of a study ({shown}): "
                             "it was deleted, truncated or replaced; restore it from a copy, or use another --out, "
                             "or --force to compute this study into the folder (replacing those outputs)")

    def _accept(self, study_hash: str, force: bool, study: dict | None) -> None:
        """Refuse (or on ``force`` discard) another study's results; recompute the damaged
        units of this one."""
        stored = self.meta("study_hash")
        finished = self.db.execute("SELECT count(*) FROM units").fetchone()[0]
        if stored is None and finished and not force:
            raise StoreError(f"results store '{self.directory / DB_NAME}' holds {finished} finished units but no "
                             "record of their study (its meta table was altered); use another --out, or --force "
                             "to discard them")
        if stored is not None and stored != study_hash or stored is None and finished:
            old = self.meta("study")
            fields = differing_fields(json.loads(old), study) if old and study is not None else []
            which = (f"differs in {', '.join(fields[:6])}{' ...' if len(fields) > 6 else ''}" if fields
                     else "or an edited scenario")
            if not force:
                raise StoreError(f"output directory '{self.directory}' holds results of a different study "
                                 f"({which}); use another --out, or --force to discard them")
            warnings.warn(f"--force: discarding {finished} finished units of a different study ({which}) "
                          f"in '{self.directory}'", StoreWarning, stacklevel=3)
            self.db.execute("BEGIN IMMEDIATE")    # the new study's hash in the same transaction: a run
            for statement in ("DROP TABLE results", "DELETE FROM units", "DELETE FROM meta"):   # killed here
                self.db.execute(statement)        # leaves an empty store of the new study
            self._create_results()
            self.set_meta("study_hash", study_hash)
            self.db.execute("COMMIT")
            return
        self.db.execute("BEGIN IMMEDIATE")
        add_digest_columns(self.db)       # a store written before digests: recorded as it stands
        self.db.execute("COMMIT")
        damaged = damaged_units(self.db)
        if damaged:
            shown = "; ".join(f"{u}: {what}" for u, what in list(damaged.items())[:3])
            warnings.warn(f"results store '{self.directory / DB_NAME}': {len(damaged)} finished unit(s) have rows "
                          f"missing or altered ({shown}{' ...' if len(damaged) > 3 else ''}); computing them again "
                          "(the other units are kept)", StoreWarning, stacklevel=3)
            self.db.execute("BEGIN IMMEDIATE")
            for unit in damaged:
                self.db.execute('DELETE FROM results WHERE "_unit" = ?', (unit,))
                self.db.execute("DELETE FROM units WHERE unit = ?", (unit,))
            self.db.execute("COMMIT")

    def _open(self) -> None:
        self.db = sqlite3.connect(self.directory / DB_NAME, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed unit survives power loss too, not only a killed process
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS units (unit TEXT PRIMARY KEY, position INTEGER, seconds REAL,
                                              row_count INTEGER, checksum TEXT);
        """)
        if sql.has_table(self.db, "rows"):   # the untyped JSON table of semcom before the typed store
            raise sqlite3.DatabaseError("written by an older semcom (untyped rows)")
        self._create_results()
        self.db.execute("SELECT count(*) FROM results").fetchone()

    def _create_results(self) -> None:
        self.db.execute('CREATE TABLE IF NOT EXISTS results ("_unit" TEXT NOT NULL, "_row" INTEGER NOT NULL, '
                        'PRIMARY KEY ("_unit", "_row"))')

    # -- meta ------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- units -----------------------------------------------------------------------
    def finished_units(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT unit FROM units")}

    def commit_unit(self, unit: str, position: int, rows: Iterable[dict[str, Any]], seconds: float = 0.0) -> None:
        """Store a unit's rows, their count and checksum, and mark it finished, atomically."""
        rows = list(rows)   # may raise (a generator): before the transaction, nothing half-written
        try:
            self.db.execute("BEGIN IMMEDIATE")
            columns = sql.ensure_columns(self.db, rows)
            self.db.execute('DELETE FROM results WHERE "_unit" = ?', (unit,))
            names = ", ".join(sql.quote(c) for c in ["_unit", "_row", *columns])
            marks = ", ".join("?" * (len(columns) + 2))
            self.db.executemany(f"INSERT INTO results ({names}) VALUES ({marks})",
                                [(unit, i, *(sql.sql_value(r.get(c)) for c in columns)) for i, r in enumerate(rows)])
            count, checksum = unit_digest(self.db, unit)     # of the rows as stored
            self.db.execute("INSERT OR REPLACE INTO units (unit, position, seconds, row_count, checksum) "
                            "VALUES (?, ?, ?, ?, ?)", (unit, position, seconds, count, checksum))
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:    # SQLite has already rolled back after some errors (a full disk)
                self.db.execute("ROLLBACK")
            if is_disk_full(exc):
                raise DiskFullError(self.directory, self.bytes_needed(len(json.dumps(rows, default=str))),
                                    "for the units left and the results files") from None
            raise

    def bytes_needed(self, pending: int = 0) -> int:
        """About how many bytes the rest of the run needs in the folder: the units left at
        the store's bytes per finished unit so far (``pending``, the bytes of a unit's rows
        about to be stored, when none is), plus room for the largest results file's
        atomic rewrite."""
        try:
            sizes = {p.name: p.stat().st_size for p in self.directory.iterdir() if p.is_file()}
            store = sizes.get(DB_NAME, 0) + sizes.get(f"{DB_NAME}-wal", 0)
            outputs = [size for name, size in sizes.items() if name in study_outputs(self.directory)]
            finished = self.finished_units() if self.db is not None else set()
            order = json.loads(self.meta("unit_order") or "[]") if self.db is not None else []
        except (OSError, sqlite3.Error, ValueError):
            return max(pending, 1)
        left = max(len(set(order) - finished), 1)
        per_unit = store / len(finished) if finished else max(2 * pending, 64 * 1024)
        return int(per_unit * left + max(outputs, default=0))

    def set_unit_order(self, keys: list[str]) -> None:
        """The current study's units, in study order (what exports list)."""
        self.set_meta("unit_order", json.dumps(list(keys)))

    def rows(self) -> list[dict[str, Any]]:
        return read_rows(self.db)

    @contextmanager
    def telling_disk_full(self):
        """Within it, a full disk (a file write's ``ENOSPC``, SQLite's ``SQLITE_FULL``) becomes
        one :class:`~semcom.core.diskfull.DiskFullError` naming this folder and the bytes needed."""
        try:
            yield self
        except (OSError, sqlite3.Error) as exc:
            if not is_disk_full(exc):
                raise
            raise DiskFullError(self.directory, self.bytes_needed(), "for the units left and the results files") \
                from None

    def close(self) -> None:
        try:
            if self.db is not None:
                self.db.close()
                self.db = None
        finally:
            if self._lock_file is not None:
                self._lock_file.close()      # releases the folder's lock
                self._lock_file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
