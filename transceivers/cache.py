"""On-disk cache for trained models, latents and heads, keyed by a hash of what made them."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from semcom.core.io import atomic_path

__all__ = ["cache_dir", "config_hash", "load_tensors", "save_tensors"]

#: Bump when training recipes change, so stale cache entries are not reused.
CACHE_VERSION = 1


def cache_dir() -> Path:
    """``$SEMCOM_CACHE`` if set, else ``~/.cache/semcom``."""
    root = os.environ.get("SEMCOM_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "semcom")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_hash(*parts: Any) -> str:
    """Stable 16-hex-digit hash of JSON-serialisable parts (dict keys sorted)."""
    payload = json.dumps([CACHE_VERSION, *parts], sort_keys=True, default=_jsonable)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return hashlib.sha256(np.ascontiguousarray(obj).tobytes()).hexdigest()
    if isinstance(obj, (np.integer, np.floating)):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot hash {type(obj).__name__}")


def save_tensors(kind: str, key: str, tensors: dict[str, torch.Tensor]) -> None:
    """Atomically write a dict of tensors (write to a temp file, then rename)."""
    folder = cache_dir() / kind
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder / f"{key}.pt") as tmp:
        torch.save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, tmp)


def load_tensors(kind: str, key: str) -> dict[str, torch.Tensor] | None:
    """Read a cached dict of tensors, or `None` if absent or unreadable (then it is rebuilt)."""
    file = cache_dir() / kind / f"{key}.pt"
    if not file.is_file():
        return None
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except Exception:  # a torn or foreign file: rebuild rather than fail
        return None
