"""Summary table of a system study (``semcom results DIR``): one line per (placement, scheduler,
link adaptation, load), network level, averaged over seeds and drops (their intervals are in
``system_results.csv``).

Example::

    from semcom.simulator.system.summary import system_summary_rows
    from semcom.simulator.results.store import read_rows
    header, body = system_summary_rows(read_rows("runs/system_multicell"))
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

__all__ = ["system_summary_rows"]

_METRICS = [
    ("accuracy_offered", "acc offered", 100.0, "{:.1f}%"),
    ("accuracy", "acc decided", 100.0, "{:.1f}%"),
    ("p5_user_accuracy", "p5 user acc", 100.0, "{:.1f}%"),
    ("goodput_offered", "goodput/s", 1.0, "{:.0f}"),
    ("goodput_per_prb", "correct/PRB", 1.0, "{:.2f}"),
    ("jain_fairness", "Jain", 1.0, "{:.3f}"),
    ("utilisation", "util", 100.0, "{:.0f}%"),
    ("latency_p95", "p95 lat ms", 1e3, "{:.2f}"),
    ("mean_num_anchors", "mean K", 1.0, "{:.1f}"),
]


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return np.nan


def system_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body (strings) of the summary."""
    net = [r for r in rows if r.get("level", "network") == "network"]
    if not net:
        return [], []
    groups = defaultdict(list)
    for r in net:
        groups[
            (r.get("placement", ""), r["scheduler"], r["link_adaptation"], _num(r["arrival_rate"]))
        ].append(r)
    header = ["placement", "scheduler", "link adaptation", "rate/s", "drops", "load"] + [
        h for _, h, _, _ in _METRICS
    ]
    body = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2].startswith("fixed:"), k[2], k[3])):
        rs = groups[key]
        line = [
            key[0],
            key[1],
            key[2],
            f"{key[3]:g}",
            str(len(rs)),
            f"{np.nanmean([_num(r['offered_load']) for r in rs]):.2f}",
        ]
        for col, _, scale, fmt in _METRICS:
            v = np.nanmean([_num(r.get(col)) for r in rs]) if rs else np.nan
            line.append("-" if np.isnan(v) else fmt.format(scale * v))
        body.append(line)
    return header, body
