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

import contextlib
import math
import os
import shutil
import tempfile
from pathlib import Path
from collections.abc import Callable
from typing import Optional

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
from .folds import NUM_FOLDS, split_folds
from .grid import AdaptiveGrid
from .observe import say, table_config
from .spec import AbstractionSpec
from .table import AbstractionTable
from .tableset import TABLE_FORMAT_VERSION, TableSet
from .validation import validate

__all__ = ["build_table_set", "table_key", "BUILD_REVISION"]

#: Bump when the way tables are computed changes (stale cached table sets are then rebuilt).
BUILD_REVISION = 4


def table_key(spec: AbstractionSpec) -> str:
    """Cache key of a resolved spec: everything that determines the tables."""
    # a system study's own-regime runs are a later stage with a cache of their own
    return config_hash(
        "abstraction",
        TABLE_FORMAT_VERSION,
        BUILD_REVISION,
        spec.model_dump(
            mode="json",
            exclude={"name": True, "description": True, "calibration": {"system"}, "validation": {"system"}},
        ),
    )


def build_table_set(
    spec: AbstractionSpec,
    *,
    workers: Optional[int] = None,
    progress: Optional[Callable[[str], None]] = None,
    study=None,
    use_cache: bool = True,
) -> TableSet:
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
    ts = TableSet(
        [t for t, _ in tables], spec.model_dump(mode="json"), key, calibration_rows, validation_rows
    )
    if use_cache:
        _save_atomic(ts, folder)
    return ts


def _save_atomic(ts: TableSet, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        ts.save(tmp)
        with contextlib.suppress(
            OSError
        ):  # another process wrote the same key meanwhile: theirs is identical
            os.rename(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _build_tables(spec: AbstractionSpec, workers: int, progress) -> list[tuple[AbstractionTable, tuple]]:
    """One table per (unit, semantic equaliser), with the (unit, equaliser) it came from."""
    out = []
    for grid_values, schemes, k, bits in spec.table_runs():
        out += _grid_tables(spec, grid_values, schemes, workers, progress, k, bits)
    return out


def table_unit(sc, unit, channel_seed: Optional[int] = None) -> list[dict]:
    """The unit's rows on the grid, each with ``fold_correct``: its correct decisions among each half
    of the test set (:mod:`~.folds`). A module-level function: local workers run it."""
    chunks: dict = {}

    def observe(correct: dict, **_):
        for name, c in correct.items():
            chunks.setdefault(name, []).append(c)

    rows = run_unit(sc, unit, observe=observe, channel_seed=channel_seed)
    data = study_data(sc)
    folds = split_folds(data.labels[data.test_idx].numpy(), sc.seed)
    snr = [float(s) for s in sc.axis("snr_db")]
    for row in rows:
        correct = np.concatenate(chunks[row["semantic_equalizer"]], axis=1)[snr.index(float(row["snr_db"]))]
        row["fold_correct"] = [int(correct[folds == f].sum()) for f in range(NUM_FOLDS)]
        row["fold_samples"] = [int((folds == f).sum()) for f in range(NUM_FOLDS)]
    return rows


def _grid_tables(
    spec, grid_values, schemes, workers: int, progress, num_anchors=None, bits=None
) -> list[tuple[AbstractionTable, tuple]]:
    refine = spec.refine
    grid = AdaptiveGrid(
        grid_values,
        None if refine is None else refine.coarse_step,
        0.0 if refine is None else refine.tolerance,
    )
    counts: dict = {}  # (unit, equaliser) -> {sinr: [correct, decisions, fold counts..., fold sizes...]}
    first_rows: dict = {}
    points, rnd = grid.first(), 0
    while points:
        sc = spec.link_scenario(snr_db=points, schemes=schemes, num_anchors=num_anchors, bits=bits)
        units = expand_units(sc)
        test_size = len(study_data(sc).test_idx)
        repeats = max(1, math.ceil((spec.n_samples or test_size) / test_size))
        say(
            progress,
            f"abstraction: {len(units)} unit(s) x {len(points)} SINR points x {repeats} pass(es) "
            f"of {test_size} samples" + (f" (refinement round {rnd})" if rnd else ""),
        )
        for r in range(repeats):
            if rnd == 0 and r == 0:  # the table's first pass is the link study on the grid, seeds and all
                done = (
                    (u, rows)
                    for u, rows, _ in run_units(
                        sc, units, table_unit, workers=workers, prepare=prepare_workers
                    )
                )
            else:
                done = (
                    (u, table_unit(sc, u, derive_seed(u.seed, "abstraction-table", u.key, rnd, r)))
                    for u in units
                )
            for unit, rows in done:
                first_rows.setdefault(unit, rows)
                for row in rows:
                    c = counts.setdefault((unit, row["semantic_equalizer"]), {})
                    add = [
                        int(round(row["accuracy"] * row["n_samples"])),
                        int(row["n_samples"]),
                        *row["fold_correct"],
                        *row["fold_samples"],
                    ]
                    c[float(row["snr_db"])] = np.add(c.get(float(row["snr_db"]), 0), add)
        say(progress, f"abstraction: {len(units)} table unit(s) at {len(points)} SINR points done")
        points, rnd = grid.next([{s: v[:2] for s, v in c.items()} for c in counts.values()]), rnd + 1
    tables = []
    for (unit, name), c in counts.items():
        sinr = sorted(c)
        v = np.stack([c[s] for s in sinr])  # [G, 2 + 2F]
        if np.any(v[:, 1] != v[0, 1]):
            raise RuntimeError("abstraction: grid points of one table saw different numbers of decisions")
        row = next(r for r in first_rows[unit] if r["semantic_equalizer"] == name)
        config = table_config(spec, sc, unit, row)
        tables.append(
            (
                AbstractionTable.from_counts(
                    config,
                    np.array(sinr),
                    v[:, 0],
                    int(v[0, 1]),
                    eesm_beta=1.0,
                    fold_correct=v[:, 2 : 2 + NUM_FOLDS].T,
                    fold_samples=v[0, 2 + NUM_FOLDS :],
                    mapping=spec.mapping_of(config.scheme_kind),
                ),
                (unit, name),
            )
        )
    return tables
