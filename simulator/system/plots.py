"""Figures of a system study (PNG 300 dpi + PDF, the house style of :mod:`semcom.simulator.figures.plotting`),
from stored rows only.

* ``system_accuracy_cdf``: CDF of the users' accuracy, a curve per link-adaptation policy
  (every fixed configuration included), at the highest load and the first scheduler;
* ``system_goodput_vs_load``: network semantic goodput (correct decisions/s) against the
  offered load (RBs asked at the smallest configuration / RBs available), a panel per adaptive
  policy, a curve per scheduler, band: range
  over seeds and drops;
* ``system_k_vs_sinr``: the mean K each user's messages were sent with against its mean
  effective SINR, per adaptive policy;
* ``system_map``: the cells (sector stations) and their users coloured by accuracy.

Example::

    from semcom.simulator.system.plots import plot_system
    from semcom.simulator.results.store import read_rows
    plot_system(read_rows("runs/system_multicell"), "runs/system_multicell/plots")
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from ..figures.plot_rows import _isnum
from ..figures.plotting import _FIG, _MARKERS, _figure, _save, plt

__all__ = ["plot_system"]

_SCHED = {"pf_rate": "PF (rate, Sionna)", "pf_semantic": "PF (semantic utility)", "round_robin": "round robin"}


def _f(v) -> float:
    return float(v) if _isnum(v) else np.nan


def _policy_order(policies) -> list[str]:
    return sorted(set(policies), key=lambda p: (p.startswith("fixed:"), _fixed_k(p), p))


def _fixed_k(p: str) -> float:
    if not p.startswith("fixed:"):
        return 0.0
    try:
        return float(p.split(":", 1)[1].split("-")[0].lstrip("K"))
    except ValueError:
        return 0.0


def _label(p: str) -> str:
    return p.replace("fixed:", "fixed ").replace("_olla", " + outer loop").replace("goodput", "LA max goodput") \
        .replace("target", "LA target acc.")


def _styles(policies: list[str]) -> dict:
    fixed = [p for p in policies if p.startswith("fixed:")]
    adaptive = [p for p in policies if not p.startswith("fixed:")]
    cmap = plt.get_cmap("Greys")
    out = {p: dict(color=cmap(0.35 + 0.55 * i / max(1, len(fixed) - 1)), ls="--", lw=1.0) for i, p in enumerate(fixed)}
    tab = plt.get_cmap("tab10")
    out.update({p: dict(color=tab(i), ls="-", lw=1.6) for i, p in enumerate(adaptive)})
    return out


def plot_system(rows: list[dict], out_dir: str | Path) -> list[Path]:
    """Draw every figure into ``out_dir``; returns the PNG paths."""
    out_dir = Path(out_dir)
    net = [r for r in rows if r.get("level") == "network"]
    users = [r for r in rows if r.get("level") == "user"]
    if not net:
        return []
    paths = []
    for fn in (_accuracy_cdf, _goodput_vs_load, _k_vs_sinr, _cell_map):
        got = fn(net, users, out_dir)
        if got:
            paths.append(got)
    return paths


def _focus(net: list[dict]):
    scheds = list(dict.fromkeys(r["scheduler"] for r in net))
    loads = sorted({_f(r["arrival_rate"]) for r in net})
    return scheds[0], loads[-1], loads


def _accuracy_cdf(net, users, out_dir: Path):
    sched, load, _ = _focus(net)
    sel = [u for u in users if u["scheduler"] == sched and _f(u["arrival_rate"]) == load and _isnum(u.get("accuracy"))]
    if not sel:
        return None
    policies = _policy_order(u["link_adaptation"] for u in sel)
    styles = _styles(policies)
    fig, (ax,) = _figure(1, 1)
    for p in policies:
        acc = np.sort([_f(u["accuracy"]) for u in sel if u["link_adaptation"] == p])
        if len(acc):
            ax.step(acc, np.arange(1, len(acc) + 1) / len(acc), where="post", label=_label(p), **styles[p])
    ax.set_xlabel("user accuracy")
    ax.set_ylabel("CDF of users")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{_SCHED.get(sched, sched)}, {load:g} messages/s per agent", fontsize=8)
    ax.legend(loc="upper left", ncols=2 if len(policies) > 5 else 1, frameon=False)
    return _save(fig, out_dir, "system_accuracy_cdf")[0]


def _goodput_vs_load(net, users, out_dir: Path):
    _, _, loads = _focus(net)
    if len(loads) < 2:
        return None
    policies = _policy_order(r["link_adaptation"] for r in net)
    adaptive = [p for p in policies if not p.startswith("fixed:")] or policies
    fig, axes = _figure(len(adaptive), 3)
    tab = plt.get_cmap("tab10")
    scheds = list(dict.fromkeys(r["scheduler"] for r in net))
    for ax, pol in zip(axes, adaptive):
        for i, s in enumerate(scheds):
            by = defaultdict(list)
            for r in net:
                if r["scheduler"] == s and r["link_adaptation"] == pol and _isnum(r.get("goodput_offered")):
                    by[_f(r["offered_load"])].append(_f(r["goodput_offered"]) / 1e3)
            x = np.array(sorted(by))
            if not len(x):
                continue
            y = np.array([np.mean(by[v]) for v in x])
            ax.plot(x, y, marker=_MARKERS[i % len(_MARKERS)], color=tab(i), label=_SCHED.get(s, s))
            ax.fill_between(x, [min(by[v]) for v in x], [max(by[v]) for v in x], color=tab(i), alpha=0.15, lw=0)
        ax.set_title(_label(pol), fontsize=8)
        ax.set_xlabel("offered load")
        ax.set_ylabel("goodput (10³ correct decisions/s)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    return _save(fig, out_dir, "system_goodput_vs_load")[0]


def _k_vs_sinr(net, users, out_dir: Path):
    sched, load, _ = _focus(net)
    sel = [u for u in users if u["scheduler"] == sched and _f(u["arrival_rate"]) == load
           and not str(u["link_adaptation"]).startswith("fixed:") and _isnum(u.get("mean_num_anchors"))]
    if not sel:
        return None
    policies = _policy_order(u["link_adaptation"] for u in sel)
    fig, (ax,) = _figure(1, 1)
    tab = plt.get_cmap("tab10")
    for i, p in enumerate(policies):
        pts = np.array([(_f(u["mean_sinr_eff_db"]), _f(u["mean_num_anchors"])) for u in sel if u["link_adaptation"] == p])
        ax.scatter(pts[:, 0], pts[:, 1], s=5, alpha=0.5, color=tab(i), label=_label(p), marker=_MARKERS[i % 8],
                   linewidths=0)
    ax.set_xlabel("user's mean effective SINR [dB]")
    ax.set_ylabel("mean K chosen")
    ax.set_yscale("log", base=2)
    ax.set_title(f"{_SCHED.get(sched, sched)}, {load:g} messages/s per agent", fontsize=8)
    ax.legend(frameon=False, markerscale=2)
    return _save(fig, out_dir, "system_k_vs_sinr")[0]


def _cell_map(net, users, out_dir: Path):
    sched, load, _ = _focus(net)
    policies = _policy_order(u["link_adaptation"] for u in users)
    if not policies:
        return None
    pol = next((p for p in policies if p.endswith("_olla")), policies[0])
    first = [r for r in net if r["scheduler"] == sched and _f(r["arrival_rate"]) == load]
    seed, drop = first[0]["seed"], first[0]["drop"]
    sel = [u for u in users if u["scheduler"] == sched and _f(u["arrival_rate"]) == load
           and u["link_adaptation"] == pol and u["seed"] == seed and u["drop"] == drop]
    if not sel:
        return None
    width = _FIG["width"]
    fig, ax = plt.subplots(figsize=(min(width, 4.6), min(width, 4.6) * 0.9), layout="constrained")
    x = np.array([_f(u["x"]) for u in sel])
    y = np.array([_f(u["y"]) for u in sel])
    acc = np.array([_f(u.get("accuracy")) for u in sel])
    sc = ax.scatter(x, y, c=acc, cmap="viridis", vmin=0, vmax=1, s=7, linewidths=0, zorder=3)
    # the sites (3 sector stations each); an agent may be served by a wraparound image of a
    # far site (38.901 wraparound), so no line joins an agent to its station
    sx = np.array([_f(u.get("cell_x")) for u in sel])
    sy = np.array([_f(u.get("cell_y")) for u in sel])
    if np.isfinite(sx).all():
        pos = np.unique(np.round(np.stack([sx, sy], 1), 1), axis=0)
        ax.scatter(pos[:, 0], pos[:, 1], marker="^", s=30, color="black", zorder=4, label="site (3 sectors)")
        ax.legend(loc="lower right", frameon=True, fontsize=7)
    fig.colorbar(sc, ax=ax, label="user accuracy", shrink=0.8)
    ax.set_aspect("equal")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.set_title(f"{_label(pol)}, {_SCHED.get(sched, sched)}, {load:g} msg/s per agent", fontsize=8)
    return _save(fig, out_dir, "system_map")[0]
