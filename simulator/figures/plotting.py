"""Figure scaffolding every kind's figures share: print sizes and style, panels and pages,
axes (accuracy, SNR, log2), legends, colours, and the atomic PNG + PDF writer; what the
figures read from the rows is :mod:`semcom.simulator.figures.plot_rows`.

Every figure is written as PNG (300 dpi) and PDF at print size: the scenario's
``figure: {width: single|double}`` gives 3.5 in (one IEEE column) or 7.16 in (both),
with 7-8 pt text, and the region below the chance accuracy hatched: a run's
:class:`~semcom.simulator.figures.style.FigureStyle`, which every function that sizes a
figure or draws the chance line takes explicitly. The link figures
(:mod:`semcom.simulator.link.plots`) are drawn with :func:`draw_panels`; the network, system
and stitching figures use the pieces below directly. Importing this module picks the Agg
backend only in a headless session that chose none.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib

# Never override a backend the user chose (notebook inline, an IDE, MPLBACKEND); only a
# headless session without one falls back to Agg, so figures can still be written.
if "MPLBACKEND" not in os.environ and not os.environ.get("DISPLAY") and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from semcom.core.io import atomic_path  # noqa: E402

from .plot_rows import (  # noqa: E402
    LINK_FACETS,
    legend_columns,
    panel_facets,
    wrapped_notes,
    accuracy_curve,
    band_note,
    group_rows,
    is_number,
    link_title,
    subtitle,
    varying_keys,
)
from .style import FIGURE_WIDTHS, METHOD_COLORS, FigureStyle  # noqa: E402

__all__ = ["FIGURE_WIDTHS", "FigureStyle", "MIN_POINTS", "RC_STYLE", "SNR_LABEL", "LINESTYLES", "MARKERS", "PANEL_W",
           "PANEL_H",
           "save_figure", "new_figure", "accuracy_axis", "log2_axis", "snr_axis", "reference_line", "draw_panels",
           "FigureNotDrawn", "not_drawn", "NATIVE_STYLE",
           "colors", "plot_curve"]

#: Fewer points than this on an x axis is no curve: the figure is not drawn.
MIN_POINTS = 3

#: matplotlib settings of every figure (``plt.rc_context(RC_STYLE)``): 7-8 pt text, light grid.
RC_STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7.5,
            "xtick.labelsize": 7, "ytick.labelsize": 7, "axes.grid": True, "grid.alpha": 0.3,
            "grid.linewidth": 0.5, "lines.linewidth": 1.3, "lines.markersize": 3.5, "figure.dpi": 100,
            "axes.spines.top": False, "axes.spines.right": False, "pdf.fonttype": 42}
class FigureNotDrawn(UserWarning):
    """A standard figure the study's axes cannot support (one line: which and why)."""


def not_drawn(name: str, why: str) -> list:
    """Say in the run's output why figure ``name`` is not drawn; returns no paths."""
    import warnings  # lazy: only where a figure is skipped

    warnings.warn(f"figure {name} not drawn: {why}", FigureNotDrawn, stacklevel=2)
    return []


#: The SNR axis label: Unicode subscripts, not mathtext (an oblique font more to embed in every PDF).
SNR_LABEL = "SNR  Eₛ/N₀ [dB]"
#: Line styles and markers, in the order curves take them.
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: The largest panel [in] (width, height).
PANEL_W, PANEL_H = 3.2, 2.4
_MAX_PANELS = 12          # more panels go on further pages: name_p2, name_p3, ...


# -- figure scaffolding -------------------------------------------------------------------

