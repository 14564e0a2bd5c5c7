"""Semantic PHY abstraction tables: accuracy (with its Wilson interval) against SINR, per
link configuration (:class:`TableConfig`, :class:`AbstractionTable`). A set of tables and
its file format: :mod:`semcom.simulator.abstraction.tableset`.

The SINR is the post-equalisation SINR per complex channel use (Es/N0 on the AWGN
channel, :mod:`semcom.channels.snr`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Optional

import numpy as np

from semcom.core.errors import SemcomInputError
from ..results.metrics import wilson_interval
from .mappings import effective_sinr

__all__ = ["TableConfig", "AbstractionTable", "TableSetError", "hashable"]


class TableSetError(SemcomInputError):
    """A table that is absent, of another format version, or does not cover a study's SINR range."""


@dataclass(frozen=True)
class TableConfig:
    """One link configuration of a table (frozen, hashable).

    :ivar tx_model: transmitter model name. :ivar rx_model: receiver model name.
    :ivar num_anchors: K. :ivar anchor_selection: anchor strategy.
    :ivar scheme: scheme name (key of the spec's ``schemes``).
    :ivar scheme_kind: ``analog`` or ``digital``.
    :ivar scheme_settings: the scheme's settings (code rate, modulation, block length...),
        a sorted tuple of (name, value) pairs.
    :ivar bits: quantisation bits (`None` for analog).
    :ivar semantic_equalizer: semantic equaliser or named receiver.
    :ivar channel: the table's channel (its ChannelSpec ``model``, ``awgn`` by default).
    :ivar channel_uses: complex channel uses per sample (side information included).
    :ivar bits_per_sample: bits per sample (`None` for analog).
    :ivar setup_channel_uses: one-off channel uses of the link's set-up (semantic pilots), `None` if none.
    """

    tx_model: str
    rx_model: str
    num_anchors: int
    anchor_selection: str
    scheme: str
    scheme_kind: str
    scheme_settings: tuple
    bits: Optional[int]
    semantic_equalizer: str
    channel: str
    channel_uses: float
    bits_per_sample: Optional[float]
    setup_channel_uses: Optional[float] = None

    def to_json(self) -> dict:
        d = asdict(self)
        d["scheme_settings"] = dict(self.scheme_settings)
        return d

    @classmethod
    def from_json(cls, d: dict) -> TableConfig:
        d = dict(d)
        d["scheme_settings"] = tuple(
            sorted((k, hashable(v)) for k, v in d.get("scheme_settings", {}).items())
        )
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def describe(self) -> str:
        b = f" b={self.bits}" if self.bits is not None else ""
        return (
            f"{self.tx_model}->{self.rx_model} K={self.num_anchors} {self.anchor_selection} {self.scheme}{b} "
            f"{self.semantic_equalizer}"
        )


def hashable(v: Any) -> Any:
    """A setting's value as a hashable one (lists as tuples, mappings as sorted pairs)."""
    if isinstance(v, list):
        return tuple(hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, hashable(x)) for k, x in v.items()))
    return v


