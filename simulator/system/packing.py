"""Packing a slot: which queued messages each sector sends, with which configuration, on how
many PRBs. Vectorised over sectors and over candidate *rules* (a rule gives every message a
configuration); the caller keeps, per sector, the rule whose packing promises the most
expected correct decisions.

Agents are served in the scheduler's priority order, each with the messages at the head of
its queue (first in, first out) concatenated into one allocation of whole PRBs
(``ceil(REs / data REs per PRB)``), as NR carries several SDUs in one transport block. An
agent whose whole queue does not fit in what is left gets as many of its head messages as
fit; agents after it still get PRBs if their first message fits in what remains
(skip-and-continue: no resource stays idle while a waiting message fits it, whatever its
place in the order). :func:`upgrade` then spends the REs left free in each agent's last,
partly filled PRB, which cost nothing: on the best accuracy gains of its messages'
configurations, or on admitting its next message.

Example::

    import numpy as np
    from semcom.simulator.system.packing import SlotCandidates, pack
    # one sector, two agents with 2 and 1 queued messages; configurations cost 50 and 200 REs
    cand = SlotCandidates(sector=np.array([0, 0]), first=np.array([0, 2]), count=np.array([2, 1]),
                          res=np.array([[50, 200]] * 3), acc=np.array([[0.6, 0.9]] * 3))
    rules = np.array([[0, 0, 0], [1, 1, 1]])                  # everything at config 0, or at config 1
    out = pack(cand, rules, num_sectors=1, num_prbs=2, re_per_prb=144)
    print(out.admitted.sum(1), out.objective[:, 0])          # [3 1] [1.8 0.9]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SlotCandidates", "Packing", "pack", "pack_prefixes", "upgrade", "segment_cumsum"]


@dataclass
class SlotCandidates:
    """The slot's queued messages, agents sorted by (sector, priority), messages by (agent, age).

    :ivar sector: [A] sector of each agent. :ivar first, count: [A] its messages ``first .. first+count-1``.
    :ivar res: [M, C] REs of each message in each configuration. :ivar acc: [M, C] expected accuracy."""

    sector: np.ndarray
    first: np.ndarray
    count: np.ndarray
    res: np.ndarray
    acc: np.ndarray

    @property
    def owner(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.first)), self.count)


@dataclass
class Packing:
    """:ivar admitted: [J, M] bool. :ivar n_prb: [J, A] PRBs per agent. :ivar objective: [J, S] expected
    correct decisions per sector. :ivar config: [J, M] configuration (meaningful where admitted)."""

    admitted: np.ndarray
    n_prb: np.ndarray
    objective: np.ndarray
    config: np.ndarray


def segment_cumsum(x: np.ndarray, seg_first: np.ndarray) -> np.ndarray:
    """Inclusive cumulative sum along axis 1 restarting at every segment (``seg_first[i]``: first
    column of i's segment)."""
    cs = np.cumsum(x, axis=1)
    return cs - (cs[:, seg_first] - x[:, seg_first])


def pack(cand: SlotCandidates, rules: np.ndarray, num_sectors: int, num_prbs, re_per_prb: int) -> Packing:
    """Pack the slot under every rule (see the module docstring).

    :input rules: [J, M] configuration of every message under each rule.
    :param num_prbs: PRBs free in each sector (a number, or [S]).
    """
    J, M = rules.shape
    owner = cand.owner
    res = np.take_along_axis(cand.res[None].repeat(J, 0), rules[..., None], axis=2)[..., 0]  # [J, M]
    acc = np.take_along_axis(cand.acc[None].repeat(J, 0), rules[..., None], axis=2)[..., 0]
    prefix_prbs = -(-segment_cumsum(res, cand.first[owner]) // re_per_prb)  # [J, M]
    admitted, granted = pack_prefixes(cand, prefix_prbs, num_sectors, num_prbs)
    objective = np.zeros((J, num_sectors))
    rows = np.arange(J)[:, None]
    np.add.at(
        objective,
        (np.broadcast_to(rows, (J, M)), np.broadcast_to(cand.sector[owner], (J, M))),
        np.where(admitted, acc, 0.0),
    )
    return Packing(admitted, granted, objective, rules.copy())


def pack_prefixes(
    cand: SlotCandidates, prefix_prbs: np.ndarray, num_sectors: int, num_prbs
) -> tuple[np.ndarray, np.ndarray]:
    """The packing itself, from the PRBs each agent needs to send its first ``i`` messages.

    :input prefix_prbs: [J, M] PRBs the owner of message m needs to send its messages up to m
        (non-decreasing within an agent). :param num_prbs: PRBs free per sector (number or [S]).
    :output admitted: [J, M] bool. :output granted: [J, A] PRBs per agent."""
    J, M = prefix_prbs.shape
    A = len(cand.first)
    owner = cand.owner
    last = cand.first + cand.count - 1
    need = prefix_prbs[:, last]  # [J, A]
    first_need = prefix_prbs[:, cand.first]
    sec = cand.sector
    agent_first = np.searchsorted(sec, sec)  # first agent of each agent's sector
    remaining = np.broadcast_to(np.asarray(num_prbs, dtype=np.int64), (num_sectors,))[None, :].repeat(J, 0)
    done = np.zeros((J, A), dtype=bool)
    granted = np.zeros((J, A), dtype=np.int64)
    kadm = np.zeros((J, A), dtype=np.int64)
    rows = np.arange(J)[:, None]
    while True:
        left = remaining[:, sec]  # [J, A]
        done |= first_need > left  # its first message no longer fits: it never will this slot
        active = ~done
        if not active.any():
            break
        eff = np.where(active, need, 0)
        cs = segment_cumsum(eff, agent_first)
        full = active & (cs <= left)
        over = active & ~full
        blocker = over & (segment_cumsum(over.astype(np.int64), agent_first) == 1)
        avail = left - (cs - eff)
        fits = (prefix_prbs <= avail[:, owner]) & blocker[:, owner]  # [J, M]
        k_block = (
            np.add.reduceat(fits.astype(np.int64), cand.first, axis=1) if M else np.zeros((J, A), np.int64)
        )
        used_block = np.where(
            k_block > 0, prefix_prbs[rows, cand.first[None, :] + np.maximum(k_block, 1) - 1], 0
        )
        g = np.where(full, need, np.where(blocker, used_block, 0))
        granted += g
        kadm += np.where(full, cand.count, np.where(blocker, k_block, 0))
        done |= full | blocker
        np.subtract.at(remaining, (np.broadcast_to(rows, g.shape), np.broadcast_to(sec, g.shape)), g)
    pos = np.arange(M) - cand.first[owner]
    return pos[None, :] < kadm[:, owner], granted


def upgrade(
    cand: SlotCandidates,
    admitted: np.ndarray,
    config: np.ndarray,
    n_prb: np.ndarray,
    re_per_prb: int,
    rounds: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Spend the free REs of every served agent's last PRB (zero price): each round, every agent
    takes the single best accuracy gain among upgrading one of its admitted messages or admitting
    its next one, within its free REs.

    :input admitted: [M] bool. :input config: [M]. :input n_prb: [A]. Returns (admitted, config), updated copies."""
    admitted, config = admitted.copy(), config.copy()
    owner = cand.owner
    M, C = cand.res.shape
    if M == 0:
        return admitted, config
    pos = np.arange(M) - cand.first[owner]
    for _ in range(rounds):
        used = np.bincount(
            owner, weights=np.where(admitted, cand.res[np.arange(M), config], 0), minlength=len(cand.first)
        )
        spare = n_prb * re_per_prb - used  # [A]
        k = np.bincount(owner, weights=admitted, minlength=len(cand.first)).astype(np.int64)
        nxt = ~admitted & (pos == k[owner]) & (n_prb[owner] > 0)
        cur_res = np.where(admitted, cand.res[np.arange(M), config], 0)
        cur_acc = np.where(admitted, cand.acc[np.arange(M), config], 0.0)
        ok = (admitted | nxt)[:, None] & (cand.res - cur_res[:, None] <= spare[owner][:, None])
        gain = np.where(ok, cand.acc - cur_acc[:, None], 0.0)  # [M, C]
        best_c = np.argmax(gain, axis=1)
        best = gain[np.arange(M), best_c]
        if not np.any(best > 1e-12):
            break
        # one change per agent: its message of largest gain
        order = np.lexsort((-best, owner))
        first_of = np.searchsorted(owner[order], np.arange(len(cand.first)))
        has = cand.count > 0
        pick = order[first_of[has]]
        pick = pick[best[pick] > 1e-12]
        admitted[pick] = True
        config[pick] = best_c[pick]
    return admitted, config
