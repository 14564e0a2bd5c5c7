"""Intervals over replicates: the t-interval against scipy, and its coverage on a study
with a known answer, beside the Wilson interval of the pooled decisions, which treats
samples that share a replicate's draws (anchors, a codeword, a fading block) as
independent and so covers far less."""

import math

import numpy as np
import pytest
from scipy import stats

from semcom.simulator.link.points import point_rows
from semcom.simulator.results.intervals import replicate_interval


def test_the_replicate_interval_is_scipys_t_interval():
    rng = np.random.default_rng(3)
    for r in (2, 3, 5, 30):
        x = rng.uniform(0.3, 0.9, r)
        iv = replicate_interval(x, bounds=(-math.inf, math.inf))
        lo, hi = stats.t.interval(0.95, r - 1, loc=x.mean(), scale=stats.sem(x))
        assert abs(iv.low - lo) < 1e-12 and abs(iv.high - hi) < 1e-12 and iv.replicates == r
        assert abs(iv.half_width - (hi - lo) / 2) < 1e-12
    one = replicate_interval([0.7])
    assert one.mean == 0.7 and math.isnan(one.low) and math.isnan(one.half_width)
    assert replicate_interval([0.99, 1.0, 1.0]).high == 1.0  # clipped to the accuracy's range


def _replicate_rows(runs: int, replicates: int, seed: int = 0):
    """Replicate rows of ``runs`` independent points with a known mean accuracy.

    Each replicate draws its own "channel quality" p ~ Beta(60, 40) (the anchors and the
    fading of a re-run); its 544 test decisions come in 17 codewords of 32 samples that
    share their fate: a codeword is decoded (each sample then right w.p. 0.95) w.p. p,
    else lost (right w.p. 0.1). The true mean accuracy is 0.95·0.6 + 0.1·0.4 = 0.61."""
    rng = np.random.default_rng(seed)
    groups, size = 17, 32
    p = rng.beta(60.0, 40.0, size=(runs, replicates))
    good = rng.random((runs, replicates, groups)) < p[..., None]
    correct = np.where(good, rng.binomial(size, 0.95, good.shape), rng.binomial(size, 0.1, good.shape)).sum(
        -1
    )
    n = groups * size
    rows = []
    for i in range(runs):
        for r in range(replicates):
            rows.append(
                dict(
                    scenario="known",
                    tx_model=f"run{i}",
                    rx_model="rx",
                    channel="rayleigh",
                    scheme="digital",
                    bits=4,
                    anchor_selection="random",
                    num_anchors=8,
                    channel_uses=16.0,
                    semantic_equalizer="relative",
                    snr_db=5.0,
                    seed=r,
                    n_samples=n,
                    accuracy=correct[i, r] / n,
                    top5_accuracy=1.0,
                    passes=1,
                )
            )
    return rows, 0.95 * 0.6 + 0.1 * 0.4


@pytest.mark.parametrize("replicates", [3, 5])
def test_the_replicate_interval_covers_the_true_mean_and_the_wilson_interval_does_not(replicates, capsys):
    """2,000 runs of a study whose replicates have a known spread, aggregated by the code
    that writes results.csv: the 95% interval over replicates covers the true mean in
    93-97% of runs; the Wilson interval of the pooled decisions (the within-replicate
    interval) covers it far less."""
    rows, truth = _replicate_rows(2000, replicates, seed=replicates)
    points = point_rows(rows)
    assert len(points) == 2000 and all(p["replicates"] == replicates for p in points)
    t_cover = np.mean([p["accuracy_low"] <= truth <= p["accuracy_high"] for p in points])
    w_cover = np.mean([p["accuracy_wilson_low"] <= truth <= p["accuracy_wilson_high"] for p in points])
    with capsys.disabled():
        print(
            f"\n  {replicates} replicates x 2000 runs: t-interval over replicates covers {100 * t_cover:.1f}%, "
            f"Wilson of the pooled decisions {100 * w_cover:.1f}%"
        )
    assert 0.93 <= t_cover <= 0.97, t_cover
    assert w_cover < 0.6, w_cover
