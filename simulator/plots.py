"""Paper-ready plots from result rows (never from a re-run).

Each figure is written as PNG (300 dpi) and PDF. Several seeds are averaged, with a
band spanning the seeds; with one seed the band is the 95% Wilson interval.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["plot_all", "plot_rate_accuracy", "plot_accuracy_vs_snr", "plot_accuracy_vs_anchors"]

_STYLE = {"font.size": 9, "axes.grid": True, "grid.alpha": 0.3, "legend.fontsize": 7,
          "figure.dpi": 100, "savefig.bbox": "tight", "axes.spines.top": False, "axes.spines.right": False}
_LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def _group(rows: Iterable[dict], keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        out[tuple(r.get(k) for k in keys)].append(r)
    return dict(sorted(out.items(), key=lambda kv: tuple(str(x) for x in kv[0])))


def _curve(rows: list[dict], x_key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean accuracy over seeds per x, with a band (seed spread, or Wilson with one seed)."""
    by_x = _group(rows, (x_key,))
    xs, mean, lo, hi = [], [], [], []
    for (x,), rs in sorted(by_x.items(), key=lambda kv: float(kv[0][0])):
        acc = np.array([float(r["accuracy"]) for r in rs])
        xs.append(float(x))
        mean.append(acc.mean())
        if len(rs) > 1:
            lo.append(acc.min()), hi.append(acc.max())
        else:
            lo.append(float(rs[0]["accuracy_low"])), hi.append(float(rs[0]["accuracy_high"]))
    return np.array(xs), np.array(mean), np.array(lo), np.array(hi)


def _save(fig, out_dir: Path, name: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.png", out_dir / f"{name}.pdf"]
    fig.savefig(paths[0], dpi=300)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths


def _panels(groups: dict, ncols_max: int = 3):
    n = max(1, len(groups))
    ncols = min(ncols_max, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def _native(ax, rows):
    vals = [float(r["native_accuracy"]) for r in rows if r.get("native_accuracy") is not None]
    if vals:
        ax.axhline(np.mean(vals), color="k", lw=0.8, ls="--", label="receiver native")


def plot_rate_accuracy(rows: list[dict], out_dir: Path, shannon: dict | None = None) -> list[Path]:
    """Accuracy vs complex channel uses per sample: a curve per (SNR, semantic equaliser),
    one panel per (transmitter, receiver, channel)."""
    with plt.rc_context(_STYLE):
        panels = _group(rows, ("tx_model", "rx_model", "channel"))
        fig, axes = _panels(panels)
        for ax, ((tx, rx, ch), prs) in zip(axes, panels.items()):
            snrs = sorted({float(r["snr_db"]) for r in prs})
            cmap = plt.get_cmap("viridis", max(2, len(snrs)))
            eqs = sorted({r["semantic_equalizer"] for r in prs})
            for j, eq in enumerate(eqs):
                for i, snr in enumerate(snrs):
                    crs = [r for r in prs if r["semantic_equalizer"] == eq and float(r["snr_db"]) == snr]
                    x, y, lo, hi = _curve(crs, "channel_uses")
                    ax.plot(x, y, ls=_LINESTYLES[j % 6], marker=_MARKERS[j % 7], ms=3, color=cmap(i),
                            label=f"{eq}, {snr:g} dB")
                    ax.fill_between(x, lo, hi, color=cmap(i), alpha=0.12, lw=0)
            _native(ax, prs)
            ax.set_xscale("log", base=2)
            ax.set_xlabel("channel uses per sample [complex symbols]")
            ax.set_ylabel("top-1 accuracy")
            ax.set_ylim(0, 1.02)
            ax.set_title(f"{tx} → {rx}, {ch}")
        axes[-1].legend(loc="lower right", ncol=max(1, len(eqs)), fontsize=5.5)
        fig.suptitle("Rate–accuracy")
        fig.tight_layout()
        return _save(fig, out_dir, "rate_accuracy")


def plot_accuracy_vs_snr(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs SNR, a curve per anchor count, one panel per (semantic equaliser, channel)."""
    with plt.rc_context(_STYLE):
        panels = _group(rows, ("semantic_equalizer", "channel"))
        fig, axes = _panels(panels)
        for ax, ((eq, ch), prs) in zip(axes, panels.items()):
            ks = sorted({int(r["num_anchors"]) for r in prs})
            cmap = plt.get_cmap("plasma", max(2, len(ks) + 1))
            for i, k in enumerate(ks):
                x, y, lo, hi = _curve([r for r in prs if int(r["num_anchors"]) == k], "snr_db")
                ax.plot(x, y, marker="o", ms=3, color=cmap(i), label=f"K = {k}")
                ax.fill_between(x, lo, hi, color=cmap(i), alpha=0.15, lw=0)
            _native(ax, prs)
            ax.set_xlabel("SNR  Es/N0 [dB]")
            ax.set_ylabel("top-1 accuracy")
            ax.set_ylim(0, 1.02)
            ax.set_title(f"{eq}, {ch}")
            ax.legend(loc="lower right")
        fig.tight_layout()
        return _save(fig, out_dir, "accuracy_vs_snr")


def plot_accuracy_vs_anchors(rows: list[dict], out_dir: Path) -> list[Path]:
    """Accuracy vs K at the highest SNR, a curve per anchor strategy, a panel per equaliser."""
    if not rows:
        return []
    top = max(float(r["snr_db"]) for r in rows)
    rows = [r for r in rows if float(r["snr_db"]) == top]
    with plt.rc_context(_STYLE):
        panels = _group(rows, ("semantic_equalizer",))
        fig, axes = _panels(panels)
        for ax, ((eq,), prs) in zip(axes, panels.items()):
            for i, (strategy,) in enumerate(_group(prs, ("anchor_selection",))):
                x, y, lo, hi = _curve([r for r in prs if r["anchor_selection"] == strategy], "num_anchors")
                ax.plot(x, y, marker=_MARKERS[i % 7], ms=3, label=strategy)
                ax.fill_between(x, lo, hi, alpha=0.15, lw=0)
            _native(ax, prs)
            ax.set_xscale("log", base=2)
            ax.set_xlabel("number of anchors K")
            ax.set_ylabel("top-1 accuracy")
            ax.set_ylim(0, 1.02)
            ax.set_title(f"{eq}, SNR {top:g} dB")
            ax.legend(loc="lower right")
        fig.tight_layout()
        return _save(fig, out_dir, "accuracy_vs_anchors")


def plot_all(rows: list[dict[str, Any]], out_dir: str | Path) -> list[Path]:
    """Every standard plot of a link-level study; returns the PNG paths."""
    out_dir = Path(out_dir)
    if not rows:
        return []
    paths = plot_rate_accuracy(rows, out_dir) + plot_accuracy_vs_snr(rows, out_dir)
    if len({r["anchor_selection"] for r in rows}) > 1:
        paths += plot_accuracy_vs_anchors(rows, out_dir)
    return [p for p in paths if p.suffix == ".png"]
