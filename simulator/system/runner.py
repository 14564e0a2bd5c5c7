"""The run of a system study: the hooks of the shared lifecycle
(:class:`~semcom.simulator.run.lifecycle.StudyRunner`).

1. Before the units, the abstraction tables: built (or read from the cache) by
   :func:`~semcom.simulator.abstraction.build.build_table_set`, or loaded from ``tables:``; built
   ones are then calibrated and validated on the study's own messages
   (:func:`~.own_regime.own_regime`, cached); the checks that need the tables and a drop: every
   configuration exists for every link (:func:`~.tables.link_tables`), fits in a slot, and the
   tables' SINR grid covers the study's SINR range (:func:`~.checks.check_sinr_coverage`).
2. Units (seed × drop × scheduler × policy × load) through the shared store cycle.
3. ``system_results.csv`` (per placement, scheduler, policy and load: means over drops with their
   t-intervals, :mod:`.aggregate`), ``system_drops.csv`` (the network row of every unit),
   ``system_cells.csv``, ``system_users.csv``, ``system_calibration.csv`` (predicted against
   realised accuracy per configuration), ``system_trace.csv`` (the outer loop over time), and the
   tables' held-out validation (channel families
   and the system regime: :func:`~semcom.simulator.abstraction.validation.write_validation` →
   ``abstraction_validation.csv``, with ``inner_loop_calibration.csv``), so a reader sees where
   the abstraction is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..abstraction.validation import write_validation
from ..results.store import write_csv
from ..run.lifecycle import StudyRunner
from .aggregate import CALIBRATION_COLUMNS, SUMMARY_COLUMNS, calibration_summary, summarise_drops
from .calibrated import write_inner_loop
from .checks import check_system_scenario, check_tables
from .engine import run_system_unit
from .metrics import CELL_COLUMNS, NETWORK_COLUMNS, TRACE_COLUMNS, USER_COLUMNS
from .own_regime import own_regime
from .schema import SYSTEM_SWEEP_AXES
from .tables import link_tables, load_table_set, study_tables
from .units import system_units

__all__ = ["SystemRunner", "prepare_workers"]


def prepare_workers(sc) -> None:
    """Before a local pool forks: the study's tables built (or read) and cached once."""
    study_tables(sc)


@dataclass
class SystemTables:
    """What a system study's units read: the table set, the study's arrangement of it, and
    the calibration in the study's own regime (`None` for tables loaded from ``tables:``)."""

    table_set: Any
    tables: Any
    regime: Any


def _split(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"network": [], "cell": [], "user": [], "config": [], "trace": []}
    for r in rows:
        out.setdefault(r.get("level") or "network", []).append(r)
    return out


class SystemRunner(StudyRunner):
    """A system study's run: tables before the units; results, drops, cells, users, calibration
    and validation CSVs."""

    kind = "system"
    hash_tag = "system-study"
    run_unit = staticmethod(run_system_unit)
    prepare = staticmethod(prepare_workers)
    check = staticmethod(check_system_scenario)
    sweep_axes = SYSTEM_SWEEP_AXES

    def before_units(self, sc, out_dir: Path, workers: int, say) -> SystemTables:
        table_set = load_table_set(sc, workers=workers if workers > 1 else None, progress=say)
        regime = own_regime(
            sc, table_set, link_tables(sc, table_set), progress=say
        )  # cached: study_tables reads it
        tables = study_tables(sc, table_set)
        check_tables(sc, tables)
        return SystemTables(table_set, tables, regime)

    def units(self, sc, state: SystemTables, options: dict) -> list:
        return system_units(sc, state.tables)

    def export(self, sc, out_dir: Path, rows: list[dict], state: SystemTables, complete: bool) -> Path:
        parts = _split(rows)
        csv_path = out_dir / "system_results.csv"
        write_csv(summarise_drops(parts["network"]), csv_path, SUMMARY_COLUMNS)
        write_csv(parts["network"], out_dir / "system_drops.csv", NETWORK_COLUMNS)
        write_csv(
            calibration_summary(parts["config"]), out_dir / "system_calibration.csv", CALIBRATION_COLUMNS
        )
        write_csv(parts["cell"], out_dir / "system_cells.csv", CELL_COLUMNS)
        write_csv(parts["trace"], out_dir / "system_trace.csv", TRACE_COLUMNS)
        write_csv(parts["user"], out_dir / "system_users.csv", USER_COLUMNS)
        write_validation(
            state.table_set, out_dir, extra=state.regime.validation if state.regime is not None else ()
        )
        if state.regime is not None:
            write_inner_loop(state.regime, out_dir)
        return csv_path

    def manifest_extra(self, sc, state: SystemTables, options: dict) -> dict:
        return {"tables_key": getattr(state.table_set, "key", ""), "configs": state.tables.labels}
