"""Rows of the calibration and validation files (``calibration.csv``, ``abstraction_validation.csv``):
a configuration's columns and one validation point from per-message predictions and decisions."""

from __future__ import annotations

import numpy as np

from ..results.metrics import wilson_interval
from .predictors import PREDICTORS

__all__ = ["MARGIN", "config_cells", "validation_row"]

#: ``|predicted − link-level accuracy|`` a validation point may miss by and still count as within margin.
MARGIN = 0.015


def validation_row(
    table,
    table_id: int,
    regime: str,
    channel: str,
    channel_model: str,
    predictions: dict,
    correct: np.ndarray,
    **extra,
) -> dict:
    """One point of ``abstraction_validation.csv`` from per-message predictions (:data:`~.predictors.PREDICTORS`)
    and link-level decisions."""
    n = int(len(correct))
    k = int(np.sum(correct))
    lo, hi = wilson_interval(k, n)
    link = k / n if n else float("nan")
    pred = float(np.mean(predictions["predicted"])) if n else float("nan")
    row = dict(
        config_cells(table, table_id),
        regime=regime,
        channel=channel,
        channel_model=channel_model,
        mapping=table.mapping,
        eesm_beta=table.eesm_beta,
        n_samples=n,
        predicted_accuracy=pred,
        link_accuracy=link,
        link_low=lo,
        link_high=hi,
        error=pred - link,
        within_margin=bool(abs(pred - link) <= MARGIN),
        inside_interval=bool(lo <= pred <= hi),
        **extra,
    )
    for name in PREDICTORS[1:]:
        row[f"{name}_prediction"] = float(np.mean(predictions[name])) if n else float("nan")
    return row


def config_cells(table, table_id: int) -> dict:
    """The configuration columns of a calibration or validation row."""
    c = table.config
    return dict(
        table=table_id,
        tx_model=c.tx_model,
        rx_model=c.rx_model,
        num_anchors=c.num_anchors,
        anchor_selection=c.anchor_selection,
        scheme=c.scheme,
        bits=c.bits,
        semantic_equalizer=c.semantic_equalizer,
    )
