"""Reading a scenario file: the bounded safe YAML loader (:mod:`semcom.core.limits`), one-line errors.

Every kind of study is read the same way; :func:`raw_kind` tells which kind a parsed
file says it is (``kind:``, ``link`` when absent) without validating anything else.

A scenario travels with its files: a relative path in it (the keys :data:`PATH_KEYS`
lists, such as ``data.path`` and ``models.<name>.path``) is read from the scenario
file's folder, whatever the working directory, and is absolute once read (an
absolute path stays as written; ``~`` is the user's home). A path given as an
override (``--set``, ``semcom.run(**{...})``) or in a mapping is the caller's,
relative to the working directory. A name with no folder that is no file
(``quickstart``) is the shipped scenario of that name (:mod:`semcom.scenarios`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from semcom.core.errors import ScenarioError
from semcom.core.limits import MAX_SCENARIO_BYTES, load_yaml

__all__ = [
    "read_scenario_yaml",
    "scenario_file",
    "resolve_paths",
    "register_path_keys",
    "PATH_KEYS",
    "stored_scenario",
    "raw_kind",
    "SCENARIO_HELP",
]

#: What a command's scenario argument may be (its help).
SCENARIO_HELP = (
    "scenario YAML file (relative paths in it are read from its folder), or the name of a shipped "
    "scenario such as quickstart"
)

#: Dotted keys of a scenario that name a file or a folder (``*``: any name at that level); a
#: kind adds its own sections' with :func:`register_path_keys`.
PATH_KEYS: list[str] = ["data.path", "models.*.path"]


def register_path_keys(*keys: str) -> None:
    """Declare more dotted keys that name files or folders (a kind's own sections)."""
    PATH_KEYS.extend(key for key in keys if key not in PATH_KEYS)


def resolve_paths(raw: Any, folder: str | Path) -> Any:
    """``raw`` (a parsed scenario) with every relative path at :data:`PATH_KEYS` made absolute
    from ``folder`` (changed in place, and returned); other values are left as they are."""
    base = Path(folder).absolute()

    def walk(node: Any, parts: list[str]) -> None:
        if not isinstance(node, dict) or not parts:
            return
        head, rest = parts[0], parts[1:]
        children = list(node) if head == "*" else [head] if head in node else []
        for key in children:
            if rest:
                walk(node[key], rest)
            elif isinstance(node[key], str) and node[key].strip():
                path = Path(node[key]).expanduser()
                node[key] = str(path) if path.is_absolute() else os.path.normpath(base / path)

    for dotted in PATH_KEYS:
        walk(raw, dotted.split("."))
    return raw


def scenario_file(name: str | Path) -> Path:
    """The file ``name`` names: a path, or else (a bare name that is no file) the shipped
    scenario of that name, with or without ``.yaml``; a one-line error when neither."""
    from semcom.scenarios import scenario_names, scenario_path  # lazy: the package's data, asked for by name

    path = Path(name)
    if path.is_file() or path.exists():
        return path
    stem = path.name.removesuffix(".yaml")
    if str(path.parent) == "." and stem in scenario_names():
        return scenario_path(stem)
    raise ScenarioError(
        str(name),
        None,
        "scenario file not found",
        f"check the path, or name a shipped scenario: {', '.join(scenario_names())}",
    )


#: The study kind of a scenario file that gives no ``kind:``.
DEFAULT_KIND = "link"


def read_scenario_yaml(path: str | Path) -> Any:
    """Read a scenario file (a path, or a shipped scenario's name: :func:`scenario_file`) with
    the bounded, duplicate-key-refusing safe loader (:func:`semcom.core.limits.load_yaml`: size,
    nesting, aliases, numbers), its relative paths read from its folder (:func:`resolve_paths`);
    one-line errors."""
    path = scenario_file(path)
    if not path.is_file():
        raise ScenarioError(str(path), None, "is not a file", "give a YAML scenario file")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SCENARIO_BYTES + 1)  # never more than the limit, whatever the file's size
        raw = load_yaml(data if len(data) > MAX_SCENARIO_BYTES else data.decode("utf-8"), str(path))
        return resolve_paths(raw, path.parent)
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not a UTF-8 text file", "give a YAML scenario") from None
    except OSError as exc:
        raise ScenarioError(
            str(path), None, f"cannot be read ({exc.strerror or exc})", "check the file's permissions"
        ) from None


def stored_scenario(path: str | Path) -> dict:
    """The scenario mapping a run folder keeps (``scenario.yaml``), read as any scenario
    is; ``{}`` when it is missing, unreadable or not a mapping (plots then use defaults)."""
    try:
        raw = read_scenario_yaml(path)
    except ScenarioError:
        return {}
    return raw if isinstance(raw, dict) else {}


def raw_kind(raw: Any) -> Any:
    """The ``kind`` a parsed scenario mapping gives (:data:`DEFAULT_KIND` when it gives
    none, ``None`` when ``raw`` is not a mapping); the value as written, unchecked."""
    if not isinstance(raw, dict):
        return None
    return raw.get("kind", DEFAULT_KIND)
