"""Stitching study: the transmitter × receiver accuracy matrix of every semantic equaliser.

The table relative-representation papers report: for every ordered pair of agents
(the diagonal is an agent talking to itself), the accuracy of each semantic equaliser
**noise-free** (the message reaches the receiver exactly, no channel) and **through the
scenario's channel and scheme at one SNR**. Anchors, heads and equalisers are those of
the link-level engine, so the matrix agrees with link-level studies point for point.

Outputs, as for any run (so ``semcom results|plot|report DIR`` work on it):
``DIR/results.sqlite`` (the store, one unit holding the whole table; a rerun of the same
study reuses it), ``DIR/stitching.csv`` (tidy), ``DIR/scenario.yaml``, ``DIR/manifest.json``,
``DIR/plots/stitching_<condition>.png|pdf`` (heat maps, one panel per equaliser), and the
latent geometry behind them (:mod:`semcom.transceivers.geometry`, on the pool latents):
``DIR/collapse.csv`` (a neural-collapse index per agent), ``DIR/cka.csv`` (linear CKA per
pair) and ``DIR/plots/cka.png|pdf``.
"""

from __future__ import annotations

import itertools
import json
import math
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .schema import Scenario, check_scenario
from .store import ResultsStore, write_csv, write_text_atomic

__all__ = ["STITCH_COLUMNS", "COLLAPSE_COLUMNS", "CKA_COLUMNS", "stitch_rows", "geometry_rows", "run_stitch",
           "plot_stitching", "plot_cka", "StitchResult", "is_stitch_rows", "stitch_summary_rows",
           "stitch_summary_table"]

STITCH_COLUMNS = ["scenario", "condition", "snr_db", "tx_model", "rx_model", "semantic_equalizer",
                  "num_anchors", "anchor_selection", "channel", "seed", "n_samples", "accuracy",
                  "accuracy_low", "accuracy_high", "native_accuracy_tx", "native_accuracy_rx", "head_weight_decay"]

COLLAPSE_COLUMNS = ["scenario", "model", "n_samples", "num_classes", "class_mean_cosine", "class_mean_cosine_std",
                    "simplex_cosine", "within_class_cosine"]
CKA_COLUMNS = ["scenario", "model_a", "model_b", "n_samples", "cka"]

NOISE_FREE = "noise-free"


@dataclass
class StitchResult:
    csv: Path
    plots: list[Path]
    rows: list[dict]


def _agents(sc: Scenario) -> list[str]:
    """Every agent named as transmitter or receiver, in scenario order (all models if none)."""
    named = list(dict.fromkeys(sc.axis("transmitter") + sc.axis("receiver")))
    return named or list(sc.models)


def _noise_free(sc: Scenario, unit) -> list[dict]:
    import torch

    with torch.no_grad():
        return _noise_free_rows(sc, unit)


def _noise_free_rows(sc: Scenario, unit) -> list[dict]:
    from semcom.transceivers.semantic import build_equalizer
    from .context import study_data
    from .engine import build_link, head_weight_decay
    from .metrics import accuracy_counts, wilson_interval
    from .sweep import resolve_unit

    data = study_data(sc)
    link = build_link(resolve_unit(sc, unit))
    test = data.test_idx
    labels = data.labels[test]
    n = len(test)
    native_tx = accuracy_counts(link.absolute_head(link.tx)(link.tx.latents[test])[None], labels)[0] / n
    native_rx = accuracy_counts(link.absolute_head(link.rx)(link.rx.latents[test])[None], labels)[0] / n
    messages = {"relative": link.relative(link.tx, test), "absolute": link.tx.latents[test]}
    rows = []
    for name in sc.axis("semantic_equalizer"):
        eq = build_equalizer(name, sc.semantic_equalizers.get(name), link)   # named receivers too
        message = messages[eq.message] if eq.message_key == eq.message else eq.encode(link.tx.latents[test])
        correct = int(accuracy_counts(eq(message[None]), labels)[0])
        lo, hi = wilson_interval(correct, n)
        rows.append(dict(condition=NOISE_FREE, snr_db=None, semantic_equalizer=name, n_samples=n,
                         accuracy=correct / n, accuracy_low=lo, accuracy_high=hi,
                         native_accuracy_tx=float(native_tx), native_accuracy_rx=float(native_rx),
                         head_weight_decay=head_weight_decay(eq, 0)))
    return rows


