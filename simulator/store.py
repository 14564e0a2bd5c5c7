"""Results store: one SQLite file per output directory, resumable and crash-safe.

Each finished work unit is committed in a single transaction (its rows and its
"done" mark together), so a run killed at any moment loses at most the units in
flight, and a rerun skips every unit already committed. A lock file keeps two runs
out of one directory; the study's hash keeps two different studies apart.

The store also remembers the current study's unit order (``unit_order``): a study
extended with more units (another K, another seed) reuses the units it already has,
and exports list exactly the current units, in study order.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import sqlite3
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterable

from semcom.core.errors import SemcomInputError

__all__ = ["ResultsStore", "StoreError", "StoreWarning", "differing_fields", "read_rows", "write_csv",
           "write_text_atomic"]

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
    :param study: what ``study_hash`` hashes (JSON-able); stored, so that a refusal can name
        the fields in which two studies differ.
    """

    def __init__(self, directory: str | os.PathLike, study_hash: str, force: bool = False,
                 study: dict | None = None):
        self.directory = Path(directory)
        self.db: sqlite3.Connection | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock_file = open(self.directory / ".lock", "w")
        except OSError as exc:
            raise StoreError(f"--out '{self.directory}' cannot be used as an output directory "
                             f"({exc.strerror or exc}); choose another --out") from None
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreError(f"output directory '{self.directory}' is in use by another semcom run; "
                             "wait for it to finish or choose another --out") from None
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            if self.db is not None:
                self.db.close()
            if not force:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._lock_file.close()
                raise StoreError(f"'{self.directory / DB_NAME}' is not a readable results store ({exc}); "
                                 "use another --out, or --force to replace it") from None
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
            self._write("DELETE FROM rows", "DELETE FROM units", "DELETE FROM meta")
        self.set_meta("study_hash", study_hash)
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
            CREATE TABLE IF NOT EXISTS rows (unit TEXT, idx INTEGER, data TEXT, PRIMARY KEY (unit, idx));
        """)
        self.db.execute("SELECT count(*) FROM rows").fetchone()

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
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM rows WHERE unit = ?", (unit,))
            self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)",
                                [(unit, i, json.dumps(r)) for i, r in enumerate(rows)])
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
            db = _connect_read_only(path)
            try:
                return read_rows(db)
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"'{path}' is not a readable results store ({exc}); "
                             "rerun the study into a new --out") from None
    order_row = db.execute("SELECT value FROM meta WHERE key = 'unit_order'").fetchone()
    cur = db.execute("SELECT rows.unit, rows.data FROM rows JOIN units ON rows.unit = units.unit "
                     "ORDER BY units.position, rows.idx")
    rows = [(unit, json.loads(data)) for unit, data in cur]
    if order_row is None:
        return [r for _, r in rows]
    rank = {key: i for i, key in enumerate(json.loads(order_row[0]))}
    current = [(rank[unit], i, r) for i, (unit, r) in enumerate(rows) if unit in rank]
    return [r for _, _, r in sorted(current, key=lambda t: t[:2])]


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no ``-wal``/``-shm`` files behind.

    A cleanly closed store has no write-ahead log: it is then read as an immutable file
    (SQLite creates nothing beside it). While a run writes (or after a killed one) the log
    exists and is read the usual way, so no committed unit is missed.
    """
    if not Path(f"{path}-wal").exists():
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(rows: list[dict[str, Any]], path: str | os.PathLike, columns: list[str]) -> None:
    """Write rows as CSV atomically (temp file + rename)."""
    path = Path(path)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if r.get(k) is None else r.get(k) for k in columns})
    os.replace(tmp, path)
