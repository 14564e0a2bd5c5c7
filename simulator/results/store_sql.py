"""The results store's SQLite layer: a value's column type and stored form, quoting,
table and column introspection, and read-only connections that leave no files behind."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

__all__ = [
    "quote",
    "has_table",
    "columns",
    "sql_type",
    "sql_value",
    "connect_read_only",
    "stored_value",
    "ensure_columns",
]


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no ``-wal``/``-shm`` files behind.

    A cleanly closed store has no write-ahead log: it is then read as an immutable file
    (SQLite creates nothing beside it). While a run writes (or after a killed one) the log
    exists and is read the usual way, so no committed unit is missed.
    """
    if not Path(f"{path}-wal").exists():
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def stored_value(path: Path, key: str) -> str | None:
    """The ``meta`` value ``key`` of the store at ``path``, read without writing; `None` when the
    file is missing or empty or has no such value (raises ``sqlite3.DatabaseError`` when the
    file is not a database)."""
    if not path.is_file():
        return None
    db = connect_read_only(path)
    try:
        if not has_table(db, "meta"):
            return None
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]
    finally:
        db.close()


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def columns(db: sqlite3.Connection) -> dict[str, str]:
    """Column name → declared type ("" when none yet) of the results table."""
    return {r[1]: r[2] for r in db.execute("PRAGMA table_info(results)")}


def sql_type(value: Any) -> str:
    """SQL column type of a Python value; no type (any value kept as given) when unknown."""
    if isinstance(value, (bool, int)):
        return "INTEGER"
    if isinstance(value, float):
        return "REAL"
    if isinstance(value, str):
        return "TEXT"
    return ""


def sql_value(value: Any) -> Any:
    """Scalars as they are; anything else (a list, a mapping) as JSON text."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value)


def ensure_columns(db: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[str]:
    """Add the columns the rows bring that the results table lacks (inside the caller's
    transaction); returns the rows' columns."""
    have = columns(db)
    wanted = list(dict.fromkeys(k for r in rows for k in r))
    retype = {}
    for name in wanted:
        if name.startswith("_"):
            raise ValueError(f"result column '{name}': names starting with '_' are the store's own")
        first = next((r[name] for r in rows if r.get(name) is not None), None)
        if name not in have:
            db.execute(f"ALTER TABLE results ADD COLUMN {quote(name)} {sql_type(first)}")
        elif have[name] == "" and sql_type(first):
            retype[name] = sql_type(first)  # only empty values so far: type it now
    if retype:
        _retype(db, retype)
    return wanted


def _retype(db: sqlite3.Connection, types: dict[str, str]) -> None:
    """Give untyped columns (so far only empty values) their type: SQLite cannot alter a
    column's type, so the table is rebuilt, in the caller's transaction (once per column)."""
    typed = [(name, types.get(name, kind)) for _, name, kind, *_ in db.execute("PRAGMA table_info(results)")]
    spec = ", ".join(
        f"{quote(n)} {k}".rstrip() + (" NOT NULL" if n in ("_unit", "_row") else "") for n, k in typed
    )
    db.execute(f'CREATE TABLE results_retyped ({spec}, PRIMARY KEY ("_unit", "_row"))')
    db.execute("INSERT INTO results_retyped SELECT * FROM results")
    db.execute("DROP TABLE results")
    db.execute("ALTER TABLE results_retyped RENAME TO results")
