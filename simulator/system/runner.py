"""Run (or resume) a system study: tables, checks, units into the store, CSVs, validation, figures.

1. The abstraction tables: built (or read from the cache) by part A's
   :func:`~semcom.simulator.abstraction.build_table_set`, or loaded from ``tables:``; their
   held-out validation is written next to the results
   (:func:`~semcom.simulator.abstraction.write_validation` → ``abstraction_validation.csv``),
   so a reader sees where the abstraction is trusted.
2. Checks that need the tables and a drop: every configuration exists for every link
   (:func:`~.tables.link_tables`), fits in a slot, and the tables' SINR grid covers the
   study's SINR range (:func:`check_sinr_coverage`).
3. Units (seed × drop × scheduler × policy × load) through the shared store cycle
   (:func:`~semcom.simulator.runner.run_into_store`): one committed transaction per unit,
   resumable after a kill; inline, ``--workers`` or ``--scheduler`` (Dask), identical rows.
4. ``system_results.csv`` (network), ``system_cells.csv``, ``system_users.csv`` and the figures.
"""

from __future__ import annotations

import json
import math
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from semcom.core.errors import ScenarioError
from semcom.transceivers.cache import config_hash
from ..store import write_csv, write_text_atomic

__all__ = ["run_system_study", "SystemStudyResult", "system_study_hash", "export_system", "study_tables",
           "check_sinr_coverage", "check_system_scenario", "system_units"]

_TABLES: dict[str, object] = {}


@dataclass
class SystemStudyResult:
    out_dir: Path
    csv: Path
    plots: list[Path]
    units_total: int
    units_run: int
    seconds: float
    table_set: object = None


def system_study_hash(sc) -> str:
    """Everything that changes a unit's rows except the sweep axes."""
    from .schema import SYSTEM_SWEEP_AXES

    d = sc.model_dump(mode="json", exclude={"description", "seed", "figure"})
    for axis in SYSTEM_SWEEP_AXES:
        d["sweep"].pop(axis, None)
    return config_hash("system-study", d)


def study_tables(sc, table_set=None):
    """The study's :class:`~.tables.LinkTables` (memoised per process; the table set comes
    from the cache the parent filled, or ``table_set``)."""
    from .tables import link_tables, load_table_set

    key = sc.model_dump_json()
    if key not in _TABLES:
        if len(_TABLES) > 4:
            _TABLES.clear()
        _TABLES[key] = link_tables(sc, table_set if table_set is not None else load_table_set(sc))
    return _TABLES[key]


def system_units(sc, tables=None):
    from .engine import expand_system_units

    return expand_system_units(sc, tables.labels if tables is not None else None)


def check_system_scenario(sc, check_data: bool = True) -> None:
    """Names that exist, before any table is built (one line per problem)."""
    from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS  # noqa: F401 - registry import
    from ..scenario.errors import Findings
    from ..scenario.checks import check_names, check_seeds
    from .schema import LA_POLICIES, SYSTEM_SCHEDULERS

    found = Findings()
    models = list(sc.models)
    for g, spec in sc.system.groups.items():
        with found.check():
            check_names(f"system.groups.{g}.model", [spec.model], models, "model (define it under `models`)")
        if spec.distance_m is not None and sc.system.topology.kind != "single_site":
            with found.check():
                raise ScenarioError(f"system.groups.{g}.distance_m", spec.distance_m,
                                    "only places agents of a single_site topology",
                                    "remove it, or set system.topology.kind: single_site")
    with found.check():
        check_names("system.server.model", [sc.system.server.model], models, "model (define it under `models`)")
    with found.check():
        check_names("sweep.link_adaptation", sc.axis("link_adaptation"), list(LA_POLICIES), "link-adaptation policy")
    with found.check():
        check_names("sweep.scheduler", sc.axis("scheduler"), list(SYSTEM_SCHEDULERS), "scheduler")
    with found.check():
        for i, r in enumerate(sc.axis("arrival_rate")):
            if not float(r) > 0:
                raise ScenarioError(f"sweep.arrival_rate[{i}]", r, "must be > 0 messages per second",
                                    "use positive rates such as [5, 10, 20]")
    with found.check():
        check_seeds(sc)
    with found.check():
        _check_overlaps(sc)
    if sc.abstraction is not None:
        with found.check():
            sc.abstraction_spec()
            _check_abstraction_links(sc)
    found.raise_all()


