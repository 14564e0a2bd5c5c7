"""Decisions of the messages a system unit sent: their effective SINR from the SINRs of the
resource elements they occupied, the table's accuracy there, and a Bernoulli draw.

A message's REs lie on the PRBs of its agent's allocation (:func:`~.grid.re_counts`); the
SINR is one value per (PRB, slot), so the message's per-RE SINRs are its PRBs' SINRs with
multiplicities, and the table's effective-SINR mapping (an average of a function of the
per-RE SINR: :meth:`~semcom.simulator.abstraction.table.AbstractionTable.effective_sinr_db`,
``mean_noise`` for analog tables, EESM for digital ones, evaluated stably) is computed over
PRBs with those counts as weights: exactly the per-RE value. The decision is correct when the
message's uniform draw ``u`` (drawn at its arrival, common to every policy) is below the
table's accuracy at the effective SINR.

**Record mode** (:class:`SentRecord`): for every message sent, its per-RE SINRs in dB in the
order its symbols are mapped (frequency first over its allocation), NaN-padded to the widest
message, its large-scale SINR estimate, group and configuration, so the abstraction can be
calibrated and validated on exactly the SINR patterns the engine produces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Decider", "SentRecord"]


@dataclass
class SentRecord:
    """Record mode's output, one row per message sent (in the order they were sent).

    :ivar message: [K] message index. :ivar sinr_re_db: [K, max_re] float32 per-RE SINR [dB] in
        mapping order, NaN-padded. :ivar sinr_est_db: [K] large-scale estimate (no outer-loop offset)
        of the configuration sent. :ivar group: [K]. :ivar config: [K]. :ivar slot: [K]."""

    message: np.ndarray
    sinr_re_db: np.ndarray
    sinr_est_db: np.ndarray
    group: np.ndarray
    config: np.ndarray
    slot: np.ndarray


class Decider:
    """Collects the messages sent slot by slot and draws their decisions in batches."""

    def __init__(self, tables, u: np.ndarray, record: bool = False):
        self.tables = tables
        self.u = u
        self.pending: list = []
        self.record = [] if record else None

    def add(self, msg, group, config, sinr_db, counts, offset, length, n_prb, est_db, slot) -> None:
        """Messages ``msg`` [k] sent in ``slot``: per-PRB SINR [k, W] (dB, NaN-padded) of their
        allocation's PRBs, RE counts [k, W], first RE and length within the allocation, PRBs of it."""
        self.pending.append((msg, group, config, sinr_db, counts))
        if self.record is not None:
            width = int(length.max())
            i = offset[:, None] + np.arange(width)[None, :]
            j = (i % (12 * n_prb[:, None])) // 12
            per_re = np.take_along_axis(sinr_db, np.minimum(j, sinr_db.shape[1] - 1), axis=1)
            per_re = np.where(np.arange(width)[None, :] < length[:, None], per_re, np.nan).astype(np.float32)
            self.record.append((msg, per_re, est_db, group, config, np.full(len(msg), slot)))

    def flush(self, out_eff: np.ndarray, out_ok: np.ndarray) -> None:
        """Decide every pending message (writes ``out_eff`` [dB] and ``out_ok``)."""
        if not self.pending:
            return
        width = max(p[3].shape[1] for p in self.pending)
        msg = np.concatenate([p[0] for p in self.pending])
        grp = np.concatenate([p[1] for p in self.pending])
        cfg = np.concatenate([p[2] for p in self.pending])
        sinr = np.concatenate(
            [np.pad(p[3], ((0, 0), (0, width - p[3].shape[1])), constant_values=np.nan) for p in self.pending]
        )
        counts = np.concatenate([np.pad(p[4], ((0, 0), (0, width - p[4].shape[1]))) for p in self.pending])
        self.pending.clear()
        eff = np.empty(len(msg))
        acc = np.empty(len(msg))
        n_cfg = len(self.tables.labels)
        key = grp * n_cfg + cfg
        for k in np.unique(key):
            m = key == k
            table = self.tables.tables[k // n_cfg][k % n_cfg]
            eff[m] = table.effective_sinr_db(sinr[m], counts[m])
            acc[m] = table.accuracy_at(eff[m])
        out_eff[msg] = eff
        out_ok[msg] = self.u[msg] < acc

    def sent_record(self) -> SentRecord | None:
        if self.record is None:
            return None
        if not self.record:
            return SentRecord(*(np.zeros(0) for _ in range(6)))
        width = max(r[1].shape[1] for r in self.record)
        per_re = np.concatenate(
            [np.pad(r[1], ((0, 0), (0, width - r[1].shape[1])), constant_values=np.nan) for r in self.record]
        )
        cols = [np.concatenate([r[i] for r in self.record]) for i in (0, 2, 3, 4, 5)]
        return SentRecord(cols[0], per_re, cols[1], cols[2], cols[3], cols[4])
