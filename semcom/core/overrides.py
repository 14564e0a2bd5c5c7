"""Dotted overrides of a scenario mapping: ``{"sweep.snr_db": [0, 10]}`` or ``sweep.snr_db=[0,10]``.

One rule for the Python API (``semcom.run(path, **{"sweep.snr_db": [0, 10]})``) and the
command line (``semcom run FILE --set sweep.snr_db=[0,10]``): each dotted key names a
path of mappings in the scenario; missing mappings are created, the last key is set.
Values given as text (the command line) are parsed as YAML, so ``[0,10]`` is a list,
``3`` an int and ``awgn`` a string.

Example::

    from semcom.core.overrides import apply_overrides
    raw = apply_overrides({"sweep": {"snr_db": [0]}}, {"sweep.snr_db": [0, 10], "seed": 3})
    print(raw)                          # {'sweep': {'snr_db': [0, 10]}, 'seed': 3}
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ScenarioError
from .limits import load_yaml

__all__ = ["apply_overrides", "parse_set_options"]


def parse_set_options(options: Iterable[str]) -> dict[str, Any]:
    """``["a.b=[1,2]", "c=x"]`` → ``{"a.b": [1, 2], "c": "x"}`` (values parsed as YAML)."""
    out = {}
    for option in options:
        key, sep, text = option.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(
                "--set", option, "must be KEY=VALUE with a dotted key", "write e.g. --set sweep.snr_db=[0,10]"
            )
        try:
            out[key.strip()] = load_yaml(
                text, f"--set {key.strip()}", check=False
            )  # bounded with the scenario
        except ScenarioError as exc:
            if "not valid YAML" not in str(exc):
                raise
            raise ScenarioError(
                f"--set {key.strip()}",
                text,
                "is not a valid YAML value",
                "quote strings, write lists as [a,b]",
            ) from None
    return out


def apply_overrides(raw: Any, overrides: Mapping[str, Any]) -> Any:
    """A copy of the scenario mapping ``raw`` with every dotted override set."""
    if not overrides:
        return raw
    if not isinstance(raw, dict):
        return raw  # the scenario parser reports a non-mapping scenario
    raw = copy.deepcopy(raw)
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        if not all(parts):
            raise ScenarioError(
                str(dotted), value, "is not a dotted scenario key", "write e.g. sweep.snr_db (no empty parts)"
            )
        node = raw
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ScenarioError(
                    ".".join(parts[: i + 1]),
                    child,
                    f"is not a mapping, so '{dotted}' cannot be set",
                    "override the whole value instead",
                )
            node = child
        node[parts[-1]] = copy.deepcopy(value)
    return raw
