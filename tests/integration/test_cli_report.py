"""The command line around a finished study: validate (every shipped scenario), schema,
results, plot, report (rendered in headless Chromium when it is installed), and the
rule that nothing is written outside --out."""

import base64
import io
import json
import re
import shutil
import subprocess
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from semcom.simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

STUDY = dict(
    name="cli",
    seed=2,
    data=dict(dataset="digits", limit=300),
    models=dict(
        tx=dict(kind="pca", latent_dim=16),
        rx=dict(kind="rotation", latent_dim=16, seed=1),
        rx2=dict(kind="pca", latent_dim=10),
    ),
    sweep=dict(
        snr_db=[0, 10, 20],
        num_anchors=[4, 8, 16],
        transmitter="tx",
        receiver=["rx", "rx2"],
        semantic_equalizer=["relative", "none"],
        anchor_selection=["random", "class_balanced"],
        seed=[1, 2],
    ),
)


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_every_shipped_scenario_validates(scenario):
    raw = yaml.safe_load(scenario.read_text())
    if any(m.get("kind") == "efficientnet_lite" for m in raw["models"].values()):
        pytest.importorskip("efficientnet_lite_pytorch", reason="needs the [pretrained] extra")
    data_path = raw.get("data", {}).get("path")
    if data_path and not (scenario.parent / data_path).exists():  # relative to the scenario's folder
        pytest.skip(f"{scenario.name} reads data.path '{data_path}', absent here")
    rc, out, err = _cli("validate", scenario)
    assert rc == 0, err
    assert "ok" in out


def test_schema_is_a_json_schema_with_the_sweep_axes():
    rc, out, _ = _cli("schema")
    schema = json.loads(out)
    assert rc == 0 and schema["$schema"].startswith("https://json-schema.org/")
    sweep = schema["$defs"]["SweepSpec"]["properties"]
    assert {
        "snr_db",
        "num_anchors",
        "channel",
        "transmitter",
        "receiver",
        "semantic_equalizer",
        "bits",
        "anchor_selection",
        "seed",
    } <= set(sweep)
    assert schema["$defs"]["LinkScenario"]["additionalProperties"] is False  # editors flag unknown keys too
    # network scenarios and model-specific keys are covered as well
    assert {"network", "sweep"} <= set(schema["$defs"]["NetworkScenario"]["properties"])
    assert {"width", "depth", "channels", "head"} <= set(schema["$defs"]["ModelSpec"]["properties"])
    assert {"$ref": "#/$defs/NetworkScenario"} in schema["oneOf"]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    path = root / "cli.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    out = root / "out"
    rc, _, err = _cli("run", path, "--out", out, "--quiet")
    assert rc == 0, err
    return out


def test_run_writes_the_documented_files(study):
    for name in ("results.csv", "results.sqlite", "manifest.json", "scenario.yaml"):
        assert (study / name).is_file(), name
    for stem in (
        "rate_accuracy",
        "accuracy_vs_snr",
        "accuracy_vs_anchors",
        "equalizers_vs_snr",
        "equalizers_vs_anchors",
        "compare_rx_model",
    ):
        for ext in ("png", "pdf"):
            assert (study / "plots" / f"{stem}.{ext}").stat().st_size > 5_000, (stem, ext)
    manifest = json.loads((study / "manifest.json").read_text())
    assert manifest["units_total"] == 2 * 2 * 3 * 2 and manifest["executor"] == "inline"


def test_results_prints_a_table_in_numeric_order(study):
    rc, out, _ = _cli("results", study)
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["tx", "rx", "equalizer", "anchors", "K", "uses/sample"]
    ks = [
        int(line.split()[4]) for line in lines[2:-1] if line.split()[:4] == ["tx", "rx", "relative", "random"]
    ]
    assert ks == [4, 8, 16]
    assert "2 replicates each" in lines[-1] and "95% t-interval over replicates" in lines[-1]


def test_plot_redraws_from_the_store_without_running(study):
    for png in (study / "plots").glob("*"):
        png.unlink()
    rc, out, _ = _cli("plot", study)
    assert rc == 0 and out.count("plot: ") == 6
    assert (study / "plots" / "rate_accuracy.pdf").is_file()


