"""Hold a README number against a fresh run within its statistical tolerance.

Bit-identical results are a property of one machine: on another CPU torch and BLAS pick
other kernels, trained weights differ in the last bits and a few of the test set's
decisions flip (measured: 0.2-0.4 points on digits). So a README accuracy is accepted
when it lies inside the fresh run's 95% interval, widened by the README's rounding to
one decimal (±0.05 points):

- one accuracy (a cell of the quickstart table, the lowest or highest pair): the fresh
  run's Wilson interval over its test decisions (``n_samples``, times ``replicates`` for a
  mean over replicates); a half-width over replicates (``84.4 ± 1.2``) within that
  interval's half-width of the fresh one;
- a number over retrained agents (the stitching table's mean, lowest and highest pair,
  each ``mean ± half-width`` over training seeds): one fresh run inside the prediction
  interval of one more seed. Training on other kernels moves a pair by more than its test
  set's interval, so there the spread over seeds is the tolerance.

A README number off by more than that is rejected (tests/integration/test_readme_tolerance
checks that an edited copy of each table fails). ``make docs-check`` compares exactly.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from semcom.simulator.results.metrics import wilson_interval

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "scripts"))
import readme_tables  # noqa: E402, F401  (docs/scripts: the README tables' builders, shared with docs_check.py; the tests import it from here)

#: Half of the README's last printed digit (accuracies in % with one decimal).
ROUNDING = 0.0005


def accuracy_interval(accuracy: float, n: int) -> tuple[float, float]:
    """95% Wilson interval of an accuracy over ``n`` decisions, widened by the README's rounding."""
    lo, hi = wilson_interval(round(accuracy * n), n)
    return lo - ROUNDING, hi + ROUNDING


def outside(readme_pct: str, interval: tuple[float, float], what: str) -> list[str]:
    """[] when the README's percentage lies in ``interval``, else one message naming it."""
    value = float(readme_pct) / 100
    lo, hi = interval
    return (
        []
        if lo <= value <= hi
        else [f"{what}: README {readme_pct}% outside the fresh run's [{100 * lo:.2f}, {100 * hi:.2f}]%"]
    )


def mean_and_half_width(cell: str) -> tuple[str, str | None]:
    """``"84.4 ± 1.2"`` -> ("84.4", "1.2"); a cell without ``±`` -> (cell, None)."""
    mean, _, half = cell.partition("±")
    return mean.strip(), (half.strip() or None)


def point_mismatches(cell: str, row: dict, what: str) -> list[str]:
    """A README cell (``mean ± half-width`` over replicates [%], or a mean) against a fresh
    point row of results.csv: the mean within the Wilson interval of the point's pooled
    test decisions (``n_samples`` x ``replicates``; the decisions another CPU may flip),
    the half-width within that interval's half-width of the fresh one."""
    mean, half = mean_and_half_width(cell)
    n = int(row["n_samples"]) * int(row.get("replicates") or 1)
    interval = accuracy_interval(float(row["accuracy"]), n)
    problems = outside(mean, interval, what)
    if half is not None:
        fresh = float(row["accuracy_half_width"])
        if abs(float(half) / 100 - fresh) > (interval[1] - interval[0]) / 2 + ROUNDING:
            problems.append(f"{what}: README half-width {half} points, the fresh run's {100 * fresh:.2f}")
    return problems


#: The quickstart table's cells after receiver and native: (equaliser, K) at 20 dB.
QUICKSTART_CELLS = [("relative", 32), ("relative", 64), ("oracle", 64), ("none", 64)]


def quickstart_mismatches(table: list[list[str]], rows: list[dict]) -> list[str]:
    """README quickstart cells (receiver | native | relative 32 | 64 | oracle 64 | none)
    outside the intervals of the fresh ``results.csv`` rows (dicts of strings)."""
    problems = []
    for rx, native, *cells in table:
        mine = [r for r in rows if r["rx_model"] == rx]
        if not mine:
            problems.append(f"{rx}: no such receiver in the fresh run")
            continue
        n = int(mine[0]["n_samples"]) * int(mine[0].get("replicates") or 1)
        natives = [float(r["native_accuracy"]) for r in mine]
        problems += outside(native, accuracy_interval(sum(natives) / len(natives), n), f"{rx} native")
        for cell, (eq, k) in zip(cells, QUICKSTART_CELLS):
            row = next(
                r
                for r in mine
                if r["snr_db"] == "20.0" and int(r["num_anchors"]) == k and r["semantic_equalizer"] == eq
            )
            problems += point_mismatches(cell, row, f"{rx} {eq} K={k}")
    return problems


def prediction_interval(cell: str, seeds: int) -> tuple[float, float]:
    """95% interval for one more run's value, from a README cell ``mean ± half-width`` [%]
    whose half-width is the t half-width over ``seeds`` runs: a new run's value lies within
    the mean ± t·sd·sqrt(1 + 1/seeds) = half-width · sqrt(seeds + 1), widened by the
    rounding of both printed numbers."""
    mean, half = (float(x) / 100 for x in mean_and_half_width(cell))
    width = half * math.sqrt(seeds + 1) + ROUNDING * (1 + math.sqrt(seeds + 1))
    return mean - width, mean + width


def stitching_mismatches(
    table: list[list[str]], fresh: dict[str, tuple[float, float, float]], seeds: int
) -> list[str]:
    """README stitching cells (name | mean | lowest | highest, each ``mean ± half-width`` over
    ``seeds`` training seeds) against one fresh run's (mean, lowest, highest) pair accuracy
    per row (``readme_tables.pair_statistics``): each inside the prediction interval of one
    more training run. Another CPU retrains the agents with other kernels, a perturbation of
    the training like a new seed, so the spread over seeds is the tolerance, not the test
    set's interval."""
    problems = []
    for name, *cells in table:
        if name not in fresh:
            problems.append(f"{name}: not in the fresh run")
            continue
        for cell, value, what in zip(cells, fresh[name], ("mean", "lowest pair", "highest pair")):
            lo, hi = prediction_interval(cell, seeds)
            if not lo <= value <= hi:
                problems.append(
                    f"{name} {what}: the fresh run's {100 * value:.2f}% outside the README's "
                    f"prediction interval [{100 * lo:.2f}, {100 * hi:.2f}]%"
                )
    return problems


def shifted(table: list[list[str]], points: float, skip: int = 1) -> list[list[str]]:
    """A copy of ``table`` with every number after the first ``skip`` cells moved by ``points``
    (down where that stays a percentage, else up)."""

    def move(cell: str) -> str:
        mean, half = mean_and_half_width(cell)
        v = float(mean)
        moved = f"{v - points if v - points >= 0 else v + points:.1f}"
        return moved if half is None else f"{moved} ± {half}"

    return [row[:skip] + [move(c) for c in row[skip:]] for row in table]
