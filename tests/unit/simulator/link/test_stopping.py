"""Adaptive Monte Carlo: the stopping rule, the `stop:` settings' one-line errors, and a
study that stops at different replicate counts per SNR point, the same bytes inline and
on two workers, and resumes into a tighter target."""

import math

import pytest

from semcom.core.errors import ScenarioError
from semcom.simulator.link.points import point_rows, point_states
from semcom.simulator.run.stopping import PointState, replicates_to_add, target_met, unmet
from semcom.simulator.scenario.stop import StopSpec

from semcom.simulator.kinds import parse_study


def test_a_point_gets_what_its_estimate_needs_at_most_doubling_and_never_past_its_budget():
    stop = StopSpec(ci_half_width=0.01, min_replicates=3, max_replicates=20)
    assert replicates_to_add(PointState(2, math.nan), stop) == 1  # up to min_replicates first
    assert replicates_to_add(PointState(3, 0.02), stop) == 3  # needs ~12: doubles
    assert replicates_to_add(PointState(8, 0.0105), stop) == 1  # needs 8.8: one more
    assert replicates_to_add(PointState(16, 0.03), stop) == 4  # the budget's last 4
    assert replicates_to_add(PointState(20, 0.03), stop) == 0  # spent: not met
    assert replicates_to_add(PointState(5, 0.009), stop) == 0  # met
    assert target_met(PointState(20, 0.03), stop) is False and target_met(PointState(5, 0.009), stop)
    assert target_met(PointState(5, 0.009), None) is None


def test_block_errors_are_counted_until_the_target_as_sim_ber_counts_them():
    stop = StopSpec(num_target_block_errors=100, min_replicates=2, max_replicates=64)
    assert replicates_to_add(PointState(4, 0.05, block_errors=50, codewords=800), stop) == 4  # needs 8
    assert (
        replicates_to_add(PointState(4, 0.05, block_errors=0, codewords=800), stop) == 4
    )  # none yet: double
    assert replicates_to_add(PointState(4, 0.05, block_errors=120, codewords=800), stop) == 0
    assert unmet(PointState(4, 0.05, block_errors=0, codewords=800, blocks_done=True), stop) == []
    assert unmet(PointState(4, 0.05), stop) == []  # a scheme without codewords: no block target


def _point(snr, errors, codewords=1000, eq="relative"):
    return dict(
        scenario="s",
        tx_model="a",
        rx_model="b",
        channel="c",
        scheme="d",
        bits=4,
        anchor_selection="random",
        num_anchors=8,
        channel_uses=16.0,
        semantic_equalizer=eq,
        snr_db=snr,
        replicates=3,
        accuracy_half_width=0.01,
        block_errors=errors,
        codewords=codewords,
    )


def test_target_bler_ends_the_block_count_above_the_first_point_that_reaches_it():
    stop = StopSpec(num_target_block_errors=100, target_bler=0.01)
    points = [
        _point(0.0, 900),
        _point(5.0, 40),
        _point(10.0, 5),
        _point(15.0, 0),
        _point(5.0, 300, eq="oracle"),
    ]
    done = [s.blocks_done for s in point_states(points, stop)]
    # relative reaches 0.01 at 10 dB (5 of 1000): 15 dB needs no more errors; 5 dB (0.04) still does
    assert done == [False, False, False, True, False]


@pytest.mark.parametrize(
    "stop, field, words",
    [
        ({"ci_half_width": 0}, "stop.ci_half_width", "between 0 and 1"),
        ({"ci_half_width": 1.0}, "stop.ci_half_width", "between 0 and 1"),
        ({"ci_half_width": -0.01}, "stop.ci_half_width", "between 0 and 1"),
        ({"min_replicates": 5, "max_replicates": 4}, "stop.max_replicates", "below stop.min_replicates"),
        ({"min_replicates": 1}, "stop.min_replicates", ">= 2"),
        ({"target_bler": 2}, "stop.target_bler", "between 0 and 1"),
        ({"ci_half_widht": 0.01}, "stop.ci_half_widht", "did you mean 'ci_half_width'"),
    ],
)
def test_bad_stop_settings_are_one_line_naming_the_field_and_the_fix(stop, field, words):
    raw = dict(
        name="s",
        models={"a": {"kind": "pca", "latent_dim": 4}},
        stop=stop,
        sweep=dict(snr_db=[0], num_anchors=[4], transmitter="a", receiver="a"),
    )
    with pytest.raises(ScenarioError) as err:
        parse_study(raw)
    text = str(err.value)
    assert text.startswith(field + ":") and words in text and "\n" not in text, text
    assert "; " in text  # the fix follows


