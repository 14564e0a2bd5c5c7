"""``semcom validate``: the checks ``semcom run`` makes before its first unit, every problem of a
file and its overrides in one round.

Parsing stops at the fields it cannot type; the semantic checks (names, settings against the
registries, the data, the tables) need a parsed scenario. So when parsing fails, the fields it
refused are left out and the rest is parsed and checked again: a typo in ``sweep.snr_db`` and
an unknown receiver are reported together, not in two rounds. A field left out falls back to
its default for that second pass; problems found *in* a left-out field are not reported twice,
and where a left-out field is required (the second parse fails too) only the parsing errors
are reported.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError

from ..scenario.errors import as_scenario_error
from .base import kind_of, parse_study

__all__ = ["check_study", "validation_lines"]


def check_study(raw: Any, source: str, *, check_data: bool = True, allow_large: bool = False):
    """Parse and check ``raw`` as ``semcom run`` would before its first unit; returns (scenario,
    kind, work estimate) or raises every problem found (:class:`ScenarioErrors`)."""
    try:
        sc = parse_study(raw, source)
    except ScenarioError as exc:
        parsing = _errors(exc)
        raise ScenarioErrors.of(parsing + _checks_beside(raw, source, parsing, check_data)) from None
    kind = kind_of(sc)
    kind.check_work(sc, allow_large=allow_large)  # before checks that would expand the sweep
    kind.check(sc, check_data=check_data)
    return sc, kind, kind.check_work(sc, allow_large=allow_large, check_data=check_data)


def validation_lines(sc, kind, work, source: str, check_data: bool = True) -> list[str]:
    """What ``semcom validate`` prints for a scenario that passed :func:`check_study`."""
    lines = kind.validate_lines(sc, source, check_data=check_data)
    if work is not None:
        lines.append(f"work: {work.describe()}")
    for name, spec in getattr(sc, "models", {}).items():
        if "import" in (spec.model_extra or {}):
            lines.append(
                f"note: models.{name} runs code from module '{str(spec.model_extra['import']).split(':')[0]}'"
                " (`import:`): `semcom run` needs --allow-code"
            )
    return lines


def _errors(exc: ScenarioError) -> list[ScenarioError]:
    return list(exc.errors) if isinstance(exc, ScenarioErrors) else [exc]


def _checks_beside(
    raw: Any, source: str, parsing: list[ScenarioError], check_data: bool
) -> list[ScenarioError]:
    """The semantic problems of ``raw`` without the values parsing refused (none if it still
    does not parse, e.g. a refused field is required and nothing of it parses)."""
    paths = list(dict.fromkeys(_path(e.field) for e in parsing))
    trimmed = _copy(raw) if isinstance(raw, dict) else None
    for path in paths:
        if trimmed is None or not _trim(trimmed, path, source):
            return []
    try:
        with warnings.catch_warnings():  # warnings are for a scenario that parses, not this trimmed one
            warnings.simplefilter("ignore")
            sc = parse_study(trimmed, source)
            kind_of(sc).check(sc, check_data=check_data)
    except ScenarioError as exc:
        found = _errors(exc)
    except SemcomInputError as exc:
        found = [as_scenario_error(exc)]
    else:
        return []
    dropped = [".".join(p) for p in paths]
    return [
        e for e in found if not any(e.field == d or e.field.startswith((d + ".", d + "[")) for d in dropped)
    ]


def _path(field: str) -> tuple[str, ...]:
    """``sweep.snr_db[1]`` → ("sweep", "snr_db"): the key a refused field sits under."""
    return tuple(re.sub(r"\[\d+\]", "", part) for part in field.split(".") if part)


def _trim(raw: dict, path: tuple[str, ...], source: str) -> bool:
    """Leave out of ``raw`` (in place) what parsing refuses at ``path``: the entries of a list
    it refuses (``[0, high]`` keeps ``[0]``), else the key; False where ``path`` is not there."""
    node = raw
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if not path or not isinstance(node, dict) or path[-1] not in node:
        return False
    value = node[path[-1]]
    if isinstance(value, list) and 0 < len(value) <= 100:
        kept = [x for x in value if not _refused(raw, node, path, [x], source)]
        if kept:
            node[path[-1]] = kept
            return True
    del node[path[-1]]
    return True


def _refused(raw: dict, node: dict, path: tuple[str, ...], value: Any, source: str) -> bool:
    """Whether parsing ``raw`` with ``value`` at ``path`` (``node`` holds its key) refuses that field."""
    old, node[path[-1]] = node[path[-1]], value
    try:
        parse_study(raw, source)
        return False
    except ScenarioError as exc:
        return any(_path(e.field) == path for e in _errors(exc))
    finally:
        node[path[-1]] = old


def _copy(value: Any) -> Any:
    """The mappings of ``value`` copied (lists and values shared: they are not changed)."""
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value
