"""A table's mapping fitted on link-level runs over frequency-selective channels (a table set
built on its own; a system study fits it on its own messages instead, :mod:`~.regime`).

For each table, the unit behind it runs on every calibration channel (OFDM TDL-A and CDL-C by
default) at the calibration SNRs, with Sionna's generator seeded for calibration
(realisations distinct from the validation's). Each sample's SINRs (post-equalisation, per
symbol) map to one effective SINR under the table's mapping (:mod:`~.mappings`); the predicted
accuracy of a run is the mean of the held-out table's accuracy at the samples' effective SINRs
(each sample read by the table of the other half of the test set, :mod:`~.folds`). EESM's β is
fitted over all calibration runs (:func:`~.fitting.fit_mapping`, which also reports the
power-mean order the runs choose and whether they pin either down), and the runs are written to
``calibration.csv`` with the fitted prediction beside them.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..run.context import study_data
from ..results.metrics import wilson_interval
from ..run.randomness import derive_seed
from .fitting import fit_mapping
from .folds import split_folds
from .mappings import effective_sinr
from .observe import observe_unit, say
from .rows import config_cells

__all__ = ["calibrate", "predict_accuracy"]


def predict_accuracy(
    table,
    sinr_db: np.ndarray,
    folds: Optional[np.ndarray] = None,
    mapping: Optional[str] = None,
    param: Optional[float] = None,
) -> np.ndarray:
    """Predicted accuracy of runs from per-sample per-symbol SINRs.

    :input sinr_db: [S, N, R], float: SINR [dB] of the R symbols of each of N samples, S runs.
    :input folds: [N] the test-set half of each sample: each is then read by the table of the other
        half (:meth:`~.table.AbstractionTable.held_out`); `None`: by the whole table.
    :param mapping, param: the mapping and its parameter (default: the table's own).
    :output accuracy: [S], np.float64: mean over samples of the table's accuracy at each effective SINR.
    """
    eff = table.effective_sinr_db(sinr_db) if mapping is None else effective_sinr(mapping, sinr_db, param)
    if folds is None:
        return table.accuracy_at(eff).mean(-1)
    acc = np.empty(eff.shape)
    for f in np.unique(folds):
        acc[..., folds == f] = table.held_out(int(f)).accuracy_at(eff[..., folds == f])
    return acc.mean(-1)


def _by_unit(tables):
    units: dict = {}
    for table, (unit, eq) in tables:
        units.setdefault(unit, []).append((table, eq))
    return units


def calibrate(spec, tables, progress=None) -> list[dict]:
    """Fit every table's mapping (in place: ``eesm_beta``, ``beta_fit``); the rows of ``calibration.csv``."""
    cal = spec.calibration
    if cal.beta is not None:
        for table, _ in tables:
            table.eesm_beta, table.beta_fit = float(cal.beta), {"method": "given"}
        return []
    snr = cal.snr_values()
    ids = {id(t): i for i, (t, _) in enumerate(tables)}
    data = study_data(spec.link_scenario())
    folds = split_folds(data.labels[data.test_idx].numpy(), spec.seed)
    rows = []
    for unit, members in _by_unit(tables).items():
        obs = {}
        for cname, ch in cal.channels.items():
            sc = spec.unit_scenario(unit, ch.model_dump(), snr, name_suffix=f"-calibration-{cname}")
            for p in range(cal.passes):  # independent channel realisations per pass
                purpose = ("abstraction-calibration", cname, unit.key) + ((p,) if p else ())
                obs[(cname, p)] = observe_unit(sc, unit, derive_seed(unit.seed, *purpose))
            say(progress, f"abstraction: calibration {unit.describe()} on {cname}")
        for table, eq in members:
            runs = list(obs.values())
            measured = np.concatenate([o.correct[eq].mean(-1) for o in runs])
            counts = np.concatenate([np.full(len(o.snr_db), o.correct[eq].shape[1]) for o in runs])
            beta, fit = fit_mapping(
                table.mapping,
                lambda m, v, table=table, runs=runs: np.concatenate(
                    [predict_accuracy(table, o.sinr_db, folds, m, v) for o in runs]
                ),
                measured,
                counts,
                cal.beta_range,
            )
            fit["sinr_spread_db"] = float(
                np.mean([np.mean(o.sinr_db.max(-1) - o.sinr_db.min(-1)) for o in runs])
            )
            table.eesm_beta, table.beta_fit = beta, fit
            for (cname, p), o in obs.items():
                pred = predict_accuracy(table, o.sinr_db, folds)
                n = o.correct[eq].shape[1]
                for s, snr_db in enumerate(o.snr_db):
                    k = int(o.correct[eq][s].sum())
                    lo, hi = wilson_interval(k, n)
                    rows.append(
                        dict(
                            config_cells(table, ids[id(table)]),
                            regime="channel",
                            channel=cname,
                            channel_model=cal.channels[cname].model,
                            calibration_pass=p,
                            snr_db=float(snr_db),
                            n_samples=n,
                            accuracy=k / n,
                            accuracy_low=lo,
                            accuracy_high=hi,
                            predicted_accuracy=float(pred[s]),
                            eesm_beta=beta,
                        )
                    )
    return rows
