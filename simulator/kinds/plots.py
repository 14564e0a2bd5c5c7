"""Paper-ready plots from result rows (never from a re-run), for every kind of study.

:func:`plot_all` draws the standard figures of a run's rows at the run's figure
settings (``figure: {width: single|double}`` in its ``scenario.yaml``): each kind of
study brings its own figures (:mod:`semcom.simulator.kinds`): link studies
(:mod:`semcom.simulator.link.plots`), network studies (:mod:`semcom.simulator.network.plots`),
stitching tables (:mod:`semcom.simulator.stitch.runner`). The scaffolding they share (print
sizes, style, panels, legends, colours, the PNG + PDF writer) is
:mod:`semcom.simulator.figures.plotting`.

Example::

    from semcom.simulator.kinds.plots import plot_all
    from semcom.simulator.results.store import read_rows
    plot_all(read_rows("runs/quickstart"), "runs/quickstart/plots")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..figures.plotting import figure_context
from .base import get_kind, kind_of_rows

__all__ = ["plot_all"]


def plot_all(rows: list[dict[str, Any]], out_dir: str | Path, shannon: dict | None = None,
             kind: str | None = None) -> list[Path]:
    """Every standard figure the study's axes support, written to ``out_dir`` (a run's
    ``plots/`` folder) at the run's figure settings; returns the PNG paths.

    :param kind: the study kind (:mod:`semcom.simulator.kinds`) whose figures to draw;
        by default the kind the rows come from.
    :param shannon: link studies: see :func:`~semcom.simulator.link.plots.plot_rate_accuracy`;
        by default read from the run's scenario.
    """
    out_dir = Path(out_dir)
    if not rows:
        return []
    study = get_kind(kind) if kind else kind_of_rows(rows)
    with figure_context(out_dir):
        return study.figures(rows, out_dir, shannon=shannon)
