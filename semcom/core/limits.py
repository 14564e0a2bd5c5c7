"""Bounds on what a scenario may hold, checked before anything else reads it.

A scenario is a small document: every kind's settings fit in a few hundred values. The
YAML reader (:func:`load_yaml`) refuses a file larger than :data:`MAX_SCENARIO_BYTES`,
nesting deeper than :data:`MAX_DEPTH` (checked while composing, before Python's
recursion limit is reached) and whole numbers with more digits than any 64-bit
integer. :func:`check_bounded` then walks the parsed value (from a file, ``--set`` or
the Python API) and refuses, each in one line naming the field:

* more than :data:`MAX_VALUES` values once YAML aliases are expanded (an alias bomb
  shares its lists, so it parses small, but every later step would expand it), or a
  value that contains itself;
* nesting deeper than :data:`MAX_DEPTH`;
* a whole number outside the 64-bit range a results store holds (seeds, counts);
* a real number that is NaN or infinite (no setting takes one).

The walk visits each distinct object once, so it costs what the file costs to read.

Example::

    from semcom.core.limits import check_bounded, load_yaml
    raw = load_yaml("name: x\\nseed: 3\\n", "s.yaml")
    check_bounded(raw, "s.yaml")
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from .errors import ScenarioError

__all__ = [
    "MAX_SCENARIO_BYTES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "INT64_MIN",
    "INT64_MAX",
    "load_yaml",
    "check_bounded",
    "BoundedLoader",
    "LimitExceeded",
]

#: Largest scenario file read [bytes]; the shipped ones are a few kilobytes (and YAML
#: parses at a few hundred kilobytes a second).
MAX_SCENARIO_BYTES = 256 << 10
#: Deepest nesting of mappings and lists (the shipped scenarios nest 4 deep).
MAX_DEPTH = 32
#: Most values (mapping entries, list entries, scalars) a scenario holds with aliases expanded.
MAX_VALUES = 100_000
#: The whole numbers a results store holds (SQLite's INTEGER).
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# A 64-bit integer written in YAML (binary is the longest: 63 digits after "0b")
_MAX_INT_CHARS = 66
_FLATTEN = "flatten it: no scenario setting nests that deep"
_SMALLER = "use a whole number below 2^63 (9223372036854775807)"


class LimitExceeded(yaml.MarkedYAMLError):
    """A scenario file beyond a limit of :class:`BoundedLoader` (not a syntax error)."""

    def __init__(self, problem: str, fix: str, mark):
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses nesting deeper than :data:`MAX_DEPTH` (while
    composing, so a 10^5-deep list never reaches Python's recursion limit), a key given
    twice in one mapping (YAML would keep the last), and whole numbers too long for 64 bits."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise LimitExceeded(f"nests deeper than {MAX_DEPTH} levels", _FLATTEN, mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the mapping constructor reports it
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key '{key}' (YAML would silently keep only the last one)",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node).replace("_", "").lstrip("+-")
        if len(text) > _MAX_INT_CHARS:
            raise LimitExceeded(
                f"a whole number of {len(text)} digits is beyond the 64-bit range results are stored in",
                _SMALLER,
                node.start_mark,
            )
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)


def load_yaml(text: str | bytes, source: str, check: bool = True) -> Any:
    """Parse scenario YAML with :class:`BoundedLoader`, then (``check``) :func:`check_bounded`;
    one-line :class:`ScenarioError` naming ``source`` (and the line) otherwise."""
    if len(text) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            source,
            None,
            f"is larger than {MAX_SCENARIO_BYTES >> 10} KiB",
            "a scenario is a few kilobytes: give sweep values as {start, stop, step} ranges",
        )
    try:
        raw = yaml.load(text, Loader=BoundedLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        if isinstance(exc, LimitExceeded):
            raise ScenarioError(source, None, f"{exc.problem}{where}", exc.fix) from None
        raise ScenarioError(
            source, None, f"is not valid YAML{where} ({getattr(exc, 'problem', exc)})", "fix the YAML syntax"
        ) from None
    if check:
        check_bounded(raw, source)
    return raw


def _children(value: Any) -> list[tuple[Any, Any]]:
    """(path part, child) of a container; a mapping's keys are checked under its own path."""
    if isinstance(value, dict):
        return [*value.items(), *((None, k) for k in value)]
    return list(enumerate(value))


def _field(path: tuple, indices: bool = True) -> str:
    """``sweep.snr_db[3]`` from a path (without the trailing list indices unless ``indices``)."""
    if not indices:
        while path and (path[-1] is None or isinstance(path[-1], int)):
            path = path[:-1]
    out = ""
    for part in path:
        if part is None:
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_bounded(raw: Any, source: str = "scenario") -> None:
    """Refuse a parsed scenario that is too large, too deep, or holds an out-of-range
    number (see the module docstring); one :class:`ScenarioError` naming the field."""
    sizes: dict[int, int] = {}  # id -> values with aliases expanded (containers only)
    heights: dict[int, int] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, tuple, bool]] = [(raw, (), False)]
    while stack:
        value, path, done = stack.pop()
        if isinstance(value, (dict, list, tuple)):
            key = id(value)
            if done:
                kids = [v for _, v in _children(value)]
                sizes[key] = 1 + sum(sizes.get(id(v), 1) for v in kids)
                heights[key] = 1 + max((heights.get(id(v), 0) for v in kids), default=0)
                open_ids.discard(key)
                _check_totals(value, sizes[key], heights[key], path, source)
                continue
            if key in sizes:
                continue
            if key in open_ids:
                raise ScenarioError(
                    _field(path) or source,
                    None,
                    "contains itself (a YAML alias to an enclosing value)",
                    "write the value out instead of aliasing its parent",
                )
            if len(path) > MAX_DEPTH:
                raise ScenarioError(
                    _field(path[:4]) or source, None, f"nests deeper than {MAX_DEPTH} levels", _FLATTEN
                )
            open_ids.add(key)
            stack.append((value, path, True))
            stack.extend((v, (*path, k), False) for k, v in _children(value))
        else:
            _check_scalar(value, path, source)


def _check_totals(value: Any, size: int, height: int, path: tuple, source: str) -> None:
    if size > MAX_VALUES:
        raise ScenarioError(
            _field(path, indices=False) or source,
            None,
            f"holds {size:,} values, YAML aliases expanded (at most {MAX_VALUES:,})",
            "write fewer values; sweep axes take {start, stop, step} ranges",
        )
    if len(path) + height > MAX_DEPTH + 1:
        raise ScenarioError(
            _field(path[:4]) or source, None, f"nests deeper than {MAX_DEPTH} levels", _FLATTEN
        )


def _check_scalar(value: Any, path: tuple, source: str) -> None:
    field = _field(path) or source
    if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        raise ScenarioError(
            field,
            None,
            f"a whole number of {value.bit_length()} bits is beyond the signed "
            "64-bit range results are stored in",
            _SMALLER,
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(
            field,
            value,
            "is not a finite number",
            "give a finite value (no setting takes "
            "infinity or NaN; a missing limit is written by leaving the key out)",
        )
