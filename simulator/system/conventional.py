"""The conventional 5G NR bit pipe: the semantic payload carried as NR transport blocks (TB),
the baseline a telecom reviewer compares semantic communication with.

A TB holds one or more payloads (:func:`~.payload.payload_bits`: the quantised relative
representation plus protocol headers); its size is NR's TBS (TS 38.214 §5.1.3.2, Sionna's
:class:`~sionna.phy.nr.utils.TransportBlockNR`) for the MCS and the data REs of its whole PRBs
(``re_per_prb``: 12 × 14 less DMRS), so TB/code-block CRCs and the padding up to the next TBS
are paid in REs as NR pays them. From Sionna (``sionna.sys``, double precision):

* the MCS and BLER tables (``PUSCH_table1`` … ``PDSCH_table2``, named as Sionna names them;
  tables 3 and 4 have no EESM β there and are refused);
* **MCS**: :class:`~sionna.sys.InnerLoopLinkAdaptation` on the SINR estimate less the outer
  loop's offset. Its rule (highest MCS whose TBLER ≤ target) depends on the allocation (code
  block size) and the PRBs a payload needs depend on the MCS, so ILLA runs on the allocation
  of every candidate MCS (batched) and the highest MCS it accepts on its own allocation is
  chosen (else the lowest, as ILLA does);
* **outer loop**: :class:`~sionna.sys.OuterLoopLinkAdaptation`'s offset, up ``delta_up`` on a
  NACK, down ``delta_up·t/(1−t)`` on an ACK, so the long-run NACK share is the target ``t``;
  fed first transmissions only (the BLER target is a first-transmission target);
* **TB outcome**: :class:`~sionna.sys.PHYAbstraction` (its EESM over the per-RE SINRs, its BLER
  tables, TBLER = 1 − (1 − BLER)^code blocks); the ACK is drawn with our own uniform
  (:func:`~semcom.simulator.run.randomness.derive_rng`), never Sionna's generator.

HARQ and soft combining: :mod:`.harq`. Every call runs a few small torch tensors: run it on
one torch thread (:func:`~semcom.core.threads.fixed_threads`), as the system engine does.

Example (one agent, 300 payload bits, a flat 8 dB link):

.. code-block:: python

    import numpy as np
    from semcom.simulator.system.conventional import ConventionalPipe
    pipe = ConventionalPipe(num_agents=1, direction="uplink", mcs_table="PUSCH_table1", seed=1)
    agents, payload = np.array([0]), np.array([300])
    mcs = pipe.select_mcs(agents, np.array([8.0]), payload)            # [1] np.int32
    prbs = pipe.prbs_for(mcs, payload)                                  # [1] np.int64
    assert pipe.tb_size_bits(mcs, prbs)[0] >= 300
    sinr_db = np.full((1, int(prbs[0]) * pipe.re_per_prb), 8.0)         # [A, R] per-RE SINRs
    out = pipe.transmit(agents, mcs, sinr_db, slot=0)
    pipe.feedback(agents, out.ack)                                      # the outer loop learns
    print(int(mcs[0]), int(prbs[0]), out.ack, out.tbler.round(3))
"""

from __future__ import annotations

import numpy as np

from semcom.core.settings import settings_of

from ..run.randomness import derive_rng
from .harq import HarqOutcome, HarqProcesses, occurrence
from .payload import bler_table_file, parse_mcs_table
from .schema import ConventionalSpec
from .transport_blocks import TransportBlockSizes

__all__ = ["ConventionalPipe", "HarqOutcome"]


_PHY: dict = {}


def _phy_abstraction(mcs_table: str):
    """One :class:`~sionna.sys.PHYAbstraction` per process and MCS table, loading that table's
    BLER file only (building one interpolates every table it loads: seconds per table)."""
    if mcs_table not in _PHY:
        from sionna.sys import PHYAbstraction

        _PHY[mcs_table] = PHYAbstraction(load_bler_tables_from=[str(bler_table_file(mcs_table))],
                                         precision="double", device="cpu")
    return _PHY[mcs_table]


