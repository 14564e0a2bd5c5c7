"""The stitching table (``semcom stitch``): the transmitter x receiver accuracy matrix of
every semantic equaliser, noise-free and at one SNR, run on a *link* scenario.

It has no scenario kind of its own (:attr:`file_kind` is false): it parses and checks a
link scenario, and its run is one unit (the whole table) in the results store, recorded
as kind ``stitch``. Rows: :mod:`semcom.simulator.stitch.runner`; summary
:mod:`semcom.simulator.stitch.summary`; heat maps :mod:`semcom.simulator.stitch.plots`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from semcom.core.errors import SemcomInputError
from ..scenario.reading import raw_kind
from ..link.schema import Scenario, parse_scenario
from ..stitch.summary import stitch_summary_rows, stitch_summary_table
from .base import StudyKind, parse_study, register_kind, scenario_kinds

__all__ = ["StitchKind"]


class StitchKind(StudyKind):
    name = "stitch"
    describe = "a stitching table (semcom stitch) of a link scenario"
    file_kind = False
    results_csv = "stitching.csv"
    default_x = "snr_db"

    def scenario_class(self) -> type:
        return Scenario

    def parse(self, raw: Any, source: str = "scenario"):
        """A link scenario (one line, naming the file, for a scenario of another kind)."""
        kind = raw_kind(raw)
        if isinstance(raw, dict) and kind != "link":
            if kind in [k.name for k in scenario_kinds()]:
                raise SemcomInputError(f"{source}: stitch needs a link scenario (this one says kind: {kind}); "
                                       "give a link scenario such as scenarios/stitching.yaml")
            parse_study(raw, source)   # an unknown kind: one line naming the kinds there are
        return parse_scenario(raw, source)

    def check(self, sc, check_data: bool = True) -> None:
        from ..link.checks import check_scenario  # lazy: keeps the kinds registry torch-free
        check_scenario(sc, check_data=check_data)

    def expand(self, sc) -> list:
        """One unit: the whole table (every seed and ordered pair)."""
        return ["stitch"]

    def run(self, sc, out_dir, *, snr_db: float | None = None, force: bool = False):
        from ..stitch.runner import run_stitch  # lazy: keeps the kinds registry torch-free
        return run_stitch(sc, out_dir, snr_db=snr_db, force=force)

    def columns(self) -> list[str]:
        from ..stitch.runner import STITCH_COLUMNS  # lazy: keeps the kinds registry torch-free
        return STITCH_COLUMNS

    def owns_rows(self, rows: list[dict]) -> bool:
        return bool(rows) and "condition" in rows[0] and "goodput" not in rows[0]

    def summary_rows(self, rows: list[dict]):
        return stitch_summary_rows(rows)

    def summary_table(self, rows: list[dict]) -> str:
        return stitch_summary_table(rows) if rows else "no results yet"

    def figures(self, rows: list[dict], plots_dir: Path, **_) -> list[Path]:
        from ..stitch.plots import plot_stitching  # lazy: matplotlib only to draw
        return plot_stitching(rows, plots_dir)

    def run_lines(self, sc, result) -> list[str]:
        return ([f"{sc.name}: stitching table of {len(result.rows)} rows", f"results: {result.csv}"]
                + [f"plot:    {p}" for p in result.plots])


STITCH = register_kind(StitchKind())
