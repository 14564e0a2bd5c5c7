"""Paper-ready plots from result rows (never from a re-run).

Every figure is written as PNG (300 dpi) and PDF, sized for a two-column paper
(panels about 3.2 x 2.4 in, 8-9 pt text), with one shared legend under the panels.
Points average over seeds only; every other axis of the study is a panel, a curve or
the x axis, never silently averaged. The band around a curve is the range over seeds
when there are several, else the 95% Wilson interval of the accuracy.

Figures (each drawn when the study varies what it shows):

* ``rate_accuracy``: accuracy vs complex channel uses per sample; a colour per
  semantic equaliser, a line style per SNR (lowest, middle, highest); a panel per link.
* ``accuracy_vs_snr``: accuracy vs SNR, a curve per anchor count K; a panel per link
  and semantic equaliser.
* ``accuracy_vs_anchors``: accuracy vs K at the highest SNR, a curve per anchor
  selection strategy; a panel per link and semantic equaliser.
* ``equalizers_vs_snr``: accuracy vs SNR at the largest K, a curve per semantic equaliser;
  a panel per link.

Example::

    from semcom.simulator.plots import plot_all
    from semcom.simulator.store import read_rows
    plot_all(read_rows("runs/quickstart"), "runs/quickstart/plots")
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

__all__ = ["plot_all", "plot_rate_accuracy", "plot_accuracy_vs_snr", "plot_accuracy_vs_anchors",
           "plot_equalizers_vs_snr"]

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
    """x, mean accuracy over seeds, band low, band high (range over seeds, or Wilson with one)."""
    xs, mean, lo, hi = [], [], [], []
    for (x,), rs in _group(rows, (x_key,)).items():
        acc = np.array([float(r["accuracy"]) for r in rs])
        xs.append(float(x))
        mean.append(acc.mean())
        if len({r.get("seed") for r in rs}) > 1:
            lo.append(acc.min())
            hi.append(acc.max())
        else:
            lo.append(float(np.mean([float(r["accuracy_low"]) for r in rs])))
            hi.append(float(np.mean([float(r["accuracy_high"]) for r in rs])))
    return np.array(xs), np.array(mean), np.array(lo), np.array(hi)


def _band_note(rows: list[dict]) -> str:
    seeds = {r.get("seed") for r in rows}
    return f"band: range over {len(seeds)} seeds" if len(seeds) > 1 else "band: 95% Wilson interval"


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
    for k in ("semantic_equalizer", "anchor_selection", "num_anchors"):
        if k in key:
            parts.append(f"K = {key[k]}" if k == "num_anchors" else str(key[k]))
    return ", ".join(parts)


# -- figure scaffolding -------------------------------------------------------------------

def _save(fig, out_dir: Path, name: str) -> list[Path]:
    """Write PNG and PDF atomically (a killed run never leaves a half-written figure)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, kw in (("png", {"dpi": 300}), ("pdf", {})):
        path = out_dir / f"{name}.{ext}"
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=f".{ext}")
        os.close(fd)
        try:
            fig.savefig(tmp, format=ext, bbox_inches="tight", pad_inches=0.03, **kw)
            os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; give the usual file mode
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        paths.append(path)
    plt.close(fig)
    return paths


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _figure(n: int, ncols: int):
    ncols = max(1, min(ncols, n))
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(_PANEL_W * ncols, _PANEL_H * nrows + 0.35),
                             squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _native(ax, rows) -> bool:
    vals = [float(r["native_accuracy"]) for r in rows if _isnum(r.get("native_accuracy"))]
    if vals:
        ax.axhline(float(np.mean(vals)), color="0.25", lw=0.8, ls=(0, (4, 2)), zorder=1)
    return bool(vals)


def _accuracy_axis(ax) -> None:
    ax.set_ylabel("top-1 accuracy")
    ax.set_ylim(0, 1.02)


def _log2_axis(ax, xs: Iterable[float]) -> None:
    xs = sorted({float(x) for x in xs if x and x > 0})
    if len(xs) > 1:
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs)
        ax.set_xticklabels([f"{x:g}" for x in xs])
        ax.minorticks_off()


