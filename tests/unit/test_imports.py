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


#: The most lines one module may have (issue 16: one concept per module, none a grab bag).
MAX_LINES = 400
#: Modules allowed past MAX_LINES, each with the reason. Empty: every module fits.
LONG_MODULES: dict[str, str] = {}


def test_no_module_is_longer_than_400_lines():
    too_long = {}
    for name, (path, _) in _modules().items():
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and name not in LONG_MODULES:
            too_long[name] = lines
    assert not too_long, f"modules over {MAX_LINES} lines (split them by concept): {too_long}"
    assert set(LONG_MODULES) <= set(_modules()), "an exempted module no longer exists: drop its exemption"


def test_every_package_folder_is_installed():
    """pyproject lists packages explicitly: a sub-package missing there would not install."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {name for name, (_, is_pkg) in _modules().items() if is_pkg}
    assert packages <= listed, f"add to pyproject's [tool.setuptools] packages: {sorted(packages - listed)}"


def test_the_study_kinds_are_peers_over_a_kind_agnostic_core():
    """The scenario core knows no kind; the CLI, the API and the report reach the kinds through
    the registry; the registry and the schema modules load no torch."""
    graph = _graph()
    core = [m for m in graph if m.startswith("semcom.simulator.scenario")]
    assert core and all(not {t for t in graph[m] if ".kinds" in t or ".network" in t} for m in core), \
        {m: graph[m] for m in core}
    for name in ("cli", "report", "plots", "summary"):
        source = (ROOT / "simulator" / f"{name}.py").read_text()
        assert '== "network"' not in source and '== "stitch"' not in source, name
    assert '== "network"' not in (ROOT / "semcom" / "api.py").read_text()
    code = ("import sys; from semcom.simulator.kinds import STUDY_KINDS, load_study; "
            "import semcom.simulator.schema, semcom.simulator.network.schema; "
            "sc = load_study('scenarios/network_edge.yaml'); "
            "print(STUDY_KINDS.names(), type(sc).__name__, [m for m in ('torch', 'matplotlib') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.strip() == "['link', 'network', 'stitch', 'system'] NetworkScenario []", done.stdout + done.stderr
