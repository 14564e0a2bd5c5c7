"""Limits that keep modules whole concepts: few imports of another module's private names (each
with its reason), no function over 80 lines without a stated reason. Each check is shown to
fail on a planted case.

Run ``python -m tests.unit.test_code_limits`` for the lists, ``... --format`` for the modules
the formatter would push past a limit (pyproject's ``[tool.ruff.format] exclude``).
"""

import ast
import sys
from pathlib import Path

import pytest

from tests.unit.test_imports import MAX_LINES, ROOT, _modules

#: The most imports of another module's private names (``from .x import _y``) the tree may hold.
MAX_PRIVATE_IMPORTS = 10
#: Those there are, (importing module, imported name) → why the name stays private.
PRIVATE_IMPORTS: dict[tuple[str, str], str] = {
    (
        "semcom.simulator.abstraction.validation",
        "_by_unit",
    ): "the calibration's grouping of link-level runs per unit; the validation reads the same runs",
}
#: The most lines a function may have without a stated reason.
MAX_FUNCTION_LINES = 80
#: Functions allowed past it, ``module.qualname`` → the reason.
LONG_FUNCTIONS: dict[str, str] = {}


def _private_imports(sources: dict[str, str]) -> dict[tuple[str, str], int]:
    """(module, private name) → line, for every ``from <semcom module> import _name``."""
    out = {}
    for module, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("semcom")):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        out[(module, alias.name)] = node.lineno
    return out


def _long_functions(sources: dict[str, str]) -> dict[str, int]:
    """``module.qualname`` → lines, for every function or method over :data:`MAX_FUNCTION_LINES`."""
    out = {}
    for module, source in sources.items():

        def walk(node, prefix):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    name = f"{prefix}.{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        lines = child.end_lineno - child.lineno + 1
                        if lines > MAX_FUNCTION_LINES:
                            out[name] = lines
                    walk(child, name)

        walk(ast.parse(source), module)
    return out


def _sources() -> dict[str, str]:
    return {name: path.read_text() for name, (path, _) in _modules().items()}


def test_few_private_names_are_imported_across_modules_each_with_its_reason():
    found = _private_imports(_sources())
    unexplained = sorted(set(found) - set(PRIVATE_IMPORTS))
    assert not unexplained, (
        f"private names imported across modules (make them public or give the reason): {unexplained}"
    )
    assert len(found) <= MAX_PRIVATE_IMPORTS, len(found)
    assert set(PRIVATE_IMPORTS) <= set(found), f"stale reasons: {sorted(set(PRIVATE_IMPORTS) - set(found))}"


def test_no_function_is_longer_than_80_lines_without_a_reason():
    found = _long_functions(_sources())
    unexplained = {name: n for name, n in found.items() if name not in LONG_FUNCTIONS}
    assert not unexplained, (
        f"functions over {MAX_FUNCTION_LINES} lines (split them by concept): {unexplained}"
    )
    assert set(LONG_FUNCTIONS) <= set(found), f"stale reasons: {sorted(set(LONG_FUNCTIONS) - set(found))}"


def test_the_limits_fail_on_planted_code():
    planted = {
        "semcom.simulator.planted": "from .figures.plotting import _legend\n"
        "def f():\n" + "    x = 1\n" * 81 + "    return x\n"
        "class C:\n    def g(self):\n" + "        y = 2\n" * 80
    }
    assert _private_imports(planted) == {("semcom.simulator.planted", "_legend"): 1}
    assert _long_functions(planted) == {"semcom.simulator.planted.f": 83, "semcom.simulator.planted.C.g": 81}
    assert _private_imports({"m": "from .x import __version__, y\n"}) == {}


def _format_breaks_limits() -> dict[str, str]:
    """Module file (relative to the repository) → the limit the formatter's layout of it would
    break (modules over :data:`~tests.unit.test_imports.MAX_LINES` lines, functions over
    :data:`MAX_FUNCTION_LINES`): what ``[tool.ruff.format] exclude`` in pyproject lists."""
    import subprocess  # lazy: only the listing for `make format` runs ruff

    ruff = str(Path(sys.executable).parent / "ruff")
    out = {}
    for name, (path, _) in sorted(_modules().items()):
        done = subprocess.run(
            [ruff, "format", "--stdin-filename", str(path), "-"],
            input=path.read_text(),
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        lines = len(done.stdout.splitlines())
        long = {
            f.rpartition(".")[2]: n
            for f, n in _long_functions({name: done.stdout}).items()
            if f not in LONG_FUNCTIONS
        }
        if lines > MAX_LINES or long:
            out[str(path.relative_to(ROOT))] = ", ".join(
                ([f"{lines} lines"] if lines > MAX_LINES else [])
                + [f"{f} {n} lines" for f, n in long.items()]
            )
    return out


def _print_format_exclusions() -> int:
    import tomllib  # lazy: only this listing reads pyproject

    excluded = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["format"]["exclude"]
    listed = {path for path in excluded if "*" not in path}  # patterns (*.md) are not modules
    needed = _format_breaks_limits()
    for path, why in needed.items():
        print(f'    "{path}",{" " * max(1, 44 - len(path))}# {why}')
    missing, stale = sorted(set(needed) - listed), sorted(listed - set(needed))
    print(
        f"{len(needed)} modules the formatter would push past a limit; "
        f"not excluded in pyproject: {missing or 'none'}; excluded but fine: {stale or 'none'}"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    if "--format" in sys.argv:
        sys.exit(_print_format_exclusions())
    sources = _sources()
    for (module, name), line in sorted(_private_imports(sources).items()):
        print(f"private import {module}:{line} {name}")
    for name, lines in sorted(_long_functions(sources).items(), key=lambda kv: -kv[1]):
        print(f"{lines:4d} lines {name}")
    sys.exit(pytest.main([__file__, "-q"]))
