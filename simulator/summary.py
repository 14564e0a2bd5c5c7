"""Summary tables of a study's results: for the terminal (``semcom results``) and the report.

One line per set-up (link, semantic equaliser, anchor strategy, K, bits), with the
accuracy at the lowest and the highest SNR, averaged over seeds (with the range over
seeds when there are several), and the channel uses per sample. Columns that do not
vary in the study are left out.

Example::

    from semcom.simulator.store import read_rows
    from semcom.simulator.summary import summary_table
    print(summary_table(read_rows("runs/quickstart")))
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["summary_table", "summary_rows"]

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


def _fmt_acc(values: list[float]) -> str:
    if not values:
        return "-"
    mean = sum(values) / len(values)
    text = f"{100 * mean:.1f}%"
    if len(values) > 1:
        text += f" [{100 * min(values):.1f}, {100 * max(values):.1f}]"
    return text


def summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body of the summary (strings), for any renderer."""
    if not rows:
        return [], []
    if "goodput" in rows[0]:          # a network study (simulator.network)
        from .network.summary import network_summary_rows
        return network_summary_rows(rows)
    keys = [k for k, _ in _SETUP if k in _ALWAYS or len({str(r.get(k)) for r in rows}) > 1]
    groups: dict[tuple, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    uses: dict[tuple, float] = {}
    for r in rows:
        key = tuple(r.get(k) for k in keys)
        groups[key][float(r["snr_db"])].append(float(r["accuracy"]))
        uses[key] = float(r["channel_uses"])
    snrs = sorted({float(r["snr_db"]) for r in rows})
    lo, hi = snrs[0], snrs[-1]
    header = [h for k, h in _SETUP if k in keys] + ["uses/sample"]
    header += [f"acc @ {lo:g} dB"] + ([f"acc @ {hi:g} dB"] if hi != lo else [])
    body = []
    for key in sorted(groups, key=lambda k: tuple(_sort_key(x) for x in k)):
        g = groups[key]
        line = ["" if v is None else str(v) for v in key] + [f"{uses[key]:g}", _fmt_acc(g.get(lo, []))]
        if hi != lo:
            line.append(_fmt_acc(g.get(hi, [])))
        body.append(line)
    return header, body


def summary_table(rows: list[dict]) -> str:
    """The summary as an aligned plain-text table."""
    header, body = summary_rows(rows)
    if not header:
        return "no results yet"
    table = [header] + body
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    units = len({r.get("unit") for r in rows})
    seeds = len({r.get("seed") for r in rows})
    note = f"; accuracy: mean over {seeds} seeds [min, max]" if seeds > 1 else ""
    return "\n".join(lines) + f"\n{len(rows)} rows from {units} units{note}"
