"""On-disk cache for trained models, latents and heads, keyed by a hash of what made them
(:func:`~semcom.core.hashing.config_hash`, also importable from here)."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from semcom.core.hashing import config_hash
from semcom.core.io import atomic_path

__all__ = ["cache_dir", "config_hash", "load_tensors", "save_tensors"]


def cache_dir() -> Path:
    """``$SEMCOM_CACHE`` if set, else ``~/.cache/semcom``."""
    root = os.environ.get("SEMCOM_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "semcom")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


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
