"""Pieces of a system unit around the slot loop: traffic, transmit power, the abstraction's
decisions and the stations' interference estimates (:mod:`semcom.simulator.system.engine` runs the loop).

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.system.metrics import jain
    print(jain(np.array([2.0, 2.0, 0.0, 0.0])))     # 0.5: half the users get everything
"""

from __future__ import annotations

import math

import numpy as np

from ..abstraction.eesm import effective_sinr_db
from ..run.randomness import derive_rng

__all__ = ["arrivals", "tx_power_dbm", "decide", "update_interference"]


def arrivals(sc, unit, drop):
    """Poisson arrivals of every agent over [0, duration): (agent, time, u, feedback draw), agent-major."""
    net = sc.system
    scales = np.array([g.rate_scale for g in net.groups.values()])
    rates = unit.arrival_rate * scales[drop.group]
    agents, times, u, v = [], [], [], []
    for gi, gname in enumerate(net.groups):
        members = np.flatnonzero(drop.group == gi)
        rng = derive_rng(unit.seed, "system-traffic", unit.drop, gname, unit.arrival_rate)
        counts = rng.poisson(rates[members] * net.duration_s)
        n = int(counts.sum())
        agents.append(np.repeat(members, counts))
        times.append(rng.uniform(0.0, net.duration_s, n))
        u.append(rng.uniform(0.0, 1.0, n))
        v.append(rng.uniform(0.0, 1.0, n))
    agent = np.concatenate(agents)
    t = np.concatenate(times)
    order = np.lexsort((t, agent))
    return agent[order], t[order], np.concatenate(u)[order], np.concatenate(v)[order], rates


def tx_power_dbm(sc, drop, rbs: np.ndarray) -> np.ndarray:
    """[N, C] transmit power per RB [dBm] of each agent for each configuration's RB count."""
    net = sc.system
    n = drop.num_agents
    if not drop.power_control:
        return np.zeros((n, rbs.shape[1]))
    if net.direction == "downlink":
        return np.full((n, rbs.shape[1]), net.power_control.bs_power_dbm - 10.0 * math.log10(net.resource_blocks))
    import torch
    from sionna.sys import open_loop_uplink_power_control

    pc = net.power_control
    nrb = rbs[drop.group]                                                   # [N, C]
    pl = torch.from_numpy(np.repeat(10.0 ** (drop.pathloss_db / 10.0), nrb.shape[1]).reshape(nrb.shape))
    p_w = open_loop_uplink_power_control(pl, torch.from_numpy(nrb * 12), alpha=pc.alpha, p0_dbm=pc.p0_dbm,
                                         ut_max_power_dbm=pc.ut_max_power_dbm, precision="double").numpy()
    return 10.0 * np.log10(p_w * 1e3) - 10.0 * np.log10(nrb)


def decide(pending: list, tables, u_draw: np.ndarray, out_eff: np.ndarray, out_ok: np.ndarray) -> None:
    """Effective SINR (Sionna's EESM, one call per distinct β) and the decision of every pending message.

    ``pending``: [(message ids [k], groups [k], configs [k], per-RB SINRs [k, width] dB, -inf padded)]."""
    if not pending:
        return
    msg = np.concatenate([p[0] for p in pending])
    grp = np.concatenate([p[1] for p in pending])
    cfg = np.concatenate([p[2] for p in pending])
    rows = np.concatenate([p[3] for p in pending])
    pending.clear()
    n_cfg = len(tables.labels)
    key = grp * n_cfg + cfg
    betas = np.array([float(tables.tables[g][c].eesm_beta) for g in range(len(tables.tables))
                      for c in range(n_cfg)])
    eff = np.empty(len(msg))
    for beta in np.unique(betas[key]):
        m = betas[key] == beta
        eff[m] = effective_sinr_db(rows[m], float(beta))
    acc = np.empty(len(msg))
    for kk in np.unique(key):
        m = key == kk
        acc[m] = tables.tables[kk // n_cfg][kk % n_cfg].accuracy_at(eff[m])
    out_eff[msg] = eff
    out_ok[msg] = u_draw[msg] < acc


def update_interference(net, i_est, activity, itf, active, downlink) -> None:
    w = net.interference_ewma
    if downlink:
        use = active.mean(1) if active is not None else np.zeros_like(activity)
        activity *= 1.0 - w
        activity += w * use
    else:
        i_est *= 1.0 - w
        i_est += w * itf.mean(1)
