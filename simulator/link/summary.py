"""A link study's result table: a line per set-up, a column per SNR point, each accuracy
with its interval over replicates (``semcom results DIR``, :meth:`semcom.api.Result.table`).

The set-up columns shown are those that vary (transmitter, receiver and equaliser and
K always); ``uses/sample`` is the rate (complex channel uses per sample, every overhead
counted). A cell reads ``78.1 [75.4, 80.8]``: the mean accuracy over the point's
replicates [%] and its 95% t-interval over replicates; with one replicate the bracket
is the Wilson interval of the test decisions, marked ``*`` (it covers the test samples'
noise only). Options choose the SNR points (the lowest and the highest, or every one),
the interval and a column with the receiver's native accuracy.

A run's table is ``point_table(point_rows(read_rows("runs/quickstart")), snr="all")``:

>>> from semcom.simulator.link.points import point_rows
>>> rows = [dict(tx_model="a", rx_model="b", snr_db=20.0, semantic_equalizer="relative", num_anchors=8,
...              seed=s, accuracy=a, n_samples=539, channel_uses=4.0) for s, a in ((1, 0.80), (2, 0.70), (3, 0.75))]
>>> point_table(point_rows(rows))
(['tx', 'rx', 'equalizer', 'K', 'uses/sample', 'acc @ 20 dB'], [['a', 'b', 'relative', '8', '4', '75.0 [62.6, 87.4]']])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import numpy as np

from semcom.core.errors import SemcomInputError
from ..results.summary import setup_groups

__all__ = ["point_table", "table_note"]

#: (column of results.csv, header) of the set-up columns, in display order
_SETUP = [
    ("tx_model", "tx"),
    ("rx_model", "rx"),
    ("channel", "channel"),
    ("scheme", "scheme"),
    ("bits", "bits"),
    ("semantic_equalizer", "equalizer"),
    ("anchor_selection", "anchors"),
    ("num_anchors", "K"),
]
_ALWAYS = {"tx_model", "rx_model", "semantic_equalizer", "num_anchors"}


def _isnum(v) -> bool:
    return v is not None and v != "" and not (isinstance(v, float) and np.isnan(v))


def _snr_columns(points: list[dict], snr: Union[str, Sequence[float]]) -> list[float]:
    """The SNR columns ``snr`` asks for: "ends", "all", values, or values as text ("0,10,20")."""
    grid = sorted({float(p["snr_db"]) for p in points})
    if snr == "all":
        return grid
    if snr == "ends":
        return list(dict.fromkeys([grid[0], grid[-1]]))
    try:
        wanted = [
            float(s)
            for s in (
                snr.split(",") if isinstance(snr, str) else [snr] if isinstance(snr, (int, float)) else snr
            )
        ]
    except ValueError:
        raise SemcomInputError(f"snr: '{snr}' is not 'ends', 'all' or SNR values such as 0,10,20") from None
    missing = [s for s in wanted if s not in grid]
    if missing:
        raise SemcomInputError(
            f"snr: {', '.join(f'{s:g}' for s in missing)} dB is not a point of the study; "
            f"choose from {', '.join(f'{s:g}' for s in grid)}, 'all' or 'ends'"
        )
    return wanted


def _cell(points: list[dict], interval: bool) -> str:
    """Mean accuracy [%] of a cell's points (one, unless a column not shown varies), with
    the interval over replicates, or the Wilson interval marked ``*`` where there is none."""
    if not points:
        return "-"
    text = f"{100 * np.mean([float(p['accuracy']) for p in points]):.1f}"
    if not interval:
        return text
    over_replicates = all(_isnum(p.get("accuracy_low")) for p in points)
    low, high = (
        ("accuracy_low", "accuracy_high")
        if over_replicates
        else ("accuracy_wilson_low", "accuracy_wilson_high")
    )
    if not all(_isnum(p.get(low)) for p in points):
        return text
    lo, hi = (100 * np.mean([float(p[k]) for p in points]) for k in (low, high))
    return f"{text} [{lo:.1f}, {hi:.1f}]" + ("" if over_replicates else "*")


def point_table(
    points: list[dict], snr: Union[str, Sequence[float]] = "ends", interval: bool = True, native: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Header and body (strings) of the table of ``points`` (``results.csv``'s rows).

    :param snr: ``"ends"`` (the lowest and the highest SNR point), ``"all"``, or SNR values [dB].
    :param interval: show each accuracy's 95% interval.
    :param native: add the receiver's native accuracy (its own encoder and head, no channel).
    """
    if not points:
        return [], []
    columns = _snr_columns(points, snr)
    keys, ids, ordered = setup_groups(points, _SETUP, _ALWAYS)
    by_cell: dict[tuple, list[dict]] = {}
    for i, p in zip(ids, points):
        by_cell.setdefault((i, float(p["snr_db"])), []).append(p)
    header = [h for k, h in _SETUP if k in keys] + ["uses/sample"] + (["native"] if native else [])
    header += [f"acc @ {s:g} dB" for s in columns]
    body = []
    for i, key in ordered:
        mine = [p for j, p in zip(ids, points) if j == i]
        line = ["" if v is None else str(v) for v in key] + [f"{float(mine[-1]['channel_uses']):g}"]
        if native:
            line.append(f"{100 * np.mean([float(p['native_accuracy']) for p in mine]):.1f}")
        line += [_cell(by_cell.get((i, s), []), interval) for s in columns]
        body.append(line)
    return header, body


def table_note(points: list[dict], interval: bool = True) -> str:
    """The line under the table: points, replicates, what the numbers and brackets are."""
    reps = sorted({int(p["replicates"]) for p in points}) if points else [0]
    count = f"{reps[0]}" if len(reps) == 1 else f"{reps[0]}-{reps[-1]}"
    text = f"{len(points)} points, {count} replicate{'s' * (reps[-1] > 1)} each; accuracy [%]: mean over replicates"
    if interval:
        text += " [95% t-interval over replicates]" if reps[0] > 1 else ""
        if reps[0] == 1:
            text += (
                " [*: 95% Wilson interval of the test decisions, where a point has 1 replicate: it does not "
                "cover the anchor, head and channel draws; run more seeds or set stop.min_replicates]"
            )
    return text
