"""The NR resource grid a system study allocates: PRBs per slot, data REs per PRB, and how
a transmission's messages sit on the resource elements of its allocation.

Resources are counted as TS 38.211 counts them: a PRB is 12 subcarriers, a slot 14 OFDM
symbols of ``1 ms / 2^mu``; ``dmrs_symbols`` of them carry reference signals on every
subcarrier, so a PRB carries ``12 x (14 - dmrs_symbols)`` data resource elements (REs) per
slot. An agent's allocation in a slot is a set of whole PRBs (NR allocates PUSCH/PDSCH per
UE in PRBs). Its messages are concatenated in queue order (a MAC PDU carrying several SDUs)
and mapped **frequency first**, as NR maps a PUSCH codeword: RE ``i`` of the allocation is
on subcarrier ``i mod 12n`` (counted over the allocation's PRBs in ascending frequency) of
data symbol ``i div 12n``. A message occupying REs ``[o, o + L)`` of an ``n``-PRB allocation
therefore spreads over its PRBs; :func:`re_counts` gives how many of its REs fall in each.

Example::

    import numpy as np
    from semcom.simulator.system.grid import re_counts
    # two messages of 20 and 30 REs, back to back, in a 2-PRB allocation (24 subcarriers per symbol)
    print(re_counts(np.array([0, 20]), np.array([20, 30]), np.array([2, 2]), width=2))
    # [[12  8]
    #  [14 16]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["re_counts", "re_prb_index"]


def _prefix(x: np.ndarray, n_prb: np.ndarray, j: np.ndarray) -> np.ndarray:
    """REs among the first ``x`` of an ``n_prb``-PRB allocation that lie in its PRB ``j``."""
    w = 12 * n_prb
    return (x // w) * 12 + np.clip(x % w - 12 * j, 0, 12)


def re_counts(offset: np.ndarray, length: np.ndarray, n_prb: np.ndarray, width: int) -> np.ndarray:
    """REs of each message in each PRB of its allocation (frequency-first mapping).

    :input offset, length: [M] first RE and RE count of each message in its allocation.
    :input n_prb: [M] PRBs of the message's allocation. :param width: columns (>= max n_prb).
    :output counts: [M, width] np.int64 (column j: the allocation's j-th PRB in ascending frequency; 0 beyond n_prb).
    """
    o = np.asarray(offset, dtype=np.int64)[:, None]
    n = np.asarray(length, dtype=np.int64)[:, None]
    p = np.asarray(n_prb, dtype=np.int64)[:, None]
    j = np.arange(width, dtype=np.int64)[None, :]
    out = _prefix(o + n, p, j) - _prefix(o, p, j)
    return np.where(j < p, out, 0)


def re_prb_index(offset: int, length: int, n_prb: int) -> np.ndarray:
    """[length] the allocation PRB index of each RE of one message, in mapping order."""
    i = np.arange(offset, offset + length, dtype=np.int64)
    return (i % (12 * n_prb)) // 12
