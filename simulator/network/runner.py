"""The run of a network study: the hooks of the shared lifecycle
(:class:`~semcom.simulator.run.lifecycle.StudyRunner`).

Same results store as every kind (one committed transaction per unit, resumable,
crash-safe); the rows carry the columns :data:`~semcom.simulator.network.metrics.NETWORK_COLUMNS`,
exported to ``network_results.csv``. The alignment cost as the number of agents grows goes
to ``alignment_cost.csv`` once every unit is in. Units (one SimPy simulation each) run
inline, on a local process pool (``workers``) or a Dask cluster (``scheduler``), with
identical results.
"""

from __future__ import annotations

from pathlib import Path

from ..results.store import write_csv
from ..run.context import latent_space
from ..run.lifecycle import StudyRunner
from .alignment import ALIGNMENT_COLUMNS, alignment_scaling
from .checks import check_network_scenario
from .engine import run_network_unit
from .metrics import NETWORK_COLUMNS
from .schema import NETWORK_SWEEP_AXES, NetworkScenario
from .units import expand_network_units

__all__ = ["NetworkRunner", "prepare_workers", "ALIGNMENT_AGENTS"]

#: Numbers of agents of the alignment-cost table.
ALIGNMENT_AGENTS = [1, 2, 4, 8, 16, 32, 64]


def prepare_workers(sc: NetworkScenario) -> None:
    """Before a local pool forks: every agent's latent space trained and cached once."""
    agents = [*sc.network.transmitters.values(), *sc.network.receivers.values()]
    for model in dict.fromkeys(spec.model for spec in agents):
        latent_space(sc, model)


class NetworkRunner(StudyRunner):
    """A network study's run: ``network_results.csv`` and, once complete, ``alignment_cost.csv``."""

    kind = "network"
    hash_tag = "network-study"
    run_unit = staticmethod(run_network_unit)
    prepare = staticmethod(prepare_workers)
    check = staticmethod(check_network_scenario)
    expand = staticmethod(expand_network_units)
    sweep_axes = NETWORK_SWEEP_AXES

    def export(self, sc: NetworkScenario, out_dir: Path, rows: list[dict], state, complete: bool) -> Path:
        write_csv(rows, out_dir / "network_results.csv", NETWORK_COLUMNS)
        if complete:  # relative vs aligned always, plus whatever else the study sweeps
            equalizers = sorted({*sc.axis("semantic_equalizer"), "relative", "aligned"})
            alignment = alignment_scaling(
                sc, ALIGNMENT_AGENTS, equalizers, sc.axis("num_anchors"), sc.axis("channel")[0]
            )
            write_csv(alignment, out_dir / "alignment_cost.csv", ALIGNMENT_COLUMNS)
        return out_dir / "network_results.csv"
