"""What every unit of every kind of study shares in a process: the data, its split, the agents'
latent spaces, and the anchors agents agree on.

Loaded once per process (and latents once per machine, via the on-disk cache), so a
sweep never re-encodes a dataset. A scenario of any kind with ``data`` and ``models``
(link, network, system) reads its study's data here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import torch

from semcom.transceivers.agents import LatentSpace, build_latent_space, needs_inputs
from semcom.transceivers.anchors import ANCHOR_STRATEGIES
from semcom.transceivers.datasets import Dataset, load_dataset, split_three_way
from semcom.transceivers.encoders import ENCODERS

from ..scenario.checks import warn_latent_scale
from .randomness import derive_rng

if TYPE_CHECKING:  # annotations only: the schema's checks call back into this module
    from ..link.schema import Scenario

__all__ = ["StudyData", "study_data", "latent_space", "model_space", "fits_on_data", "select_anchors"]


@dataclass(frozen=True)
class StudyData:
    dataset: Dataset
    pool_idx: np.ndarray  # [pool_size] int64: anchors and the receivers' heads
    test_idx: np.ndarray  # [num_test] int64: the samples transmitted
    labels: torch.Tensor  # [num_samples] int64
    train_idx: np.ndarray  # [num_train] int64: zoo encoders (and pca) are fitted here


@lru_cache(maxsize=4)
def _study_data(
    dataset: str,
    path: str | None,
    limit: int | None,
    train_fraction: float,
    test_fraction: float,
    split_seed: int,
) -> StudyData:
    ds = load_dataset(dataset, path, limit)
    # latent files bring their encoders' latents: nothing trains here, so no samples are
    # set aside for training and the train split is the pool (it only keys caches)
    train, pool, test = split_three_way(
        len(ds), train_fraction if ds.has_inputs else 0.0, test_fraction, split_seed
    )
    test_mask = getattr(ds, "test_mask", None)  # a split given by the data (latent files)
    if test_mask is not None:
        pool, test = np.flatnonzero(~test_mask), np.flatnonzero(test_mask)
        train = pool
    return StudyData(ds, pool, test, torch.from_numpy(ds.labels), train)


def fits_on_data(kind: str) -> bool:
    """Whether agents of ``kind`` are trained or fitted on the dataset (zoo encoders, pca)."""
    return kind in ENCODERS.names() or kind == "pca"


def study_data(sc: Scenario) -> StudyData:
    """The study's samples and splits. A train split is set aside only when an agent
    trains on it: agents that bring their own latents (npz, torch, rotation) leave the
    whole non-test part to the pool."""
    d = sc.data
    trains = any(fits_on_data(spec.kind) for spec in sc.models.values())
    return _study_data(
        d.dataset, d.path, d.limit, d.train_fraction if trains else 0.0, d.test_fraction, d.split_seed
    )


_SPACES: dict[tuple, LatentSpace] = {}


def latent_space(sc: Scenario, model: str) -> LatentSpace:
    """The latent space of ``model`` over the study's dataset (memoised per process)."""
    return model_space(model, sc.models[model].model_dump(exclude_none=True), study_data(sc))


def model_space(model: str, spec: dict, data: StudyData) -> LatentSpace:
    """The latent space of agent ``model`` (its resolved settings ``spec``) over ``data``
    (memoised per process)."""
    key = (model, repr(sorted(spec.items())), data.dataset.fingerprint, data.train_idx.tobytes())
    if key not in _SPACES:
        if len(_SPACES) > 32:
            _SPACES.clear()
        _SPACES[key] = build_latent_space(model, spec, data.dataset, data.train_idx)
        if needs_inputs(
            spec["kind"]
        ):  # encoded here (a user's encoder may scale anyhow); files warn while checked
            warn_latent_scale(f"models.{model}", _SPACES[key].latents.detach().cpu().numpy())
    return _SPACES[key]


def select_anchors(
    data: StudyData, space: LatentSpace, strategy: str, num_anchors: int, seed: int, selector: str
) -> np.ndarray:
    """Dataset indices of ``num_anchors`` anchors, chosen by ``strategy`` on the pool latents of
    ``space`` (the latent space of agent ``selector``).

    The generator depends on (seed, strategy, K, selecting agent) only (K left out for a
    prefix-consistent strategy, whose budgets then nest), so every receiver, channel and
    kind of study that names the same four sees the same anchors (paired comparisons).
    """
    chooser = ANCHOR_STRATEGIES.get(strategy)()
    # a prefix-consistent strategy draws without the budget: the pilots of a budget sweep are nested
    budget = "nested" if chooser.prefix_consistent else num_anchors
    rng = derive_rng(seed, "anchors", strategy, budget, selector)
    positions = chooser(space.latents[data.pool_idx], data.labels[data.pool_idx], num_anchors, rng)
    return data.pool_idx[positions]
