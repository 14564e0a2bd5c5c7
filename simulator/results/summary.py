"""What every kind's summary table shares (``semcom results`` and the report): the set-up
columns a table shows and their display order, and the aligned plain-text layout.

A kind's own summary (which columns, which numbers) lives with the kind:
:mod:`semcom.simulator.link.summary`, :mod:`semcom.simulator.network.summary`,
:mod:`semcom.simulator.system.summary`, :mod:`semcom.simulator.stitch.summary`.

>>> print(aligned_table(["tx", "acc"], [["mlp", "91.0%"], ["pca", "88.5%"]]))
tx   acc
---  -----
mlp  91.0%
pca  88.5%
"""

from __future__ import annotations

from .tables import aligned_text as aligned_table, render_table

__all__ = ["setup_groups", "format_summary", "with_note", "aligned_table"]


def _sort_key(value) -> tuple:
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def setup_groups(
    rows: list[dict], setup: list[tuple[str, str]], always: set[str]
) -> tuple[list[str], list[int], list[tuple[int, tuple]]]:
    """The set-up columns a summary shows (those in ``always`` and those that vary), each
    row's set-up id, and ``(id, set-up)`` in display order (numbers by value).

    Ids rather than tuple keys: pandas would read tuple keys as multi-level labels; the
    set-ups keep their Python values (None, int) exactly."""
    keys = [k for k, _ in setup if k in always or len({str(r.get(k)) for r in rows}) > 1]
    row_setups = [tuple(r.get(k) for k in keys) for r in rows]
    setup_id = {key: i for i, key in enumerate(dict.fromkeys(row_setups))}
    ordered = sorted(setup_id, key=lambda key: tuple(_sort_key(x) for x in key))
    return keys, [setup_id[key] for key in row_setups], [(setup_id[key], key) for key in ordered]


def format_summary(header: list[str], body: list[list[str]], rows: list[dict], fmt: str = "text") -> str:
    """A summary's header and body as a table in ``fmt`` (:func:`~.tables.render_table`),
    with a line on the rows below."""
    if not header:
        return "no results yet"
    units = len({r.get("unit") for r in rows})
    seeds = len({r.get("seed") for r in rows})
    note = f"; accuracy: mean over {seeds} seeds [min, max]" if seeds > 1 else ""
    return with_note(render_table(header, body, fmt), f"{len(rows)} rows from {units} units{note}", fmt)


def with_note(table: str, note: str, fmt: str = "text") -> str:
    """A rendered table with a line under it (a LaTeX comment under a LaTeX table)."""
    return table + {"text": "\n", "markdown": "\n\n", "latex": "\n% "}.get(fmt, "\n") + note
