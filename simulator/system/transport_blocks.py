"""NR transport block sizes of an MCS table: the TBS of every (MCS, whole PRBs) and the fewest
PRBs a payload needs (:class:`~.conventional.ConventionalPipe` sizes its TBs with them).

The TBS is Sionna's :class:`~sionna.phy.nr.utils.TransportBlockNR` (TS 38.214 §5.1.3.2) for
``Qm × re_per_prb × PRBs`` coded bits: the very computation Sionna's
:class:`~sionna.sys.PHYAbstraction` makes from the REs it is given, so the TB that is sized is
the TB whose error rate the abstraction returns. ``re_per_prb`` is at most 156, the cap 38.214
puts on REs per PRB for the TBS (12 × 14 less at least one DMRS symbol), so the two agree.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.system.transport_blocks import TransportBlockSizes
    sizes = TransportBlockSizes("PUSCH_table1", np.arange(3, 28), re_per_prb=156, max_prbs=51)
    print(sizes.tb_size_bits(np.array([3, 27]), np.array([1, 1])))      # [ 72 848]
    print(sizes.prbs_for(np.array([3, 27]), np.array([300, 300])))      # [4 1]
"""

from __future__ import annotations

import numpy as np

from .payload import parse_mcs_table

__all__ = ["TransportBlockSizes"]


class TransportBlockSizes:
    """TBS lookups of one MCS table.

    :param mcs_table: a name of :func:`~.payload.sionna_mcs_tables`.
    :param available_mcs: [M] the MCS indices in use (those Sionna has BLER tables for).
    :param re_per_prb: data REs per PRB and slot, 1..156. :param max_prbs: PRBs of the grid, 1..275.
    """

    def __init__(self, mcs_table: str, available_mcs, re_per_prb: int = 156, max_prbs: int = 275):
        self.category, self.table_index = parse_mcs_table(mcs_table)
        if not 1 <= int(re_per_prb) <= 156 or int(re_per_prb) != re_per_prb:
            raise ValueError(
                f"re_per_prb: {re_per_prb!r} must be a whole number in 1..156 (12 x 14 REs less "
                "DMRS; 38.214 caps the TBS at 156 REs per PRB); use e.g. 156"
            )
        if not 1 <= int(max_prbs) <= 275:
            raise ValueError(f"max_prbs: {max_prbs!r} must lie in 1..275 (NR's largest grid); use e.g. 51")
        self.mcs_table = mcs_table
        self.available_mcs = np.asarray(available_mcs, dtype=np.int32)
        self.re_per_prb = int(re_per_prb)
        self.max_prbs = int(max_prbs)
        self._tbs = self._table(int(self.available_mcs.max()) + 1)

    def _table(self, num_mcs: int) -> np.ndarray:
        """[num_mcs, max_prbs + 1] np.int64 TBS (column 0 and MCS without a BLER table: 0)."""
        import torch
        from sionna.phy.nr.utils import MCSDecoderNR, TransportBlockNR

        m = torch.from_numpy(self.available_mcs)
        qm, rate = MCSDecoderNR(precision="double", device="cpu")(m, self.table_index, self.category)
        n = torch.arange(1, self.max_prbs + 1, dtype=torch.int32)
        coded = qm[:, None] * n[None, :] * self.re_per_prb  # [M, P] coded bits
        tbs, _, _ = TransportBlockNR(precision="double", device="cpu").transport_block_size(
            qm[:, None].expand_as(coded), rate[:, None].expand_as(coded).float(), coded
        )
        out = np.zeros((num_mcs, self.max_prbs + 1), dtype=np.int64)
        out[self.available_mcs, 1:] = tbs.numpy()
        return out

    def check_mcs(self, mcs) -> np.ndarray:
        """``mcs`` as an array; an MCS without a BLER table is an error."""
        mcs = np.asarray(mcs)
        if mcs.size and (mcs.min() < 0 or mcs.max() >= len(self._tbs) or not np.all(self._tbs[mcs, 1] > 0)):
            known = self._tbs[np.clip(mcs, 0, len(self._tbs) - 1), 1] > 0
            bad = mcs[(mcs < 0) | (mcs >= len(self._tbs)) | ~known]
            raise ValueError(
                f"mcs: {int(bad.flat[0])} has no BLER table in {self.mcs_table}; use one of "
                f"{int(self.available_mcs[0])}..{int(self.available_mcs[-1])}"
            )
        return mcs

    def tb_size_bits(self, mcs, num_prbs) -> np.ndarray:
        """NR transport block size [bits] (information bits, CRCs excluded).

        :input mcs: [...] ints. :input num_prbs: [...] ints in 1..max_prbs. :output: [...] np.int64.
        """
        mcs = self.check_mcs(mcs)
        n = np.asarray(num_prbs)
        if n.size and (n.min() < 1 or n.max() > self.max_prbs):
            raise ValueError(f"num_prbs: values must lie in 1..{self.max_prbs} (got {n.min()}..{n.max()})")
        return self._tbs[mcs, n]

    def prbs_for(self, mcs, payload_bits) -> np.ndarray:
        """The fewest whole PRBs whose TB holds ``payload_bits`` at ``mcs``.

        :input mcs: [...] ints. :input payload_bits: [...] ints >= 1 (broadcast with ``mcs``).
        :output: [...] np.int64 in 1..max_prbs; a payload larger than the grid is an error.
        """
        mcs, p = np.broadcast_arrays(self.check_mcs(mcs), np.asarray(payload_bits, dtype=np.int64))
        n = np.empty(p.shape, dtype=np.int64)
        for m in np.unique(mcs):  # a row's TBS never falls with more PRBs: search it
            at = mcs == m
            n[at] = np.searchsorted(self._tbs[m, 1:], p[at], side="left") + 1
        if n.size and n.max() > self.max_prbs:
            i = np.unravel_index(np.argmax(n), n.shape)
            raise ValueError(
                f"payload_bits: {int(p[i])} bits do not fit {self.max_prbs} PRBs at MCS "
                f"{int(mcs[i])} (TBS {int(self._tbs[mcs[i], -1])}); use a smaller payload or "
                "more PRBs"
            )
        return n

    def max_payload_bits(self) -> int:
        """The largest payload the grid carries at every MCS (one TB at the lowest MCS, all PRBs)."""
        return int(self._tbs[self.available_mcs[0], self.max_prbs])
