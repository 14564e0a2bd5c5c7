"""The abstraction as calibrated on a system study's own messages: the result of
:func:`~.own_regime.own_regime` (:class:`OwnRegime`), its cache and files, and the study's tables
with it (:func:`calibrated_tables`: each a :class:`CalibratedTable` with the mapping fitted in the
system's regime and the inner loop's ``expected_accuracy_at``).

Cached under ``$SEMCOM_CACHE/abstraction-regime/<key>`` (:func:`regime_key`: the table set's key,
the seed, the system section, the record runs, the abstraction's calibration and validation
settings and a hash of the engine's source):
``regime.json`` (β and fit per table id, the inner loop's expectation), ``calibration.csv``,
``abstraction_validation.csv`` (its ``regime = system`` rows) and ``inner_loop_calibration.csv``.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from semcom.core.errors import SemcomInputError
from semcom.core.io import write_text_atomic
from semcom.transceivers.cache import cache_dir, config_hash

from ..abstraction.inner_loop import FadingAverage
from ..abstraction.mappings import effective_sinr
from ..abstraction.tableset import CALIBRATION_COLUMNS, VALIDATION_COLUMNS, read_dict_csv, write_dict_csv

__all__ = [
    "OwnRegime",
    "CalibratedTable",
    "calibrated_tables",
    "regime_key",
    "regime_folder",
    "regime_applies",
    "cached_regime",
    "save_regime",
    "regime_runs",
    "write_inner_loop",
    "INNER_LOOP_COLUMNS",
    "REVISION",
]

#: Bump when what :func:`~.own_regime.own_regime` computes changes (cached results are then recomputed).
REVISION = 2
#: Columns of ``inner_loop_calibration.csv``.
INNER_LOOP_COLUMNS = [
    "group",
    "config",
    "messages",
    "predicted",
    "realised",
    "error",
    "within_margin",
    "table_at_estimate",
]


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
        if name.startswith("_"):  # not yet set (unpickling, copying): no table to ask
            raise AttributeError(name)
        return getattr(self._table, name)

    def effective_sinr_db(self, sinr_db, weights=None) -> np.ndarray:
        """The table's mapping with the β fitted in the study's regime."""
        return effective_sinr(self._table.mapping, sinr_db, self.eesm_beta, weights)

    def expected_accuracy_at(self, estimate_db) -> np.ndarray:
        """Expected accuracy at large-scale SINR estimates [dB] (any shape), fading averaged."""
        est = np.asarray(estimate_db, dtype=np.float64)
        return np.interp(est, self._fading.grid_db, self._fading.values[self._key])


def regime_applies(sc) -> bool:
    """Whether ``sc`` calibrates its tables on its own messages: it builds them (``abstraction:``) and
    does not switch the system regime off (``abstraction.calibration.system: null``)."""
    return sc.abstraction is not None and sc.abstraction_spec().calibration.system is not None


def regime_runs(sc) -> dict:
    """What the engine's record runs share with the study: its first placement and scheduler and the
    middle of its loads (``placement``, ``scheduler``, ``arrival_rate``)."""
    rates = sorted(float(r) for r in sc.axis("arrival_rate"))
    placement = sc.axis("placement")[0]
    return dict(
        placement=placement if placement is not None else sc.system.placement,
        scheduler=str(sc.axis("scheduler")[0]),
        arrival_rate=rates[len(rates) // 2],
    )


#: The engine's modules whose source decides the SINRs a record run produces (:func:`engine_fingerprint`).
ENGINE_SOURCES = (
    "simulator/system/engine.py",
    "simulator/system/radio.py",
    "simulator/system/grid.py",
    "simulator/system/geometry.py",
    "simulator/system/traffic.py",
    "simulator/system/scheduler.py",
    "simulator/system/packing.py",
    "simulator/system/decisions.py",
    "simulator/system/schema_radio.py",
    "channels/prb_fading.py",
)


def code_fingerprint(source: str) -> bytes:
    """The code of a module's ``source`` without its docstrings, comments and layout (its syntax tree):
    what an edit of the documentation or a formatter leaves unchanged."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False).encode()


