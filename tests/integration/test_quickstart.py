"""The quickstart study end to end: files, CSV columns, and the physics/semantics it must show.

It runs the quickstart at the anchor counts of the README's table (K = 32 and 64, every
seed and SNR point): the units are those of the full study (a unit is stored and seeded
by its own key), so its numbers are the README's, at two fifths of the cost."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.readme_numbers import accuracy_interval, quickstart_mismatches, readme_tables, shifted

readme_table = readme_tables.readme_table

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "scenario",
    "tx_model",
    "rx_model",
    "channel",
    "snr_db",
    "num_anchors",
    "anchor_selection",
    "scheme",
    "bits",
    "semantic_equalizer",
    "channel_equalizer",
    "csi",
    "replicates",
    "channel_uses",
    "bits_per_sample",
    "n_samples",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "accuracy_half_width",
    "accuracy_wilson_low",
    "accuracy_wilson_high",
    "target_met",
    "nmse",
    "ber",
    "bler",
]
RUN = ["--set", "sweep.num_anchors=[32,64]"]
POINT = ("rx_model", "snr_db", "num_anchors", "semantic_equalizer")
SEEDS = 5


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    out = tmp_path_factory.mktemp("quickstart")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "semcom",
            "run",
            str(ROOT / "scenarios/quickstart.yaml"),
            "--out",
            str(out),
            "--quiet",
            *RUN,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with open(out / "results.csv") as f:
        rows = list(csv.DictReader(f))
    return out, rows


def test_outputs_exist(quickstart):
    out, rows = quickstart
    # two K: no rate figure (fewer than 3 rates); the SNR figures, each with the band over replicates
    for name in (
        "accuracy_vs_snr.png",
        "accuracy_vs_snr.pdf",
        "equalizers_vs_snr.png",
        "equalizers_vs_snr.pdf",
    ):
        assert (out / "plots" / name).stat().st_size > 10_000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1 and manifest["scenario"]["name"] == "quickstart"
    assert {"torch", "sionna-no-rt", "numpy"} <= set(manifest["versions"])
    assert manifest["wall_time_s"] > 0


def test_csv_is_tidy_with_required_columns(quickstart):
    """A row per point (receiver, K, SNR, equaliser), the mean over its 5 replicates with
    the interval over replicates, the Wilson interval of the pooled decisions beside it;
    replicates.csv a row per replicate."""
    out, rows = quickstart
    assert list(rows[0])[: len(REQUIRED)] == REQUIRED
    keys = {(r["rx_model"], r["snr_db"], r["num_anchors"], r["semantic_equalizer"]) for r in rows}
    assert len(keys) == len(rows)  # one row per point and equaliser
    assert len(rows) == 2 * 7 * 2 * 3
    with open(out / "replicates.csv") as f:
        replicates = list(csv.DictReader(f))
    assert len(replicates) == SEEDS * len(rows) and {r["seed"] for r in replicates} == {
        "1",
        "2",
        "3",
        "4",
        "5",
    }
    for r in rows:
        lo, acc, hi = float(r["accuracy_low"]), float(r["accuracy"]), float(r["accuracy_high"])
        assert 0 <= lo <= acc <= hi <= 1 and int(r["replicates"]) == SEEDS and r["target_met"] == ""
        assert float(r["accuracy_half_width"]) >= 0
        assert float(r["accuracy_wilson_low"]) <= acc <= float(r["accuracy_wilson_high"])
        mine = [float(x["accuracy"]) for x in replicates if all(x[k] == r[k] for k in POINT)]
        assert len(mine) == SEEDS and abs(sum(mine) / SEEDS - acc) < 1e-6
        assert r["ber"] == "" and r["bler"] == "" and r["bits_per_sample"] == ""  # analog: not applicable
        expected_uses = (int(r["num_anchors"]) + 1) // 2 if r["semantic_equalizer"] != "none" else 16
        assert float(r["channel_uses"]) == expected_uses


def _acc(rows, **match):
    sel = [r for r in rows if all(str(r[k]) == str(v) for k, v in match.items())]
    assert sel, match
    return sel


def test_relative_is_bounded_by_native_and_beats_none_and_oracle_bounds_it(quickstart):
    """At high SNR and K >= 32, with the default (linear-head) zoo: a receiver decoding
    another agent's relative message cannot beat its own native accuracy (beyond the
    Wilson interval: the receiver's relative head can only lose information), it must
    clearly beat `none` (a foreign head on raw latents: chance), and `oracle` (the
    transmitter's own relative head on the received message) bounds `relative` from
    above up to the two intervals. Measured: relative 83-88 %, native 96-97 %, oracle
    92-94 %, none 1-4 % (docs/notes/issue-11.md)."""
    _, rows = quickstart
    for r in rows:
        if float(r["snr_db"]) < 15 or int(r["num_anchors"]) < 32:
            continue
        native = float(r["native_accuracy"])
        lo, acc, hi = float(r["accuracy_low"]), float(r["accuracy"]), float(r["accuracy_high"])
        point = dict(rx_model=r["rx_model"], snr_db=r["snr_db"], num_anchors=r["num_anchors"])
        if r["semantic_equalizer"] == "relative":
            assert lo <= native, r  # never above native beyond sampling
            none = _acc(rows, **point, semantic_equalizer="none")[0]
            assert lo > float(none["accuracy_high"]), (r, none)  # clearly better than a foreign head
        if r["semantic_equalizer"] == "none":
            assert acc <= 0.30, r  # near chance (10 classes)
        if r["semantic_equalizer"] == "oracle":
            rel = _acc(rows, **point, semantic_equalizer="relative")[0]
            assert hi >= float(rel["accuracy_low"]), (r, rel)


def test_accuracy_does_not_fall_as_snr_rises(quickstart):
    """For the equalisers that decode (relative, oracle) more SNR cannot hurt beyond the
    intervals. `none` is skipped: a foreign head on raw latents is chance whatever the
    SNR, and which wrong class noise pushes it to is not monotonic in anything."""
    _, rows = quickstart
    groups = {}
    for r in rows:
        if r["semantic_equalizer"] == "none":
            continue
        groups.setdefault((r["rx_model"], r["num_anchors"], r["semantic_equalizer"]), []).append(r)
    for key, rs in groups.items():
        rs.sort(key=lambda r: float(r["snr_db"]))
        for lower, higher in zip(rs, rs[1:]):
            # a drop is allowed only within the intervals (they must overlap)
            assert float(higher["accuracy_high"]) >= float(lower["accuracy_low"]), (key, lower, higher)


def test_nmse_of_relative_message_follows_the_noise_power(quickstart):
    _, rows = quickstart
    for r in rows:
        if r["semantic_equalizer"] == "relative":
            no = 10 ** (-float(r["snr_db"]) / 10)
            # odd-free K here (all even): NMSE equals no within sampling error
            assert float(r["nmse"]) == pytest.approx(no, rel=0.25), r


def test_second_run_resumes_without_recomputing(quickstart):
    out, rows = quickstart
    before = (out / "results.csv").read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "semcom",
            "run",
            str(ROOT / "scenarios/quickstart.yaml"),
            "--out",
            str(out),
            *RUN,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"0 of {2 * 2 * SEEDS} units run" in proc.stdout
    assert (out / "results.csv").read_bytes() == before


def test_readme_quickstart_table_is_this_run(quickstart):
    """The README's quickstart numbers agree with a fresh run within each accuracy's 95%
    Wilson interval over the 539 test decisions (plus the README's rounding): on another
    CPU a few decisions flip (tests/readme_numbers.py says why); `make docs-check`
    compares digit for digit on the machine that wrote the README."""
    _, rows = quickstart
    table = readme_table("quickstart-table")
    assert {r[0] for r in table} == {"mlp_wide", "cnn"}
    assert quickstart_mismatches(table, rows) == []


def test_readme_quickstart_comparison_rejects_a_wrong_table(quickstart):
    """The tolerance above is not a blank cheque: every number of a copy of the table moved
    by 5 points is rejected, and one number moved just past its interval is too."""
    _, rows = quickstart
    table = readme_table("quickstart-table")
    assert len(quickstart_mismatches(shifted(table, 5.0), rows)) == 5 * len(table)
    wider = [
        [*r[:2], f"{r[2].split('±')[0]}± 9.9", *r[3:]] for r in table
    ]  # a half-width that is not the run's
    assert len(quickstart_mismatches(wider, rows)) == len(table)
    row = next(
        r
        for r in rows
        if r["rx_model"] == table[0][0]
        and r["snr_db"] == "20.0"
        and r["num_anchors"] == "32"
        and r["semantic_equalizer"] == "relative"
    )
    lo, hi = accuracy_interval(float(row["accuracy"]), int(row["n_samples"]) * int(row["replicates"]))
    for value, rejected in [
        (hi + 0.001, True),
        (lo - 0.001, True),
        (hi - 0.0001, False),
        (lo + 0.0001, False),
    ]:
        edited = [list(r) for r in table]
        edited[0][2] = f"{100 * value:.2f}"
        assert bool(quickstart_mismatches(edited, rows)) == rejected, (value, lo, hi)