def _check_overlaps(sc) -> None:
    """Two agents of a single-site study at the same place, or an agent on the station."""
    if sc.system.topology.kind != "single_site":
        return
    for g, spec in sc.system.groups.items():
        d = spec.distance_m or []
        for i, x in enumerate(d):
            if not x > 0:
                raise ScenarioError(f"system.groups.{g}.distance_m[{i}]", x, "puts the agent on the base station",
                                    "use a distance > 0 m")
    seen: dict[float, str] = {}
    for g, spec in sc.system.groups.items():
        for i, x in enumerate(spec.distance_m or []):
            # agents at one distance sit at distinct angles, so only an exact duplicate in a group is an error
            where = f"system.groups.{g}.distance_m[{i}]"
            if (g, float(x)) in seen:
                raise ScenarioError(where, x, f"overlaps {seen[(g, float(x))]} (same group, same distance: "
                                    "the same user twice)", "give each agent its own distance, or raise per_sector")
            seen[(g, float(x))] = where


def _check_abstraction_links(sc) -> None:
    spec = sc.abstraction_spec()
    tx = spec.transmitter if isinstance(spec.transmitter, list) else [spec.transmitter]
    rx = spec.receiver if isinstance(spec.receiver, list) else [spec.receiver]
    server = sc.system.server.model
    for g, gs in sc.system.groups.items():
        a, b = (gs.model, server) if sc.system.direction == "uplink" else (server, gs.model)
        if a not in tx:
            raise ScenarioError("abstraction.transmitter", spec.transmitter,
                                f"has no {a} (the {'agents' if sc.system.direction == 'uplink' else 'server'} of "
                                f"group {g} send with it)", f"add {a} to abstraction.transmitter")
        if b not in rx:
            raise ScenarioError("abstraction.receiver", spec.receiver, f"has no {b} (it receives group {g})",
                                f"add {b} to abstraction.receiver")
    if sc.system.link_adaptation.configs:
        v = spec.num_anchors
        ks = [int(x) for x in (v.values() if hasattr(v, "values") else v if isinstance(v, list) else [v])]
        for i, c in enumerate(sc.system.link_adaptation.configs):
            if c.num_anchors not in ks:
                raise ScenarioError(f"system.link_adaptation.configs[{i}].num_anchors", c.num_anchors,
                                    f"is not a K of the abstraction tables ({', '.join(map(str, ks))})",
                                    f"use one of them, or add {c.num_anchors} to abstraction.num_anchors")
            if c.scheme not in spec.schemes:
                raise ScenarioError(f"system.link_adaptation.configs[{i}].scheme", c.scheme,
                                    f"is not a scheme of the abstraction ({', '.join(spec.schemes)})",
                                    "use one of them, or add it to abstraction.schemes")


def check_sinr_coverage(sc, tables, drops: list[tuple[int, int]]) -> tuple[float, float]:
    """The study's SINR range: per drop, the 1st-99th percentile of the agents' mean SINR on
    their serving RBs (every other sector transmitting at the same power), widened by the
    fading's spread (the 1st percentile of Exp(1), -20 dB, below; +5 dB above). The tables
    must cover it; returns (low, high) [dB]."""
    from .geometry import make_drop

    lows, highs = [], []
    for seed, d in drops:
        drop = make_drop(sc.system, seed, d)
        gain = 10.0 ** (drop.gain_db / 10.0)
        n = drop.num_agents
        s = gain[np.arange(n), drop.serving]
        p = 10.0 ** (_power_at_smallest(sc, drop, tables) / 10.0)
        noise = 10.0 ** (drop.noise_dbm / 10.0)
        if sc.system.interference and drop.num_sectors > 1:
            # full load: on every RB one agent of each other sector, at the median power and the mean gain
            med_p = float(np.median(p))
            itf = np.zeros(n)
            if sc.system.direction == "uplink":
                per_bs = np.array([np.mean(gain[drop.serving != b, b]) for b in range(drop.num_sectors)])
                itf = med_p * per_bs[drop.serving] * (drop.num_sectors - 1)
            else:
                itf = med_p * (gain.sum(1) - s)
            sinr = 10.0 * np.log10(p * s / (noise + itf))
        else:
            sinr = 10.0 * np.log10(p * s / noise)
        lows.append(np.percentile(sinr, 1))
        highs.append(np.percentile(sinr, 99))
    fading = sc.system.fading != "none"
    lo = float(min(lows) - (20.0 if fading else 0.0))
    hi = float(max(highs) + (5.0 if fading else 0.0))
    t_lo, t_hi = tables.sinr_range()
    if t_lo > lo + 1e-9:
        field = "abstraction.sinr_db" if sc.abstraction is not None else "tables"
        top = math.ceil(hi) if not math.isfinite(t_hi) else max(math.ceil(hi), math.ceil(t_hi))
        raise ScenarioError(field, f"{t_lo:g}..{t_hi:g} dB",
                            f"does not cover the study's SINR range {lo:.0f}..{hi:.0f} dB (1st-99th percentile "
                            "of the agents' SINR, widened by fading)",
                            f"start the grid at {math.floor(lo)} dB or lower (e.g. sinr_db: {{start: "
                            f"{math.floor(lo)}, stop: {top}, step: 0.5}})")
    return lo, hi


