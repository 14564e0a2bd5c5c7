"""Import structure: no import cycle among semcom's modules, counting the imports inside
function bodies; few imports inside functions, each with its reason; no module over
300 lines; `import semcom` stays light.

Run ``python tests/unit/test_imports.py`` for the figures (imports inside functions, the
strongly connected blocks, the longest modules).
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Where each import prefix lives in the source tree (pyproject's package-dir).
PACKAGE_DIRS = {
    "semcom": ROOT / "semcom",
    "semcom.channels": ROOT / "channels",
    "semcom.transceivers": ROOT / "transceivers",
    "semcom.simulator": ROOT / "simulator",
    "semcom.scenarios": ROOT / "scenarios",
}

#: The largest share of semcom-internal imports that may sit inside functions.
MAX_SHARE_INSIDE_FUNCTIONS = 0.10
#: A function-level import's reason: a comment on its line or the line before, "# lazy: why".
REASON = re.compile(r"#\s*lazy:\s*\S")


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


def _imports(tree: ast.Module):
    """Every import node with whether it sits inside a function (a def, a lambda, a method).
    Imports under ``if TYPE_CHECKING:`` never run: left out."""

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for grandchild in child.orelse:
                    yield from walk_one(grandchild, in_function)
                continue
            yield from walk_one(child, in_function)

    def walk_one(node, in_function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function
        else:
            inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(node, inner)

    yield from walk(tree, False)


def _targets(node, name: str, is_pkg: bool, modules) -> set[str]:
    """The semcom modules one import node runs: the imported module (``from pkg import sub``
    counts as importing the submodule ``sub``) and every package above it (their
    ``__init__`` runs first), except the importer's own packages (already initialising);
    but the top-level package imported by name (``import semcom``, ``from semcom import
    __version__``) counts: it is the API, which reaches every kind."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name if is_pkg else name.rpartition(".")[0]
            parts = package.split(".")
            anchor = ".".join(parts[: len(parts) - node.level + 1])
            base = f"{anchor}.{base}" if base else anchor
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    out = set()
    for target in names:
        while target and target not in modules:  # `import a.b.c` of a non-module tail
            target = target.rpartition(".")[0]
        if target == "semcom" and name != "semcom":
            out.add(target)  # the top-level package by name (`import semcom`): its API imports every kind
        while target:
            if target != name and not name.startswith(target + "."):
                out.add(target)
            target = target.rpartition(".")[0] if target.rpartition(".")[0] in modules else ""
    return out


def _scan(planted: dict[str, str] | None = None):
    """(graph: module → imported modules, [(module, line, target, inside a function, has a reason)]).

    :param planted: extra modules (name → source), walked as if they were in the tree."""
    modules = _modules()
    sources = {name: path.read_text() for name, (path, _) in modules.items()}
    for name, source in (planted or {}).items():
        modules[name] = (Path(name), False)
        sources[name] = source
    graph, found = {}, []
    for name, (_, is_pkg) in modules.items():
        source = sources[name]
        lines = source.splitlines()
        edges = set()
        for node, inside in _imports(ast.parse(source)):
            targets = _targets(node, name, is_pkg, modules)
            if not targets:
                continue
            edges |= targets
            here = lines[node.lineno - 1]
            before = lines[node.lineno - 2] if node.lineno > 1 else ""
            reason = bool(REASON.search(here) or REASON.search(before))
            # one import per imported module (the packages above it come with it, uncounted)
            for target in targets - {t.rpartition(".")[0] for t in targets}:
                found.append((name, node.lineno, target, inside, reason))
        graph[name] = edges
    return graph, found


