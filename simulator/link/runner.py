"""The run of a link study: the hooks of the shared lifecycle
(:class:`~semcom.simulator.run.lifecycle.StudyRunner`).

Every finished unit is committed to the results store as soon as it arrives, and
whatever stops the run (an error in one unit, Ctrl-C) first exports what the store
holds, so committed results are never lost and a rerun resumes from them. A study
with ``stop:`` runs in rounds: after each, the points that still need replicates get
them (:func:`~semcom.simulator.link.replicates.next_units`). The store keeps one row
per replicate (``replicates.csv``); ``results.csv`` has one row per point, aggregated
over its replicates (:func:`~semcom.simulator.link.points.point_rows`).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

from ..results.store import write_csv
from ..run.context import latent_space
from ..run.lifecycle import StudyRunner, scenario_identity
from ..scenario.checks import ScenarioWarning
from .checks import check_scenario
from .engine import run_unit
from .points import POINT_COLUMNS, group_points, point_rows
from .replicates import next_units
from .rows import COLUMNS
from .schema import Scenario
from .units import UNIT_AXES, expand_units

__all__ = ["LinkRunner", "study_identity", "scheme_settings", "prepare_workers"]


def study_identity(sc: Scenario) -> dict:
    """What makes two runs the same study: everything in the scenario that changes a
    unit's rows. The unit axes (and the seed that defaults one of them) are left out:
    they pick *which* units exist, and units are stored by their own key, so a study
    extended with another K, receiver or seed reuses the units it already has; ``stop``
    is left out for the same reason (it picks how many replicates run). SNR points stay
    in: a unit draws the noise of all its SNR points in one batch."""
    d = scenario_identity(sc, UNIT_AXES)
    d.pop("stop", None)
    # at their defaults, settings added later leave out: studies stored before them keep their identity
    for key, default in (("retrieval", False), ("passes", 1)):
        if d.get(key) == default:
            d.pop(key)
    return d


def scheme_settings(sc: Scenario) -> dict[str, dict]:
    """Every setting of every scheme as run, the defaulted ones included (e.g. a digital
    scheme's ``bits: 8`` when the scenario gives none), for the manifest."""
    out = {}
    for name, spec in sc.scheme_specs().items():
        out[name] = {"kind": spec.kind, **spec.settings()}
        if "bits" in out[name] and any(b is not None for b in sc.axis("bits")):
            out[name]["bits"] = "swept: sweep.bits"
    return json.loads(json.dumps(out, default=str))


def prepare_workers(sc: Scenario) -> None:
    """Before a local pool forks: every agent's latent space trained and cached once."""
    for model in dict.fromkeys([*sc.axis("transmitter"), *sc.axis("receiver")]):
        latent_space(sc, model)


def warn_undefined_nmse(sc: Scenario, rows: list[dict]) -> None:
    """Rows whose NMSE is undefined where the unit computed one (NaN, which the store keeps as
    empty; JSCC rows have none): the message arithmetic overflowed or underflowed, and the
    accuracies beside it are no measurement either."""
    jscc = {name for name, spec in sc.scheme_specs().items() if spec.kind == "jscc"}
    bad = [
        r
        for r in rows
        if r.get("scheme") not in jscc
        and not isinstance(r.get("nmse"), (int, float))
        or isinstance(r.get("nmse"), float)
        and not math.isfinite(r["nmse"])
    ]
    if bad:
        warnings.warn(
            f"results: nmse is undefined (NaN) in {len(bad)} of {len(rows)} rows (first: "
            f"{bad[0].get('semantic_equalizer')} at {bad[0].get('snr_db')} dB): the messages' arithmetic "
            "overflowed or underflowed, so these rows measure nothing; check the latents' scale",
            ScenarioWarning,
            stacklevel=2,
        )


class LinkRunner(StudyRunner):
    """A link study's run: its units run on any executor, in rounds with ``stop:``;
    ``results.csv`` (a row per point) and ``replicates.csv`` (a row per replicate); the
    schemes as run and the point count in the manifest."""

    kind = "link"
    hash_tag = "study"
    run_unit = staticmethod(run_unit)
    prepare = staticmethod(prepare_workers)
    check = staticmethod(check_scenario)
    expand = staticmethod(expand_units)

    def identity(self, sc: Scenario, options: dict) -> dict:
        return study_identity(sc)

    def more_units(self, sc: Scenario, units: list, rows: list[dict], state) -> list:
        return next_units(sc, units, rows)

    def export(self, sc: Scenario, out_dir: Path, rows: list[dict], state, complete: bool) -> Path:
        write_csv(point_rows(rows, sc.stop), out_dir / "results.csv", POINT_COLUMNS)
        write_csv(rows, out_dir / "replicates.csv", COLUMNS)
        if complete:
            warn_undefined_nmse(sc, rows)
        return out_dir / "results.csv"

    def manifest_extra(self, sc: Scenario, state, options: dict) -> dict:
        return {"scheme_settings": scheme_settings(sc)}

    def manifest_counts(self, rows: list[dict]) -> dict:
        return {"points": len(group_points(rows))}
