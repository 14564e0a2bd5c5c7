"""The result row of a link-level study: one type whose fields are the columns of ``results.csv``.

Every link-level engine (the anchor-based one, :mod:`semcom.simulator.link.engine`, and the
end-to-end one, :mod:`semcom.simulator.link.jscc_engine`) builds its rows as
:class:`ResultRow`, which takes every column as a required keyword: an engine cannot
leave one out (a metric that does not apply is given as `None`, written empty).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Optional

from ..results.cells import format_cell

__all__ = ["ResultRow", "COLUMNS"]


@dataclass(frozen=True, kw_only=True)
class ResultRow:
    """One replicate's row: one (unit, SNR point, semantic equaliser), what the store keeps
    and ``replicates.csv`` lists (``results.csv`` aggregates them over replicates:
    :mod:`semcom.simulator.link.points`).

    Its intervals are within the replicate: ``accuracy_low``/``accuracy_high`` (and the
    top-5 ones) are the Wilson interval of its ``n_samples`` decisions, ``mrr_low``/``mrr_high``
    the normal interval of its reciprocal ranks. ``n_samples`` counts decisions: test
    samples × ``passes``. ``block_errors``/``codewords``: codewords decoded in error and
    sent, over every pass (empty without codewords).

    Fields in column order; columns added later go last, so the columns before them keep
    their order.
    """

    scenario: str
    tx_model: str
    rx_model: str
    channel: str
    snr_db: float
    num_anchors: Optional[int]
    anchor_selection: Optional[str]
    scheme: str
    bits: Optional[int]
    semantic_equalizer: str
    channel_equalizer: Optional[str]
    csi: Optional[str]
    seed: int
    channel_uses: float
    bits_per_sample: Optional[float]
    n_samples: int
    accuracy: float
    accuracy_low: float
    accuracy_high: float
    nmse: Optional[float]
    ber: Optional[float]
    bler: Optional[float]
    native_accuracy: float
    setup_channel_uses: Optional[float]
    side_channel_uses: Optional[float]
    unit: str
    head_weight_decay: Optional[float]
    top5_accuracy: float
    top5_accuracy_low: float
    top5_accuracy_high: float
    mrr: Optional[float]
    mrr_low: Optional[float]
    mrr_high: Optional[float]
    passes: int
    block_errors: Optional[int]
    codewords: Optional[int]

    def as_dict(self) -> dict[str, Any]:
        """The row as the store keeps it: ``{column: value}`` in column order, values
        formatted by :func:`~semcom.simulator.results.cells.format_cell`."""
        return {f.name: format_cell(getattr(self, f.name)) for f in fields(self)}


#: Columns of a replicate row (``replicates.csv``), in order. A metric that does not apply is left empty.
COLUMNS = [f.name for f in fields(ResultRow)]
