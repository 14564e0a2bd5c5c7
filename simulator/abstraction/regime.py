"""Calibration and held-out validation of the tables in a system study's own regime.

The system engine, run with every configuration fixed on drops seeded apart from the study's,
records the messages it sends (:class:`~.patterns.MessagePatterns`: per-RE SINRs in symbol
order, the large-scale estimate, group and configuration). For each table the study reads:

1. ``messages`` of the messages sent with its configuration (by any group whose link it is)
   are drawn; each gets a test sample from a random half of the test set (:mod:`~.folds`) and is
   decoded by the link-level blocks at its per-RE SINRs (:func:`~.reference.decode_messages`);
2. the messages are drawn evenly from ``points`` equal-width bins of their large-scale estimate; a point's
   link-level accuracy is the share of its messages decided correctly, its prediction the mean of
   the held-out table's accuracy at each message's effective SINR (:mod:`~.predictors`);
3. calibration: the table's mapping is fitted over the points of the calibration drops (EESM's β;
   ``mean_noise`` has none), with the power-mean order the points choose beside it
   (:func:`~.fitting.fit_mapping`, which says when the points do not pin a parameter down);
   validation: on other drops and other messages, one row per point of ``abstraction_validation.csv``
   (``regime`` = ``system``) with the baselines beside the prediction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..results.metrics import wilson_interval
from ..run.randomness import derive_rng, derive_seed
from .fitting import describe_fit, fit_mapping
from .folds import NUM_FOLDS
from .mappings import effective_sinr
from .observe import say
from .predictors import message_predictions
from .reference import decode_messages
from .rows import config_cells, validation_row

__all__ = ["RegimeEntry", "DecodedMessages", "decode_for_table", "calibrate_in_regime", "validate_in_regime"]


@dataclass
class RegimeEntry:
    """One table a system study reads and the (group, configuration) pairs it serves.

    :ivar table_id: its id in the table set. :ivar table: the :class:`~.table.AbstractionTable`.
    :ivar keys: [(group, config)] indices of the study's arrangement (:class:`~.patterns.MessagePatterns`).
    """

    table_id: int
    table: object
    keys: list = field(default_factory=list)


@dataclass
class DecodedMessages:
    """Messages of one table decoded at the link level: the patterns, each message's test fold and
    its link-level decision, and the point (estimate bin) it belongs to with the bins' edges."""

    patterns: object
    folds: np.ndarray
    correct: np.ndarray
    point: np.ndarray
    edges: np.ndarray


