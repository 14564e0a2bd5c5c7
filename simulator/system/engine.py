"""System engine: one unit (seed, drop, scheduler, link-adaptation policy, load), vectorised.

Every agent sends messages (Poisson arrivals, ``arrival_rate x rate_scale`` per second)
to the edge server of its serving sector (uplink; downlink: the server sends to it). Time
runs in slots; per slot, for all sectors at once (numpy arrays over agents and RBs, no
Python loop per message):

1. **Queues.** Messages that arrived by the slot's start join their agent's queue
   (first in, first out; unbounded).
2. **Link adaptation** (:mod:`.link_adaptation`) picks the head-of-line message's
   configuration (K, scheme, bits) from the SINR estimate ``P·G / (N + Î)`` (large-scale
   gain ``G``, the serving station's interference estimate ``Î``; fast fading is not
   known in advance) plus the agent's outer-loop offset.
3. **Scheduling.** Each sector ranks its backlogged agents by a proportional-fair metric
   computed by Sionna's :class:`~sionna.sys.PFSchedulerSUMIMO` (batch = sectors, one
   resource per agent, its geometric discounting of the achieved "rate"): ``pf_rate``
   with the Shannon rate ``log2(1 + SINR)`` (Sionna's rate-based PF), ``pf_semantic``
   with the expected correct decisions per RB ``acc(SINR)/RBs``; ``round_robin`` by the
   time since last served. Head-of-line messages are then packed, in rank order, onto
   contiguous RBs until the slot is full (one message per agent per slot; a message is
   never split over slots, as in the ``network`` kind).
4. **Channel.** Per RB: the desired link's received power ``P·G·|h|²`` and the
   interference of every other sector's transmission on that RB (``interference``), plus
   noise; ``|h|²`` ~ Exp(1) independent per (receiver, transmitter sector, RB, slot)
   (``rayleigh``), per (link, slot) (``rayleigh_flat``) or 1 (``none``).
5. **Decision.** The message's per-RB SINRs map to one effective SINR with the table's
   EESM β (:func:`~semcom.simulator.abstraction.eesm.effective_sinr_db`); the decision is
   correct with the table's accuracy there: ``u < acc(SINR_eff)``, ``u`` drawn per
   message when it arrives.
6. **Feedback.** ``feedback_delay_slots`` later, the task outcome of a share
   ``feedback_fraction`` of decisions reaches the agent's outer loop.

Uplink transmit power per RB: Sionna's :func:`~sionna.sys.open_loop_uplink_power_control`
for the message's number of RBs, divided by it.

Randomness (:mod:`semcom.simulator.run.randomness`): arrivals, ``u`` and feedback draws per
(seed, drop, agent group, arrival rate); fading per (seed, drop, slot), indexed by
(sector, RB), so every policy and scheduler of a study sees the same traffic and the same
channel realisations (paired comparisons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from semcom.core.threads import NETWORK_UNIT_THREADS, fixed_threads
from ..run.randomness import derive_rng
from .geometry import Drop, make_drop
from .link_adaptation import choose_configs
from .metrics import unit_rows
from .radio import arrivals as _arrivals, decide as _decide, tx_power_dbm as _tx_power_dbm, \
    update_interference as _update_interference
from .tables import study_tables
from .units import SystemUnit

__all__ = ["simulate_system", "SystemRun", "run_system_unit"]


@dataclass
class SystemRun:
    """What one simulation produced (per message arrays, in (agent, arrival) order).

    :ivar agent, arrival_s: [M]. :ivar slot: [M] service slot (-1: never sent).
    :ivar config: [M] configuration index (-1: never sent). :ivar sinr_eff_db: [M] (nan: never sent).
    :ivar correct: [M] bool. :ivar predicted: [M] the accuracy link adaptation expected.
    :ivar rbs: [M] RBs used. :ivar slot_used: [num_slots, S] RBs used per sector.
    :ivar rates: [N] arrival rates. :ivar olla_offset_db: [N] outer-loop offsets at the end (zeros without it).
    """

    drop: Drop
    agent: np.ndarray
    arrival_s: np.ndarray
    slot: np.ndarray
    config: np.ndarray
    sinr_eff_db: np.ndarray
    sinr_est_db: np.ndarray
    correct: np.ndarray
    predicted: np.ndarray
    rbs: np.ndarray
    slot_used: np.ndarray
    num_slots: int
    rates: np.ndarray
    olla_offset_db: np.ndarray


def simulate_system(sc, unit: SystemUnit, tables) -> SystemRun:
    """Run ``unit`` (see the module docstring). ``tables``: :class:`~.tables.LinkTables`.

    Torch runs on one intra-op thread meanwhile: every tensor here is small (Sionna's
    scheduler, EESM), and small tensors on two threads collapse under any other load
    (measured: ``torch.exp`` of 1,600 values 20 ms on 2 threads under load, 10 µs on 1)."""
    with fixed_threads(NETWORK_UNIT_THREADS):
        return _simulate(sc, unit, tables)


def _simulate(sc, unit: SystemUnit, tables) -> SystemRun:
    import torch
    from sionna.sys import PFSchedulerSUMIMO

    net = sc.system
    la = net.link_adaptation
    drop = make_drop(net, unit.seed, unit.drop)
    N, S, R = drop.num_agents, drop.num_sectors, net.resource_blocks
    agent, arr_s, u_draw, fb_draw, rates = _arrivals(sc, unit, drop)
    M = len(agent)
    slot_s = net.slot_duration_s
    eligible = np.ceil(arr_s / slot_s - 1e-9).astype(np.int64)           # first slot a message may go in
    num_slots = int(math.ceil((net.duration_s + net.drain_s) / slot_s - 1e-9))
    # queues: messages of agent a are start[a] .. start[a+1]-1, in arrival order
    start = np.searchsorted(agent, np.arange(N + 1))
    by_slot = np.argsort(eligible, kind="stable")
    slot_edges = np.searchsorted(eligible[by_slot], np.arange(num_slots + 1))
    arrived = np.zeros(N, dtype=np.int64)
    head = np.zeros(N, dtype=np.int64)

    group = drop.group
    serving = drop.serving
    gain_lin = 10.0 ** (drop.gain_db / 10.0)                               # [N, S]
    g_serv = gain_lin[np.arange(N), serving]
    p_dbm = _tx_power_dbm(sc, drop, tables.rbs)                            # [N, C] per RB
    p_lin = 10.0 ** (p_dbm / 10.0)
    noise = 10.0 ** (drop.noise_dbm / 10.0)
    rbs_gc = tables.rbs                                                    # [G, C]
    downlink = net.direction == "downlink"
    interference = net.interference and S > 1

    # link adaptation state
    policy = unit.link_adaptation
    olla = policy.endswith("_olla")
    fixed = tables.labels.index(policy.split(":", 1)[1]) if policy.startswith("fixed:") else None
    offset = np.zeros(N)
    off_lo, off_hi = la.olla_offset_db
    i_est = np.zeros(S)                     # uplink: interference per RB at each station [mW]
    activity = np.zeros(S)                  # downlink: share of RBs each station uses

    # scheduler state (Sionna's PF: batch = sectors, one resource, agents by local index)
    local = np.zeros(N, dtype=np.int64)
    counts = np.bincount(serving, minlength=S)
    for b in range(S):
        local[serving == b] = np.arange(counts[b])
    umax = max(1, int(counts.max()))
    pf = None
    if unit.scheduler.startswith("pf_"):
        pf = PFSchedulerSUMIMO(umax, 1, 1, batch_size=S, beta=net.pf_beta, precision="double", device="cpu")
    last_rate = np.zeros((S, umax))
    last_served = np.full(N, -1, dtype=np.int64)

    out_slot = np.full(M, -1, dtype=np.int64)
    out_cfg = np.full(M, -1, dtype=np.int64)
    out_eff = np.full(M, np.nan)
    out_est = np.full(M, np.nan)
    out_pred = np.full(M, np.nan)
    out_ok = np.zeros(M, dtype=bool)
    slot_used = np.zeros((num_slots, S), dtype=np.int32)
    feedback: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    pending: list = []                      # sent messages whose decisions are not drawn yet
    decided_until = -1                      # decisions drawn for every message sent up to this slot
    width = int(rbs_gc.max())
    fading = net.fading

    for t in range(num_slots):
        lo, hi = slot_edges[t], slot_edges[t + 1]
        if hi > lo:
            arrived += np.bincount(agent[by_slot[lo:hi]], minlength=N)
        if olla and t in feedback:
            if t - la.feedback_delay_slots > decided_until:        # outcomes of every message sent so far
                _decide(pending, tables, u_draw, out_eff, out_ok)
                decided_until = t - 1
            ids, expected = feedback.pop(t)
            np.add.at(offset, agent[ids], la.olla_step_db * (out_ok[ids].astype(np.float64) - expected))
            np.clip(offset, off_lo, off_hi, out=offset)
        elif len(pending) >= 512:
            _decide(pending, tables, u_draw, out_eff, out_ok)
            decided_until = t - 1
        cand = np.flatnonzero(arrived > head)
        if len(cand) == 0:
            if pf is not None:
                pf(torch.from_numpy(last_rate), torch.zeros(S, 1, 1, umax, dtype=torch.float64))
                last_rate[:] = 0.0
            _update_interference(net, i_est, activity, np.zeros((S, R)), None, downlink)
            continue
        # -- SINR estimate and link adaptation ------------------------------------------
        cb = serving[cand]
        if downlink:
            i_hat = (activity[None, :] * p_lin[cand][:, :1] * gain_lin[cand]).sum(1) - \
                activity[cb] * p_lin[cand, 0] * g_serv[cand] if interference else 0.0
        else:
            i_hat = i_est[cb] if interference else 0.0
        est_db = 10.0 * np.log10(p_lin[cand] * g_serv[cand][:, None] / (noise + np.asarray(i_hat)[..., None]))
        cfg, pred = choose_configs(policy, fixed, tables, group[cand], est_db + offset[cand][:, None],
                                   la.target_accuracy)
        need = rbs_gc[group[cand], cfg]
        est_c = est_db[np.arange(len(cand)), cfg]
        # -- scheduling --------------------------------------------------------------
        if pf is not None:
            if unit.scheduler == "pf_rate":
                value = np.log2(1.0 + 10.0 ** ((est_c + offset[cand]) / 10.0))
            else:
                value = pred / need
            ach = torch.zeros(S, 1, 1, umax, dtype=torch.float64)
            ach[cb, 0, 0, local[cand]] = torch.from_numpy(value)
            pf(torch.from_numpy(last_rate), ach)
            metric = pf.pf_metric[cb, 0, 0, local[cand]].numpy()
        else:
            metric = (t - last_served[cand]).astype(np.float64)
        order = np.lexsort((cand, -metric, cb))                             # sector, then best metric first
        cs = np.cumsum(need[order])
        sec = cb[order]
        first_of_sector = np.searchsorted(sec, sec)                        # index where each sector's run starts
        before = np.where(first_of_sector > 0, cs[first_of_sector - 1], 0)
        end = cs - before
        ok = end <= R
        sel = order[ok]
        first_rb = (end - need[order])[ok]
        last_rate[:] = 0.0
        if len(sel) == 0:
            _update_interference(net, i_est, activity, np.zeros((S, R)), None, downlink)
            continue
        a_s = cand[sel]
        b_s = cb[sel]
        n_s = need[sel]
        c_s = cfg[sel]
        msg = start[a_s] + head[a_s]
        head[a_s] += 1
        last_served[a_s] = t
        # -- per-RB occupancy and SINR -----------------------------------------------
        k = len(sel)
        rep = np.repeat(np.arange(k), n_s)
        rb = first_rb[rep] + (np.arange(len(rep)) - np.repeat(np.cumsum(n_s) - n_s, n_s))
        occ = np.full((S, R), -1, dtype=np.int64)
        occ[b_s[rep], rb] = a_s[rep]
        occ_first = np.zeros((S, R), dtype=np.int64)
        occ_first[b_s[rep], rb] = first_rb[rep]
        pw = np.zeros((S, R))
        pw[b_s[rep], rb] = p_lin[a_s[rep], c_s[rep]]
        rng = derive_rng(unit.seed, "system-fading", unit.drop, t)
        if fading == "none":
            f_des = np.ones((S, R))
            f_int = np.ones((S, S, R)) if interference else None
        else:
            f_des = rng.exponential(1.0, (S, R))
            f_int = rng.exponential(1.0, (S, S, R)) if interference else None
            if fading == "rayleigh_flat":      # one coefficient per link and slot: the value at its first RB
                f_des = np.take_along_axis(f_des, occ_first, axis=1)
                if interference:
                    f_int = np.take_along_axis(f_int, np.broadcast_to(occ_first[None], f_int.shape), axis=2)
        active = occ >= 0
        g_occ = np.where(active, g_serv[np.maximum(occ, 0)], 0.0)
        desired = pw * g_occ * f_des
        if interference:
            others = ~np.eye(S, dtype=bool)
            gl = np.where(active[:, :, None], gain_lin[np.maximum(occ, 0)], 0.0)       # [S, R, S]
            if downlink:
                # at the agent served on (b, r): every other station b' transmitting on r
                p_bs = float(pw[active][0])
                itf = (gl * active.T[None, :, :] * p_bs * np.transpose(f_int, (0, 2, 1))
                       * others[:, None, :]).sum(-1)
            else:
                # at station b on RB r: the agent on (b', r) of every other sector b'
                contrib = pw[:, :, None] * gl * np.transpose(f_int, (1, 2, 0)) * others[:, None, :]   # [b', R, b]
                itf = contrib.sum(0).T
        else:
            itf = np.zeros((S, R))
        sinr_db = 10.0 * np.log10(np.maximum(desired, 1e-300) / (noise + itf))
        # per-RB SINRs of the slot's messages, padded to the slot's widest message (-inf: no RE)
        rows = np.full((k, width), -np.inf)
        rows[rep, rb - first_rb[rep]] = sinr_db[b_s[rep], rb]
        pending.append((msg, group[a_s], c_s, rows))
        out_slot[msg], out_cfg[msg] = t, c_s
        out_est[msg], out_pred[msg] = est_c[sel], pred[sel]
        slot_used[t] = np.bincount(b_s, weights=n_s, minlength=S)
        # achieved "rate" for the PF average (what the scheduler knows when it sends)
        if pf is not None:
            served = np.log2(1.0 + 10.0 ** (est_c[sel] / 10.0)) * n_s / R if unit.scheduler == "pf_rate" \
                else pred[sel]
            last_rate[b_s, local[a_s]] = served
        if olla:
            fb = fb_draw[msg] < la.feedback_fraction
            if fb.any():
                feedback[t + la.feedback_delay_slots] = (msg[fb], pred[sel][fb])
        _update_interference(net, i_est, activity, itf, active, downlink)
    _decide(pending, tables, u_draw, out_eff, out_ok)
    return SystemRun(drop, agent, arr_s, out_slot, out_cfg, out_eff, out_est, out_ok, out_pred,
                     np.where(out_cfg >= 0, rbs_gc[group[agent], np.maximum(out_cfg, 0)], 0), slot_used, num_slots,
                     rates, offset)


def run_system_unit(sc, unit: SystemUnit) -> list[dict[str, Any]]:
    """Simulate ``unit`` and return its rows (network, per cell, per user)."""
    tables = study_tables(sc)
    run = simulate_system(sc, unit, tables)
    return unit_rows(sc, unit, run, tables)
