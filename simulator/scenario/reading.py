"""Reading a scenario file: the bounded safe YAML loader (:mod:`semcom.core.limits`), one-line errors.

Every kind of study is read the same way; :func:`raw_kind` tells which kind a parsed
file says it is (``kind:``, ``link`` when absent) without validating anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from semcom.core.errors import ScenarioError
from semcom.core.limits import MAX_SCENARIO_BYTES, load_yaml

__all__ = ["read_scenario_yaml", "stored_scenario", "raw_kind"]

#: The study kind of a scenario file that gives no ``kind:``.
DEFAULT_KIND = "link"


def read_scenario_yaml(path: str | Path) -> Any:
    """Read a scenario file with the bounded, duplicate-key-refusing safe loader
    (:func:`semcom.core.limits.load_yaml`: size, nesting, aliases, numbers); one-line errors."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), None, "scenario file not found", "check the path")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SCENARIO_BYTES + 1)     # never more than the limit, whatever the file's size
        return load_yaml(data if len(data) > MAX_SCENARIO_BYTES else data.decode("utf-8"), str(path))
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not a UTF-8 text file", "give a YAML scenario") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, f"cannot be read ({exc.strerror or exc})",
                            "check the file's permissions") from None


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
