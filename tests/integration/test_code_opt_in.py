"""A scenario that names code to import is a program: it runs only with --allow-code
(allow_code=True), and even then only a function or class its own module defines.
Nothing runs and no file is created when it is refused."""

from __future__ import annotations

import sys

import pytest
import yaml

import semcom
from semcom.core.errors import SemcomInputError

from .bounds import assert_one_line_refusal, run_cli
from .test_output_folders import _digest


def _scenario(tmp_path, entry: str, **kwargs) -> dict:
    return dict(
        name="code",
        data=dict(dataset="digits", limit=400),
        models=dict(tx=dict(kind="torch", import_=entry, kwargs=kwargs), rx=dict(kind="pca", latent_dim=8)),
        sweep=dict(snr_db=[10], num_anchors=[8], transmitter="tx", receiver="rx"),
    )


def _write(tmp_path, scenario: dict):
    path = tmp_path / "code.yaml"
    path.write_text(yaml.safe_dump(scenario).replace("import_:", "import:"))
    return path


@pytest.fixture
def shell_scenario(tmp_path, monkeypatch):
    """A scenario asking for os.system("touch pwned"); the working directory is a fresh folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("SEMCOM_ALLOW_CODE", raising=False)
    return work, _write(work, _scenario(work, "os:system", command=f"touch {work / 'pwned'}"))


@pytest.mark.parametrize(
    "opt_in, words",
    [
        ((), ["models.tx.import", "asks to run code from module 'os'", "program", "--allow-code"]),
        (
            ("--allow-code",),
            ["models.tx.import", "'os:system' is in Python's standard library, not an encoder factory"],
        ),
    ],
)
def test_os_system_is_refused_with_or_without_the_opt_in_and_nothing_runs(shell_scenario, opt_in, words):
    work, path = shell_scenario
    before = _digest(work)
    rc, _, err = run_cli("run", str(path), "--out", str(work / "out"), *opt_in, bound=False)
    assert_one_line_refusal(rc, err, *words)
    assert _digest(work) == before and not (work / "pwned").exists() and not (work / "out").exists()


def test_the_python_api_asks_for_the_opt_in_too(shell_scenario):
    work, path = shell_scenario
    with pytest.raises(SemcomInputError, match="asks to run code from module 'os'"):
        semcom.run(str(path), work / "out")
    with pytest.raises(SemcomInputError, match="standard library"):
        semcom.run(str(path), work / "out", allow_code=True)
    assert not (work / "pwned").exists() and not (work / "out").exists()


def test_a_callable_the_module_did_not_define_is_refused_even_with_the_opt_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sneaky_encoders.py").write_text(
        "from os import system as build\nfrom builtins import print\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for entry in ("sneaky_encoders:build", "sneaky_encoders:print"):
        sys.modules.pop("sneaky_encoders", None)
        path = _write(tmp_path, _scenario(tmp_path, entry, command="touch pwned"))
        rc, _, err = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--allow-code", bound=False)
        assert_one_line_refusal(rc, err, "not a function or class defined in module 'sneaky_encoders'")
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "out").exists()


def test_validate_says_a_scenario_runs_code_without_importing_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loud_encoders.py").write_text(
        f"open({str(tmp_path / 'imported')!r}, 'w').close()\ndef build():\n    pass\n"
    )
    path = _write(tmp_path, _scenario(tmp_path, "loud_encoders:build"))
    rc, out, err = run_cli("validate", str(path), "--no-data")
    assert rc == 0, err
    assert "note: models.tx runs code from module 'loud_encoders'" in out and "--allow-code" in out
    assert not (tmp_path / "imported").exists()
