"""semcom writes only into folders that are its own: a user's files planted in `--out`, a
foreign SQLite file, a symbolic link in place of the lock, the store or an output, and
`--out ''` are refused in one line, and every planted file is byte-identical afterwards."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import yaml

from semcom.core.outputs import OUTPUT_MARKER, owned_files

from .bounds import assert_one_line_refusal, run_cli

# the cheapest study: one unit of PCA agents, no training
TINY = dict(
    name="tiny",
    seed=1,
    data=dict(dataset="digits", limit=400),
    models=dict(a=dict(kind="pca", latent_dim=8)),
    sweep=dict(snr_db=[10], num_anchors=[8], transmitter="a", receiver="a", semantic_equalizer="relative"),
)


def _digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (links as their target's name) by its bytes' hash."""
    out = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY))
    return path


def _run(scenario: Path, out, *extra: str) -> tuple[int, str]:
    rc, _, err = run_cli(
        "run", str(scenario), "--out", str(out), "--quiet", "--no-plots", *extra, bound=False
    )
    return rc, err


def _plant_user_folder(folder: Path) -> None:
    (folder / "plots").mkdir(parents=True)
    (folder / "results.csv").write_text("my,own\n1,2\n")
    (folder / "manifest.json").write_text('{"mine": true}\n')
    (folder / "scenario.yaml").write_text("my: notes\n")
    (folder / "plots" / "figure.png").write_bytes(b"\x89PNG my figure")


def test_a_folder_of_a_users_files_is_refused_and_left_byte_identical(tmp_path, scenario):
    out = tmp_path / "mine"
    _plant_user_folder(out)
    before = _digest(out)
    rc, err = _run(scenario, out)
    assert_one_line_refusal(rc, err, "--out", "semcom did not write", "--force")
    rc, err = _run(scenario, out, "--force")  # --force never replaces a file semcom did not write
    assert_one_line_refusal(rc, err, "--force replaces only semcom's own files", "manifest.json")
    assert _digest(out) == before


def test_a_foreign_sqlite_file_is_never_written_into(tmp_path, scenario):
    out = tmp_path / "app"
    out.mkdir()
    db = sqlite3.connect(out / "results.sqlite")
    db.execute("CREATE TABLE accounts (name TEXT)")
    db.execute("INSERT INTO accounts VALUES ('alice')")
    db.commit()
    db.close()
    before = _digest(out)
    for extra in ((), ("--force",)):
        rc, err = _run(scenario, out, *extra)
        assert_one_line_refusal(rc, err, "results.sqlite")
    assert _digest(out) == before


@pytest.mark.parametrize("name", [".lock", "results.sqlite"])
def test_a_symbolic_link_in_place_of_the_lock_or_the_store_is_refused(tmp_path, scenario, name):
    out = tmp_path / "run"
    rc, err = _run(scenario, out)
    assert rc == 0, err
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me\n")
    (out / name).unlink()
    (out / name).symlink_to(victim)
    before = _digest(tmp_path)
    rc, err = _run(scenario, out)
    assert_one_line_refusal(rc, err, name, "symbolic link")
    assert _digest(tmp_path) == before


def test_a_symbolic_link_in_place_of_an_output_or_the_folder_is_refused(tmp_path, scenario):
    out = tmp_path / "run"
    rc, err = _run(scenario, out)
    assert rc == 0, err
    victim = tmp_path / "precious.csv"
    victim.write_text("mine\n")
    (out / "results.csv").unlink()
    (out / "results.csv").symlink_to(victim)
    link = tmp_path / "link"
    link.symlink_to(out)
    before = _digest(tmp_path)
    rc, err = _run(scenario, out)
    assert_one_line_refusal(rc, err, "results.csv", "symbolic link")
    rc, err = _run(scenario, link)
    assert_one_line_refusal(rc, err, "--out", "symbolic link")
    after = _digest(tmp_path)
    for planted in ("precious.csv", "run/results.csv", "link"):  # semcom's own store may have changed
        assert after[planted] == before[planted]


def test_an_empty_out_is_refused_and_nothing_is_written(tmp_path, scenario, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = _digest(tmp_path)
    rc, err = _run(scenario, "")
    assert_one_line_refusal(rc, err, "--out ''", "working directory")
    assert _digest(tmp_path) == before


def test_report_and_plot_never_overwrite_a_file_semcom_did_not_write(tmp_path, scenario):
    out = tmp_path / "run"
    rc, err = _run(scenario, out)
    assert rc == 0, err
    assert {"results.csv", "manifest.json", "scenario.yaml", "results.sqlite"} <= owned_files(out)
    (out / "report.html").write_text("<p>my own report</p>")
    before = _digest(out)
    rc, _, err = run_cli("report", str(out), bound=False)
    assert_one_line_refusal(rc, err, "report.html", "not written by semcom")
    assert _digest(out) == before  # no figure redrawn either
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("x")
    rc, _, err = run_cli("report", str(plain))
    assert_one_line_refusal(rc, err, "not a semcom output folder")
    assert _digest(plain) == {"notes.txt": hashlib.sha256(b"x").hexdigest()}


def test_a_rerun_resumes_and_force_writes_beside_a_users_other_files(tmp_path, scenario):
    out = tmp_path / "run"
    rc, err = _run(scenario, out)
    assert rc == 0, err
    rc, err = _run(scenario, out)  # semcom's own folder: resumed
    assert rc == 0 and (out / OUTPUT_MARKER).is_file(), err
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "thesis.tex").write_text("chapter 1\n")
    rc, err = _run(scenario, shared, "--force")
    assert rc == 0 and "semcom: warning: --force: writing into" in err, err
    assert (shared / "thesis.tex").read_text() == "chapter 1\n" and (shared / "results.csv").is_file()
    assert "thesis.tex" not in owned_files(shared)
