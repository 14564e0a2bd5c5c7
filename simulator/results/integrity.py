"""What lets a results store check itself: each finished unit's row count and checksum.

When a unit is committed, the store records, in the same transaction, how many rows it
stored and a SHA-256 checksum of those rows *as stored* (read back, so a value SQLite
converted on the way in is hashed as it is kept). Opening a store recomputes both for
every finished unit: a unit whose rows were deleted, altered or lost with a dropped
``results`` table no longer matches, and the run recomputes it (:func:`damaged_units`).
A reader (``semcom results``, ``semcom.load``) gets the same check without writing
(:func:`store_health`), plus the units of the study that are not finished yet.

The checksum covers every column of every row in row order (the table's column order
never changes: a new column is appended), with each value's type (``1`` and ``1.0`` and
``"1"`` differ) and exact representation (a float's 8 bytes); a row's
trailing empty columns do not count, so a column added to the table by a later unit
leaves earlier units' checksums as they were.

Example::

    import sqlite3
    from semcom.simulator.results.integrity import unit_digest
    db = sqlite3.connect(":memory:")
    db.execute('CREATE TABLE results ("_unit" TEXT, "_row" INTEGER, accuracy REAL)')
    db.execute("INSERT INTO results VALUES ('u1', 0, 0.5)")
    print(unit_digest(db, "u1")[0])        # 1 (row); [1] is the checksum
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from . import store_sql as sql

__all__ = ["unit_digest", "all_digests", "damaged_units", "add_digest_columns", "store_health", "StoreHealth"]

# The units table's columns that hold a unit's digest (added to stores written before them).
DIGEST_COLUMNS = (("row_count", "INTEGER"), ("checksum", "TEXT"))


def _trimmed(values: tuple) -> tuple:
    """A stored row without its unit key and without its trailing empty columns (those a
    later unit added to the table read as empty for this one)."""
    end = len(values)
    while end > 1 and values[end - 1] is None:
        end -= 1
    return values[1:end]


def _digest(rows: list[tuple]) -> tuple[int, str]:
    # marshal's format 2 writes each value with its type (1, 1.0 and '1' differ), a float's
    # 8 bytes exactly, and no references between objects (format 3 adds them, and they depend
    # on object identity): one canonical byte string, 10x faster than repr for floats
    return len(rows), hashlib.sha256(marshal.dumps([_trimmed(r) for r in rows], 2)).hexdigest()


def unit_digest(db: sqlite3.Connection, unit: str) -> tuple[int, str]:
    """(rows, checksum) of ``unit``'s rows as stored now."""
    return _digest(db.execute('SELECT * FROM results WHERE "_unit" = ? ORDER BY "_row"', (unit,)).fetchall())


def all_digests(db: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """(rows, checksum) of every unit that has rows in the results table, in one pass."""
    if not sql.has_table(db, "results"):
        return {}
    cur = db.execute('SELECT * FROM results ORDER BY "_unit", "_row"')
    return {unit: _digest(list(rows)) for unit, rows in groupby(cur, key=itemgetter(0))}


def _recorded(db: sqlite3.Connection) -> list[tuple[str, int | None, str | None]]:
    have = {r[1] for r in db.execute("PRAGMA table_info(units)")}
    if not {"row_count", "checksum"} <= have:
        return [(r[0], None, None) for r in db.execute("SELECT unit FROM units")]
    return list(db.execute("SELECT unit, row_count, checksum FROM units"))


def damaged_units(db: sqlite3.Connection) -> dict[str, str]:
    """Finished units whose stored rows no longer match what was recorded when they were
    committed: unit → what is wrong ("3 of 9 rows missing", "rows altered"). Units of a
    store written before checksums existed (none recorded) are not judged."""
    stored = all_digests(db)
    out = {}
    for unit, count, checksum in _recorded(db):
        if checksum is None:
            continue
        have, digest = stored.get(unit, (0, None))
        if have != count:
            out[unit] = (
                f"{count - have} of {count} rows missing" if have < count else f"{have - count} rows added"
            )
        elif digest != checksum:
            out[unit] = "rows altered"
    return out


def add_digest_columns(db: sqlite3.Connection) -> None:
    """Give a store written before checksums existed its digest columns, and record the
    digest of each of its units as the rows now stand (inside the caller's transaction)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(units)")}
    for name, kind in DIGEST_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE units ADD COLUMN {name} {kind}")
    unrecorded = [r[0] for r in db.execute("SELECT unit FROM units WHERE checksum IS NULL")]
    for unit in unrecorded:
        db.execute(
            "UPDATE units SET row_count = ?, checksum = ? WHERE unit = ?", (*unit_digest(db, unit), unit)
        )


@dataclass
class StoreHealth:
    """What a store holds against what its study needs.

    :ivar finished: units finished; :ivar expected: units of the current study (its unit
        order; `None` when not recorded); :ivar unfinished: units of the study not finished
        yet; :ivar damaged: finished units whose rows are missing or altered (unit → what).
    """

    finished: int
    expected: int | None
    unfinished: list[str] = field(default_factory=list)
    damaged: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unfinished and not self.damaged

    def describe(self, where: str) -> list[str]:
        """One line per problem, each naming what to do (none when complete)."""
        lines = []
        if self.unfinished:
            lines.append(
                f"'{where}' is incomplete: {self.expected - len(self.unfinished)} of {self.expected} "
                "units of the study are finished (a run stopped or is still running); run the same "
                "command again to finish it"
            )
        if self.damaged:
            shown = "; ".join(f"{u}: {what}" for u, what in list(self.damaged.items())[:3])
            more = f" and {len(self.damaged) - 3} more" if len(self.damaged) > 3 else ""
            lines.append(
                f"'{where}' is incomplete: {len(self.damaged)} finished unit(s) have rows missing or "
                f"altered in the store ({shown}{more}); their rows are left out; run the same command "
                "again to recompute them"
            )
        return lines


def store_health(db: sqlite3.Connection) -> StoreHealth:
    """The health of the store ``db`` (read-only)."""
    finished = {r[0] for r in db.execute("SELECT unit FROM units")}
    order = db.execute("SELECT value FROM meta WHERE key = 'unit_order'").fetchone()
    expected = None if order is None else json.loads(order[0])
    unfinished = [] if expected is None else [u for u in expected if u not in finished]
    return StoreHealth(
        len(finished), None if expected is None else len(expected), unfinished, damaged_units(db)
    )
