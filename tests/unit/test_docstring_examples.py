"""Every example in the library's docstrings runs as written: ``.. code-block:: python`` blocks
and ``Example::`` blocks (in a folder holding ``scenarios/`` and small finished runs under
``runs/``, which the examples name), and ``>>>`` examples through doctest."""

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p for folder in ("channels", "transceivers", "simulator", "semcom") for p in (ROOT / folder).rglob("*.py")
)
#: Examples that are fragments of a larger computation, each with the test that runs it whole.
FRAGMENTS = {
    "simulator/system/link_adaptation.py::module": "a step of a system unit's slot loop: "
    "tests/unit/simulator/system (link adaptation vs brute force)",
    "simulator/system/linklevel.py::module": "needs a simulated system run: "
    "tests/integration/test_system_agreement.py",
    "simulator/system/own_regime.py::module": "needs a study's tables and engine runs: "
    "tests/unit/simulator/system",
}


def _literal(block: str) -> str:
    """The indented block that follows a docstring marker, dedented."""
    lines, indent = [], None
    for line in block.splitlines()[1:]:
        if not line.strip():
            lines.append(line)
            continue
        width = len(line) - len(line.lstrip())
        indent = width if indent is None else indent
        if width < indent:  # back at the text's indentation: the block ended
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip()


def _examples():
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                doc = ast.get_docstring(node, clean=False) or ""
                name = f"{path.relative_to(ROOT)}::{getattr(node, 'name', 'module')}"
                blocks = doc.split(".. code-block:: python")[1:] + doc.split("Example::")[1:]
                for n, block in enumerate(blocks):
                    code = _literal(block)
                    if ">>>" in code:  # doctest runs it (below)
                        continue
                    marks = [pytest.mark.skip(reason=FRAGMENTS[name])] if name in FRAGMENTS else []
                    yield pytest.param(code, id=f"{name}#{n}", marks=marks)


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory):
    """A folder with ``scenarios/`` and a small finished run of each kind under ``runs/``."""
    import semcom
    from semcom.simulator.kinds import parse_study, run_study
    from tests.unit.simulator.system.system_fixtures import synthetic_table_set, system_raw

    root = tmp_path_factory.mktemp("examples")
    (root / "scenarios").symlink_to(ROOT / "scenarios")
    semcom.run(
        ROOT / "scenarios" / "quickstart.yaml",
        root / "runs" / "quickstart",
        quiet=True,
        plots=True,
        **{"sweep.snr_db": [0, 10], "sweep.num_anchors": [8], "sweep.receiver": "mlp_wide"},
    )
    network = dict(
        name="network_edge",
        kind="network",
        seed=1,
        data=dict(dataset="digits", limit=400),
        models=dict(tx=dict(kind="pca", latent_dim=16), rx=dict(kind="pca", latent_dim=10)),
        channels=dict(awgn=dict(model="awgn")),
        network=dict(
            duration_s=0.02,
            receivers=dict(edge=dict(model="rx")),
            transmitters=dict(cam=dict(model="tx", count=2, distance_m=20)),
        ),
        sweep=dict(arrival_rate=[100.0, 200.0], num_anchors=8, scheduler="round_robin", channel="awgn"),
    )
    run_study(parse_study(network), root / "runs" / "network_edge", quiet=True, plots=False)
    synthetic_table_set([("a", "edge"), ("b", "edge")]).save(root / "tables")
    system = {**system_raw(root / "tables"), "name": "system_multicell"}
    system["sweep"]["link_adaptation"] = system["sweep"]["link_adaptation"][:1]  # one adaptive policy
    run_study(parse_study(system), root / "runs" / "system_multicell", quiet=True, plots=False)
    return root


@pytest.mark.parametrize("code", list(_examples()))
def test_docstring_example_runs(code, example_dir, monkeypatch):
    monkeypatch.chdir(example_dir)  # examples read scenarios/ and runs/ here, and write here
    exec(compile(code, "<docstring>", "exec"), {})


def _doctest_modules():
    """Import names of the library modules whose docstrings hold ``>>>`` examples."""
    for path in SOURCES:
        if ">>>" not in path.read_text():
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts) if parts[0] == "semcom" else ".".join(("semcom",) + parts)


@pytest.mark.parametrize("module", list(_doctest_modules()))
def test_docstring_doctests_pass(module, tmp_path, monkeypatch):
    """``>>>`` examples are run by doctest, so a stated output that no longer holds fails."""
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(
        importlib.import_module(module),
        report=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0, f"{module}: '>>>' in the source but doctest found no example"
    assert result.failed == 0, (
        f"{module}: {result.failed} of {result.attempted} doctest examples failed "
        f"(run python -m doctest -v on it)"
    )


def test_doctest_runner_rejects_a_wrong_stated_output():
    """The runner above can fail: a docstring whose stated output is wrong is reported."""
    import doctest
    import types

    module = types.ModuleType("wrong_example")
    module.__doc__ = ">>> 1 + 1\n3\n"
    result = doctest.testmod(module, report=False)
    assert (result.attempted, result.failed) == (1, 1)
