"""Sweep expansion: a scenario → work units.

A *unit* fixes everything but SNR and the semantic equaliser: one transmission
setup (seed, transmitter, receiver, channel, scheme, anchors, bits). All SNR points and all
equalisers of a unit run in one batched pass and are committed together.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
from dataclasses import asdict, dataclass

from .schema import Scenario

__all__ = ["Unit", "expand_units", "UNIT_AXES"]

UNIT_AXES = ("seed", "transmitter", "receiver", "channel", "scheme", "anchor_selection", "num_anchors", "bits")


@dataclass(frozen=True)
class Unit:
    seed: int
    transmitter: str
    receiver: str
    channel: str
    scheme: str
    anchor_selection: str
    num_anchors: int
    bits: int | None

    @property
    def key(self) -> str:
        """Stable identifier of the unit (used by the results store and for seeding)."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:20]

    def describe(self) -> str:
        return (f"{self.transmitter}->{self.receiver} {self.channel} {self.scheme} K={self.num_anchors} "
                f"{self.anchor_selection} seed={self.seed}" + (f" b={self.bits}" if self.bits else ""))


def expand_units(sc: Scenario) -> list[Unit]:
    """All units of a scenario, in a deterministic order (the order of results.csv)."""
    from semcom.transceivers.schemes import SCHEMES

    axes = [sc.axis(a) for a in UNIT_AXES]
    specs = sc.scheme_specs()
    units = []
    for values in itertools.product(*axes):
        d = dict(zip(UNIT_AXES, values))
        d["seed"] = int(d["seed"])
        d["num_anchors"] = int(d["num_anchors"])
        quantises = "bits" in inspect.signature(SCHEMES.get(specs[d["scheme"]].kind)).parameters
        # bits only mean something to a quantising scheme: analog units of a bits sweep are one unit
        d["bits"] = None if d["bits"] is None or not quantises else int(d["bits"])
        units.append(Unit(**d))
    return list(dict.fromkeys(units))
