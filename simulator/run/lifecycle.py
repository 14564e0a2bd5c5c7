"""The run lifecycle every kind of study shares: the store cycle (resume, commit each unit
as it arrives, export what is stored whatever stops the run), the manifest and the
versions it records.

A kind's runner (:mod:`semcom.simulator.link.runner` for link studies,
:mod:`semcom.simulator.network.runner`, :mod:`semcom.simulator.system.runner`,
:mod:`semcom.simulator.stitch.runner`) brings its units, its unit runner and its export.
"""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from semcom.core.progress import tqdm_auto
from semcom.core.io import write_text_atomic
from ..results.store import ResultsStore
from .executors import UnitRunner, run_units

__all__ = ["run_into_store", "write_manifest", "versions", "StudyResult"]


@dataclass
class StudyResult:
    """What a finished run of any study kind returns.

    :ivar out_dir: the run's folder; :ivar csv: its results CSV; :ivar plots: the figures drawn.
    :ivar units_total: units of the study; :ivar units_run: units computed by this run (the
        others came from the store). :ivar seconds: wall time of this run.
    :ivar table_set: the abstraction tables a system study used (`None` for other kinds).
    """

    out_dir: Path
    csv: Path
    plots: list[Path]
    units_total: int
    units_run: int
    seconds: float
    table_set: Any = None


def versions() -> dict[str, str]:
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


def run_into_store(sc, out_dir: Path, units: list, study_key: str, run_unit: UnitRunner,
                   export_partial: Callable[[list[dict]], object], *, workers: int = 1, scheduler: str | None = None,
                   prepare: Callable[[Any], None] | None = None, force: bool, quiet: bool,
                   kind: str = "link", study: dict | None = None) -> tuple[list[dict], int]:
    """The store cycle every kind of study shares; returns (all stored rows, units run).

    Opens (and locks) the results store, records the unit order and the scenario as run,
    skips finished units, runs the others with the kind's ``run_unit`` on the executor
    ``workers``/``scheduler`` choose (:func:`~.executors.run_units`; ``prepare`` before a
    local pool starts), and commits each unit's rows as they arrive, with a progress bar
    (ETA). On any error (or Ctrl-C) the rows committed so far go to ``export_partial``
    before the error goes on, so a failing unit never hides the results before it.
    """
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
            for unit, rows, seconds in run_units(sc, todo, run_unit, workers=workers, scheduler=scheduler,
                                                 prepare=prepare):
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
