"""Figures of a system study (PNG 300 dpi + PDF in the house style of
:mod:`semcom.simulator.figures.plotting`: grid, bands), from stored rows only. Headline figures
use the study's first placement and scheduler.

* ``system_vs_load``: network correct decisions per second (over offered messages), 5th-percentile
  user accuracy, p95 latency and Jain fairness against the offered load (decisions per second per
  agent): a curve per policy, adaptive and bit-pipe policies in colour, fixed configurations in
  grey, band: 95% t-interval over drops;
* ``system_accuracy_cdf``: CDF of the users' accuracy over their offered messages, a curve per
  policy at the highest load (users with at least :data:`~.metrics.MIN_USER_MESSAGES` messages);
* ``system_k_vs_sinr``: the mean K a load-aware policy chose for each user against the user's
  mean large-scale SINR estimate, a panel per load;
* ``system_outer_loop``: the outer loop's trajectory: predicted and realised accuracy of the
  decided messages over time, and the agents' mean SINR offset, per load;
* ``system_map``: the sites, their sector boundaries, and the users coloured by accuracy
  (first drop, highest load, the first load-aware policy).

Example::

    from semcom.simulator.figures.style import FigureStyle
    from semcom.simulator.system.plots import plot_system
    from semcom.simulator.results.store import read_rows
    plot_system(read_rows("runs/system_multicell"), "runs/system_multicell/plots", FigureStyle())
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from ..figures.plot_rows import is_number
from ..figures.plotting import MARKERS, new_figure, plt, save_figure
from ..figures.style import FigureStyle
from .aggregate import summarise_drops
from .map_plot import draw_map
from .metrics import MIN_USER_MESSAGES

__all__ = ["plot_system", "policy_label"]

_METRICS = [
    ("goodput_offered", "correct decisions/s (10³)", 1e-3),
    ("p5_user_accuracy", "5th-pct. user accuracy", 1.0),
    ("latency_p95", "p95 latency [ms]", 1e3),
    ("jain_fairness", "Jain fairness", 1.0),
]


def _f(v) -> float:
    return float(v) if is_number(v) else np.nan


def policy_label(p: str) -> str:
    """A policy as a legend shows it."""
    base, _, cfg = p.partition(":")
    names = {
        "max_correct": "semantic LA",
        "max_correct_olla": "semantic LA + outer loop",
        "max_per_re": "max correct per RE",
        "target": "target accuracy",
        "target_olla": "target + outer loop",
        "fixed": "fixed",
        "conventional_5g": "5G bit pipe",
    }
    return f"{names.get(base, base)} {cfg}".strip()


def _order(policies) -> list[str]:
    rank = {"max_correct_olla": 0, "max_correct": 1, "conventional_5g": 3, "fixed": 4}
    return sorted(set(policies), key=lambda p: (rank.get(p.split(":")[0], 2), p))


def _styles(policies: list[str]) -> dict:
    fixed = [p for p in policies if p.startswith("fixed:")]
    pipe = [p for p in policies if p.startswith("conventional_5g")]
    other = [p for p in policies if p not in fixed and p not in pipe]
    grey = plt.get_cmap("Greys")
    out = {
        p: dict(color=grey(0.35 + 0.55 * i / max(1, len(fixed) - 1)), ls="--", lw=0.9, marker=None)
        for i, p in enumerate(fixed)
    }
    tab = plt.get_cmap("tab10")
    out.update(
        {p: dict(color=tab(i), ls="-", lw=1.6, marker=MARKERS[i % len(MARKERS)]) for i, p in enumerate(other)}
    )
    out.update({p: dict(color=tab(len(other) + i), ls="-.", lw=1.4, marker="s") for i, p in enumerate(pipe)})
    return out


def _focus(rows: list[dict]) -> dict:
    first = rows[0]
    return {"placement": first.get("placement"), "scheduler": first.get("scheduler")}


def _mine(rows, focus) -> list[dict]:
    return [r for r in rows if all(r.get(k) == v for k, v in focus.items())]


def plot_system(rows: list[dict], out_dir: str | Path, style: FigureStyle) -> list[Path]:
    """Draw every figure into ``out_dir`` at ``style``; returns the PNG paths."""
    out_dir = Path(out_dir)
    by = defaultdict(list)
    for r in rows:
        by[r.get("level") or "network"].append(r)
    if not by["network"]:
        return []
    focus = _focus(by["network"])
    net = _mine(by["network"], focus)
    users, traces = _mine(by["user"], focus), _mine(by["trace"], focus)
    paths = [
        _vs_load(net, out_dir, style),
        _accuracy_cdf(users, out_dir, style),
        _k_vs_sinr(users, out_dir, style),
        _outer_loop(traces, out_dir, style),
        draw_map(users, _mine(by["cell"], focus), out_dir, policy_label, style),
    ]
    return [p for p in paths if p]


def _vs_load(net, out_dir: Path, style: FigureStyle):
    summary = summarise_drops(net)
    loads = sorted({_f(r["arrival_rate"]) for r in summary})
    if len(loads) < 2:
        return None
    policies = _order(r["link_adaptation"] for r in summary)
    styles = _styles(policies)
    fig, axes = new_figure(style, len(_METRICS), 2)
    for ax, (col, label, scale) in zip(axes, _METRICS):
        for p in policies:
            pts = sorted(
                (_f(r["arrival_rate"]), _f(r[col]), _f(r[f"{col}_low"]), _f(r[f"{col}_high"]))
                for r in summary
                if r["link_adaptation"] == p
            )
            x, y, lo, hi = (np.array(v) for v in zip(*pts))
            st = styles[p]
            ax.plot(
                x,
                y * scale,
                color=st["color"],
                ls=st["ls"],
                lw=st["lw"],
                marker=st["marker"],
                label=policy_label(p),
            )
            ok = np.isfinite(lo) & np.isfinite(hi)
            if col in ("p5_user_accuracy", "jain_fairness"):
                lo, hi = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
            ax.fill_between(
                x[ok],
                lo[ok] * scale,
                hi[ok] * scale,
                color=st["color"],
                alpha=0.07 if p.startswith("fixed:") else 0.18,
                lw=0,
            )
        ax.set_xscale("log")
        ax.set_xticks(loads, [f"{v:g}" for v in loads])
        ax.minorticks_off()
        ax.set_ylabel(label)
        ax.set_xlabel("offered decisions/s per agent")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), frameon=False)
    return save_figure(fig, out_dir, "system_vs_load")[0]


def _accuracy_cdf(users, out_dir: Path, style: FigureStyle):
    if not users:
        return None
    load = max(_f(u["arrival_rate"]) for u in users)
    sel = [
        u
        for u in users
        if _f(u["arrival_rate"]) == load
        and _f(u.get("messages")) >= MIN_USER_MESSAGES
        and is_number(u.get("accuracy_offered"))
    ]
    if not sel:
        return None
    policies = _order(u["link_adaptation"] for u in sel)
    styles = _styles(policies)
    fig, (ax,) = new_figure(style, 1, 1)
    for p in policies:
        acc = np.sort([_f(u["accuracy_offered"]) for u in sel if u["link_adaptation"] == p])
        st = styles[p]
        ax.step(
            acc,
            np.arange(1, len(acc) + 1) / len(acc),
            where="post",
            color=st["color"],
            ls=st["ls"],
            lw=st["lw"],
            label=policy_label(p),
        )
    ax.set_xlabel(f"user accuracy over offered messages (users with >= {MIN_USER_MESSAGES})")
    ax.set_ylabel("CDF of users")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{load:g} decisions/s per agent, all drops", fontsize=8)
    ax.legend(loc="upper left", ncols=2 if len(policies) > 5 else 1, frameon=False, fontsize=6.5)
    return save_figure(fig, out_dir, "system_accuracy_cdf")[0]


def _load_aware(rows) -> str | None:
    names = [r["link_adaptation"] for r in rows]
    return next((p for p in ("max_correct_olla", "max_correct") if p in names), None)


def _k_vs_sinr(users, out_dir: Path, style: FigureStyle):
    pol = _load_aware(users)
    if pol is None:
        return None
    sel = [
        u
        for u in users
        if u["link_adaptation"] == pol
        and is_number(u.get("mean_num_anchors"))
        and is_number(u.get("mean_sinr_est_db"))
    ]
    loads = sorted({_f(u["arrival_rate"]) for u in sel})
    fig, axes = new_figure(style, len(loads), 3, share=True)
    for ax, load in zip(axes, loads):
        pts = np.array(
            [
                (_f(u["mean_sinr_est_db"]), _f(u["mean_num_anchors"]))
                for u in sel
                if _f(u["arrival_rate"]) == load
            ]
        )
        ax.scatter(pts[:, 0], pts[:, 1], s=4, alpha=0.5, linewidths=0, color="tab:blue")
        ax.set_yscale("log", base=2)
        ax.set_title(f"{load:g} decisions/s per agent", fontsize=8)
        ax.set_xlabel("mean SINR estimate [dB]")
    axes[0].set_ylabel("mean K chosen")
    fig.suptitle(
        f"{policy_label(pol)}: each user's mean K against its mean large-scale SINR estimate", fontsize=8
    )
    return save_figure(fig, out_dir, "system_k_vs_sinr")[0]


def _outer_loop(traces, out_dir: Path, style: FigureStyle):
    pol = next(
        (p for p in ("max_correct_olla", "target_olla") if any(r["link_adaptation"] == p for r in traces)),
        None,
    )
    if pol is None:
        return None
    sel = [r for r in traces if r["link_adaptation"] == pol]
    loads = sorted({_f(r["arrival_rate"]) for r in sel})
    fig, axes = new_figure(style, 2, 2)
    tab = plt.get_cmap("tab10")
    for i, load in enumerate(loads):
        by_t = defaultdict(list)
        for r in sel:
            if _f(r["arrival_rate"]) == load:
                by_t[_f(r["t_s"])].append(
                    (_f(r["predicted_accuracy"]), _f(r["accuracy"]), _f(r["olla_offset_db"]))
                )
        t = np.array(sorted(by_t))
        vals = np.array([np.nanmean(by_t[x], axis=0) for x in t])
        axes[0].plot(t * 1e3, vals[:, 0], color=tab(i), ls="--", lw=1.0)
        axes[0].plot(t * 1e3, vals[:, 1], color=tab(i), marker=MARKERS[i % 8], label=f"{load:g}/s")
        axes[1].plot(t * 1e3, vals[:, 2], color=tab(i), marker=MARKERS[i % 8], label=f"{load:g}/s")
    axes[0].set_ylabel("accuracy (solid: realised, dashed: predicted)")
    axes[1].set_ylabel("agents' mean SINR offset [dB]")
    for ax in axes:
        ax.set_xlabel("time [ms]")
    axes[1].legend(frameon=False, title="decisions/s per agent", title_fontsize=7)
    fig.suptitle(f"{policy_label(pol)}, mean over drops", fontsize=8)
    return save_figure(fig, out_dir, "system_outer_loop")[0]