def _pages(panels: dict, name: str, ncols: int) -> list[tuple[str, dict]]:
    """Split panels into pages of whole rows, at most :data:`_MAX_PANELS` panels each."""
    items = list(panels.items())
    size = max(1, min(ncols, len(items))) * max(1, _MAX_PANELS // max(1, min(ncols, len(items))))
    if len(items) <= size:
        return [(name, panels)]
    return [(name if i == 0 else f"{name}_p{i // size + 1}", dict(items[i:i + size]))
            for i in range(0, len(items), size)]


def _legend(fig, handles: list, note: str, native: bool) -> None:
    handles = list(handles)
    if native:
        handles.append(Line2D([], [], color="0.25", lw=0.8, ls=(0, (4, 2)), label="receiver alone (native)"))
    handles.append(Patch(facecolor="0.6", alpha=0.3, label=note))
    width = fig.get_size_inches()[0]
    ncol = max(2, min(len(handles), 5, int(width / 1.55)))
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, frameon=False,
               handlelength=2.2, columnspacing=1.2)


def _draw(rows: list[dict], out_dir: Path, name: str, panel_keys: tuple[str, ...], ncols: int,
          draw_panel: Callable[[Any, list[dict]], None], handles: list, xlabel: str) -> list[Path]:
    """One figure (or pages of figures): a panel per value of ``panel_keys``."""
    varying = _varying(rows, panel_keys)
    panels = _group(rows, varying) if varying else {(): rows}
    paths = []
    with plt.rc_context(_STYLE):
        for page_name, page in _pages(panels, name, ncols):
            fig, axes = _figure(len(page), ncols)
            native = False
            for ax, (key, prs) in zip(axes, page.items()):
                draw_panel(ax, prs)
                native = _native(ax, prs) or native
                _accuracy_axis(ax)
                ax.set_xlabel(xlabel)
                title = _link_title({**{k: prs[0].get(k) for k in _LINK}, **dict(zip(varying, key))},
                                    tuple(k for k in varying if k in _LINK))
                ax.set_title(title)
            _legend(fig, handles, _band_note(rows), native)
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
    order = list(universe or []) + [v for v in values if v not in (universe or [])]
    return {v: cmap(order.index(v) % 10) for v in values}


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


