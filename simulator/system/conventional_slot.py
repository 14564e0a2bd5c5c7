"""The conventional 5G bit pipe as a policy of the system engine: ``conventional_5g:<label>``
carries the digital configuration ``<label>`` (K coordinates at b bits) of every message in NR
transport blocks (:class:`~.conventional.ConventionalPipe`) on the engine's grid, radio and
scheduler.

Per slot, for every sector at once:

1. **Retransmissions first.** TBs whose HARQ round trip has passed go before new data (one per
   agent, oldest first), on as many PRBs as their first copy; what does not fit waits a slot.
2. **New TBs.** Every other backlogged agent puts its whole queue (up to what one TB on the
   whole band holds at the lowest MCS) in one TB: MCS by the pipe on its SINR estimate (the
   estimate at one PRB picks a first MCS, the estimate at that MCS's PRB count, whose power
   per RE is the one it will use, the final one), PRBs for that payload. Sectors grant PRBs
   in the scheduler's order (Sionna's PF metric on the Shannon rate, or on the expected
   correct decisions per PRB: clean accuracy × messages a PRB carries at the MCS); an agent
   whose next message does not fit what is left is skipped and the next one tried; the
   last grant may be partial (the whole messages its TBS holds).
3. **Placement and channel** by the engine's scheduler and radio; each transmission's per-PRB
   SINRs in ascending frequency go to the pipe (chase combining adds PRB k of each copy).
4. **Outcomes.** ACK: each message is decided, correct when its draw ``u`` (the one every
   policy of the study uses) is below the digital table's clean accuracy; a TB lost after its
   last retransmission fails every decision it carried; a message decided after its deadline
   counts as expired. The first-transmission ACK/NACK steps the agent's outer loop at once
   (uplink: the station decodes the TB itself). A message's REs are its share of its TB's
   REs over every copy.

:class:`ConventionalSlots` is driven by the engine's unit loop (:mod:`.engine`), whose radio,
scheduler, queues and outputs it uses through the attributes named in its docstring.
"""

from __future__ import annotations

import numpy as np

from semcom.core.errors import ScenarioError

from .conventional import ConventionalPipe
from .payload import delivered_accuracy, payload_bits
from .scheduler import allocation_prbs

__all__ = ["ConventionalSlots", "POLICY", "is_conventional"]

#: The policy's name on the ``link_adaptation`` axis (expanded to ``conventional_5g:<label>``).
POLICY = "conventional_5g"


def is_conventional(policy: str) -> bool:
    return policy.startswith(POLICY + ":")


