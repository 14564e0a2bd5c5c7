"""Crash safety: SIGKILL at random moments, then a rerun, gives the results of an
uninterrupted run: same results.csv bytes, no duplicated rows, an intact store.
Also: a second run into a busy directory refuses (lock) and corrupts nothing."""

import csv
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from semcom.simulator.cli import main

STUDY = dict(
    # small chunks: each unit streams its test samples in many passes, so units take long
    # enough (~0.1 s) for kills to land inside them, not only between them
    name="crash",
    seed=5,
    chunk_size=1,
    data=dict(dataset="digits", limit=500),
    models=dict(
        tx=dict(kind="pca", latent_dim=24),
        rx1=dict(kind="pca", latent_dim=16),
        rx2=dict(kind="rotation", latent_dim=32, seed=3, noise_std=0.05),
    ),
    sweep=dict(
        snr_db=[-5, 5, 15],
        num_anchors=[2, 4, 6, 8, 12, 16],
        transmitter="tx",
        receiver=["rx1", "rx2"],
        semantic_equalizer=["relative", "inverse", "none"],
        seed=[1, 2],
    ),
)
NUM_UNITS = 6 * 2 * 2
#: the same study with default chunks and fewer K: fast, for the in-process tests
FAST = {**STUDY, "chunk_size": 65536, "sweep": {**STUDY["sweep"], "num_anchors": [2, 4, 8]}}
FAST_UNITS = 3 * 2 * 2


def _committed(out: Path) -> int:
    db = out / "results.sqlite"
    if not db.is_file():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return con.execute("SELECT count(*) FROM units").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _cli(*argv) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(list(argv))
    return rc, err.getvalue()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("crash") / "crash.yaml"
    path.write_text(yaml.safe_dump(STUDY))
    return path


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 0, err
    return (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes()


@pytest.fixture(scope="module")
def fast(tmp_path_factory):
    path = tmp_path_factory.mktemp("fast") / "fast.yaml"
    path.write_text(yaml.safe_dump(FAST))
    out = path.parent / "reference"
    rc, err = _cli("run", str(path), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 0, err
    return path, (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes()


@pytest.mark.parametrize(
    "attempts, max_step",
    [
        (3, 6),
        pytest.param(10, 2, marks=pytest.mark.slow),
    ],
)
def test_sigkill_at_random_moments_then_rerun_equals_uninterrupted_run(
    scenario, reference, tmp_path, attempts, max_step
):
    out = tmp_path / "killed"
    rnd = random.Random(20240607 + attempts)
    # the killed runs get their own cache: no head trained by the reference run is reused,
    # so units take real time (and the final run, on the shared cache, must agree anyway)
    env = {**os.environ, "SEMCOM_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    kills = 0
    refused_while_busy = False
    for _ in range(attempts):
        before = _committed(out)
        proc = subprocess.Popen(
            [sys.executable, "-m", "semcom", "run", str(scenario), "--out", str(out), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        # kill once it has committed a random number of further units, plus a random delay,
        # so kills land in a unit's computation, in a commit, or between the two
        target = min(NUM_UNITS - 4, before + rnd.randint(1, max_step))  # leave units for the rerun
        deadline = time.monotonic() + 120
        while _committed(out) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if not refused_while_busy and proc.poll() is None:
            # a second run into the same directory while the first holds it: refused, exit 2
            rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet")
            assert rc == 2 and "in use by another semcom run" in err, err
            refused_while_busy = True
        time.sleep(rnd.uniform(0.0, 0.25))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        proc.stderr.close()
    print(f"{kills} SIGKILLs, {_committed(out)} of {NUM_UNITS} units committed before the rerun")
    assert kills >= attempts - 1 and refused_while_busy, (kills, refused_while_busy)
    assert 0 < _committed(out) < NUM_UNITS, _committed(out)

    rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 0, err
    assert (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes() == reference

    con = sqlite3.connect(out / "results.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == NUM_UNITS
    assert con.execute("SELECT count(*) FROM results").fetchone()[0] == NUM_UNITS * 3 * 3
    rows = list(csv.DictReader((out / "replicates.csv").read_text().splitlines()))
    keys = {(r["rx_model"], r["num_anchors"], r["seed"], r["snr_db"], r["semantic_equalizer"]) for r in rows}
    assert len(keys) == len(rows) == NUM_UNITS * 3 * 3  # no duplicated rows


def test_error_in_a_unit_keeps_earlier_units_and_exports_them(fast, tmp_path, monkeypatch):
    # the link runner hands its unit runner to the executor: patch the one it holds
    import semcom.simulator.link.runner as runner
    from semcom.core.errors import SemcomInputError

    real = runner.LinkRunner.run_unit
    calls = {"n": 0}

    def failing(sc, unit):
        calls["n"] += 1
        if calls["n"] == 7:
            raise SemcomInputError("unit 7 failed on purpose")
        return real(sc, unit)

    scenario, reference = fast
    out = tmp_path / "partial"
    monkeypatch.setattr(runner.LinkRunner, "run_unit", staticmethod(failing))
    rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 2 and err.count("\n") == 1 and "unit 7 failed on purpose" in err
    assert _committed(out) == 6
    with open(out / "results.csv") as f:
        assert len(list(csv.DictReader(f))) == 6 * 3 * 3  # what was committed is exported
    monkeypatch.setattr(runner.LinkRunner, "run_unit", staticmethod(real))
    rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 0, err
    assert (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes() == reference


def test_lock_held_by_another_process_refuses_and_corrupts_nothing(fast, tmp_path):
    from semcom.simulator.link.runner import LinkRunner
    from semcom.simulator.link.schema import load_scenario
    from semcom.simulator.results.store import ResultsStore

    scenario, reference = fast
    out = tmp_path / "locked"
    holder = ResultsStore(out, LinkRunner().study_hash(load_scenario(scenario)), kind="link", study={})
    try:
        rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet")
        assert rc == 2 and "in use by another semcom run" in err
        assert err.count("\n") == 1
        assert holder.finished_units() == set()
    finally:
        holder.close()
    rc, err = _cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert rc == 0, err
    assert (out / "results.csv").read_bytes() + (out / "replicates.csv").read_bytes() == reference
    assert os.path.getsize(out / "results.sqlite") > 0
