"""`semcom run/validate/results/plot/report` on a `kind: network` scenario, end to end."""

import csv
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from semcom.simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]

STUDY = dict(
    name="net",
    kind="network",
    seed=2,
    data=dict(dataset="digits", limit=400),
    models=dict(cam=dict(kind="pca", latent_dim=16), hub=dict(kind="rotation", latent_dim=16, seed=1)),
    channels=dict(rayleigh=dict(model="rayleigh", csi="ls")),
    network=dict(
        slot_duration_s=1e-3,
        resource_blocks=4,
        channel_uses_per_rb=6,
        duration_s=0.1,
        warmup_s=0.01,
        receivers=dict(hub=dict(model="hub")),
        transmitters=dict(cam=dict(model="cam", count=3, distance_m=dict(min=10, max=30))),
    ),
    sweep=dict(
        arrival_rate=[100, 600],
        num_anchors=[4, 16],
        scheduler=["round_robin", "slotted_aloha"],
        semantic_equalizer=["relative", "aligned"],
        channel="rayleigh",
    ),
)


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("net")
    path = root / "net.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    rc, out, err = _cli("run", path, "--out", root / "out", "--quiet")
    assert rc == 0, err
    return path, root / "out"


def test_validate_reports_the_network_units():
    rc, out, err = _cli("validate", ROOT / "scenarios" / "network_edge.yaml")
    assert rc == 0, err
    assert "ok (network: 108 units, 12 transmitters, 2 receivers)" in out


def test_run_writes_results_alignment_cost_and_plots(study):
    _, out = study
    rows = list(csv.DictReader((out / "network_results.csv").read_text().splitlines()))
    assert len(rows) == 2 * 2 * 2 * 2
    for r in rows:
        assert int(r["delivered"]) + int(r["drops_queue"]) + int(r["drops_collision"]) == int(r["messages"])
        assert float(r["latency_min"]) >= 1e-3  # nothing beats one slot
        assert r["alignment_fits"] == ("3" if r["semantic_equalizer"] == "aligned" else "0")
    cost = list(csv.DictReader((out / "alignment_cost.csv").read_text().splitlines()))
    mesh = {
        (r["semantic_equalizer"], r["num_agents"]): r
        for r in cost
        if r["topology"] == "full_mesh" and r["num_anchors"] == "16"
    }
    assert mesh[("aligned", "8")]["fits"] == str(8 * 7) and mesh[("relative", "64")]["fits"] == "0"
    for stem in (
        "network_goodput_vs_load",
        "network_latency_p95_vs_load",
        "network_accuracy_vs_latency",
        "network_alignment_cost",
    ):
        for ext in ("png", "pdf"):
            assert (out / "plots" / f"{stem}.{ext}").stat().st_size > 5_000, (stem, ext)


def test_rerun_resumes_and_a_second_study_gives_identical_bytes(study, tmp_path):
    path, out = study
    rc, text, err = _cli("run", path, "--out", out)
    assert rc == 0 and "0 of 16 units run (16 already done)" in text, err
    rc, _, err = _cli("run", path, "--out", tmp_path / "again", "--quiet", "--no-plots")
    assert rc == 0, err
    assert (tmp_path / "again" / "network_results.csv").read_bytes() == (
        out / "network_results.csv"
    ).read_bytes()


def test_results_plot_and_report_read_a_network_store(study):
    _, out = study
    rc, text, _ = _cli("results", out)
    assert rc == 0 and "goodput/s" in text and "slotted_aloha" in text
    rc, text, _ = _cli("plot", out)
    assert rc == 0 and "network_goodput_vs_load.png" in text
    rc, text, _ = _cli("report", out)
    assert rc == 0 and "network_alignment_cost" in (out / "report.html").read_text()


def test_bad_network_scenario_is_one_line_exit_2(tmp_path):
    bad = {**STUDY, "sweep": {**STUDY["sweep"], "scheduler": "aloha"}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    rc, _, err = _cli("run", path, "--out", tmp_path / "out")
    assert rc == 2 and err.count("\n") == 1 and "sweep.scheduler" in err and "slotted_aloha" in err


@pytest.mark.slow
def test_network_edge_runs_end_to_end(tmp_path):
    """The whole shipped network study (165 s on 2 cores, docs/guide/scenarios.md; speed is
    benchmarked by `benchmarks/run.py --only network_load`, not asserted here)."""
    rc, _, err = _cli("run", ROOT / "scenarios" / "network_edge.yaml", "--out", tmp_path / "out", "--quiet")
    assert rc == 0, err
    with open(tmp_path / "out" / "network_results.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(0.0 <= float(r["accuracy"]) <= 1.0 for r in rows if r["accuracy"])
    assert len(list((tmp_path / "out" / "plots").glob("*.png"))) >= 3
