"""Paper-ready plots from result rows (never from a re-run).

Every figure is written as PNG (300 dpi) and PDF at print size: the scenario's
``figure: {width: single|double}`` gives 3.5 in (one IEEE column) or 7.16 in (both),
with 7-8 pt text. Each figure tells one story: the things it compares share one axis
(panels share both axes), methods that do not depend on K (``none``, ``aligned``) are
horizontal reference lines, a dotted line marks chance, colour (what is compared) and
line style (SNR) have separate legends, and the subtitle names what is held fixed
(channel, scheme, K, SNR). Ticks sit at simulated points. Points average over seeds
only; every other axis of the study is a panel, a curve or the x axis, never silently
averaged. The band around a curve is the 95% t-interval of the mean over seeds when
there are several, else the 95% Wilson interval of the accuracy (the legend says which).
A figure whose x axis would have fewer than 3 points is not drawn.

Figures (each drawn when the study varies what it shows):

* ``rate_accuracy``: accuracy vs complex channel uses per sample; a colour per
  semantic equaliser, a line style per SNR (lowest, middle, highest); a panel per link.
* ``accuracy_vs_snr``: accuracy vs SNR, a curve per anchor count K; a panel per link
  and semantic equaliser.
* ``accuracy_vs_anchors``: accuracy vs K at the highest SNR, a curve per anchor
  selection strategy; a panel per link and semantic equaliser.
* ``equalizers_vs_snr``: accuracy vs SNR at the largest K, a curve per semantic equaliser;
  a panel per link.
* ``equalizers_vs_anchors``: accuracy vs K, a curve per semantic equaliser; a panel per
  link and SNR (low, middle and high SNR of the sweep).
* ``compare_<axis>``: accuracy vs SNR (or vs K with fewer than 3 SNR points) at the
  largest K (highest SNR), a curve per value of the compared study axis (``scheme``
  with its bits, ``channel``, ``rx_model``) on one axis; a panel per semantic equaliser.

Example::

    from semcom.simulator.plots import plot_all
    from semcom.simulator.store import read_rows
    plot_all(read_rows("runs/quickstart"), "runs/quickstart/plots")
"""

from __future__ import annotations

import math
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable

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

__all__ = ["plot_all", "plot_rate_accuracy", "plot_accuracy_vs_snr", "plot_accuracy_vs_anchors",
           "plot_equalizers_vs_snr", "plot_equalizers_vs_anchors", "plot_compare", "FIGURE_WIDTHS", "figure_settings"]

#: Printed figure widths [in]: one IEEE/ACM column, or both columns.
FIGURE_WIDTHS = {"single": 3.5, "double": 7.16}
#: Settings of the figures being drawn (set by :func:`plot_all` from the run's scenario).
_FIG: dict[str, Any] = {"width": FIGURE_WIDTHS["double"], "chance": None}
#: Datasets with 10 equally likely classes (the chance line sits at 1/10).
_TEN_CLASSES = {"digits", "mnist", "cifar10", "synthetic"}
#: Fewer points than this on an x axis is no curve: the figure is not drawn.
MIN_POINTS = 3

_STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7.5,
          "xtick.labelsize": 7, "ytick.labelsize": 7, "axes.grid": True, "grid.alpha": 0.3,
          "grid.linewidth": 0.5, "lines.linewidth": 1.3, "lines.markersize": 3.5, "figure.dpi": 100,
          "axes.spines.top": False, "axes.spines.right": False, "pdf.fonttype": 42}
_LINESTYLES = ["-", "--", ":", "-."]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
_PANEL_W, _PANEL_H = 3.2, 2.4
_MAX_PANELS = 12          # more panels go on further pages: name_p2, name_p3, ...
#: the facets that tell one link apart from another
_LINK = ("tx_model", "rx_model", "channel", "scheme", "bits")


# -- data ---------------------------------------------------------------------------------

def _is_e2e(row: dict) -> bool:
    """A row of an end-to-end (jscc) unit: no anchors, no semantic equaliser."""
    return row.get("semantic_equalizer") == "jscc"


