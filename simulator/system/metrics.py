"""Metrics of one system unit: rows per network, per cell (sector) and per user, and per
configuration (the inner loop's calibration).

Measured messages are the **offered** ones: arrived in ``[warmup_s, duration_s)`` (length ``T``).
Each ends decided (sent; its decision correct or not), expired (not decided within the
deadline: a failed decision), lost (``conventional_5g``: its transport block failed after the
last HARQ retransmission: a failed decision) or still queued when the run ends (``undelivered``). Per set of
agents (the network, a cell, a user):

* ``accuracy_offered``: correct / offered (a message not decided in time counts as a failure);
  ``accuracy``: correct / decided, with its 95% Wilson interval over the messages of this unit;
* ``goodput_offered``: correct decisions per second, ``correct / T``; ``goodput_per_prb``:
  correct decisions per PRB allocated to the decided messages;
* ``expired_share``, ``saturated`` (more than :data:`SATURATION_SHARE` of the offered messages
  expired: the sector cannot serve its load within the deadline);
* latency of a decided message (end of its slot minus its arrival): mean, p50, p95, p99;
* ``p5_user_accuracy``: 5th percentile of the users' ``accuracy_offered`` over users with at
  least :data:`MIN_USER_MESSAGES` offered messages; ``jain_fairness`` of the users' goodput;
* ``utilisation``: PRBs allocated / PRBs of the window; the configurations chosen (mean K,
  bits, REs per message, each one's share), mean effective and estimated SINR, the accuracy
  the inner loop predicted (``predicted_accuracy``) beside the realised one.

Per user: position, serving cell, ``serving_distance_m`` (to the wraparound image of the
serving station the association used), ``uplink_geometry_db`` (the SINR per RE its serving
station sees from it at full load: every PRB of every other sector busy with one of that
sector's agents, at their one-PRB power, no fading), ``downlink_coupling_sir_db`` (the
coupling-gain SIR: serving gain over the sum of the other sectors' gains).

Per configuration (``config`` rows): the accuracy the inner loop predicted for the decided
messages sent with it against the realised one. Over time (``trace`` rows, :data:`TRACE_WINDOWS`
windows of the simulated time): the decided messages' mean predicted and realised accuracy by
the slot they were sent in, and the agents' mean outer-loop offset (the loop's trajectory).

Rows carry ``level`` (``network``, ``cell``, ``user``, ``config``, ``trace``); the runner exports each.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..results.cells import format_cell as _fmt
from ..results.metrics import wilson_interval
from .user_rows import USER_COLUMNS, user_rows

__all__ = ["unit_rows", "NETWORK_COLUMNS", "CELL_COLUMNS", "CONFIG_COLUMNS", "USER_COLUMNS", "TRACE_COLUMNS", "jain",
           "SATURATION_SHARE", "MIN_USER_MESSAGES", "UNIT_COLUMNS"]

#: A unit (or cell) whose expired share of offered messages exceeds this is ``saturated``.
SATURATION_SHARE = 0.01
#: Users with fewer offered messages are left out of percentiles and CDFs of user accuracy.
MIN_USER_MESSAGES = 20

UNIT_COLUMNS = ["scenario", "seed", "drop", "placement", "scheduler", "link_adaptation", "arrival_rate",
                "direction"]
_STATS = ["users", "messages", "decided", "expired", "lost", "undelivered", "correct", "accuracy_offered", "accuracy",
          "accuracy_low", "accuracy_high", "goodput_offered", "goodput_per_prb", "expired_share", "saturated",
          "prbs_used", "utilisation", "p5_user_accuracy", "jain_fairness", "latency_mean", "latency_p50",
          "latency_p95", "latency_p99", "mean_num_anchors", "mean_bits", "mean_res_per_message",
          "mean_sinr_eff_db", "mean_sinr_est_db", "predicted_accuracy", "below_table", "above_table"]
NETWORK_COLUMNS = ["level", *UNIT_COLUMNS, "offered_per_s", "offered_load", "num_cells", *_STATS, "config_shares",
                   "unit"]
CELL_COLUMNS = ["level", *UNIT_COLUMNS, "cell", "site", "x", "y", *_STATS, "unit"]
CONFIG_COLUMNS = ["level", *UNIT_COLUMNS, "config", "decided", "predicted_accuracy", "accuracy", "accuracy_low",
                  "accuracy_high", "prediction_error", "unit"]
TRACE_COLUMNS = ["level", *UNIT_COLUMNS, "t_s", "decided", "predicted_accuracy", "accuracy", "olla_offset_db", "unit"]
#: Windows of the trace rows (the outer loop's trajectory).
TRACE_WINDOWS = 20


def jain(x: np.ndarray) -> float | None:
    """Jain's fairness index of ``x`` (1: all equal; 1/n: one takes everything).

    >>> jain(np.array([1.0, 1.0, 1.0]))
    1.0
    """
    x = np.asarray(x, dtype=np.float64)
    if len(x) == 0 or not np.any(x):
        return None
    return float(x.sum() ** 2 / (len(x) * (x ** 2).sum()))


def _stats(sel: np.ndarray, users: np.ndarray, run, tables, window_s: float, re_prb: int,
           table_range, slot_s: float) -> dict[str, Any]:
    """Statistics of the measured messages ``sel`` (bool [M]) of users ``users``."""
    sent = sel & (run.slot >= 0)
    ok = sent & run.correct
    n_off, n_del, n_ok = int(sel.sum()), int(sent.sum()), int(ok.sum())
    n_exp = int((sel & run.expired).sum())
    n_lost = int((sel & run.lost).sum())
    lo, hi = wilson_interval(n_ok, n_del)
    lat = (run.slot[sent] + 1) * slot_s - run.arrival_s[sent]
    n_agents = run.drop.num_agents
    per_ok = np.bincount(run.agent[ok], minlength=n_agents)[users]
    per_off = np.bincount(run.agent[sel], minlength=n_agents)[users]
    many = per_off >= MIN_USER_MESSAGES
    cfg = run.config[sent]
    bits = np.array([b if b is not None else np.nan for b in tables.bits], dtype=np.float64)[cfg]
    eff = run.sinr_eff_db[sent]
    pct = np.percentile(lat, [50, 95, 99]) if n_del else [None] * 3
    agent_prbs = run.res[sent] / re_prb
    share = n_exp / n_off if n_off else None
    return dict(
        users=len(users), messages=n_off, decided=n_del, expired=n_exp, lost=n_lost,
        undelivered=n_off - n_del - n_exp - n_lost,
        correct=n_ok, accuracy_offered=n_ok / n_off if n_off else None, accuracy=n_ok / n_del if n_del else None,
        accuracy_low=lo, accuracy_high=hi, goodput_offered=n_ok / window_s,
        goodput_per_prb=n_ok / agent_prbs.sum() if n_del else None, expired_share=share,
        saturated=bool(share is not None and share > SATURATION_SHARE), prbs_used=None, utilisation=None,
        p5_user_accuracy=float(np.percentile(per_ok[many] / per_off[many], 5)) if many.any() else None,
        jain_fairness=jain(per_ok / window_s),
        latency_mean=float(lat.mean()) if n_del else None, latency_p50=pct[0], latency_p95=pct[1],
        latency_p99=pct[2], mean_num_anchors=float(tables.num_anchors[cfg].mean()) if n_del else None,
        mean_bits=float(np.nanmean(bits)) if n_del and np.isfinite(bits).any() else None,
        mean_res_per_message=float(run.res[sent].mean()) if n_del else None,
        mean_sinr_eff_db=float(eff.mean()) if n_del else None,
        mean_sinr_est_db=float(run.sinr_est_db[sent].mean()) if n_del else None,
        predicted_accuracy=float(run.predicted[sent].mean()) if n_del else None,
        below_table=float((eff < table_range[0]).mean()) if n_del else None,
        above_table=float((eff > table_range[1]).mean()) if n_del else None)


def _window(net, run):
    slot_s = net.grid.slot_s()
    first = int(math.ceil(net.warmup_s / slot_s - 1e-9))
    last = int(math.floor(net.duration_s / slot_s + 1e-9))
    return slot_s, first, last


def unit_rows(sc, unit, run, tables) -> list[dict[str, Any]]:
    """The rows of one unit: network, cells, per-configuration calibration, users."""
    net = sc.system
    drop = run.drop
    slot_s, first, last = _window(net, run)
    window_s = net.duration_s - net.warmup_s
    measured = (run.arrival_s >= net.warmup_s) & (run.arrival_s < net.duration_s)
    R = net.grid.prbs()
    table_range = tables.sinr_range()
    base = {c: getattr(unit, c, None) for c in UNIT_COLUMNS}
    base.update(scenario=sc.name, direction=net.direction, unit=unit.key)
    used = run.prbs_used[first:last]
    prb_slots = (last - first) * R
    re_prb = net.grid.data_re_per_prb()
    st = _stats(measured, np.arange(drop.num_agents), run, tables, window_s, re_prb, table_range, slot_s)
    st["prbs_used"] = int(used.sum())
    st["utilisation"] = float(used.sum()) / (prb_slots * drop.num_sectors)
    sent = measured & (run.slot >= 0)
    shares = np.bincount(run.config[sent], minlength=len(tables.labels)) / max(1, int(sent.sum()))
    min_res = tables.res.min(1)[drop.group]
    capacity_re_s = R * net.grid.data_re_per_prb() / slot_s * drop.num_sectors
    rows = [dict(level="network", **base, offered_per_s=float(run.rates.sum()),
                 offered_load=float((run.rates * min_res).sum() / capacity_re_s), num_cells=drop.num_sectors, **st,
                 config_shares=";".join(f"{lab}:{s:.3f}" for lab, s in zip(tables.labels, shares)))]
    msg_cell = drop.serving[run.agent]
    for b in range(drop.num_sectors):
        st = _stats(measured & (msg_cell == b), np.flatnonzero(drop.serving == b), run, tables, window_s,
                    re_prb, table_range, slot_s)
        st["prbs_used"] = int(used[:, b].sum())
        st["utilisation"] = float(used[:, b].sum()) / prb_slots
        rows.append(dict(level="cell", **base, cell=b, site=int(drop.bs_site[b]), x=float(drop.bs_xy[b, 0]),
                         y=float(drop.bs_xy[b, 1]), **st))
    for c, label in enumerate(tables.labels):
        m = sent & (run.config == c)
        n, k = int(m.sum()), int((m & run.correct).sum())
        lo, hi = wilson_interval(k, n)
        pred = float(run.predicted[m].mean()) if n else None
        rows.append(dict(level="config", **base, config=label, decided=n, predicted_accuracy=pred,
                         accuracy=k / n if n else None, accuracy_low=lo, accuracy_high=hi,
                         prediction_error=pred - k / n if n else None))
    rows += _trace_rows(base, run, net, slot_s)
    rows += user_rows(sc, base, run, tables, measured, window_s, slot_s)
    columns = {"network": NETWORK_COLUMNS, "cell": CELL_COLUMNS, "config": CONFIG_COLUMNS, "user": USER_COLUMNS,
               "trace": TRACE_COLUMNS}
    return [{k: _fmt(r.get(k)) for k in columns[r["level"]]} for r in rows]


def _trace_rows(base, run, net, slot_s) -> list[dict]:
    """Predicted and realised accuracy of the decided messages, and the mean offset, per window."""
    edges = np.linspace(0.0, net.duration_s, TRACE_WINDOWS + 1)
    sent = run.slot >= 0
    t_sent = (run.slot + 0.5) * slot_s
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = sent & (t_sent >= lo) & (t_sent < hi)
        n = int(m.sum())
        k = min(len(run.offset_trace_db) - 1, int(hi / slot_s))
        rows.append(dict(level="trace", **base, t_s=0.5 * (lo + hi), decided=n,
                         predicted_accuracy=float(run.predicted[m].mean()) if n else None,
                         accuracy=float(run.correct[m].mean()) if n else None,
                         olla_offset_db=float(run.offset_trace_db[k, 0])))
    return rows
