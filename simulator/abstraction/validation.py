"""Validation of the tables against the link level on held-out channel realisations.

Every table's unit runs on each validation channel (Rayleigh block fading, OFDM TDL-A
and CDL-C by default) at the validation SNRs, with Sionna's generator seeded for
validation (realisations never used to build the table or fit β). Per run, the
abstraction's prediction (mean over samples of the table's accuracy at each sample's
EESM effective SINR, with the table's β) is compared with the link-level accuracy and
its 95% Wilson interval: ``inside_interval`` is whether the prediction lies in it.

The samples are the study's test set in both the table and the held-out runs: what is
held out is the channel (fading, noise), not the samples. The samples' own spread (which
of them are hard) is therefore common to prediction and measurement, and the Wilson
interval, which also covers it, is wide for the prediction's error: read
``inside_interval`` with the control beside it. ``mean_snr_accuracy`` (and
``mean_snr_inside_interval``) is the table read at the run's mean SNR, ignoring the
fading: an abstraction that does not model the channel, which the check should reject.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from ..results.metrics import wilson_interval
from ..run.randomness import derive_seed
from .calibration import _by_unit, _config_cells, predict_accuracy
from .observe import observe_unit, say
from .tableset import VALIDATION_COLUMNS, write_dict_csv

__all__ = ["validate", "write_validation", "validation_summary"]


def validate(spec, tables, progress=None) -> list[dict]:
    """Rows of ``abstraction_validation.csv`` for every table (β already fitted)."""
    val = spec.validation
    snr = val.snr_values()
    ids = {id(t): i for i, (t, _) in enumerate(tables)}
    rows = []
    for unit, members in _by_unit(tables).items():
        for cname, ch in val.channels.items():
            sc = spec.link_scenario(ch.model_dump(), snr, name_suffix=f"-validation-{cname}")
            o = observe_unit(sc, unit, derive_seed(unit.seed, "abstraction-validation", cname, unit.key))
            say(progress, f"abstraction: validation {unit.describe()} on {cname}")
            for table, eq in members:
                pred = predict_accuracy(table, o.sinr_db, table.eesm_beta)
                # a control that ignores the channel's fading: the table read at the mean SNR
                naive = table.accuracy_at(o.snr_db)
                n = o.correct[eq].shape[1]
                for s, snr_db in enumerate(o.snr_db):
                    k = int(o.correct[eq][s].sum())
                    lo, hi = wilson_interval(k, n)
                    rows.append(dict(_config_cells(table, ids[id(table)]), channel=cname, channel_model=ch.model,
                                     snr_db=float(snr_db), eesm_beta=table.eesm_beta, n_samples=n,
                                     predicted_accuracy=float(pred[s]), accuracy=k / n, accuracy_low=lo,
                                     accuracy_high=hi, inside_interval=bool(lo <= pred[s] <= hi),
                                     mean_snr_accuracy=float(naive[s]),
                                     mean_snr_inside_interval=bool(lo <= naive[s] <= hi)))
    return rows


def _inside(row, column: str = "inside_interval") -> bool:
    v = row.get(column)
    return v if isinstance(v, bool) else str(v) == "True"


def validation_summary(rows: Iterable[dict]) -> dict[str, dict]:
    """Per channel family: ``{"points", "inside", "fraction_inside", "mean_abs_error", "max_abs_error",
    "control_inside"}`` (errors: ``|predicted - link-level accuracy|``; control: the mean-SNR reading)."""
    out: dict[str, dict] = {}
    for r in rows:
        s = out.setdefault(r["channel"], {"points": 0, "inside": 0, "errors": [], "control_inside": 0})
        s["points"] += 1
        s["inside"] += int(_inside(r))
        s["errors"].append(abs(float(r["predicted_accuracy"]) - float(r["accuracy"])))
        s["control_inside"] += int(_inside(r, "mean_snr_inside_interval"))
    for s in out.values():
        errors = s.pop("errors")
        s["fraction_inside"] = s["inside"] / s["points"] if s["points"] else float("nan")
        s["mean_abs_error"] = sum(errors) / len(errors) if errors else float("nan")
        s["max_abs_error"] = max(errors) if errors else float("nan")
    return out


def write_validation(table_set, out_dir, configs: Optional[Iterable] = None) -> Path:
    """Write ``abstraction_validation.csv`` into ``out_dir``: the held-out validation rows of
    the tables of ``table_set`` whose configs are in ``configs`` (default: every table).
    A system-level study calls this with the tables it used. Returns the file's path."""
    wanted = None if configs is None else {table_set.table_id(c) for c in configs}
    rows = [r for r in table_set.validation if wanted is None or int(r["table"]) in wanted]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "abstraction_validation.csv"
    write_dict_csv(path, VALIDATION_COLUMNS, rows)
    return path
