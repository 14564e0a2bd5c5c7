"""Run a study: expand, skip what the store already has, execute, commit, export, plot.

Every finished unit is committed to the results store as soon as it arrives, and
whatever stops the run (an error in one unit, Ctrl-C) first exports what the store
holds, so committed results are never lost and a rerun resumes from them.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable

import yaml

from semcom.transceivers.cache import config_hash
from .rows import COLUMNS
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


def study_identity(sc: Scenario) -> dict:
    """What makes two runs the same study: everything in the scenario that changes a
    unit's rows. The unit axes (and the seed that defaults one of them) are left out:
    they pick *which* units exist, and units are stored by their own key, so a study
    extended with another K, receiver or seed reuses the units it already has. SNR
    points stay in: a unit draws the noise of all its SNR points in one batch."""
    from .sweep import UNIT_AXES

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
    import inspect

    from semcom.transceivers.schemes import SCHEMES

    out = {}
    for name, spec in sc.scheme_specs().items():
        given = spec.model_dump(exclude={"kind"})
        params = inspect.signature(SCHEMES.get(spec.kind)).parameters.values()
        defaults = {p.name: p.default for p in params if p.default is not inspect.Parameter.empty
                    and p.name not in ("precision", "device") and p.kind is not p.VAR_KEYWORD}
        out[name] = {"kind": spec.kind, **defaults, **given}
        if "bits" in out[name] and any(b is not None for b in sc.axis("bits")):
            out[name]["bits"] = "swept: sweep.bits"
    return json.loads(json.dumps(out, default=str))


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("semcom", "torch", "sionna-no-rt", "numpy", "scipy", "matplotlib", "simpy", "pydantic"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def write_manifest(out_dir: Path, manifest: dict, units_run: int) -> None:
    """Write manifest.json; a rerun that ran nothing keeps the original run's time and executor."""
    path = out_dir / "manifest.json"
    if units_run == 0 and path.is_file():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            old = {}
        for key in ("units_run", "executor", "threads", "wall_time_s", "finished_at"):
            if key in old:
                manifest[key] = old[key]
    write_text_atomic(path, json.dumps(manifest, indent=2))


def export(out_dir: Path, rows: list[dict], plots: bool = True) -> tuple[Path, list[Path]]:
    """results.csv (and the plots) from stored rows."""
    csv_path = out_dir / "results.csv"
    write_csv(rows, csv_path, COLUMNS)
    return csv_path, plot_all(rows, out_dir / "plots", kind="link") if plots else []


def run_into_store(sc, out_dir: Path, units: list, study_key: str, execute: Callable[[list], Iterable],
                   export_partial: Callable[[list[dict]], object], *, force: bool, quiet: bool,
                   kind: str = "link", study: dict | None = None) -> tuple[list[dict], int]:
    """The store cycle every kind of study shares; returns (all stored rows, units run).

    Opens (and locks) the results store, records the unit order and the scenario as run,
    skips finished units, and commits each ``(unit, rows, seconds)`` that ``execute(todo)``
    yields as it arrives, with a progress bar (ETA). On any error (or Ctrl-C) the rows
    committed so far go to ``export_partial`` before the error goes on, so a failing unit
    never hides the results before it.
    """
    from semcom.core.progress import tqdm_auto

    tqdm = tqdm_auto()   # a widget in a notebook (with ipywidgets), a text bar otherwise

    position = {u.key: i for i, u in enumerate(units)}
    with ResultsStore(out_dir, study_key, force=force, kind=kind, study=study) as store:
        store.set_unit_order([u.key for u in units])
        write_text_atomic(out_dir / "scenario.yaml", yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False))
        done = store.finished_units()
        todo = [u for u in units if u.key not in done]
        bar = tqdm(total=len(units), initial=len(units) - len(todo), unit="unit", desc=sc.name,
                   disable=quiet or not (sys.stderr.isatty() or "ipykernel" in sys.modules), dynamic_ncols=True)
        try:
            for unit, rows, seconds in execute(todo):
                store.commit_unit(unit.key, position[unit.key], rows, seconds)
                bar.set_postfix_str(unit.describe(), refresh=False)
                bar.update(1)
        except BaseException:
            bar.close()
            try:
                export_partial(store.rows())
            except Exception:  # noqa: BLE001 - never mask the original error
                pass
            raise
        finally:
            bar.close()
        return store.rows(), len(todo)


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
        sc, out_dir, units, study_hash(sc), lambda todo: run_units(sc, todo, workers=workers, scheduler=scheduler),
        lambda stored: export(out_dir, stored, plots=False), force=force, quiet=quiet, study=study_identity(sc))
    csv_path, plot_paths = export(out_dir, rows, plots=plots)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "scheme_settings": scheme_settings(sc),
        "seed": sc.seed, "study_hash": study_hash(sc),
        "units_total": len(units), "units_run": units_run, "rows": len(rows),
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": _versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_manifest(out_dir, manifest, units_run)
    return StudyResult(out_dir, csv_path, plot_paths, len(units), units_run, seconds)
