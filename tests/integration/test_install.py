"""The install routes the README names, as a new user takes them, without make: a fresh
virtual environment, torch first (``pip install torch==2.13.0``, the CPU wheel from local
disk, as ``make venv`` does), then ``pip install .`` from a copy of the checkout's tracked
files; then the wheel ``pip wheel`` builds from the same copy installed over it. After each,
``semcom run quickstart --out DIR`` runs from another folder, so the package, the command and
the shipped scenarios come from site-packages and not from the source tree.

Minutes (the environment installs torch, Sionna and the rest), so it is slow:
``make test-install`` runs it, and CI runs that after ``make test`` (``.ci/run``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# a short study: one seed, two SNR points, one K; the scenario is found by its name
QUICK = [
    "--set",
    "sweep.seed=[1]",
    "--set",
    "sweep.snr_db=[0,20]",
    "--set",
    "sweep.num_anchors=[16]",
    "--quiet",
]


def _run(cmd: list, cwd: Path, timeout: int = 1200) -> str:
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


def _checkout_copy(dest: Path) -> Path:
    """The tracked files of the working tree (what a clone holds), copied to ``dest``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _quickstart_runs(env: Path, work: Path, out_name: str) -> None:
    semcom = env / "bin" / "semcom"
    where = _run(
        [env / "bin" / "python", "-c", "import semcom.simulator, sys; print(semcom.simulator.__file__)"], work
    )
    assert str(env) in where and str(ROOT) not in where, where  # installed, not the source tree
    _run([semcom, "run", "quickstart", "--out", work / out_name, *QUICK], work)
    manifest = json.loads((work / out_name / "manifest.json").read_text())
    assert manifest["units_run"] == manifest["units_total"] == 2, manifest
    lines = (work / out_name / "results.csv").read_text().splitlines()
    assert len(lines) == 1 + 2 * 2 * 3, lines[:3]  # receivers x SNR points x equalisers


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_pip_install_and_the_wheel_run_the_quickstart(tmp_path):
    source = _checkout_copy(tmp_path / "checkout")
    env, work = tmp_path / "env", tmp_path / "work"
    work.mkdir()
    venv.create(env, with_pip=True)
    pip = [env / "bin" / "python", "-m", "pip", "install", "-q"]
    _run([*pip, "torch==2.13.0"], work)
    _run([*pip, "."], source)  # pip install . from a checkout
    _quickstart_runs(env, work, "from_checkout")

    _run(
        [env / "bin" / "python", "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp_path / "dist", "."],
        source,
    )
    wheel = next((tmp_path / "dist").glob("semcom-*.whl"))
    _run([*pip, "--force-reinstall", "--no-deps", wheel], work)  # the built wheel over it
    assert "scenarios/quickstart.yaml" in _run([env / "bin" / "python", "-m", "zipfile", "-l", wheel], work)
    _quickstart_runs(env, work, "from_wheel")
