"""Intervals of a result every kind reports: the Wilson interval of a proportion, the normal
interval of a mean."""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["wilson_interval", "mean_interval"]


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    >>> lo, hi = wilson_interval(90, 100)
    >>> round(lo, 3), round(hi, 3)
    (0.826, 0.945)
    """
    if trials <= 0:
        return (math.nan, math.nan)
    z = _z_score(confidence)
    p = successes / trials
    denom = 1 + z * z / trials
    center = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    # at k = 0 (k = n) the bound is exactly 0 (1): center - half leaves a rounding residue (5.6e-17)
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == trials else min(1.0, center + half)
    return (low, high)


@lru_cache(maxsize=8)
def _z_score(confidence: float) -> float:
    from scipy.special import ndtri  # lazy: what scipy.stats.norm.ppf calls, without scipy.stats's import

    return float(ndtri(0.5 + confidence / 2))


def mean_interval(
    total: float, total_sq: float, n: int, confidence: float = 0.95, bounds: tuple[float, float] = (0.0, 1.0)
) -> tuple[float, float]:
    """Normal-approximation interval of a mean from the sum and sum of squares of ``n``
    values (sample standard deviation), clipped to ``bounds``.

    >>> lo, hi = mean_interval(50.0, 50.0, 100)        # fifty 1s and fifty 0s
    >>> round(lo, 3), round(hi, 3)
    (0.402, 0.598)
    """
    if n <= 1:
        return (math.nan, math.nan)
    mean = total / n
    var = max(total_sq / n - mean * mean, 0.0) * n / (n - 1)
    half = _z_score(confidence) * math.sqrt(var / n)
    return (max(bounds[0], mean - half), min(bounds[1], mean + half))
