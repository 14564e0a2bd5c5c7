"""The CLI answers help, version, schema and the validation of a file that is no scenario
without loading torch or Sionna (checked from sys.modules in a fresh interpreter, not by timing), and
`validate` reports every problem it finds, one line each."""

import io
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout

import pytest

from semcom.simulator.cli import main

HEAVY = ("torch", "sionna", "matplotlib")

#: three independent structural errors: an unknown key, a negative seed, a non-integer K
THREE_STRUCTURAL = """\
name: three
models: {a: {kind: pca, latent_dim: 8}}
bogus: 1
seed: -1
sweep: {num_anchors: [4, x], snr_db: [0], transmitter: a, receiver: a}
"""

#: structurally sound, three problems only the registries can see
THREE_SEMANTIC = """\
name: three
models: {a: {kind: pca, latent_dim: 8}}
channels: {c: {model: awgnn}}
sweep: {num_anchors: [4], snr_db: [0], transmitter: a, receiver: zz, channel: c,
        semantic_equalizer: [relative, foo]}
"""


def _loaded_after(argv: list[str]) -> tuple[int, list[str], str]:
    """Run ``main(argv)`` in a fresh interpreter; exit code, heavy modules loaded, stderr."""
    code = textwrap.dedent(f"""
        import sys
        from semcom.simulator.cli import main
        try:
            rc = main({argv!r})
        except SystemExit as exc:   # --help and --version exit through argparse
            rc = exc.code
        print("LOADED=" + ",".join(m for m in {HEAVY!r} if m in sys.modules))
        sys.exit(rc)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    loaded = proc.stdout.rsplit("LOADED=", 1)[1].strip()
    return proc.returncode, [m for m in loaded.split(",") if m], proc.stderr


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["run", "--help"], ["schema"]])
def test_help_version_and_schema_load_neither_torch_nor_sionna(argv):
    rc, loaded, err = _loaded_after(argv)
    assert rc == 0, err
    assert loaded == [], f"semcom {' '.join(argv)} imported {loaded}"


@pytest.mark.parametrize(
    "text",
    [
        "name: [unclosed\n",
        "- a list\n",
        "name: x\nsweep: {num_anchors: [4], snr_db: [0], transmitter: a, receiver: a}\n",
    ],
    ids=["not YAML", "not a mapping", "no models"],
)
def test_validate_of_a_file_that_is_no_scenario_loads_neither_torch_nor_sionna(tmp_path, text):
    # nothing is left to check against the registries (a file with typing mistakes in fields
    # it can do without is checked against them too: every problem in one round)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    rc, loaded, err = _loaded_after(["validate", str(path)])
    assert rc == 2 and err.startswith("semcom: error: "), err
    assert loaded == [], f"semcom validate imported {loaded}"


def _validate(tmp_path, text: str, *flags: str) -> tuple[int, list[str]]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["validate", *flags, str(path)])
    return rc, err.getvalue().splitlines()


def test_validate_lists_three_structural_errors_as_three_lines(tmp_path):
    rc, lines = _validate(tmp_path, THREE_STRUCTURAL)
    assert rc == 2
    assert len(lines) == 3, lines
    assert all(line.startswith("semcom: error: ") for line in lines)
    fields = sorted(line.split(": ")[2] for line in lines)  # 'semcom: error: <field>: ...'
    assert fields == ["bogus", "seed", "sweep.num_anchors"], lines


def test_validate_lists_three_registry_errors_as_three_lines(tmp_path):
    rc, lines = _validate(tmp_path, THREE_SEMANTIC, "--no-data")
    assert rc == 2
    assert len(lines) == 3, lines
    fields = sorted(line.split(": ")[2] for line in lines)
    assert fields == ["channels.c.model", "sweep.receiver", "sweep.semantic_equalizer[1]"], lines


def test_interrupting_a_read_only_command_does_not_promise_a_resume(monkeypatch, capsys):
    import semcom.simulator.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    for action in parser._subparsers._group_actions[0].choices.values():
        action.set_defaults(func=interrupted)
    assert cli.main(["plot", "somewhere"]) == 130
    err = capsys.readouterr().err
    assert err == "semcom: interrupted\n"
    assert cli.main(["run", "s.yaml", "--out", "o"]) == 130
    assert "resume" in capsys.readouterr().err


NETWORK_THREE = """\
kind: network
name: n
models: {a: {kind: pca, latent_dim: 8}}
network:
  transmitters: {t: {model: zz}}
  receivers: {r: {model: a}}
sweep: {channel: awgn, arrival_rate: [10], num_anchors: [4], scheduler: [round_robin, nope],
        semantic_equalizer: [relative, foo]}
"""


def test_validate_lists_every_error_of_a_network_scenario(tmp_path):
    rc, lines = _validate(tmp_path, NETWORK_THREE, "--no-data")
    assert rc == 2
    fields = sorted(line.split(": ")[2] for line in lines)
    assert fields == ["network.transmitters.t.model", "sweep.scheduler[1]", "sweep.semantic_equalizer[1]"], (
        lines
    )


def test_the_validation_example_in_the_scenarios_guide_is_what_validate_prints(tmp_path):
    """docs/guide/scenarios.md shows a broken file and `semcom validate`'s output: they stay a real run."""
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs/guide/scenarios.md").read_text()
    section = guide.split("## Validation", 1)[1]
    scenario = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n\$ semcom validate /tmp/bad.yaml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "bad.yaml"
    path.write_text(scenario)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        rc = main(["validate", str(path)])
    assert rc == 2 and err.getvalue() == shown, err.getvalue()