def _power_at_smallest(sc, drop, tables) -> np.ndarray:
    from .radio import tx_power_dbm as _tx_power_dbm

    p = _tx_power_dbm(sc, drop, tables.rbs)
    smallest = np.argmin(tables.rbs, axis=1)[drop.group]
    return p[np.arange(drop.num_agents), smallest]


def _split(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"network": [], "cell": [], "user": []}
    for r in rows:
        out.setdefault(r.get("level") or "network", []).append(r)
    return out


def export_system(sc, out_dir: Path, rows: list[dict], plots: bool = True) -> tuple[Path, list[Path]]:
    """``system_results.csv``, ``system_cells.csv``, ``system_users.csv`` (and the figures) from stored rows."""
    from .metrics import CELL_COLUMNS, NETWORK_COLUMNS, USER_COLUMNS

    parts = _split(rows)
    csv_path = out_dir / "system_results.csv"
    write_csv(parts["network"], csv_path, NETWORK_COLUMNS)
    write_csv(parts["cell"], out_dir / "system_cells.csv", CELL_COLUMNS)
    write_csv(parts["user"], out_dir / "system_users.csv", USER_COLUMNS)
    if not plots:
        return csv_path, []
    from ..plotting import figure_context
    from .plots import plot_system

    with figure_context(out_dir / "plots"):
        return csv_path, plot_system(rows, out_dir / "plots")


def run_system_study(sc, out_dir: str | Path, *, workers: int = 1, scheduler: str | None = None,
                     quiet: bool = False, force: bool = False, plots: bool = True) -> SystemStudyResult:
    """Run (or resume) ``sc`` into ``out_dir``; see the module docstring."""
    from ..abstraction import write_validation
    from ..executors import run_units, thread_settings
    from ..runner import _versions, run_into_store
    from .tables import load_table_set

    t0 = time.perf_counter()
    check_system_scenario(sc)
    out_dir = Path(out_dir)
    say = None if quiet else (lambda line: print(line, flush=True))
    table_set = load_table_set(sc, workers=workers if workers > 1 else None, progress=say)
    tables = study_tables(sc, table_set)
    units = system_units(sc, tables)
    check_sinr_coverage(sc, tables, sorted({(u.seed, u.drop) for u in units}))
    out_dir.mkdir(parents=True, exist_ok=True)
    write_validation(table_set, out_dir)
    rows, units_run = run_into_store(
        sc, out_dir, units, system_study_hash(sc),
        lambda todo: run_units(sc, todo, workers=workers, scheduler=scheduler, job="system"),
        lambda stored: export_system(sc, out_dir, stored, plots=False), force=force, quiet=quiet, kind="system")
    csv_path, plot_paths = export_system(sc, out_dir, rows, plots=plots)
    seconds = time.perf_counter() - t0
    manifest = {
        "scenario": sc.model_dump(mode="json"), "kind": "system", "seed": sc.seed,
        "study_hash": system_study_hash(sc), "units_total": len(units), "units_run": units_run, "rows": len(rows),
        "tables_key": getattr(table_set, "key", ""), "configs": tables.labels,
        "executor": f"dask:{scheduler}" if scheduler else (f"processes:{workers}" if workers > 1 else "inline"),
        "threads": thread_settings(), "versions": _versions(), "platform": platform.platform(),
        "wall_time_s": round(seconds, 3), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest, indent=2))
    return SystemStudyResult(out_dir, csv_path, plot_paths, len(units), units_run, seconds, table_set)
