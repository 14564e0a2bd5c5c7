"""Per-user rows of a system unit (see :mod:`.metrics` for what every column means)."""

from __future__ import annotations

import numpy as np

from ..results.metrics import wilson_interval
from .grouping import grouped_percentiles
from .radio import power_per_re

__all__ = ["user_rows", "USER_COLUMNS", "uplink_geometry_db", "downlink_coupling_sir_db"]

USER_COLUMNS = [
    "level",
    "scenario",
    "seed",
    "drop",
    "placement",
    "scheduler",
    "link_adaptation",
    "arrival_rate",
    "direction",
    "user",
    "group",
    "model",
    "cell",
    "cell_x",
    "cell_y",
    "x",
    "y",
    "serving_distance_m",
    "uplink_geometry_db",
    "downlink_coupling_sir_db",
    "mean_sinr_est_db",
    "mean_sinr_eff_db",
    "messages",
    "decided",
    "expired",
    "correct",
    "accuracy_offered",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "goodput_offered",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "mean_num_anchors",
    "mean_bits",
    "top_config",
    "predicted_accuracy",
    "olla_offset_db",
    "unit",
]


def downlink_coupling_sir_db(drop) -> np.ndarray:
    """[N] serving coupling gain over the sum of every other sector's [dB] (the mean SNR at one site)."""
    gain = 10.0 ** (drop.gain_db / 10.0)
    n = drop.num_agents
    s = gain[np.arange(n), drop.serving]
    if drop.num_sectors == 1:
        return drop.gain_db[:, 0].copy()
    return 10.0 * np.log10(s / (gain.sum(1) - s))


def uplink_geometry_db(drop, p_re_one_prb: np.ndarray, noise: float) -> np.ndarray:
    """[N] SINR per RE at the serving station at full load: every PRB of every other sector busy with
    one of its agents (the sector's mean received power at this station), one-PRB powers, no fading."""
    gain = 10.0 ** (drop.gain_db / 10.0)
    n, S = gain.shape
    rx = p_re_one_prb[:, None] * gain  # [N, S] at every station
    own = rx[np.arange(n), drop.serving]
    if S == 1:
        return 10.0 * np.log10(own / noise)
    mean_at = np.stack(
        [rx[drop.serving == b].mean(0) if np.any(drop.serving == b) else np.zeros(S) for b in range(S)]
    )  # [b', station]
    itf = mean_at.sum(0) - np.diag(mean_at)  # [station]
    return 10.0 * np.log10(own / (noise + itf[drop.serving]))


def user_rows(sc, base, run, tables, measured, window_s, slot_s) -> list[dict]:
    drop = run.drop
    n = drop.num_agents
    sent = measured & (run.slot >= 0)
    ok = sent & run.correct
    a_sent = run.agent[sent]
    deliv = np.bincount(a_sent, minlength=n)
    corr = np.bincount(run.agent[ok], minlength=n)
    msgs = np.bincount(run.agent[measured], minlength=n)
    expired = np.bincount(run.agent[measured & run.expired], minlength=n)
    sinr_sum = np.bincount(a_sent, weights=run.sinr_eff_db[sent], minlength=n)
    est_sum = np.bincount(a_sent, weights=run.sinr_est_db[sent], minlength=n)
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
    p_re, noise = power_per_re(sc, drop)
    geo_ul = uplink_geometry_db(drop, p_re[:, 0], noise)
    sir_dl = downlink_coupling_sir_db(drop)
    groups = list(sc.system.groups)
    dist = np.linalg.norm(drop.ut_xy - drop.serving_xy, axis=1)
    rows = []
    for u in range(n):
        lo, hi = wilson_interval(int(corr[u]), int(deliv[u]))
        p = pct[u] if deliv[u] else [None] * 3
        g = int(drop.group[u])
        d = int(deliv[u])
        rows.append(
            dict(
                level="user",
                **base,
                user=u,
                group=groups[g],
                model=sc.system.groups[groups[g]].model,
                cell=int(drop.serving[u]),
                cell_x=float(drop.serving_xy[u, 0]),
                cell_y=float(drop.serving_xy[u, 1]),
                x=float(drop.ut_xy[u, 0]),
                y=float(drop.ut_xy[u, 1]),
                serving_distance_m=float(dist[u]),
                uplink_geometry_db=float(geo_ul[u]),
                downlink_coupling_sir_db=float(sir_dl[u]),
                mean_sinr_est_db=est_sum[u] / d if d else None,
                mean_sinr_eff_db=sinr_sum[u] / d if d else None,
                messages=int(msgs[u]),
                decided=d,
                expired=int(expired[u]),
                correct=int(corr[u]),
                accuracy_offered=corr[u] / msgs[u] if msgs[u] else None,
                accuracy=corr[u] / d if d else None,
                accuracy_low=lo,
                accuracy_high=hi,
                goodput_offered=corr[u] / window_s,
                latency_p50=p[0],
                latency_p95=p[1],
                latency_p99=p[2],
                mean_num_anchors=k_sum[u] / d if d else None,
                mean_bits=b_sum[u] / b_cnt[u] if b_cnt[u] else None,
                top_config=tables.labels[int(np.argmax(cfg_counts[u]))] if d else None,
                predicted_accuracy=pred_sum[u] / d if d else None,
                olla_offset_db=float(run.olla_offset_db[u]),
            )
        )
    return rows
