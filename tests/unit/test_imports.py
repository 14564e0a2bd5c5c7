"""Import structure: no cycles among semcom's module-level imports; `import semcom` stays light."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where each import prefix lives in the source tree (pyproject's package-dir).
PACKAGE_DIRS = {"semcom": ROOT / "semcom", "semcom.channels": ROOT / "channels",
                "semcom.transceivers": ROOT / "transceivers", "semcom.simulator": ROOT / "simulator",
                "semcom.scenarios": ROOT / "scenarios"}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Module name → (file, is_package)."""
    out = {}
    for prefix, folder in PACKAGE_DIRS.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("").parts
            is_pkg = rel[-1] == "__init__"
            name = ".".join((prefix, *(rel[:-1] if is_pkg else rel)))
            out[name] = (path, is_pkg)
    return out


def _top_level_imports(tree: ast.Module):
    """Import nodes run at import time: module body, and if/try blocks, except `if TYPE_CHECKING`."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                stack += node.body + node.orelse
        elif isinstance(node, ast.Try):
            stack += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, (path, is_pkg) in modules.items():
        package = name if is_pkg else name.rpartition(".")[0]
        edges = set()
        for node in _top_level_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    anchor = ".".join(parts[:len(parts) - node.level + 1])
                    base = f"{anchor}.{base}" if base else anchor
                # `from pkg import sub` imports the submodule when there is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:      # `import a.b.c` of a non-module tail
                    target = target.rpartition(".")[0]
                # a module's own ancestor packages are already initialising when it runs: no edge
                if target and target != name and not name.startswith(target + "."):
                    edges.add(target)
        graph[name] = edges
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_walker_sees_the_package():
    graph = _graph()
    assert len(graph) > 40 and "semcom.simulator.engine" in graph
    assert "semcom.simulator.store" in graph["semcom.simulator.runner"]       # a known relative import
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, "module-level import cycle: " + " -> ".join(cycle)


def test_import_semcom_loads_neither_torch_nor_matplotlib():
    code = ("import sys, semcom; heavy = [m for m in ('torch', 'matplotlib', 'pandas', 'sionna') "
            "if m in sys.modules]; print(heavy); assert not heavy and callable(semcom.run)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
