"""Semantic PHY abstraction tables: accuracy (with its Wilson interval) against SINR, per link configuration.

File format (version :data:`TABLE_FORMAT_VERSION`), one folder per table set:

``abstraction.json``
    ``{"format": "semcom-abstraction", "format_version": 1, "key": <cache key>, "spec": <the
    AbstractionSpec, as JSON>, "semcom_version": ..., "tables": [{"id": 0, "config": {...},
    "eesm_beta": ..., "beta_fit": {...}}, ...]}``. ``config`` holds the :class:`TableConfig`
    fields (``scheme_settings`` as a mapping).
``tables.csv``
    One row per (table, SINR point): ``table, sinr_db, correct, n_samples, accuracy,
    accuracy_low, accuracy_high`` (``table`` is the ``id`` above; SINR ascending per table;
    the interval is the 95% Wilson interval of ``correct / n_samples``).
``calibration.csv``
    The link-level runs β was fitted on: ``table, channel, snr_db, n_samples, accuracy,
    accuracy_low, accuracy_high, predicted`` (``predicted`` with the fitted β).
``abstraction_validation.csv``
    The held-out check (:mod:`semcom.simulator.abstraction.validation`).

The SINR is the post-equalisation SINR per complex channel use (Es/N0 on the AWGN
channel, :mod:`semcom.channels.snr`).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Optional

import numpy as np

from semcom.core.errors import SemcomInputError
from semcom.core.io import write_text_atomic

__all__ = ["TABLE_FORMAT_VERSION", "TableConfig", "AbstractionTable", "TableSet", "TableSetError"]

#: Version of the table files; :meth:`TableSet.load` refuses other versions.
TABLE_FORMAT_VERSION = 1

FORMAT_NAME = "semcom-abstraction"
TABLE_COLUMNS = ["table", "sinr_db", "correct", "n_samples", "accuracy", "accuracy_low", "accuracy_high"]


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
    def from_json(cls, d: dict) -> "TableConfig":
        d = dict(d)
        d["scheme_settings"] = tuple(sorted((k, _hashable(v)) for k, v in d.get("scheme_settings", {}).items()))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def describe(self) -> str:
        b = f" b={self.bits}" if self.bits is not None else ""
        return (f"{self.tx_model}->{self.rx_model} K={self.num_anchors} {self.anchor_selection} {self.scheme}{b} "
                f"{self.semantic_equalizer}")


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return v


@dataclass
class AbstractionTable:
    """Accuracy against SINR of one :class:`TableConfig`.

    :ivar config: the link configuration.
    :ivar sinr_db: [G], np.float64, ascending: the SINR grid [dB].
    :ivar accuracy, accuracy_low, accuracy_high: [G], np.float64: accuracy and its 95% Wilson interval.
    :ivar correct: [G], np.int64: correct decisions behind each point.
    :ivar n_samples: decisions per grid point.
    :ivar eesm_beta: EESM β of this table (see :mod:`semcom.simulator.abstraction.calibration`).
    :ivar beta_fit: how β was obtained: ``{"method": "calibrated"|"given", "rmse": ..., "max_abs_error": ...,
        "points": ...}``.

    Example (a synthetic table):

    .. code-block:: python

        import numpy as np
        from semcom.simulator.abstraction import AbstractionTable, TableConfig
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
    def from_counts(cls, config: TableConfig, sinr_db, correct, n_samples: int, eesm_beta: float,
                    beta_fit: Optional[dict] = None) -> "AbstractionTable":
        """A table from correct-decision counts per grid point (intervals: 95% Wilson)."""
        from ..metrics import wilson_interval

        correct = np.asarray(correct, dtype=np.int64)
        lo, hi = zip(*(wilson_interval(int(c), int(n_samples)) for c in correct))
        return cls(config, np.asarray(sinr_db, dtype=np.float64), correct / n_samples, np.array(lo), np.array(hi),
                   int(n_samples), float(eesm_beta), correct, beta_fit)

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
                f"{{start: {math.floor(lo)}, stop: {math.ceil(hi)}}}")