class ConventionalSlots:
    """The bit pipe's slots of one unit.

    :param loop: the engine's unit loop; read: ``net``, ``unit``, ``tables``, ``drop``, ``traffic``,
        ``S``, ``R``, ``re_prb``, ``slot_s``, ``head``, ``radio``, ``sched``, ``n_prb_of``,
        ``_achievable``; written: ``out``, ``head``, ``prbs_used``, ``trace``, ``olla.agent``.
    """

    def __init__(self, loop):
        self.loop = loop
        net, tables, unit = loop.net, loop.tables, loop.unit
        spec = net.conventional
        label = unit.link_adaptation.split(":", 1)[1]
        self.config = tables.labels.index(label)
        self.msg_bits = payload_bits(tables, spec.header_bits)[:, self.config]  # [G]
        if not np.all(self.msg_bits > 0):
            raise ScenarioError(
                "sweep.link_adaptation",
                unit.link_adaptation,
                f"{label} is not a digital configuration (no bits to carry)",
                "give conventional_5g digital configurations (a scheme with bits)",
            )
        self.clean = delivered_accuracy(tables)[0][:, self.config]  # [G]
        self.pipe = ConventionalPipe(
            loop.N,
            direction=net.direction,
            re_per_prb=loop.re_prb,
            max_prbs=loop.R,
            seed=unit.seed,
            purpose=(unit.drop, unit.placement, unit.scheduler, label, unit.arrival_rate),
            **dict(spec),
        )
        self.max_msgs = self.pipe.sizes.max_payload_bits() // self.msg_bits  # [G]
        if not np.all(self.max_msgs >= 1):
            raise ScenarioError(
                "system.grid",
                None,
                f"one {label} message ({int(self.msg_bits.max())} "
                "bits) does not fit the band at the lowest MCS",
                "use more PRBs or a smaller payload",
            )
        tr = loop.traffic
        last = np.floor((tr.arrival_s + net.traffic.deadline_s) / loop.slot_s + 1e-9)
        self.last_ok = last.astype(np.int64) - 1  # the last slot a decision is on time
        self.res = np.zeros(len(tr.agent), dtype=np.float64)  # [M] REs of each message's TB share
        self.tb_first, self.tb_count = np.zeros(0, np.int64), np.zeros(0, np.int64)
        self.tb_res, self.tb_est = np.zeros(0), np.zeros(0)

    def slot(self, t: int, agents: np.ndarray, first: np.ndarray, count: np.ndarray) -> None:
        """Serve slot ``t``: ``agents`` [A] backlogged, their queues ``first`` [A], ``count`` [A]."""
        loop, pipe, group = self.loop, self.pipe, self.loop.drop.group
        due = pipe.due(t)
        if len(due):  # one retransmission per agent
            due = due[np.sort(np.unique(pipe.harq.agent[due], return_index=True)[1])]
        fresh = ~np.isin(agents, pipe.harq.agent[due])
        new, first, count = agents[fresh], first[fresh], count[fresh]
        g = group[new]
        n_msg = np.minimum(count, self.max_msgs[g])
        mcs, need, est = self._adapt(new, n_msg * self.msg_bits[g])
        who = np.concatenate([pipe.harq.agent[due], new])
        retx = np.arange(len(who)) < len(due)
        loop.trace[t, 0] = float(pipe.offset_db.mean())
        if len(who) == 0:
            loop.sched.idle()
            loop.radio.idle()
            return
        mcs_all = np.concatenate([pipe.harq.mcs[due], mcs]).astype(np.int64)
        need_all = np.concatenate([pipe.harq.prbs[due], need])
        per_msg = np.concatenate([self.msg_bits[group[pipe.harq.agent[due]]], self.msg_bits[g]])
        msgs = np.concatenate([self.tb_count[due], n_msg])
        order, per_prb_metric = self._rank(t, who, retx, mcs_all, per_msg)
        grant, msgs[order] = self._grant(
            loop.drop.serving[who[order]],
            retx[order],
            mcs_all[order],
            need_all[order],
            per_msg[order],
            msgs[order],
        )
        if not grant.any():
            loop.sched.idle()
            loop.radio.idle()
            return
        who, retx, sector = who[order], retx[order], loop.drop.serving[who[order]]
        occ = loop.sched.place(t, sector, grant, per_prb_metric)
        occ_agent = np.where(occ >= 0, who[np.maximum(occ, 0)], -1)
        loop.n_prb_of[who] = np.maximum(grant, 1)
        sinr_db = 10.0 * np.log10(loop.radio.slot_sinr(t, occ_agent, loop.n_prb_of))
        prb_of = allocation_prbs(occ, grant)
        rows = np.where(prb_of >= 0, sinr_db[sector[:, None], np.maximum(prb_of, 0)], np.nan)
        loop.prbs_used[t] = np.bincount(sector, weights=grant, minlength=loop.S)
        sent = grant > 0
        r, n = np.flatnonzero(sent & retx), np.flatnonzero(sent & ~retx)
        tb_retx = due[order[r]]
        self.tb_res[tb_retx] += grant[r] * loop.re_prb
        pos = order[n] - len(due)
        out = pipe.send(t, tb_retx, rows[r], who[n], mcs[pos], rows[n], per_prb=True)
        new = out.transmission == 1
        self._open(out.tb[new], loop.head[who[n]], msgs[order[n]], grant[n] * loop.re_prb, est[pos])
        loop.head[who[n]] += msgs[order[n]]
        pipe.feedback(out.agent[new], out.ack[new])
        self._settle(t, out)
        loop.olla.agent[:] = pipe.offset_db
        self._served(t, who[sent], grant[sent], msgs[order][sent])

    def _adapt(self, agents, payload):
        """MCS, PRBs and SINR estimate [dB] of new TBs of ``payload`` bits [A]."""
        radio, pipe = self.loop.radio, self.pipe
        if len(agents) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        est = radio.estimate_db(agents, np.ones((len(agents), 1), np.int64))[:, 0]
        need = pipe.prbs_for(pipe.select_mcs(agents, est, payload), payload)
        est = radio.estimate_db(agents, need[:, None])[:, 0]
        mcs = pipe.select_mcs(agents, est, payload)
        return mcs.astype(np.int64), pipe.prbs_for(mcs, payload), est

    def _rank(self, t, who, retx, mcs, per_msg):
        """Serving order (sector, retransmissions, then the scheduler's metric) and its per-PRB metric
        (frequency-selective placement); the metric reads the expected correct decisions per PRB."""
        loop = self.loop
        g = loop.drop.group[who]
        value = self.clean[g] * self.pipe.tb_size_bits(mcs, np.ones(len(who), np.int64)) / per_msg
        ach, per_prb = loop._achievable(t, who, None, value[:, None] * loop.tables.res[g] / loop.re_prb, g)
        metric, per_prb_metric = loop.sched.metric(t, who, ach)
        if per_prb is not None and per_prb_metric is None:
            per_prb_metric = per_prb
        order = np.lexsort((who, -metric, ~retx, loop.drop.serving[who]))
        return order, (per_prb_metric[order] if per_prb_metric is not None else None)

    def _grant(self, sector, retx, mcs, need, per_msg, msgs):
        """PRBs of each entry (sorted by sector, then rank) and the messages a new TB carries."""
        loop = self.loop
        left = np.full(loop.S, loop.R, dtype=np.int64)
        grant = np.zeros(len(sector), dtype=np.int64)
        msgs = msgs.copy()
        rank = np.arange(len(sector)) - np.searchsorted(sector, sector)
        for k in range(int(rank.max()) + 1 if len(rank) else 0):
            w = np.flatnonzero(rank == k)
            room = left[sector[w]]
            one = np.where(retx[w], need[w], 0)
            fresh = ~retx[w]
            if fresh.any():
                one[fresh] = self.pipe.prbs_for(mcs[w][fresh], per_msg[w][fresh])
            full = need[w] <= room
            part = ~full & ~retx[w] & (one <= room)  # a partial TB: the messages that fit
            if part.any():
                tbs = self.pipe.tb_size_bits(mcs[w][part], room[part])
                msgs[w[part]] = np.minimum(msgs[w[part]], tbs // per_msg[w][part])
                need = need.copy()
                need[w[part]] = self.pipe.prbs_for(mcs[w][part], msgs[w[part]] * per_msg[w][part])
            gets = full | part
            grant[w[gets]] = need[w[gets]]
            left[sector[w[gets]]] -= need[w[gets]]
        return grant, msgs

    def _open(self, tb, first_msg, n_msg, res, est) -> None:
        grow = int(tb.max()) + 1 if len(tb) else 0
        if grow > len(self.tb_first):
            extra = max(grow, 2 * len(self.tb_first)) - len(self.tb_first)
            self.tb_first, self.tb_count = (
                np.concatenate([a, np.zeros(extra, np.int64)]) for a in (self.tb_first, self.tb_count)
            )
            self.tb_res, self.tb_est = (
                np.concatenate([a, np.zeros(extra)]) for a in (self.tb_res, self.tb_est)
            )
        self.tb_first[tb], self.tb_count[tb], self.tb_res[tb], self.tb_est[tb] = first_msg, n_msg, res, est

    def _settle(self, t: int, out) -> None:
        """Decide the messages of the TBs this round delivered or lost."""
        done = out.ack | out.lost
        if not done.any():
            return
        tb = out.tb[done]
        n = self.tb_count[tb]
        msg = np.repeat(self.tb_first[tb], n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        o, u = self.loop.out, self.loop.traffic.u
        clean = self.clean[self.loop.drop.group[self.loop.traffic.agent[msg]]]
        late = t > self.last_ok[msg]
        ok = np.repeat(out.ack[done], n) & (u[msg] < clean) & ~late
        o["expired"][msg[late]] = True
        o["lost"][msg] = np.repeat(out.lost[done], n) & ~late
        on_time = msg[~late]
        o["slot"][on_time], o["cfg"][on_time] = t, self.config
        o["ok"][msg] = ok
        o["eff"][msg] = np.repeat(out.sinr_eff_db[done], n)
        o["est"][msg] = np.repeat(self.tb_est[tb], n)
        o["pred"][msg] = clean
        self.res[msg] = np.repeat(self.tb_res[tb] / n, n)

    def _served(self, t, who, grant, msgs) -> None:
        """What each served agent received, for the PF averages (as the engine counts it: Shannon
        rate over the PRBs it got, or the expected correct decisions its TB carries)."""
        loop = self.loop
        if loop.unit.scheduler == "pf_rate":
            est = loop.radio.estimate_db(who, grant[:, None])[:, 0]
            achieved = grant * np.log2(1.0 + 10.0 ** (est / 10.0)) / loop.R
        else:
            achieved = self.clean[loop.drop.group[who]] * msgs
        loop.sched.served(t, who, achieved)
