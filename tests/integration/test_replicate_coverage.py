"""Coverage of the interval over replicates on a real link study (slow: 600 replicate units).

A synthetic study (Gaussian-mixture data, two rotated agents with their own noise, K = 4
random anchors, AWGN at 0 dB) is run as a pool of 600 replicates through the engine;
the pool is the population: its mean is the true mean a re-run estimates. Intervals of
5 replicates drawn from it, aggregated by the code that writes results.csv, must cover
that mean in 93-97% of 4,000 draws; the Wilson interval of the pooled decisions covers
it visibly less (the anchor draw moves a replicate's accuracy far more than its test
samples do). The fast variant, on a model with a known spread, is
tests/unit/simulator/test_replicate_intervals.py."""

from dataclasses import replace

import numpy as np
import pytest

from semcom.simulator.kinds import parse_study
from semcom.simulator.link.engine import run_unit
from semcom.simulator.link.points import point_rows
from semcom.simulator.link.units import expand_units


@pytest.mark.slow
def test_the_replicate_interval_covers_a_studys_mean_and_wilson_does_not(capsys):
    sc = parse_study(
        dict(
            name="coverage",
            seed=0,
            data=dict(dataset="synthetic", limit=1000, test_fraction=0.3),
            heads=dict(weight_decay=0.001),
            models=dict(
                a=dict(kind="rotation", seed=1, noise_std=0.5), b=dict(kind="rotation", seed=2, noise_std=0.5)
            ),
            sweep=dict(
                snr_db=[0], num_anchors=[4], transmitter="a", receiver="b", semantic_equalizer=["relative"]
            ),
        )
    )
    unit = expand_units(sc)[0]
    pool = [run_unit(sc, replace(unit, seed=s))[0] for s in range(600)]
    truth = float(np.mean([r["accuracy"] for r in pool]))
    rng = np.random.default_rng(0)
    rows = []
    for i in range(4000):
        for r in rng.choice(len(pool), 5, replace=False):
            rows.append({**pool[r], "tx_model": f"draw{i}"})
    points = point_rows(rows)
    t_cover = np.mean([p["accuracy_low"] <= truth <= p["accuracy_high"] for p in points])
    w_cover = np.mean([p["accuracy_wilson_low"] <= truth <= p["accuracy_wilson_high"] for p in points])
    spread = float(np.std([r["accuracy"] for r in pool], ddof=1))
    with capsys.disabled():
        print(
            f"\n  pool of 600 replicates: mean {truth:.4f}, sd {spread:.4f}; 5 replicates x 4000 draws: "
            f"t-interval covers {100 * t_cover:.1f}%, Wilson of the pooled decisions {100 * w_cover:.1f}%"
        )
    assert 0.93 <= t_cover <= 0.97, t_cover
    assert w_cover < t_cover - 0.1, (w_cover, t_cover)
