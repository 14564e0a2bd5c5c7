"""Run a study: expand, skip what the store already has, execute, commit, export, plot.

Every finished unit is committed to the results store as soon as it arrives, and
whatever stops the run (an error in one unit, Ctrl-C) first exports what the store
holds, so committed results are never lost and a rerun resumes from them.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from semcom.transceivers.cache import config_hash
from ..run.context import latent_space
from .engine import run_unit
from .rows import COLUMNS
from ..run.executors import thread_settings
from ..run.lifecycle import StudyResult, run_into_store, versions, write_manifest
from .checks import check_scenario
from .plots import link_figures
from ..figures.plotting import figure_context
from .schema import Scenario
from ..results.store import write_csv
from .units import UNIT_AXES, expand_units

__all__ = ["run_study", "study_hash", "study_identity", "scheme_settings", "export",
           "prepare_workers"]


def study_identity(sc: Scenario) -> dict:
    """What makes two runs the same study: everything in the scenario that changes a
    unit's rows. The unit axes (and the seed that defaults one of them) are left out:
    they pick *which* units exist, and units are stored by their own key, so a study
    extended with another K, receiver or seed reuses the units it already has. SNR
    points stay in: a unit draws the noise of all its SNR points in one batch."""
    d = sc.model_dump(mode="json", exclude={"description", "seed", "figure"})
    for axis in UNIT_AXES:
        d["sweep"].pop(axis, None)
    if not d.get("retrieval", True):   # off (the default): studies stored before the option keep their identity
        d.pop("retrieval")
    return d


def study_hash(sc: Scenario) -> str:
    """Hash of :func:`study_identity`."""
    return config_hash("study", study_identity(sc))


def scheme_settings(sc: Scenario) -> dict[str, dict]:
    """Every setting of every scheme as run, the defaulted ones included (e.g. a digital
    scheme's ``bits: 8`` when the scenario gives none), for the manifest."""
    out = {}
    for name, spec in sc.scheme_specs().items():
        out[name] = {"kind": spec.kind, **spec.settings()}
        if "bits" in out[name] and any(b is not None for b in sc.axis("bits")):
            out[name]["bits"] = "swept: sweep.bits"
    return json.loads(json.dumps(out, default=str))


def export(out_dir: Path, rows: list[dict], plots: bool = True) -> tuple[Path, list[Path]]:
    """results.csv (and the plots) from stored rows."""
    csv_path = out_dir / "results.csv"
    write_csv(rows, csv_path, COLUMNS)
    if not plots or not rows:
        return csv_path, []
    with figure_context(out_dir / "plots"):     # the scenario's figure width, as `semcom plot` draws
        return csv_path, link_figures(rows, out_dir / "plots", None)


def prepare_workers(sc: Scenario) -> None:
    """Before a local pool forks: every agent's latent space trained and cached once."""
    for model in dict.fromkeys([*sc.axis("transmitter"), *sc.axis("receiver")]):
        latent_space(sc, model)


def run_study(sc: Scenario, out_dir: str | Path, *, workers: int = 1, scheduler: str | None = None,
              quiet: bool = False, force: bool = False, plots: bool = True) -> StudyResult:
    """Run (or resume) ``sc`` into ``out_dir``; see the module docstring.

    :param plots: draw the plots too (``semcom plot DIR`` draws them later from the store).
    """
    t0 = time.perf_counter()
    if quiet:   # units' own progress bars (JSCC training), in this process and in workers it starts
        os.environ["SEMCOM_QUIET"] = "1"
    check_scenario(sc)
    out_dir = Path(out_dir)
    units = expand_units(sc)

    rows, units_run = run_into_store(
        sc, out_dir, units, study_hash(sc), run_unit, lambda stored: export(out_dir, stored, plots=False),
        workers=workers, scheduler=scheduler, prepare=prepare_workers, force=force, quiet=quiet,
        study=study_identity(sc))
    csv_path, plot_paths = export(out_dir, rows, plots=plots)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "scheme_settings": scheme_settings(sc),
        "seed": sc.seed, "study_hash": study_hash(sc),
        "units_total": len(units), "units_run": units_run, "rows": len(rows),
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_manifest(out_dir, manifest, units_run)
    return StudyResult(out_dir, csv_path, plot_paths, len(units), units_run, seconds)
