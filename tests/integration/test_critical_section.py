"""One critical section per run: the folder's lock is held from the store's check of the
study to the last file written, so a `--force` run of another study (or `semcom plot`)
started while a run draws its figures is refused, and the folder ends with one study's
files; a refused run (a system study into another study's folder) writes nothing."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
import yaml

from semcom.simulator.kinds import get_kind, kind_of, parse_study
from semcom.simulator.results.reading import study_kind

from .bounds import assert_one_line_refusal, run_cli

FIRST = dict(
    name="first",
    seed=1,
    data=dict(dataset="digits", limit=400),
    models=dict(a=dict(kind="pca", latent_dim=8)),
    sweep=dict(snr_db=[0, 10], num_anchors=[4], transmitter="a", receiver="a", semantic_equalizer="relative"),
)
SECOND = {**FIRST, "name": "second", "models": dict(a=dict(kind="pca", latent_dim=12))}


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_forced_run_of_another_study_while_the_first_draws_its_figures_is_refused(tmp_path):
    out = tmp_path / "run"
    second = tmp_path / "second.yaml"
    second.write_text(yaml.safe_dump(SECOND))
    sc = parse_study(FIRST)
    kind = get_kind("link")
    drawing, release = threading.Event(), threading.Event()
    errors = []

    def slow_draw(rows, plots_dir, scenario):
        drawing.set()
        assert release.wait(120)
        return kind.draw(rows, plots_dir, scenario)

    def first_run():
        try:
            kind.runner().run(sc, out, draw=slow_draw, quiet=True)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert drawing.wait(300), errors
        rc, _, err = run_cli(
            "run", str(second), "--out", str(out), "--quiet", "--no-plots", "--force", bound=False
        )
        assert_one_line_refusal(rc, err, "in use by another semcom run")
        rc, _, err = run_cli("plot", str(out), bound=False)
        assert_one_line_refusal(rc, err, "in use by another semcom run")
    finally:
        release.set()
        thread.join(300)
    assert not errors, errors
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "first" and manifest["study_hash"] == kind.runner().study_hash(sc)
    assert yaml.safe_load((out / "scenario.yaml").read_text())["name"] == "first"
    rc, _, err = run_cli(
        "run", str(second), "--out", str(out), "--quiet", "--no-plots", "--force", bound=False
    )
    assert rc == 0 and "discarding 1 finished units" in err, err  # once the first is done, --force works


@pytest.fixture(scope="module")
def tables_dir(tmp_path_factory):
    from tests.unit.simulator.system.system_fixtures import synthetic_table_set

    d = tmp_path_factory.mktemp("tables")
    synthetic_table_set([("a", "edge"), ("b", "edge")]).save(d)
    return d


def test_a_refused_system_run_leaves_every_file_of_the_folder_byte_identical(tables_dir, tmp_path):
    from tests.unit.simulator.system.system_fixtures import system_raw

    out = tmp_path / "run"
    raw = system_raw(tables_dir, duration_s=0.05, warmup_s=0.005, drain_s=0.01)
    raw["sweep"].update(link_adaptation=["fixed"])
    sc = parse_study(raw)
    kind_of(sc).run(sc, out, quiet=True, plots=False)
    assert study_kind(out) == "system" and (out / "abstraction_validation.csv").is_file()
    before = _digest(out)
    other = dict(raw, system={**raw["system"], "duration_s": 0.06})
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(other))
    rc, _, err = run_cli("run", str(path), "--out", str(out), "--quiet", "--no-plots", bound=False)
    assert_one_line_refusal(rc, err, "holds results of a different study", "system.duration_s")
    assert _digest(out) == before
