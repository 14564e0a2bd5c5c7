"""Results that cannot silently go wrong, end to end through `semcom run`:

* a store with deleted rows, an altered value or a dropped ``results`` table: `semcom
  results` says it is incomplete, and a rerun recomputes the damaged units into
  byte-identical result files;
* a full disk (a small tmpfs where the platform lets us mount one, else a patched write):
  one line naming the folder and the bytes needed, the store intact, no advice to --force,
  and a rerun with room resumes into byte-identical result files."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from semcom.simulator.results import reading, store

from .bounds import assert_one_line_refusal, run_cli

# four cheap units (PCA agents, no training): two K x two seeds, two SNR points each
SMALL = dict(
    name="small",
    seed=2,
    data=dict(dataset="digits", limit=400),
    models=dict(a=dict(kind="pca", latent_dim=8), b=dict(kind="pca", latent_dim=12)),
    sweep=dict(
        snr_db=[0, 10],
        num_anchors=[4, 8],
        transmitter="a",
        receiver="b",
        semantic_equalizer="relative",
        seed=[1, 2],
    ),
)
OUTPUTS = ("results.csv", "replicates.csv")


def _run(scenario: Path, out: Path, *extra: str) -> tuple[int, str]:
    rc, _, err = run_cli(
        "run", str(scenario), "--out", str(out), "--quiet", "--no-plots", *extra, bound=False
    )
    return rc, err


def _outputs(out: Path) -> bytes:
    return b"".join((out / name).read_bytes() for name in OUTPUTS)


def _finished(out: Path) -> int:
    db = sqlite3.connect(out / "results.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        db.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    scenario = folder / "small.yaml"
    scenario.write_text(yaml.safe_dump(SMALL))
    rc, err = _run(scenario, folder / "reference")
    assert rc == 0, err
    return scenario, folder / "reference"


@pytest.mark.parametrize(
    "damage, said",
    [
        ("DELETE FROM results WHERE rowid % 3 = 0", "rows missing"),
        ("UPDATE results SET accuracy = accuracy + 0.01 WHERE rowid = 2", "rows altered"),
        ("DROP TABLE results", "4 finished unit(s) have rows missing"),
    ],
)
def test_a_damaged_store_is_reported_then_recomputed_byte_identically(reference, tmp_path, damage, said):
    scenario, ref = reference
    out = tmp_path / "run"
    shutil.copytree(ref, out)
    db = sqlite3.connect(out / "results.sqlite")
    db.execute(damage)
    db.commit()
    db.close()
    rc, listing, err = run_cli("results", str(out), bound=False)
    assert rc == 0 and "is incomplete" in err and said in err and "run the same command again" in err, err
    rc, err = _run(scenario, out)
    assert rc == 0 and "computing them again (the other units are kept)" in err, err
    assert _outputs(out) == _outputs(ref) and _finished(out) == 4
    rc, _, err = run_cli("results", str(out), bound=False)
    assert rc == 0 and err == ""


def _assert_disk_full_line(rc: int, err: str, out: Path) -> None:
    assert_one_line_refusal(rc, err, "disk full", f"'{out}'", "bytes) more", "run the same command again")
    assert "--force to" not in err and "do not use --force" in err


def test_a_full_disk_while_storing_a_unit_is_one_line_and_the_store_stays_intact(
    reference, tmp_path, monkeypatch
):
    scenario, ref = reference
    out = tmp_path / "run"
    real, calls = store.unit_digest, {"n": 0}

    def full_on_the_third(db, unit):
        calls["n"] += 1
        if calls["n"] == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return real(db, unit)

    monkeypatch.setattr(store, "unit_digest", full_on_the_third)
    rc, err = _run(scenario, out)
    _assert_disk_full_line(rc, err, out)
    assert _finished(out) == 2
    monkeypatch.setattr(store, "unit_digest", real)
    rc, err = _run(scenario, out)
    assert rc == 0, err
    assert _outputs(out) == _outputs(ref)


def test_a_full_disk_while_exporting_is_one_line_and_loses_nothing(reference, tmp_path, monkeypatch):
    scenario, ref = reference
    out = tmp_path / "run"

    def no_space(path, text, newline=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reading, "write_text_atomic", no_space)
    rc, err = _run(scenario, out)
    _assert_disk_full_line(rc, err, out)
    assert _finished(out) == 4
    monkeypatch.undo()
    rc, err = _run(scenario, out)
    assert rc == 0 and _outputs(out) == _outputs(ref)


# Inside a user and mount namespace of its own, a tmpfs too small for the study: the run
# fails, the store is checked, the tmpfs is given room, and the run resumes
_TMPFS = """
set -u
CHECK='import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); q = lambda s: d.execute(s).fetchone()[0]
print(q("PRAGMA integrity_check"), q("SELECT count(*) FROM units"))'
mount -t tmpfs -o size=160k tmpfs "$1" || exit 77
"$2" -m semcom run "$3" --out "$1/run" --quiet --no-plots 2> "$4/full.err"; echo $? > "$4/full.rc"
"$2" -c "$CHECK" "$1/run/results.sqlite" > "$4/store.txt"
mount -o remount,size=4m "$1"
"$2" -m semcom run "$3" --out "$1/run" --quiet --no-plots 2> "$4/again.err"; echo $? > "$4/again.rc"
cp "$1/run/results.csv" "$1/run/replicates.csv" "$4/"
"""


@pytest.mark.slow
def test_a_full_tmpfs_is_one_line_and_a_rerun_with_room_resumes(reference, tmp_path):
    scenario, ref = reference
    if not shutil.which("unshare") or sys.platform != "linux":
        pytest.skip("needs Linux namespaces (unshare) to mount a small tmpfs")
    mount, logs = tmp_path / "tmpfs", tmp_path / "logs"
    mount.mkdir()
    logs.mkdir()
    script = tmp_path / "full.sh"
    script.write_text(_TMPFS)
    done = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            str(script),
            str(mount),
            sys.executable,
            str(scenario),
            str(logs),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode == 77 or not (logs / "full.rc").is_file():
        pytest.skip(f"this platform does not let a test mount a tmpfs ({done.stderr.strip()[:200]})")
    err = (logs / "full.err").read_text()
    _assert_disk_full_line(int((logs / "full.rc").read_text()), err, mount / "run")
    integrity, finished = (logs / "store.txt").read_text().split()
    assert integrity == "ok" and int(finished) < 4
    assert (logs / "again.rc").read_text().strip() == "0", (logs / "again.err").read_text()
    assert _outputs(logs) == _outputs(ref)
