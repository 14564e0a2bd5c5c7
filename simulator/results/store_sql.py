"""The results store's SQLite layer: a value's column type and stored form, quoting,
table and column introspection, and read-only connections that leave no files behind."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["quote", "has_table", "columns", "sql_type", "sql_value", "connect_read_only"]


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no ``-wal``/``-shm`` files behind.

    A cleanly closed store has no write-ahead log: it is then read as an immutable file
    (SQLite creates nothing beside it). While a run writes (or after a killed one) the log
    exists and is read the usual way, so no committed unit is missed.
    """
    if not Path(f"{path}-wal").exists():
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


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
