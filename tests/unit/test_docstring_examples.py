"""Every ``.. code-block:: python`` example in the library's docstrings runs as written."""

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("channels", "transceivers", "simulator", "semcom")
                 for p in (ROOT / folder).rglob("*.py"))


def _examples():
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
                doc = ast.get_docstring(node, clean=False) or ""
                for n, block in enumerate(doc.split(".. code-block:: python")[1:]):
                    lines, indent = [], None
                    for line in block.splitlines()[1:]:
                        if not line.strip():
                            lines.append(line)
                            continue
                        width = len(line) - len(line.lstrip())
                        indent = width if indent is None else indent
                        if width < indent:          # back at the text's indentation: the block ended
                            break
                        lines.append(line)
                    code = textwrap.dedent("\n".join(lines)).strip()
                    name = getattr(node, "name", "module")
                    yield pytest.param(code, id=f"{path.relative_to(ROOT)}::{name}#{n}")


@pytest.mark.parametrize("code", list(_examples()))
def test_docstring_example_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)            # examples that write files write them here
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
    result = doctest.testmod(importlib.import_module(module), report=False,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module}: '>>>' in the source but doctest found no example"
    assert result.failed == 0, f"{module}: {result.failed} of {result.attempted} doctest examples failed (run python -m doctest -v on it)"


def test_doctest_runner_rejects_a_wrong_stated_output():
    """The runner above can fail: a docstring whose stated output is wrong is reported."""
    import doctest
    import types

    module = types.ModuleType("wrong_example")
    module.__doc__ = ">>> 1 + 1\n3\n"
    result = doctest.testmod(module, report=False)
    assert (result.attempted, result.failed) == (1, 1)
