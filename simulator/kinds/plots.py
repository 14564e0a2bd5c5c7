"""Any run's figures, drawn through its kind from the stored rows (never from a re-run).

:func:`plot_all` draws a kind's standard figures at the style of the run's scenario
(:class:`~semcom.simulator.figures.plotting.FigureStyle`: ``figure: {width: single|double}``,
the chance line of its dataset); :func:`plot_run` does it for a results folder, from its
store and its stored ``scenario.yaml`` (``semcom plot``). Each kind brings its own
figures (:meth:`~semcom.simulator.kinds.base.StudyKind.figures`); the scaffolding they
share (print sizes, style, panels, legends, colours, the PNG + PDF writer) is
:mod:`semcom.simulator.figures.plotting`.

Example::

    from semcom.simulator.kinds.plots import plot_run
    plot_run("runs/quickstart")        # -> runs/quickstart/plots/*.png|pdf
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..results.folders import held_output_dir
from ..results.store import read_rows, study_kind
from ..scenario.reading import stored_scenario
from .base import get_kind

__all__ = ["plot_all", "plot_run"]


def plot_all(
    rows: list[dict[str, Any]], plots_dir: str | Path, kind: str, scenario: dict | None = None
) -> list[Path]:
    """Every standard figure of study kind ``kind`` the rows support, written to ``plots_dir``
    (a run's ``plots/`` folder) at the style of ``scenario`` (the run's scenario as a
    mapping; defaults when `None`); returns the PNG paths."""
    return get_kind(kind).draw(rows, Path(plots_dir), scenario or {})


def plot_run(directory: str | Path) -> list[Path]:
    """The figures of the run in ``directory``, from its store, at its scenario's style."""
    directory = Path(directory)
    with held_output_dir(directory):  # never while a run writes into the folder
        return plot_all(
            read_rows(directory),
            directory / "plots",
            study_kind(directory),
            stored_scenario(directory / "scenario.yaml"),
        )
