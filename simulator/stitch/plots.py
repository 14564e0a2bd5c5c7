"""Figures of a stitching table (:mod:`semcom.simulator.stitch.runner`): accuracy heat maps, one
figure per condition and a panel per semantic equaliser, and the agents' linear CKA."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import PowerNorm

from ..figures.plotting import RC_STYLE, plt, save_figure
from ..figures.style import FigureStyle

__all__ = ["plot_stitching", "plot_cka"]


def plot_cka(rows: list[dict], out_dir: Path) -> list[Path]:
    """Heat map of linear CKA between every pair of agents (pool latents)."""
    agents = list(dict.fromkeys(r["model_a"] for r in rows))
    grid = np.full((len(agents), len(agents)), np.nan)
    for r in rows:
        grid[agents.index(r["model_a"]), agents.index(r["model_b"])] = float(r["cka"])
    size = 2.6 * max(1, len(agents) / 4)
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    im = ax.imshow(grid, vmin=0, vmax=1, cmap="magma")
    for (i, j), v in np.ndenumerate(grid):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="black" if v > 0.6 else "white")
    ax.set_xticks(range(len(agents)), agents, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(agents)), agents, fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8, label="linear CKA")
    ax.set_title("Linear CKA of the pool latents", fontsize=9)
    return [p for p in save_figure(fig, out_dir, "cka") if p.suffix == ".png"]


def plot_stitching(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """One heat-map figure per condition: a panel per equaliser, rows = transmitter,
    columns = receiver; cells and colour bar in % (0-100) on a sequential map whose
    lightness falls steadily with accuracy (YlGnBu), stretched towards the top (power norm,
    gamma 2.5: 87% and 99% get clearly different colours), each cell labelled."""
    paths = []
    agents = list(dict.fromkeys(r["tx_model"] for r in rows))
    cmap = plt.get_cmap("YlGnBu")
    norm = PowerNorm(gamma=2.5, vmin=0, vmax=100)
    for condition in dict.fromkeys(r["condition"] for r in rows):
        crs = [r for r in rows if r["condition"] == condition]
        eqs = list(dict.fromkeys(r["semantic_equalizer"] for r in crs))
        width = style.width
        ncols = min(len(eqs), 1 if width < 5 else 3)
        nrows = -(-len(eqs) // ncols)
        cell = min(0.32, (width - 0.9) / (ncols * (len(agents) + 2)))
        with plt.rc_context(RC_STYLE):
            fig, axes = plt.subplots(
                nrows,
                ncols,
                figsize=(width, nrows * (len(agents) + 2.5) * cell + 0.8),
                squeeze=False,
                layout="constrained",
            )
            for ax in axes.flat[len(eqs) :]:
                ax.set_visible(False)
            for n, (ax, eq) in enumerate(zip(axes.flat, eqs)):
                grid = np.full((len(agents), len(agents)), np.nan)
                for i, tx in enumerate(agents):
                    for j, rx in enumerate(agents):
                        acc = [
                            r["accuracy"]
                            for r in crs
                            if r["semantic_equalizer"] == eq and r["tx_model"] == tx and r["rx_model"] == rx
                        ]
                        if acc:
                            grid[i, j] = 100 * float(np.mean(acc))
                im = ax.imshow(grid, norm=norm, cmap=cmap)
                for (i, j), v in np.ndenumerate(grid):
                    if np.isfinite(v):  # dark text on the light half of the map, white on the dark half
                        ax.text(
                            j,
                            i,
                            f"{v:.0f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="black" if norm(v) < 0.5 else "white",
                        )
                ax.set_xticks(range(len(agents)), agents, rotation=45, ha="right")
                ax.set_yticks(range(len(agents)), agents if n % ncols == 0 else [""] * len(agents))
                ax.grid(False)
                ax.set_title(eq)
                ax.set_xlabel("receiver")
                if n % ncols == 0:
                    ax.set_ylabel("transmitter")
            bar = fig.colorbar(im, ax=list(axes.flat[: len(eqs)]), shrink=0.8, label="top-1 accuracy [%]")
            bar.set_ticks([0, 25, 50, 70, 80, 90, 100])
            fig.suptitle(f"Stitching accuracy [%], {condition}", fontsize=8)
            stem = "stitching_" + condition.replace(" ", "").replace("-", "_").replace(".", "p")
            paths += [p for p in save_figure(fig, out_dir, stem) if p.suffix == ".png"]
    return paths
