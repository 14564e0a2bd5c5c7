"""Run (or resume) a system study: tables, checks, units into the store, CSVs, validation, figures.

1. The abstraction tables: built (or read from the cache) by
   :func:`~semcom.simulator.abstraction.build.build_table_set`, or loaded from ``tables:``; built
   ones are then calibrated and validated on the study's own messages
   (:func:`~.own_regime.own_regime`, cached). Their held-out validation (channel families and the
   system regime) is written next to the results
   (:func:`~semcom.simulator.abstraction.validation.write_validation` → ``abstraction_validation.csv``,
   with ``inner_loop_calibration.csv``), so a reader sees where the abstraction is trusted.
2. Checks that need the tables and a drop: every configuration exists for every link
   (:func:`~.tables.link_tables`), fits in a slot, and the tables' SINR grid covers the
   study's SINR range (:func:`check_sinr_coverage`).
3. Units (seed × drop × scheduler × policy × load) through the shared store cycle
   (:func:`~semcom.simulator.run.lifecycle.run_into_store`): one committed transaction per unit,
   resumable after a kill; inline, ``--workers`` or ``--scheduler`` (Dask), identical rows.
4. ``system_results.csv`` (per placement, scheduler, policy and load: means over drops with their
   t-intervals, :mod:`.aggregate`), ``system_drops.csv`` (the network row of every unit),
   ``system_cells.csv``, ``system_users.csv``, ``system_calibration.csv`` (predicted against
   realised accuracy per configuration), ``system_trace.csv`` (the outer loop over time) and the figures.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from semcom.transceivers.cache import config_hash
from semcom.core.io import write_text_atomic
from ..abstraction.validation import write_validation
from ..run.executors import thread_settings
from ..run.lifecycle import StudyResult, run_into_store, versions
from ..figures.plotting import figure_context
from ..results.folders import claim_output_dir
from ..results.store import write_csv
from .checks import check_policies, check_sinr_coverage, check_system_scenario
from .engine import run_system_unit
from .aggregate import CALIBRATION_COLUMNS, SUMMARY_COLUMNS, calibration_summary, summarise_drops
from .metrics import CELL_COLUMNS, NETWORK_COLUMNS, TRACE_COLUMNS, USER_COLUMNS
from .plots import plot_system
from .schema import SYSTEM_SWEEP_AXES
from .calibrated import write_inner_loop
from .own_regime import own_regime
from .tables import link_tables, load_table_set, study_tables
from .units import system_units

__all__ = ["run_system_study", "system_study_hash", "export_system", "prepare_workers"]


def system_study_hash(sc) -> str:
    """Everything that changes a unit's rows except the sweep axes."""
    d = sc.model_dump(mode="json", exclude={"description", "seed", "figure"})
    for axis in SYSTEM_SWEEP_AXES:
        d["sweep"].pop(axis, None)
    return config_hash("system-study", d)


def prepare_workers(sc) -> None:
    """Before a local pool forks: the study's tables built (or read) and cached once."""
    study_tables(sc)


def _split(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"network": [], "cell": [], "user": [], "config": [], "trace": []}
    for r in rows:
        out.setdefault(r.get("level") or "network", []).append(r)
    return out


def export_system(sc, out_dir: Path, rows: list[dict], plots: bool = True) -> tuple[Path, list[Path]]:
    """The study's CSVs (see the module docstring) and figures from stored rows."""
    parts = _split(rows)
    csv_path = out_dir / "system_results.csv"
    write_csv(summarise_drops(parts["network"]), csv_path, SUMMARY_COLUMNS)
    write_csv(parts["network"], out_dir / "system_drops.csv", NETWORK_COLUMNS)
    write_csv(calibration_summary(parts["config"]), out_dir / "system_calibration.csv", CALIBRATION_COLUMNS)
    write_csv(parts["cell"], out_dir / "system_cells.csv", CELL_COLUMNS)
    write_csv(parts["trace"], out_dir / "system_trace.csv", TRACE_COLUMNS)
    write_csv(parts["user"], out_dir / "system_users.csv", USER_COLUMNS)
    if not plots:
        return csv_path, []
    with figure_context(out_dir / "plots"):
        return csv_path, plot_system(rows, out_dir / "plots")


def run_system_study(sc, out_dir: str | Path, *, workers: int = 1, scheduler: str | None = None,
                     quiet: bool = False, force: bool = False, plots: bool = True) -> StudyResult:
    """Run (or resume) ``sc`` into ``out_dir``; see the module docstring."""
    t0 = time.perf_counter()
    check_system_scenario(sc)
    out_dir = Path(out_dir)
    say = None if quiet else (lambda line: print(line, flush=True))
    table_set = load_table_set(sc, workers=workers if workers > 1 else None, progress=say)
    regime = own_regime(sc, table_set, link_tables(sc, table_set), progress=say)   # cached: study_tables reads it
    tables = study_tables(sc, table_set)
    check_policies(sc, tables)
    units = system_units(sc, tables)
    check_sinr_coverage(sc, tables, sorted({(u.seed, u.drop) for u in units}))
    claim_output_dir(out_dir, force=force)      # new, empty or semcom's, before the first file is written
    write_validation(table_set, out_dir, extra=regime.validation if regime is not None else ())
    if regime is not None:
        write_inner_loop(regime, out_dir)

    rows, units_run = run_into_store(
        sc, out_dir, units, system_study_hash(sc), run_system_unit,
        lambda stored: export_system(sc, out_dir, stored, plots=False), workers=workers, scheduler=scheduler,
        prepare=prepare_workers, force=force, quiet=quiet, kind="system")
    csv_path, plot_paths = export_system(sc, out_dir, rows, plots=plots)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "kind": "system", "seed": sc.seed,
        "study_hash": system_study_hash(sc), "units_total": len(units), "units_run": units_run, "rows": len(rows),
        "tables_key": getattr(table_set, "key", ""), "configs": tables.labels,
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest, indent=2))
    return StudyResult(out_dir, csv_path, plot_paths, len(units), units_run, seconds, table_set)
