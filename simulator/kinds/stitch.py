"""The stitching table (``semcom stitch``): the transmitter x receiver accuracy matrix of
every semantic equaliser, noise-free and at one SNR, run on a *link* scenario.

It has no scenario kind of its own (:attr:`file_kind` is false): it parses and checks a
link scenario, and its run is one unit (the whole table) in the results store, recorded
as kind ``stitch``. Rows: :mod:`semcom.simulator.stitch.runner`; summary
:mod:`semcom.simulator.stitch.summary`; heat maps :mod:`semcom.simulator.stitch.plots`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from semcom.core.errors import SemcomInputError

from ..link.schema import Scenario, parse_scenario
from ..scenario.reading import raw_kind
from ..stitch.summary import stitch_summary_rows, stitch_summary_table
from ..stitch.units import StitchUnit
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
                raise SemcomInputError(
                    f"{source}: stitch needs a link scenario (this one says kind: {kind}); "
                    "give a link scenario such as scenarios/stitching.yaml"
                )
            parse_study(raw, source)  # an unknown kind: one line naming the kinds there are
        return parse_scenario(raw, source)

    def check(self, sc, check_data: bool = True) -> None:
        from ..link.checks import check_scenario  # lazy: keeps the kinds registry torch-free

        check_scenario(sc, check_data=check_data)

    def expand(self, sc) -> list:
        """One unit: the whole table (every seed and ordered pair)."""
        return [StitchUnit()]

    def runner(self):
        from ..stitch.runner import StitchRunner  # lazy: keeps the kinds registry torch-free

        return StitchRunner()

    def columns(self) -> list[str]:
        from ..stitch.runner import STITCH_COLUMNS  # lazy: keeps the kinds registry torch-free

        return STITCH_COLUMNS

    def summary_rows(self, rows: list[dict]):
        return stitch_summary_rows(rows)

    def summary_table(self, rows: list[dict], fmt: str = "text", **options) -> str:
        if fmt != "text" or options or not rows:
            return super().summary_table(rows, fmt, **options)
        return stitch_summary_table(rows)

    def figures(self, rows: list[dict], plots_dir: Path, style, scenario: dict) -> list[Path]:
        from ..stitch.plots import plot_cka, plot_stitching  # lazy: matplotlib only to draw

        cka = _read_csv(plots_dir.parent / "cka.csv")
        return plot_stitching(rows, plots_dir, style) + (plot_cka(cka, plots_dir) if cka else [])

    def caption(self, stem: str) -> str:
        if stem.startswith("stitching_"):
            return (
                "Stitching table: top-1 accuracy [%] per transmitter (rows) and receiver (columns), "
                "a panel per semantic equaliser."
            )
        if stem == "cka":
            return (
                "Linear CKA between every pair of agents on the pool latents (1 = equal up to rotation "
                "and scale)."
            )
        return super().caption(stem)

    def report_tables(self, out_dir: Path) -> list[tuple[str, str, list[str], list[list[str]]]]:
        """The latent geometry behind the table, when the run wrote it."""
        notes = {
            "collapse.csv": "Neural-collapse index per agent (pool latents): class_mean_cosine_std near 0 "
            "(equiangular class means, mean cosine -1/(C-1)) and within_class_cosine near 1 "
            "mean a collapsed space.",
            "cka.csv": "Linear CKA per pair of agents (pool latents).",
        }
        out = []
        for name, note in notes.items():
            rows = _read_csv(out_dir / name, raw=True)
            if rows:
                out.append(("Latent geometry", note, rows[0], rows[1:]))
        return out

    def run_lines(self, sc, result) -> list[str]:
        return [f"{sc.name}: stitching table of {result.rows} rows", f"results: {result.csv}"] + [
            f"plot:    {p}" for p in result.plots
        ]


def _read_csv(path: Path, raw: bool = False) -> list:
    """The rows of a CSV the run wrote (``raw``: lists, header first; else dicts), none when absent."""
    if not path.is_file():
        return []
    with open(path, newline="") as f:
        return list(csv.reader(f)) if raw else list(csv.DictReader(f))


STITCH = register_kind(StitchKind())
