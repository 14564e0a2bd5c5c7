"""Numbers that used to come out wrong with exit 0 and no word: a short table grid taken to
cover every SINR, a stitching table at "nan dB", degenerate data (one class, latents at a
scale where float32 cosines fail, NaN NMSE) reported as measurements, and an encoder calling
sys.exit(0) ending a run as if it had finished. Each is planted here and must give one line:
a refusal, or a warning shown and kept in manifest.json."""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import yaml

from semcom.core.trust import ALLOW_CODE_ENV
from semcom.simulator.cli import main
from semcom.simulator.kinds import parse_study
from semcom.simulator.system.tables import flat_at_end, link_tables
from tests.unit.simulator.system.system_fixtures import synthetic_table_set, system_raw

PAIRS = [("a", "edge"), ("b", "edge")]


def _cmd(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        rc = main(args)
    return rc, err.getvalue()


def _sinr_range(grid) -> tuple[float, float]:
    ts = synthetic_table_set(PAIRS, grid=grid)
    return link_tables(parse_study(system_raw("unused")), ts).sinr_range()


def test_a_three_point_grid_covers_only_its_own_sinr_range():
    # 15, 15.5, 16 dB near saturation: all three points agree, which once read as "flat at both ends"
    assert _sinr_range((15.0, 16.0, 0.5)) == (15.0, 16.0)
    # a grid long enough to show its ends flat still holds its end values beyond them
    assert _sinr_range((-40.0, 50.0, 0.5)) == (-math.inf, math.inf)
    table = synthetic_table_set(PAIRS[:1], ks=(32,), grid=(15.0, 16.0, 0.5)).tables[0]
    assert not flat_at_end(table, 0) and not flat_at_end(table, -1)
    long = synthetic_table_set(PAIRS[:1], ks=(32,), grid=(40.0, 42.5, 0.5)).tables[0]  # six saturated points
    assert flat_at_end(long, 0) and flat_at_end(long, -1)


LINK = dict(
    name="silent",
    seed=1,
    data=dict(dataset="digits", limit=300, test_fraction=0.4),
    heads=dict(weight_decay=0.001),
    models=dict(a=dict(kind="pca", latent_dim=16), b=dict(kind="pca", latent_dim=12, seed=3)),
    sweep=dict(
        snr_db=[0, 10], num_anchors=[8], transmitter="a", receiver="b", semantic_equalizer=["relative"]
    ),
)


def test_stitch_refuses_a_nan_snr_before_writing(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(LINK))
    for value in ("nan", "inf"):
        rc, err = _cmd(["stitch", str(path), "--out", str(tmp_path / value), "--snr-db", value])
        assert (
            rc == 2 and err.count("\n") == 1 and err.startswith("semcom: error: snr_db: must be a finite SNR")
        ), err
        assert not (tmp_path / value / "stitching.csv").exists()


def _latent_study(tmp_path: Path, labels: np.ndarray, scale: float = 1.0) -> Path:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(10, 8))
    for name, dim, factor in (("x", 8, 1.0), ("y", 8, scale)):
        z = centres[labels] + 0.3 * rng.normal(size=(len(labels), dim))
        np.savez(tmp_path / f"{name}.npz", latents=(factor * z).astype(np.float32), labels=labels)
    scenario = dict(
        name="degenerate",
        seed=1,
        heads=dict(weight_decay=0.001),
        data=dict(dataset="latents", path=str(tmp_path / "x.npz"), test_fraction=0.4),
        models=dict(
            x=dict(kind="npz", path=str(tmp_path / "x.npz")), y=dict(kind="npz", path=str(tmp_path / "y.npz"))
        ),
        sweep=dict(
            snr_db=[0, 10], num_anchors=[8], transmitter="x", receiver="y", semantic_equalizer=["relative"]
        ),
    )
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    return path


def _run_and_manifest(path: Path, out: Path) -> tuple[int, str, list[str]]:
    rc, err = _cmd(["run", str(path), "--out", str(out), "--quiet", "--no-plots"])
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").is_file() else {}
    return rc, err, manifest.get("warnings")


def test_a_clean_run_keeps_no_warning(tmp_path):
    rc, err, warned = _run_and_manifest(_latent_study(tmp_path, np.arange(300) % 10), tmp_path / "out")
    assert rc == 0 and "warning" not in err, err
    assert warned == []


