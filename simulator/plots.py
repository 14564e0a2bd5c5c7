"""Paper-ready plots from result rows (never from a re-run), for every kind of study.

:func:`plot_all` draws the standard figures of a run's rows at the run's figure
settings (``figure: {width: single|double}`` in its ``scenario.yaml``): each kind of
study brings its own figures (:mod:`semcom.simulator.kinds`): link studies
(:mod:`semcom.simulator.link_plots`), network studies (:mod:`semcom.simulator.network.plots`),
stitching tables (:mod:`semcom.simulator.stitch`). The scaffolding they share (print
sizes, style, panels, legends, colours, the PNG + PDF writer) is
:mod:`semcom.simulator.plotting`. Every name this module had before the split is still
importable from here.

Example::

    from semcom.simulator.plots import plot_all
    from semcom.simulator.store import read_rows
    plot_all(read_rows("runs/quickstart"), "runs/quickstart/plots")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .link_plots import (COMPARED_AXES, _is_e2e, _k_independent, _mean_accuracy, _scheme_label,  # noqa: F401
                         _shannon_rows, _snr_levels, link_figures, plot_accuracy_vs_anchors, plot_accuracy_vs_snr,
                         plot_compare, plot_equalizers_vs_anchors, plot_equalizers_vs_snr, plot_rate_accuracy,
                         shannon_references)
from .plotting import (_FIG, _LINESTYLES, _LINK, _MARKERS, _MAX_PANELS, _PANEL_H, _PANEL_W, _STYLE,  # noqa: F401
                       _TEN_CLASSES, FIGURE_WIDTHS, MIN_POINTS, _accuracy_axis, _band_note, _chance_line, _colors,
                       _curve, _draw, _figure, _group, _isnum, _label_bottom, _legend, _link_title, _log2_axis,
                       _native, _num, _pages, _plot_curve, _reference_line, _registered, _save, _snr_axis,
                       _subtitle, _tidy, _values, _varying, figure_context, figure_settings, plt)

__all__ = ["plot_all", "plot_rate_accuracy", "plot_accuracy_vs_snr", "plot_accuracy_vs_anchors",
           "plot_equalizers_vs_snr", "plot_equalizers_vs_anchors", "plot_compare", "FIGURE_WIDTHS", "figure_settings"]


def plot_all(rows: list[dict[str, Any]], out_dir: str | Path, shannon: dict | None = None,
             kind: str | None = None) -> list[Path]:
    """Every standard figure the study's axes support, written to ``out_dir`` (a run's
    ``plots/`` folder) at the run's figure settings; returns the PNG paths.

    :param kind: the study kind (:mod:`semcom.simulator.kinds`) whose figures to draw;
        by default the kind the rows come from.
    :param shannon: link studies: see :func:`~semcom.simulator.link_plots.plot_rate_accuracy`;
        by default read from the run's scenario.
    """
    from .kinds import get_kind, kind_of_rows

    out_dir = Path(out_dir)
    if not rows:
        return []
    study = get_kind(kind) if kind else kind_of_rows(rows)
    with figure_context(out_dir):
        return study.figures(rows, out_dir, shannon=shannon)
