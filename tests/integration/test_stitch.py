"""The stitching study on the digits zoo, and prototypical vs random anchors at small K."""

import csv
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from tests.readme_numbers import mean_and_half_width, prediction_interval, readme_tables, stitching_mismatches

ROOT = Path(__file__).resolve().parents[2]
NEURAL = ["mlp_small", "mlp_wide", "mlp_tiny", "cnn"]


@pytest.fixture(scope="module")
def stitching(tmp_path_factory):
    out = tmp_path_factory.mktemp("stitch")
    proc = subprocess.run(
        [sys.executable, "-m", "semcom", "stitch", str(ROOT / "scenarios/stitching.yaml"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with open(out / "stitching.csv") as f:
        return out, list(csv.DictReader(f))


def _acc(rows, eq, condition="noise-free", pairs=None):
    return [
        float(r["accuracy"])
        for r in rows
        if r["semantic_equalizer"] == eq
        and r["condition"] == condition
        and (pairs is None or (r["tx_model"], r["rx_model"]) in pairs)
    ]


def test_outputs(stitching):
    out, rows = stitching
    assert (out / "plots" / "stitching_noise_free.png").stat().st_size > 10_000
    assert (out / "plots" / "stitching_20dB.png").stat().st_size > 10_000
    assert len(rows) == 2 * 5 * 5 * 5  # conditions x tx x rx x equalisers


def _row(rows, tx, rx, eq, condition="noise-free"):
    return next(
        r
        for r in rows
        if (r["tx_model"], r["rx_model"], r["semantic_equalizer"], r["condition"]) == (tx, rx, eq, condition)
    )


def test_relative_stitches_distinct_agents_below_native_and_above_none(stitching):
    """Every ordered pair of different agents, noise-free: relative decoding is never
    above the receiver's native accuracy beyond its Wilson interval (the default linear-
    head zoo is not collapsed, so stitching loses something), and always above `none`
    beyond both intervals. Over the neural pairs it recovers most of the accuracy
    (measured 86 % against native 95 %, docs/notes/issue-11.md); the floor asserted is a
    majority, far above chance (10 %), not a tuned pin."""
    _, rows = stitching
    agents = NEURAL + ["pca"]
    for tx, rx in ((a, b) for a in agents for b in agents if a != b):
        rel, none = _row(rows, tx, rx, "relative"), _row(rows, tx, rx, "none")
        assert float(rel["accuracy_low"]) <= float(rel["native_accuracy_rx"]), rel
        assert float(rel["accuracy_low"]) > float(none["accuracy_high"]), (rel, none)
    pairs = {(a, b) for a in NEURAL for b in NEURAL if a != b}
    assert statistics.mean(_acc(rows, "relative", pairs=pairs)) > 0.5


def test_geometry_outputs(stitching):
    """collapse.csv (one row per agent), cka.csv (every ordered pair, symmetric, 1 on the
    diagonal, in [0, 1]) and the CKA heat map beside the accuracy heat maps."""
    out, _ = stitching
    assert (out / "plots" / "cka.png").stat().st_size > 10_000
    with open(out / "collapse.csv") as f:
        collapse = list(csv.DictReader(f))
    assert [r["model"] for r in collapse] == NEURAL + ["pca"]
    with open(out / "cka.csv") as f:
        cka = {(r["model_a"], r["model_b"]): float(r["cka"]) for r in csv.DictReader(f)}
    assert len(cka) == 25
    for (a, b), v in cka.items():
        assert 0 <= v <= 1 + 1e-9 and v == pytest.approx(cka[(b, a)], abs=1e-6)
        if a == b:
            assert v == pytest.approx(1.0, abs=1e-6)


def test_none_fails_between_different_models(stitching):
    _, rows = stitching
    agents = NEURAL + ["pca"]
    pairs = {(a, b) for a in agents for b in agents if a != b}
    none = _acc(rows, "none", pairs=pairs)
    assert statistics.mean(none) <= 0.30
    assert max(none) <= 0.45  # no pair of different models understands raw latents


def test_diagonal_is_native(stitching):
    _, rows = stitching
    for r in rows:
        if (
            r["tx_model"] == r["rx_model"]
            and r["condition"] == "noise-free"
            and r["semantic_equalizer"] == "none"
        ):
            assert float(r["accuracy"]) == pytest.approx(float(r["native_accuracy_rx"]), abs=1e-6)


@pytest.mark.slow  # 38 s of a 610 s default run on 2 cores; `make test-slow` runs it
def test_prototypical_beats_random_anchors_at_small_k(tmp_path):
    scenario = tmp_path / "anchors.yaml"
    text = (ROOT / "scenarios/anchors_random_vs_prototypical.yaml").read_text()
    text = (
        text.replace("num_anchors: [2, 4, 8, 16, 32, 64]", "num_anchors: [4, 8, 16]")
        .replace("[random, class_balanced, prototypical, farthest_point]", "[random, prototypical]")
        .replace("semantic_equalizer: [relative, inverse]", "semantic_equalizer: relative")
        .replace("snr_db: [5, 20]", "snr_db: 20")
    )
    scenario.write_text(text)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "semcom",
            "run",
            str(scenario),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
            "--no-plots",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "out" / "results.csv") as f:
        rows = list(csv.DictReader(f))
    mean = {
        s: statistics.mean(float(r["accuracy"]) for r in rows if r["anchor_selection"] == s)
        for s in ("random", "prototypical")
    }
    assert mean["prototypical"] > mean["random"] + 0.03, mean


def _fresh_statistics(out):
    return {name: readme_tables.pair_statistics(v) for name, v in readme_tables.stitching_values(out).items()}


def test_readme_stitching_table_is_this_run(stitching):
    """The documented stitching table (noise-free, the 12 ordered pairs of distinct neural
    agents: mean, lowest and highest pair, each over retrained agents) agrees with a fresh
    run of the scenario's own agents: each number inside the prediction interval of one
    more training run (tests/readme_numbers.py)."""
    out, _ = stitching
    table = readme_tables.readme_table("stitching-table")
    assert [r[0] for r in table] == ["relative", "inverse", "aligned", "oracle", "none", "receiver native"]
    assert all(len(v) == 12 for v in readme_tables.stitching_values(out).values())
    seeds = len(readme_tables.STITCHING_SEED_OFFSETS)
    assert stitching_mismatches(table, _fresh_statistics(out), seeds) == []


def test_readme_stitching_comparison_rejects_a_wrong_table(stitching):
    """The tolerance is narrow where the trainings agree (the means of `aligned`, `oracle` and
    the receivers' native accuracy within 2.5 points; `relative`'s is wide because the
    trainings disagree), and a table with every number moved one point beyond its tolerance
    fails in every cell."""
    out, _ = stitching
    table = readme_tables.readme_table("stitching-table")
    fresh = _fresh_statistics(out)
    seeds = len(readme_tables.STITCHING_SEED_OFFSETS)
    for name, mean, *_ in table:
        lo, hi = prediction_interval(mean, seeds)
        assert name not in ("aligned", "oracle", "receiver native") or 100 * (hi - lo) / 2 < 2.5, (name, mean)
    moved = []
    for name, *cells in table:
        row = [name]
        for cell, value in zip(cells, fresh[name]):
            half = mean_and_half_width(cell)[1]
            a, b = prediction_interval(cell, seeds)
            beyond = value + (1 if value < 0.5 else -1) * ((b - a) / 2 + 0.01)  # 1 point past the tolerance
            row.append(f"{100 * beyond:.1f} ± {half}")
        moved.append(row)
    assert len(stitching_mismatches(moved, fresh, seeds)) == 3 * len(table)