def _scenario(**extra):
    raw = dict(
        name="stop",
        seed=0,
        data=dict(dataset="synthetic", limit=600, test_fraction=0.3),
        heads=dict(weight_decay=0.001),
        models=dict(
            a=dict(kind="rotation", seed=1, noise_std=0.5), b=dict(kind="rotation", seed=2, noise_std=0.5)
        ),
        sweep=dict(
            snr_db=[-10, 0, 20],
            num_anchors=[4],
            transmitter="a",
            receiver="b",
            semantic_equalizer=["relative"],
        ),
    )
    raw.update(extra)
    return parse_study(raw)


def test_a_block_target_on_a_scheme_without_codewords_is_refused_in_one_line():
    from semcom.simulator.link.checks import check_scenario

    for stop, field in (
        ({"num_target_block_errors": 100}, "stop.num_target_block_errors"),
        ({"target_bler": 0.01}, "stop.target_bler"),
    ):
        with pytest.raises(ScenarioError) as err:
            check_scenario(_scenario(stop=stop), check_data=False)
        assert str(err.value).startswith(field + ":") and "send no codewords" in str(err.value)
        assert "digital" in str(err.value)
    with pytest.raises(ScenarioError, match=r"^stop.max_replicates: .*below the 4 seeds of sweep.seed"):
        sc = _scenario(stop={"max_replicates": 3, "min_replicates": 2})
        check_scenario(
            sc.model_copy(update={"sweep": sc.sweep.model_copy(update={"seed": [1, 2, 3, 4]})}),
            check_data=False,
        )


def _files(out):
    return {name: (out / name).read_bytes() for name in ("results.csv", "replicates.csv")}


def test_a_study_stops_per_snr_point_identically_inline_and_on_two_workers_and_resumes(tmp_path):
    """Chance-level -10 dB is tight after its first replicates; 0 and 20 dB, where the anchor
    draw moves the accuracy, need more (20 dB runs out of budget: target_met false). The
    rounds read only committed rows: two workers give the same bytes, and a rerun with a
    larger budget reuses every replicate and adds only what the new budget allows."""
    from semcom.simulator.kinds import run_study

    sc = _scenario(stop={"ci_half_width": 0.03, "min_replicates": 2, "max_replicates": 6})
    inline = run_study(sc, tmp_path / "inline", quiet=True, plots=False)
    points = {p["snr_db"]: p for p in point_rows(_stored(tmp_path / "inline"), sc.stop)}
    counts = {snr: p["replicates"] for snr, p in points.items()}
    assert counts[-10.0] < counts[20.0] == 6, counts
    for p in points.values():
        assert p["target_met"] == (p["accuracy_half_width"] <= 0.03), p
    assert points[20.0]["target_met"] is False
    pooled = run_study(sc, tmp_path / "pool", workers=2, quiet=True, plots=False)
    assert _files(tmp_path / "inline") == _files(tmp_path / "pool")
    assert inline.units_total == pooled.units_total
    wider = _scenario(stop={"ci_half_width": 0.03, "min_replicates": 2, "max_replicates": 8})
    again = run_study(wider, tmp_path / "inline", quiet=True, plots=False)
    assert again.units_run == again.units_total - inline.units_total > 0
    assert {p["snr_db"]: p["replicates"] for p in point_rows(_stored(tmp_path / "inline"))}[20.0] == 8


def _stored(out):
    from semcom.simulator.results.store import read_rows

    return read_rows(out)


def test_a_digital_point_gets_replicates_until_its_block_errors_reach_the_target(tmp_path):
    """As sim_ber's num_target_block_errors: 0 dB over Rayleigh loses most codewords and
    reaches 40 block errors in its first replicates; 20 dB loses few and runs to its
    budget (target_met false); the block errors and codewords of results.csv are the sums
    over the point's replicates."""
    from semcom.simulator.kinds import run_study

    sc = _scenario(
        channels={"rayleigh": {"model": "rayleigh", "csi": "perfect", "equalizer": "lmmse"}},
        scheme={
            "kind": "digital",
            "code_rate": 0.5,
            "modulation_order": 4,
            "block_length": 256,
            "num_iter": 10,
        },
        stop={"num_target_block_errors": 40, "min_replicates": 2, "max_replicates": 4},
    )
    sc = sc.model_copy(
        update={
            "sweep": sc.sweep.model_copy(
                update={"snr_db": [0.0, 20.0], "channel": "rayleigh", "num_anchors": [8]}
            )
        }
    )
    run_study(sc, tmp_path / "digital", quiet=True, plots=False)
    replicates = _stored(tmp_path / "digital")
    points = {p["snr_db"]: p for p in point_rows(replicates, sc.stop)}
    low, high = points[0.0], points[20.0]
    assert low["replicates"] == 2 and low["block_errors"] >= 40 and low["target_met"] is True
    assert high["replicates"] == 4 and high["block_errors"] < 40 and high["target_met"] is False
    for p in (low, high):
        mine = [r for r in replicates if float(r["snr_db"]) == p["snr_db"]]
        assert p["block_errors"] == sum(r["block_errors"] for r in mine)
        assert p["codewords"] == sum(r["codewords"] for r in mine) > 0
