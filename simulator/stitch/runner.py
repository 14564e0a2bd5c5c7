"""Stitching study: the transmitter × receiver accuracy matrix of every semantic equaliser.

The table relative-representation papers report: for every ordered pair of agents
(the diagonal is an agent talking to itself), the accuracy of each semantic equaliser
**noise-free** (the message reaches the receiver exactly, no channel) and **through the
scenario's channel and scheme at one SNR**. Anchors, heads and equalisers are those of
the link-level engine, so the matrix agrees with link-level studies point for point.

Its run goes through the lifecycle every kind shares (:class:`StitchRunner`). Outputs, as for
any run (so ``semcom results|plot|report DIR`` work on it):
``DIR/results.sqlite`` (the store, one unit holding the whole table; a rerun of the same
study reuses it), ``DIR/stitching.csv`` (tidy), ``DIR/scenario.yaml``, ``DIR/manifest.json``,
``DIR/plots/stitching_<condition>.png|pdf`` (heat maps, one panel per equaliser), and the
latent geometry behind them (:mod:`semcom.transceivers.geometry`, on the pool latents):
``DIR/collapse.csv`` (a neural-collapse index per agent), ``DIR/cka.csv`` (linear CKA per
pair) and ``DIR/plots/cka.png|pdf``.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import torch

from semcom.core.errors import ScenarioError
from semcom.core.settings import is_number
from semcom.transceivers.geometry import collapse_index, linear_cka
from semcom.transceivers.semantic import build_equalizer

from ..link.checks import check_scenario
from ..link.engine import build_link, head_weight_decay, run_unit
from ..link.metrics import accuracy_counts
from ..link.resolved import resolve_unit
from ..link.schema import Scenario
from ..link.units import Unit
from ..results.metrics import wilson_interval
from ..results.store import write_csv
from ..run.context import latent_space, study_data
from ..run.lifecycle import StudyRunner
from .units import StitchUnit

__all__ = [
    "STITCH_COLUMNS",
    "COLLAPSE_COLUMNS",
    "CKA_COLUMNS",
    "NOISE_FREE",
    "stitch_rows",
    "geometry_rows",
    "StitchRunner",
    "run_stitch_unit",
]

STITCH_COLUMNS = [
    "scenario",
    "condition",
    "snr_db",
    "tx_model",
    "rx_model",
    "semantic_equalizer",
    "num_anchors",
    "anchor_selection",
    "channel",
    "seed",
    "n_samples",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "native_accuracy_tx",
    "native_accuracy_rx",
    "head_weight_decay",
]

COLLAPSE_COLUMNS = [
    "scenario",
    "model",
    "n_samples",
    "num_classes",
    "class_mean_cosine",
    "class_mean_cosine_std",
    "simplex_cosine",
    "within_class_cosine",
]
CKA_COLUMNS = ["scenario", "model_a", "model_b", "n_samples", "cka"]

NOISE_FREE = "noise-free"


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
        eq = build_equalizer(name, sc.semantic_equalizers.get(name), link)  # named receivers too
        message = messages[eq.message] if eq.message_key == eq.message else eq.encode(link.tx.latents[test])
        correct = int(accuracy_counts(eq(message[None]), labels)[0])
        lo, hi = wilson_interval(correct, n)
        rows.append(
            dict(
                condition=NOISE_FREE,
                snr_db=None,
                semantic_equalizer=name,
                n_samples=n,
                accuracy=correct / n,
                accuracy_low=lo,
                accuracy_high=hi,
                native_accuracy_tx=float(native_tx),
                native_accuracy_rx=float(native_rx),
                head_weight_decay=head_weight_decay(eq, 0),
            )
        )
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
        unit = Unit(
            seed=int(seed),
            transmitter=tx,
            receiver=rx,
            channel=sc.axis("channel")[0],
            scheme=sc.axis("scheme")[0],
            anchor_selection=sc.axis("anchor_selection")[0],
            num_anchors=int(sc.axis("num_anchors")[0]),
            bits=sc.axis("bits")[0],
        )
        common = dict(
            scenario=sc.name,
            tx_model=tx,
            rx_model=rx,
            num_anchors=unit.num_anchors,
            anchor_selection=unit.anchor_selection,
            channel=unit.channel,
            seed=unit.seed,
        )
        clean = _noise_free(sc, unit)
        natives = {k: clean[0][k] for k in ("native_accuracy_tx", "native_accuracy_rx")}
        rows += [{**common, **r} for r in clean]
        for r in run_unit(noisy_sc, unit):
            rows.append(
                {
                    **common,
                    **natives,
                    "condition": f"{snr:g} dB",
                    "snr_db": snr,
                    **{
                        k: r[k]
                        for k in (
                            "semantic_equalizer",
                            "n_samples",
                            "accuracy",
                            "accuracy_low",
                            "accuracy_high",
                            "head_weight_decay",
                        )
                    },
                }
            )
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
        collapse.append(
            dict(
                scenario=sc.name,
                model=a,
                n_samples=len(pool),
                num_classes=int(labels.unique().numel()),
                class_mean_cosine=index.class_mean_cosine,
                class_mean_cosine_std=index.class_mean_cosine_std,
                simplex_cosine=index.simplex_cosine,
                within_class_cosine=index.within_class_cosine,
            )
        )
    cka = [
        dict(
            scenario=sc.name, model_a=a, model_b=b, n_samples=len(pool), cka=linear_cka(spaces[a], spaces[b])
        )
        for a, b in itertools.product(agents, agents)
    ]
    return _rounded(collapse), _rounded(cka)


def _rounded(rows: list[dict]) -> list[dict]:
    return [
        {k: (float(f"{v:.6g}") if isinstance(v, float) and math.isfinite(v) else v) for k, v in r.items()}
        for r in rows
    ]


def stitch_snr(snr_db):
    """The SNR of the noisy table as given (`None`: the sweep's highest), refused in one line
    unless a finite number: rows at "nan dB" would read as a measured condition."""
    if snr_db is not None and not (is_number(snr_db) and abs(snr_db) < 1e6):  # NaN fails too
        raise ScenarioError(
            "snr_db",
            snr_db,
            "must be a finite SNR in dB",
            "give e.g. --snr-db 10 (snr_db=10), or leave it out for the sweep's highest SNR",
        )
    return snr_db


def run_stitch_unit(sc: Scenario, unit: StitchUnit) -> list[dict]:
    """The rows of the stitching table (what the executors call)."""
    return stitch_rows(sc, unit.snr_db)


class StitchRunner(StudyRunner):
    """A stitching table's run: one unit in the store, ``stitching.csv`` and, once complete,
    the latent geometry (``collapse.csv``, ``cka.csv``). Options: ``snr_db``."""

    kind = "stitch"
    hash_tag = "stitch"
    run_unit = staticmethod(run_stitch_unit)
    check = staticmethod(check_scenario)

    def identity(self, sc: Scenario, options: dict) -> dict:
        """The whole scenario but its description, and the SNR of the noisy table."""
        return {
            "kind": "stitch",
            "snr_db": options.get("snr_db"),
            "scenario": sc.model_dump(mode="json", exclude={"description", "figure"}),
        }

    def units(self, sc: Scenario, state, options: dict) -> list:
        return [StitchUnit(stitch_snr(options.get("snr_db")))]

    def export(self, sc: Scenario, out_dir: Path, rows: list[dict], state, complete: bool) -> Path:
        write_csv(rows, out_dir / "stitching.csv", STITCH_COLUMNS)
        if complete:
            collapse, cka = geometry_rows(sc)
            write_csv(collapse, out_dir / "collapse.csv", COLLAPSE_COLUMNS)
            write_csv(cka, out_dir / "cka.csv", CKA_COLUMNS)
        return out_dir / "stitching.csv"

    def manifest_extra(self, sc: Scenario, state, options: dict) -> dict:
        return {"snr_db": options.get("snr_db")}
