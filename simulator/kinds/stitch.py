"""The stitching table (``semcom stitch``): the transmitter x receiver accuracy matrix of
every semantic equaliser, noise-free and at one SNR, run on a *link* scenario.

It has no scenario kind of its own (:attr:`file_kind` is false): it parses and checks a
link scenario, and its run is one unit (the whole table) in the results store, recorded
as kind ``stitch``. Rows, summary and heat maps: :mod:`semcom.simulator.stitch`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from semcom.core.errors import SemcomInputError
from ..scenario.reading import raw_kind
from .base import StudyKind, parse_study, register_kind, scenario_kinds

__all__ = ["StitchKind"]


class StitchKind(StudyKind):
    name = "stitch"
    describe = "a stitching table (semcom stitch) of a link scenario"
    file_kind = False
    results_csv = "stitching.csv"
    default_x = "snr_db"

    def scenario_class(self) -> type:
        from ..schema import Scenario
        return Scenario

    def parse(self, raw: Any, source: str = "scenario"):
        """A link scenario (one line, naming the file, for a scenario of another kind)."""
        from ..schema import parse_scenario

        kind = raw_kind(raw)
        if isinstance(raw, dict) and kind != "link":
            if kind in [k.name for k in scenario_kinds()]:
                raise SemcomInputError(f"{source}: stitch needs a link scenario (this one says kind: {kind}); "
                                       "give a link scenario such as scenarios/stitching.yaml")
            parse_study(raw, source)   # an unknown kind: one line naming the kinds there are
        return parse_scenario(raw, source)

    def check(self, sc, check_data: bool = True) -> None:
        from ..schema import check_scenario
        check_scenario(sc, check_data=check_data)

    def expand(self, sc) -> list:
        """One unit: the whole table (every seed and ordered pair)."""
        return ["stitch"]

    def run(self, sc, out_dir, *, snr_db: float | None = None, force: bool = False):
        from ..stitch import run_stitch
        return run_stitch(sc, out_dir, snr_db=snr_db, force=force)

    def columns(self) -> list[str]:
        from ..stitch import STITCH_COLUMNS
        return STITCH_COLUMNS

    def owns_rows(self, rows: list[dict]) -> bool:
        return bool(rows) and "condition" in rows[0] and "goodput" not in rows[0]

    def summary_rows(self, rows: list[dict]):
        from ..stitch import stitch_summary_rows
        return stitch_summary_rows(rows)

    def summary_table(self, rows: list[dict]) -> str:
        from ..stitch import stitch_summary_table
        return stitch_summary_table(rows) if rows else "no results yet"

    def figures(self, rows: list[dict], plots_dir: Path, **_) -> list[Path]:
        from ..stitch import plot_stitching
        return plot_stitching(rows, plots_dir)

    def run_lines(self, sc, result) -> list[str]:
        return ([f"{sc.name}: stitching table of {len(result.rows)} rows", f"results: {result.csv}"]
                + [f"plot:    {p}" for p in result.plots])


STITCH = register_kind(StitchKind())
