"""The abstraction calibrated and validated on the study's own messages.

Before the study's units run, the engine runs in record mode with every configuration fixed,
on drops and seeds of its own (``abstraction.calibration.system.drops`` for calibration, as many
for validation, seeded apart from each other and from the study's), at the middle load of the
sweep and with the study's first placement and scheduler. What it records (every sent message's
per-RE SINRs, estimate, group and configuration) feeds :mod:`semcom.simulator.abstraction.regime`:

* β of every table the study reads, fitted on the calibration drops' messages decoded by the
  link-level blocks at their per-RE SINRs (:mod:`semcom.simulator.abstraction.reference`);
* the inner loop's fading-averaged expectation per (group, configuration)
  (:class:`~semcom.simulator.abstraction.inner_loop.FadingAverage`), from the calibration drops;
* the held-out check: ``abstraction_validation.csv`` rows with ``regime = system`` (other drops,
  the other half of the test set for every table) and ``inner_loop_calibration.csv`` (per group
  and configuration, the mean accuracy the inner loop predicts against the mean it realises).

The result is cached under ``$SEMCOM_CACHE/abstraction-regime/<key>`` (the table set's key, the
system section, the sweep and the regime settings). :func:`calibrated_tables` hands the study
:class:`~.tables.LinkTables` whose tables carry the fitted β and ``expected_accuracy_at``.

Example::

    from semcom.simulator.system.own_regime import own_regime, calibrated_tables
    regime = own_regime(sc, table_set, tables)          # engine runs, link-level decoding (cached)
    tables = calibrated_tables(tables, regime, table_set)
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from semcom.core.io import write_text_atomic
from semcom.transceivers.cache import cache_dir, config_hash
from ..abstraction.folds import split_folds
from ..abstraction.mappings import effective_sinr
from ..abstraction.inner_loop import FadingAverage, build_fading_average, inner_loop_check
from ..abstraction.observe import say
from ..abstraction.patterns import MessagePatterns
from ..abstraction.reference import LinkReference
from ..abstraction.regime import RegimeEntry, calibrate_in_regime, decode_for_table, validate_in_regime
from ..abstraction.tableset import CALIBRATION_COLUMNS, VALIDATION_COLUMNS, read_dict_csv, write_dict_csv
from ..run.context import study_data
from ..run.randomness import derive_seed
from .engine import simulate_system
from .units import system_units

__all__ = ["OwnRegime", "own_regime", "calibrated_tables", "CalibratedTable", "INNER_LOOP_COLUMNS"]

#: Bump when what this module computes changes (cached results are then recomputed).
REVISION = 1
#: Columns of ``inner_loop_calibration.csv``.
INNER_LOOP_COLUMNS = ["group", "config", "messages", "predicted", "realised", "error", "within_margin",
                      "table_at_estimate"]
#: The estimates the inner loop's expectation is tabulated at [dB].
INNER_LOOP_GRID_DB = np.arange(-30.0, 60.01, 1.0)


@dataclass
class OwnRegime:
    """β per table id (with its fit), the inner loop's expectation and the rows of the checks."""

    betas: dict
    fading: FadingAverage
    calibration: list
    validation: list
    inner_loop: list


class CalibratedTable:
    """A table with the β fitted in the study's regime and the inner loop's expectation of its
    (group, configuration): every other attribute is the table's."""

    def __init__(self, table, beta: float, fading: FadingAverage, group: int, config: int):
        self._table, self.eesm_beta = table, float(beta)
        self._fading, self._key = fading, (group, config)

    def __getattr__(self, name):
        return getattr(self._table, name)

    def effective_sinr_db(self, sinr_db, weights=None) -> np.ndarray:
        """The table's mapping with the β fitted in the study's regime."""
        return effective_sinr(self._table.mapping, sinr_db, self.eesm_beta, weights)

    def expected_accuracy_at(self, estimate_db) -> np.ndarray:
        """Expected accuracy at large-scale SINR estimates [dB] (any shape), fading averaged."""
        est = np.asarray(estimate_db, dtype=np.float64)
        return np.interp(est, self._fading.grid_db, self._fading.values[self._key])


def _entries(tables, table_set) -> list[RegimeEntry]:
    out: dict[int, RegimeEntry] = {}
    for g, row in enumerate(tables.tables):
        for c, table in enumerate(row):
            tid = table_set.table_id(table.config)
            out.setdefault(tid, RegimeEntry(tid, table_set.tables[tid])).keys.append((g, c))
    return list(out.values())


