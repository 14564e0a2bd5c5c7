"""EESM β per table, fitted on link-level runs over frequency-selective channels.

For each table, the unit behind it runs on every calibration channel (OFDM TDL-A and
CDL-C by default) at the calibration SNRs, with Sionna's generator seeded for
calibration (realisations distinct from the validation's). Each sample's SINRs
(post-equalisation, per symbol) are mapped to one effective SINR with
:func:`~semcom.simulator.abstraction.eesm.effective_sinr_db`; the predicted accuracy
of a run is the mean of the table's accuracy at the samples' effective SINRs. β is the
value on a log grid (:data:`BETA_STEPS_PER_DECADE` per decade over
``calibration.beta_range``) minimising the squared error between predicted and
link-level accuracy over all calibration runs; the fit error (RMSE, largest absolute
error, in accuracy) is stored with the table and the runs in ``calibration.csv``, with the
error at both ends of the β interval (``rmse_at_beta_low``: the weakest RE decides;
``rmse_at_beta_high``: the mean SINR decides) and the mean spread (max − min, dB) of
the SINRs within a message: when the spread is small, β hardly matters and is weakly
identified (any β predicts about as well).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..results.metrics import wilson_interval
from ..run.randomness import derive_seed
from .eesm import effective_sinr_db
from .observe import observe_unit, say

__all__ = ["calibrate", "predict_accuracy", "fit_beta", "describe_fit", "BETA_STEPS_PER_DECADE"]

#: Resolution of the β search (log grid): 20 steps per decade, about 12 % apart.
BETA_STEPS_PER_DECADE = 20


def predict_accuracy(table, sinr_db: np.ndarray, beta: float) -> np.ndarray:
    """Predicted accuracy of runs from per-sample per-symbol SINRs.

    :input sinr_db: [S, N, R], float: SINR [dB] of the R symbols of each of N samples, S runs.
    :output accuracy: [S], np.float64: mean over samples of the table's accuracy at each effective SINR.
    """
    eff = effective_sinr_db(sinr_db, beta)
    return table.accuracy_at(eff).mean(-1)


def beta_grid(lo: float, hi: float) -> np.ndarray:
    n = int(math.ceil(math.log10(hi / lo) * BETA_STEPS_PER_DECADE))
    return np.round(lo * 10.0 ** (np.arange(n + 1) / BETA_STEPS_PER_DECADE), 6)


#: Δχ² of a 95% profile interval for one parameter.
CHI2_95 = 3.841


def fit_beta(predict: Callable[[float], np.ndarray], measured, counts, lo: float, hi: float) -> tuple[float, dict]:
    """β on the log grid over [lo, hi] minimising the error of ``predict(β)`` against ``measured``.

    :param predict: β ↦ [P] predicted accuracies of P calibration points.
    :param measured: [P] link-level accuracies. :param counts: [P] decisions behind each.

    The objective is χ²(β) = Σ (predicted − measured)² / var, ``var = max(m(1−m), 0.01)/n``
    (binomial). Its 95% profile interval (Δχ² ≤ 3.84, scaled by χ²_min/(P−1) when the fit is
    worse than the noise) says how well the points pin β down: ``identifiable`` is false when it
    reaches an end of the search interval (``flat`` when it reaches both: the objective is flat
    over the whole range, any β predicts as well) and β is then only known to lie in
    [``beta_low``, ``beta_high``]. Returns (β, the fit: ``method``, ``rmse``, ``max_abs_error``,
    ``points``, ``beta_low``, ``beta_high``, ``identifiable``, ``flat``, ``rmse_at_beta_low``,
    ``rmse_at_beta_high``: the error at the interval's ends, the weakest RE or the mean SINR deciding).
    """
    measured = np.asarray(measured, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    var = np.maximum(measured * (1.0 - measured), 0.01) / np.maximum(counts, 1.0)
    grid = beta_grid(lo, hi)
    preds = np.stack([np.asarray(predict(float(b)), dtype=np.float64) for b in grid])      # [B, P]
    chi2 = (((preds - measured) ** 2) / var).sum(-1)
    best = int(np.argmin(chi2))
    scale = max(1.0, float(chi2[best]) / max(len(measured) - 1, 1))
    inside = np.flatnonzero((chi2 - chi2[best]) / scale <= CHI2_95)
    low_end, high_end = bool(inside[0] == 0), bool(inside[-1] == len(grid) - 1)
    diff = preds[best] - measured
    rmse = lambda p: float(np.sqrt(np.mean((p - measured) ** 2)))       # noqa: E731
    return float(grid[best]), {
        "method": "calibrated", "rmse": rmse(preds[best]), "max_abs_error": float(np.max(np.abs(diff))),
        # the interval's ends widened by one grid step (the grid resolves β to 12 %)
        "points": int(len(measured)), "beta_low": float(grid[max(inside[0] - 1, 0)]),
        "beta_high": float(grid[min(inside[-1] + 1, len(grid) - 1)]),
        "identifiable": not (low_end or high_end), "flat": low_end and high_end,
        "rmse_at_beta_low": rmse(preds[0]), "rmse_at_beta_high": rmse(preds[-1])}


def describe_fit(beta: float, fit: dict) -> str:
    """One line on a fitted β: its value, whether the points pin it down, and the fit's error."""
    if fit.get("method") != "calibrated":
        return f"beta {beta:g} ({fit.get('method', 'given')})"
    where = (f"beta {beta:g} [{fit['beta_low']:g}, {fit['beta_high']:g}]" if fit["identifiable"] else
             f"beta not identifiable (flat: any beta in [{fit['beta_low']:g}, {fit['beta_high']:g}] fits as well; "
             f"{beta:g} used)" if fit["flat"] else
             f"beta not identifiable (only bounded: [{fit['beta_low']:g}, {fit['beta_high']:g}] reaches an end of "
             f"the search; {beta:g} used)")
    return (f"{where}, RMSE {fit['rmse']:.3f} (max {fit['max_abs_error']:.3f}) over {fit['points']} points; "
            f"RMSE at the search's ends {fit['rmse_at_beta_low']:.3f} / {fit['rmse_at_beta_high']:.3f}")


def _by_unit(tables):
    units: dict = {}
    for table, (unit, eq) in tables:
        units.setdefault(unit, []).append((table, eq))
    return units


def calibrate(spec, tables, progress=None) -> list[dict]:
    """Fit β of every table (in place: ``eesm_beta``, ``beta_fit``); the rows of ``calibration.csv``."""
    cal = spec.calibration
    if cal.beta is not None:
        for table, _ in tables:
            table.eesm_beta, table.beta_fit = float(cal.beta), {"method": "given"}
        return []
    snr = cal.snr_values()
    ids = {id(t): i for i, (t, _) in enumerate(tables)}
    rows = []
    for unit, members in _by_unit(tables).items():
        obs = {}
        for cname, ch in cal.channels.items():
            sc = spec.link_scenario(ch.model_dump(), snr, name_suffix=f"-calibration-{cname}")
            for p in range(cal.passes):   # independent channel realisations per pass
                purpose = ("abstraction-calibration", cname, unit.key) + ((p,) if p else ())
                obs[(cname, p)] = observe_unit(sc, unit, derive_seed(unit.seed, *purpose))
            say(progress, f"abstraction: calibration {unit.describe()} on {cname}")
        for table, eq in members:
            runs = list(obs.values())
            measured = np.concatenate([o.correct[eq].mean(-1) for o in runs])
            counts = np.concatenate([np.full(len(o.snr_db), o.correct[eq].shape[1]) for o in runs])
            beta, fit = fit_beta(lambda b: np.concatenate([predict_accuracy(table, o.sinr_db, b) for o in runs]),
                                 measured, counts, *cal.beta_range)
            fit["sinr_spread_db"] = float(np.mean([np.mean(o.sinr_db.max(-1) - o.sinr_db.min(-1)) for o in runs]))
            table.eesm_beta, table.beta_fit = beta, fit
            for (cname, p), o in obs.items():
                pred = predict_accuracy(table, o.sinr_db, beta)
                n = o.correct[eq].shape[1]
                for s, snr_db in enumerate(o.snr_db):
                    k = int(o.correct[eq][s].sum())
                    lo, hi = wilson_interval(k, n)
                    rows.append(dict(_config_cells(table, ids[id(table)]), channel=cname,
                                     channel_model=cal.channels[cname].model, calibration_pass=p,
                                     snr_db=float(snr_db), n_samples=n,
                                     accuracy=k / n, accuracy_low=lo, accuracy_high=hi,
                                     predicted_accuracy=float(pred[s]), eesm_beta=beta))
    return rows


def _config_cells(table, table_id: int) -> dict:
    c = table.config
    return dict(table=table_id, tx_model=c.tx_model, rx_model=c.rx_model, num_anchors=c.num_anchors,
                anchor_selection=c.anchor_selection, scheme=c.scheme, bits=c.bits,
                semantic_equalizer=c.semantic_equalizer)