def decode_for_table(
    entry: RegimeEntry,
    patterns,
    settings,
    test,
    purpose: str,
    seed: int,
    references: dict,
    build_reference: Callable,
) -> DecodedMessages | None:
    """Draw up to ``settings.messages`` of the table's messages, as many from each point (an equal-width
    bin of the large-scale estimate between its 1st and 99th percentile: the points cover the range of
    SINRs evenly, the cell edge as much as the crowded plateau), give each a test sample of a random
    fold and decode them; `None` when the engine sent none.

    :param test: (test_idx [N], folds [N]) of the study's test set.
    """
    mine = np.flatnonzero(
        np.isin(patterns.group * 100_000 + patterns.config, [g * 100_000 + c for g, c in entry.keys])
    )
    if len(mine) == 0:
        return None
    rng = derive_rng(seed, "abstraction-regime", purpose, entry.table_id)
    est = patterns.estimate_db[mine]
    edges = np.linspace(*np.quantile(est, [0.01, 0.99]), settings.points + 1)
    inside = (est >= edges[0]) & (est <= edges[-1])
    point_of = np.clip(np.searchsorted(edges, est, side="right") - 1, 0, settings.points - 1)
    per_point = max(1, settings.messages // settings.points)
    pick = np.sort(
        np.concatenate(
            [
                rng.choice(m, size=min(per_point, len(m)), replace=False)
                for m in (mine[inside & (point_of == p)] for p in range(settings.points))
            ]
        )
    )
    chosen = patterns.take(pick)
    test_idx, test_folds = test
    folds = rng.integers(NUM_FOLDS, size=len(chosen))
    samples = np.empty(len(chosen), dtype=np.int64)
    for f in range(NUM_FOLDS):
        m = folds == f
        samples[m] = rng.choice(test_idx[test_folds == f], size=int(m.sum()))
    correct = decode_messages(
        references, chosen, samples, derive_seed(seed, purpose, entry.table_id), build=build_reference
    )
    point = np.clip(np.searchsorted(edges, chosen.estimate_db, side="right") - 1, 0, settings.points - 1)
    return DecodedMessages(chosen, folds, correct, point, edges)


def _per_point(values: np.ndarray, point: np.ndarray, points: int) -> np.ndarray:
    return np.bincount(point, weights=values, minlength=points) / np.maximum(
        np.bincount(point, minlength=points), 1
    )


def _decoded(entries, decode):
    """(entry, its :class:`DecodedMessages`) for every entry the engine sent messages of."""
    for entry in entries:
        d = decode(entry)
        if d is not None:
            yield entry, d


def calibrate_in_regime(spec, entries: list[RegimeEntry], decode: Callable, progress=None) -> list[dict]:
    """Fit every entry's table mapping (in place: ``eesm_beta``, ``beta_fit``) on the calibration drops'
    messages; the rows of ``calibration.csv`` (``regime`` = ``system``). ``decode(entry)`` gives its
    :class:`DecodedMessages`."""
    cal = spec.calibration
    if cal.beta is not None:  # a given β: nothing to fit (nor to decode)
        for entry in entries:
            entry.table.eesm_beta, entry.table.beta_fit = float(cal.beta), {"method": "given"}
        return []
    rows = []
    for entry, d in _decoded(entries, decode):
        table, n_pts = entry.table, len(d.edges) - 1
        held = [table.held_out(f) for f in range(NUM_FOLDS)]
        counts = np.bincount(d.point, minlength=n_pts)
        measured = _per_point(d.correct.astype(np.float64), d.point, n_pts)

        def predict(mapping: str, param, d=d, held=held, n_pts=n_pts) -> np.ndarray:
            eff = effective_sinr(mapping, d.patterns.sinr_db, param)
            acc = np.empty(len(eff))
            for f in range(NUM_FOLDS):
                m = d.folds == f
                acc[m] = held[f].accuracy_at(eff[m])
            return _per_point(acc, d.point, n_pts)

        beta, fit = fit_mapping(table.mapping, predict, measured, counts, cal.beta_range)
        spread = np.nanmax(d.patterns.sinr_db, -1) - np.nanmin(d.patterns.sinr_db, -1)
        fit.update(regime="system", sinr_spread_db=float(np.mean(spread)))
        table.eesm_beta, table.beta_fit = beta, fit
        say(
            progress,
            f"abstraction: system-regime fit of {table.config.describe()}: {describe_fit(beta, fit)}",
        )
        pred = predict(table.mapping, beta)
        for p in range(n_pts):
            lo, hi = wilson_interval(int(round(measured[p] * counts[p])), int(counts[p]))
            rows.append(
                dict(
                    config_cells(table, entry.table_id),
                    regime="system",
                    channel="system",
                    channel_model="system",
                    sinr_estimate_low=float(d.edges[p]),
                    sinr_estimate_high=float(d.edges[p + 1]),
                    n_samples=int(counts[p]),
                    accuracy=float(measured[p]),
                    accuracy_low=lo,
                    accuracy_high=hi,
                    predicted_accuracy=float(pred[p]),
                    eesm_beta=beta,
                )
            )
    return rows


def validate_in_regime(entries: list[RegimeEntry], decode: Callable, progress=None) -> list[dict]:
    """Rows of ``abstraction_validation.csv`` (``regime`` = ``system``) on the validation drops' messages,
    with the tables' fitted β."""
    rows = []
    for entry, d in _decoded(entries, decode):
        table, n_pts = entry.table, len(d.edges) - 1
        preds = message_predictions(table, d.patterns.sinr_db, d.folds)
        for p in range(n_pts):
            m = d.point == p
            rows.append(
                validation_row(
                    table,
                    entry.table_id,
                    "system",
                    "system",
                    "system",
                    {k: v[m] for k, v in preds.items()},
                    d.correct[m],
                    sinr_estimate_low=float(d.edges[p]),
                    sinr_estimate_high=float(d.edges[p + 1]),
                )
            )
        say(
            progress,
            f"abstraction: system-regime validation of {table.config.describe()} ({len(d.correct)} messages)",
        )
    return rows