@pytest.mark.parametrize("command", ["results", "plot", "report"])
def test_commands_on_a_directory_without_results_fail_with_one_line(tmp_path, command):
    rc, _, err = _cli(command, tmp_path / "nothing")
    assert rc == 2 and err.count("\n") == 1 and "results.sqlite" in err


@pytest.fixture(scope="module")
def report(study):
    rc, out, err = _cli("report", study)
    assert rc == 0 and "report.html" in out, err
    return study / "report.html"


def test_report_is_self_contained(report):
    html = report.read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 6
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    for text in ("rate_accuracy", "Summary", "Scenario", "Manifest", "name: cli", "class_balanced"):
        assert text in html, text
    # captioned by what each figure shows, numbered; the scenario printed once (not again in the manifest)
    assert "<b>Figure 1.</b> Rate–accuracy" in html and "<b>rate_accuracy</b>" not in html
    assert html.count("name: cli") == 1 and '"sweep":' not in html


_CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)


@pytest.mark.skipif(_CHROMIUM is None, reason="no Chromium on this machine (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium_with_its_images_loaded(report, tmp_path):
    # a copy of the report with a probe that records, after load, which images decoded
    probe = (
        "<script>window.addEventListener('load', function () {"
        "var imgs = Array.from(document.images);"
        "var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });"
        "var p = document.createElement('p'); p.id = 'probe';"
        "p.textContent = ok.length + '/' + imgs.length + ':' + "
        "ok.map(function (i) { return i.naturalWidth; }).join(',');"
        "document.body.appendChild(p); });</script></body>"
    )
    page = tmp_path / "probe.html"
    page.write_text(report.read_text().replace("</body>", probe))
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                _CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    found = re.search(r'<p id="probe">(\d+)/(\d+):([\d,]*)</p>', proc.stdout)
    assert found, proc.stderr[-2000:]
    loaded, total, widths = int(found[1]), int(found[2]), found[3]
    assert loaded == total == report.read_text().count("<img ") >= 4  # every image of the report decoded
    assert all(int(w) > 500 for w in widths.split(","))


def test_outputs_never_escape_the_output_directory(tmp_path):
    evil = {
        **STUDY,
        "name": "../../escape/../x",
        "sweep": {
            **STUDY["sweep"],
            "num_anchors": [4],
            "seed": [1],
            "anchor_selection": "random",
            "receiver": "rx",
        },
    }
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(evil))
    box = tmp_path / "box"
    box.mkdir()
    out = box / "out"
    before = set(tmp_path.rglob("*"))
    rc, _, err = _cli("run", path, "--out", out, "--quiet", "--no-plots")
    assert rc == 0, err
    rc, _, err = _cli("report", out)
    assert rc == 0, err
    new = set(tmp_path.rglob("*")) - before
    assert new and all(out in p.parents or p == out for p in new), sorted(new)


PAPER = sorted((ROOT / "scenarios").glob("paper_*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("scenario", PAPER, ids=[p.name for p in PAPER])
def test_paper_scenarios_run_end_to_end_with_their_figures(scenario, tmp_path):
    """Whole shipped studies (their wall times are in docs/guide/scenarios.md, measured with
    the command there: speed is a benchmark's to judge, not a test's)."""
    rc, _, err = _cli("run", scenario, "--out", tmp_path / "out", "--quiet")
    assert rc == 0, err
    assert len(list((tmp_path / "out" / "plots").glob("*.png"))) >= 3


def test_report_shows_the_latent_geometry_stitch_wrote(study, report, tmp_path):
    """`semcom stitch` (a run of its own) writes collapse.csv, cka.csv and plots/cka.png;
    `semcom report` then shows them in a "Latent geometry" section (and not without)."""
    out = tmp_path / "stitch"
    rc, _, err = _cli("stitch", study / "scenario.yaml", "--out", out)
    assert rc == 0, err
    for name in ("collapse.csv", "cka.csv", "plots/cka.png"):
        assert (out / name).is_file(), name
    rc, _, err = _cli("report", out)
    assert rc == 0, err
    html = (out / "report.html").read_text()
    assert "Latent geometry" in html and 'alt="cka.png"' in html and "class_mean_cosine_std" in html
    assert "Latent geometry" not in report.read_text()  # the study without stitch outputs
