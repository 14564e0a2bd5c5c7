"""What predicts a message's accuracy from the SINRs of its REs: the table read at the
message's EESM effective SINR, beside the predictors it must beat.

* ``predicted``: the table at the message's effective SINR under the table's mapping (:mod:`~.mappings`);
* ``mean_sinr`` and ``min_sinr``: the table at the arithmetic mean (β → ∞) and at the minimum
  (β → 0) of the message's linear SINRs: β-free baselines that show what fitting β earns;
* ``max_sinr``: the table at the strongest RE, and ``plus_1db`` / ``minus_1db``: the effective
  SINR shifted by ±1 dB: predictors a validation must be able to reject.

Every message is read by the table of the half of the test set its sample is *not* in
(:mod:`~.folds`), so no prediction comes from the sample it predicts.

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.predictors import baseline_sinrs_db
    s = baseline_sinrs_db(np.array([[0.0, 10.0, np.nan]]))
    print({k: np.round(v, 2).tolist() for k, v in s.items()})   # mean 7.4, min 0.0, max 10.0 dB
"""

from __future__ import annotations

import numpy as np

__all__ = ["PREDICTORS", "baseline_sinrs_db", "message_predictions", "SHIFT_DB"]

#: Names of the predictions of :func:`message_predictions`, the table's own first.
PREDICTORS = ("predicted", "mean_sinr", "min_sinr", "max_sinr", "plus_1db", "minus_1db")
#: The shift of the shifted controls [dB].
SHIFT_DB = 1.0


def baseline_sinrs_db(sinr_db: np.ndarray) -> dict[str, np.ndarray]:
    """The β-free readings of per-RE SINRs [..., W] (NaN-padded): ``mean_sinr`` (of the linear
    SINRs, in dB), ``min_sinr`` and ``max_sinr`` [dB], each [...]."""
    s = np.asarray(sinr_db, dtype=np.float64)
    used = np.isfinite(s)
    lin = np.where(used, 10.0 ** (np.where(used, s, 0.0) / 10.0), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = 10.0 * np.log10(lin.sum(-1) / used.sum(-1))
    return {
        "mean_sinr": mean,
        "min_sinr": np.where(used, s, np.inf).min(-1),
        "max_sinr": np.where(used, s, -np.inf).max(-1),
    }


def message_predictions(table, sinr_db: np.ndarray, folds: np.ndarray) -> dict[str, np.ndarray]:
    """Every predictor of :data:`PREDICTORS` for each message, [n] each.

    :param table: the :class:`~.table.AbstractionTable` (with per-fold counts; its mapping and β).
    :param sinr_db: [n, W] per-RE SINRs [dB] (NaN-padded). :param folds: [n] the fold of each message's sample.
    """
    eff = table.effective_sinr_db(sinr_db)
    readings = {
        "predicted": eff,
        **baseline_sinrs_db(sinr_db),
        "plus_1db": eff + SHIFT_DB,
        "minus_1db": eff - SHIFT_DB,
    }
    out = {name: np.empty(len(eff)) for name in PREDICTORS}
    for f in np.unique(folds):
        m = folds == f
        held = table.held_out(int(f))
        for name in PREDICTORS:
            out[name][m] = held.accuracy_at(readings[name][m])
    return out
