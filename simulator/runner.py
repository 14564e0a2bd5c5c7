"""Run a study: expand, skip what the store already has, execute, commit, export, plot.

Every finished unit is committed to the results store as soon as it arrives, and
whatever stops the run (an error in one unit, Ctrl-C) first exports what the store
holds, so committed results are never lost and a rerun resumes from them.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from transceivers.cache import config_hash
from .engine import COLUMNS
from .executors import run_units, thread_settings
from .plots import plot_all
from .schema import Scenario, check_scenario
from .store import ResultsStore, write_csv, write_text_atomic
from .sweep import expand_units

__all__ = ["run_study", "StudyResult", "study_hash", "export", "write_text_atomic"]


@dataclass
class StudyResult:
    out_dir: Path
    csv: Path
    plots: list[Path]
    units_total: int
    units_run: int
    seconds: float


def study_hash(sc: Scenario) -> str:
    """What makes two runs the same study: everything in the scenario that changes a
    unit's rows. The unit axes (and the seed that defaults one of them) are left out:
    they pick *which* units exist, and units are stored by their own key, so a study
    extended with another K, receiver or seed reuses the units it already has."""
    from .sweep import UNIT_AXES

    d = sc.model_dump(mode="json", exclude={"description", "seed"})
    for axis in UNIT_AXES:
        d["sweep"].pop(axis, None)
    return config_hash("study", d)



def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("semcom", "torch", "sionna-no-rt", "numpy", "scipy", "matplotlib", "simpy", "pydantic"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def export(out_dir: Path, rows: list[dict], plots: bool = True) -> tuple[Path, list[Path]]:
    """results.csv (and the plots) from stored rows."""
    csv_path = out_dir / "results.csv"
    write_csv(rows, csv_path, COLUMNS)
    return csv_path, plot_all(rows, out_dir / "plots") if plots else []


def commit_units(store: ResultsStore, results: Iterable[tuple[Any, list[dict], float]], position: dict[str, int],
                 *, total: int, initial: int, name: str, quiet: bool,
                 export_partial: Callable[[], object]) -> None:
    """Commit each ``(unit, rows, seconds)`` as it arrives, with a progress bar (ETA).

    On any error (or Ctrl-C) what is committed so far is exported by ``export_partial``
    before the error goes on, so a failing unit never hides the results before it.
    """
    from tqdm import tqdm

    bar = tqdm(total=total, initial=initial, unit="unit", desc=name,
               disable=quiet or not sys.stderr.isatty(), dynamic_ncols=True)
    try:
        for unit, rows, seconds in results:
            store.commit_unit(unit.key, position[unit.key], rows, seconds)
            bar.set_postfix_str(unit.describe(), refresh=False)
            bar.update(1)
    except BaseException:
        bar.close()
        try:
            export_partial()
        except Exception:  # noqa: BLE001 - never mask the original error
            pass
        raise
    finally:
        bar.close()


def run_study(sc: Scenario, out_dir: str | Path, *, workers: int = 1, scheduler: str | None = None,
              quiet: bool = False, force: bool = False, plots: bool = True) -> StudyResult:
    """Run (or resume) ``sc`` into ``out_dir``; see the module docstring.

    :param plots: draw the plots too (``semcom plot DIR`` draws them later from the store).
    """
    t0 = time.perf_counter()
    check_scenario(sc)
    out_dir = Path(out_dir)
    units = expand_units(sc)
    position = {u.key: i for i, u in enumerate(units)}
    with ResultsStore(out_dir, study_hash(sc), force=force) as store:
        store.set_unit_order([u.key for u in units])
        write_text_atomic(out_dir / "scenario.yaml", yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False))
        done = store.finished_units()
        todo = [u for u in units if u.key not in done]
        commit_units(store, run_units(sc, todo, workers=workers, scheduler=scheduler), position,
                     total=len(units), initial=len(units) - len(todo), name=sc.name, quiet=quiet,
                     export_partial=lambda: export(out_dir, store.rows(), plots=False))
        rows = store.rows()
    csv_path, plot_paths = export(out_dir, rows, plots=plots)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "seed": sc.seed, "study_hash": study_hash(sc),
        "units_total": len(units), "units_run": len(todo), "rows": len(rows),
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": _versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest, indent=2))
    return StudyResult(out_dir, csv_path, plot_paths, len(units), len(todo), seconds)