def _values(rows: Iterable[dict], key: str) -> list:
    vals = {r.get(key) for r in rows}
    return sorted(vals, key=lambda v: (v is None, _num(v) if _isnum(v) else str(v)))


def _isnum(v: Any) -> bool:
    try:
        float(v)
        return v is not None and v != ""
    except (TypeError, ValueError):
        return False


def _num(v: Any) -> float:
    return float(v)


def _group(rows: Iterable[dict], keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        out[tuple(r.get(k) for k in keys)].append(r)
    return dict(sorted(out.items(), key=lambda kv: tuple((_num(x) if _isnum(x) else math.inf, str(x))
                                                          for x in kv[0])))


def _varying(rows: list[dict], keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(k for k in keys if len({r.get(k) for r in rows}) > 1)


def _curve(rows: list[dict], x_key: str) -> tuple[np.ndarray, ...]:
    """x, mean accuracy over seeds, band low, band high (95% t-interval of the mean over
    seeds, or the Wilson interval with one seed)."""
    from scipy.stats import t as student_t

    xs, mean, lo, hi = [], [], [], []
    for (x,), rs in _group(rows, (x_key,)).items():
        acc = np.array([float(r["accuracy"]) for r in rs])
        xs.append(float(x))
        mean.append(acc.mean())
        if len({r.get("seed") for r in rs}) > 1:
            half = student_t.ppf(0.975, len(acc) - 1) * acc.std(ddof=1) / math.sqrt(len(acc))
            lo.append(max(0.0, acc.mean() - half))
            hi.append(min(1.0, acc.mean() + half))
        else:
            lo.append(float(np.mean([float(r["accuracy_low"]) for r in rs])))
            hi.append(float(np.mean([float(r["accuracy_high"]) for r in rs])))
    return np.array(xs), np.array(mean), np.array(lo), np.array(hi)


def _band_note(rows: list[dict]) -> str:
    seeds = {r.get("seed") for r in rows}
    return (f"band: 95% t-interval over {len(seeds)} seeds" if len(seeds) > 1
            else "band: 95% Wilson interval")


def _link_title(key: dict[str, Any], varying: tuple[str, ...]) -> str:
    parts = []
    if "tx_model" in varying or "rx_model" in varying or not varying:
        parts.append(f"{key.get('tx_model')} → {key.get('rx_model')}")
    if "channel" in varying:
        parts.append(str(key.get("channel")))
    if "bits" in varying:
        parts.append(f"{key.get('bits')} bits" if key.get("bits") not in (None, "") else "unquantised")
    if "scheme" in varying:
        parts.append(str(key.get("scheme")))
    for k in ("semantic_equalizer", "anchor_selection", "num_anchors", "snr_db"):
        if k in key and key[k] not in (None, ""):   # jscc rows have no anchors
            parts.append(f"K = {key[k]}" if k == "num_anchors" else f"{float(key[k]):g} dB" if k == "snr_db" else str(key[k]))
    return ", ".join(parts)


# -- figure scaffolding -------------------------------------------------------------------

def _save(fig, out_dir: Path, name: str) -> list[Path]:
    """Write PNG and PDF atomically (a killed run never leaves a half-written figure)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, kw in (("png", {"dpi": 300}), ("pdf", {})):
        path = out_dir / f"{name}.{ext}"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=ext, bbox_inches="tight", pad_inches=0.03, **kw)
        paths.append(path)
    plt.close(fig)
    return paths


def _figure(n: int, ncols: int, share: bool = False):
    """``n`` panels at the printed width (:data:`_FIG`): at most 1 column on a single-column
    figure, 3 on a double-column one; ``share``: one x and one y axis for every panel."""
    width = _FIG["width"]
    ncols = max(1, min(ncols, n, 1 if width < 5 else 3))
    nrows = (n + ncols - 1) // ncols
    panel_h = min(_PANEL_H, 0.72 * width / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, panel_h * nrows + 0.9), squeeze=False,
                             layout="constrained", sharex=share, sharey=share)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _native(ax, rows) -> bool:
    vals = [float(r["native_accuracy"]) for r in rows if _isnum(r.get("native_accuracy"))]
    if vals:
        ax.axhline(float(np.mean(vals)), color="0.25", lw=0.8, ls=(0, (4, 2)), zorder=1, gid="native")
    return bool(vals)


def _accuracy_axis(ax) -> None:
    ax.set_ylabel("top-1 accuracy")
    ax.set_ylim(0, 1.02)


def _log2_axis(ax, xs: Iterable[float]) -> None:
    xs = sorted({float(x) for x in xs if x and x > 0})
    if len(xs) > 1:
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs)
        ax.set_xticklabels([_tidy(x) for x in xs])
        ax.minorticks_off()


def _tidy(x: float) -> str:
    """A tick label: 9.33333 reads 9.3, 18.6667 reads 19, 64 reads 64."""
    return f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def _snr_axis(ax, snrs: Iterable[float]) -> None:
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


def _legend(fig, handles: list, note: str, native: bool, styles: list | None = None, first_ax=None) -> None:
    """Colour legend (what is compared, and the reference lines) under the panels; the
    line-style legend (SNR) apart, inside the first panel, so the two never mix."""
    handles = list(handles)
    if native:
        handles.append(Line2D([], [], color="0.25", lw=0.8, ls=(0, (4, 2)), label="receiver alone (native)"))
    if _FIG["chance"] is not None:
        handles.append(Line2D([], [], color="0.5", lw=0.8, ls=":", label=f"chance ({_FIG['chance']:.2g})"))
    handles.append(Patch(facecolor="0.6", alpha=0.3, label=note))
    width = fig.get_size_inches()[0]
    ncol = max(2, min(len(handles), 4, int(width / 1.6)))
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, frameon=False,
               handlelength=2.2, columnspacing=1.2)
    if styles and first_ax is not None:
        first_ax.legend(handles=styles, title="SNR", loc="best", frameon=True, framealpha=0.85,
                        fontsize=7, title_fontsize=7, handlelength=2.2, borderpad=0.3)


def _subtitle(rows: list[dict], shown: Iterable[str]) -> str:
    """What the whole figure holds fixed: channel, scheme, K, SNR, anchors (those that do not vary)."""
    shown = set(shown)
    parts = []
    for key, fmt in (("channel", "{} channel"), ("scheme", "{}"), ("bits", "{} bits"),
                     ("anchor_selection", "{} anchors"), ("num_anchors", "K = {}"), ("snr_db", "{:g} dB")):
        vals = {r.get(key) for r in rows}
        if key in shown or len(vals) != 1:
            continue
        (v,) = vals
        if v in (None, ""):
            continue
        parts.append(fmt.format(float(v) if key == "snr_db" else v))
    seeds = len({r.get("seed") for r in rows})
    parts.append(f"{seeds} seed{'s' * (seeds > 1)}")
    return " · ".join(parts)


def _chance_line(ax) -> None:
    if _FIG["chance"] is not None:
        ax.axhline(_FIG["chance"], color="0.5", lw=0.8, ls=":", zorder=1, gid="chance")


def _reference_line(ax, y: float, color, ls="-", name: str = "") -> None:
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


def _draw(rows: list[dict], out_dir: Path, name: str, panel_keys: tuple[str, ...], ncols: int,
          draw_panel: Callable[[Any, list[dict]], None], handles: list, xlabel: str,
          styles: list | None = None, shown: Iterable[str] = (), headline: str = "") -> list[Path]:
    """One figure (or pages of figures): a panel per value of ``panel_keys``, every panel
    on the same x and y axes; ``shown``: keys the figure itself varies (left out of the subtitle)."""
    varying = _varying(rows, panel_keys)
    panels = _group(rows, varying) if varying else {(): rows}
    subtitle = _subtitle(rows, (*varying, *shown))
    paths = []
    with plt.rc_context(_STYLE):
        for page_name, page in _pages(panels, name, ncols):
            fig, axes = _figure(len(page), ncols, share=True)
            native = False
            for ax, (key, prs) in zip(axes, page.items()):
                draw_panel(ax, prs)
                native = _native(ax, prs) or native
                _chance_line(ax)
                _accuracy_axis(ax)
                title = _link_title({**{k: prs[0].get(k) for k in _LINK}, **dict(zip(varying, key))},
                                    tuple(k for k in varying if k in _LINK))
                ax.set_title(title)
            _label_bottom(axes, xlabel)
            fig.suptitle((headline + "\n" if headline else "") + subtitle, fontsize=7.5)
            _legend(fig, handles, _band_note(rows), native, styles, axes[0])
            paths += _save(fig, out_dir, page_name)
    return paths


def _colors(values: list, sequential: bool = False, universe: list | None = None) -> dict:
    """Colour per value; with ``universe`` (all registered names) a name keeps its colour
    in every figure of every study."""
    if sequential:
        cmap = plt.get_cmap("viridis")
        n = len(values)
        return {v: cmap(0.85 * i / max(1, n - 1)) for i, v in enumerate(values)}
    cmap = plt.get_cmap("tab10")
    universe = list(universe or [])
    # registered names keep their colour in every study; other values (named receivers)
    # take the colours no value of this plot uses, so up to 10 curves never share one
    colors = {v: universe.index(v) % 10 for v in values if v in universe}
    free = [i for i in range(10) if i not in colors.values()]
    for j, v in enumerate(v for v in values if v not in universe):
        colors[v] = free[j] if j < len(free) else (len(universe) + j) % 10
    return {v: cmap(i) for v, i in colors.items()}


def _registered(kind: str) -> list[str]:
    try:
        if kind == "semantic_equalizer":
            from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS
            return SEMANTIC_EQUALIZERS.names()
        from semcom.transceivers.anchors import ANCHOR_STRATEGIES
        return ANCHOR_STRATEGIES.names()
    except ImportError:  # pragma: no cover - plots work from a store alone
        return []


def _plot_curve(ax, rows, x_key, color, ls="-", marker="o", label=None) -> None:
    x, y, lo, hi = _curve(rows, x_key)
    if len(x) == 0:
        return
    ax.plot(x, y, ls=ls, marker=marker, color=color, label=label, zorder=3)
    ax.fill_between(x, lo, hi, color=color, alpha=0.15, lw=0, zorder=2)


# -- the figures --------------------------------------------------------------------------

def _snr_levels(rows: list[dict]) -> list[float]:
    snrs = sorted({float(r["snr_db"]) for r in rows})
    picks = [snrs[0], snrs[len(snrs) // 2], snrs[-1]] if len(snrs) > 2 else snrs
    return list(dict.fromkeys(picks))


def shannon_references(out_dir: str | Path) -> dict[str, Callable]:
    """``{channel name: snr_db -> capacity [bit/use]}`` from the run's ``scenario.yaml``
    (the directory above ``out_dir``); empty when it is missing or names no known model."""
    import yaml
    from semcom.channels.capacity import capacity_function

    path = Path(out_dir).parent / "scenario.yaml"
    try:
        spec = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out = {}
    for name, ch in (spec.get("channels") or {}).items():
        ch = dict(ch or {})
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


def _rate_independent(rows: list[dict]) -> bool:
    """Rows of one method whose per-sample message does not depend on K (same rate for every K)."""
    return len({r["num_anchors"] for r in rows}) > 1 and len({float(r["channel_uses"]) for r in rows}) == 1


def _no_setup(rows: list[dict]) -> bool:
    """No once-per-link cost (``aligned`` sends its K anchor pairs as semantic pilots)."""
    return all(not _isnum(r.get("setup_channel_uses")) or not _num(r["setup_channel_uses"]) for r in rows)


def _k_independent(rows: list[dict]) -> bool:
    """Rows of one method that does not use the anchors at all (``none``): its K units are
    replicate noise draws of one set-up. ``aligned`` is not: its map is fitted on K pilots."""
    return _rate_independent(rows) and _no_setup(rows)


def _mean_accuracy(rows: list[dict]) -> float:
    return float(np.mean([float(r["accuracy"]) for r in rows]))


def _reference_accuracy(rows: list[dict]) -> float:
    """Level of a rate-independent method's reference line: the mean over its replicate K
    units, or, when K sets its pilots, its accuracy with the most pilots."""
    if _no_setup(rows):
        return _mean_accuracy(rows)
    k_max = max(_num(r["num_anchors"]) for r in rows)
    return _mean_accuracy([r for r in rows if _num(r["num_anchors"]) == k_max])


def plot_rate_accuracy(rows: list[dict], out_dir: Path, shannon: dict | None = None) -> list[Path]:
    """Accuracy vs complex channel uses per sample (the rate is set by K): a colour per
    semantic equaliser, a line style per SNR (lowest, middle, highest), a panel per link
    (and per anchor strategy when the study compares them), all panels on one axis.
    Equalisers that send the absolute latent use the same rate for every K: they are
    horizontal reference lines (their accuracy at that SNR), not a column of markers.

    Digital studies also get the Shannon reference when ``shannon`` (``{channel name:
    snr_db -> capacity}``, see :func:`shannon_references`) knows the channel: the same
    accuracies drawn (thin, pale) at ``bits_per_sample / capacity(snr)``, the fewest
    channel uses that could carry the same bits at that SNR.

    End-to-end (``jscc``) rows have no receiver, anchors or equaliser of their own: their
    curves (one per jscc scheme, i.e. per training SNR) join every panel of their
    transmitter and channel."""
    if len({float(r["channel_uses"]) for r in rows}) < MIN_POINTS:
        return []
    e2e = [r for r in rows if _is_e2e(r)]
    base = [r for r in rows if not _is_e2e(r)]
    eqs = _values(base, "semantic_equalizer")
    e2e_schemes = _values(e2e, "scheme")
    e2e_label = {s: f"{s} (jscc)" for s in e2e_schemes}
    names = eqs + list(e2e_label.values())
    color = _colors(names, universe=_registered("semantic_equalizer"))
    markers = {c: _MARKERS[i % 8] for i, c in enumerate(names)}
    snrs = _snr_levels(rows)
    style = {s: _LINESTYLES[i % 4] for i, s in enumerate(reversed(snrs))}
    all_uses = [float(r["channel_uses"]) for r in rows]

    def panel(ax, prs):
        for eq in eqs:
            for snr in snrs:
                crs = [r for r in prs if r["semantic_equalizer"] == eq and float(r["snr_db"]) == snr]
                if not crs:
                    continue
                if _rate_independent(crs):
                    _reference_line(ax, _reference_accuracy(crs), color[eq], style[snr], eq)
                else:
                    _plot_curve(ax, crs, "channel_uses", color[eq], style[snr], markers[eq])
                ref = _shannon_rows(crs, shannon)
                if ref:
                    x, y, _, _ = _curve(ref, "channel_uses")
                    ax.plot(x, y, ls=style[snr], color=color[eq], lw=0.8, alpha=0.45, zorder=2)
        link = (prs[0]["tx_model"], prs[0]["channel"])
        joined = [r for r in (prs if not base else e2e) if (r["tx_model"], r["channel"]) == link]
        for scheme in e2e_schemes:
            for snr in snrs:
                crs = [r for r in joined if r["scheme"] == scheme and float(r["snr_db"]) == snr]
                if crs:
                    label = e2e_label[scheme]
                    _plot_curve(ax, crs, "channel_uses", color[label], style[snr], markers[label])
        _log2_axis(ax, all_uses)

    def flat(e):   # drawn as a reference line: one rate for every K
        return _rate_independent([r for r in base if r["semantic_equalizer"] == e])

    def label(e):
        own = [r for r in base if r["semantic_equalizer"] == e]
        if not flat(e):
            return e
        return f"{e} (any K)" if _no_setup(own) else f"{e} ({max(_num(r['num_anchors']) for r in own):g} pilots)"

    handles = [Line2D([], [], color=color[e], marker=None if flat(e) else markers[e], label=label(e)) for e in eqs]
    handles += [Line2D([], [], color=color[e], marker=markers[e], label=e) for e in e2e_label.values()]
    styles = [Line2D([], [], color="0.3", ls=style[s], label=f"{s:g} dB") for s in reversed(snrs)]
    if _shannon_rows(rows, shannon):
        handles.append(Line2D([], [], color="0.3", lw=0.8, alpha=0.45, label="Shannon reference (same bits)"))
    return _draw(base or e2e, out_dir, "rate_accuracy", (*_LINK, "anchor_selection"), 3, panel, handles,
                 "complex channel uses per sample", styles=styles if len(snrs) > 1 else None,
                 shown=("num_anchors", "snr_db") if len(snrs) > 1 else ("num_anchors",),
                 headline="Rate vs accuracy, by semantic equaliser")


def plot_accuracy_vs_snr(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs SNR, a curve per anchor count K (per channel-use count n for jscc rows);
    a panel per link and semantic equaliser. An equaliser that does not use anchors is one
    curve ("any K")."""
    if len({float(r["snr_db"]) for r in rows}) < MIN_POINTS:
        return []

    def size(r):
        return f"n = {_num(r['channel_uses']):g}" if _is_e2e(r) else f"K = {r['num_anchors']}"

    ks = list(dict.fromkeys(size(r) for r in sorted(rows, key=lambda r: (_is_e2e(r), _num(
        r["channel_uses"]) if _is_e2e(r) else _num(r["num_anchors"])))))
    color = _colors(ks, sequential=True)

    def panel(ax, prs):
        if not _is_e2e(prs[0]) and _k_independent(prs):
            k_max = max(_num(r["num_anchors"]) for r in prs)
            _plot_curve(ax, [r for r in prs if _num(r["num_anchors"]) == k_max], "snr_db", "0.35", marker="o")
        else:
            for i, k in enumerate(ks):
                crs = [r for r in prs if size(r) == k]
                if crs:
                    _plot_curve(ax, crs, "snr_db", color[k], marker=_MARKERS[i % 8])
        _snr_axis(ax, [float(r["snr_db"]) for r in rows])

    handles = [Line2D([], [], color=color[k], marker=_MARKERS[i % 8], label=k) for i, k in enumerate(ks)]
    if any(_k_independent([r for r in rows if r["semantic_equalizer"] == e and not _is_e2e(r)])
           for e in _values(rows, "semantic_equalizer")):
        handles.append(Line2D([], [], color="0.35", marker="o", label="any K (no anchors)"))
    ncols = len(_values(rows, "semantic_equalizer"))
    return _draw(rows, out_dir, "accuracy_vs_snr", (*_LINK, "anchor_selection", "semantic_equalizer"),
                 min(3, max(ncols, 1)), panel, handles, "SNR  $E_s/N_0$ [dB]",
                 shown=("num_anchors", "snr_db"), headline="Accuracy vs SNR, by number of anchors K")


def plot_accuracy_vs_anchors(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs K at the highest SNR, a curve per anchor selection strategy; a panel
    per link and semantic equaliser. Equalisers that do not use anchors are horizontal lines."""
    if not rows or len({r["num_anchors"] for r in rows}) < MIN_POINTS:
        return []
    top = max(float(r["snr_db"]) for r in rows)
    rows = [r for r in rows if float(r["snr_db"]) == top]
    strategies = _values(rows, "anchor_selection")
    color = _colors(strategies, universe=_registered("anchor_selection"))
    all_ks = [float(r["num_anchors"]) for r in rows]

    def panel(ax, prs):
        for i, s in enumerate(strategies):
            crs = [r for r in prs if r["anchor_selection"] == s]
            if not crs:
                continue
            if _k_independent(crs):
                _reference_line(ax, _mean_accuracy(crs), color[s], "-", s)
            else:
                _plot_curve(ax, crs, "num_anchors", color[s], marker=_MARKERS[i % 8])
        _log2_axis(ax, all_ks)

    handles = [Line2D([], [], color=color[s], marker=_MARKERS[i % 8], label=f"{s} anchors")
               for i, s in enumerate(strategies)]
    ncols = len(_values(rows, "semantic_equalizer"))
    return _draw(rows, out_dir, "accuracy_vs_anchors", (*_LINK, "semantic_equalizer"),
                 min(3, max(ncols, 1)), panel, handles, "number of anchors K",
                 shown=("num_anchors", "anchor_selection"), headline="Accuracy vs K, by anchor selection")


def plot_equalizers_vs_snr(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs SNR at the largest K, a curve per semantic equaliser; a panel per link."""
    if not rows or len({float(r["snr_db"]) for r in rows}) < MIN_POINTS:
        return []
    k_max = max(int(r["num_anchors"]) for r in rows)
    rows = [r for r in rows if int(r["num_anchors"]) == k_max]
    eqs = _values(rows, "semantic_equalizer")
    color = _colors(eqs, universe=_registered("semantic_equalizer"))

    def panel(ax, prs):
        for i, eq in enumerate(eqs):
            crs = [r for r in prs if r["semantic_equalizer"] == eq]
            if crs:
                _plot_curve(ax, crs, "snr_db", color[eq], marker=_MARKERS[i % 8])
        _snr_axis(ax, [float(r["snr_db"]) for r in rows])

    handles = [Line2D([], [], color=color[e], marker=_MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    return _draw(rows, out_dir, "equalizers_vs_snr", (*_LINK, "anchor_selection"), 3, panel, handles,
                 "SNR  $E_s/N_0$ [dB]", shown=("snr_db",), headline="Accuracy vs SNR, by semantic equaliser")


#: Study axes a ``compare_<axis>`` figure puts on one axis (scheme includes its bits).
COMPARED_AXES = ("scheme", "channel", "rx_model")   # anchor strategies: accuracy_vs_anchors


def _scheme_label(r: dict) -> str:
    return str(r.get("scheme")) + (f", {r['bits']} bits" if r.get("bits") not in (None, "") else "")


def plot_compare(rows: list[dict], out_dir: Path, axis: str) -> list[Path]:
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
    first = {k: _values(rows, k)[0] for k in others}
    rows = [r for r in rows if all(r.get(k) == v for k, v in first.items())]
    by_snr = len({float(r["snr_db"]) for r in rows}) >= MIN_POINTS
    if by_snr:
        k_max = max(int(r["num_anchors"]) for r in rows)
        rows, x_key, xlabel = [r for r in rows if int(r["num_anchors"]) == k_max], "snr_db", "SNR  $E_s/N_0$ [dB]"
    else:
        if len({r["num_anchors"] for r in rows}) < MIN_POINTS:
            return []
        top = max(float(r["snr_db"]) for r in rows)
        rows, x_key, xlabel = [r for r in rows if float(r["snr_db"]) == top], "num_anchors", "number of anchors K"
    color = _colors(values)
    xs = [float(r[x_key]) for r in rows]

    def panel(ax, prs):
        for i, v in enumerate(values):
            crs = [r for r in prs if label(r) == v]
            if not crs:
                continue
            if x_key == "num_anchors" and _k_independent(crs):
                _reference_line(ax, _mean_accuracy(crs), color[v], "-", v)
            else:
                _plot_curve(ax, crs, x_key, color[v], marker=_MARKERS[i % 8])
        (_snr_axis if by_snr else _log2_axis)(ax, xs)

    handles = [Line2D([], [], color=color[v], marker=_MARKERS[i % 8], label=v) for i, v in enumerate(values)]
    shown = (axis, "bits", x_key) if axis == "scheme" else (axis, x_key)
    return _draw(rows, out_dir, f"compare_{axis}", ("semantic_equalizer",), 3, panel, handles, xlabel,
                 shown=shown, headline=f"Accuracy by {axis.replace('_', ' ')}")


def figure_settings(out_dir: str | Path) -> dict[str, Any]:
    """Width [in] and chance accuracy of the run whose ``plots/`` folder is ``out_dir``,
    from its ``scenario.yaml`` (double-column width and no chance line when unknown)."""
    import yaml

    try:
        spec = yaml.safe_load((Path(out_dir).parent / "scenario.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        spec = {}
    width = ((spec.get("figure") or {}).get("width")) or "double"
    dataset = (spec.get("data") or {}).get("dataset", "digits")
    return {"width": FIGURE_WIDTHS.get(width, FIGURE_WIDTHS["double"]),
            "chance": 0.1 if dataset in _TEN_CLASSES else None}


def plot_equalizers_vs_anchors(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs K, a curve per semantic equaliser (equalisers that do not use anchors
    are horizontal lines); a panel per link and SNR, at three SNR points of the sweep (its
    quartiles: low, middle and high SNR)."""
    snrs = sorted({float(r["snr_db"]) for r in rows})
    if not rows or len(snrs) < 2 or len({r["num_anchors"] for r in rows}) < MIN_POINTS:
        return []
    picked = sorted({snrs[round(q * (len(snrs) - 1))] for q in (0.25, 0.5, 0.75)})
    rows = [r for r in rows if float(r["snr_db"]) in picked]
    eqs = _values(rows, "semantic_equalizer")
    color = _colors(eqs, universe=_registered("semantic_equalizer"))
    all_ks = [float(r["num_anchors"]) for r in rows]

    def panel(ax, prs):
        for i, eq in enumerate(eqs):
            crs = [r for r in prs if r["semantic_equalizer"] == eq]
            if not crs:
                continue
            if _k_independent(crs):
                _reference_line(ax, _mean_accuracy(crs), color[eq], "-", eq)
            else:
                _plot_curve(ax, crs, "num_anchors", color[eq], marker=_MARKERS[i % 8])
        _log2_axis(ax, all_ks)

    handles = [Line2D([], [], color=color[e], marker=_MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    return _draw(rows, out_dir, "equalizers_vs_anchors", (*_LINK, "anchor_selection", "snr_db"), len(picked),
                 panel, handles, "number of anchors K", shown=("num_anchors",),
                 headline="Accuracy vs K, by semantic equaliser")


def plot_all(rows: list[dict[str, Any]], out_dir: str | Path, shannon: dict | None = None) -> list[Path]:
    """Every standard plot the study's axes support; returns the PNG paths.

    ``shannon``: see :func:`plot_rate_accuracy`; by default read from the run's scenario."""
    out_dir = Path(out_dir)
    if not rows:
        return []
    saved = dict(_FIG)
    _FIG.update(figure_settings(out_dir))
    try:
        if "goodput" in rows[0]:          # a network study (simulator.network)
            from .network.plots import plot_network_dir
            return plot_network_dir(rows, out_dir)
        if "condition" in rows[0]:        # a stitching table (simulator.stitch)
            from .stitch import plot_stitching
            return plot_stitching(rows, out_dir)
        if shannon is None:
            shannon = shannon_references(out_dir)
        paths = plot_rate_accuracy(rows, out_dir, shannon)
        paths += plot_accuracy_vs_snr(rows, out_dir)
        anchored = [r for r in rows if not _is_e2e(r)]   # the K axes do not apply to jscc rows
        if len({r["semantic_equalizer"] for r in anchored}) > 1:
            paths += plot_equalizers_vs_snr(anchored, out_dir)
            paths += plot_equalizers_vs_anchors(anchored, out_dir)
        paths += plot_accuracy_vs_anchors(anchored, out_dir)
        for axis in COMPARED_AXES:
            paths += plot_compare(anchored, out_dir, axis)
        return [p for p in paths if p.suffix == ".png"]
    finally:
        _FIG.clear()
        _FIG.update(saved)
