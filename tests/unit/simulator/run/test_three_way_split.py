"""The papers' three-way split: encoder training, pool (anchors + heads), test; disjoint."""

import numpy as np
import pytest

from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.simulator.run.context import study_data
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import parse_scenario
from semcom.transceivers.datasets import split_indices, split_three_way


def test_splits_are_disjoint_cover_everything_and_keep_the_test_set():
    train, pool, test = split_three_way(1797, 0.4, 0.3, seed=7)
    assert (len(train), len(pool), len(test)) == (round(0.4 * 1797), 1797 - 539 - 719, round(0.3 * 1797))
    assert not set(train) & set(pool) and not set(train) & set(test) and not set(pool) & set(test)
    assert np.array_equal(np.sort(np.concatenate([train, pool, test])), np.arange(1797))
    _, old_test = split_indices(1797, 0.3, seed=7)
    assert np.array_equal(test, old_test)  # a train split moves samples out of the pool only
    again = split_three_way(1797, 0.4, 0.3, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip((train, pool, test), again))


def test_train_fraction_zero_trains_on_the_pool():
    train, pool, test = split_three_way(100, 0.0, 0.3, seed=0)
    assert np.array_equal(train, pool) and len(pool) == 70


def test_impossible_fractions_are_refused_in_one_line():
    with pytest.raises(SemcomInputError, match="train_fraction"):
        split_three_way(100, 0.7, 0.3, seed=0)
    sc = parse_scenario(
        {
            "name": "x",
            "data": {"train_fraction": 0.8, "test_fraction": 0.3},
            "models": {"a": {"kind": "mlp", "latent_dim": 8}},
            "sweep": {"snr_db": 10, "num_anchors": 8, "transmitter": "a", "receiver": "a"},
        }
    )
    with pytest.raises(ScenarioError) as err:
        check_scenario(sc, check_data=False)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("data.train_fraction") and "sum below 1" in msg


def test_study_data_gives_the_encoders_the_train_split():
    sc = parse_scenario(
        {
            "name": "x",
            "data": {"train_fraction": 0.4, "test_fraction": 0.3},
            "models": {"a": {"kind": "mlp", "latent_dim": 8}},
            "sweep": {"snr_db": 10, "num_anchors": 8, "transmitter": "a", "receiver": "a"},
        }
    )
    data = study_data(sc)
    assert len(data.train_idx) == 719 and len(data.pool_idx) == 539 and len(data.test_idx) == 539
    assert not set(data.train_idx) & set(data.pool_idx)
