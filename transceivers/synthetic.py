"""Synthetic data and agents, for studies of any size with known ground truth.

* Dataset ``synthetic``: a Gaussian mixture in ``R^dim`` (one mean per class), any
  number of samples, generated from ``split_seed`` in chunks (no file, no training).
* Latent source ``rotation``: an agent whose latent is a fixed random orthogonal
  transform of the ground-truth point, optionally scaled and with its own noise: the
  case in which relative representations are provably identical across agents.

Used by the memory benchmark (a million samples) and by invariance tests.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from semcom.core.errors import SemcomInputError
from semcom.core.registry import suggest

from .agents import LATENT_SOURCES, LatentSpace
from .datasets import DATASETS, Dataset, make_dataset

__all__ = ["synthetic_dataset", "rotation_source", "check_rotation_spec"]


@DATASETS.register("synthetic")
def synthetic_dataset(
    path: str | None = None,
    limit: int | None = None,
    num_classes: int = 10,
    dim: int = 32,
    spread: float = 0.6,
    seed: int = 0,
) -> Dataset:
    """``limit`` samples (default 10,000) of a ``num_classes``-component Gaussian mixture.

    :returns: a :class:`Dataset` with inputs [limit, 1, 1, dim] float32 and labels [limit] int64.
    """
    n = int(limit or 10_000)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5717]))
    means = rng.standard_normal((num_classes, dim)).astype(np.float32)
    labels = rng.integers(num_classes, size=n)
    inputs = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 262_144):  # chunks keep the float64 temporaries small
        stop = min(n, start + 262_144)
        inputs[start:stop] = means[labels[start:stop]] + spread * rng.standard_normal(
            (stop - start, dim), dtype=np.float32
        )
    return make_dataset("synthetic", inputs.reshape(n, 1, 1, dim), labels)


@LATENT_SOURCES.register("rotation")
def rotation_source(name: str, spec: dict[str, Any], dataset: Dataset, pool_idx: np.ndarray) -> LatentSpace:
    """Latent ``scale * Q x + noise_std * e`` of each sample's flattened input ``x``.

    ``Q`` is a random orthogonal matrix from the agent's ``seed`` (``latent_dim`` rows of
    it when ``latent_dim`` is smaller than the input size).
    """
    x = torch.from_numpy(dataset.inputs.reshape(len(dataset), -1))
    dim = x.shape[1]
    latent_dim = int(spec.get("latent_dim") or dim)
    gen = torch.Generator().manual_seed(int(spec.get("seed", 0)))
    q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=gen, dtype=torch.float64))
    q = q[:latent_dim].float()
    latents = float(spec.get("scale", 1.0)) * (x @ q.T)
    noise_std = float(spec.get("noise_std", 0.0))
    if noise_std > 0:
        latents += noise_std * torch.randn(latents.shape, generator=gen)
    return LatentSpace(name, latents)


_ROTATION_SETTINGS = ("latent_dim", "seed", "scale", "noise_std")


def check_rotation_spec(name: str, spec: dict[str, Any]) -> None:
    """Scenario-time check of a ``rotation`` agent's settings (one line naming the field)."""
    unknown = sorted(set(spec) - {"kind", *_ROTATION_SETTINGS})
    if unknown:
        raise SemcomInputError(
            f"models.{name}.{unknown[0]}: unknown setting for kind 'rotation'"
            f"{suggest(unknown[0], list(_ROTATION_SETTINGS))}; use {', '.join(_ROTATION_SETTINGS)}"
        )
    for setting, default, ok, need in (
        ("scale", 1.0, lambda v: v != 0, "a finite number other than 0"),
        ("noise_std", 0.0, lambda v: v >= 0, "a finite number >= 0"),
    ):
        value = spec.get(setting, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not ok(value)
        ):
            raise SemcomInputError(
                f"models.{name}.{setting}: must be {need} (got {value!r}); e.g. {setting}: {default}"
            )


rotation_source.check_spec = check_rotation_spec
