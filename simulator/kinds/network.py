"""The network-level study (``kind: network``): many agents sharing one medium (SimPy).

Scenario :class:`~semcom.simulator.network.schema.NetworkScenario`, checks
:func:`~semcom.simulator.network.checks.check_network_scenario`, units
:func:`~semcom.simulator.network.units.expand_network_units` (one SimPy run each),
its run :class:`~semcom.simulator.network.runner.NetworkRunner`, columns
:data:`~semcom.simulator.network.metrics.NETWORK_COLUMNS`, summary
:mod:`semcom.simulator.network.summary`, figures :mod:`semcom.simulator.network.plots`.
"""

from __future__ import annotations

from pathlib import Path

from ..network.schema import NETWORK_SWEEP_AXES, NetworkScenario
from ..scenario.work import WorkEstimate, simulated_work, with_data
from ..network.summary import network_summary_rows
from ..network.units import expand_network_units
from .base import StudyKind, register_kind

__all__ = ["NetworkKind"]


class NetworkKind(StudyKind):
    name = "network"
    describe = "a network study (kind: network)"
    results_csv = "network_results.csv"
    default_x = "offered_load"
    axes = tuple(a for a in NETWORK_SWEEP_AXES if a != "seed")

    def scenario_class(self) -> type:
        return NetworkScenario

    def check(self, sc, check_data: bool = True) -> None:
        from ..network.checks import check_network_scenario  # lazy: keeps the kinds registry torch-free

        check_network_scenario(sc, check_data=check_data)

    def expand(self, sc) -> list:
        return expand_network_units(sc)

    def estimate_work(self, sc, check_data: bool = False) -> WorkEstimate:
        """Units from the sweep axes; messages offered (rate x senders x duration, every
        unit); slots simulated; a unit's memory (its messages, its slot log; with the data, the data,
        latents and training too) and the training of the zoo encoders."""
        net = sc.network
        senders = sum(t.count * t.rate_scale for t in net.transmitters.values())
        estimate = simulated_work(
            sc,
            NETWORK_SWEEP_AXES,
            senders,
            net.duration_s,
            net.slot_duration_s,
            record_events=net.record_events,
            section="network",
            senders_key="transmitters",
        )
        return with_data(estimate, self.data_work(sc) if check_data else None)

    def runner(self):
        from ..network.runner import NetworkRunner  # lazy: keeps the kinds registry torch-free

        return NetworkRunner()

    def columns(self) -> list[str]:
        from ..network.metrics import NETWORK_COLUMNS  # lazy: keeps the kinds registry torch-free

        return NETWORK_COLUMNS

    def summary_rows(self, rows: list[dict]):
        return network_summary_rows(rows)

    def figures(self, rows: list[dict], plots_dir: Path, style, scenario: dict) -> list[Path]:
        from ..network.plots import plot_network_dir  # lazy: matplotlib only to draw

        return plot_network_dir(rows, plots_dir, style)

    def validate_lines(self, sc, source: str, check_data: bool = True) -> list[str]:
        return [
            f"{source}: ok (network: {len(self.expand(sc))} units, "
            f"{sum(t.count for t in sc.network.transmitters.values())} transmitters, "
            f"{len(sc.network.receivers)} receivers)"
        ]


NETWORK = register_kind(NetworkKind())
