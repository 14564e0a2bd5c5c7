"""Summary table of a network study (``semcom results DIR`` and the report).

One line per set-up (scheduler, K, and whatever else varies) and offered traffic:
accuracy, semantic goodput, p95 latency, drop rate, utilisation, averaged over seeds.

Example::

    from semcom.simulator.network.summary import network_summary_rows
    from semcom.simulator.results.store import read_rows
    header, body = network_summary_rows(read_rows("runs/network_edge"))
"""

from __future__ import annotations

from ..results.summary import setup_groups

__all__ = ["network_summary_rows"]

_SETUP = [
    ("scheduler", "scheduler"),
    ("channel", "channel"),
    ("semantic_equalizer", "equalizer"),
    ("bits", "bits"),
    ("anchor_selection", "anchors"),
    ("num_anchors", "K"),
    ("offered_traffic", "offered/s"),
    ("offered_load", "load"),
]
_ALWAYS = {"scheduler", "num_anchors", "offered_traffic", "offered_load"}
_METRICS = [
    ("accuracy", "accuracy", 100.0, "{:.1f}%"),
    ("goodput", "goodput/s", 1.0, "{:.0f}"),
    ("latency_mean", "mean lat ms", 1e3, "{:.2f}"),
    ("latency_p95", "p95 lat ms", 1e3, "{:.2f}"),
    ("drop_rate", "drops", 100.0, "{:.1f}%"),
    ("utilisation", "util", 100.0, "{:.0f}%"),
]


def network_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body (strings) of the summary."""
    if not rows:
        return [], []
    import pandas as pd

    keys, ids, ordered = setup_groups(rows, _SETUP, _ALWAYS)
    frame = pd.DataFrame({"setup": ids})
    for col, *_ in _METRICS:
        frame[col] = pd.to_numeric(
            pd.Series([None if r.get(col) == "" else r.get(col) for r in rows], dtype=object), errors="coerce"
        )  # "" -> NaN, skipped by mean()
    means = frame.groupby("setup")[[col for col, *_ in _METRICS]].mean()
    header = [h for k, h in _SETUP if k in keys] + [h for _, h, _, _ in _METRICS]
    body = []
    for i, key in ordered:
        line = ["" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in key]
        for col, _, scale, fmt in _METRICS:
            value = means.at[i, col]
            line.append("-" if pd.isna(value) else fmt.format(scale * value))
        body.append(line)
    return header, body
