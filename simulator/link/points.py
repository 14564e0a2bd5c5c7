"""A link study's points: its replicate rows aggregated over the replicate axis.

The store keeps one row per replicate (a unit's seed: its anchors, heads, pilots,
fading and noise, :class:`~semcom.simulator.link.rows.ResultRow`); ``results.csv``
has one row per *point* (a set-up at one SNR point and semantic equaliser), what a
paper reports: the mean over replicates with the Student-t interval over replicates
(:func:`~semcom.simulator.results.intervals.replicate_interval`), which covers every
factor a replicate redraws, and beside it the Wilson interval of the pooled test
decisions (``accuracy_wilson_low``/``accuracy_wilson_high``), which covers the test
samples' noise only. With one replicate there is no interval over replicates: its
columns are empty and the figures draw the Wilson band, saying so.

Three replicates of one point (a run's rows: ``read_rows("runs/quickstart")``):

>>> rows = [dict(tx_model="a", rx_model="b", snr_db=20.0, semantic_equalizer="relative", seed=s,
...              accuracy=a, n_samples=539) for s, a in ((1, 0.80), (2, 0.70), (3, 0.75))]
>>> p = point_rows(rows)[0]
>>> p["replicates"], p["accuracy"], p["accuracy_low"], p["accuracy_high"]
(3, 0.75, 0.625793, 0.874207)
>>> p["accuracy_wilson_low"], p["accuracy_wilson_high"]     # the pooled 1,617 decisions: far narrower
(0.727843, 0.770046)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..results.intervals import replicate_interval
from ..results.metrics import wilson_interval
from ..results.cells import format_cell
from ..run.stopping import PointState, target_met
from ..scenario.reading import stored_scenario
from ..scenario.stop import StopSpec

__all__ = [
    "POINT_AXES",
    "POINT_COLUMNS",
    "POINT_KEY",
    "point_rows",
    "group_points",
    "aggregate",
    "point_states",
    "stored_stop",
]

#: What tells one point from another (every replicate of a point shares these values).
POINT_KEY = (
    "scenario",
    "tx_model",
    "rx_model",
    "channel",
    "scheme",
    "bits",
    "anchor_selection",
    "num_anchors",
    "channel_uses",
    "semantic_equalizer",
    "snr_db",
)

#: What describes a point's set-up: the first columns of results.csv.
_DESCRIPTION = (
    "scenario",
    "tx_model",
    "rx_model",
    "channel",
    "snr_db",
    "num_anchors",
    "anchor_selection",
    "scheme",
    "bits",
    "semantic_equalizer",
    "channel_equalizer",
    "csi",
)

#: The study axes of a point: its set-up without the scenario's name (figures average over none).
POINT_AXES = _DESCRIPTION[1:]

#: Columns of results.csv (one row per point), in order.
POINT_COLUMNS = [
    *_DESCRIPTION,
    "replicates",
    "channel_uses",
    "bits_per_sample",
    "n_samples",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "accuracy_half_width",
    "accuracy_wilson_low",
    "accuracy_wilson_high",
    "target_met",
    "nmse",
    "ber",
    "bler",
    "native_accuracy",
    "setup_channel_uses",
    "side_channel_uses",
    "top5_accuracy",
    "top5_accuracy_low",
    "top5_accuracy_high",
    "mrr",
    "mrr_low",
    "mrr_high",
    "passes",
    "block_errors",
    "codewords",
]

#: The columns a point copies from its first replicate (the rest aggregate its replicates).
_SETUP = (*_DESCRIPTION, "channel_uses", "bits_per_sample", "setup_channel_uses", "side_channel_uses")


def _num(v: Any) -> Optional[float]:
    return None if v is None or v == "" else float(v)


def _mean(values: list) -> Optional[float]:
    vals = [float(v) for v in values if v is not None and v != ""]
    return sum(vals) / len(vals) if vals else None


def _sum(values: list) -> Optional[int]:
    vals = [int(v) for v in values if v is not None and v != ""]
    return sum(vals) if vals else None


def group_points(rows: list[dict]) -> dict[tuple, list[dict]]:
    """Replicate rows by point (:data:`POINT_KEY`), points in the order they first appear."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(
            tuple(_num(r.get(k)) if k in ("snr_db", "channel_uses") else r.get(k) for k in POINT_KEY), []
        ).append(r)
    return groups


