"""The abstraction calibrated and validated on the study's own messages.

Before the study's units run, the engine runs in record mode with every configuration fixed,
on drops and seeds of its own (``abstraction.calibration.system.drops`` for calibration,
``abstraction.validation.system.drops`` for validation, seeded apart from each other and from the
study's), at the middle load of the sweep with the study's first placement and scheduler
(:func:`~.calibrated.regime_runs`). What it records (every sent message's
per-RE SINRs, estimate, group and configuration) feeds :mod:`semcom.simulator.abstraction.regime`:

* β of every table the study reads, fitted on the calibration drops' messages decoded by the
  link-level blocks at their per-RE SINRs (:mod:`semcom.simulator.abstraction.reference`);
* the inner loop's fading-averaged expectation per (group, configuration)
  (:class:`~semcom.simulator.abstraction.inner_loop.FadingAverage`), from the calibration drops;
* the held-out check: ``abstraction_validation.csv`` rows with ``regime = system`` (other drops,
  the other half of the test set for every table) and ``inner_loop_calibration.csv`` (per group
  and configuration, the mean accuracy the inner loop predicts against the mean it realises).

The result (:class:`~.calibrated.OwnRegime`) is cached (:mod:`.calibrated`), where
:func:`~.calibrated.calibrated_tables` hands the study :class:`~.tables.LinkTables` whose tables
carry the fitted mapping and ``expected_accuracy_at``.

Example::

    from semcom.simulator.system.calibrated import calibrated_tables
    from semcom.simulator.system.own_regime import own_regime
    regime = own_regime(sc, table_set, tables)          # engine runs, link-level decoding (cached)
    tables = calibrated_tables(tables, regime, table_set)
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..abstraction.folds import split_folds
from ..abstraction.inner_loop import build_fading_average, inner_loop_check
from ..abstraction.observe import say
from ..abstraction.patterns import MessagePatterns
from ..abstraction.reference import LinkReference
from ..abstraction.regime import RegimeEntry, calibrate_in_regime, decode_for_table, validate_in_regime
from ..abstraction.spec import ValidationSpec
from ..run.context import study_data
from ..run.randomness import derive_seed
from .calibrated import OwnRegime, cached_regime, regime_applies, regime_folder, regime_runs, save_regime
from .engine import simulate_system
from .units import system_units

__all__ = ["own_regime"]

#: The estimates the inner loop's expectation is tabulated at [dB].
INNER_LOOP_GRID_DB = np.arange(-30.0, 60.01, 1.0)


def _entries(tables, table_set) -> list[RegimeEntry]:
    out: dict[int, RegimeEntry] = {}
    for g, row in enumerate(tables.tables):
        for c, table in enumerate(row):
            tid = table_set.table_id(table.config)
            out.setdefault(tid, RegimeEntry(tid, table_set.tables[tid])).keys.append((g, c))
    return list(out.values())


def _record(sc, tables, purpose: str, drops: int, progress) -> MessagePatterns:
    template = system_units(sc, tables)[0]
    seed = derive_seed(sc.seed, "abstraction-regime", purpose) % (1 << 31)
    parts = []
    for d in range(drops):
        for label in tables.labels:
            unit = dataclasses.replace(
                template, seed=seed, drop=d, link_adaptation=f"fixed:{label}", **regime_runs(sc)
            )
            parts.append(
                MessagePatterns.from_record(simulate_system(sc, unit, tables, record=True).record, d)
            )
        say(progress, f"abstraction: {purpose} drop {d}: {sum(len(p) for p in parts)} messages recorded")
    return MessagePatterns.concat(parts)


def own_regime(sc, table_set, tables, progress=None, use_cache: bool = True) -> OwnRegime | None:
    """Calibrate and validate ``table_set`` on the study's own messages (see the module docstring);
    ``tables``: the study's :class:`~.tables.LinkTables` (its tables are not changed). `None` for a
    study that reads a saved table set (``tables:``) or sets ``abstraction.calibration.system: null``."""
    if not regime_applies(sc):
        return None
    folder = regime_folder(sc, table_set)
    if use_cache and (folder / "regime.json").is_file():
        return cached_regime(sc, table_set)
    spec = sc.abstraction_spec().inherit(sc)
    say(progress, "abstraction: calibrating and validating the tables on the study's own messages")
    data = study_data(spec.link_scenario())
    test = (data.test_idx, split_folds(data.labels[data.test_idx].numpy(), spec.seed))
    entries = [dataclasses.replace(e, table=_copy(e.table)) for e in _entries(tables, table_set)]
    references: dict = {}

    def build(g: int, c: int) -> LinkReference:
        return LinkReference(spec, tables.tables[g][c].config)

    def decoder(patterns, settings, purpose):
        return lambda e: decode_for_table(e, patterns, settings, test, purpose, spec.seed, references, build)

    cal = _record(sc, tables, "calibration", spec.calibration.system.drops, progress)
    cal_rows = calibrate_in_regime(
        spec, entries, decoder(cal, spec.calibration.system, "calibration"), progress
    )
    table_of = {k: e.table for e in entries for k in e.keys}
    fading = build_fading_average(table_of, cal, INNER_LOOP_GRID_DB, seed=spec.seed)
    val_spec = (spec.validation or ValidationSpec()).system
    val = _record(sc, tables, "validation", val_spec.drops, progress)
    val_rows = validate_in_regime(entries, decoder(val, val_spec, "validation"), progress)
    inner = inner_loop_check(fading, table_of, val, tables.labels)
    result = OwnRegime(
        {e.table_id: (e.table.eesm_beta, e.table.beta_fit) for e in entries},
        fading,
        cal_rows,
        val_rows,
        inner,
    )
    if use_cache:
        save_regime(result, folder)
    return result


def _copy(table):
    return dataclasses.replace(table)