def stitch_rows(sc: Scenario, snr_db: float | None = None) -> list[dict]:
    """Rows of the stitching table for every ordered pair, noise-free and at ``snr_db``.

    ``snr_db`` defaults to the highest SNR of the scenario's sweep. The first channel,
    anchor count and anchor strategy of the sweep are used; every sweep seed is run.
    """
    from .engine import run_unit
    from .sweep import Unit

    snr = max(sc.axis("snr_db")) if snr_db is None else float(snr_db)
    noisy_sc = sc.model_copy(deep=True)
    noisy_sc.sweep.snr_db = [snr]
    agents = _agents(sc)
    rows = []
    for seed, tx, rx in itertools.product(sc.axis("seed"), agents, agents):
        unit = Unit(seed=int(seed), transmitter=tx, receiver=rx, channel=sc.axis("channel")[0],
                    scheme=sc.axis("scheme")[0],
                    anchor_selection=sc.axis("anchor_selection")[0], num_anchors=int(sc.axis("num_anchors")[0]),
                    bits=sc.axis("bits")[0])
        common = dict(scenario=sc.name, tx_model=tx, rx_model=rx, num_anchors=unit.num_anchors,
                      anchor_selection=unit.anchor_selection, channel=unit.channel, seed=unit.seed)
        clean = _noise_free(sc, unit)
        natives = {k: clean[0][k] for k in ("native_accuracy_tx", "native_accuracy_rx")}
        rows += [{**common, **r} for r in clean]
        for r in run_unit(noisy_sc, unit):
            rows.append({**common, **natives, "condition": f"{snr:g} dB", "snr_db": snr,
                         **{k: r[k] for k in ("semantic_equalizer", "n_samples", "accuracy",
                                              "accuracy_low", "accuracy_high", "head_weight_decay")}})
    return _rounded(rows)


def geometry_rows(sc: Scenario) -> tuple[list[dict], list[dict]]:
    """Per-agent collapse indices and per-pair linear CKA, both on the pool latents
    (the samples anchors and heads come from), for every agent of the stitching table."""
    from semcom.transceivers.geometry import collapse_index, linear_cka
    from .context import latent_space, study_data

    data = study_data(sc)
    pool = data.pool_idx
    labels = data.labels[pool]
    agents = _agents(sc)
    spaces = {a: latent_space(sc, a).latents[pool] for a in agents}
    collapse = []
    for a in agents:
        index = collapse_index(spaces[a], labels)
        collapse.append(dict(scenario=sc.name, model=a, n_samples=len(pool), num_classes=int(labels.unique().numel()),
                             class_mean_cosine=index.class_mean_cosine,
                             class_mean_cosine_std=index.class_mean_cosine_std, simplex_cosine=index.simplex_cosine,
                             within_class_cosine=index.within_class_cosine))
    cka = [dict(scenario=sc.name, model_a=a, model_b=b, n_samples=len(pool), cka=linear_cka(spaces[a], spaces[b]))
           for a, b in itertools.product(agents, agents)]
    return _rounded(collapse), _rounded(cka)


def _rounded(rows: list[dict]) -> list[dict]:
    return [{k: (float(f"{v:.6g}") if isinstance(v, float) and math.isfinite(v) else v) for k, v in r.items()}
            for r in rows]


def plot_cka(rows: list[dict], out_dir: Path) -> list[Path]:
    """Heat map of linear CKA between every pair of agents (pool latents)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plotting import _save

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
    return [p for p in _save(fig, out_dir, "cka") if p.suffix == ".png"]


def plot_stitching(rows: list[dict], out_dir: Path) -> list[Path]:
    """One heat-map figure per condition: a panel per equaliser, rows = transmitter,
    columns = receiver; cells and colour bar in % (0-100) on a sequential map whose
    lightness falls steadily with accuracy (YlGnBu), stretched towards the top (power norm,
    gamma 2.5: 87% and 99% get clearly different colours), each cell labelled."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    from .plotting import _FIG, _STYLE, _save

    paths = []
    agents = list(dict.fromkeys(r["tx_model"] for r in rows))
    cmap = plt.get_cmap("YlGnBu")
    norm = PowerNorm(gamma=2.5, vmin=0, vmax=100)
    for condition in dict.fromkeys(r["condition"] for r in rows):
        crs = [r for r in rows if r["condition"] == condition]
        eqs = list(dict.fromkeys(r["semantic_equalizer"] for r in crs))
        width = _FIG["width"]
        ncols = min(len(eqs), 1 if width < 5 else 3)
        nrows = -(-len(eqs) // ncols)
        cell = min(0.32, (width - 0.9) / (ncols * (len(agents) + 2)))
        with plt.rc_context(_STYLE):
            fig, axes = plt.subplots(nrows, ncols, figsize=(width, nrows * (len(agents) + 2.5) * cell + 0.8),
                                     squeeze=False, layout="constrained")
            for ax in axes.flat[len(eqs):]:
                ax.set_visible(False)
            for n, (ax, eq) in enumerate(zip(axes.flat, eqs)):
                grid = np.full((len(agents), len(agents)), np.nan)
                for i, tx in enumerate(agents):
                    for j, rx in enumerate(agents):
                        acc = [r["accuracy"] for r in crs if r["semantic_equalizer"] == eq
                               and r["tx_model"] == tx and r["rx_model"] == rx]
                        if acc:
                            grid[i, j] = 100 * float(np.mean(acc))
                im = ax.imshow(grid, norm=norm, cmap=cmap)
                for (i, j), v in np.ndenumerate(grid):
                    if np.isfinite(v):   # dark text on the light half of the map, white on the dark half
                        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7,
                                color="black" if norm(v) < 0.5 else "white")
                ax.set_xticks(range(len(agents)), agents, rotation=45, ha="right")
                ax.set_yticks(range(len(agents)), agents if n % ncols == 0 else [""] * len(agents))
                ax.grid(False)
                ax.set_title(eq)
                ax.set_xlabel("receiver")
                if n % ncols == 0:
                    ax.set_ylabel("transmitter")
            bar = fig.colorbar(im, ax=list(axes.flat[:len(eqs)]), shrink=0.8, label="top-1 accuracy [%]")
            bar.set_ticks([0, 25, 50, 70, 80, 90, 100])
            fig.suptitle(f"Stitching accuracy [%], {condition}", fontsize=8)
            stem = "stitching_" + condition.replace(" ", "").replace("-", "_").replace(".", "p")
            paths += [p for p in _save(fig, out_dir, stem) if p.suffix == ".png"]
    return paths


