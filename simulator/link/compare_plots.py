"""Link figures that compare methods or study axes on one axis: semantic equalisers against
SNR and against K (``equalizers_vs_snr``, ``equalizers_vs_anchors``) and the values of one
study axis (``compare_<axis>``); drawn by :func:`semcom.simulator.link.plots.link_figures`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.lines import Line2D

from ..figures.plot_rows import LINK_FACETS, below_chance_notes, k_independent, mean_accuracy, sorted_values
from ..figures.plotting import (
    SNR_LABEL,
    MARKERS,
    MIN_POINTS,
    colors,
    draw_panels,
    log2_axis,
    plot_curve,
    reference_line,
    snr_axis,
)
from ..figures.style import FigureStyle

__all__ = ["plot_equalizers_vs_snr", "plot_equalizers_vs_anchors", "plot_compare", "COMPARED_AXES"]


def plot_equalizers_vs_snr(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """Accuracy vs SNR at the largest K, a curve per semantic equaliser; a panel per link."""
    if not rows or len({float(r["snr_db"]) for r in rows}) < MIN_POINTS:
        return []
    k_max = max(int(r["num_anchors"]) for r in rows)
    rows = [r for r in rows if int(r["num_anchors"]) == k_max]
    eqs = sorted_values(rows, "semantic_equalizer")
    color = colors(eqs)

    def panel(ax, prs):
        for i, eq in enumerate(eqs):
            crs = [r for r in prs if r["semantic_equalizer"] == eq]
            if crs:
                plot_curve(ax, crs, "snr_db", color[eq], marker=MARKERS[i % 8])
        snr_axis(ax, [float(r["snr_db"]) for r in rows])

    handles = [Line2D([], [], color=color[e], marker=MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    return draw_panels(
        style,
        rows,
        out_dir,
        "equalizers_vs_snr",
        (*LINK_FACETS, "anchor_selection"),
        3,
        panel,
        handles,
        SNR_LABEL,
        shown=("snr_db",),
        headline="Accuracy vs SNR, by semantic equaliser",
        notes=below_chance_notes(rows, style),
    )


#: Study axes a ``compare_<axis>`` figure puts on one axis (scheme includes its bits).
COMPARED_AXES = ("scheme", "channel", "rx_model")  # anchor strategies: accuracy_vs_anchors


_AXIS_NAMES = {"rx_model": "receiver", "scheme": "scheme", "channel": "channel"}


def _scheme_label(r: dict) -> str:
    return str(r.get("scheme")) + (f", {r['bits']} bits" if r.get("bits") not in (None, "") else "")


def plot_compare(rows: list[dict], out_dir: Path, axis: str, style: FigureStyle) -> list[Path]:
    """The values of one study ``axis`` on one axis: accuracy vs SNR at the largest K (or
    vs K at the highest SNR when there are fewer than 3 SNR points), a curve per value;
    a panel per semantic equaliser; the other axes of the study at their first value."""
    label = _scheme_label if axis == "scheme" else (lambda r: str(r.get(axis)))
    values = list(dict.fromkeys(label(r) for r in rows))
    if len(values) < 2:
        return []
    others = [k for k in ("tx_model", "rx_model", "channel", "scheme", "anchor_selection") if k != axis]
    if axis == "scheme":
        others = [k for k in others if k != "bits"]
    first = {k: sorted_values(rows, k)[0] for k in others}
    rows = [r for r in rows if all(r.get(k) == v for k, v in first.items())]
    by_snr = len({float(r["snr_db"]) for r in rows}) >= MIN_POINTS
    if by_snr:
        k_max = max(int(r["num_anchors"]) for r in rows)
        rows, x_key, xlabel = [r for r in rows if int(r["num_anchors"]) == k_max], "snr_db", SNR_LABEL
    else:
        if len({r["num_anchors"] for r in rows}) < MIN_POINTS:
            return []
        top = max(float(r["snr_db"]) for r in rows)
        rows, x_key, xlabel = (
            [r for r in rows if float(r["snr_db"]) == top],
            "num_anchors",
            "number of anchors K",
        )
    color = colors(values)
    xs = [float(r[x_key]) for r in rows]

    def panel(ax, prs):
        for i, v in enumerate(values):
            crs = [r for r in prs if label(r) == v]
            if not crs:
                continue
            if x_key == "num_anchors" and k_independent(crs):
                reference_line(ax, mean_accuracy(crs), color[v], "-", v)
            else:
                plot_curve(ax, crs, x_key, color[v], marker=MARKERS[i % 8])
        (snr_axis if by_snr else log2_axis)(ax, xs)

    handles = [Line2D([], [], color=color[v], marker=MARKERS[i % 8], label=v) for i, v in enumerate(values)]
    shown = (axis, "bits", x_key) if axis == "scheme" else (axis, x_key)
    return draw_panels(
        style,
        rows,
        out_dir,
        f"compare_{axis}",
        ("semantic_equalizer",),
        3,
        panel,
        handles,
        xlabel,
        shown=shown,
        headline=f"Accuracy by {_AXIS_NAMES.get(axis, axis)}",
        native_colors=color if axis == "rx_model" else None,
        notes=below_chance_notes(rows, style),
    )


def anchor_axis_panel(key: str, values: list[str], color: dict[str, Any], all_ks: list[float]):
    """A panel of accuracy vs K (log2 axis over ``all_ks``), a curve per value of ``key``;
    a value whose rows do not depend on K (an equaliser without anchors) is a horizontal line."""

    def panel(ax, prs):
        for i, value in enumerate(values):
            crs = [r for r in prs if r[key] == value]
            if not crs:
                continue
            if k_independent(crs):
                reference_line(ax, mean_accuracy(crs), color[value], "-", value)
            else:
                plot_curve(ax, crs, "num_anchors", color[value], marker=MARKERS[i % 8])
        log2_axis(ax, all_ks)

    return panel


def plot_equalizers_vs_anchors(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """Accuracy vs K, a curve per semantic equaliser (equalisers that do not use anchors
    are horizontal lines); a panel per link and SNR, at three SNR points of the sweep (its
    quartiles: low, middle and high SNR)."""
    snrs = sorted({float(r["snr_db"]) for r in rows})
    if not rows or len(snrs) < 2 or len({r["num_anchors"] for r in rows}) < MIN_POINTS:
        return []
    picked = sorted({snrs[round(q * (len(snrs) - 1))] for q in (0.25, 0.5, 0.75)})
    rows = [r for r in rows if float(r["snr_db"]) in picked]
    eqs = sorted_values(rows, "semantic_equalizer")
    color = colors(eqs)
    all_ks = [float(r["num_anchors"]) for r in rows]

    panel = anchor_axis_panel("semantic_equalizer", eqs, color, all_ks)
    handles = [Line2D([], [], color=color[e], marker=MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    return draw_panels(
        style,
        rows,
        out_dir,
        "equalizers_vs_anchors",
        (*LINK_FACETS, "anchor_selection", "snr_db"),
        len(picked),
        panel,
        handles,
        "number of anchors K",
        shown=("num_anchors",),
        headline="Accuracy vs K, by semantic equaliser",
        notes=below_chance_notes(rows, style),
    )