def _blocks(graph) -> list[frozenset[str]]:
    """The strongly connected blocks of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    block = set()
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        block.add(member)
                        if member == node:
                            break
                    if len(block) > 1:
                        out.append(frozenset(block))
    return out


def test_the_walker_sees_the_package():
    graph, found = _scan()
    planted, _ = _scan({"semcom.simulator.run.planted": "import semcom\n"})
    assert "semcom" in planted["semcom.simulator.run.planted"]  # the top-level package by name
    assert "semcom" not in graph["semcom.simulator.link.runner"]  # not as the parent of its imports
    assert len(graph) > 40 and "semcom.simulator.link.runner" in graph
    assert (
        "semcom.simulator.results.store" in graph["semcom.simulator.link.runner"]
    )  # a known relative import
    assert "semcom.simulator" not in graph["semcom.simulator.link.runner"]  # its own package: no edge
    assert any(inside for *_, inside, _ in found)  # function bodies are walked
    assert _blocks({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
    assert _blocks({"a": {"b"}, "b": set()}) == []
    tree = ast.parse("import x\ndef f():\n    import y\nif TYPE_CHECKING:\n    import z\n")
    assert [(n.names[0].name, inside) for n, inside in _imports(tree)] == [("x", False), ("y", True)]


def test_no_import_cycles_counting_imports_inside_functions():
    blocks = [sorted(b) for b in _blocks(_scan()[0])]
    assert not blocks, f"import cycles (imports inside functions counted): {blocks}"


def test_few_imports_inside_functions_each_with_its_reason():
    _, found = _scan()
    inside = [f for f in found if f[3]]
    share = len(inside) / len(found)
    assert share <= MAX_SHARE_INSIDE_FUNCTIONS, (
        f"{len(inside)} of {len(found)} internal imports ({share:.0%}) sit inside functions"
    )
    bare = [f"{module}:{line}" for module, line, _, _, reason in inside if not reason]
    assert not bare, f"imports inside functions without a '# lazy: <reason>' comment: {bare}"


def test_import_semcom_loads_neither_torch_nor_matplotlib():
    code = (
        "import sys, semcom; heavy = [m for m in ('torch', 'matplotlib', 'pandas', 'sionna') "
        "if m in sys.modules]; print(heavy); assert not heavy and callable(semcom.run)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


#: The most lines one module may have (one concept per module, none a grab bag).
MAX_LINES = 300
#: Modules allowed past MAX_LINES, each with the reason.
LONG_MODULES: dict[str, str] = {}


def test_no_module_is_longer_than_300_lines():
    too_long = {}
    for name, (path, _) in _modules().items():
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and name not in LONG_MODULES:
            too_long[name] = lines
    assert not too_long, f"modules over {MAX_LINES} lines (split them by concept): {too_long}"
    assert set(LONG_MODULES) <= set(_modules()), "an exempted module no longer exists: drop its exemption"


def test_every_package_folder_is_installed():
    """pyproject lists packages explicitly: a sub-package missing there would not install."""
    import tomllib  # lazy: only this test reads pyproject

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {name for name, (_, is_pkg) in _modules().items() if is_pkg}
    assert packages <= listed, f"add to pyproject's [tool.setuptools] packages: {sorted(packages - listed)}"


#: The kinds' own sub-packages: peers, none importing another.
KINDS = ("link", "network", "system", "stitch")
#: The kind-agnostic core: imports neither the kinds registry nor any kind.
CORE = ("scenario", "run", "results", "figures")
#: Peer imports allowed, each with its reason.
PEER_IMPORTS = {
    ("stitch", "link"): "a stitching table is a view of a link study: it runs the link engine on a "
    "link scenario"
}


def _package(module: str) -> str | None:
    """The sub-package of semcom.simulator a module lies in (``None`` outside one)."""
    parts = module.split(".")
    return parts[2] if len(parts) >= 3 and parts[:2] == ["semcom", "simulator"] else None


def _layering_violations(graph) -> list[str]:
    """Imports that break the layering: the core importing the kinds registry or a kind, a kind
    importing another kind (beyond :data:`PEER_IMPORTS`), the command line importing a kind."""
    out = []
    for module, targets in graph.items():
        here = _package(module)
        for target in targets:
            there = _package(target)
            if here in CORE and there in (*KINDS, "kinds"):
                out.append(f"core {module} imports {target}")
            elif here in KINDS and there in KINDS and there != here and (here, there) not in PEER_IMPORTS:
                out.append(f"kind {here}: {module} imports {target}")
            elif module in ("semcom.simulator.cli", "semcom.api") and there in KINDS:
                out.append(f"{module} imports {target} (ask the kinds registry)")
    return sorted(out)


def test_the_study_kinds_are_peers_over_a_kind_agnostic_core():
    """The core (scenario, run, results, figures) imports no kind and not the registry; a kind
    imports no other kind; the CLI and the API reach the kinds through the registry."""
    graph, _ = _scan()
    assert not _layering_violations(graph), _layering_violations(graph)
    assert {a for a, _ in PEER_IMPORTS} | {b for _, b in PEER_IMPORTS} <= set(KINDS)


@pytest.mark.parametrize(
    "module, source",
    [
        ("semcom.simulator.system.planted", "from ..network.links import NetworkLinks\n"),
        (
            "semcom.simulator.network.planted",
            "def f():\n    from semcom.simulator.system import engine  # lazy: x\n",
        ),
        ("semcom.simulator.results.planted", "from ..kinds import get_kind\n"),
        ("semcom.simulator.figures.planted", "import semcom.simulator.link.plots\n"),
        ("semcom.simulator.run.planted", "from ..stitch import runner\n"),
    ],
)
def test_the_layering_test_fails_on_a_planted_import(module, source):
    graph, _ = _scan({module: source})
    assert [v for v in _layering_violations(graph) if module in v], (module, source)


def test_the_kinds_registry_and_the_schemas_load_no_torch():
    code = (
        "import sys; from semcom.simulator.kinds import STUDY_KINDS, load_study; "
        "import semcom.simulator.link.schema, semcom.simulator.network.schema, semcom.simulator.cli; "
        "sc = load_study('scenarios/network_edge.yaml'); "
        "heavy = [m for m in ('torch', 'matplotlib') if m in sys.modules]; "
        "print(STUDY_KINDS.names(), type(sc).__name__, heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    expected = "['link', 'network', 'stitch', 'system'] NetworkScenario []"
    assert done.stdout.strip() == expected, done.stdout + done.stderr


if __name__ == "__main__":
    graph, found = _scan()
    inside = [f for f in found if f[3]]
    print(
        f"internal imports: {len(found)}, inside functions: {len(inside)} ({len(inside) / len(found):.1%}), "
        f"without a reason: {sum(not f[4] for f in inside)}"
    )
    for block in _blocks(graph):
        print(f"cycle block of {len(block)}: {sorted(m.replace('semcom.', '') for m in block)}")
    sizes = sorted(((len(p.read_text().splitlines()), n) for n, (p, _) in _modules().items()), reverse=True)
    print("longest:", ", ".join(f"{n.replace('semcom.', '')} {k}" for k, n in sizes[:12]))
    if "-v" in sys.argv:
        for module, line, target, _, reason in inside:
            print(f"  {module}:{line} -> {target}{'' if reason else '  (no reason)'}")
