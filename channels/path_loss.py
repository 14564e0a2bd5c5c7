"""Log-distance path loss: the mean SNR of a link at a distance (torch-free, so a system
study's geometry loads without torch)."""

from __future__ import annotations

import math
from typing import Union

import numpy as np

__all__ = ["log_distance_snr_db"]


def log_distance_snr_db(path_loss, distance_m: Union[float, np.ndarray]) -> Union[float, np.ndarray]:
    """Mean Es/N0 [dB] of a link at ``distance_m`` [m] (floored at 1 nm) under log-distance path
    loss: ``reference_snr_db - 10 exponent log10(d / reference_distance_m)``.

    :param path_loss: its ``reference_snr_db`` [dB], ``reference_distance_m`` [m] and ``exponent``
        (a scenario's :class:`~semcom.simulator.scenario.specs.LogDistancePathLoss`).
    :param distance_m: a float, or an ``np.ndarray`` of any shape.
    :returns: a float, or an ``np.ndarray`` (float64) of the same shape.

    >>> from types import SimpleNamespace
    >>> log_distance_snr_db(SimpleNamespace(reference_snr_db=20.0, reference_distance_m=10.0, exponent=3.0), 100.0)
    -10.0
    """
    if isinstance(distance_m, np.ndarray):
        log = np.log10(np.maximum(distance_m, 1e-9) / path_loss.reference_distance_m)
    else:  # a float through libm: NumPy's SIMD log10 may differ from it in the last bit
        log = math.log10(max(float(distance_m), 1e-9) / path_loss.reference_distance_m)
    return path_loss.reference_snr_db - 10.0 * path_loss.exponent * log
