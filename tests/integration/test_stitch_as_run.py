"""A stitch folder is a run: `semcom results|plot|report` work on it, a rerun reuses the
stored table, another study's folder is refused, and a network scenario gets one line."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from semcom.simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]

SMALL = dict(
    name="stitch_small",
    seed=3,
    data=dict(dataset="digits", limit=400, test_fraction=0.3),
    models=dict(a=dict(kind="pca", latent_dim=12), b=dict(kind="pca", latent_dim=16, seed=1)),
    sweep=dict(
        snr_db=[10],
        num_anchors=[12],
        transmitter=["a", "b"],
        receiver=["a", "b"],
        semantic_equalizer=["relative", "none"],
    ),
)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def stitched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stitch_run")
    scenario = tmp / "s.yaml"
    scenario.write_text(yaml.safe_dump(SMALL))
    out = tmp / "out"
    rc, stdout, err = _cli("stitch", str(scenario), "--out", str(out))
    assert rc == 0, err
    return scenario, out


def test_a_stitch_folder_holds_a_store_scenario_and_manifest(stitched):
    _, out = stitched
    for name in ("results.sqlite", "stitching.csv", "scenario.yaml", "manifest.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "manifest.json").read_text())["kind"] == "stitch"
    assert not list(out.glob("results.sqlite-*")), "a finished stitch leaves no WAL files"


def test_results_plot_and_report_work_on_a_stitch_folder(stitched):
    _, out = stitched
    rc, stdout, err = _cli("results", str(out))
    assert rc == 0, err
    lines = stdout.splitlines()
    # 2 conditions x 2 equalisers, after the header and its rule
    assert lines[0].split()[:2] == ["condition", "equalizer"] and len(lines) == 2 + 4 + 1, stdout
    rc, stdout, err = _cli("plot", str(out))
    assert rc == 0, err
    assert {Path(line.split()[-1]).name for line in stdout.splitlines()} == {  # the figures the run drew
        "stitching_noise_free.png",
        "stitching_10dB.png",
        "cka.png",
    }
    rc, stdout, err = _cli("report", str(out))
    assert rc == 0, err
    assert "stitching_noise_free" in (out / "report.html").read_text()


def test_a_rerun_reuses_the_table_and_another_study_is_refused(stitched, tmp_path):
    scenario, out = stitched
    before = (out / "manifest.json").read_text()
    rc, _, err = _cli("stitch", str(scenario), "--out", str(out))
    assert rc == 0, err
    assert (out / "manifest.json").read_text() == before  # nothing recomputed, original time kept
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({**SMALL, "sweep": {**SMALL["sweep"], "num_anchors": [8]}}))
    rc, _, err = _cli("stitch", str(other), "--out", str(out))
    assert rc == 2 and "different study" in err and "num_anchors" in err, err


def test_a_network_scenario_gets_one_clear_line():
    rc, _, err = _cli("stitch", str(ROOT / "scenarios/network_edge.yaml"), "--out", "/nonexistent/x")
    assert rc == 2
    assert err.count("\n") == 1 and "kind: network" in err, err


def _png_width(path: Path) -> int:
    import struct

    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def test_stitch_takes_overrides_and_draws_at_the_scenarios_width(stitched, tmp_path):
    """`--set` works on stitch as on run; `figure: {width: single}` reaches the heat maps
    the stitch itself draws (3.5 in at 300 dpi, not the 7.16 in default)."""
    scenario, _ = stitched
    out = tmp_path / "narrow"
    rc, _, err = _cli(
        "stitch",
        str(scenario),
        "--out",
        str(out),
        "--set",
        "sweep.num_anchors=8",
        "--set",
        "figure.width=single",
    )
    assert rc == 0, err
    rows = (out / "stitching.csv").read_text().splitlines()
    column = rows[0].split(",").index("num_anchors")
    assert {line.split(",")[column] for line in rows[1:]} == {"8"}
    assert _png_width(out / "plots" / "stitching_noise_free.png") < 5 * 300
    assert _png_width(out / "plots" / "cka.png") < 5 * 300