def plot_rate_accuracy(rows: list[dict], out_dir: Path, shannon: dict | None = None) -> list[Path]:
    """Accuracy vs complex channel uses per sample (the rate is set by K): a colour per
    semantic equaliser, a line style per SNR (lowest, middle, highest), a panel per link
    (and per anchor strategy when the study compares them). Equalisers that send the
    absolute latent use the same rate for every K: they are drawn as markers.

    Digital studies also get the Shannon reference when ``shannon`` (``{channel name:
    snr_db -> capacity}``, see :func:`shannon_references`) knows the channel: the same
    accuracies drawn (thin, pale) at ``bits_per_sample / capacity(snr)``, the fewest
    channel uses that could carry the same bits at that SNR."""
    eqs = _values(rows, "semantic_equalizer")
    color = _colors(eqs, universe=_registered("semantic_equalizer"))
    snrs = _snr_levels(rows)
    style = {s: _LINESTYLES[i % 4] for i, s in enumerate(reversed(snrs))}

    def panel(ax, prs):
        for eq in eqs:
            for snr in snrs:
                crs = [r for r in prs if r["semantic_equalizer"] == eq and float(r["snr_db"]) == snr]
                if not crs:
                    continue
                if len({float(r["channel_uses"]) for r in crs}) == 1 and len({r["num_anchors"] for r in crs}) > 1:
                    # same rate for every K: one marker per K, no line
                    for _, krs in _group(crs, ("num_anchors",)).items():
                        x, y, lo, hi = _curve(krs, "channel_uses")
                        ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt=_MARKERS[eqs.index(eq) % 8],
                                    color=color[eq], ms=3, lw=0.8, capsize=1.5, alpha=0.8, zorder=3)
                else:
                    _plot_curve(ax, crs, "channel_uses", color[eq], style[snr], _MARKERS[eqs.index(eq) % 8])
                ref = _shannon_rows(crs, shannon)
                if ref:
                    x, y, _, _ = _curve(ref, "channel_uses")
                    ax.plot(x, y, ls=style[snr], color=color[eq], lw=0.8, alpha=0.45, zorder=2)
        _log2_axis(ax, [float(r["channel_uses"]) for r in prs])

    handles = [Line2D([], [], color=color[e], marker=_MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    if len(snrs) > 1:
        handles += [Line2D([], [], color="0.3", ls=style[s], label=f"{s:g} dB") for s in reversed(snrs)]
    else:
        handles.append(Line2D([], [], color="none", label=f"SNR {snrs[0]:g} dB"))
    if _shannon_rows(rows, shannon):
        handles.append(Line2D([], [], color="0.3", lw=0.8, alpha=0.45, label="Shannon reference (same bits)"))
    return _draw(rows, out_dir, "rate_accuracy", (*_LINK, "anchor_selection"), 3, panel, handles,
                 "channel uses per sample [complex symbols]")


def plot_accuracy_vs_snr(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs SNR, a curve per anchor count K; a panel per link and semantic equaliser."""
    ks = _values(rows, "num_anchors")
    color = _colors(ks, sequential=True)

    def panel(ax, prs):
        for i, k in enumerate(ks):
            crs = [r for r in prs if r["num_anchors"] == k]
            if crs:
                _plot_curve(ax, crs, "snr_db", color[k], marker=_MARKERS[i % 8])

    handles = [Line2D([], [], color=color[k], marker=_MARKERS[i % 8], label=f"K = {k}") for i, k in enumerate(ks)]
    ncols = len(_values(rows, "semantic_equalizer"))
    return _draw(rows, out_dir, "accuracy_vs_snr", (*_LINK, "anchor_selection", "semantic_equalizer"),
                 min(4, max(ncols, 3 if ncols == 1 else ncols)), panel, handles, "SNR  $E_s/N_0$ [dB]")


def plot_accuracy_vs_anchors(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs K at the highest SNR, a curve per anchor selection strategy; a panel
    per link and semantic equaliser."""
    if not rows:
        return []
    top = max(float(r["snr_db"]) for r in rows)
    rows = [r for r in rows if float(r["snr_db"]) == top]
    strategies = _values(rows, "anchor_selection")
    color = _colors(strategies, universe=_registered("anchor_selection"))

    def panel(ax, prs):
        for i, s in enumerate(strategies):
            crs = [r for r in prs if r["anchor_selection"] == s]
            if crs:
                _plot_curve(ax, crs, "num_anchors", color[s], marker=_MARKERS[i % 8])
        _log2_axis(ax, [float(r["num_anchors"]) for r in prs])

    handles = [Line2D([], [], color=color[s], marker=_MARKERS[i % 8], label=f"{s} anchors")
               for i, s in enumerate(strategies)]
    handles.append(Line2D([], [], color="none", label=f"SNR {top:g} dB"))
    ncols = len(_values(rows, "semantic_equalizer"))
    return _draw(rows, out_dir, "accuracy_vs_anchors", (*_LINK, "semantic_equalizer"),
                 min(4, max(ncols, 3 if ncols == 1 else ncols)), panel, handles, "number of anchors K")


def plot_equalizers_vs_snr(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs SNR at the largest K, a curve per semantic equaliser; a panel per link."""
    if not rows:
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

    handles = [Line2D([], [], color=color[e], marker=_MARKERS[i % 8], label=e) for i, e in enumerate(eqs)]
    handles.append(Line2D([], [], color="none", label=f"K = {k_max}"))
    return _draw(rows, out_dir, "equalizers_vs_snr", (*_LINK, "anchor_selection"), 3, panel, handles,
                 "SNR  $E_s/N_0$ [dB]")


def plot_all(rows: list[dict[str, Any]], out_dir: str | Path, shannon: dict | None = None) -> list[Path]:
    """Every standard plot the study's axes support; returns the PNG paths.

    ``shannon``: see :func:`plot_rate_accuracy`; by default read from the run's scenario."""
    out_dir = Path(out_dir)
    if not rows:
        return []
    if "goodput" in rows[0]:          # a network study (simulator.network)
        from .network.plots import plot_network_dir
        return plot_network_dir(rows, out_dir)
    if "condition" in rows[0]:        # a stitching table (simulator.stitch)
        from .stitch import plot_stitching
        return plot_stitching(rows, out_dir)
    if shannon is None:
        shannon = shannon_references(out_dir)
    paths = plot_rate_accuracy(rows, out_dir, shannon)
    if len({r["snr_db"] for r in rows}) > 1:
        paths += plot_accuracy_vs_snr(rows, out_dir)
        if len({r["semantic_equalizer"] for r in rows}) > 1:
            paths += plot_equalizers_vs_snr(rows, out_dir)
    if len({r["num_anchors"] for r in rows}) > 1:
        paths += plot_accuracy_vs_anchors(rows, out_dir)
    return [p for p in paths if p.suffix == ".png"]