def is_stitch_rows(rows: list[dict]) -> bool:
    """Rows of a stitching table (they have a ``condition``), not of a sweep."""
    return bool(rows) and "condition" in rows[0] and "goodput" not in rows[0]


def stitch_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body: per condition and equaliser, the mean accuracy on the diagonal
    (an agent with itself) and off it (two different agents), averaged over seeds."""
    header = ["condition", "equalizer", "same agent", "different agents", "pairs"]
    body = []
    for condition in dict.fromkeys(r["condition"] for r in rows):
        for eq in dict.fromkeys(r["semantic_equalizer"] for r in rows if r["condition"] == condition):
            crs = [r for r in rows if r["condition"] == condition and r["semantic_equalizer"] == eq]
            same = [float(r["accuracy"]) for r in crs if r["tx_model"] == r["rx_model"]]
            other = [float(r["accuracy"]) for r in crs if r["tx_model"] != r["rx_model"]]
            body.append([condition, eq] + [f"{100 * np.mean(v):.1f}%" if v else "-" for v in (same, other)]
                        + [str(len({(r["tx_model"], r["rx_model"]) for r in crs}))])
    return header, body


def stitch_summary_table(rows: list[dict]) -> str:
    """:func:`stitch_summary_rows` as an aligned plain-text table."""
    header, body = stitch_summary_rows(rows)
    table = [header] + body
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    seeds = len({r.get("seed") for r in rows})
    return "\n".join(lines) + f"\nstitching table: {len(rows)} rows, mean accuracy over {seeds} seed(s)"


def stitch_study_identity(sc: Scenario, snr_db: float | None) -> dict:
    """What makes two stitching runs the same (the whole scenario but its description)."""
    return {"kind": "stitch", "snr_db": snr_db, "scenario": sc.model_dump(mode="json", exclude={"description", "figure"})}


def run_stitch(sc: Scenario, out_dir: str | Path, snr_db: float | None = None, force: bool = False) -> StitchResult:
    """Compute the stitching table of ``sc`` into ``out_dir`` as a run (store, CSV, scenario
    copy, manifest, heat maps). A folder holding another study is refused (``force``
    discards it); a rerun of the same study reuses the stored table."""
    from semcom.transceivers.cache import config_hash
    from .runner import _versions

    t0 = time.perf_counter()
    check_scenario(sc)
    out_dir = Path(out_dir)
    identity = stitch_study_identity(sc, snr_db)
    with ResultsStore(out_dir, config_hash("stitch", identity), force=force, kind="stitch",
                      study=identity) as store:
        store.set_unit_order(["stitch"])
        write_text_atomic(out_dir / "scenario.yaml", yaml_dump(sc))
        computed = "stitch" not in store.finished_units()
        if computed:
            store.commit_unit("stitch", 0, stitch_rows(sc, snr_db), time.perf_counter() - t0)
        rows = store.rows()
    csv_path = out_dir / "stitching.csv"
    write_csv(rows, csv_path, STITCH_COLUMNS)
    collapse, cka = geometry_rows(sc)
    write_csv(collapse, out_dir / "collapse.csv", COLLAPSE_COLUMNS)
    write_csv(cka, out_dir / "cka.csv", CKA_COLUMNS)
    from .plotting import figure_context
    with figure_context(out_dir / "plots"):     # the scenario's figure width, as `semcom plot` draws
        plots = plot_stitching(rows, out_dir / "plots") + plot_cka(cka, out_dir / "plots")
    manifest_path = out_dir / "manifest.json"
    if computed or not manifest_path.is_file():
        manifest = {"kind": "stitch", "scenario": sc.model_dump(mode="json"), "seed": sc.seed,
                    "snr_db": snr_db, "rows": len(rows), "versions": _versions(), "platform": platform.platform(),
                    "wall_time_s": round(time.perf_counter() - t0, 3),
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_text_atomic(manifest_path, json.dumps(manifest, indent=2))
    return StitchResult(csv_path, plots, rows)


def yaml_dump(sc: Scenario) -> str:
    import yaml

    return yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False)
