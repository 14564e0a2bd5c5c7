"""Shared test set-up: a private cache, one torch thread, quiet Sionna."""

import os
import tempfile

# A per-session cache keeps tests hermetic (no models trained by a user's earlier run)
# while sharing trained encoders between tests. Set before semcom is imported.
os.environ.setdefault("SEMCOM_CACHE", tempfile.mkdtemp(prefix="semcom-test-cache-"))

import pytest  # noqa: E402
import torch  # noqa: E402

# Small tensors: one thread is fastest and avoids contention on 2-core CI machines.
torch.set_num_threads(1)


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(1234)


def binomial_tolerance(p: float, n: int, z: float = 4.0) -> float:
    """Half-width of a z-sigma binomial confidence interval (z=4: ~6e-5 false alarms)."""
    return z * (max(p * (1 - p), 1.0 / n) / n) ** 0.5