def _record(sc, tables, purpose: str, drops: int, progress) -> MessagePatterns:
    template = system_units(sc, tables)[0]
    rates = sorted(float(r) for r in sc.axis("arrival_rate"))
    seed = derive_seed(sc.seed, "abstraction-regime", purpose) % (1 << 31)
    parts = []
    for d in range(drops):
        for label in tables.labels:
            unit = dataclasses.replace(template, seed=seed, drop=d, link_adaptation=f"fixed:{label}",
                                       arrival_rate=rates[len(rates) // 2])
            rec = simulate_system(sc, unit, tables, record=True).record
            parts.append(MessagePatterns(rec.sinr_re_db, rec.sinr_est_db, rec.group, rec.config,
                                         np.full(len(rec.group), d)))
        say(progress, f"abstraction: {purpose} drop {d}: {sum(len(p) for p in parts)} messages recorded")
    return MessagePatterns.concat(parts)


def regime_key(sc, table_set) -> str:
    spec = sc.abstraction_spec()
    return config_hash("abstraction-regime", REVISION, table_set.key, sc.seed, sc.system.model_dump(mode="json"),
                       sc.sweep.model_dump(mode="json"), spec.calibration.system.model_dump(),
                       spec.validation.system.model_dump(), spec.calibration.beta_range)


def own_regime(sc, table_set, tables, progress=None, use_cache: bool = True) -> OwnRegime:
    """Calibrate and validate ``table_set`` on the study's own messages (see the module docstring);
    ``tables``: the study's :class:`~.tables.LinkTables` (its tables are not changed)."""
    folder = cache_dir() / "abstraction-regime" / regime_key(sc, table_set)
    if use_cache and (folder / "regime.json").is_file():
        return _load(folder)
    spec = sc.abstraction_spec().inherit(sc)
    data = study_data(spec.link_scenario())
    test = (data.test_idx, split_folds(data.labels[data.test_idx].numpy(), spec.seed))
    entries = [dataclasses.replace(e, table=_copy(e.table)) for e in _entries(tables, table_set)]
    references: dict = {}

    def build(g: int, c: int) -> LinkReference:
        return LinkReference(spec, tables.tables[g][c].config)

    def decoder(patterns, settings, purpose):
        return lambda e: decode_for_table(e, patterns, settings, test, purpose, spec.seed, references, build)

    cal = _record(sc, tables, "calibration", spec.calibration.system.drops, progress)
    cal_rows = calibrate_in_regime(spec, entries, decoder(cal, spec.calibration.system, "calibration"), progress)
    table_of = {k: e.table for e in entries for k in e.keys}
    fading = build_fading_average(table_of, cal, INNER_LOOP_GRID_DB, seed=spec.seed)
    val = _record(sc, tables, "validation", spec.validation.system.drops, progress)
    val_rows = validate_in_regime(entries, decoder(val, spec.validation.system, "validation"), progress)
    inner = inner_loop_check(fading, table_of, val, tables.labels)
    result = OwnRegime({e.table_id: (e.table.eesm_beta, e.table.beta_fit) for e in entries}, fading, cal_rows,
                       val_rows, inner)
    if use_cache:
        _save(result, folder)
    return result


def _copy(table):
    return dataclasses.replace(table)


def calibrated_tables(tables, regime: OwnRegime, table_set):
    """``tables`` (:class:`~.tables.LinkTables`) whose every table is a :class:`CalibratedTable`."""
    rows = [[CalibratedTable(t, regime.betas[table_set.table_id(t.config)][0], regime.fading, g, c)
             for c, t in enumerate(row)] for g, row in enumerate(tables.tables)]
    return dataclasses.replace(tables, tables=rows)


def _save(r: OwnRegime, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_dict_csv(folder / "calibration.csv", CALIBRATION_COLUMNS, r.calibration)
    write_dict_csv(folder / "abstraction_validation.csv", VALIDATION_COLUMNS, r.validation)
    write_dict_csv(folder / "inner_loop_calibration.csv", INNER_LOOP_COLUMNS, r.inner_loop)
    write_text_atomic(folder / "regime.json", json.dumps(
        {"betas": [{"table": k, "beta": b, "fit": f} for k, (b, f) in r.betas.items()],
         "fading": r.fading.to_json()}, indent=1, sort_keys=True))


def _load(folder: Path) -> OwnRegime:
    head = json.loads((folder / "regime.json").read_text())
    return OwnRegime({int(e["table"]): (float(e["beta"]), e["fit"]) for e in head["betas"]},
                     FadingAverage.from_json(head["fading"]), read_dict_csv(folder / "calibration.csv"),
                     read_dict_csv(folder / "abstraction_validation.csv"),
                     read_dict_csv(folder / "inner_loop_calibration.csv"))
