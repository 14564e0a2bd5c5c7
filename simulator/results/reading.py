"""Reading a run's results back, read-only and without the lock (``semcom results``,
``semcom.load``, plots, reports), and writing them as CSV.

Example::

    from semcom.simulator.results.reading import read_rows
    rows = read_rows("runs/quickstart")     # warns when the study is unfinished or damaged
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from semcom.core.errors import SemcomInputError
from semcom.core.io import write_text_atomic
from . import store_sql as sql
from .integrity import store_health

__all__ = ["DB_NAME", "StoreError", "StoreWarning", "read_rows", "study_kind", "write_csv"]

DB_NAME = "results.sqlite"


class StoreError(SemcomInputError):
    """The output directory holds another study, or another run is writing to it."""


class StoreWarning(UserWarning):
    """Results are discarded on request (``--force``)."""


def read_rows(db_or_dir, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """All rows in study order (unit position, then row index). Read-only; needs no lock.

    Read from a folder, the store is checked first (:func:`~.integrity.store_health`): a
    :class:`StoreWarning` says when the study is not finished, and the rows of finished units
    that were deleted or altered since they were committed are left out, with a warning.
    ``skip``: units whose rows are left out."""
    if isinstance(db_or_dir, sqlite3.Connection):
        db = db_or_dir
    else:
        path = Path(db_or_dir) / DB_NAME
        if not path.is_file():
            raise StoreError(
                f"'{db_or_dir}' holds no semcom results ({DB_NAME} missing); "
                "give the --out directory of a run"
            )
        if path.stat().st_size == 0 and not Path(f"{path}-wal").is_file():
            raise StoreError(
                f"'{path}' is empty (0 bytes): the store was truncated or replaced; restore it, or "
                "run the study again (`semcom run` says what it recomputes)"
            )
        try:
            db = sql.connect_read_only(path)
            try:
                health = store_health(db)
                rows = read_rows(db, skip=health.damaged)
            finally:
                db.close()
            for line in health.describe(str(db_or_dir)):
                warnings.warn(line, StoreWarning, stacklevel=2)
            return rows
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"'{path}' is not a readable results store ({exc}); rerun the study into a new --out"
            ) from None
    order_row = db.execute("SELECT value FROM meta WHERE key = 'unit_order'").fetchone()
    if sql.has_table(db, "rows"):
        raise StoreError(
            "the results store was written by an older semcom (untyped rows); "
            "rerun the study into a new --out"
        )
    if not sql.has_table(db, "results"):  # dropped: every finished unit is damaged (store_health)
        return []
    cur = db.execute(
        'SELECT results.* FROM results JOIN units ON results."_unit" = units.unit '
        'ORDER BY units.position, results."_row"'
    )
    names = [d[0] for d in cur.description]
    rows, skip = [], set(skip)
    for values in cur:
        record = dict(zip(names, values))
        unit = record.pop("_unit")
        record.pop("_row")
        if unit not in skip:
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
        raise StoreError(
            f"'{directory}' holds no semcom results ({DB_NAME} missing); give the --out directory of a run"
        )
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
