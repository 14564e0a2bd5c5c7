"""The system-level study (``kind: system``): a multicell network on Sionna's system-level
blocks, decisions drawn from semantic PHY abstraction tables.

Scenario :class:`~semcom.simulator.system.schema.SystemScenario`, checks
:func:`~semcom.simulator.system.checks.check_system_scenario`, units
:func:`~semcom.simulator.system.units.expand_system_units`, one unit
:func:`~semcom.simulator.system.engine.run_system_unit`, a run
:class:`~semcom.simulator.system.runner.SystemRunner`, columns
:data:`~semcom.simulator.system.metrics.NETWORK_COLUMNS` (plus per cell and per user rows),
figures :mod:`semcom.simulator.system.plots`.
"""

from __future__ import annotations

from pathlib import Path

from ..scenario.work import WorkEstimate, simulated_work, with_data
from ..system.aggregate import GROUP_KEYS, SUMMARY_COLUMNS, summarise_drops
from ..system.schema import SYSTEM_SWEEP_AXES, SystemScenario
from ..system.summary import system_summary_rows
from ..system.units import expand_system_units
from .base import StudyKind, register_kind

__all__ = ["SystemKind"]


class SystemKind(StudyKind):
    name = "system"
    describe = "a system-level study (kind: system)"
    error_sections = ("system", "sweep")
    results_csv = "system_results.csv"
    default_x = "offered_load"
    #: the summary's set-up columns and the link direction
    axes = (*GROUP_KEYS, "direction")

    def scenario_class(self) -> type:
        return SystemScenario

    def check(self, sc, check_data: bool = True) -> None:
        """The scenario's checks, then those a run makes once it has the tables (their links,
        configurations, slot fit and SINR coverage), where the tables exist without building."""
        from ..system.checks import check_system_scenario, check_tables  # lazy: keeps the registry torch-free
        from ..system.tables import available_table_set, link_tables  # lazy: as above

        check_system_scenario(sc, check_data=check_data)
        table_set = available_table_set(sc)
        if table_set is not None:
            check_tables(sc, link_tables(sc, table_set))

    def expand(self, sc) -> list:
        return expand_system_units(sc)

    def estimate_work(self, sc, check_data: bool = False) -> WorkEstimate:
        """Units from the sweep axes (``fixed`` counted once: it expands per table, known
        once the tables are built); messages offered by every agent of every sector;
        slots simulated; a unit's memory (its messages, its slot log; with the data, the data,
        latents and training too) and the training of the zoo encoders."""
        spec = sc.system
        topo = spec.topology
        sectors = 3 * (1 + 3 * topo.num_rings * (topo.num_rings + 1)) if topo.kind == "hexgrid" else 1
        senders = sectors * sum(g.per_sector * g.rate_scale for g in spec.groups.values())
        estimate = simulated_work(
            sc,
            SYSTEM_SWEEP_AXES,
            senders,
            spec.duration_s + spec.drain_s,
            spec.grid.slot_s(),
            section="system",
            senders_key="groups",
        )
        return with_data(estimate, self.data_work(sc) if check_data else None)

    def runner(self):
        from ..system.runner import SystemRunner  # lazy: keeps the kinds registry torch-free

        return SystemRunner()

    def columns(self) -> list[str]:
        from ..system.metrics import NETWORK_COLUMNS  # lazy: keeps the kinds registry torch-free

        return NETWORK_COLUMNS

    def summary_rows(self, rows: list[dict]):
        return system_summary_rows(rows)

    def replicate_rows(self, rows: list[dict]) -> list[dict]:
        """The drops: the network-level rows (cells, users, configurations and traces are
        stored beside them with their own columns)."""
        return [r for r in rows if (r.get("level") or "network") == "network"]

    def result_rows(self, rows: list[dict], out_dir: Path | None = None) -> list[dict]:
        """The rows of ``system_results.csv``: each (placement, scheduler, policy, load, ...)
        over its drops."""
        return summarise_drops(self.replicate_rows(rows))

    def result_columns(self) -> list[str]:
        return list(SUMMARY_COLUMNS)

    def figures(self, rows: list[dict], plots_dir: Path, style, scenario: dict) -> list[Path]:
        from ..system.plots import plot_system  # lazy: matplotlib only to draw

        return plot_system(rows, plots_dir, style)

    def validate_lines(self, sc, source: str, check_data: bool = True) -> list[str]:
        from ..system.tables import available_table_set  # lazy: keeps the kinds registry torch-free

        built = sc.tables is not None or available_table_set(sc) is not None
        note = (
            []
            if built
            else [
                "note: the abstraction tables are not built yet: `semcom run` builds them (or "
                "`semcom abstraction build`), then checks the policies' configurations, the slot "
                "fit and the SINR coverage against them before the first unit"
            ]
        )
        per_sector = sum(g.per_sector for g in sc.system.groups.values())
        topo = sc.system.topology
        where = (
            f"{1 + 3 * topo.num_rings * (topo.num_rings + 1)} sites x 3 sectors"
            if topo.kind == "hexgrid"
            else "one site"
        )
        return [
            f"{source}: ok (system: {where}, {per_sector} agents per sector, "
            f"{len(sc.axis('arrival_rate'))} loads x {len(sc.axis('scheduler'))} schedulers x "
            f"{len(sc.axis('link_adaptation'))} link-adaptation policies ('fixed' expands per table) x "
            f"{len(sc.axis('seed')) * len(sc.axis('drop'))} seeds/drops)"
        ] + note


SYSTEM = register_kind(SystemKind())
