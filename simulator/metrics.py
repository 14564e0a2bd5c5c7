"""Metrics of a link: accuracy with its Wilson interval, NMSE."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

__all__ = ["wilson_interval", "accuracy_counts", "nmse"]


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
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@lru_cache(maxsize=8)
def _z_score(confidence: float) -> float:
    from scipy.stats import norm
    return float(norm.ppf(0.5 + confidence / 2))


def accuracy_counts(logits: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Correct decisions per SNR point.

    :input logits: [num_snr, batch_size, num_classes], torch.float32.
    :input labels: [batch_size], torch.int64.
    :output correct: [num_snr], np.int64.
    """
    return (logits.argmax(-1) == labels).sum(-1).cpu().numpy().astype(np.int64)


def nmse(estimate: torch.Tensor, reference: torch.Tensor) -> np.ndarray:
    """Normalised MSE ``E|v̂ - v|² / E|v|²`` per SNR point.

    :input estimate: [num_snr, batch_size, dim], torch.float32.
    :input reference: [batch_size, dim], torch.float32.
    :output nmse: [num_snr], np.float64.
    """
    err = (estimate - reference).pow(2).sum((-1, -2)).double()
    return (err / reference.pow(2).sum().double().clamp(min=1e-30)).cpu().numpy()
