"""Fitting a mapping's parameter to link-level points, and saying how well the points pin it down.

A calibration point is a set of messages (a run at one mean SNR, or an estimate bin of a system
study's messages) with its link-level accuracy; a mapping predicts it as the mean of the table's
accuracy at each message's effective SINR. :func:`fit_parameter` scans a log grid of the
parameter and minimises χ² = Σ (predicted − measured)² / var (binomial variance of each
point); its 95% profile interval (Δχ² ≤ 3.84, scaled by χ²_min/(P−1) when the fit is worse than
the noise) says how well the points identify it, and a parameter whose interval reaches an end
of the grid is reported as not identifiable (``flat`` when it reaches both: any value fits as
well) instead of as that end.

:func:`fit_mapping` fits what a table's mapping needs (β for ``eesm``; nothing for
``mean_noise``) and, for every table, the order ρ of the power-mean family as a diagnostic
(ρ = 1 is ``mean_noise``): the scale-invariant mapping the points choose.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "fit_parameter",
    "fit_beta",
    "fit_mapping",
    "beta_grid",
    "describe_fit",
    "BETA_STEPS_PER_DECADE",
    "POWER_ORDER_GRID",
    "CHI2_95",
]

#: Resolution of the β search (log grid): 20 steps per decade, about 12 % apart.
BETA_STEPS_PER_DECADE = 20
#: The power-mean orders scanned (0.03 .. 30, log grid, 20 per decade).
POWER_ORDER_GRID = np.round(10.0 ** (np.arange(-30, 31) / 20.0), 6)
#: Δχ² of a 95% profile interval for one parameter.
CHI2_95 = 3.841


def beta_grid(lo: float, hi: float) -> np.ndarray:
    n = int(math.ceil(math.log10(hi / lo) * BETA_STEPS_PER_DECADE))
    return np.round(lo * 10.0 ** (np.arange(n + 1) / BETA_STEPS_PER_DECADE), 6)


def _rmse(pred: np.ndarray, measured: np.ndarray) -> float:
    return float(np.sqrt(np.mean((pred - measured) ** 2)))


def fit_parameter(predict: Callable[[float], np.ndarray], measured, counts, grid) -> tuple[float, dict]:
    """The value on ``grid`` minimising χ² of ``predict(value)`` [P] against ``measured`` [P]
    (``counts`` [P] decisions each); returns (value, {``rmse``, ``max_abs_error``, ``points``,
    ``low``, ``high``: its 95% interval widened by one grid step, ``identifiable``, ``flat``,
    ``rmse_at_low``, ``rmse_at_high``: the error at the grid's ends})."""
    measured = np.asarray(measured, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    var = np.maximum(measured * (1.0 - measured), 0.01) / np.maximum(counts, 1.0)
    preds = np.stack([np.asarray(predict(float(v)), dtype=np.float64) for v in grid])  # [V, P]
    chi2 = (((preds - measured) ** 2) / var).sum(-1)
    best = int(np.argmin(chi2))
    scale = max(1.0, float(chi2[best]) / max(len(measured) - 1, 1))
    inside = np.flatnonzero((chi2 - chi2[best]) / scale <= CHI2_95)
    low_end, high_end = bool(inside[0] == 0), bool(inside[-1] == len(grid) - 1)
    return float(grid[best]), {
        "rmse": _rmse(preds[best], measured),
        "max_abs_error": float(np.max(np.abs(preds[best] - measured))),
        "points": int(len(measured)),
        "low": float(grid[max(inside[0] - 1, 0)]),
        "high": float(grid[min(inside[-1] + 1, len(grid) - 1)]),
        "identifiable": not (low_end or high_end),
        "flat": low_end and high_end,
        "rmse_at_low": _rmse(preds[0], measured),
        "rmse_at_high": _rmse(preds[-1], measured),
    }


def fit_beta(
    predict: Callable[[float], np.ndarray], measured, counts, lo: float, hi: float
) -> tuple[float, dict]:
    """EESM β on the log grid over [lo, hi] (:func:`fit_parameter`); the fit's keys as ``beta_low``,
    ``beta_high``, ``rmse_at_beta_low``, ``rmse_at_beta_high``, with ``method: calibrated``."""
    beta, fit = fit_parameter(predict, measured, counts, beta_grid(lo, hi))
    out = {
        "method": "calibrated",
        **{k: fit[k] for k in ("rmse", "max_abs_error", "points", "identifiable", "flat")},
    }
    out.update(
        beta_low=fit["low"],
        beta_high=fit["high"],
        rmse_at_beta_low=fit["rmse_at_low"],
        rmse_at_beta_high=fit["rmse_at_high"],
    )
    return beta, out


def fit_mapping(
    mapping: str,
    predict: Callable[[str, float], np.ndarray],
    measured,
    counts,
    beta_range: tuple[float, float],
) -> tuple[float, dict]:
    """(β, fit) of a table whose mapping is ``mapping``: EESM's β fitted (:func:`fit_beta`), NaN for a
    mapping without one (its error in the fit); beside it, the power-mean order the points choose
    (``power_order``, ``power_order_low``, ``power_order_high``, ``power_order_identifiable``).

    :param predict: (mapping, parameter) ↦ [P] predicted accuracies of the points.
    """
    measured = np.asarray(measured, dtype=np.float64)
    if mapping == "eesm":
        beta, fit = fit_beta(lambda b: predict("eesm", b), measured, counts, *beta_range)
    else:
        pred = np.asarray(predict(mapping, None), dtype=np.float64)
        beta, fit = (
            float("nan"),
            {
                "method": "none",
                "rmse": _rmse(pred, measured),
                "max_abs_error": float(np.max(np.abs(pred - measured))),
                "points": int(len(measured)),
            },
        )
    rho, pf = fit_parameter(lambda r: predict("power", r), measured, counts, POWER_ORDER_GRID)
    fit.update(
        mapping=mapping,
        power_order=rho,
        power_order_low=pf["low"],
        power_order_high=pf["high"],
        power_order_identifiable=pf["identifiable"],
        power_order_rmse=pf["rmse"],
    )
    return beta, fit


def describe_fit(beta: float, fit: dict) -> str:
    """One line on a table's mapping fit: β (or none), whether the points pin it down, the fit's
    error, and the power-mean order the points choose."""
    method = fit.get("method")
    if method == "calibrated":
        head = (
            f"EESM beta {beta:g} [{fit['beta_low']:g}, {fit['beta_high']:g}]"
            if fit["identifiable"]
            else f"EESM beta not identifiable (flat: any beta in [{fit['beta_low']:g}, {fit['beta_high']:g}] fits as "
            f"well; {beta:g} used)"
            if fit["flat"]
            else f"EESM beta not identifiable (only bounded: [{fit['beta_low']:g}, {fit['beta_high']:g}] reaches an "
            f"end of the search; {beta:g} used)"
        )
    elif method == "none":
        head = f"{fit.get('mapping', 'mean_noise')} (no beta)"
    else:
        return f"beta {beta:g} ({method or 'given'})"
    line = f"{head}, RMSE {fit['rmse']:.3f} (max {fit['max_abs_error']:.3f}) over {fit['points']} points"
    if "power_order" in fit:
        pin = "" if fit["power_order_identifiable"] else ", not identifiable"
        line += (
            f"; power-mean order chosen by the points {fit['power_order']:g} [{fit['power_order_low']:g}, "
            f"{fit['power_order_high']:g}{pin}] (1 = mean_noise)"
        )
    return line
