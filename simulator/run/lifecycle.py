"""The one run lifecycle every kind of study goes through, and the hooks a kind fills in.

:meth:`StudyRunner.run` owns the invariants: check, prepare what the units need, expand,
the store cycle (resume, commit each unit as it arrives, export what is stored whatever
stops the run), the final export, the figures, the manifest and the result. A kind's
runner (``link/runner.py``, ``network/runner.py``, ``system/runner.py``,
``stitch/runner.py``) subclasses :class:`StudyRunner` and writes only its hooks, as a
SimPy resource writes ``_do_put`` and ``_do_get`` under ``BaseResource``'s loop:

* :attr:`~StudyRunner.check` (the kind's semantic checks), :attr:`~StudyRunner.run_unit` (a
  module-level function the executors call), :meth:`~StudyRunner.identity` (what makes two
  runs the same study; by default the scenario without :attr:`~StudyRunner.sweep_axes`),
  :meth:`~StudyRunner.before_units` (what the units need that the scenario does not hold,
  e.g. a system study's tables), :meth:`~StudyRunner.units` (by default ``expand(sc)``),
  :meth:`~StudyRunner.prepare` (before a local pool starts), :meth:`~StudyRunner.export` and
  :meth:`~StudyRunner.manifest_extra`.

Reruns, manifests (kind, executor, threads, unit counts) and refusals of a folder
holding another study then behave the same for every kind.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import yaml

from semcom.core.hashing import config_hash
from semcom.core.io import write_text_atomic
from semcom.core.progress import tqdm_auto

from ..results.store import ResultsStore
from .executors import UnitRunner, describe_scheduler, run_units, thread_settings
from .run_warnings import recorded

__all__ = ["StudyRunner", "StudyResult", "run_into_store", "write_manifest", "versions", "scenario_identity"]

#: What draws a kind's figures: ``draw(rows, plots_dir, scenario)`` → the PNG paths, ``scenario``
#: the run's scenario as a mapping (its figure settings, its channels' references).
FigureDrawer = Callable[[list, Path, dict], list]


@dataclass
class StudyResult:
    """What a finished run of any study kind returns.

    :ivar out_dir: the run's folder; :ivar csv: its results CSV; :ivar plots: the figures drawn.
    :ivar units_total: units of the study; :ivar units_run: units computed by this run (the
        others came from the store); :ivar rows: result rows stored; :ivar seconds: wall time
        of this run.
    """

    out_dir: Path
    csv: Path
    plots: list[Path]
    units_total: int
    units_run: int
    rows: int
    seconds: float


def versions() -> dict[str, str]:
    """The versions of Python and of the packages a result depends on (for the manifest)."""
    out = {"python": platform.python_version()}
    for pkg in ("semcom", "torch", "sionna-no-rt", "numpy", "scipy", "matplotlib", "simpy", "pydantic"):
        with suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


def write_manifest(out_dir: Path, manifest: dict, units_run: int) -> None:
    """Write manifest.json; a rerun that ran nothing keeps the original run's time and executor."""
    path = out_dir / "manifest.json"
    if units_run == 0 and path.is_file():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            old = {}
        for key in ("units_run", "executor", "threads", "wall_time_s", "units_time_s", "finished_at"):
            if key in old:
                manifest[key] = old[key]
    write_text_atomic(path, json.dumps(manifest, indent=2))


def scenario_identity(sc, sweep_axes) -> dict:
    """A scenario as a study's identity: all of it but its description, its seed, its figure
    settings and the sweep axes ``sweep_axes``, which pick *which* units exist (units are stored
    by their own key, so a study extended along an axis reuses the units it already has)."""
    d = sc.model_dump(mode="json", exclude={"description", "seed", "figure"})
    for axis in sweep_axes:
        d["sweep"].pop(axis, None)
    return d


def _executor(workers: int, scheduler: Any) -> str:
    if scheduler not in (None, ""):
        return f"dask:{describe_scheduler(scheduler)}"
    return f"processes:{workers}" if workers > 1 else "inline"