@dataclass
class AbstractionTable:
    """Accuracy against SINR of one :class:`TableConfig`.

    :ivar config: the link configuration.
    :ivar sinr_db: [G], np.float64, ascending: the SINR grid [dB].
    :ivar accuracy, accuracy_low, accuracy_high: [G], np.float64: accuracy and its 95% Wilson interval.
    :ivar correct: [G], np.int64: correct decisions behind each point.
    :ivar n_samples: decisions per grid point.
    :ivar eesm_beta: EESM β of this table (see :mod:`semcom.simulator.abstraction.calibration`); NaN when
        its mapping has no β.
    :ivar beta_fit: how β was obtained: ``{"method": "calibrated"|"given", "rmse": ..., "max_abs_error": ...,
        "points": ..., "beta_low", "beta_high", "identifiable", ...}`` (:func:`~.calibration.fit_beta`).
    :ivar fold_correct: [F, G], np.int64: correct decisions per grid point among the samples of each half
        of the test set (:mod:`~.folds`), or `None`. :ivar fold_samples: [F] decisions per grid point of each.
    :ivar mapping: the effective-SINR mapping of a message's per-RE SINRs (:mod:`~.mappings`).

    Example (a synthetic table):

    .. code-block:: python

        import numpy as np
        from semcom.simulator.abstraction.table import AbstractionTable, TableConfig
        cfg = TableConfig("a", "b", 8, "random", "analog", "analog", (), None, "relative", "awgn", 4.0, None)
        t = AbstractionTable.from_counts(cfg, np.array([0.0, 10.0]), np.array([50, 90]), 100, eesm_beta=1.0)
        print(t.accuracy_at(np.array([-5.0, 5.0, 30.0])))       # [0.5 0.7 0.9]
        print(t.covers(0.0, 10.0), t.covers(-1.0, 10.0))        # True False
    """

    config: TableConfig
    sinr_db: np.ndarray
    accuracy: np.ndarray
    accuracy_low: np.ndarray
    accuracy_high: np.ndarray
    n_samples: int
    eesm_beta: float
    correct: Optional[np.ndarray] = None
    beta_fit: Optional[dict] = None
    fold_correct: Optional[np.ndarray] = None
    fold_samples: Optional[np.ndarray] = None
    mapping: str = "eesm"

    def __post_init__(self):
        self.sinr_db = np.asarray(self.sinr_db, dtype=np.float64)
        for name in ("accuracy", "accuracy_low", "accuracy_high"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        if self.sinr_db.ndim != 1 or len(self.sinr_db) < 1 or np.any(np.diff(self.sinr_db) <= 0):
            raise ValueError("sinr_db: must be a non-empty, strictly ascending 1-D grid")
        for name in ("accuracy", "accuracy_low", "accuracy_high"):
            if getattr(self, name).shape != self.sinr_db.shape:
                raise ValueError(f"{name}: must have the grid's shape {self.sinr_db.shape}")

    @classmethod
    def from_counts(
        cls,
        config: TableConfig,
        sinr_db,
        correct,
        n_samples: int,
        eesm_beta: float,
        beta_fit: Optional[dict] = None,
        fold_correct=None,
        fold_samples=None,
        mapping: str = "eesm",
    ) -> AbstractionTable:
        """A table from correct-decision counts per grid point (intervals: 95% Wilson); with
        ``fold_correct`` [F, G] and ``fold_samples`` [F], the counts of each half of the test set."""
        correct = np.asarray(correct, dtype=np.int64)
        lo, hi = zip(*(wilson_interval(int(c), int(n_samples)) for c in correct))
        folds = None if fold_correct is None else np.asarray(fold_correct, dtype=np.int64)
        sizes = None if fold_samples is None else np.asarray(fold_samples, dtype=np.int64)
        return cls(
            config,
            np.asarray(sinr_db, dtype=np.float64),
            correct / n_samples,
            np.array(lo),
            np.array(hi),
            int(n_samples),
            float(eesm_beta),
            correct,
            beta_fit,
            folds,
            sizes,
            mapping,
        )

    def held_out(self, fold: int) -> AbstractionTable:
        """The table of the samples *outside* half ``fold`` of the test set: what predicts a message
        whose sample is in ``fold`` (:mod:`~.folds`). A table without fold counts raises."""
        if self.fold_correct is None:
            raise TableSetError(
                f"abstraction: the table {self.config.describe()} has no per-fold counts; rebuild "
                "it (table format 2)"
            )
        others = [f for f in range(len(self.fold_samples)) if f != fold]
        return AbstractionTable.from_counts(
            self.config,
            self.sinr_db,
            self.fold_correct[others].sum(0),
            int(self.fold_samples[others].sum()),
            self.eesm_beta,
            self.beta_fit,
            mapping=self.mapping,
        )

    def effective_sinr_db(self, sinr_db, weights=None) -> np.ndarray:
        """The effective SINR [dB] of messages from their per-RE SINRs [..., W] [dB] (NaN-padded;
        ``weights``: REs per entry) under this table's mapping (:mod:`~.mappings`) and β."""
        return effective_sinr(self.mapping, sinr_db, self.eesm_beta, weights)

    def accuracy_at(self, sinr_db) -> np.ndarray:
        """Accuracy at any SINRs [dB], any shape: linear interpolation in dB between grid points;
        below the grid the lowest point's accuracy, above it the highest point's (use
        :meth:`covers` to refuse SINRs outside the grid instead).

        :input sinr_db: [...], float. :output accuracy: [...], np.float64.
        """
        s = np.asarray(sinr_db, dtype=np.float64)
        return np.interp(s, self.sinr_db, self.accuracy)

    def interval_at(self, sinr_db) -> tuple[np.ndarray, np.ndarray]:
        """The Wilson interval's bounds interpolated like :meth:`accuracy_at`."""
        s = np.asarray(sinr_db, dtype=np.float64)
        return np.interp(s, self.sinr_db, self.accuracy_low), np.interp(s, self.sinr_db, self.accuracy_high)

    def covers(self, lo: float, hi: float) -> bool:
        """Whether the grid spans the SINR range [lo, hi] dB."""
        return bool(self.sinr_db[0] <= lo and hi <= self.sinr_db[-1])

    def check_covers(self, lo: float, hi: float, field: str = "abstraction.sinr_db") -> None:
        """Raise a one-line :class:`TableSetError` naming ``field`` when the grid does not span [lo, hi] dB."""
        if not self.covers(lo, hi):
            raise TableSetError(
                f"{field}: the table {self.config.describe()} covers {self.sinr_db[0]:g}..{self.sinr_db[-1]:g} dB "
                f"but the study needs {lo:g}..{hi:g} dB; widen {field} to at least "
                f"{{start: {math.floor(lo)}, stop: {math.ceil(hi)}}}"
            )
