"""Scenarios travel: a scenario's relative paths are read from its own folder, whatever the
working directory (absolute paths still work, and give the same study); a shipped scenario
runs by name; the constellation has one spelling per scenario (``modulation_order`` is an
alias of ``num_bits_per_symbol``, and giving both is refused)."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import yaml

import semcom
from semcom.core.errors import SemcomInputError
from semcom.simulator.cli import main
from semcom.simulator.scenario.reading import read_scenario_yaml, resolve_paths

STUDY = """\
name: travel
seed: 1
data: {dataset: latents, path: latents/alice.npz}
models:
  alice: {kind: npz, path: latents/alice.npz}
  bob:   {kind: npz, path: latents/bob.npz}
sweep: {snr_db: [0, 10], num_anchors: [8], transmitter: alice, receiver: bob,
        semantic_equalizer: [relative, none]}
"""


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path):
    """A study folder holding its scenario and, below it, the agents' latent files."""
    folder = tmp_path / "project"
    (folder / "latents").mkdir(parents=True)
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(5), 70)
    centres = rng.normal(size=(5, 12))
    for name, width in (("alice", 12), ("bob", 9)):
        mix = rng.normal(size=(12, width))
        latents = (centres[labels] + 0.3 * rng.normal(size=(len(labels), 12))) @ mix
        np.savez(folder / "latents" / f"{name}.npz", latents=latents.astype(np.float32), labels=labels)
    (folder / "study.yaml").write_text(STUDY)
    return folder


def test_relative_paths_are_read_from_the_scenario_folder(project, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # latents/alice.npz does not exist here
    rc, _, err = _cli("run", project / "study.yaml", "--out", "relative", "--quiet", "--no-plots")
    assert rc == 0, err
    stored = yaml.safe_load((elsewhere / "relative" / "scenario.yaml").read_text())
    assert stored["models"]["bob"]["path"] == str(project / "latents" / "bob.npz")
    # the same study written with absolute paths is the same study: the same bytes
    absolute = STUDY.replace("latents/", f"{project}/latents/")
    (elsewhere / "absolute.yaml").write_text(absolute)
    rc, _, err = _cli("run", "absolute.yaml", "--out", "absolute", "--quiet", "--no-plots")
    assert rc == 0, err
    reference = (elsewhere / "relative" / "results.csv").read_bytes()
    assert (elsewhere / "absolute" / "results.csv").read_bytes() == reference
    # the Python API reads files the same way
    result = semcom.run(project / "study.yaml", elsewhere / "api", quiet=True)
    assert (result.out / "results.csv").read_bytes() == reference


def test_a_path_given_on_the_command_line_is_the_callers(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project.parent)  # from here, latents/ is not beside the working directory
    rc, _, err = _cli("validate", project / "study.yaml", "--set", "models.bob.path=latents/bob.npz")
    assert rc == 2 and "models.bob.path" in err and "latents/bob.npz" in err, err
    monkeypatch.chdir(project)
    rc, out, err = _cli("validate", project / "study.yaml", "--set", "models.bob.path=latents/bob.npz")
    assert rc == 0 and "ok" in out, err


def test_resolve_paths_leaves_absolute_and_other_values_alone(tmp_path):
    raw = {
        "data": {"path": "/abs/data", "dataset": "mnist"},
        "name": "x/y",
        "models": {"a": {"kind": "npz", "path": "../a.npz"}, "b": {"kind": "mlp"}},
        "tables": "tables",
        "abstraction": {"models": {"c": {"kind": "npz", "path": "c.npz"}}},
    }
    resolve_paths(raw, tmp_path / "scenarios")
    assert raw["data"] == {"path": "/abs/data", "dataset": "mnist"} and raw["name"] == "x/y"
    assert raw["models"]["a"]["path"] == str(tmp_path / "a.npz") and raw["models"]["b"] == {"kind": "mlp"}
    assert raw["tables"] == str(tmp_path / "scenarios" / "tables")  # the system kind's own keys
    assert raw["abstraction"]["models"]["c"]["path"] == str(tmp_path / "scenarios" / "c.npz")


def test_a_shipped_scenario_runs_by_name_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert read_scenario_yaml("quickstart")["name"] == "quickstart"
    assert read_scenario_yaml("quickstart.yaml") == read_scenario_yaml(semcom.scenario_path("quickstart"))
    rc, out, err = _cli(
        "run",
        "quickstart",
        "--out",
        "q",
        "--quiet",
        "--no-plots",
        "--set",
        "sweep.snr_db=[10]",
        "--set",
        "sweep.num_anchors=[8]",
        "--set",
        "sweep.receiver=mlp_wide",
        "--set",
        "sweep.seed=[1]",
    )
    assert rc == 0, err
    manifest = json.loads((tmp_path / "q" / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "quickstart" and manifest["rows"] == 3
    rc, _, err = _cli("validate", "quickstrat", "--no-data")
    assert rc == 2 and err.count("\n") == 1, err
    assert "quickstrat: scenario file not found" in err and "quickstart" in err.split("shipped scenario")[1]


def test_a_constellation_has_one_spelling(tmp_path):
    from semcom.transceivers.schemes import SCHEMES

    digital = SCHEMES.get("digital")
    assert (
        digital(modulation_order=16).num_bits_per_symbol
        == digital(num_bits_per_symbol=4).num_bits_per_symbol
        == 4
    )
    with pytest.raises(SemcomInputError, match="alias of num_bits_per_symbol"):
        digital(modulation_order=16, num_bits_per_symbol=4)  # even when they agree
    scenario = tmp_path / "both.yaml"
    scenario.write_text(
        "name: both\nmodels: {a: {kind: pca, latent_dim: 8}}\n"
        "scheme: {kind: digital, modulation_order: 4, num_bits_per_symbol: 2}\n"
        "sweep: {snr_db: [0], num_anchors: [4], transmitter: a, receiver: a}\n"
    )
    rc, _, err = _cli("validate", scenario)
    assert rc == 2 and "scheme.modulation_order: is an alias of num_bits_per_symbol" in err, err
    assert "give only one of them" in err