def _interval(replicates: list[dict], column: str):
    """The interval over replicates of ``column``, `None` where the rows do not have it."""
    values = [float(r[column]) for r in replicates if r.get(column) not in (None, "")]
    return replicate_interval(values) if values else None


def aggregate(replicates: list[dict]) -> dict[str, Any]:
    """One point's row from its replicate rows (target_met left empty: :func:`point_rows` fills it)."""
    first = replicates[0]
    acc = replicate_interval([float(r["accuracy"]) for r in replicates])
    n = [int(r["n_samples"]) for r in replicates if r.get("n_samples") not in (None, "")]
    wilson = (None, None)
    if len(n) == len(replicates):
        wilson = wilson_interval(sum(round(float(r["accuracy"]) * k) for r, k in zip(replicates, n)), sum(n))
    top5, mrr = _interval(replicates, "top5_accuracy"), _interval(replicates, "mrr")
    row = {k: first.get(k) for k in _SETUP}
    row.update(
        replicates=acc.replicates,
        n_samples=(n[0] if len(set(n)) == 1 else round(sum(n) / len(n))) if n else None,
        accuracy=acc.mean,
        accuracy_low=acc.low,
        accuracy_high=acc.high,
        accuracy_half_width=acc.half_width,
        accuracy_wilson_low=wilson[0],
        accuracy_wilson_high=wilson[1],
        target_met=None,
        nmse=_mean([r.get("nmse") for r in replicates]),
        ber=_mean([r.get("ber") for r in replicates]),
        bler=_mean([r.get("bler") for r in replicates]),
        native_accuracy=_mean([r.get("native_accuracy") for r in replicates]),
        top5_accuracy=top5 and top5.mean,
        top5_accuracy_low=top5 and top5.low,
        top5_accuracy_high=top5 and top5.high,
        mrr=mrr and mrr.mean,
        mrr_low=mrr and mrr.low,
        mrr_high=mrr and mrr.high,
        passes=int(first.get("passes") or 1),
        block_errors=_sum([r.get("block_errors") for r in replicates]),
        codewords=_sum([r.get("codewords") for r in replicates]),
    )
    return row


def point_states(points: list[dict], stop: Optional[StopSpec]) -> list[PointState]:
    """The stopping rule's view of each point row (same order). ``target_bler`` ends the
    block-error count above a series' first SNR point whose block error rate is at or below it."""
    done_above: dict[tuple, float] = {}
    if stop is not None and stop.target_bler is not None:
        for p in sorted(points, key=lambda p: float(p["snr_db"])):
            series = tuple(p.get(k) for k in POINT_KEY if k != "snr_db")
            if series in done_above or not p.get("codewords"):
                continue
            if int(p["block_errors"]) <= stop.target_bler * int(p["codewords"]):
                done_above[series] = float(p["snr_db"])
    states = []
    for p in points:
        series = tuple(p.get(k) for k in POINT_KEY if k != "snr_db")
        hw = p["accuracy_half_width"]
        states.append(
            PointState(
                replicates=int(p["replicates"]),
                half_width=float("nan") if hw is None else float(hw),
                block_errors=p.get("block_errors"),
                codewords=p.get("codewords"),
                blocks_done=series in done_above and float(p["snr_db"]) > done_above[series],
            )
        )
    return states


def point_rows(rows: list[dict], stop: Optional[StopSpec] = None) -> list[dict[str, Any]]:
    """``results.csv``'s rows: every point of ``rows`` (replicate rows, any order of seeds)
    aggregated over its replicates, values formatted as the store formats them;
    ``target_met`` says whether the point met ``stop``'s targets (empty without ``stop``)."""
    points = [aggregate(group) for group in group_points(rows).values()]
    for p, state in zip(points, point_states(points, stop)):
        p["target_met"] = target_met(state, stop)
    return [{k: format_cell(p.get(k)) for k in POINT_COLUMNS} for p in points]


def stored_stop(out_dir) -> Optional[StopSpec]:
    """The ``stop`` of the run in ``out_dir`` (its ``scenario.yaml``), `None` when it has none."""
    stop = stored_scenario(Path(out_dir) / "scenario.yaml").get("stop")
    return StopSpec.model_validate(stop) if isinstance(stop, dict) else None
