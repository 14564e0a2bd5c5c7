"""Building a table set: link-level runs on the SINR grid, β calibration, held-out validation.

Everything runs through the link engine (:func:`semcom.simulator.link.engine.run_unit`): the
tables are the link study of the spec with ``snr_db`` = the SINR grid on the table's
channel (AWGN by default), one table per (unit, semantic equaliser). Calibration and
validation runs are the same units over frequency-selective / fading channels, observed
per sample (:func:`~semcom.simulator.abstraction.observe.observe_unit`).

Cached on disk (``$SEMCOM_CACHE/abstraction/<key>``) by a hash of the resolved spec
(every field but ``name`` and ``description``), :data:`TABLE_FORMAT_VERSION` and
:data:`BUILD_REVISION`.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from semcom.transceivers.cache import cache_dir, config_hash
from ..run.context import study_data
from ..link.engine import run_unit
from ..run.executors import run_units
from ..run.randomness import derive_seed
from ..link.runner import prepare_workers
from ..link.units import expand_units
from .calibration import calibrate
from .checks import check_abstraction_spec
from .observe import say, table_config
from .spec import AbstractionSpec
from .table import AbstractionTable
from .tableset import TABLE_FORMAT_VERSION, TableSet
from .validation import validate

__all__ = ["build_table_set", "table_key", "BUILD_REVISION"]

#: Bump when the way tables are computed changes (stale cached table sets are then rebuilt).
BUILD_REVISION = 3


def table_key(spec: AbstractionSpec) -> str:
    """Cache key of a resolved spec: everything that determines the tables."""
    return config_hash("abstraction", TABLE_FORMAT_VERSION, BUILD_REVISION,
                       spec.model_dump(mode="json", exclude={"name", "description"}))


def build_table_set(spec: AbstractionSpec, *, workers: Optional[int] = None,
                    progress: Optional[Callable[[str], None]] = None, study=None,
                    use_cache: bool = True) -> TableSet:
    """The tables, β and validation of ``spec``, from the cache when it holds them.

    :param spec: the spec (unset link-level fields are taken from ``study``, see
        :meth:`AbstractionSpec.inherit`).
    :param workers: local worker processes for the grid runs (default 1: inline).
    :param progress: called with one line of text per step (e.g. ``print``); `None`: silent.
    :param study: the enclosing study whose data, models and seed fill unset fields.
    :param use_cache: read and write ``$SEMCOM_CACHE/abstraction/<key>``.
    """
    spec = spec.inherit(study)
    key = table_key(spec)
    folder = cache_dir() / "abstraction" / key
    if use_cache and (folder / "abstraction.json").is_file():
        say(progress, f"abstraction: tables {key} from the cache")
        return TableSet.load(folder)
    check_abstraction_spec(spec)
    tables = _build_tables(spec, workers or 1, progress)
    calibration_rows = calibrate(spec, tables, progress)
    validation_rows = validate(spec, tables, progress) if spec.validation is not None else []
    ts = TableSet([t for t, _ in tables], spec.model_dump(mode="json"), key, calibration_rows, validation_rows)
    if use_cache:
        _save_atomic(ts, folder)
    return ts


def _save_atomic(ts: TableSet, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        ts.save(tmp)
        try:
            os.rename(tmp, folder)
        except OSError:      # another process wrote the same key meanwhile: theirs is identical
            pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _build_tables(spec: AbstractionSpec, workers: int, progress) -> list[tuple[AbstractionTable, tuple]]:
    """One table per (unit, semantic equaliser), with the (unit, equaliser) it came from."""
    out = []
    for grid_values, schemes in spec.grids():
        sc = spec.link_scenario(snr_db=grid_values, schemes=schemes)
        out += _grid_tables(spec, sc, workers, progress)
    return out


def _grid_tables(spec, sc, workers: int, progress) -> list[tuple[AbstractionTable, tuple]]:
    units = expand_units(sc)
    test_size = len(study_data(sc).test_idx)
    repeats = max(1, math.ceil((spec.n_samples or test_size) / test_size))
    grid = np.asarray(sc.axis("snr_db"), dtype=np.float64)
    counts: dict = {}
    rows_of: dict = {}
    say(progress, f"abstraction: {len(units)} unit(s) x {len(grid)} SINR points x {repeats} pass(es) "
                   f"of {test_size} samples")
    for unit, rows, seconds in run_units(sc, units, run_unit, workers=workers, prepare=prepare_workers):
        rows_of[unit] = rows
        say(progress, f"abstraction: table {unit.describe()} ({seconds:.1f} s)")
    for unit in units:
        passes = [rows_of[unit]]
        for r in range(1, repeats):
            passes.append(run_unit(sc, unit, channel_seed=derive_seed(unit.seed, "abstraction-table", unit.key, r)))
        for rows in passes:
            for row in rows:
                k = (unit, row["semantic_equalizer"])
                c = counts.setdefault(k, np.zeros(len(grid), dtype=np.int64))
                c[grid.tolist().index(float(row["snr_db"]))] += int(round(row["accuracy"] * row["n_samples"]))
    tables = []
    for unit in units:
        seen = []
        for row in rows_of[unit]:
            name = row["semantic_equalizer"]
            if name in seen:
                continue
            seen.append(name)
            cfg = table_config(spec, sc, unit, row)
            table = AbstractionTable.from_counts(cfg, grid, counts[(unit, name)], repeats * test_size,
                                                 eesm_beta=1.0)
            tables.append((table, (unit, name)))
    return tables
