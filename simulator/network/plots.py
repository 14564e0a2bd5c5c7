"""Paper-quality plots of a network study (PNG 300 dpi + PDF), from stored rows only.

Same style as the link-level figures (scaffolding: :mod:`semcom.simulator.figures.plotting`). Points
average over seeds; the band is the range over seeds when there are several. A panel per
scheduler (and per semantic equaliser / channel / bits when the study varies them).

* ``network_goodput_vs_load``: semantic goodput (correct decisions/s) vs offered
  traffic (messages/s, all transmitters), a curve per K; the dotted diagonal is the
  offered traffic (every message delivered and understood).
* ``network_latency_p95_vs_load``: p95 latency vs offered traffic, a curve per K (log y);
  the dotted line is one slot (the transmission time).
* ``network_accuracy_vs_latency``: accuracy vs p95 latency, a curve per offered
  traffic joining the K values (marker per K): what more anchors buy and cost.
* ``network_alignment_cost``: per-pair fits and semantic-pilot channel uses vs the
  number of agents, ``relative`` vs ``aligned``, hub and spoke vs full mesh.

Example::

    from semcom.simulator.figures.style import FigureStyle
    from semcom.simulator.network.plots import plot_network
    from semcom.simulator.results.store import read_rows
    plot_network(read_rows("runs/network_edge"), [], "runs/network_edge/plots", FigureStyle(width=3.5))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ..figures.plot_rows import is_number
from ..figures.plotting import MARKERS, PANEL_H, PANEL_W, RC_STYLE, new_figure, plt, save_figure
from ..figures.style import FigureStyle

__all__ = ["plot_network", "plot_network_dir"]

_FACETS = ("scheduler", "semantic_equalizer", "channel", "bits", "anchor_selection")
_SCHEDULER_LABEL = {
    "round_robin": "round robin",
    "proportional_fair": "proportional fair",
    "slotted_aloha": "slotted ALOHA",
}


def _f(v) -> float:
    return float(v) if is_number(v) else np.nan


def _sorted_values(rows: Iterable[dict], key: str) -> list:
    vals = {r.get(key) for r in rows}
    return sorted(vals, key=lambda v: (not is_number(v), _f(v) if is_number(v) else 0.0, str(v)))


def _panels(rows: list[dict]) -> tuple[tuple[str, ...], dict[tuple, list[dict]]]:
    varying = tuple(k for k in _FACETS if len({r.get(k) for r in rows}) > 1 or k == "scheduler")
    panels: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        panels[tuple(r.get(k) for k in varying)].append(r)
    order = {k: _sorted_values(rows, k) for k in varying}
    keys = sorted(panels, key=lambda key: tuple(order[k].index(v) for k, v in zip(varying, key)))
    return varying, {k: panels[k] for k in keys}


def _title(varying: tuple[str, ...], key: tuple) -> str:
    parts = []
    for k, v in zip(varying, key):
        if k == "scheduler":
            parts.append(_SCHEDULER_LABEL.get(v, str(v)))
        elif k == "bits":
            parts.append(f"{v} bits" if v not in (None, "") else "unquantised")
        else:
            parts.append(str(v))
    return ", ".join(parts)


def _curve(rows: list[dict], x_key: str, y_key: str, scale: float = 1.0):
    """x, mean y over seeds, min, max."""
    by_x: dict[float, list[float]] = defaultdict(list)
    for r in rows:
        if is_number(r.get(x_key)) and is_number(r.get(y_key)):
            by_x[float(r[x_key])].append(float(r[y_key]) * scale)
    xs = sorted(by_x)
    ys = [np.array(by_x[x]) for x in xs]
    return (
        np.array(xs),
        np.array([y.mean() for y in ys]),
        np.array([y.min() for y in ys]),
        np.array([y.max() for y in ys]),
    )


def _colors(n: int) -> list:
    cmap = plt.get_cmap("viridis")
    return [cmap(0.1 + 0.75 * i / max(1, n - 1)) for i in range(n)]


def _legend_below(fig, handles, ncol: int | None = None) -> None:
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol or min(len(handles), 5), frameon=False)


def _per_k_figure(
    rows: list[dict],
    y_key: str,
    ylabel: str,
    name: str,
    out: Path,
    style: FigureStyle,
    scale: float = 1.0,
    log_y: bool = False,
    diagonal: bool = False,
    slot_line: bool = False,
) -> list[Path]:
    varying, panels = _panels(rows)
    ks = _sorted_values(rows, "num_anchors")
    colors = dict(zip(ks, _colors(len(ks))))
    seeds = len({r.get("seed") for r in rows})
    with plt.rc_context(RC_STYLE):
        fig, axes = new_figure(style, len(panels), min(3, len(panels)))
        for ax, (key, prow) in zip(axes, panels.items()):
            for i, k in enumerate(ks):
                krows = [r for r in prow if r.get("num_anchors") == k]
                x, y, lo, hi = _curve(krows, "offered_traffic", y_key, scale)
                if not len(x):
                    continue
                ax.plot(x, y, color=colors[k], marker=MARKERS[i % len(MARKERS)], label=f"K = {k}")
                if seeds > 1:
                    ax.fill_between(x, lo, hi, color=colors[k], alpha=0.18, lw=0)
            if diagonal:
                x = np.array(sorted({_f(r["offered_traffic"]) for r in prow}))
                ax.plot(x, x, color="0.35", lw=0.8, ls=":", zorder=1)
            if slot_line:
                ax.axhline(_f(prow[0]["slot_duration"]) * scale, color="0.35", lw=0.8, ls=":", zorder=1)
            ax.set_title(_title(varying, key))
            ax.set_xlabel("offered traffic [messages/s]")
            ax.set_ylabel(ylabel)
            if log_y:
                ax.set_yscale("log")
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
            else:
                ax.set_ylim(bottom=0)
            ax.set_xlim(left=0)
        handles = [
            Line2D([], [], color=colors[k], marker=MARKERS[i % len(MARKERS)], label=f"K = {k}")
            for i, k in enumerate(ks)
        ]
        if diagonal:
            handles.append(Line2D([], [], color="0.35", lw=0.8, ls=":", label="offered (all understood)"))
        if slot_line:
            handles.append(Line2D([], [], color="0.35", lw=0.8, ls=":", label="one slot (transmission time)"))
        if seeds > 1:
            handles.append(Patch(color="0.6", alpha=0.3, label=f"range over {seeds} seeds"))
        _legend_below(fig, handles)
        return save_figure(fig, out, name)


def _accuracy_vs_latency(rows: list[dict], out: Path, style: FigureStyle) -> list[Path]:
    varying, panels = _panels(rows)
    ks = _sorted_values(rows, "num_anchors")
    loads = _sorted_values(rows, "offered_traffic")
    if len(loads) > 4:  # lowest, two in between, highest: readable
        loads = [loads[i] for i in sorted({round(j * (len(loads) - 1) / 3) for j in range(4)})]
    colors = dict(zip(loads, plt.get_cmap("plasma")(np.linspace(0.05, 0.8, len(loads)))))
    with plt.rc_context(RC_STYLE):
        fig, axes = new_figure(style, len(panels), min(3, len(panels)))
        for ax, (key, prow) in zip(axes, panels.items()):
            for load in loads:
                lrows = [r for r in prow if r.get("offered_traffic") == load]
                pts = []
                for i, k in enumerate(ks):
                    krows = [r for r in lrows if r.get("num_anchors") == k]
                    lat = [_f(r.get("latency_p95")) * 1e3 for r in krows]
                    acc = [_f(r.get("accuracy")) for r in krows]
                    if krows and np.isfinite(lat).all() and np.isfinite(acc).all():
                        pts.append((np.mean(lat), np.mean(acc), i))
                if not pts:
                    continue
                ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colors[load], lw=1.0)
                for lx, ly, i in pts:
                    ax.plot(lx, ly, color=colors[load], marker=MARKERS[i % len(MARKERS)], ls="none")
            lat = [_f(r.get("latency_p95")) for r in prow if is_number(r.get("latency_p95"))]
            if lat and max(lat) > 5 * min(lat):  # log only where latency spans decades
                ax.set_xscale("log")
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
            ax.set_title(_title(varying, key))
            ax.set_xlabel("p95 latency [ms]")
            ax.set_ylabel("top-1 accuracy")
        handles = [
            Line2D([], [], color="0.3", marker=MARKERS[i % len(MARKERS)], ls="none", label=f"K = {k}")
            for i, k in enumerate(ks)
        ]
        handles += [Line2D([], [], color=colors[load], label=f"{_f(load):g} msg/s") for load in loads]
        _legend_below(fig, handles, ncol=min(len(handles), 6))
        return save_figure(fig, out, "network_accuracy_vs_latency")


def _alignment(rows: list[dict], out: Path) -> list[Path]:
    if not rows:
        return []
    k = max(int(_f(r["num_anchors"])) for r in rows)
    rows = [r for r in rows if int(_f(r["num_anchors"])) == k]
    eqs = _sorted_values(rows, "semantic_equalizer")
    colors = dict(zip(eqs, plt.get_cmap("tab10")(np.arange(len(eqs)))))
    styles = {"hub_and_spoke": "-", "full_mesh": "--"}
    with plt.rc_context(RC_STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(2 * PANEL_W, PANEL_H + 0.5), layout="constrained")
        for ax, col, label in (
            (axes[0], "fits", "per-pair fitted maps"),
            (axes[1], "pilot_channel_uses", "semantic-pilot channel uses"),
        ):
            for eq in eqs:
                for topo, ls in styles.items():
                    pts = sorted(
                        (_f(r["num_agents"]), _f(r[col]))
                        for r in rows
                        if r["semantic_equalizer"] == eq and r["topology"] == topo
                    )
                    if pts:
                        ax.plot(*zip(*pts), color=colors[eq], ls=ls, marker="o", ms=2.5)
            ax.set_xscale("log", base=2)
            ax.set_yscale("symlog", linthresh=1)
            ax.set_xlabel("number of agents N")
            ax.set_ylabel(label)
            ax.set_ylim(bottom=-0.3)
        handles = [Line2D([], [], color=colors[eq], label=eq) for eq in eqs]
        handles += [
            Line2D([], [], color="0.3", ls=ls, label=topo.replace("_", " ")) for topo, ls in styles.items()
        ]
        fig.suptitle(f"Alignment cost before the first message (K = {k})", fontsize=8)
        _legend_below(fig, handles)
        return save_figure(fig, out, "network_alignment_cost")


def plot_network(
    rows: list[dict], alignment_rows: list[dict], out_dir: str | Path, style: FigureStyle
) -> list[Path]:
    """Draw every network figure the rows support at ``style``; returns the PNG paths."""
    out = Path(out_dir)
    paths: list[Path] = []
    if rows:
        paths += _per_k_figure(
            rows,
            "goodput",
            "semantic goodput [correct/s]",
            "network_goodput_vs_load",
            out,
            style,
            diagonal=True,
        )
        paths += _per_k_figure(
            rows,
            "latency_p95",
            "p95 latency [ms]",
            "network_latency_p95_vs_load",
            out,
            style,
            scale=1e3,
            log_y=True,
            slot_line=True,
        )
        paths += _accuracy_vs_latency(rows, out, style)
    paths += _alignment(alignment_rows, out)
    return [p for p in paths if p.suffix == ".png"]


def plot_network_dir(rows: list[dict], plots_dir: str | Path, style: FigureStyle) -> list[Path]:
    """:func:`plot_network` for a run directory's ``plots/`` folder (alignment cost read
    from the run's ``alignment_cost.csv`` when there is one)."""
    import csv

    plots_dir = Path(plots_dir)
    table = plots_dir.parent / "alignment_cost.csv"
    alignment_rows = []
    if table.is_file():
        with open(table, newline="") as f:
            alignment_rows = list(csv.DictReader(f))
    return plot_network(rows, alignment_rows, plots_dir, style)