def test_a_single_class_dataset_is_warned_about_in_the_output_and_the_manifest(tmp_path):
    path = _latent_study(tmp_path, np.full(300, 3))
    rc, err, warned = _run_and_manifest(path, tmp_path / "out")
    assert rc == 0, err
    lines = [line for line in err.splitlines() if "holds one class" in line]
    assert len(lines) == 1 and lines[0].startswith(
        "semcom: warning: data: the test set holds one class only"
    ), err
    assert any("holds one class" in w for w in warned), warned
    rc, err = _cmd(["validate", str(path)])
    assert rc == 0 and "holds one class" in err, err  # validate says so before any run


@pytest.mark.parametrize("scale", [1e30, 1e-30])
def test_latents_at_a_scale_where_cosines_fail_are_warned_about(tmp_path, scale):
    rc, err, warned = _run_and_manifest(_latent_study(tmp_path, np.arange(300) % 10, scale), tmp_path / "out")
    assert rc == 0, err
    lines = [line for line in err.splitlines() if "latents of norm" in line]
    assert len(lines) == 1 and lines[0].startswith("semcom: warning: models.y: latents of norm about"), err
    assert f"e{int(math.log10(scale)):+03d} (median)" in lines[0], err  # the norm's order, as it is
    assert any(w.startswith("models.y: latents of norm") for w in warned), warned


def test_an_undefined_nmse_is_warned_about(monkeypatch, tmp_path):
    import semcom.simulator.link.accumulator as accumulator

    monkeypatch.setattr(accumulator.Accumulator, "nmse", lambda self: np.full(len(self.err), np.nan))
    rc, err, warned = _run_and_manifest(_latent_study(tmp_path, np.arange(300) % 10), tmp_path / "out")
    assert rc == 0, err
    assert "results: nmse is undefined (NaN) in 2 of 2 rows" in err, err
    assert any(w.startswith("results: nmse is undefined") for w in warned), warned


ENCODERS = """
import sys
import torch
from torch import nn


class Exits(nn.Module):
    def forward(self, x):
        sys.exit(0)


class Interrupts(nn.Module):
    def forward(self, x):
        raise KeyboardInterrupt


class Huge(nn.Module):
    def forward(self, x):
        return 1e30 * x.flatten(1)[:, :8]


def exits():
    return Exits()


def huge():
    return Huge()


def interrupts():
    return Interrupts()


def exits_when_built():
    sys.exit(3)
"""


@pytest.fixture
def user_code(tmp_path, monkeypatch):
    (tmp_path / "leaving_encoders.py").write_text(ENCODERS)
    (tmp_path / "exits_on_import.py").write_text("import sys\nsys.exit(0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(ALLOW_CODE_ENV, "")  # restored after the test: --allow-code sets it
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize(
    "entry, rc_expected, words",
    [
        ("leaving_encoders:exits", 2, "the encoder called sys.exit(0)"),
        (
            "leaving_encoders:exits_when_built",
            2,
            "'leaving_encoders:exits_when_built'(**kwargs) called sys.exit(3)",
        ),
        ("exits_on_import:anything", 2, "importing 'exits_on_import' called sys.exit(0)"),
        ("leaving_encoders:interrupts", 130, "semcom: interrupted"),
    ],
)
def test_user_code_that_exits_ends_the_run_with_a_message_and_a_non_zero_exit(
    user_code, entry, rc_expected, words
):
    scenario = {
        **LINK,
        "models": {
            "a": {"kind": "pca", "latent_dim": 16},
            "b": {"kind": "torch", "import": entry, "cache": False},
        },
    }
    path = user_code / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    out = user_code / "out"
    rc, err = _cmd(["run", str(path), "--out", str(out), "--quiet", "--no-plots", "--allow-code"])
    assert rc == rc_expected and err.count("\n") == 1 and words in err, (rc, err)
    csv = out / "results.csv"
    assert not csv.exists() or len(csv.read_text().splitlines()) <= 1  # nothing claimed as finished


def test_a_users_encoder_whose_latents_cosines_cannot_handle_is_warned_about(user_code):
    scenario = {
        **LINK,
        "models": {
            "a": {"kind": "pca", "latent_dim": 16},
            "b": {"kind": "torch", "import": "leaving_encoders:huge", "cache": False},
        },
    }
    path = user_code / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    rc, err = _cmd(
        ["run", str(path), "--out", str(user_code / "out"), "--quiet", "--no-plots", "--allow-code"]
    )
    manifest = json.loads((user_code / "out" / "manifest.json").read_text())
    assert rc == 0 and "semcom: warning: models.b: latents of norm about" in err, err
    assert any(w.startswith("models.b: latents of norm") for w in manifest["warnings"]), manifest["warnings"]
