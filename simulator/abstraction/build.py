"""Building a table set: link-level runs on the SINR grid, β calibration, held-out validation.

Everything runs through the link engine (:func:`semcom.simulator.engine.run_unit`): the
tables are the link study of the spec with ``snr_db`` = the SINR grid on the table's
channel (AWGN by default), one table per (unit, semantic equaliser). Calibration and
validation runs are the same units over frequency-selective / fading channels, observed
per sample (:func:`observe_unit`): each sample's decision and the post-equalisation SINR
``1 / no_eff`` of every symbol carrying it (unit-energy symbols).

Cached on disk (``$SEMCOM_CACHE/abstraction/<key>``) by a hash of the resolved spec
(every field but ``name`` and ``description``), :data:`TABLE_FORMAT_VERSION` and
:data:`BUILD_REVISION`.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .spec import AbstractionSpec
from .table import TABLE_FORMAT_VERSION, AbstractionTable, TableConfig, TableSet

__all__ = ["build_table_set", "observe_unit", "Observation", "table_key", "BUILD_REVISION", "table_config"]

#: Bump when the way tables are computed changes (stale cached table sets are then rebuilt).
BUILD_REVISION = 3


def table_key(spec: AbstractionSpec) -> str:
    """Cache key of a resolved spec: everything that determines the tables."""
    from semcom.transceivers.cache import config_hash

    return config_hash("abstraction", TABLE_FORMAT_VERSION, BUILD_REVISION,
                       spec.model_dump(mode="json", exclude={"name", "description"}))


@dataclass
class Observation:
    """Per-sample outcome of one unit on one channel.

    :ivar snr_db: [S], the channel's mean SNRs.
    :ivar sinr_db: [S, N, R], np.float64: post-equalisation SINR of the R symbols carrying each sample.
    :ivar correct: {semantic_equalizer: [S, N] ``np.bool_``}.
    """

    snr_db: np.ndarray
    sinr_db: np.ndarray
    correct: dict


def _rows_to_samples(no_eff, scheme, message_dim: int, batch: int):
    """[S, rows, n] noise variances in the scheme's row layout → [S, batch, R] per sample."""
    layout = getattr(scheme, "layout", None)
    if layout is None or no_eff.shape[1] == batch:
        return no_eff[:, :batch]
    lay = layout(message_dim)
    S, _, n = no_eff.shape
    if lay.codewords_per_sample > 1:
        return no_eff[:, :batch * lay.codewords_per_sample].reshape(S, batch, lay.codewords_per_sample * n)
    rows = np.arange(batch) // lay.samples_per_codeword
    return no_eff[:, rows]


def observe_unit(sc, unit, channel_seed: int) -> Observation:
    """Run ``unit`` of link study ``sc`` (its one channel) with Sionna's generator seeded by
    ``channel_seed``; collect every sample's decision and per-symbol SINRs."""
    from ..engine import run_unit

    sinr, correct = [], {}

    def observe(scheme, message_dim, batch_size, no_eff, correct: dict):
        ne = _rows_to_samples(no_eff.detach().double().cpu().numpy(), scheme, message_dim, batch_size)
        sinr.append(-10.0 * np.log10(np.maximum(ne, 1e-30)))
        for name, c in correct.items():
            chunks.setdefault(name, []).append(c)

    chunks: dict = {}
    run_unit(sc, unit, observe=observe, channel_seed=channel_seed)
    correct = {name: np.concatenate(cs, axis=1) for name, cs in chunks.items()}
    return Observation(np.asarray(sc.axis("snr_db"), dtype=np.float64), np.concatenate(sinr, axis=1), correct)


def table_config(spec: AbstractionSpec, sc, unit, row: dict) -> TableConfig:
    """The :class:`TableConfig` of one result row of the table study."""
    scheme = spec.schemes[unit.scheme]
    settings = scheme.model_dump(exclude={"kind"})
    from .table import _hashable
    return TableConfig(
        tx_model=unit.transmitter, rx_model=unit.receiver, num_anchors=int(unit.num_anchors),
        anchor_selection=unit.anchor_selection, scheme=unit.scheme, scheme_kind=scheme.kind,
        scheme_settings=tuple(sorted((k, _hashable(v)) for k, v in settings.items())),
        bits=None if row.get("bits") is None else int(row["bits"]),
        semantic_equalizer=row["semantic_equalizer"], channel=spec.channel.model,
        channel_uses=float(row["channel_uses"]),
        bits_per_sample=None if row.get("bits_per_sample") is None else float(row["bits_per_sample"]),
        setup_channel_uses=None if row.get("setup_channel_uses") is None else float(row["setup_channel_uses"]))


def _say(progress, text: str) -> None:
    if progress is not None:
        progress(text)


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
    from semcom.transceivers.cache import cache_dir

    spec = spec.inherit(study)
    key = table_key(spec)
    folder = cache_dir() / "abstraction" / key
    if use_cache and (folder / "abstraction.json").is_file():
        _say(progress, f"abstraction: tables {key} from the cache")
        return TableSet.load(folder)
    spec.check()
    tables = _build_tables(spec, workers or 1, progress)
    from .calibration import calibrate
    from .validation import validate

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
    from ..context import study_data
    from ..engine import run_unit
    from ..executors import run_units
    from ..randomness import derive_seed
    from ..sweep import expand_units

    units = expand_units(sc)
    test_size = len(study_data(sc).test_idx)
    repeats = max(1, math.ceil((spec.n_samples or test_size) / test_size))
    grid = np.asarray(sc.axis("snr_db"), dtype=np.float64)
    counts: dict = {}
    rows_of: dict = {}
    _say(progress, f"abstraction: {len(units)} unit(s) x {len(grid)} SINR points x {repeats} pass(es) "
                   f"of {test_size} samples")
    for unit, rows, seconds in run_units(sc, units, workers=workers):
        rows_of[unit] = rows
        _say(progress, f"abstraction: table {unit.describe()} ({seconds:.1f} s)")
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
