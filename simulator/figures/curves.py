"""One figure of any column against another, in the style of the run's figures, that never
averages silently: :func:`plot_columns` is what :meth:`semcom.api.Result.plot` draws, with
the scaffolding of ``semcom plot`` (print width, 7-8 pt text, colours by registered name,
95% bands, the chance line).

A curve point is one row of the results (a point of the study) or the replicates of one
point (rows that differ only in a replicate column such as ``seed``: their mean and 95%
t-interval). Rows that differ in a study axis the figure does not show would be averaged:
they are refused in one line naming those axes and their values, unless ``where=`` picks
one value of each (or the figure shows the axis, as ``by=`` or a panel).

Example::

    from semcom.simulator.figures.curves import plot_columns
    rows = [{"snr_db": snr, "num_anchors": k, "semantic_equalizer": eq, "accuracy": 0.5 + snr / 100 + k / 1000}
            for snr in (0, 10, 20) for k in (8, 64) for eq in ("relative", "oracle")]
    fig = plot_columns(rows, "snr_db", by="semantic_equalizer", where={"num_anchors": 64},
                       axes=("snr_db", "num_anchors", "semantic_equalizer"))
    fig.savefig("accuracy.pdf")      # without where=, one line: the curves would average over num_anchors
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from semcom.core.errors import SemcomInputError

from ..results.intervals import t_quantile
from .plot_rows import group_rows, is_number, sorted_values
from .style import FigureStyle

__all__ = ["plot_columns", "select_rows", "hidden_axes", "column_label", "COLUMN_LABELS"]

#: Readable axis labels of the columns figures show most; any other column reads as its name.
COLUMN_LABELS = {
    "snr_db": "SNR  Eₛ/N₀ [dB]", "accuracy": "top-1 accuracy", "top5_accuracy": "top-5 accuracy",
    "num_anchors": "number of anchors K", "channel_uses": "complex channel uses per sample",
    "semantic_equalizer": "semantic equaliser", "anchor_selection": "anchor selection",
    "tx_model": "transmitter", "rx_model": "receiver", "offered_load": "offered load",
    "arrival_rate": "arrival rate [messages/s]", "goodput": "goodput [correct messages/s]",
    "latency_mean": "mean latency [s]", "latency_p95": "95th-percentile latency [s]", "mrr": "mean reciprocal rank",
    "bits": "bits per value", "nmse": "NMSE", "bler": "block error rate", "ber": "bit error rate",
}


def column_label(column: str) -> str:
    """The axis label of ``column``: :data:`COLUMN_LABELS` or the name with spaces."""
    return COLUMN_LABELS.get(column, column.replace("_", " "))


def _values(rows: list[dict], column: str) -> list:
    return sorted_values(rows, column)


def _matches(value: Any, wanted: Any) -> bool:
    if is_number(value) and is_number(wanted):
        return math.isclose(float(value), float(wanted), rel_tol=1e-9, abs_tol=1e-12)
    return str(value) == str(wanted)


def select_rows(rows: list[dict], where: Mapping[str, Any] | None, columns: Iterable[str]) -> list[dict]:
    """The rows whose ``column`` equals the value of each ``where`` entry (a list: any of its
    values). An unknown column or a value no row has is one line naming the choices."""
    columns = list(columns)
    for column, wanted in (where or {}).items():
        if column not in columns:
            raise SemcomInputError(f"where: '{column}' is not a column of the results; choose one of "
                                   f"{', '.join(columns)}")
        allowed = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        kept = [r for r in rows if any(_matches(r.get(column), w) for w in allowed)]
        if not kept:
            have = ", ".join(str(v) for v in _values(rows, column))
            raise SemcomInputError(f"where: {column}={wanted!r} matches no row; its values are {have}")
        rows = kept
    return rows


def hidden_axes(rows: list[dict], shown: Sequence[str], axes: Iterable[str]) -> dict[str, list]:
    """The study ``axes`` a figure showing ``shown`` would average over: those taking more
    than one value among rows that land on one curve point, each with all its values."""
    hidden = [a for a in axes if a not in shown]
    clash: dict[str, list] = {}
    for _, group in group_rows(rows, tuple(shown)).items():
        for axis in hidden:
            if len({str(r.get(axis)) for r in group}) > 1:
                clash[axis] = _values(rows, axis)
    return clash


def _refusal(clash: dict[str, list]) -> str:
    named = "; ".join(f"{a} ({', '.join(str(v) for v in vs[:8])}{', ...' if len(vs) > 8 else ''})"
                      for a, vs in clash.items())
    first = next(iter(clash))
    pick = clash[first][-1]
    return (f"plot: the curves would average over {named}; pick one value with "
            f"where={{{first!r}: {pick!r}}} (a list keeps several), or show it with by={first!r}")


def _curve(rows: list[dict], x: str, y: str) -> tuple[np.ndarray, ...]:
    """x, mean of y, band low, band high: the 95% t-interval over the replicate rows of one x,
    or a point's own interval (``y_low``/``y_high``, else ``y_wilson_low``/``y_wilson_high``);
    no band where there is none."""
    xs, mean, lo, hi = [], [], [], []
    for (xv,), rs in group_rows(rows, (x,)).items():
        vals = np.array([float(r[y]) for r in rs if is_number(r.get(y))])
        if not len(vals) or not is_number(xv):
            continue
        xs.append(float(xv))
        mean.append(vals.mean())
        if len(vals) > 1:
            half = t_quantile(0.95, len(vals) - 1) * vals.std(ddof=1) / math.sqrt(len(vals))
            lo.append(vals.mean() - half)
            hi.append(vals.mean() + half)
        else:
            band = next(((float(rs[0][low]), float(rs[0][high])) for low, high in
                         ((f"{y}_low", f"{y}_high"), (f"{y}_wilson_low", f"{y}_wilson_high"))
                         if is_number(rs[0].get(low)) and is_number(rs[0].get(high))), (math.nan, math.nan))
            lo.append(band[0])
            hi.append(band[1])
    return np.array(xs), np.array(mean), np.array(lo), np.array(hi)


def _panel_title(rows: list[dict], keys: tuple[str, ...], values: tuple) -> str:
    """A link as ``tx → rx`` (both named even when one is fixed), any other panel key as ``name = value``."""
    named = dict(zip(keys, values))
    parts = []
    if {"tx_model", "rx_model"} & set(keys):
        parts.append(f"{rows[0].get('tx_model')} → {rows[0].get('rx_model')}")
    parts += [f"{column_label(k)} = {v}" for k, v in named.items() if k not in ("tx_model", "rx_model")]
    return " · ".join(parts)


def plot_columns(rows: list[dict], x: str, y: str = "accuracy", by: str | None = None,
                 where: Mapping[str, Any] | None = None, panels: Sequence[str] = (), axes: Iterable[str] = (),
                 style: FigureStyle | None = None):
    """A ``matplotlib.figure.Figure`` (no pyplot, no backend chosen) of ``y`` against ``x``: a
    curve per value of ``by`` with its 95% band, a panel per value of ``panels`` (those that
    vary), after ``where`` (:func:`select_rows`). ``axes``: the study axes of the rows; one
    that varies within a curve point is refused (:func:`hidden_axes`), never averaged.
    ``style``: print width and chance line (:class:`~.style.FigureStyle`; double column, no
    chance line by default)."""
    from matplotlib.figure import Figure  # lazy: matplotlib only to draw
    from matplotlib.lines import Line2D  # lazy: as above

    from . import plotting  # lazy: its import picks a headless backend where none is set

    style = style or FigureStyle()
    columns = list(dict.fromkeys(k for r in rows for k in r))
    for role, name in (("x", x), ("y", y), ("by", by)):
        if name is not None and name not in columns:
            raise SemcomInputError(f"plot: {role} column '{name}' is not in the results; choose one of "
                                   f"{', '.join(columns)}")
    rows = select_rows(rows, where, columns)
    panel_keys = tuple(k for k in panels if k in columns and len({str(r.get(k)) for r in rows}) > 1)
    shown = tuple(dict.fromkeys((*panel_keys, *((by,) if by else ()), x)))
    clash = hidden_axes(rows, shown, axes)
    if clash:
        raise SemcomInputError(_refusal(clash))
    groups = group_rows(rows, panel_keys) if panel_keys else {(): rows}
    curves = _values(rows, by) if by else [None]
    color = plotting.colors([str(c) for c in curves])
    with plotting.plt.rc_context(plotting.RC_STYLE):
        ncols = min(3, len(groups))
        nrows = math.ceil(len(groups) / ncols)
        panel_w = style.width / ncols
        fig = Figure(figsize=(style.width, min(plotting.PANEL_H, 0.72 * panel_w) * nrows + 0.9), layout="constrained")
        axs = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True).flat
        for ax, (key, part) in zip(axs, groups.items()):
            for i, c in enumerate(curves):
                crs = [r for r in part if by is None or str(r.get(by)) == str(c)]
                xs, mean, lo, hi = _curve(crs, x, y)
                if len(xs):
                    ax.plot(xs, mean, marker=plotting.MARKERS[i % 8], color=color[str(c)], zorder=3,
                            label=str(c), gid="curve")
                    if np.isfinite(lo).any():
                        ax.fill_between(xs, lo, hi, color=color[str(c)], alpha=0.15, lw=0, zorder=2)
            if y in ("accuracy", "top5_accuracy"):
                plotting.accuracy_axis(ax)
                if style.chance is not None and y == "accuracy":
                    ax.axhline(style.chance, color="0.5", lw=0.8, ls=":", zorder=1, gid="chance")
            ax.set_ylabel(column_label(y))
            ax.set_xlabel(column_label(x))
            if panel_keys:
                ax.set_title(_panel_title(part, panel_keys, key))
        for ax in list(axs)[len(groups):]:
            ax.set_visible(False)
        handles = [Line2D([], [], color=color[str(c)], marker=plotting.MARKERS[i % 8], label=str(c))
                   for i, c in enumerate(curves) if c is not None]
        fixed = " · ".join(f"{column_label(k)} = {v}" for k, v in (where or {}).items())
        fig.suptitle(f"{column_label(y)} vs {column_label(x)}" + (f", by {column_label(by)}" if by else "")
                     + (f"\n{fixed}" if fixed else "") + "  (band: 95% interval)", fontsize=7.5)
        if handles:
            fig.legend(handles=handles, title=column_label(by), loc="outside right upper", frameon=False)
    return fig