class TableSet:
    """Tables of several link configurations, with their spec and the calibration/validation rows.

    :param tables: the tables (one per distinct config).
    :param spec: the JSON of the :class:`~semcom.simulator.abstraction.spec.AbstractionSpec` that built them.
    :param key: the cache key.
    :param calibration: rows of ``calibration.csv``. :param validation: rows of ``abstraction_validation.csv``.
    """

    def __init__(self, tables: Iterable[AbstractionTable], spec: Optional[dict] = None, key: str = "",
                 calibration: Optional[list[dict]] = None, validation: Optional[list[dict]] = None):
        self.tables = list(tables)
        self.spec = spec or {}
        self.key = key
        self.calibration = list(calibration or [])
        self.validation = list(validation or [])
        configs = [t.config for t in self.tables]
        if len(set(configs)) != len(configs):
            raise ValueError("tables: two tables have the same config")

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self):
        return iter(self.tables)

    def configs(self) -> list[TableConfig]:
        return [t.config for t in self.tables]

    def table_id(self, config: TableConfig) -> int:
        """Position of ``config``'s table (its ``table`` id in the files)."""
        try:
            return self.configs().index(config)
        except ValueError:
            raise TableSetError(f"abstraction: no table for {config.describe()} in this table set; select tables "
                                "from it with TableSet.select") from None

    def select(self, **criteria) -> AbstractionTable:
        """The one table whose config matches every given field, e.g.
        ``select(tx_model="a", rx_model="edge", num_anchors=16, bits=None)``; a one-line
        :class:`TableSetError` listing what exists when none (or several) match."""
        names = {f.name for f in fields(TableConfig)}
        unknown = sorted(set(criteria) - names)
        if unknown:
            raise TableSetError(f"abstraction table field {unknown[0]!r} is unknown; use one of {', '.join(sorted(names))}")
        hits = [t for t in self.tables if all(getattr(t.config, k) == v for k, v in criteria.items())]
        if len(hits) == 1:
            return hits[0]
        asked = ", ".join(f"{k}={v!r}" for k, v in criteria.items())
        if not hits:
            have = {k: sorted({getattr(c, k) for c in self.configs()}, key=repr) for k in criteria}
            listing = "; ".join(f"{k} in {v}" for k, v in have.items())
            raise TableSetError(f"abstraction: no table with {asked} (the table set has {listing}); add the value "
                                "to the `abstraction:` section and rebuild")
        raise TableSetError(f"abstraction: {len(hits)} tables match {asked}; also give one of "
                            + ", ".join(sorted(k for k in names - set(criteria)
                                               if len({getattr(t.config, k) for t in hits}) > 1)))

    def values(self, name: str) -> list:
        """Distinct values of config field ``name`` across the set (e.g. every K)."""
        return sorted({getattr(c, name) for c in self.configs()}, key=lambda v: (v is None, repr(v) if v is None else v))

    # -- files -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``abstraction.json``, ``tables.csv``, ``calibration.csv`` and
        ``abstraction_validation.csv`` into ``directory`` (atomic writes)."""
        from semcom import __version__

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT_NAME, "format_version": TABLE_FORMAT_VERSION, "key": self.key,
                  "semcom_version": __version__, "spec": self.spec,
                  "tables": [{"id": i, "config": t.config.to_json(), "n_samples": t.n_samples,
                              "eesm_beta": t.eesm_beta, "beta_fit": t.beta_fit} for i, t in enumerate(self.tables)]}
        rows = []
        for i, t in enumerate(self.tables):
            correct = t.correct if t.correct is not None else np.rint(t.accuracy * t.n_samples).astype(np.int64)
            for g in range(len(t.sinr_db)):
                rows.append([i, _num(t.sinr_db[g]), int(correct[g]), t.n_samples, _num(t.accuracy[g]),
                             _num(t.accuracy_low[g]), _num(t.accuracy_high[g])])
        _write_csv(directory / "tables.csv", TABLE_COLUMNS, rows)
        from .validation import VALIDATION_COLUMNS, CALIBRATION_COLUMNS
        _write_dict_csv(directory / "calibration.csv", CALIBRATION_COLUMNS, self.calibration)
        _write_dict_csv(directory / "abstraction_validation.csv", VALIDATION_COLUMNS, self.validation)
        write_text_atomic(directory / "abstraction.json", json.dumps(header, indent=1, sort_keys=True))
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "TableSet":
        """Read a folder written by :meth:`save`; a one-line error if it is missing or of another format version."""
        directory = Path(directory)
        head = directory / "abstraction.json"
        if not head.is_file():
            raise TableSetError(f"abstraction tables: {head} does not exist; build them with "
                                "`semcom abstraction build SCENARIO --out DIR`")
        try:
            header = json.loads(head.read_text())
        except json.JSONDecodeError as exc:
            raise TableSetError(f"abstraction tables: {head} is not valid JSON ({exc}); rebuild them") from None
        version = header.get("format_version")
        if header.get("format") != FORMAT_NAME or version != TABLE_FORMAT_VERSION:
            raise TableSetError(f"abstraction tables: {head} has format version {version!r}, this semcom reads "
                                f"{TABLE_FORMAT_VERSION}; rebuild them with `semcom abstraction build`")
        points: dict[int, list] = {}
        with open(directory / "tables.csv", newline="") as f:
            for r in csv.DictReader(f):
                points.setdefault(int(r["table"]), []).append(r)
        tables = []
        for entry in header["tables"]:
            rs = points.get(int(entry["id"]), [])
            col = lambda k: np.array([float(r[k]) for r in rs])   # noqa: E731
            tables.append(AbstractionTable(
                TableConfig.from_json(entry["config"]), col("sinr_db"), col("accuracy"), col("accuracy_low"),
                col("accuracy_high"), int(entry["n_samples"]), float(entry["eesm_beta"]),
                col("correct").astype(np.int64), entry.get("beta_fit")))
        return cls(tables, header.get("spec"), header.get("key", ""), _read_dict_csv(directory / "calibration.csv"),
                   _read_dict_csv(directory / "abstraction_validation.csv"))


def _num(x: float) -> float | str:
    x = float(x)
    return "" if not math.isfinite(x) else float(f"{x:.10g}")


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text_atomic(path, buf.getvalue())


def _write_dict_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    _write_csv(path, columns, [[_cell(r.get(c)) for c in columns] for r in rows])


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)):
        return _num(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def _read_dict_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return [dict(r) for r in csv.DictReader(f)]