class StudyRunner:
    """The run of one kind of study: :meth:`run` is the lifecycle, the other methods are hooks."""

    #: the kind recorded in the store and the manifest
    kind: ClassVar[str] = ""
    #: the namespace of the identity's hash (a kind's own, so folders of every kind resume)
    hash_tag: ClassVar[str] = "study"
    #: what the executors call for one unit: a module-level function ``(sc, unit) -> rows``
    #: (picklable by reference); set it with ``staticmethod``
    run_unit: ClassVar[UnitRunner]
    #: the kind's semantic checks, data included, ``check(sc)`` (raises ScenarioError(s)); set
    #: it with ``staticmethod``
    check: ClassVar[Callable[[Any], None]]
    #: the sweep axes that pick which units exist (left out of the identity)
    sweep_axes: ClassVar[tuple[str, ...]] = ()

    # -- hooks ---------------------------------------------------------------------------
    def identity(self, sc, options: dict) -> dict:
        """What makes two runs the same study: everything that changes a unit's rows (hashed
        into the store; a refusal names the fields in which two identities differ). By
        default the scenario without :attr:`sweep_axes` (:func:`scenario_identity`)."""
        return scenario_identity(sc, self.sweep_axes)

    def before_units(self, sc, out_dir: Path, workers: int, say: Callable[[str], None] | None) -> Any:
        """What the units need that the scenario does not hold (a system study's tables);
        its return value is the run's ``state``, handed to the hooks below."""
        return None

    def units(self, sc, state, options: dict) -> list:
        """The study's units, in study order (each with ``key`` and ``describe()``); by default
        the kind's expansion of the sweep, ``expand(sc)`` (set it with ``staticmethod``)."""
        return self.expand(sc)

    def more_units(self, sc, units: list, rows: list[dict], state) -> list:
        """Units a finished round calls for (adaptive Monte Carlo: replicates for the points
        whose interval is still too wide); [] ends the run. It reads only the committed
        ``rows`` of the current ``units``, so a resumed or re-executed run takes the same rounds."""
        return []

    def manifest_counts(self, rows: list[dict]) -> dict:
        """Counts of the stored rows the kind adds to the manifest (e.g. points)."""
        return {}

    def prepare(self, sc) -> None:
        """Before a local pool starts, in this process: what every worker needs, computed and
        cached once (latent spaces, tables)."""

    def export(self, sc, out_dir: Path, rows: list[dict], state, complete: bool) -> Path:
        """Write the result files from the stored rows; returns the results CSV. ``complete``
        is false when a run stops early: write only what the stored rows hold."""
        raise NotImplementedError

    def manifest_extra(self, sc, state, options: dict) -> dict:
        """What the kind adds to the manifest."""
        return {}

    # -- the lifecycle -------------------------------------------------------------------
    def study_hash(self, sc, options: dict | None = None) -> str:
        """The hash of :meth:`identity` the store keeps (a folder of another hash is refused)."""
        return config_hash(self.hash_tag, self.identity(sc, options or {}))

    def run(self, sc, out_dir: str | Path, *, draw: FigureDrawer | None = None, workers: int = 1,
            scheduler: Any = None, quiet: bool = False, force: bool = False, plots: bool = True,
            started: float | None = None, **options: Any) -> StudyResult:
        """Run (or resume) ``sc`` into ``out_dir``.

        :param draw: the kind's figures (:data:`FigureDrawer`), drawn when ``plots``.
        :param workers, scheduler: the executor (:func:`~.executors.run_units`).
        :param force: discard the results of another study in ``out_dir`` instead of refusing.
        :param started: ``time.perf_counter()`` when the user's command or call began (its imports
            and checks), so the manifest's ``wall_time_s`` is the wait its user saw; now by default.
        :param options: the kind's own run options (a stitching table's ``snr_db``).
        """
        t0 = time.perf_counter() if started is None else started
        if quiet:   # units' own progress bars (JSCC training), in this process and in workers it starts
            os.environ["SEMCOM_QUIET"] = "1"
        self.check(sc)
        out_dir = Path(out_dir)
        say = None if quiet else (lambda line: print(line, flush=True))
        state = self.before_units(sc, out_dir, workers, say)
        units = self.units(sc, state, options)
        identity = self.identity(sc, options)
        study_hash = config_hash(self.hash_tag, identity)
        # One critical section: the store refuses or accepts the study (under its lock) before
        # anything is written into the folder, and the lock is held to the last file written
        # (results, figures, manifest), so no other run can write into the folder meanwhile.
        units_run, units_t0 = 0, time.perf_counter()
        with ResultsStore(out_dir, study_hash, force=force, kind=self.kind, study=identity) as store, \
                store.telling_disk_full():
            while True:   # rounds: one, unless the kind asks for more units (more_units)
                rows, ran = run_into_store(
                    store, sc, out_dir, units, type(self).run_unit,
                    lambda stored: self.export(sc, out_dir, stored, state, complete=False),
                    workers=workers, scheduler=scheduler, prepare=self.prepare, quiet=quiet)
                units_run += ran
                more = self.more_units(sc, units, rows, state)
                if not more:
                    break
                units = units + more
            units_seconds = time.perf_counter() - units_t0
            csv_path = self.export(sc, out_dir, rows, state, complete=True)
            scenario = sc.model_dump(mode="json")
            figures = draw(rows, out_dir / "plots", scenario) if plots and draw and rows else []
            seconds = time.perf_counter() - t0
            manifest = {
                "scenario": scenario, "kind": self.kind, "seed": sc.seed, "study_hash": study_hash,
                **self.manifest_extra(sc, state, options),
                "units_total": len(units), "units_run": units_run, "rows": len(rows), **self.manifest_counts(rows),
                "executor": _executor(workers, scheduler), "threads": thread_settings(), "versions": versions(),
                "platform": platform.platform(), "wall_time_s": round(seconds, 3),
                "units_time_s": round(units_seconds, 3), "warnings": recorded(),
                "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            write_manifest(out_dir, manifest, units_run)
        return StudyResult(out_dir, csv_path, figures, len(units), units_run, len(rows), seconds)


def run_into_store(store: ResultsStore, sc, out_dir: Path, units: list, run_unit: UnitRunner,
                   export_partial: Callable[[list[dict]], object], *, workers: int = 1, scheduler: Any = None,
                   prepare: Callable[[Any], None] | None = None, quiet: bool) -> tuple[list[dict], int]:
    """The store cycle in the open (locked) ``store``; returns (all stored rows, units run).

    Records the unit order and the scenario as run, skips finished units, runs the others
    with the kind's ``run_unit`` on the executor ``workers``/``scheduler`` choose
    (:func:`~.executors.run_units`; ``prepare`` before a local pool starts), and commits
    each unit's rows as they arrive, with a progress bar (ETA). On any error (or Ctrl-C)
    the rows committed so far go to ``export_partial`` before the error goes on, so a
    failing unit never hides the results before it.
    """
    tqdm = tqdm_auto()   # a widget in a notebook (with ipywidgets), a text bar otherwise

    position = {u.key: i for i, u in enumerate(units)}
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
        with suppress(Exception):   # never mask the original error
            export_partial(store.rows())
        raise
    finally:
        bar.close()
    return store.rows(), len(todo)
