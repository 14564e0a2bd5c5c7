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

import torch
import yaml

from semcom.transceivers.cache import config_hash
from semcom.transceivers.geometry import collapse_index, linear_cka
from semcom.transceivers.semantic import build_equalizer
from semcom.core.io import write_text_atomic
from ..run.context import latent_space, study_data
from ..link.engine import build_link, head_weight_decay, run_unit
from ..run.lifecycle import versions
from ..link.checks import check_scenario
from ..link.metrics import accuracy_counts
from ..results.metrics import wilson_interval
from ..figures.plotting import figure_context
from ..link.schema import Scenario
from .plots import plot_cka, plot_stitching
from ..results.store import ResultsStore, write_csv
from ..link.resolved import resolve_unit
from ..link.units import Unit

__all__ = ["STITCH_COLUMNS", "COLLAPSE_COLUMNS", "CKA_COLUMNS", "NOISE_FREE", "stitch_rows", "geometry_rows",
           "run_stitch", "StitchResult"]

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
    with torch.no_grad():
        return _noise_free_rows(sc, unit)


def _noise_free_rows(sc: Scenario, unit) -> list[dict]:
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


def stitch_study_identity(sc: Scenario, snr_db: float | None) -> dict:
    """What makes two stitching runs the same (the whole scenario but its description)."""
    return {"kind": "stitch", "snr_db": snr_db, "scenario": sc.model_dump(mode="json", exclude={"description", "figure"})}


def run_stitch(sc: Scenario, out_dir: str | Path, snr_db: float | None = None, force: bool = False) -> StitchResult:
    """Compute the stitching table of ``sc`` into ``out_dir`` as a run (store, CSV, scenario
    copy, manifest, heat maps). A folder holding another study is refused (``force``
    discards it); a rerun of the same study reuses the stored table."""
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
    with figure_context(out_dir / "plots"):     # the scenario's figure width, as `semcom plot` draws
        plots = plot_stitching(rows, out_dir / "plots") + plot_cka(cka, out_dir / "plots")
    manifest_path = out_dir / "manifest.json"
    if computed or not manifest_path.is_file():
        manifest = {"kind": "stitch", "scenario": sc.model_dump(mode="json"), "seed": sc.seed,
                    "snr_db": snr_db, "rows": len(rows), "versions": versions(), "platform": platform.platform(),
                    "wall_time_s": round(time.perf_counter() - t0, 3),
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_text_atomic(manifest_path, json.dumps(manifest, indent=2))
    return StitchResult(csv_path, plots, rows)


def yaml_dump(sc: Scenario) -> str:
    return yaml.safe_dump(sc.model_dump(mode="json"), sort_keys=False)
