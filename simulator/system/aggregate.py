"""Statistics over drops: one row per (placement, scheduler, link adaptation, load) with the
mean over drops of every headline metric and its 95% t-interval on the drop means.

A drop (and seed) redraws the geometry, shadowing, fading, traffic and decisions, so the
drops are the independent replicates of a system study; the messages of one drop share its
geometry and are not independent, which is why intervals over messages understate what a
re-run would show. With ``n`` drops: ``mean ± t_{0.975, n-1} s / √n``; one drop gives no interval.

Example::

    from semcom.simulator.system.aggregate import t_interval
    print(t_interval([0.60, 0.62, 0.61, 0.63, 0.59]))      # (0.61, 0.590..., 0.629...)
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from ..results.cells import format_cell

__all__ = [
    "t_interval",
    "summarise_drops",
    "SUMMARY_METRICS",
    "SUMMARY_COLUMNS",
    "GROUP_KEYS",
    "calibration_summary",
    "CALIBRATION_COLUMNS",
]

GROUP_KEYS = ["placement", "scheduler", "link_adaptation", "arrival_rate"]
#: Metrics summarised over drops (each gets ``<m>``, ``<m>_low``, ``<m>_high``).
SUMMARY_METRICS = [
    "goodput_offered",
    "accuracy_offered",
    "accuracy",
    "p5_user_accuracy",
    "latency_p95",
    "jain_fairness",
    "utilisation",
    "expired_share",
    "mean_num_anchors",
    "mean_res_per_message",
    "predicted_accuracy",
]
SUMMARY_COLUMNS = (
    [
        "scenario",
        *GROUP_KEYS,
        "direction",
        "drops",
        "offered_per_s",
        "offered_load",
        "saturated",
        "saturated_drops",
    ]
    + [f"{m}{s}" for m in SUMMARY_METRICS for s in ("", "_low", "_high")]
    + ["config_shares"]
)
CALIBRATION_COLUMNS = [
    *GROUP_KEYS,
    "config",
    "drops",
    "decided",
    "predicted_accuracy",
    "accuracy",
    "prediction_error",
    "prediction_error_low",
    "prediction_error_high",
]


def t_interval(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of the mean of ``values`` (Student t; NaN bounds for fewer than two)."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(float(v))], dtype=np.float64)
    if len(x) == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    if len(x) < 2:
        return (m, math.nan, math.nan)
    from scipy.stats import t

    half = float(t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return (m, m - half, m + half)


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _shares(rows) -> str:
    acc: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for part in str(r.get("config_shares") or "").split(";"):
            if ":" in part:
                k, v = part.rsplit(":", 1)
                acc[k].append(float(v))
    return ";".join(f"{k}:{np.mean(v):.3f}" for k, v in acc.items())


def _flag(v) -> bool:
    """A boolean cell as the store reads it back (SQLite keeps 0/1) or as a CSV writes it."""
    return v is True or str(v).strip().lower() in ("true", "1")


def summarise_drops(network_rows: list[dict]) -> list[dict]:
    """One summary row per (placement, scheduler, link adaptation, load) over its drops and seeds."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in network_rows:
        groups[tuple(str(r[k]) for k in GROUP_KEYS)].append(r)
    out = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2].startswith("fixed:"), k[2], _num(k[3]))):
        rs = groups[key]
        sat = sum(_flag(r.get("saturated")) for r in rs)
        row = dict(
            scenario=rs[0].get("scenario"),
            **dict(zip(GROUP_KEYS, (rs[0][k] for k in GROUP_KEYS))),
            direction=rs[0].get("direction"),
            drops=len(rs),
            offered_per_s=float(np.mean([_num(r["offered_per_s"]) for r in rs])),
            offered_load=float(np.mean([_num(r["offered_load"]) for r in rs])),
            saturated=sat * 2 > len(rs),
            saturated_drops=sat,
            config_shares=_shares(rs),
        )
        for m in SUMMARY_METRICS:
            row[m], row[f"{m}_low"], row[f"{m}_high"] = t_interval([_num(r.get(m)) for r in rs])
        out.append({k: format_cell(v) for k, v in row.items()})
    return out


def calibration_summary(config_rows: list[dict]) -> list[dict]:
    """Per (placement, scheduler, policy, load, configuration): predicted and realised accuracy
    pooled over drops, and the prediction error's t-interval over the drops."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in config_rows:
        if _num(r.get("decided")) > 0:
            groups[tuple(str(r[k]) for k in [*GROUP_KEYS, "config"])].append(r)
    out = []
    for key in sorted(groups):
        rs = groups[key]
        n = np.array([_num(r["decided"]) for r in rs])
        pred = np.array([_num(r["predicted_accuracy"]) for r in rs])
        acc = np.array([_num(r["accuracy"]) for r in rs])
        m, lo, hi = t_interval(pred - acc)
        row = dict(
            zip([*GROUP_KEYS, "config"], key),
            drops=len(rs),
            decided=int(n.sum()),
            predicted_accuracy=float((pred * n).sum() / n.sum()),
            accuracy=float((acc * n).sum() / n.sum()),
            prediction_error=m,
            prediction_error_low=lo,
            prediction_error_high=hi,
        )
        out.append({k: format_cell(v) for k, v in row.items()})
    return out