def save_figure(fig, out_dir: Path, name: str) -> list[Path]:
    """Write PNG and PDF atomically (a killed run never leaves a half-written figure), at the
    figure's own size: the constrained layout keeps every label inside it, so a tight bounding
    box (a third drawing of the figure) is not needed and the printed width is exact. The
    layout is computed once, for the PNG, and kept for the PDF; the PNG is compressed at zlib
    level 1 (a quarter of its writing time, files about 10% larger)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, kw in (("png", {"dpi": 300, "pil_kwargs": {"compress_level": 1}}), ("pdf", {})):
        path = out_dir / f"{name}.{ext}"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=ext, **kw)
        fig.set_layout_engine("none")       # the layout the PNG drew: the PDF keeps it
        paths.append(path)
    plt.close(fig)
    return paths


def new_figure(style: FigureStyle, n: int, ncols: int, share: bool = False):
    """``n`` panels at the printed width of ``style``: at most 1 column on a single-column
    figure, 3 on a double-column one; ``share``: one x and one y axis for every panel."""
    width = style.width
    ncols = max(1, min(ncols, n, 1 if width < 5 else 3))
    nrows = (n + ncols - 1) // ncols
    panel_h = min(PANEL_H, 0.72 * width / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_h * nrows + 0.9), squeeze=False,
                             layout="constrained", sharex=share, sharey=share)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


#: The receiver's native accuracy: a wide pale solid line (dashes and dots mean SNR levels).
NATIVE_STYLE = {"lw": 2.4, "alpha": 0.3, "ls": "-", "solid_capstyle": "butt"}


def _native(ax, rows, native_colors: dict | None = None) -> bool:
    """The receiver's native accuracy (its own encoder and head, no channel): one line for a
    panel of one receiver; a panel that compares receivers gets one per receiver in its
    colour (``native_colors``), never a mean over receivers."""
    by_rx: dict = {}
    for r in rows:
        if is_number(r.get("native_accuracy")):
            by_rx.setdefault(r.get("rx_model"), []).append(float(r["native_accuracy"]))
    if len(by_rx) > 1 and not native_colors:
        return False
    for rx, vals in by_rx.items():
        color = (native_colors or {}).get(str(rx), "0.25")
        ax.axhline(float(np.mean(vals)), color=color, zorder=1, gid="native", **NATIVE_STYLE)
    return bool(by_rx)


def accuracy_axis(ax) -> None:
    """The y axis of top-1 accuracy, 0 to 1."""
    ax.set_ylabel("top-1 accuracy")
    ax.set_ylim(0, 1.02)


def log2_axis(ax, xs: Iterable[float]) -> None:
    """A log2 x axis with a tick at every value of ``xs`` (when there are several)."""
    xs = sorted({float(x) for x in xs if x and x > 0})
    if len(xs) > 1:
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs)
        ax.set_xticklabels([_tidy(x) for x in xs])
        ax.minorticks_off()


def _tidy(x: float) -> str:
    """A tick label: 9.33333 reads 9.3, 18.6667 reads 19, 64 reads 64."""
    return f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def snr_axis(ax, snrs: Iterable[float]) -> None:
    """Ticks at the simulated SNR points (every other one when there are many)."""
    snrs = sorted({float(s) for s in snrs})
    step = max(1, math.ceil(len(snrs) / 8))
    ax.set_xticks(snrs[::step])
    ax.set_xticklabels([f"{s:g}" for s in snrs[::step]])
    ax.minorticks_off()


def _pages(panels: dict, name: str, ncols: int) -> list[tuple[str, dict]]:
    """Split panels into pages of whole rows, at most :data:`_MAX_PANELS` panels each."""
    items = list(panels.items())
    size = max(1, min(ncols, len(items))) * max(1, _MAX_PANELS // max(1, min(ncols, len(items))))
    if len(items) <= size:
        return [(name, panels)]
    return [(name if i == 0 else f"{name}_p{i // size + 1}", dict(items[i:i + size]))
            for i in range(0, len(items), size)]


def _legend(fig, style: FigureStyle, handles: list, note: str, native: bool | str, styles: list | None = None) -> None:
    """One legend under the panels, outside the data: what is compared (colour), the SNR levels
    (line style, grey), the reference lines and the band; as many columns as fit the width."""
    handles = list(handles) + list(styles or [])
    if native:
        handles.append(Line2D([], [], color="0.25", label=native if isinstance(native, str) else
                              "receiver alone (native)", **NATIVE_STYLE))
    if style.chance is not None:
        handles.append(Patch(facecolor="none", edgecolor="0.6", hatch="/////", lw=0,
                             label=f"below chance ({style.chance:.2g})"))
    handles.append(Patch(facecolor="0.6", alpha=0.3, label=note))
    ncol = legend_columns(fig.get_size_inches()[0], [h.get_label() for h in handles])
    width, height = fig.get_size_inches()
    extra_rows = max(0, math.ceil(len(handles) / ncol) - 3)      # a long legend takes its own height
    fig.set_size_inches(width, height + 0.16 * extra_rows)
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, frameon=False,
               handlelength=2.2, columnspacing=1.2)


def _chance_line(ax, style: FigureStyle) -> None:
    """Chance: the region below it hatched (no line: dots mean an SNR level)."""
    if style.chance is not None:
        ax.axhspan(0, style.chance, facecolor="none", edgecolor="0.8", hatch="/////", lw=0, zorder=0,
                   gid="chance")


def reference_line(ax, y: float, color, ls="-", name: str = "") -> None:
    """A method that does not depend on the x axis: one horizontal line across the panel."""
    ax.axhline(y, color=color, ls=ls, lw=1.1, alpha=0.9, zorder=2, gid=f"k_independent:{name}")


def _label_bottom(axes: list, xlabel: str) -> None:
    """Shared x axes: the label and tick labels go under the lowest panel of each column
    only (a panel with no visible panel below it), so labels never run into the panel
    underneath."""
    below = set()
    for ax in axes:
        spec = ax.get_subplotspec()
        below.add((spec.rowspan.start, spec.colspan.start))
    for ax in axes:
        spec = ax.get_subplotspec()
        if (spec.rowspan.stop, spec.colspan.start) not in below:
            ax.set_xlabel(xlabel)
            ax.xaxis.set_tick_params(labelbottom=True)


def draw_panels(style: FigureStyle, rows: list[dict], out_dir: Path, name: str, panel_keys: tuple[str, ...],
                ncols: int, draw_panel: Callable[[Any, list[dict]], None], handles: list, xlabel: str,
                styles: list | None = None, shown: Iterable[str] = (), headline: str = "",
                native_colors: dict | None = None, notes: Iterable[str] = ()) -> list[Path]:
    """One figure (or pages of figures) at ``style``: a panel per value of ``panel_keys``, every
    panel on the same x and y axes, drawn by ``draw_panel(ax, rows)``; ``handles``: the colour
    legend; ``styles``: the line-style legend; ``shown``: keys the figure itself varies (left
    out of the subtitle); ``native_colors``: a native line per receiver in these colours (panels
    that compare receivers); ``notes``: lines of text under the title (what a reader must know
    to read a curve, such as why one lies below chance)."""
    varying = varying_keys(rows, panel_keys)
    panels = group_rows(rows, varying) if varying else {(): rows}
    fixed = subtitle(rows, (*varying, *shown))
    paths = []
    with plt.rc_context(RC_STYLE):
        for page_name, page in _pages(panels, name, ncols):
            fig, axes = new_figure(style, len(page), ncols, share=True)
            native = False
            for ax, (key, prs) in zip(axes, page.items()):
                draw_panel(ax, prs)
                native = _native(ax, prs, native_colors) or native
                _chance_line(ax, style)
                accuracy_axis(ax)
                ax.set_title(link_title(panel_facets(prs, dict(zip(varying, key))),
                                        tuple(k for k in varying if k in LINK_FACETS)))
            _label_bottom(axes, xlabel)
            text = (headline + "\n" if headline else "") + fixed
            if notes:      # each line of notes adds its height to the figure's
                wrapped = wrapped_notes(notes, style.width)
                text += "\n" + wrapped
                fig.set_size_inches(style.width, fig.get_size_inches()[1] + 0.13 * (wrapped.count("\n") + 1))
            fig.suptitle(text, fontsize=7.5)
            _legend(fig, style, handles, band_note(rows), native and (native_colors is None or
                    "each receiver alone (native), in its colour"), styles)
            paths += save_figure(fig, out_dir, page_name)
    return paths


def colors(values: list, sequential: bool = False) -> dict:
    """Colour per value: a registered method keeps its colour
    (:data:`~semcom.simulator.figures.style.METHOD_COLORS`) in every figure of every study;
    other values (named receivers, schemes) and a second method on a shared slot take the
    slots no value of this figure uses, so up to 9 curves never share one. ``sequential``:
    a viridis ramp (ordered values such as K)."""
    if sequential:
        cmap = plt.get_cmap("viridis")
        n = len(values)
        return {v: cmap(0.85 * i / max(1, n - 1)) for i, v in enumerate(values)}
    cmap = plt.get_cmap("tab10")
    index: dict = {}
    for v in values:
        slot = METHOD_COLORS.get(v) if isinstance(v, str) else None
        if slot is not None and slot not in index.values():
            index[v] = slot
    slots = [i for i in range(10) if i != 7] + [7]      # grey last: it is the reference lines' colour
    free = [i for i in slots if i not in index.values()]
    for j, v in enumerate(v for v in values if v not in index):
        index[v] = free[j % len(free)] if free else j % 10
    return {v: cmap(index[v]) for v in values}


def plot_curve(ax, rows, x_key, color, ls="-", marker="o", label=None) -> None:
    """The mean accuracy against ``x_key`` with its 95% band (:func:`~.plot_rows.accuracy_curve`)."""
    x, y, lo, hi = accuracy_curve(rows, x_key)
    if len(x) == 0:
        return
    ax.plot(x, y, ls=ls, marker=marker, color=color, label=label, zorder=3)
    ax.fill_between(x, lo, hi, color=color, alpha=0.15, lw=0, zorder=2)
