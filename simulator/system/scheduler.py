"""Scheduling a slot: the order in which each sector serves its backlogged agents, and which
PRBs the allocations occupy.

**Priority** (``scheduler``): ``pf_rate`` and ``pf_semantic`` take the proportional-fair
metric of Sionna's :class:`~sionna.sys.PFSchedulerSUMIMO` (batch = sectors, one call per slot
for every agent of every sector: the achievable value over the past discounted average,
Sionna's ``beta``); ``pf_rate`` with the Shannon rate ``log2(1 + SINR)`` of the agent's
estimate as the achievable value and its bits actually sent as the achieved one,
``pf_semantic`` with the expected correct decisions per PRB (its best configuration) and the
expected correct decisions sent. With ``frequency_selective`` placement the metric is
Sionna's per PRB (achievable rate per PRB from the per-PRB channel estimate); the agent's
rank is its best PRB's metric. ``round_robin``: the longest-unserved first.

**Placement** (``placement``), given each agent's PRB count:

* ``random`` (default): the sector's allocations form one contiguous block, agents in
  priority order, starting at a PRB drawn uniformly per (sector, slot) so the block fits;
  the draw is common to every policy of a study (paired). Sectors' blocks land independently,
  as with per-slot frequency hopping.
* ``reuse``: fractional reuse; the block starts at the first PRB of the sector's third of the
  band (sector index within its site), so at light load the three sectors of a site and
  the co-oriented sectors of neighbouring sites use disjoint thirds; a block longer than
  the rest of the band wraps to PRB 0.
* ``frequency_selective``: agents in priority order take their best free PRBs by Sionna's
  per-PRB PF metric (non-contiguous allocation, NR resource allocation type 0 at a
  granularity of one PRB).

Example::

    import numpy as np
    from semcom.simulator.system.scheduler import place_blocks
    occ = place_blocks(np.array([0, 0, 1]), np.array([2, 1, 3]), np.array([1, 0]), num_sectors=2, num_prbs=6)
    print(occ)        # [[-1  0  0  1 -1 -1]
                      #  [ 2  2  2 -1 -1 -1]]
"""

from __future__ import annotations

import numpy as np

from ..run.randomness import derive_rng

__all__ = ["Scheduler", "place_blocks", "allocation_prbs"]


def place_blocks(
    sector: np.ndarray, n_prb: np.ndarray, start: np.ndarray, num_sectors: int, num_prbs: int
) -> np.ndarray:
    """[S, R] occupancy (agent position, -1 idle): each sector's agents (in order) on consecutive
    PRBs from ``start[s]``, wrapping at the band's end."""
    occ = np.full((num_sectors, num_prbs), -1, dtype=np.int64)
    if len(sector) == 0:
        return occ
    before = np.cumsum(n_prb) - n_prb
    first_of = np.searchsorted(sector, sector)
    offset = before - before[first_of]
    rep = np.repeat(np.arange(len(sector)), n_prb)
    within = np.arange(len(rep)) - np.repeat(before, n_prb)
    occ[sector[rep], (start[sector[rep]] + offset[rep] + within) % num_prbs] = rep
    return occ


def allocation_prbs(occ: np.ndarray, n_prb: np.ndarray) -> np.ndarray:
    """[A, max n_prb] the PRBs of each position's allocation in ascending frequency (-1 past its
    count). :input occ: [S, R] position on each (sector, PRB), -1 idle. :input n_prb: [A] PRBs per position."""
    s_idx, r_idx = np.nonzero(occ >= 0)
    pos = occ[s_idx, r_idx]
    srt = np.lexsort((r_idx, pos))
    start = np.cumsum(n_prb) - n_prb
    col = np.arange(len(srt)) - start[pos[srt]]
    prb_of = np.full((len(n_prb), int(n_prb.max()) if len(n_prb) else 0), -1, dtype=np.int64)
    prb_of[pos[srt], col] = r_idx[srt]
    return prb_of


