"""The link-level figures, paper-ready, from result rows (never from a re-run).

Every figure is written as PNG (300 dpi) and PDF at print size: the scenario's
``figure: {width: single|double}`` gives 3.5 in (one IEEE column) or 7.16 in (both),
with 7-8 pt text. Each figure tells one story: the things it compares share one axis
(panels share both axes); on the rate axis a method whose rate does not depend on K
(``none``, ``aligned``: the absolute latent) is a point at its own rate, against K a
method that does not use the anchors is a horizontal line; the region below chance is
hatched; line styles mean SNR levels and nothing else (the receiver's native accuracy is a
wide pale solid line); one legend sits under the panels, outside the data; the subtitle
names what is held fixed (channel, scheme, K, SNR) and says why a curve lies below chance.
Ticks sit at simulated points. Figures draw results.csv's
points (:func:`~semcom.simulator.link.points.point_rows`): each the mean over its
replicates; every other axis of the study is a panel, a curve or the x axis, never
silently averaged. The band around a curve is the point's 95% t-interval over
replicates, or, with one replicate, the 95% Wilson interval of its test decisions
(the legend says which).
A figure whose x axis would have fewer than 3 points is not drawn (the rate axis: fewer than
2 rates, with a notice in the run's output saying why).

Figures (each drawn when the study varies what it shows):

* ``rate_accuracy``: accuracy vs complex channel uses per sample; a colour per
  semantic equaliser, a line style per SNR (lowest, middle, highest); a panel per link.
* ``accuracy_vs_snr``: accuracy vs SNR, a curve per anchor count K; a panel per link
  and semantic equaliser.
* ``accuracy_vs_anchors``: accuracy vs K at the highest SNR, a curve per anchor
  selection strategy; a panel per link and semantic equaliser (with one strategy, only
  when no ``equalizers_vs_anchors`` shows accuracy vs K).
* ``equalizers_vs_snr``: accuracy vs SNR at the largest K, a curve per semantic equaliser;
  a panel per link.
* ``equalizers_vs_anchors``: accuracy vs K, a curve per semantic equaliser; a panel per
  link and SNR (low, middle and high SNR of the sweep).
* ``error_rates_vs_snr`` (digital studies): block and bit error rates vs SNR on a log
  axis, a colour per scheme, a panel per channel (:mod:`semcom.simulator.link.error_plots`).
* ``compare_<axis>``: accuracy vs SNR (or vs K with fewer than 3 SNR points) at the
  largest K (highest SNR), a curve per value of the compared study axis (``scheme``
  with its bits, ``channel``, ``rx_model``) on one axis; a panel per semantic equaliser.

Example::

    from semcom.simulator.kinds.plots import plot_run
    plot_run("runs/quickstart")        # every figure of the run, at its scenario's style

The scaffolding (print sizes, style, panels, legends, colours, the PNG + PDF writer) is
in :mod:`semcom.simulator.figures.plotting`; the comparisons (``equalizers_vs_*``, ``compare_*``) in
:mod:`semcom.simulator.link.compare_plots`; :func:`link_figures` draws every figure above.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.lines import Line2D

from semcom.channels.capacity import capacity_function

from ..figures.plot_rows import (LINK_FACETS, accuracy_curve, below_chance_notes, is_e2e, k_independent, no_setup,
                                 rate_independent, snr_levels, sorted_values)
from ..figures.plotting import (SNR_LABEL, LINESTYLES, MARKERS, MIN_POINTS, colors, draw_panels, log2_axis,
                                not_drawn, plot_curve, snr_axis)
from ..figures.style import FigureStyle
from .error_plots import plot_error_rates
from .compare_plots import (COMPARED_AXES, anchor_axis_panel, plot_compare, plot_equalizers_vs_anchors,
                            plot_equalizers_vs_snr)

__all__ = ["link_figures", "plot_rate_accuracy", "plot_accuracy_vs_snr", "plot_accuracy_vs_anchors",
           "shannon_references"]


def shannon_references(scenario: dict) -> dict[str, Callable]:
    """``{channel name: snr_db -> capacity [bit/use]}`` of the channels of a run's scenario (as
    a mapping, read back from a folder: malformed entries are skipped); empty when it names no
    model with a known capacity."""
    channels = scenario.get("channels")
    out = {}
    for name, ch in (channels.items() if isinstance(channels, dict) else ()):
        ch = dict(ch) if isinstance(ch, dict) else {}
        fn = capacity_function(str(ch.pop("model", "awgn")), **ch)
        if fn is not None:
            out[name] = fn
    return out


def _shannon_rows(rows: list[dict], shannon: dict | None) -> list[dict]:
    """Copies of digital rows placed at the fewest channel uses that carry their bits at capacity."""
    out = []
    for r in rows:
        fn = (shannon or {}).get(r.get("channel"))
        if fn is None or r.get("bits_per_sample") in (None, ""):
            continue
        out.append({**r, "channel_uses": float(r["bits_per_sample"]) / float(fn(float(r["snr_db"])))})
    return out


def plot_rate_accuracy(rows: list[dict], out_dir: Path, style: FigureStyle,
                       shannon: dict | None = None) -> list[Path]:
    """Accuracy vs complex channel uses per sample (the rate is set by K): a colour per
    semantic equaliser, a line style per SNR (lowest, middle, highest), a panel per link
    (and per anchor strategy when the study compares them), all panels on one axis.
    Equalisers that send the absolute latent use the same rate for every K: each is a point
    at its own rate with its interval (:func:`own_rate_point`), not a line over every rate.

    Digital studies also get the Shannon reference when ``shannon`` (``{channel name:
    snr_db -> capacity}``, see :func:`shannon_references`) knows the channel: the same
    accuracies drawn (thin, pale) at ``bits_per_sample / capacity(snr)``, the fewest
    channel uses that could carry the same bits at that SNR.

    End-to-end (``jscc``) rows have no receiver, anchors or equaliser of their own: their
    curves (one per jscc scheme, i.e. per training SNR) join every panel of their
    transmitter and channel."""
    rates = {float(r["channel_uses"]) for r in rows}
    if len(rates) < 2:
        return not_drawn("rate_accuracy", f"every point has one rate ({rates.pop():g} channel uses per sample); "
                         "sweep two or more numbers of anchors K (or jscc channel-use counts)")
    e2e = [r for r in rows if is_e2e(r)]
    base = [r for r in rows if not is_e2e(r)]
    eqs = sorted_values(base, "semantic_equalizer")
    e2e_schemes = sorted_values(e2e, "scheme")
    e2e_label = {s: f"{s} (jscc)" for s in e2e_schemes}
    names = eqs + list(e2e_label.values())
    color = colors(names)
    markers = {c: MARKERS[i % 8] for i, c in enumerate(names)}
    snrs = snr_levels(rows)
    dash = {s: LINESTYLES[i % 4] for i, s in enumerate(reversed(snrs))}
    all_uses = [float(r["channel_uses"]) for r in rows]

    def panel(ax, prs):
        for eq in eqs:
            for snr in snrs:
                crs = [r for r in prs if r["semantic_equalizer"] == eq and float(r["snr_db"]) == snr]
                if not crs:
                    continue
                if rate_independent(crs):
                    own_rate_point(ax, crs, color[eq], dash[snr], markers[eq], eq)
                else:
                    plot_curve(ax, crs, "channel_uses", color[eq], dash[snr], markers[eq])
                ref = _shannon_rows(crs, shannon)
                if ref:
                    x, y, _, _ = accuracy_curve(ref, "channel_uses")
                    ax.plot(x, y, ls=dash[snr], color=color[eq], lw=0.8, alpha=0.45, zorder=2)
        link = (prs[0]["tx_model"], prs[0]["channel"])
        joined = [r for r in (prs if not base else e2e) if (r["tx_model"], r["channel"]) == link]
        for scheme in e2e_schemes:
            for snr in snrs:
                crs = [r for r in joined if r["scheme"] == scheme and float(r["snr_db"]) == snr]
                if crs:
                    label = e2e_label[scheme]
                    plot_curve(ax, crs, "channel_uses", color[label], dash[snr], markers[label])
        log2_axis(ax, all_uses)

    def label(e):
        own = [r for r in base if r["semantic_equalizer"] == e]
        if not rate_independent(own):
            return e
        if no_setup(own):
            return f"{e} (own rate, any K)"
        k_max = max(float(r["num_anchors"]) for r in own)
        return f"{e} (own rate; {k_max:g} pilot pairs)"

    handles = [Line2D([], [], color=color[e], marker=markers[e], label=label(e),
                      ls="none" if rate_independent([r for r in base if r["semantic_equalizer"] == e]) else "-")
               for e in eqs]
    handles += [Line2D([], [], color=color[e], marker=markers[e], label=e) for e in e2e_label.values()]
    styles = [Line2D([], [], color="0.3", ls=dash[s], label=f"SNR {s:g} dB") for s in reversed(snrs)]
    if _shannon_rows(rows, shannon):
        handles.append(Line2D([], [], color="0.3", lw=0.8, alpha=0.45, label="Shannon reference (same bits)"))
    return draw_panels(style, base or e2e, out_dir, "rate_accuracy", (*LINK_FACETS, "anchor_selection"), 3, panel,
                       handles, "complex channel uses per sample", styles=styles if len(snrs) > 1 else None,
                       shown=("num_anchors", "snr_db") if len(snrs) > 1 else ("num_anchors",),
                       headline="Rate vs accuracy, by semantic equaliser", notes=below_chance_notes(base, style))


def own_rate_point(ax, rows: list[dict], color, ls: str, marker: str, name: str) -> None:
    """A method whose rate does not depend on K (the absolute latent: ``none``, ``aligned``) at
    its own rate: one marker with its 95% interval as an error bar (in the SNR level's line
    style), at its accuracy over its replicate K units, or with the most pilots for a
    pilot-fitted map (:func:`~semcom.simulator.figures.plot_rows.reference_accuracy`)."""
    if not no_setup(rows):
        k_max = max(float(r["num_anchors"]) for r in rows)
        rows = [r for r in rows if float(r["num_anchors"]) == k_max]
    x, y, lo, hi = accuracy_curve(rows, "channel_uses")
    bars = ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt=marker, color=color, capsize=2, zorder=4, elinewidth=1.0)
    bars.lines[0].set_gid(f"own_rate:{name}")
    for line in bars.lines[2]:
        line.set_linestyle(ls)


def plot_accuracy_vs_snr(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """Accuracy vs SNR, a curve per anchor count K (per channel-use count n for jscc rows);
    a panel per link and semantic equaliser. An equaliser that does not use anchors is one
    curve ("any K")."""
    if len({float(r["snr_db"]) for r in rows}) < MIN_POINTS:
        return []

    def size(r):
        return f"n = {float(r['channel_uses']):g}" if is_e2e(r) else f"K = {r['num_anchors']}"

    ks = list(dict.fromkeys(size(r) for r in sorted(rows, key=lambda r: (is_e2e(r), float(
        r["channel_uses"]) if is_e2e(r) else float(r["num_anchors"])))))
    color = colors(ks, sequential=True)

    def panel(ax, prs):
        if not is_e2e(prs[0]) and k_independent(prs):
            k_max = max(float(r["num_anchors"]) for r in prs)
            plot_curve(ax, [r for r in prs if float(r["num_anchors"]) == k_max], "snr_db", "0.35", marker="o")
        else:
            for i, k in enumerate(ks):
                crs = [r for r in prs if size(r) == k]
                if crs:
                    plot_curve(ax, crs, "snr_db", color[k], marker=MARKERS[i % 8])
        snr_axis(ax, [float(r["snr_db"]) for r in rows])

    handles = [Line2D([], [], color=color[k], marker=MARKERS[i % 8], label=k) for i, k in enumerate(ks)]
    if any(k_independent([r for r in rows if r["semantic_equalizer"] == e and not is_e2e(r)])
           for e in sorted_values(rows, "semantic_equalizer")):
        handles.append(Line2D([], [], color="0.35", marker="o", label="any K (no anchors)"))
    ncols = len(sorted_values(rows, "semantic_equalizer"))
    return draw_panels(style, rows, out_dir, "accuracy_vs_snr",
                       (*LINK_FACETS, "anchor_selection", "semantic_equalizer"), min(3, max(ncols, 1)), panel,
                       handles, SNR_LABEL, shown=("num_anchors", "snr_db"),
                       headline="Accuracy vs SNR, by number of anchors K", notes=below_chance_notes(rows, style))


def plot_accuracy_vs_anchors(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """Accuracy vs K at the highest SNR, a curve per anchor selection strategy; a panel
    per link and semantic equaliser. Equalisers that do not use anchors are horizontal lines.
    Drawn when the study compares strategies, or, with one strategy, when no other figure
    shows accuracy against K (one semantic equaliser: no ``equalizers_vs_anchors``)."""
    if not rows or len({r["num_anchors"] for r in rows}) < MIN_POINTS:
        return []
    one = len({r.get("anchor_selection") for r in rows}) == 1
    if one and len({r["semantic_equalizer"] for r in rows}) > 1:
        return []      # equalizers_vs_anchors shows accuracy vs K; one strategy is no comparison
    top = max(float(r["snr_db"]) for r in rows)
    rows = [r for r in rows if float(r["snr_db"]) == top]
    strategies = sorted_values(rows, "anchor_selection")
    color = colors(strategies)
    all_ks = [float(r["num_anchors"]) for r in rows]

    panel = anchor_axis_panel("anchor_selection", strategies, color, all_ks)
    handles = [Line2D([], [], color=color[s], marker=MARKERS[i % 8], label=f"{s} anchors")
               for i, s in enumerate(strategies)]
    ncols = len(sorted_values(rows, "semantic_equalizer"))
    return draw_panels(style, rows, out_dir, "accuracy_vs_anchors", (*LINK_FACETS, "semantic_equalizer"),
                       min(3, max(ncols, 1)), panel, handles, "number of anchors K",
                       shown=("num_anchors", "anchor_selection"),
                       headline="Accuracy vs K" if one else "Accuracy vs K, by anchor selection",
                       notes=below_chance_notes(rows, style))


def link_figures(rows: list[dict[str, Any]], out_dir: str | Path, style: FigureStyle,
                 shannon: dict | None = None) -> list[Path]:
    """Every link figure the study's axes support from its point rows (results.csv), at
    ``style``; returns the PNG paths. ``shannon``: see :func:`plot_rate_accuracy`
    (:func:`shannon_references` of the run's scenario)."""
    out_dir = Path(out_dir)
    if not rows:
        return []
    paths = plot_rate_accuracy(rows, out_dir, style, shannon)
    paths += plot_accuracy_vs_snr(rows, out_dir, style)
    anchored = [r for r in rows if not is_e2e(r)]   # the K axes do not apply to jscc rows
    if len({r["semantic_equalizer"] for r in anchored}) > 1:
        paths += plot_equalizers_vs_snr(anchored, out_dir, style)
        paths += plot_equalizers_vs_anchors(anchored, out_dir, style)
    paths += plot_accuracy_vs_anchors(anchored, out_dir, style)
    for axis in COMPARED_AXES:
        paths += plot_compare(anchored, out_dir, axis, style)
    paths += plot_error_rates(anchored, out_dir, style)
    return [p for p in paths if p.suffix == ".png"]
