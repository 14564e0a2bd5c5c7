"""Reading a scenario file: the safe YAML loader that refuses duplicate keys, one-line errors.

Every kind of study is read the same way; :func:`raw_kind` tells which kind a parsed
file says it is (``kind:``, ``link`` when absent) without validating anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from semcom.core.errors import ScenarioError

__all__ = ["read_scenario_yaml", "raw_kind"]

#: The study kind of a scenario file that gives no ``kind:``.
DEFAULT_KIND = "link"


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (YAML would silently keep only the last one)",
                    key_node.start_mark)
            try:
                seen.add(key)
            except TypeError:
                pass
        return super().construct_mapping(node, deep=deep)


def read_scenario_yaml(path: str | Path) -> Any:
    """Read a scenario file with the safe, duplicate-key-refusing loader; one-line errors."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), None, "scenario file not found", "check the path")
    try:
        return yaml.load(path.read_text(), Loader=_UniqueKeyLoader)   # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(str(path), None, f"is not valid YAML{where} ({getattr(exc, 'problem', exc)})",
                            "fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), None, "is not a UTF-8 text file", "give a YAML scenario") from None
    except OSError as exc:
        raise ScenarioError(str(path), None, f"cannot be read ({exc.strerror or exc})",
                            "check the file's permissions") from None


def raw_kind(raw: Any) -> Any:
    """The ``kind`` a parsed scenario mapping gives (:data:`DEFAULT_KIND` when it gives
    none, ``None`` when ``raw`` is not a mapping); the value as written, unchecked."""
    if not isinstance(raw, dict):
        return None
    return raw.get("kind", DEFAULT_KIND)
