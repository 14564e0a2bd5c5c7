"""Determinism: the same scenario and seed give a byte-identical results.csv whatever
runs it (inline, a local process pool, a Dask cluster) and from a cold or a warm cache;
another seed gives other numbers. A study extended with more units reuses the old ones."""

import csv
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from semcom.simulator.cli import main
from semcom.simulator.kinds import run_study
from semcom.simulator.link.schema import parse_scenario

STUDY = dict(
    name="determinism",
    seed=11,
    data=dict(dataset="digits", limit=400),
    models=dict(
        tx=dict(kind="pca", latent_dim=20),
        rx=dict(kind="rotation", latent_dim=24, seed=2, noise_std=0.1),
        rx2=dict(kind="pca", latent_dim=12),
    ),
    sweep=dict(
        snr_db=[-5, 5, 20],
        num_anchors=[3, 8],
        transmitter="tx",
        receiver=["rx", "rx2"],
        semantic_equalizer=["relative", "inverse", "aligned", "none", "oracle"],
        seed=[1, 2],
    ),
)


def _run(tmp_path: Path, name: str, scenario=STUDY, **kw) -> bytes:
    """results.csv (a row per point) followed by replicates.csv (a row per seed), as bytes."""
    out = tmp_path / name
    run_study(parse_scenario(scenario), out, quiet=True, plots=False, **kw)
    return (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes()


def _csv(data: bytes, part: int = 0) -> list[dict]:
    """The rows of results.csv (``part`` 0) or replicates.csv (1) in :func:`_run`'s bytes."""
    text = data.decode()
    second = text.index("\nscenario,", 1) + 1
    return list(csv.DictReader(io.StringIO(text[:second] if part == 0 else text[second:])))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("ref"), "inline")


def test_same_seed_same_bytes_from_a_cold_cache(tmp_path, reference, monkeypatch):
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / "cold-cache"))
    from semcom.simulator.run import context
    from semcom.transceivers import heads

    monkeypatch.setattr(context, "_SPACES", {})  # nothing memoised in this process either:
    monkeypatch.setattr(heads, "_MEMORY", {})  # latents and heads are rebuilt from scratch
    assert _run(tmp_path, "again") == reference


def test_another_seed_gives_other_numbers(tmp_path, reference):
    other = _run(tmp_path, "other", {**STUDY, "sweep": {**STUDY["sweep"], "seed": [3, 4]}})
    a, b = ([r["accuracy"] for r in _csv(data)] for data in (reference, other))
    assert len(a) == len(b)
    assert sum(x != y for x, y in zip(a, b)) > len(a) // 3


def test_the_scenario_seed_is_the_default_sweep_seed(tmp_path):
    sweep = {k: v for k, v in STUDY["sweep"].items() if k != "seed"}
    one = {**STUDY, "sweep": {**sweep, "num_anchors": [3]}, "seed": 1}
    two = {**one, "seed": 2}
    r1, r2 = _csv(_run(tmp_path, "s1", one), 1), _csv(_run(tmp_path, "s2", two), 1)
    assert {r["seed"] for r in r1} == {"1"} and {r["seed"] for r in r2} == {"2"}
    assert [r["accuracy"] for r in r1] != [r["accuracy"] for r in r2]


def test_process_pool_gives_identical_bytes(tmp_path, reference):
    assert _run(tmp_path, "pool", workers=2) == reference


def test_dask_cluster_gives_identical_bytes(tmp_path, reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        assert _run(tmp_path, "dask", scheduler=cluster.scheduler_address) == reference


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(
            ["run", str(path), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9", "--quiet"]
        )
    assert rc == 2 and err.getvalue().count("\n") == 1 and "--scheduler" in err.getvalue(), err.getvalue()


def test_extending_a_study_reuses_finished_units(tmp_path, reference):
    small = {**STUDY, "sweep": {**STUDY["sweep"], "num_anchors": [3]}}
    out = tmp_path / "grow"
    first = run_study(parse_scenario(small), out, quiet=True, plots=False)
    assert first.units_run == 4
    grown = run_study(parse_scenario(STUDY), out, quiet=True, plots=False)
    assert (grown.units_total, grown.units_run) == (8, 4)
    assert (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes() == reference
    # shrinking back exports only the current units, in order
    again = run_study(parse_scenario(small), out, quiet=True, plots=False)
    assert again.units_run == 0
    rows = list(csv.DictReader((out / "results.csv").read_text().splitlines()))
    assert {r["num_anchors"] for r in rows} == {"3"} and len(rows) == 2 * 3 * 5  # 2 seeds: one row per point


def test_a_different_study_is_refused_unless_forced(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    out = tmp_path / "o"
    run_study(
        parse_scenario({**STUDY, "sweep": {**STUDY["sweep"], "num_anchors": [3], "seed": [1]}}),
        out,
        quiet=True,
        plots=False,
    )
    changed = {**STUDY, "sweep": {**STUDY["sweep"], "snr_db": [0, 10], "num_anchors": [3], "seed": [1]}}
    path.write_text(yaml.safe_dump(changed))
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["run", str(path), "--out", str(out), "--quiet", "--no-plots"])
    assert rc == 2 and "different study" in err.getvalue() and "--force" in err.getvalue()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["run", str(path), "--out", str(out), "--quiet", "--no-plots", "--force"])
    assert rc == 0
    rows = list(csv.DictReader((out / "results.csv").read_text().splitlines()))
    assert {r["snr_db"] for r in rows} == {"0.0", "10.0"}
