"""The one owner of randomness.

A scenario has one integer ``seed``. Every random draw of a study (anchor choice,
channel noise and fading, head initialisation) uses a generator derived from that
seed and the *name* of what it is for, never from execution order, so results are
identical whichever executor runs the points and in whatever order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semcom.core.hashing import json_sha256

__all__ = ["derive_seed", "derive_rng"]


def derive_seed(seed: int, *purpose: Any) -> int:
    """A 63-bit seed determined by ``seed`` and a JSON-serialisable ``purpose``.

    >>> derive_seed(1, "anchors", 16) == derive_seed(1, "anchors", 16)
    True
    >>> derive_seed(1, "anchors", 16) != derive_seed(2, "anchors", 16)
    True
    """
    digest = bytes.fromhex(json_sha256([int(seed), *purpose], default=str))
    return int.from_bytes(digest[:8], "little") >> 1


def derive_rng(seed: int, *purpose: Any) -> np.random.Generator:
    """A NumPy generator seeded by :func:`derive_seed`."""
    return np.random.default_rng(derive_seed(seed, *purpose))