class ConventionalPipe:
    """The 5G NR bit pipe of ``num_agents`` agents (module docstring).

    :param num_agents: agents the outer loop keeps an offset for (ids ``0 … num_agents − 1``).
    :param settings: the pipe's settings, declared once in
        :class:`~semcom.simulator.system.schema.ConventionalSpec` (``mcs_table``, ``bler_target``,
        ``harq_max_retransmissions``, ``combining``, ``harq_rtt_slots``, ``olla_delta_up_db``,
        ``olla_offset_db``, ``olla_initial_offset_db``, ``header_bits``) and validated there: a bad one is one
        :class:`~semcom.core.settings.SettingError` naming it.
    :param direction: ``uplink`` or ``downlink``: the MCS table when ``mcs_table`` is not given.
    :param re_per_prb: data REs per PRB and slot (12 × 14 less DMRS; at most 156, the TBS cap).
    :param max_prbs: PRBs of the grid (at most 275).
    :param seed, purpose: the TB outcomes are drawn from ``derive_rng(seed, "conventional-5g", *purpose)``.
    """

    def __init__(self, num_agents: int, *, direction: str, re_per_prb: int = 156,
                 max_prbs: int = 275, seed: int = 0, purpose: tuple = (), **settings):
        import torch
        from sionna.sys import EESM, InnerLoopLinkAdaptation, OuterLoopLinkAdaptation

        spec = settings_of(ConventionalSpec, settings, block="the conventional pipe")
        #: the validated settings (a :class:`~semcom.simulator.system.schema.ConventionalSpec`)
        self.spec = spec
        mcs_table = spec.table_for(direction)
        self.category, self.table_index = parse_mcs_table(mcs_table)
        lo, hi = spec.olla_offset_db
        self.num_agents = int(num_agents)
        self.mcs_table = mcs_table
        self.bler_target = spec.bler_target
        self.re_per_prb = int(re_per_prb)
        self.harq = HarqProcesses(spec.harq_max_retransmissions, spec.combining, spec.harq_rtt_slots)
        self._rng = derive_rng(seed, "conventional-5g", *purpose)
        self._torch = torch
        phy = _phy_abstraction(mcs_table)
        self._phy = phy
        self._illa = InnerLoopLinkAdaptation(phy, bler_target=self.bler_target, precision="double",
                                             device="cpu")
        # Sionna's outer loop sets the steps (delta_down from the target) and bounds; the offsets of
        # all agents live here, stepped by its rule only for the agents with feedback (its own call
        # would rerun ILLA for every agent on each report)
        self._olla = OuterLoopLinkAdaptation(phy, num_ut=1, bler_target=self.bler_target,
                                             delta_up=spec.olla_delta_up_db, offset_min=lo, offset_max=hi,
                                             precision="double", device="cpu")
        self._offset = np.full(self.num_agents, spec.olla_initial_offset_db)
        self._eesm = EESM(precision="double", device="cpu")
        table = phy.bler_table_interp[self.category, self.table_index - 1].numpy()
        #: [M] np.int32 the MCS indices Sionna has BLER tables for, ascending.
        self.available_mcs = np.flatnonzero(np.isfinite(table[:, 0, 0])).astype(np.int32)
        self.sizes = TransportBlockSizes(mcs_table, self.available_mcs, re_per_prb, max_prbs)
        # ILLA's choice per (PRBs, SINR point of Sionna's grid), filled as allocations come up
        self._grid = np.arange(*phy.snr_db_interp_min_max_delta)
        self._illa_table = np.full((self.sizes.max_prbs + 1, len(self._grid)), -1, dtype=np.int16)

    # -- sizes (Sionna's TBS: :class:`~.transport_blocks.TransportBlockSizes`) -------------------
    def tb_size_bits(self, mcs, num_prbs) -> np.ndarray:
        """[...] np.int64 NR TBS [bits] of ``mcs`` [...] on ``num_prbs`` [...] whole PRBs."""
        return self.sizes.tb_size_bits(mcs, num_prbs)

    def prbs_for(self, mcs, payload_bits) -> np.ndarray:
        """[...] np.int64 the fewest whole PRBs whose TB holds ``payload_bits`` [...] at ``mcs`` [...]."""
        return self.sizes.prbs_for(mcs, payload_bits)

    # -- link adaptation --------------------------------------------------------------------
    @property
    def offset_db(self) -> np.ndarray:
        """[num_agents] np.float64 the outer loop's SINR offset [dB] (subtracted from the estimate)."""
        return self._offset.copy()

    def select_mcs(self, agents, sinr_est_db, payload_bits) -> np.ndarray:
        """MCS per TB: ILLA on ``sinr_est_db − offset``, each candidate on its own allocation.

        :input agents: [A] ints. :input sinr_est_db: [A] float SINR estimates [dB].
        :input payload_bits: [A] ints, the bits the TB must hold. :output mcs: [A] np.int32.
        """
        agents = np.asarray(agents, dtype=np.int64).reshape(-1)
        est = np.asarray(sinr_est_db, dtype=np.float64).reshape(-1)
        if not np.all(np.isfinite(est)):
            raise ValueError("sinr_est_db: holds a value that is not a finite SINR [dB]")
        if len(agents) == 0:
            return np.zeros(0, dtype=np.int32)
        cand = self.available_mcs
        payload = np.broadcast_to(np.asarray(payload_bits, dtype=np.int64).reshape(-1), agents.shape)
        prbs = self.prbs_for(cand[:, None], payload[None, :])                            # [M, A]
        lo, _, step = self._phy.snr_db_interp_min_max_delta
        point = np.round((est - self._offset[agents] - lo) / step)          # Sionna's nearest grid point
        point = np.clip(point, 0, len(self._grid) - 1).astype(np.int64)
        chosen = self._illa_on(prbs)[prbs, point[None, :]]                                 # [M, A]
        ok = chosen >= cand[:, None]                                   # ILLA accepts MCS m on m's allocation
        best = np.where(ok.any(0), cand[len(cand) - 1 - np.argmax(ok[::-1], axis=0)], cand[0])
        return best.astype(np.int32)

    def _illa_on(self, prbs: np.ndarray) -> np.ndarray:
        """[max_prbs + 1, G] ILLA's MCS for each PRB count at each point of Sionna's SINR grid (its
        abstraction reads the BLER at the nearest point, so this is ILLA's answer for any SINR);
        rows for the PRB counts in ``prbs`` are computed by Sionna's ILLA when first needed."""
        need = np.unique(prbs)
        need = need[self._illa_table[need, 0] < 0]
        if len(need):
            torch = self._torch
            shape = (len(need), len(self._grid))
            sinr = torch.from_numpy(np.broadcast_to(10.0 ** (self._grid / 10.0), shape).copy())
            re = torch.from_numpy(np.broadcast_to((need * self.re_per_prb)[:, None], shape).astype(np.int32))
            self._illa_table[need] = self._illa(sinr_eff=sinr, num_allocated_re=re,
                                                mcs_table_index=self.table_index,
                                                mcs_category=self.category).numpy()
        return self._illa_table

    def feedback(self, agents, ack) -> None:
        """Step the outer loop of each agent by its first-transmission HARQ outcome (Sionna's OLLA
        rule: ``+delta_up`` on a NACK, ``-delta_down`` on an ACK, within its bounds).

        :input agents: [F] ints (an agent may repeat: its outcomes apply in order). :input ack: [F] bool.
        """
        agents = np.asarray(agents, dtype=np.int64).reshape(-1)
        ack = np.asarray(ack, dtype=bool).reshape(-1)
        rank = occurrence(agents)
        ol = self._olla
        for r in range(int(rank.max()) + 1 if len(rank) else 0):
            a = agents[rank == r]
            step = np.where(ack[rank == r], -ol.delta_down, ol.delta_up)
            self._offset[a] = np.clip(self._offset[a] + step, ol.offset_min, ol.offset_max)

    # -- transmissions ----------------------------------------------------------------------
    def transmit(self, agents, mcs, re_sinr_db, slot: int, u=None, per_prb: bool = False) -> HarqOutcome:
        """First transmission of one new TB per entry.

        :input agents: [A] ints. :input mcs: [A] ints (from :meth:`select_mcs`).
        :input re_sinr_db: [A, R] float per-RE SINRs [dB] of the TB's allocation, NaN-padded; a row
            holds a whole number of PRBs (``re_per_prb`` REs each) and the TB's size follows from it.
        :input u: [A] uniforms in [0, 1) to draw the ACKs with (default: the pipe's own stream).
        :input per_prb: ``re_sinr_db`` is [A, P], one SINR per PRB (every RE of a PRB sees it).
        :output: :class:`~.harq.HarqOutcome` of the A new TBs (ids in ``tb``).
        """
        return self.send(slot, [], None, agents, mcs, re_sinr_db, per_prb, u)

    def due(self, slot: int) -> np.ndarray:
        """[T] np.int64 TBs whose retransmission may go in ``slot`` (oldest first); each needs
        ``harq.prbs[tb]`` PRBs and goes at ``harq.mcs[tb]``; agent: ``harq.agent[tb]``."""
        return self.harq.due(slot)

    def retransmit(self, tb, re_sinr_db, slot: int, u=None, per_prb: bool = False) -> HarqOutcome:
        """Retransmission of TBs from :meth:`due` (same MCS, as many PRBs as the first copy).

        :input tb: [T] ids. :input re_sinr_db: [T, R] like :meth:`transmit`. :input u: [T] uniforms or None.
        """
        return self.send(slot, tb, re_sinr_db, [], [], None, per_prb, u)

    def send(self, slot: int, retx_tb, retx_sinr_db, agents, mcs, sinr_db, per_prb: bool = False,
             u=None) -> HarqOutcome:
        """One slot's retransmissions and new TBs, decoded in one call of the abstraction.

        :input retx_tb: [T] ids from :meth:`due`; ``retx_sinr_db``: [T, R] (None when T = 0).
        :input agents, mcs, sinr_db: [A], [A], [A, R'] new TBs as in :meth:`transmit` (None when A = 0).
        :output: :class:`~.harq.HarqOutcome` of the T retransmissions, then the A new TBs.
        """
        retx_tb = np.asarray(retx_tb, dtype=np.int64).reshape(-1)
        agents = np.asarray(agents, dtype=np.int64).reshape(-1)
        mcs = self.sizes.check_mcs(np.asarray(mcs, dtype=np.int64).reshape(-1))
        lin_r, prbs_r = self._per_re(np.zeros((0, 1)) if retx_sinr_db is None else retx_sinr_db, len(retx_tb),
                                     per_prb)
        if np.any(prbs_r != self.harq.prbs[retx_tb]):
            raise ValueError("re_sinr_db: a retransmission must use as many PRBs as the TB's first copy")
        lin_n, prbs_n = self._per_re(np.zeros((0, 1)) if sinr_db is None else sinr_db, len(agents), per_prb)
        tb = np.concatenate([retx_tb, self.harq.new(agents, mcs, prbs_n, slot)])
        width = max(lin_r.shape[1], lin_n.shape[1])
        lin = np.concatenate([np.pad(x, ((0, 0), (0, width - x.shape[1])), constant_values=np.nan)
                              for x in (lin_r, lin_n)])
        return self._decode(tb, lin, slot, u, per_prb)

    def _per_re(self, re_sinr_db, rows: int, per_prb: bool) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(re_sinr_db, dtype=np.float64)
        unit = 1 if per_prb else self.re_per_prb
        if x.ndim != 2 or x.shape[0] != rows:
            raise ValueError(f"re_sinr_db: shape {x.shape}, expected [{rows}, R]")
        if np.any(np.isinf(x)):
            raise ValueError("re_sinr_db: holds an infinite SINR; mark absent REs with NaN")
        n_re = np.count_nonzero(~np.isnan(x), axis=1)
        if np.any(np.isnan(x) & (np.arange(x.shape[1])[None, :] < n_re[:, None])):
            raise ValueError("re_sinr_db: a row has NaN between its REs; give each TB's REs first, in the "
                             "order of its coded symbols (chase combining adds the copies RE by RE)")
        if rows and (np.any(n_re % unit) or n_re.min() == 0):
            bad = int(n_re[np.argmax((n_re % unit) | (n_re == 0))])
            raise ValueError(f"re_sinr_db: a row holds {bad} REs, not a whole number (>= 1) of PRBs of "
                             f"{self.re_per_prb} data REs")
        return 10.0 ** (x / 10.0), n_re // unit

    def _decode(self, tb, lin, slot: int, u, per_prb: bool) -> HarqOutcome:
        torch = self._torch
        combined = self.harq.combine(tb, lin)
        mcs = torch.from_numpy(self.harq.mcs[tb].astype(np.int32))
        tbler = np.zeros(len(tb))
        eff = np.zeros(len(tb))
        if len(tb):
            x = torch.from_numpy(np.nan_to_num(combined, nan=0.0).T[:, None, :, None].copy())   # [R, 1, T, 1]
            where = dict(mcs_table_index=self.table_index, mcs_category=self.category)
            if per_prb:      # every RE of a PRB alike: the EESM over PRBs is the EESM over their REs
                n_re = torch.from_numpy(self.harq.prbs[tb].astype(np.int32) * self.re_per_prb)
                out = self._phy(mcs, sinr_eff=self._eesm(x, mcs, **where), num_allocated_re=n_re, **where)
            else:
                out = self._phy(mcs, sinr=x, **where)
            tbler, eff = out[3].numpy(), 10.0 * np.log10(out[2].numpy())
        u = self._rng.uniform(0.0, 1.0, len(tb)) if u is None else np.asarray(u, dtype=np.float64).reshape(-1)
        if len(u) != len(tb):
            raise ValueError(f"u: {len(u)} uniforms for {len(tb)} TBs")
        ack = u >= tbler
        lost = self.harq.settle(tb, ack, combined, slot)
        return HarqOutcome(tb, self.harq.agent[tb].copy(), mcs.numpy(), self.harq.transmissions[tb].copy(),
                           ack, lost, tbler, eff)

