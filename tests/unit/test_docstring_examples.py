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
