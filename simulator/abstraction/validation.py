"""Validation of the tables against the link level on held-out data, and its summary.

Two regimes, one file (``abstraction_validation.csv``, one row per point, :func:`~.rows.validation_row`):

* ``regime = channel``: every table's unit runs on each validation channel family (Rayleigh
  block fading, OFDM TDL-A and CDL-C by default) at the validation SNRs, with Sionna's
  generator seeded for validation (realisations never used to build the table or fit β); a
  point is one (table, family, mean SNR) over the test set;
* ``regime = system``: messages of a system study's own engine on drops of their own
  (:mod:`~.regime`), written by the study beside these rows.

Every message is predicted by the table of the half of the test set its sample is not in
(:mod:`~.folds`): no decision is predicted by a table its sample helped build. A point is
``within_margin`` when ``|predicted − link-level accuracy|`` ≤ :data:`~.rows.MARGIN`; the β-free
baselines (table at the mean or at the minimum SINR of each message's REs) and the controls it
must beat (the strongest RE, the prediction shifted by ±1 dB) are in the same row, and
:func:`validation_summary` counts how often each of them is within the margin.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Iterable
from typing import Optional

import numpy as np

from ..run.context import study_data
from ..run.randomness import derive_seed
from .calibration import _by_unit
from .folds import split_folds
from .observe import observe_unit, say
from .predictors import PREDICTORS, message_predictions
from .rows import MARGIN, validation_row
from .tableset import VALIDATION_COLUMNS, write_dict_csv

__all__ = ["validate", "write_validation", "validation_summary"]


def validate(spec, tables, progress=None) -> list[dict]:
    """Rows of ``abstraction_validation.csv`` (``regime`` = ``channel``) for every table (β already fitted)."""
    val = spec.validation
    snr = val.snr_values()
    ids = {id(t): i for i, (t, _) in enumerate(tables)}
    data = study_data(spec.link_scenario())
    folds = split_folds(data.labels[data.test_idx].numpy(), spec.seed)
    rows = []
    for unit, members in _by_unit(tables).items():
        for cname, ch in val.channels.items():
            sc = spec.unit_scenario(unit, ch.model_dump(), snr, name_suffix=f"-validation-{cname}")
            o = observe_unit(sc, unit, derive_seed(unit.seed, "abstraction-validation", cname, unit.key))
            say(progress, f"abstraction: validation {unit.describe()} on {cname}")
            for table, eq in members:
                for s, snr_db in enumerate(o.snr_db):
                    preds = message_predictions(table, o.sinr_db[s], folds)
                    rows.append(
                        validation_row(
                            table,
                            ids[id(table)],
                            "channel",
                            cname,
                            ch.model,
                            preds,
                            o.correct[eq][s],
                            snr_db=float(snr_db),
                        )
                    )
    return rows


def _flag(value) -> bool:
    return value if isinstance(value, (bool, np.bool_)) else str(value) == "True"


def validation_summary(rows: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """Per (regime, channel family): ``points``, ``within_margin`` and its share, ``inside`` (prediction in
    the link-level 95% interval), mean and largest ``|error|``, and for every baseline and control of
    :data:`~.predictors.PREDICTORS` the share of points it predicts within the margin
    (``<name>_within_margin``)."""
    out: dict = {}
    for r in rows:
        s = out.setdefault(
            (r.get("regime") or "channel", r["channel"]),
            {
                "points": 0,
                "within_margin": 0,
                "inside": 0,
                "errors": [],
                **{f"{n}_within_margin": 0 for n in PREDICTORS[1:]},
            },
        )
        link = float(r["link_accuracy"])
        s["points"] += 1
        s["within_margin"] += int(_flag(r["within_margin"]))
        s["inside"] += int(_flag(r["inside_interval"]))
        s["errors"].append(abs(float(r["predicted_accuracy"]) - link))
        for name in PREDICTORS[1:]:
            s[f"{name}_within_margin"] += int(abs(float(r[f"{name}_prediction"]) - link) <= MARGIN)
    for s in out.values():
        errors = s.pop("errors")
        n = max(s["points"], 1)
        s["fraction_within_margin"] = s["within_margin"] / n
        for name in PREDICTORS[1:]:
            s[f"{name}_within_margin"] /= n
        s["mean_abs_error"] = float(np.mean(errors)) if errors else float("nan")
        s["max_abs_error"] = float(np.max(errors)) if errors else float("nan")
    return out


def describe_summary(summary: dict) -> list[str]:
    """One line per (regime, family) of :func:`validation_summary`."""
    lines = []
    for (regime, family), s in summary.items():
        base = ", ".join(
            f"{n.replace('_', ' ')} {100 * s[f'{n}_within_margin']:.0f}%" for n in PREDICTORS[1:]
        )
        lines.append(
            f"validation {regime}/{family}: {s['within_margin']}/{s['points']} points within "
            f"±{MARGIN} ({100 * s['fraction_within_margin']:.0f}%), |error| mean {s['mean_abs_error']:.3f} "
            f"max {s['max_abs_error']:.3f}; within the margin: {base}"
        )
    return lines


def write_validation(
    table_set, out_dir, configs: Optional[Iterable] = None, extra: Iterable[dict] = ()
) -> Path:
    """Write ``abstraction_validation.csv`` into ``out_dir``: the held-out rows of the tables of
    ``table_set`` whose configs are in ``configs`` (default: every table), then the rows ``extra``
    (a system study's own-regime points). Returns the file's path."""
    wanted = None if configs is None else {table_set.table_id(c) for c in configs}
    rows = [r for r in table_set.validation if wanted is None or int(r["table"]) in wanted] + list(extra)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "abstraction_validation.csv"
    write_dict_csv(path, VALIDATION_COLUMNS, rows)
    return path
