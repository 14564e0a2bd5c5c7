"""Metrics of a link: accuracy with its Wilson interval (NMSE is summed over chunks in the engine)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

__all__ = ["wilson_interval", "accuracy_counts"]


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
