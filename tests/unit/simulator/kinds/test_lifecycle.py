"""One run lifecycle for every kind: a new kind writes only its hooks (a runner with its
identity, units, unit runner and export; its figures and summary), and `semcom run`,
`results`, `plot` and `report` work for it unchanged; reruns, manifests and refusals behave
as for the built-in kinds."""

import io
import json
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from semcom.core.errors import ScenarioError
from semcom.simulator.cli import main
from semcom.simulator.kinds import STUDY_KINDS, StudyKind, register_kind
from semcom.simulator.kinds import base as kinds_base
from semcom.simulator.results.store import read_rows, study_kind, write_csv
from semcom.simulator.run.lifecycle import StudyRunner
from semcom.simulator.scenario.specs import CommonSweepAxes, StudyBase

CALLS: list[int] = []


class CountSweep(CommonSweepAxes):
    rounds: list[int] = Field([1, 2])


class CountScenario(StudyBase):
    kind: str = "count"
    step: float = 1.0
    sweep: CountSweep


@dataclass(frozen=True)
class CountUnit:
    rounds: int

    @property
    def key(self) -> str:
        return f"rounds={self.rounds}"

    def describe(self) -> str:
        return self.key


def run_count_unit(sc, unit: CountUnit) -> list[dict]:
    CALLS.append(unit.rounds)
    return [{"rounds": unit.rounds, "i": i, "value": i * sc.step} for i in range(unit.rounds)]


class CountRunner(StudyRunner):
    kind = "count"
    hash_tag = "count-study"
    run_unit = staticmethod(run_count_unit)

    def check(self, sc) -> None:
        if any(r > 5 for r in sc.sweep.rounds):
            raise ScenarioError("sweep.rounds", sc.sweep.rounds, "is too many", "use at most 5")

    def identity(self, sc, options: dict) -> dict:
        return {"step": sc.step}

    def units(self, sc, state, options: dict) -> list:
        return [CountUnit(r) for r in sc.sweep.rounds]

    def export(self, sc, out_dir: Path, rows: list[dict], state, complete: bool) -> Path:
        write_csv(rows, out_dir / "counts.csv", ["rounds", "i", "value"])
        return out_dir / "counts.csv"


class CountKind(StudyKind):
    name = "count"
    describe = "a counting study (kind: count)"
    results_csv = "counts.csv"
    captions = {"values": "Every value of every unit."}

    def scenario_class(self):
        return CountScenario

    def check(self, sc, check_data=True):
        CountRunner().check(sc)

    def expand(self, sc):
        return CountRunner().units(sc, None, {})

    def runner(self):
        return CountRunner()

    def columns(self):
        return ["rounds", "i", "value"]

    def summary_rows(self, rows):
        return ["rounds", "values"], [
            [str(r), str(sum(x["rounds"] == r for x in rows))]
            for r in dict.fromkeys(x["rounds"] for x in rows)
        ]

    def figures(self, rows, plots_dir, style, scenario):
        import matplotlib.pyplot as plt

        from semcom.simulator.figures.plotting import save_figure

        fig, ax = plt.subplots(figsize=(style.width, 2))
        ax.plot([r["value"] for r in rows])
        return [p for p in save_figure(fig, plots_dir, "values") if p.suffix == ".png"]


@pytest.fixture
def count_kind():
    register_kind(CountKind())
    CALLS.clear()
    yield
    STUDY_KINDS._items.pop("count")
    kinds_base._ADAPTER.clear()


def _cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in args])
    return rc, out.getvalue(), err.getvalue()


def _scenario(tmp_path, **changes) -> Path:
    raw = {
        "name": "c",
        "kind": "count",
        "models": {"a": {"kind": "pca", "latent_dim": 4}},
        "sweep": {"num_anchors": [4], "rounds": [1, 2]},
        **changes,
    }
    path = tmp_path / f"count{len(changes)}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_new_kind_runs_resumes_and_refuses_through_the_one_lifecycle(tmp_path, count_kind):
    out = tmp_path / "run"
    rc, stdout, err = _cli("run", _scenario(tmp_path), "--out", out, "--quiet")
    assert rc == 0, err
    assert (out / "counts.csv").read_text() == "rounds,i,value\n1,0,0.0\n2,0,0.0\n2,1,1.0\n"
    assert study_kind(out) == "count" and len(read_rows(out)) == 3 and CALLS == [1, 2]
    assert (out / "plots" / "values.png").is_file() and (out / "scenario.yaml").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert {k: manifest[k] for k in ("kind", "units_total", "units_run", "rows", "executor")} == {
        "kind": "count",
        "units_total": 2,
        "units_run": 2,
        "rows": 3,
        "executor": "inline",
    }
    assert "torch_threads" in manifest["threads"] and manifest["study_hash"]

    # a rerun runs nothing and keeps the first run's executor and time
    rc, _, err = _cli("run", _scenario(tmp_path), "--out", out, "--quiet", "--workers", "2")
    again = json.loads((out / "manifest.json").read_text())
    assert rc == 0 and CALLS == [1, 2], err
    assert again["units_run"] == 2 and again["executor"] == "inline"
    assert again["wall_time_s"] == manifest["wall_time_s"]

    # another study in the same folder is refused, naming the field that differs
    rc, _, err = _cli("run", _scenario(tmp_path, step=2.0), "--out", out, "--quiet")
    assert rc == 2 and "holds results of a different study (differs in step)" in err, err
    assert err.count("\n") == 1


def test_the_manifest_times_the_whole_command_beside_its_units(tmp_path, count_kind, monkeypatch):
    """``wall_time_s`` is the wait of the command its user saw (the checks before the units
    included), ``units_time_s`` the executor's share of it."""
    checked = CountKind.check_work

    def slow_check_work(self, *args, **kwargs):  # stands in for imports and data checks
        time.sleep(1.0)
        return checked(self, *args, **kwargs)

    monkeypatch.setattr(CountKind, "check_work", slow_check_work)
    out = tmp_path / "run"
    rc, _, err = _cli("run", _scenario(tmp_path), "--out", out, "--quiet", "--no-plots")
    manifest = json.loads((out / "manifest.json").read_text())
    assert rc == 0, err
    assert manifest["wall_time_s"] >= 1.0 > manifest["units_time_s"] >= 0, manifest


def test_results_plot_and_report_work_for_a_new_kind(tmp_path, count_kind):
    out = tmp_path / "run"
    assert _cli("run", _scenario(tmp_path), "--out", out, "--quiet", "--no-plots")[0] == 0
    assert not (out / "plots").exists()
    rc, stdout, _ = _cli("results", out)
    assert rc == 0 and stdout.splitlines()[2].split() == ["1", "1"]
    rc, stdout, _ = _cli("plot", out)
    assert rc == 0 and stdout.strip() == f"plot: {out / 'plots' / 'values.png'}"
    rc, stdout, _ = _cli("report", out)
    html = (out / "report.html").read_text()
    assert rc == 0 and "Every value of every unit." in html and "counts.csv" in html


def test_the_lifecycle_checks_before_it_touches_the_folder(tmp_path, count_kind):
    out = tmp_path / "run"
    rc, _, err = _cli("run", _scenario(tmp_path, sweep={"num_anchors": [4], "rounds": [9]}), "--out", out)
    assert rc == 2 and "sweep.rounds: is too many" in err and not out.exists()
