"""Metrics of a system unit: rows per network, per cell (sector) and per user.

Measured messages arrive in ``[warmup_s, duration_s)`` (length ``T``). Per set of
agents (the network, a cell, one user):

* accuracy: correct / delivered, with its 95% Wilson interval;
* semantic goodput: correct decisions per second (``correct / T``) and per RB
  (``correct / RBs the delivered messages used``);
* latency of a delivered message: end of its slot minus its arrival (mean, p50, p95, p99);
* 5th-percentile user accuracy (users with a delivered message), Jain's fairness index of
  the users' goodput ``(Σx)² / (n Σx²)``;
* utilisation: RBs used / RBs offered over the slots of the window;
* the chosen configurations (mean K, mean bits, share of each) and the effective SINR;
* per user, ``geometry_db``: the coupling-gain SIR of its serving sector (hexgrid; every
  other sector transmitting) or its mean SNR (single_site).

Rows carry ``level`` (``network``, ``cell``, ``user``); the runner exports each level to
its own CSV (:data:`NETWORK_COLUMNS`, :data:`CELL_COLUMNS`, :data:`USER_COLUMNS`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..results.cells import format_cell as _fmt
from ..results.metrics import wilson_interval

__all__ = ["unit_rows", "NETWORK_COLUMNS", "CELL_COLUMNS", "USER_COLUMNS", "jain", "grouped_percentiles"]

_UNIT = ["scenario", "seed", "drop", "scheduler", "link_adaptation", "arrival_rate", "direction"]
_STATS = ["users", "messages", "delivered", "undelivered", "correct", "accuracy", "accuracy_low", "accuracy_high",
          "goodput", "goodput_per_rb", "rbs_used", "utilisation", "p5_user_accuracy", "jain_fairness",
          "latency_mean", "latency_p50", "latency_p95", "latency_p99", "mean_num_anchors", "mean_bits",
          "mean_rbs_per_message", "mean_sinr_eff_db", "mean_sinr_est_db", "predicted_accuracy", "below_table",
          "above_table"]
NETWORK_COLUMNS = ["level", *_UNIT, "offered_load", "num_cells", *_STATS, "config_shares", "unit"]
CELL_COLUMNS = ["level", *_UNIT, "cell", "site", "x", "y", *_STATS, "unit"]
USER_COLUMNS = ["level", *_UNIT, "user", "group", "model", "cell", "cell_x", "cell_y", "x", "y", "distance_m", "geometry_db",
                "mean_sinr_db", "messages", "delivered", "correct", "accuracy", "accuracy_low", "accuracy_high",
                "goodput", "latency_p50", "latency_p95", "latency_p99", "mean_num_anchors", "mean_bits",
                "top_config", "predicted_accuracy", "olla_offset_db", "unit"]


def jain(x: np.ndarray) -> float | None:
    """Jain's fairness index of ``x`` (1: all equal; 1/n: one takes everything).

    >>> jain(np.array([1.0, 1.0, 1.0]))
    1.0
    """
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0 or not np.any(x):
        return None
    return float(x.sum() ** 2 / (len(x) * (x ** 2).sum()))


def grouped_percentiles(groups: np.ndarray, values: np.ndarray, n: int, qs) -> np.ndarray:
    """[n, len(qs)] percentiles of ``values`` per group ``0..n-1`` (numpy's linear method; NaN for empty groups).

    >>> grouped_percentiles(np.array([0, 0, 1]), np.array([1.0, 3.0, 5.0]), 2, (50.0,))[:, 0]
    array([2., 5.])
    """
    order = np.lexsort((values, groups))
    v = values[order]
    start = np.searchsorted(groups[order], np.arange(n))
    count = np.bincount(groups, minlength=n)
    out = np.full((n, len(qs)), np.nan)
    has = count > 0
    for j, q in enumerate(qs):
        pos = (count[has] - 1) * q / 100.0
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, count[has] - 1)
        frac = pos - lo
        a, b = v[start[has] + lo], v[start[has] + hi]
        out[has, j] = a + (b - a) * frac
    return out


def _stats(sel: np.ndarray, users: np.ndarray, run, tables, window_s: float, rb_offered: float, lo_tab, hi_tab,
           slot_s: float) -> dict[str, Any]:
    """Statistics of the measured messages ``sel`` (bool [M]) of users ``users``."""
    sent = sel & (run.slot >= 0)
    ok = sent & run.correct
    n_del, n_ok = int(sent.sum()), int(ok.sum())
    lo, hi = wilson_interval(n_ok, n_del)
    lat = (run.slot[sent] + 1) * slot_s - run.arrival_s[sent]
    rbs = int(run.rbs[sent].sum())
    per_user_ok = np.bincount(run.agent[ok], minlength=run.drop.num_agents)[users]
    per_user_del = np.bincount(run.agent[sent], minlength=run.drop.num_agents)[users]
    has = per_user_del > 0
    user_acc = per_user_ok[has] / per_user_del[has]
    cfg = run.config[sent]
    bits = np.array([b if b is not None else np.nan for b in tables.bits], dtype=np.float64)
    eff = run.sinr_eff_db[sent]
    lat_pct = np.percentile(lat, [50, 95, 99]) if n_del else [None] * 3
    return dict(
        users=len(users), messages=int(sel.sum()), delivered=n_del, undelivered=int(sel.sum()) - n_del,
        correct=n_ok, accuracy=n_ok / n_del if n_del else None, accuracy_low=lo, accuracy_high=hi,
        goodput=n_ok / window_s, goodput_per_rb=n_ok / rbs if rbs else None, rbs_used=rbs,
        utilisation=rbs / rb_offered if rb_offered else None,
        p5_user_accuracy=float(np.percentile(user_acc, 5)) if len(user_acc) else None,
        jain_fairness=jain(per_user_ok / window_s),
        latency_mean=float(lat.mean()) if n_del else None, latency_p50=lat_pct[0], latency_p95=lat_pct[1],
        latency_p99=lat_pct[2],
        mean_num_anchors=float(tables.num_anchors[cfg].mean()) if n_del else None,
        mean_bits=float(np.nanmean(bits[cfg])) if n_del and np.isfinite(bits[cfg]).any() else None,
        mean_rbs_per_message=rbs / n_del if n_del else None,
        mean_sinr_eff_db=float(eff.mean()) if n_del else None,
        mean_sinr_est_db=float(run.sinr_est_db[sent].mean()) if n_del else None,
        predicted_accuracy=float(run.predicted[sent].mean()) if n_del else None,
        below_table=float((eff < lo_tab).mean()) if n_del else None,
        above_table=float((eff > hi_tab).mean()) if n_del else None)


def unit_rows(sc, unit, run, tables) -> list[dict[str, Any]]:
    """The rows of one unit: one ``network`` row, one per cell, one per user."""
    net = sc.system
    drop = run.drop
    slot_s = net.slot_duration_s
    window_s = net.duration_s - net.warmup_s
    measured = (run.arrival_s >= net.warmup_s) & (run.arrival_s < net.duration_s)
    first, last = int(math.ceil(net.warmup_s / slot_s - 1e-9)), int(math.floor(net.duration_s / slot_s + 1e-9))
    rb_slots = (last - first) * net.resource_blocks
    lo_tab, hi_tab = tables.sinr_range()
    base = dict(scenario=sc.name, seed=unit.seed, drop=unit.drop, scheduler=unit.scheduler,
                link_adaptation=unit.link_adaptation, arrival_rate=unit.arrival_rate, direction=net.direction,
                unit=unit.key)
    used_window = run.slot_used[first:last]
    rows = []
    all_users = np.arange(drop.num_agents)
    # offered load: RBs asked per second at the configuration each policy starts from (the smallest) / RBs per second
    min_rbs = tables.rbs.min(1)[drop.group]
    offered = float((run.rates * min_rbs).sum() * slot_s / (net.resource_blocks * drop.num_sectors))
    st = _stats(measured, all_users, run, tables, window_s, rb_slots * drop.num_sectors, lo_tab, hi_tab, slot_s)
    st["utilisation"] = float(used_window.sum()) / (rb_slots * drop.num_sectors)
    sent = measured & (run.slot >= 0)
    shares = np.bincount(run.config[sent], minlength=len(tables.labels)) / max(1, int(sent.sum()))
    rows.append(dict(level="network", **base, offered_load=offered, num_cells=drop.num_sectors, **st,
                     config_shares=";".join(f"{lab}:{s:.3f}" for lab, s in zip(tables.labels, shares))))
    msg_cell = drop.serving[run.agent]
    for b in range(drop.num_sectors):
        users = np.flatnonzero(drop.serving == b)
        st = _stats(measured & (msg_cell == b), users, run, tables, window_s, rb_slots, lo_tab, hi_tab, slot_s)
        st["utilisation"] = float(used_window[:, b].sum()) / rb_slots
        rows.append(dict(level="cell", **base, cell=b, site=int(drop.bs_site[b]), x=float(drop.bs_xy[b, 0]),
                         y=float(drop.bs_xy[b, 1]), **st))
    rows += _user_rows(sc, base, run, tables, measured, window_s, slot_s)
    return [{k: _fmt(r.get(k)) for k in (NETWORK_COLUMNS if r["level"] == "network" else
                                          CELL_COLUMNS if r["level"] == "cell" else USER_COLUMNS)} for r in rows]


def _user_rows(sc, base, run, tables, measured, window_s, slot_s) -> list[dict]:
    drop = run.drop
    n = drop.num_agents
    sent = measured & (run.slot >= 0)
    ok = sent & run.correct
    a_sent = run.agent[sent]
    deliv = np.bincount(a_sent, minlength=n)
    corr = np.bincount(run.agent[ok], minlength=n)
    msgs = np.bincount(run.agent[measured], minlength=n)
    sinr_sum = np.bincount(a_sent, weights=run.sinr_eff_db[sent], minlength=n)
    pred_sum = np.bincount(a_sent, weights=run.predicted[sent], minlength=n)
    k_sum = np.bincount(a_sent, weights=tables.num_anchors[run.config[sent]], minlength=n)
    bits = np.array([b if b is not None else np.nan for b in tables.bits], dtype=np.float64)[run.config[sent]]
    has_bits = np.isfinite(bits)
    b_sum = np.bincount(a_sent[has_bits], weights=bits[has_bits], minlength=n)
    b_cnt = np.bincount(a_sent[has_bits], minlength=n)
    cfg_counts = np.zeros((n, len(tables.labels)), dtype=np.int64)
    np.add.at(cfg_counts, (a_sent, run.config[sent]), 1)
    lat = (run.slot[sent] + 1) * slot_s - run.arrival_s[sent]
    pct = grouped_percentiles(a_sent, lat, n, (50.0, 95.0, 99.0))
    gain = 10.0 ** (drop.gain_db / 10.0)
    s = gain[np.arange(n), drop.serving]
    geo = (10.0 * np.log10(s / np.maximum(gain.sum(1) - s, 1e-300)) if drop.num_sectors > 1
           else drop.gain_db[:, 0])
    groups = list(sc.system.groups)
    dist = np.linalg.norm(drop.ut_xy - drop.bs_xy[drop.serving], axis=1)
    rows = []
    for u in range(n):
        lo, hi = wilson_interval(int(corr[u]), int(deliv[u]))
        p = pct[u] if deliv[u] else [None] * 3
        g = int(drop.group[u])
        rows.append(dict(level="user", **base, user=u, group=groups[g], model=sc.system.groups[groups[g]].model,
                         cell=int(drop.serving[u]), cell_x=float(drop.bs_xy[drop.serving[u], 0]),
                         cell_y=float(drop.bs_xy[drop.serving[u], 1]), x=float(drop.ut_xy[u, 0]), y=float(drop.ut_xy[u, 1]),
                         distance_m=float(dist[u]), geometry_db=float(geo[u]),
                         mean_sinr_db=sinr_sum[u] / deliv[u] if deliv[u] else None, messages=int(msgs[u]),
                         delivered=int(deliv[u]), correct=int(corr[u]),
                         accuracy=corr[u] / deliv[u] if deliv[u] else None, accuracy_low=lo, accuracy_high=hi,
                         goodput=corr[u] / window_s, latency_p50=p[0], latency_p95=p[1], latency_p99=p[2],
                         mean_num_anchors=k_sum[u] / deliv[u] if deliv[u] else None,
                         mean_bits=b_sum[u] / b_cnt[u] if b_cnt[u] else None,
                         top_config=tables.labels[int(np.argmax(cfg_counts[u]))] if deliv[u] else None,
                         predicted_accuracy=pred_sum[u] / deliv[u] if deliv[u] else None,
                         olla_offset_db=float(run.olla_offset_db[u])))
    return rows
