"""Anchor strategies: distinct pool indices, their defining property, determinism."""

import numpy as np
import pytest
import torch

from semcom.transceivers.anchors import ANCHOR_STRATEGIES, check_num_anchors


@pytest.fixture(scope="module")
def pool():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(600) % 6
    centers = 5 * torch.randn(6, 8, generator=g)
    return centers[labels] + torch.randn(600, 8, generator=g), labels, centers


@pytest.mark.parametrize("name", ["random", "class_balanced", "prototypical", "farthest_point"])
def test_distinct_valid_and_reproducible(pool, name):
    features, labels, _ = pool
    strategy = ANCHOR_STRATEGIES.get(name)()
    a = strategy(features, labels, 24, np.random.default_rng(3))
    b = strategy(features, labels, 24, np.random.default_rng(3))
    c = strategy(features, labels, 24, np.random.default_rng(4))
    assert len(set(a.tolist())) == 24 and a.min() >= 0 and a.max() < 600
    assert np.array_equal(a, b)
    if name != "farthest_point":  # farthest-point only depends on its random start
        assert not np.array_equal(np.sort(a), np.sort(c))


def test_class_balanced_spreads_anchors_evenly(pool):
    features, labels, _ = pool
    idx = ANCHOR_STRATEGIES.get("class_balanced")()(features, labels, 20, np.random.default_rng(0))
    counts = np.bincount(labels[idx].numpy(), minlength=6)
    assert counts.max() - counts.min() <= 1


def test_prototypical_anchors_are_real_samples_near_the_cluster_centers(pool):
    features, labels, centers = pool
    idx = ANCHOR_STRATEGIES.get("prototypical")()(features, labels, 6, np.random.default_rng(0))
    # six clusters, six anchors: one anchor per class
    assert sorted(labels[idx].tolist()) == list(range(6))


def test_farthest_point_covers_better_than_random(pool):
    features, labels, _ = pool
    x = torch.nn.functional.normalize(features.double(), dim=1)

    def coverage(idx):  # worst cosine distance of any sample to its nearest anchor
        return float((1 - x @ x[idx].T).min(1).values.max())

    fp = coverage(ANCHOR_STRATEGIES.get("farthest_point")()(features, labels, 12, np.random.default_rng(0)))
    rnd = np.mean(
        [
            coverage(ANCHOR_STRATEGIES.get("random")()(features, labels, 12, np.random.default_rng(s)))
            for s in range(5)
        ]
    )
    assert fp < rnd


@pytest.mark.parametrize("k", [0, -3, 601])
def test_bad_anchor_counts_are_refused(k):
    with pytest.raises(ValueError, match="num_anchors"):
        check_num_anchors(k, 600)
