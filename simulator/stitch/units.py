"""The unit of a stitching run: the whole table (every seed and ordered pair) in one unit."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["StitchUnit"]


@dataclass(frozen=True)
class StitchUnit:
    """The one unit of a stitching run; ``snr_db``: the SNR of the noisy table (the sweep's
    highest when `None`)."""

    snr_db: float | None = None

    key = "stitch"

    def describe(self) -> str:
        return "stitching table"