class Scheduler:
    """Priority and placement of one unit (see the module docstring).

    :param name: ``pf_rate``, ``pf_semantic`` or ``round_robin``. :param placement: ``random``,
        ``reuse`` or ``frequency_selective``. :param serving: [N] sector of every agent.
    """

    def __init__(
        self,
        name: str,
        placement: str,
        serving: np.ndarray,
        num_sectors: int,
        num_prbs: int,
        pf_beta: float,
        seed: int,
        drop: int,
        num_slots: int,
        sectors_per_site: int = 3,
    ):
        self.name, self.placement = name, placement
        self.num_sectors, self.num_prbs = num_sectors, num_prbs
        self.serving = serving
        counts = np.bincount(serving, minlength=num_sectors)
        self.local = np.zeros(len(serving), dtype=np.int64)
        for b in range(num_sectors):
            self.local[serving == b] = np.arange(counts[b])
        self.umax = max(1, int(counts.max()))
        self.freq = placement == "frequency_selective"
        self.pf = None
        if name.startswith("pf_"):
            from sionna.sys import PFSchedulerSUMIMO

            self.pf = PFSchedulerSUMIMO(
                self.umax,
                num_prbs if self.freq else 1,
                1,
                batch_size=num_sectors,
                beta=pf_beta,
                precision="double",
                device="cpu",
            )
        self.last_rate = np.zeros((num_sectors, self.umax))
        self.last_served = np.full(len(serving), -1, dtype=np.int64)
        self._start_u = derive_rng(seed, "system-placement", drop).uniform(0.0, 1.0, (num_slots, num_sectors))
        self.home = (np.arange(num_sectors) % sectors_per_site) * (num_prbs // sectors_per_site)

    def metric(
        self, slot: int, agents: np.ndarray, achievable: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Priority of ``agents`` [A] (higher first) and, with frequency-selective placement, their
        per-PRB metric [A, R]. ``achievable``: [A] (or [A, R] per PRB) for the PF schedulers."""
        if self.pf is None:
            return (slot - self.last_served[agents]).astype(np.float64), None
        import torch

        f = self.num_prbs if self.freq else 1
        ach = torch.zeros(self.num_sectors, 1, f, self.umax, dtype=torch.float64)
        value = torch.from_numpy(np.asarray(achievable, dtype=np.float64).reshape(len(agents), -1))
        ach[self.serving[agents], 0, :, self.local[agents]] = (
            value.expand(-1, f) if value.shape[1] == 1 else value
        )
        self.pf(torch.from_numpy(self.last_rate), ach)
        self.last_rate[:] = 0.0
        per = self.pf.pf_metric[self.serving[agents], 0, :, self.local[agents]].numpy()  # [A, f]
        return per.max(1), (per if self.freq else None)

    def idle(self) -> None:
        """A slot without backlog: the PF averages still decay."""
        if self.pf is not None:
            import torch

            f = self.num_prbs if self.freq else 1
            self.pf(
                torch.from_numpy(self.last_rate),
                torch.zeros(self.num_sectors, 1, f, self.umax, dtype=torch.float64),
            )
            self.last_rate[:] = 0.0

    def served(self, slot: int, agents: np.ndarray, achieved: np.ndarray) -> None:
        """What ``agents`` received this slot (bits for pf_rate, expected correct decisions for pf_semantic)."""
        self.last_served[agents] = slot
        self.last_rate[self.serving[agents], self.local[agents]] = achieved

    def place(
        self, slot: int, sector: np.ndarray, n_prb: np.ndarray, per_prb: np.ndarray | None
    ) -> np.ndarray:
        """[S, R] occupancy (position in ``sector``'s agent list, -1 idle) of the agents ``sector`` [A]
        (sorted by sector, then priority) with ``n_prb`` [A] PRBs each (0: not served)."""
        S, R = self.num_sectors, self.num_prbs
        served = n_prb > 0
        idx = np.flatnonzero(served)
        if self.placement == "frequency_selective" and per_prb is not None:
            return self._best_prbs(sector, n_prb, per_prb)
        if self.placement == "reuse":
            start = self.home
        else:
            used = np.bincount(sector[idx], weights=n_prb[idx], minlength=S).astype(np.int64)
            start = np.floor(self._start_u[slot] * (R - used + 1)).astype(np.int64)
        occ = place_blocks(sector[idx], n_prb[idx], start, S, R)
        return np.where(occ >= 0, idx[np.maximum(occ, 0)], -1)

    def _best_prbs(self, sector: np.ndarray, n_prb: np.ndarray, per_prb: np.ndarray) -> np.ndarray:
        S, R = self.num_sectors, self.num_prbs
        occ = np.full((S, R), -1, dtype=np.int64)
        rank = np.arange(len(sector)) - np.searchsorted(sector, sector)
        for k in range(int(rank.max()) + 1 if len(rank) else 0):
            who = np.flatnonzero((rank == k) & (n_prb > 0))
            if not len(who):
                continue
            m = np.where(occ[sector[who]] >= 0, -np.inf, per_prb[who])  # [w, R]
            order = np.argsort(-m, axis=1, kind="stable")
            take = np.arange(R)[None, :] < n_prb[who][:, None]
            rows = np.repeat(who, n_prb[who])
            occ[sector[rows], order[take]] = rows
        return occ
