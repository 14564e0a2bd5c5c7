"""System engine: one unit (seed, drop, placement, scheduler, link-adaptation policy, load).

Every agent sends messages (:mod:`.traffic`) to the edge server of its serving sector
(uplink; downlink: the server sends to it). Time runs in the NR grid's slots; per slot,
for all sectors at once (numpy over agents, messages, sectors and PRBs; no Python loop
per message):

1. **Queues.** Messages that arrived by the slot's start join their agent's queue (first in,
   first out); a message that can no longer be decided within ``traffic.deadline_s`` (its
   slot would end later) is dropped and counts as a failed decision.
2. **Inner loop.** Every backlogged agent's SINR estimate per configuration (its power per
   RE for that configuration's PRB count, :meth:`~.radio.Radio.estimate_db`) plus its
   outer-loop offset gives each configuration's expected accuracy.
3. **Priority** (:class:`~.scheduler.Scheduler`, Sionna's PF metric or round robin).
4. **Packing and link adaptation** (:mod:`.link_adaptation`, :mod:`.packing`): whole PRBs per
   agent carrying the head of its queue; each sector keeps the candidate rule with the most
   expected correct decisions; ``max_correct`` spends free REs at zero price.
5. **Placement** of every allocation on the band, then the **channel** of the slot
   (:meth:`~.radio.Radio.slot_sinr`: per PRB, fading and interference of the other sectors'
   transmissions on that PRB).
6. **Decisions** (:mod:`.decisions`): per message, its REs' SINRs → effective SINR → the
   table's accuracy → correct if its draw ``u`` is below it; **feedback**
   ``feedback_delay_slots`` later to the outer loop.

Randomness: arrivals and each message's draws per (seed, drop, group, load); fading per
(seed, drop) and link, evaluated at (PRB, slot); placement per (seed, drop, slot); so every
policy and scheduler of a study sees the same traffic and channel (paired comparisons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from semcom.core.threads import NETWORK_UNIT_THREADS, fixed_threads
from .conventional_slot import ConventionalSlots, is_conventional
from .decisions import Decider, SentRecord
from .geometry import Drop, make_drop
from .grid import re_counts
from .link_adaptation import SectorPrice, fixed_index, policy_rules
from .outer_loop import OuterLoop
from .metrics import unit_rows
from .packing import SlotCandidates, pack, upgrade
from .radio import Radio
from .scheduler import Scheduler, allocation_prbs
from .tables import study_tables
from .traffic import arrivals
from .units import SystemUnit

__all__ = ["simulate_system", "SystemRun", "run_system_unit"]

_BIG = np.int64(1 << 32)


@dataclass
class SystemRun:
    """What one simulation produced (per-message arrays in (agent, arrival) order).

    :ivar agent, arrival_s: [M]. :ivar slot: [M] slot it was sent in (-1: never sent).
    :ivar expired: [M] not decided within its deadline. :ivar lost: [M] in a transport block lost after
        its last HARQ retransmission (``conventional_5g``). :ivar config: [M] (-1: never sent).
    :ivar sinr_eff_db, sinr_est_db: [M] effective SINR, large-scale estimate (NaN: never sent).
    :ivar correct: [M]. :ivar predicted: [M] the accuracy the inner loop expected. :ivar res: [M] REs.
    :ivar prbs_used: [num_slots, S] PRBs allocated per sector. :ivar rates: [N] decisions/s.
    :ivar olla_offset_db: [N] agents' outer-loop offsets at the end. :ivar offset_trace_db: [num_slots, 1 + C]
        per slot the agents' mean SINR offset [dB] and each configuration's SINR shift [dB] (first group).
    :ivar record: :class:`~.decisions.SentRecord` in record mode, else `None`.
    """

    drop: Drop
    agent: np.ndarray
    arrival_s: np.ndarray
    slot: np.ndarray
    expired: np.ndarray
    lost: np.ndarray
    config: np.ndarray
    sinr_eff_db: np.ndarray
    sinr_est_db: np.ndarray
    correct: np.ndarray
    predicted: np.ndarray
    res: np.ndarray
    prbs_used: np.ndarray
    num_slots: int
    rates: np.ndarray
    olla_offset_db: np.ndarray
    offset_trace_db: np.ndarray
    record: SentRecord | None = None


def simulate_system(sc, unit: SystemUnit, tables, record: bool = False) -> SystemRun:
    """Run ``unit`` (see the module docstring); ``record``: keep every sent message's per-RE SINRs.

    Torch runs on one intra-op thread meanwhile: its tensors here are small (Sionna's PF
    scheduler and power control), and small tensors on two threads collapse under load."""
    with fixed_threads(NETWORK_UNIT_THREADS):
        return _UnitLoop(sc, unit, tables, record).run()


class _UnitLoop:
    def __init__(self, sc, unit, tables, record):
        net = sc.system
        self.net, self.unit, self.tables = net, unit, tables
        self.la = net.link_adaptation
        self.drop = make_drop(net, unit.seed, unit.drop)
        self.traffic = arrivals(sc, unit, self.drop)
        tr = self.traffic
        self.M, self.N, self.S = len(tr.agent), self.drop.num_agents, self.drop.num_sectors
        self.R, self.re_prb, self.slot_s = net.grid.prbs(), net.grid.data_re_per_prb(), net.grid.slot_s()
        self.num_slots = int(math.ceil((net.duration_s + net.drain_s) / self.slot_s - 1e-9))
        eligible = np.ceil(tr.arrival_s / self.slot_s - 1e-9).astype(np.int64)
        last_ok = np.floor((tr.arrival_s + net.traffic.deadline_s) / self.slot_s + 1e-9).astype(np.int64) - 1
        self.key_out = tr.agent * _BIG + last_ok
        self.head = np.searchsorted(tr.agent, np.arange(self.N))
        self.end = self.head.copy()                       # queue of agent a: messages head[a] .. end[a]-1
        self.by_slot = np.argsort(eligible, kind="stable")
        self.slot_edges = np.searchsorted(eligible[self.by_slot], np.arange(self.num_slots + 1))
        self.radio = Radio(sc, self.drop, unit.seed, unit.drop)
        self.sched = Scheduler(unit.scheduler, unit.placement, self.drop.serving, self.S, self.R, net.pf_beta,
                               unit.seed, unit.drop, self.num_slots)
        self.policy = unit.link_adaptation
        self.fixed = fixed_index(self.policy, tables.labels)
        self.olla = OuterLoop(self.drop.group, len(tables.labels), self.la, self.policy.endswith("_olla"))
        self.price = SectorPrice(self.S, self.R * self.re_prb,
                                 self.la.price_backlog_share * net.traffic.deadline_s / self.slot_s,
                                 self.la.price_gain, self.la.price_floor, self.la.interference_price,
                                 net.interference_ewma)
        # PRBs a message of each (group, configuration) needs on its own
        self.prbs_gc = -(-tables.res // self.re_prb)
        M = self.M
        self.out = dict(slot=np.full(M, -1, dtype=np.int64), cfg=np.full(M, -1, dtype=np.int64),
                        eff=np.full(M, np.nan), est=np.full(M, np.nan), pred=np.full(M, np.nan),
                        ok=np.zeros(M, dtype=bool), expired=np.zeros(M, dtype=bool), lost=np.zeros(M, dtype=bool),
                        res=np.zeros(M, dtype=np.int64))
        self.decider = Decider(tables, tr.u, record)
        self.prbs_used = np.zeros((self.num_slots, self.S), dtype=np.int32)
        self.trace = np.zeros((self.num_slots, 1 + len(tables.labels)))
        self.n_prb_of = np.ones(self.N, dtype=np.int64)
        self.pipe = ConventionalSlots(self) if is_conventional(self.policy) else None

    def run(self) -> SystemRun:
        for t in range(self.num_slots):
            self._feedback(t)
            agents, first, count = self._queues(t)
            self.trace[t, 0], self.trace[t, 1:] = self.olla.agent.mean(), self.olla.shift[0]
            if self.pipe is not None:                # the 5G bit pipe (retransmissions may be due)
                self.pipe.slot(t, agents, first, count)
                continue
            if len(agents) and self._slot(t, agents, first, count):
                continue
            if not len(agents):
                self.price.update(np.zeros(self.S))
                self.sched.idle()
            self.radio.idle()
        self.decider.flush(self.out["eff"], self.out["ok"])
        o, tr = self.out, self.traffic
        res = self.pipe.res if self.pipe is not None else o["res"]
        return SystemRun(self.drop, tr.agent, tr.arrival_s, o["slot"], o["expired"], o["lost"], o["cfg"], o["eff"],
                         o["est"], o["ok"], o["pred"], res, self.prbs_used, self.num_slots, tr.rates,
                         self.olla.agent, self.trace, self.decider.sent_record())

    def _feedback(self, t: int) -> None:
        if self.olla.due(t):
            self.decider.flush(self.out["eff"], self.out["ok"])
            self.olla.learn(t, self.out["ok"])
        elif len(self.decider.pending) >= 256:
            self.decider.flush(self.out["eff"], self.out["ok"])

    def _queues(self, t: int):
        """Add the slot's arrivals, drop what expired; return the backlogged agents and their queues."""
        lo, hi = self.slot_edges[t], self.slot_edges[t + 1]
        if hi > lo:
            np.add.at(self.end, self.traffic.agent[self.by_slot[lo:hi]], 1)
        agents = np.flatnonzero(self.end > self.head)
        alive = np.searchsorted(self.key_out, agents * _BIG + t, side="left")
        late = alive > self.head[agents]
        if late.any():
            gone = agents[late]
            stop = np.minimum(alive[late], self.end[gone])
            n = stop - self.head[gone]
            ids = np.repeat(self.head[gone], n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
            self.out["expired"][ids] = True
            self.head[gone] = stop
            agents = agents[self.end[agents] > self.head[agents]]
        return agents, self.head[agents], self.end[agents] - self.head[agents]

    def _slot(self, t: int, agents: np.ndarray, first: np.ndarray, count: np.ndarray) -> bool:
        tables, radio, group = self.tables, self.radio, self.drop.group
        g = group[agents]
        est = radio.estimate_db(agents, self.prbs_gc[g])                                    # [A, C]
        acc = self.olla.predict(tables, agents, est)
        ach, per_prb = self._achievable(t, agents, est, acc, g)
        metric, per_prb_metric = self.sched.metric(t, agents, ach)
        if per_prb is not None and per_prb_metric is None:
            per_prb_metric = per_prb
        sector = self.drop.serving[agents]
        order = np.lexsort((agents, -metric, sector))
        agents, first, count, sector, est, acc, g = (x[order] for x in (agents, first, count, sector, est, acc, g))
        per_prb_metric = per_prb_metric[order] if per_prb_metric is not None else None
        mfirst = np.cumsum(count) - count
        owner = np.repeat(np.arange(len(agents)), count)
        msg = np.repeat(first, count) + np.arange(len(owner)) - mfirst[owner]
        cand = SlotCandidates(sector, mfirst, count, tables.res[g[owner]], acc[owner])
        admitted, config, n_prb = self._adapt(cand)
        if not admitted.any():
            return False
        occ = self.sched.place(t, sector, n_prb, per_prb_metric)
        occ_agent = np.where(occ >= 0, agents[np.maximum(occ, 0)], -1)
        self.n_prb_of[agents] = np.maximum(n_prb, 1)
        sinr_db = 10.0 * np.log10(radio.slot_sinr(t, occ_agent, self.n_prb_of))
        self._deliver(t, agents, sector, msg[admitted], owner[admitted], config[admitted], n_prb, occ, sinr_db,
                      est, acc, g)
        return True

    def _achievable(self, t, agents, est, acc, g):
        """What the scheduler's metric reads: Shannon rate per RE or expected correct decisions per PRB."""
        per_prb = None
        if self.sched.placement == "frequency_selective":
            per_prb = np.log2(1.0 + 10.0 ** (self.radio.csi_db(agents, t) / 10.0))        # [A, R]
        if self.unit.scheduler == "pf_rate":
            one = np.log2(1.0 + 10.0 ** (self.radio.estimate_db(agents, np.ones((len(agents), 1), np.int64))[:, 0]
                                         / 10.0))
            return (per_prb if per_prb is not None else one), per_prb
        value = (acc * self.re_prb / self.tables.res[g]).max(1)
        if per_prb is not None:
            return value[:, None] * per_prb / np.maximum(per_prb.mean(1, keepdims=True), 1e-12), per_prb
        return value, per_prb

    def _adapt(self, cand: SlotCandidates):
        owner = cand.owner
        rules, spend = policy_rules(self.policy, cand.acc, cand.res, self.price.price[cand.sector[owner]],
                                    self.la.target_accuracy, self.fixed)
        p = pack(cand, rules, self.S, self.R, self.re_prb)
        best = np.argmax(p.objective, axis=0)                                   # [S] the best rule per sector
        j_msg = best[cand.sector[owner]]
        admitted = p.admitted[j_msg, np.arange(len(owner))]
        config = p.config[j_msg, np.arange(len(owner))]
        n_prb = p.n_prb[best[cand.sector], np.arange(len(cand.sector))]
        if spend:
            left = np.where(admitted, 0, cand.res[np.arange(len(owner)), config])
            busy = np.bincount(cand.sector, weights=n_prb, minlength=self.S) / self.R
            self.price.update(np.bincount(cand.sector[owner], weights=left, minlength=self.S), busy)
            admitted, config = upgrade(cand, admitted, config, n_prb, self.re_prb)
        return admitted, config, n_prb

    def _deliver(self, t, agents, sector, msg, own, cfg, n_prb, occ, sinr_db, est, acc, g) -> None:
        """Record what was sent, hand it to the decider, update queues, PF, feedback."""
        o = self.out
        prb_of = allocation_prbs(occ, n_prb)
        width = prb_of.shape[1]
        res = self.tables.res[g[own], cfg]
        seg = np.searchsorted(own, own)
        offset = np.cumsum(res) - res
        offset = offset - offset[seg]
        rows = np.where(prb_of[own] >= 0, sinr_db[sector[own][:, None], np.maximum(prb_of[own], 0)], np.nan)
        counts = re_counts(offset, res, n_prb[own], width)
        o["slot"][msg], o["cfg"][msg], o["est"][msg] = t, cfg, est[own, cfg]
        o["pred"][msg], o["res"][msg] = acc[own, cfg], res
        self.decider.add(msg, g[own], cfg, rows, counts, offset, res, n_prb[own], est[own, cfg], t)
        sent = np.bincount(own, minlength=len(agents))
        self.head[agents] += sent
        self.prbs_used[t] = np.bincount(sector, weights=n_prb, minlength=self.S)
        served = np.flatnonzero(n_prb > 0)
        if self.unit.scheduler == "pf_rate":
            value = n_prb * np.log2(1.0 + 10.0 ** (est[:, 0] / 10.0)) / self.R
        else:
            value = np.bincount(own, weights=acc[own, cfg], minlength=len(agents))
        self.sched.served(t, agents[served], value[served])
        self.olla.expect(self.tables, t, msg, agents[own], cfg, acc[own, cfg], est[own, cfg],
                         self.traffic.feedback_draw[msg])


def run_system_unit(sc, unit: SystemUnit) -> list[dict[str, Any]]:
    """Simulate ``unit`` and return its rows (network, per cell, per user)."""
    tables = study_tables(sc)
    run = simulate_system(sc, unit, tables)
    return unit_rows(sc, unit, run, tables)
