"""Intervals over replicates: what a re-run of a study would show.

A *replicate* redraws every random factor of a point (anchors, heads, pilots, fading,
noise: each from its own purpose-derived seed), so replicate results are independent
and identically distributed, and the samples that share a channel draw or a codeword
stay inside one replicate. The interval of a point is the Student-t interval of the
mean of its replicate values: with R replicates it has R − 1 degrees of freedom and
covers every factor a replicate redraws, whatever the correlation inside a replicate.

Why a t-interval and not a cluster bootstrap over replicates × samples: a bootstrap
over R replicates only sees R values, and with the few replicates a study affords
(3–30) its percentile interval is too narrow (with R = 3 there are 10 distinct
resamples); the t-interval is exact for normal replicate means and close to nominal
for the bounded, near-normal accuracies of a replicate's hundreds of decisions (the
coverage test in ``tests/unit/simulator/test_intervals.py`` measures it).

The Wilson interval of the pooled decisions (:func:`~.metrics.wilson_interval`)
is kept beside it under its own name: it covers the test samples' noise only, and
treats decisions that share an anchor draw, a fading block or a codeword as
independent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Iterable

import numpy as np

__all__ = ["ReplicateInterval", "replicate_interval", "t_quantile"]


@dataclass(frozen=True)
class ReplicateInterval:
    """Mean of a point's replicate values and its interval (NaN bounds with one replicate).

    :ivar mean: mean over replicates. :ivar low, high: the interval, clipped to the
        value's bounds. :ivar half_width: ``t · s / sqrt(R)`` (before clipping).
    :ivar replicates: R.
    """

    mean: float
    low: float
    high: float
    half_width: float
    replicates: int


@lru_cache(maxsize=256)
def t_quantile(confidence: float, dof: int) -> float:
    """Two-sided quantile of Student's t with ``dof`` degrees of freedom.

    >>> round(t_quantile(0.95, 2), 3)
    4.303
    """
    # lazy: scipy.special on first use; stdtrit is what scipy.stats.t.ppf calls, without the 1-2 s
    # import of scipy.stats (figures and tables need only this quantile)
    from scipy.special import stdtrit

    return float(stdtrit(dof, 0.5 + confidence / 2))


def replicate_interval(
    values: Iterable[float], confidence: float = 0.95, bounds: tuple[float, float] = (0.0, 1.0)
) -> ReplicateInterval:
    """Student-t interval of the mean of independent replicate values.

    :param values: one value per replicate (an accuracy, a mean reciprocal rank).
    :param bounds: the range of the value; the interval is clipped to it.

    >>> iv = replicate_interval([0.59, 0.794, 0.772])
    >>> round(iv.mean, 3), round(iv.low, 3), round(iv.high, 3), iv.replicates
    (0.719, 0.441, 0.997, 3)
    >>> replicate_interval([0.8]).half_width
    nan
    """
    x = np.asarray(list(values), dtype=np.float64)
    r = len(x)
    if r == 0:
        return ReplicateInterval(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if r == 1:
        return ReplicateInterval(mean, math.nan, math.nan, math.nan, 1)
    half = t_quantile(confidence, r - 1) * float(x.std(ddof=1)) / math.sqrt(r)
    return ReplicateInterval(mean, max(bounds[0], mean - half), min(bounds[1], mean + half), half, r)
