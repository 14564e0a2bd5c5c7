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

import numpy as np

from ..results.metrics import wilson_interval
from ..run.randomness import derive_seed
from .eesm import effective_sinr_db
from .observe import observe_unit, say

__all__ = ["calibrate", "predict_accuracy", "fit_beta", "BETA_STEPS_PER_DECADE"]

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


def fit_beta(table, observations: list[tuple[np.ndarray, np.ndarray]], lo: float, hi: float) -> tuple[float, dict]:
    """β minimising the squared accuracy error over ``observations`` = [(sinr_db [S, N, R], measured [S])].

    Returns (β, {"method": "calibrated", "rmse", "max_abs_error", "points"}).
    """
    measured = np.concatenate([m for _, m in observations])
    best = None
    for beta in beta_grid(lo, hi):
        pred = np.concatenate([predict_accuracy(table, s, float(beta)) for s, _ in observations])
        err = float(np.sum((pred - measured) ** 2))
        if best is None or err < best[0] - 1e-15:
            best = (err, float(beta), pred)
    _, beta, pred = best
    diff = pred - measured

    def rmse_at(b: float) -> float:
        p = np.concatenate([predict_accuracy(table, s, b) for s, _ in observations])
        return float(np.sqrt(np.mean((p - measured) ** 2)))

    # how well the runs pin beta down: the error at the ends of the search interval
    # (beta -> small: the weakest RE decides; beta -> large: the mean SINR decides)
    return beta, {"method": "calibrated", "rmse": float(np.sqrt(np.mean(diff ** 2))),
                  "max_abs_error": float(np.max(np.abs(diff))), "points": int(len(measured)),
                  "rmse_at_beta_low": rmse_at(lo), "rmse_at_beta_high": rmse_at(hi),
                  "sinr_spread_db": float(np.mean([np.mean(s.max(-1) - s.min(-1)) for s, _ in observations]))}


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
            pairs = [(o.sinr_db, o.correct[eq].mean(-1)) for o in obs.values()]
            beta, fit = fit_beta(table, pairs, *cal.beta_range)
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
