"""A set of abstraction tables (:class:`TableSet`) and its file format.

File format (version :data:`TABLE_FORMAT_VERSION`), one folder per table set:

``abstraction.json``
    ``{"format": "semcom-abstraction", "format_version": 2, "key": <cache key>, "spec": <the
    AbstractionSpec, as JSON>, "semcom_version": ..., "tables": [{"id": 0, "config": {...},
    "eesm_beta": ..., "beta_fit": {...}, "mapping": ..., "fold_samples": [...]}, ...]}``. ``config``
    holds the :class:`TableConfig` fields (``scheme_settings`` as a mapping).
``tables.csv``
    One row per (table, SINR point): ``table, sinr_db, correct, n_samples, accuracy,
    accuracy_low, accuracy_high, correct_fold0, correct_fold1`` (``table`` is the ``id`` above;
    SINR ascending per table; the interval is the 95% Wilson interval of ``correct / n_samples``;
    the last two: correct decisions among each half of the test set, whose sizes per point are the
    header's ``fold_samples``, :mod:`~semcom.simulator.abstraction.folds`).
``calibration.csv``
    The link-level runs β was fitted on: ``table, channel, snr_db, n_samples, accuracy,
    accuracy_low, accuracy_high, predicted`` (``predicted`` with the fitted β).
``abstraction_validation.csv``
    The held-out check (:mod:`semcom.simulator.abstraction.validation`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import fields
from pathlib import Path
from collections.abc import Iterable
from typing import Optional

import numpy as np

from semcom.core.version import __version__
from semcom.core.io import write_text_atomic
from .table import AbstractionTable, TableConfig, TableSetError

__all__ = ["TABLE_FORMAT_VERSION", "TableSet", "TABLE_COLUMNS", "CALIBRATION_COLUMNS", "VALIDATION_COLUMNS",
           "write_dict_csv", "read_dict_csv"]

#: Version of the table files; :meth:`TableSet.load` refuses other versions.
TABLE_FORMAT_VERSION = 2

FORMAT_NAME = "semcom-abstraction"
TABLE_COLUMNS = ["table", "sinr_db", "correct", "n_samples", "accuracy", "accuracy_low", "accuracy_high",
                 "correct_fold0", "correct_fold1"]
#: Columns of ``calibration.csv``.
CALIBRATION_COLUMNS = ["regime", "table", "tx_model", "rx_model", "num_anchors", "anchor_selection", "scheme", "bits",
                       "semantic_equalizer", "channel", "channel_model", "calibration_pass", "snr_db",
                       "sinr_estimate_low", "sinr_estimate_high", "n_samples", "accuracy", "accuracy_low",
                       "accuracy_high", "predicted_accuracy", "eesm_beta"]
#: Columns of ``abstraction_validation.csv`` (:mod:`~semcom.simulator.abstraction.validation`).
VALIDATION_COLUMNS = ["regime", "table", "tx_model", "rx_model", "num_anchors", "anchor_selection", "scheme", "bits",
                      "semantic_equalizer", "channel", "channel_model", "snr_db", "sinr_estimate_low",
                      "sinr_estimate_high", "mapping", "eesm_beta", "n_samples", "predicted_accuracy", "link_accuracy",
                      "link_low", "link_high", "error", "within_margin", "inside_interval", "mean_sinr_prediction",
                      "min_sinr_prediction", "max_sinr_prediction", "plus_1db_prediction", "minus_1db_prediction"]


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
            raise TableSetError(f"abstraction table field {unknown[0]!r} is unknown; "
                                f"use one of {', '.join(sorted(names))}")
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
        values = {getattr(c, name) for c in self.configs()}
        return sorted(values, key=lambda v: (v is None, repr(v) if v is None else v))

    # -- files -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``abstraction.json``, ``tables.csv``, ``calibration.csv`` and
        ``abstraction_validation.csv`` into ``directory`` (atomic writes)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT_NAME, "format_version": TABLE_FORMAT_VERSION, "key": self.key,
                  "semcom_version": __version__, "spec": self.spec,
                  "tables": [{"id": i, "config": t.config.to_json(), "n_samples": t.n_samples,
                              "eesm_beta": t.eesm_beta, "beta_fit": t.beta_fit, "mapping": t.mapping,
                              "fold_samples": None if t.fold_samples is None else t.fold_samples.tolist()}
                             for i, t in enumerate(self.tables)]}
        rows = []
        for i, t in enumerate(self.tables):
            correct = t.correct if t.correct is not None else np.rint(t.accuracy * t.n_samples).astype(np.int64)
            for g in range(len(t.sinr_db)):
                folds = ["", ""] if t.fold_correct is None else [int(c) for c in t.fold_correct[:, g]]
                rows.append([i, _num(t.sinr_db[g]), int(correct[g]), t.n_samples, _num(t.accuracy[g]),
                             _num(t.accuracy_low[g]), _num(t.accuracy_high[g]), *folds])
        _write_csv(directory / "tables.csv", TABLE_COLUMNS, rows)
        write_dict_csv(directory / "calibration.csv", CALIBRATION_COLUMNS, self.calibration)
        write_dict_csv(directory / "abstraction_validation.csv", VALIDATION_COLUMNS, self.validation)
        write_text_atomic(directory / "abstraction.json", json.dumps(header, indent=1, sort_keys=True))
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> TableSet:
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
            col = lambda k, rs=rs: np.array([float(r[k]) for r in rs])   # noqa: E731
            sizes = entry.get("fold_samples")
            folds = None if sizes is None else np.stack([col(f"correct_fold{f}") for f in range(len(sizes))])
            tables.append(AbstractionTable(
                TableConfig.from_json(entry["config"]), col("sinr_db"), col("accuracy"), col("accuracy_low"),
                col("accuracy_high"), int(entry["n_samples"]), float(entry["eesm_beta"]),
                col("correct").astype(np.int64), entry.get("beta_fit"),
                None if folds is None else folds.astype(np.int64), None if sizes is None else np.array(sizes),
                entry.get("mapping", "eesm")))
        return cls(tables, header.get("spec"), header.get("key", ""), read_dict_csv(directory / "calibration.csv"),
                   read_dict_csv(directory / "abstraction_validation.csv"))


def _num(x: float) -> float | str:
    x = float(x)
    return "" if not math.isfinite(x) else float(f"{x:.10g}")


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text_atomic(path, buf.getvalue())


def write_dict_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Rows (mappings) as a CSV of ``columns``, numbers as the table files write them (atomic)."""
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


def read_dict_csv(path: Path) -> list[dict]:
    """The rows of a CSV written by :func:`write_dict_csv` (strings), [] when the file is absent."""
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return [dict(r) for r in csv.DictReader(f)]