def engine_fingerprint() -> str:
    """A hash of the code of the engine's modules that make the recorded SINRs
    (:data:`ENGINE_SOURCES`): a changed engine does not reuse the regime of the old one, while
    documentation edits keep a regime that took minutes to record."""
    root = Path(__file__).resolve().parents[2]
    files = [root / name for name in ENGINE_SOURCES]
    return hashlib.sha256(
        b"".join(code_fingerprint(f.read_text()) for f in files if f.is_file())
    ).hexdigest()[:16]


def regime_key(sc, table_set) -> str:
    """Cache key of a study's regime: its table set, seed, system section, record runs, the
    abstraction's calibration and validation settings, and the engine's source."""
    spec = sc.abstraction_spec()
    # the record runs fix every configuration: the policies' own settings do not change them
    la = set(type(sc.system.link_adaptation).model_fields) - {"configs"}
    system = sc.system.model_dump(mode="json", exclude={"link_adaptation": la, "conventional": True})
    return config_hash(
        "abstraction-regime",
        REVISION,
        engine_fingerprint(),
        table_set.key,
        sc.seed,
        system,
        regime_runs(sc),
        spec.calibration.model_dump(mode="json"),
        spec.validation.system.model_dump() if spec.validation else None,
    )


def regime_folder(sc, table_set) -> Path:
    return cache_dir() / "abstraction-regime" / regime_key(sc, table_set)


def cached_regime(sc, table_set) -> OwnRegime | None:
    """The study's :class:`OwnRegime` from the cache; `None` when the study does not calibrate on its own
    messages; a one-line error when it does and nothing computed it yet."""
    if not regime_applies(sc):
        return None
    folder = regime_folder(sc, table_set)
    if not (folder / "regime.json").is_file():
        raise SemcomInputError(
            f"abstraction: the tables of {sc.name} are not calibrated on its own messages yet "
            f"({folder} is empty); run the study (semcom run), or own_regime() first"
        )
    return _load(folder)


def calibrated_tables(tables, regime: OwnRegime, table_set):
    """``tables`` (:class:`~.tables.LinkTables`) whose every table is a :class:`CalibratedTable`."""
    rows = [
        [
            CalibratedTable(t, regime.betas[table_set.table_id(t.config)][0], regime.fading, g, c)
            for c, t in enumerate(row)
        ]
        for g, row in enumerate(tables.tables)
    ]
    return replace(tables, tables=rows)


def write_inner_loop(regime: OwnRegime, out_dir) -> Path:
    """Write ``inner_loop_calibration.csv`` (the inner loop's check per group and configuration) into ``out_dir``."""
    path = Path(out_dir) / "inner_loop_calibration.csv"
    write_dict_csv(path, INNER_LOOP_COLUMNS, regime.inner_loop)
    return path


def save_regime(r: OwnRegime, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_dict_csv(folder / "calibration.csv", CALIBRATION_COLUMNS, r.calibration)
    write_dict_csv(folder / "abstraction_validation.csv", VALIDATION_COLUMNS, r.validation)
    write_dict_csv(folder / "inner_loop_calibration.csv", INNER_LOOP_COLUMNS, r.inner_loop)
    write_text_atomic(
        folder / "regime.json",
        json.dumps(
            {
                "betas": [{"table": k, "beta": b, "fit": f} for k, (b, f) in r.betas.items()],
                "fading": r.fading.to_json(),
            },
            indent=1,
            sort_keys=True,
        ),
    )


def _load(folder: Path) -> OwnRegime:
    head = json.loads((folder / "regime.json").read_text())
    return OwnRegime(
        {int(e["table"]): (float(e["beta"]), e["fit"]) for e in head["betas"]},
        FadingAverage.from_json(head["fading"]),
        read_dict_csv(folder / "calibration.csv"),
        read_dict_csv(folder / "abstraction_validation.csv"),
        read_dict_csv(folder / "inner_loop_calibration.csv"),
    )
