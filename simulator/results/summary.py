"""Summary tables of link studies and stitching tables: for the terminal (``semcom results``) and the report.

One line per set-up (link, semantic equaliser, anchor strategy, K, bits), with the
accuracy at the lowest and the highest SNR, averaged over seeds (with the range over
seeds when there are several), and the channel uses per sample. Columns that do not
vary in the study are left out.

Example::

    from semcom.simulator.results.store import read_rows
    from semcom.simulator.results.summary import format_summary, link_summary_rows
    rows = read_rows("runs/quickstart")
    print(format_summary(*link_summary_rows(rows), rows))
"""

from __future__ import annotations

import numpy as np

__all__ = ["link_summary_rows", "setup_groups", "format_summary", "aligned_table", "stitch_summary_rows", "stitch_summary_table"]

#: (column of results.csv, header) of the set-up columns, in display order
_SETUP = [("tx_model", "tx"), ("rx_model", "rx"), ("channel", "channel"), ("scheme", "scheme"),
          ("bits", "bits"), ("semantic_equalizer", "equalizer"), ("anchor_selection", "anchors"),
          ("num_anchors", "K")]
_ALWAYS = {"tx_model", "rx_model", "semantic_equalizer", "num_anchors"}


def _sort_key(value) -> tuple:
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def setup_groups(rows: list[dict], setup: list[tuple[str, str]],
                 always: set[str]) -> tuple[list[str], list[int], list[tuple[int, tuple]]]:
    """The set-up columns a summary shows (those in ``always`` and those that vary), each
    row's set-up id, and ``(id, set-up)`` in display order (numbers by value).

    Ids rather than tuple keys: pandas would read tuple keys as multi-level labels; the
    set-ups keep their Python values (None, int) exactly."""
    keys = [k for k, _ in setup if k in always or len({str(r.get(k)) for r in rows}) > 1]
    row_setups = [tuple(r.get(k) for k in keys) for r in rows]
    setup_id = {key: i for i, key in enumerate(dict.fromkeys(row_setups))}
    ordered = sorted(setup_id, key=lambda key: tuple(_sort_key(x) for x in key))
    return keys, [setup_id[key] for key in row_setups], [(setup_id[key], key) for key in ordered]


def _fmt_acc(acc, setup: int, snr: float) -> str:
    """Mean accuracy over seeds of one set-up at one SNR, with [min, max] when several."""
    if (setup, snr) not in acc.index:
        return "-"
    a = acc.loc[(setup, snr)]
    text = f"{100 * a['mean']:.1f}%"
    if a["count"] > 1:
        text += f" [{100 * a['min']:.1f}, {100 * a['max']:.1f}]"
    return text


def link_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body of a link study's summary (strings)."""
    if not rows:
        return [], []
    import pandas as pd

    keys, ids, ordered = setup_groups(rows, _SETUP, _ALWAYS)
    frame = pd.DataFrame({"setup": ids,
                          "snr_db": [float(r["snr_db"]) for r in rows],
                          "accuracy": [float(r["accuracy"]) for r in rows],
                          "channel_uses": [float(r["channel_uses"]) for r in rows]})
    acc = frame.groupby(["setup", "snr_db"]).accuracy.agg(["mean", "min", "max", "count"])
    uses = frame.groupby("setup").channel_uses.last()
    snrs = sorted(frame.snr_db.unique())
    lo, hi = float(snrs[0]), float(snrs[-1])
    header = [h for k, h in _SETUP if k in keys] + ["uses/sample"]
    header += [f"acc @ {lo:g} dB"] + ([f"acc @ {hi:g} dB"] if hi != lo else [])
    body = []
    for i, key in ordered:
        line = ["" if v is None else str(v) for v in key] + [f"{uses[i]:g}", _fmt_acc(acc, i, lo)]
        if hi != lo:
            line.append(_fmt_acc(acc, i, hi))
        body.append(line)
    return header, body


def aligned_table(header: list[str], body: list[list[str]]) -> str:
    """Columns left-aligned two spaces apart, a dashed line under the header."""
    table = [header] + body
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_summary(header: list[str], body: list[list[str]], rows: list[dict]) -> str:
    """A summary's header and body as an aligned plain-text table, with a line on the rows below."""
    if not header:
        return "no results yet"
    units = len({r.get("unit") for r in rows})
    seeds = len({r.get("seed") for r in rows})
    note = f"; accuracy: mean over {seeds} seeds [min, max]" if seeds > 1 else ""
    return aligned_table(header, body) + f"\n{len(rows)} rows from {units} units{note}"


def stitch_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body: per condition and equaliser, the mean accuracy on the diagonal
    (an agent with itself) and off it (two different agents), averaged over seeds."""
    header = ["condition", "equalizer", "same agent", "different agents", "pairs"]
    body = []
    for condition in dict.fromkeys(r["condition"] for r in rows):
        for eq in dict.fromkeys(r["semantic_equalizer"] for r in rows if r["condition"] == condition):
            crs = [r for r in rows if r["condition"] == condition and r["semantic_equalizer"] == eq]
            same = [float(r["accuracy"]) for r in crs if r["tx_model"] == r["rx_model"]]
            other = [float(r["accuracy"]) for r in crs if r["tx_model"] != r["rx_model"]]
            body.append([condition, eq] + [f"{100 * np.mean(v):.1f}%" if v else "-" for v in (same, other)]
                        + [str(len({(r["tx_model"], r["rx_model"]) for r in crs}))])
    return header, body


def stitch_summary_table(rows: list[dict]) -> str:
    """:func:`stitch_summary_rows` as an aligned plain-text table."""
    seeds = len({r.get("seed") for r in rows})
    return (aligned_table(*stitch_summary_rows(rows))
            + f"\nstitching table: {len(rows)} rows, mean accuracy over {seeds} seed(s)")
