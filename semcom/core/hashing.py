"""The one hash of JSON-able values every key in semcom derives from: cache entries, study
identities, unit keys and seeds.

>>> json_sha256(["network", {"b": 1, "a": 2}])[:12]       # keys sorted: insertion order never matters
'7c394c993770'
>>> config_hash("study", {"a": 2, "b": 1}) == config_hash("study", {"b": 1, "a": 2})
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["json_sha256", "config_hash", "CACHE_VERSION"]

#: Bump when training recipes change, so stale cache entries are not reused.
CACHE_VERSION = 1


def json_sha256(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """Hex SHA-256 of ``value`` as JSON with sorted keys (``default``: how to write what JSON
    cannot, as :func:`json.dumps` takes it)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=default).encode()).hexdigest()


def config_hash(*parts: Any) -> str:
    """Stable 16-hex-digit hash of JSON-serialisable parts (dict keys sorted; arrays by their
    bytes, numpy scalars by value, paths as text), versioned by :data:`CACHE_VERSION`."""
    return json_sha256([CACHE_VERSION, *parts], default=_jsonable)[:16]


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return hashlib.sha256(np.ascontiguousarray(obj).tobytes()).hexdigest()
    if isinstance(obj, (np.integer, np.floating)):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot hash {type(obj).__name__}")
