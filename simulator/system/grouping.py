"""Percentiles of values grouped by an integer key (per-user latency percentiles), vectorised.

Example::

    import numpy as np
    from semcom.simulator.system.grouping import grouped_percentiles
    print(grouped_percentiles(np.array([0, 0, 1]), np.array([1.0, 3.0, 5.0]), 2, (50.0,))[:, 0])   # [2. 5.]
"""

from __future__ import annotations

import numpy as np

__all__ = ["grouped_percentiles"]


def grouped_percentiles(groups: np.ndarray, values: np.ndarray, n: int, qs) -> np.ndarray:
    """[n, len(qs)] percentiles of ``values`` per group ``0..n-1`` (numpy's linear method; NaN for empty groups).

    >>> grouped_percentiles(np.array([0, 0, 1]), np.array([1.0, 3.0, 5.0]), 2, (50.0,))[:, 0]
    array([2., 5.])
    """
    order = np.lexsort((values, groups))
    v = values[order]
    start = np.searchsorted(groups[order], np.arange(n))
    count = np.bincount(groups, minlength=n)
    out = np.full((n, len(qs)), np.nan)
    has = count > 0
    for j, q in enumerate(qs):
        pos = (count[has] - 1) * q / 100.0
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, count[has] - 1)
        frac = pos - lo
        a, b = v[start[has] + lo], v[start[has] + hi]
        out[has, j] = a + (b - a) * frac
    return out
