"""Run (or resume) a network study: expand, skip what the store has, simulate, commit, export, plot.

Same results store as link studies (:class:`~semcom.simulator.results.store.ResultsStore`: one
committed transaction per unit, resumable, crash-safe); the rows carry the columns
:data:`~semcom.simulator.network.metrics.NETWORK_COLUMNS`, exported to
``network_results.csv``. The alignment cost as the number of agents grows goes to
``alignment_cost.csv``. Units (one SimPy simulation each) run inline, on a local
process pool (``workers``) or a Dask cluster (``scheduler``), with identical results.

Example::

    from semcom.simulator.network.runner import run_network_study
    from semcom.simulator.network.schema import load_network_scenario
    run_network_study(load_network_scenario("scenarios/network_edge.yaml"), "runs/network_edge")
"""

from __future__ import annotations

import csv
import json
import platform
import time
from pathlib import Path

from semcom.transceivers.cache import config_hash
from semcom.core.io import write_text_atomic
from ..run.context import latent_space
from ..run.executors import thread_settings
from ..run.lifecycle import StudyResult, run_into_store, versions
from ..figures.plotting import figure_context
from ..results.store import write_csv
from .alignment import ALIGNMENT_COLUMNS, alignment_scaling
from .engine import run_network_unit
from .metrics import NETWORK_COLUMNS
from .plots import plot_network
from .checks import check_network_scenario
from .schema import NETWORK_SWEEP_AXES, NetworkScenario
from .units import expand_network_units

__all__ = ["run_network_study", "network_study_hash", "export_network",
           "prepare_workers", "ALIGNMENT_AGENTS"]

#: Numbers of agents of the alignment-cost table.
ALIGNMENT_AGENTS = [1, 2, 4, 8, 16, 32, 64]


def network_study_hash(sc: NetworkScenario) -> str:
    """Everything that changes a unit's rows except the sweep axes (units are stored by key,
    so extending an axis reuses the units already run)."""
    d = sc.model_dump(mode="json", exclude={"description", "seed", "figure"})   # figure: plots only
    for axis in NETWORK_SWEEP_AXES:
        d["sweep"].pop(axis, None)
    return config_hash("network-study", d)


def prepare_workers(sc: NetworkScenario) -> None:
    """Before a local pool forks: every agent's latent space trained and cached once."""
    agents = [*sc.network.transmitters.values(), *sc.network.receivers.values()]
    for model in dict.fromkeys(spec.model for spec in agents):
        latent_space(sc, model)


def export_network(sc: NetworkScenario | None, out_dir: Path, rows: list[dict], plots: bool = True,
                   alignment_rows: list[dict] | None = None) -> tuple[Path, list[Path]]:
    """``network_results.csv`` (and ``alignment_cost.csv``, the plots) from stored rows."""
    csv_path = out_dir / "network_results.csv"
    write_csv(rows, csv_path, NETWORK_COLUMNS)
    if alignment_rows is not None:
        write_csv(alignment_rows, out_dir / "alignment_cost.csv", ALIGNMENT_COLUMNS)
    elif (out_dir / "alignment_cost.csv").is_file():
        with open(out_dir / "alignment_cost.csv", newline="") as f:
            alignment_rows = list(csv.DictReader(f))
    if not plots:
        return csv_path, []
    with figure_context(out_dir / "plots"):     # the scenario's figure width, as `semcom plot` draws
        return csv_path, plot_network(rows, alignment_rows or [], out_dir / "plots")


def run_network_study(sc: NetworkScenario, out_dir: str | Path, *, workers: int = 1, scheduler: str | None = None,
                      quiet: bool = False, force: bool = False, plots: bool = True) -> StudyResult:
    """Run (or resume) ``sc`` into ``out_dir``; see the module docstring."""
    t0 = time.perf_counter()
    check_network_scenario(sc)
    out_dir = Path(out_dir)
    units = expand_network_units(sc)

    rows, units_run = run_into_store(
        sc, out_dir, units, network_study_hash(sc), run_network_unit,
        lambda stored: export_network(sc, out_dir, stored, plots=False), workers=workers, scheduler=scheduler,
        prepare=prepare_workers, force=force, quiet=quiet, kind="network")
    # relative vs aligned always, plus whatever else the study sweeps
    alignment_rows = alignment_scaling(sc, ALIGNMENT_AGENTS, sorted({*sc.axis("semantic_equalizer"), "relative",
                                                                     "aligned"}),
                                       sc.axis("num_anchors"), sc.axis("channel")[0])
    csv_path, plot_paths = export_network(sc, out_dir, rows, plots=plots, alignment_rows=alignment_rows)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "kind": "network", "seed": sc.seed,
        "study_hash": network_study_hash(sc), "units_total": len(units), "units_run": units_run, "rows": len(rows),
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest, indent=2))
    return StudyResult(out_dir, csv_path, plot_paths, len(units), units_run, seconds)
