"""The map of a system study: sites (hexagons of circumradius ISD/√3), the boundaries between
their three sectors (Sionna's 38.901 sector boresights 30°, 150°, 270°, so the boundaries lie at
90°, 210°, 330°) and the users coloured by their accuracy over offered messages.

An agent may be served by a wraparound image of a far site (38.901 wraparound), so no line
joins an agent to its station. Used by :func:`~semcom.simulator.system.plots.plot_system`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..figures.plot_rows import is_number
from ..figures.plotting import plt, save_figure
from ..figures.style import FigureStyle

__all__ = ["draw_map", "SECTOR_BOUNDARIES_DEG"]

#: Directions of the boundaries between a site's sectors (midway between Sionna's boresights).
SECTOR_BOUNDARIES_DEG = (90.0, 210.0, 330.0)


def _f(v) -> float:
    return float(v) if is_number(v) else np.nan


def _sites(cells) -> tuple[np.ndarray, float]:
    """Site positions (the sector stations' positions, three per site) and the inter-site distance."""
    xy = np.unique(np.round(np.array([(_f(c["x"]), _f(c["y"])) for c in cells]), 1), axis=0)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    return xy, (float(np.min(d[d > 1.0])) if len(xy) > 1 else 200.0)


def draw_map(users: list[dict], cells: list[dict], out_dir: Path, label, style: FigureStyle) -> Path | None:
    """``system_map``: first drop, highest load, the first load-aware policy (else the first)."""
    if not users:
        return None
    pols = [u["link_adaptation"] for u in users]
    pol = next((p for p in ("max_correct_olla", "max_correct") if p in pols), pols[0])
    load = max(_f(u["arrival_rate"]) for u in users)
    first = next(u for u in users if u["link_adaptation"] == pol)
    sel = [
        u
        for u in users
        if u["link_adaptation"] == pol
        and _f(u["arrival_rate"]) == load
        and u["seed"] == first["seed"]
        and u["drop"] == first["drop"]
    ]
    here = [c for c in cells if c["seed"] == first["seed"] and c["drop"] == first["drop"]]
    if not sel or not here:
        return None
    width = min(style.width, 4.6)
    fig, ax = plt.subplots(figsize=(width, width * 0.9), layout="constrained")
    sites, isd = _sites(here)
    radius = isd / math.sqrt(3.0)
    if len(sites) > 1:
        v = sites[np.argsort(np.linalg.norm(sites - sites[0], axis=1))[1]] - sites[0]
        base = math.degrees(math.atan2(v[1], v[0])) + 30.0  # hexagon vertices face away from neighbours
    else:
        base = 30.0
    ang = np.radians(base + 60.0 * np.arange(7))
    for sx, sy in sites:
        ax.plot(sx + radius * np.cos(ang), sy + radius * np.sin(ang), color="0.55", lw=0.6, zorder=1)
        for b in SECTOR_BOUNDARIES_DEG:
            ax.plot(
                [sx, sx + radius * math.cos(math.radians(b))],
                [sy, sy + radius * math.sin(math.radians(b))],
                color="0.55",
                lw=0.6,
                ls=":",
                zorder=1,
            )
    x = np.array([_f(u["x"]) for u in sel])
    y = np.array([_f(u["y"]) for u in sel])
    acc = np.array([_f(u.get("accuracy_offered")) for u in sel])
    sc = ax.scatter(x, y, c=acc, cmap="viridis", vmin=0, vmax=1, s=7, linewidths=0, zorder=3)
    ax.scatter(sites[:, 0], sites[:, 1], marker="^", s=30, color="black", zorder=4, label="site (3 sectors)")
    ax.legend(loc="lower right", frameon=True, fontsize=7)
    fig.colorbar(sc, ax=ax, label="user accuracy (offered messages)", shrink=0.8)
    ax.set_aspect("equal")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.set_title(f"{label(pol)}, {load:g} decisions/s per agent, drop {first['drop']}", fontsize=8)
    return save_figure(fig, out_dir, "system_map")[0]
