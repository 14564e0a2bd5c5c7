"""A result value as every kind's result files store it (one formatting for the store and the CSVs)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["format_cell"]


def format_cell(x: Any) -> Any:
    """A value as results files store it: floats rounded to 6 significant digits (a
    stable, readable CSV), NaN/inf/None as `None` (an empty cell), numpy integers as int.

    >>> format_cell(1 / 3), format_cell(float("nan")), format_cell(np.int64(4))
    (0.333333, None, 4)
    """
    if x is None:
        return None
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(float(x)):
            return None
        return float(f"{float(x):.6g}")
    if isinstance(x, np.integer):
        return int(x)
    return x
