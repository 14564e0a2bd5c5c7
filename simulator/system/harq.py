"""HARQ processes of the conventional bit pipe: every transport block's state, its soft buffer
and the retransmissions that are due (:class:`~.conventional.ConventionalPipe` decides them).

A transport block (TB) is sent, decoded, and on a NACK sent again ``rtt_slots`` later with the
same MCS on the same number of resource elements, up to ``max_retransmissions`` times; after
the last NACK it is lost. Receivers combine the copies they hold:

* ``chase`` (chase combining): every retransmission repeats the same coded bits, and the
  receiver adds the copies' LLRs (maximum-ratio combining). For coded symbol ``i`` seen at
  SINRs ``γ_1[i] … γ_k[i]`` over independent noise, the combined SINR is
  ``γ_1[i] + … + γ_k[i]`` in linear units; the TB is then decoded at those combined SINRs.
  NR itself retransmits other redundancy versions (incremental redundancy), which adds coding
  gain on top of this energy gain, so chase combining is a lower bound on NR's HARQ; it is the
  model Sionna's BLER tables support (they hold one code rate per MCS).
* ``none``: every copy is decoded alone (no soft buffer).

Only indices and the soft buffers of TBs awaiting a retransmission are kept. Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.system.harq import HarqProcesses
    harq = HarqProcesses(max_retransmissions=1, combining="chase", rtt_slots=4)
    tb = harq.new(np.array([0, 1]), np.array([10, 10]), np.array([1, 1]), slot=0)
    both = harq.combine(tb, np.full((2, 156), 0.5))          # first copies: [2, 156] linear SINRs
    lost = harq.settle(tb, np.array([True, False]), both, slot=0)
    print(lost, harq.due(3), harq.due(4))                    # [False False] [] [1]
    again = harq.combine(harq.due(4), np.full((1, 156), 0.5))
    print(again[0, 0])                                       # 1.0: chase combining adds SINRs
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HarqProcesses", "HarqOutcome", "occurrence", "COMBINING", "PENDING", "DELIVERED", "LOST"]

#: Soft-combining models.
COMBINING = ("chase", "none")
#: TB states.
PENDING, DELIVERED, LOST = 0, 1, 2


@dataclass
class HarqOutcome:
    """What one round of transmissions produced (one entry per TB sent).

    :ivar tb, agent: [T] np.int64. :ivar mcs: [T] np.int32. :ivar transmission: [T] np.int64,
        1 for a first transmission. :ivar ack: [T] bool, decoded. :ivar lost: [T] bool, NACK
        after the last retransmission. :ivar tbler: [T] np.float64, the TBLER the abstraction
        gave. :ivar sinr_eff_db: [T] np.float64, its effective SINR (of the combined copies).
    """

    tb: np.ndarray
    agent: np.ndarray
    mcs: np.ndarray
    transmission: np.ndarray
    ack: np.ndarray
    lost: np.ndarray
    tbler: np.ndarray
    sinr_eff_db: np.ndarray


class HarqProcesses:
    """Every TB sent so far (indexed by its id, in order of first transmission).

    :param max_retransmissions: retransmissions after the first transmission (0: none).
    :param combining: ``chase`` or ``none`` (module docstring).
    :param rtt_slots: slots from a transmission to the earliest retransmission (HARQ round trip).

    :ivar agent, mcs, prbs: [T] np.int64 per TB. :ivar transmissions: [T] np.int64 copies sent.
    :ivar first_slot, last_slot: [T] np.int64 slots of the first and the latest copy.
    :ivar state: [T] np.int8 (:data:`PENDING`, :data:`DELIVERED`, :data:`LOST`).
    """

    def __init__(self, max_retransmissions: int, combining: str, rtt_slots: int):
        if int(max_retransmissions) != max_retransmissions or max_retransmissions < 0:
            raise ValueError(
                f"max_retransmissions: {max_retransmissions!r} must be a whole number >= 0 "
                "(0: no retransmission); use e.g. 3"
            )
        if combining not in COMBINING:
            raise ValueError(f"combining: {combining!r} is not one of {', '.join(COMBINING)}; use chase")
        if int(rtt_slots) != rtt_slots or rtt_slots < 1:
            raise ValueError(f"rtt_slots: {rtt_slots!r} must be a whole number of slots >= 1; use e.g. 4")
        self.max_retransmissions = int(max_retransmissions)
        self.combining = combining
        self.rtt_slots = int(rtt_slots)
        self._n = 0
        self._cols = {
            name: np.zeros(0, dtype=np.int64)
            for name in ("agent", "mcs", "prbs", "transmissions", "first_slot", "last_slot")
        }
        self._state = np.zeros(0, dtype=np.int8)
        self._soft: dict[int, np.ndarray] = {}

    def __getattr__(self, name):
        cols = self.__dict__.get("_cols", {})
        if name in cols:
            return cols[name][: self._n]
        raise AttributeError(name)

    @property
    def state(self) -> np.ndarray:
        return self._state[: self._n]

    def __len__(self) -> int:
        return self._n

    def new(self, agents, mcs, prbs, slot: int) -> np.ndarray:
        """Open one TB per entry. :input agents, mcs, prbs: [A] ints. :output tb: [A] np.int64 ids."""
        agents, mcs, prbs = (np.asarray(x, dtype=np.int64).reshape(-1) for x in (agents, mcs, prbs))
        if not len(agents) == len(mcs) == len(prbs):
            raise ValueError(f"agents, mcs, prbs: lengths {len(agents)}, {len(mcs)}, {len(prbs)} differ")
        a = len(agents)
        self._grow(self._n + a)
        ids = np.arange(self._n, self._n + a, dtype=np.int64)
        for name, value in (
            ("agent", agents),
            ("mcs", mcs),
            ("prbs", prbs),
            ("transmissions", 0),
            ("first_slot", slot),
            ("last_slot", slot),
        ):
            self._cols[name][ids] = value
        self._state[ids] = PENDING
        self._n += a
        return ids

    def combine(self, tb, sinr_lin) -> np.ndarray:
        """Count one more copy of each TB and return the SINRs it is decoded at.

        :input tb: [T] ids. :input sinr_lin: [T, R] np.float64 linear per-RE SINRs of this copy,
            NaN where the TB has no RE (a row holds its REs first).
        :output combined: [T, R] np.float64, NaN-padded like ``sinr_lin``.
        """
        tb = np.asarray(tb, dtype=np.int64).reshape(-1)
        x = np.asarray(sinr_lin, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] != len(tb):
            raise ValueError(f"sinr_lin: shape {x.shape}, expected [{len(tb)}, R]")
        if len(tb) and (tb.min() < 0 or tb.max() >= self._n or np.any(self.state[tb] != PENDING)):
            raise ValueError("tb: holds an id that is not an open TB (delivered, lost or never sent)")
        out = x.copy()
        first = self.transmissions[tb] == 0
        for i in np.flatnonzero(~first):
            stored = self._soft.get(int(tb[i]))
            n_re = int(np.count_nonzero(~np.isnan(x[i])))
            if stored is None or n_re != len(stored):
                have = None if stored is None else len(stored)
                raise ValueError(
                    f"sinr_lin: a retransmission of TB {int(tb[i])} has {n_re} REs, its first "
                    f"copy {have}: a retransmission goes on as many REs as the first copy"
                )
            if self.combining == "chase":
                out[i, :n_re] = x[i, :n_re] + stored
        self._cols["transmissions"][tb] += 1
        return out

    def settle(self, tb, ack, combined, slot: int) -> np.ndarray:
        """Record each copy's outcome. ACK: delivered. NACK: due again ``rtt_slots`` later while
        retransmissions remain (its soft buffer kept), else lost.

        :input tb: [T]. :input ack: [T] bool. :input combined: [T, R] what :meth:`combine` returned.
        :output lost: [T] bool, the TBs lost for good by this NACK.
        """
        tb = np.asarray(tb, dtype=np.int64).reshape(-1)
        ack = np.asarray(ack, dtype=bool).reshape(-1)
        self._cols["last_slot"][tb] = slot
        lost = ~ack & (self.transmissions[tb] > self.max_retransmissions)
        self._state[tb[ack]] = DELIVERED
        self._state[tb[lost]] = LOST
        for i in np.flatnonzero(ack | lost):
            self._soft.pop(int(tb[i]), None)
        for i in np.flatnonzero(~ack & ~lost):
            row = combined[i]
            self._soft[int(tb[i])] = row[~np.isnan(row)].copy()
        return lost

    def due(self, slot: int) -> np.ndarray:
        """[T] np.int64: ids of the TBs awaiting a retransmission whose round trip has passed by
        ``slot``, oldest first (schedulers serve retransmissions before new data)."""
        ids = np.fromiter(self._soft.keys(), dtype=np.int64, count=len(self._soft))
        ids = np.sort(ids)
        return ids[self.last_slot[ids] + self.rtt_slots <= slot]

    def _grow(self, need: int) -> None:
        cap = len(self._state)
        if need <= cap:
            return
        cap = max(need, 2 * cap, 1024)
        for name, col in self._cols.items():
            self._cols[name] = np.concatenate([col, np.zeros(cap - len(col), dtype=np.int64)])
        self._state = np.concatenate([self._state, np.zeros(cap - len(self._state), dtype=np.int8)])


def occurrence(x: np.ndarray) -> np.ndarray:
    """[n] np.int64: how many earlier entries of ``x`` equal each entry (0 for the first)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    start = np.searchsorted(xs, xs, side="left")
    rank = np.empty(len(x), dtype=np.int64)
    rank[order] = np.arange(len(x)) - start
    return rank
