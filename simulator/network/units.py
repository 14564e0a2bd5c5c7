"""The units of a network study: one SimPy run per combination of the sweep axes."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Optional

from semcom.core.hashing import json_sha256

from .schema import NETWORK_SWEEP_AXES, NetworkScenario

__all__ = ["NetworkUnit", "expand_network_units"]


@dataclass(frozen=True)
class NetworkUnit:
    """One point of the network sweep."""

    seed: int
    scheduler: str
    channel: str
    semantic_equalizer: str
    anchor_selection: str
    num_anchors: int
    bits: Optional[int]
    arrival_rate: float

    @property
    def key(self) -> str:
        return json_sha256(["network", asdict(self)])[:20]

    def describe(self) -> str:
        return (
            f"{self.scheduler} {self.channel} {self.semantic_equalizer} K={self.num_anchors} "
            f"rate={self.arrival_rate:g}/s seed={self.seed}" + (f" b={self.bits}" if self.bits else "")
        )


def expand_network_units(sc: NetworkScenario) -> list[NetworkUnit]:
    """Every combination of the sweep axes, in a deterministic order."""
    units = []
    for values in itertools.product(*(sc.axis(a) for a in NETWORK_SWEEP_AXES)):
        d = dict(zip(NETWORK_SWEEP_AXES, values))
        units.append(
            NetworkUnit(
                seed=int(d["seed"]),
                scheduler=d["scheduler"],
                channel=d["channel"],
                semantic_equalizer=d["semantic_equalizer"],
                anchor_selection=d["anchor_selection"],
                num_anchors=int(d["num_anchors"]),
                bits=None if d["bits"] is None else int(d["bits"]),
                arrival_rate=float(d["arrival_rate"]),
            )
        )
    return list(dict.fromkeys(units))
