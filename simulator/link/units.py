"""Sweep expansion: a scenario → work units.

A *unit* fixes everything but SNR and the semantic equaliser: one transmission
setup (seed, transmitter, receiver, channel, scheme, anchors, bits). All SNR points and all
equalisers of a unit run in one batched pass and are committed together.

A unit is names (small, hashable, what the store keys and seeds derive from); what the
names stand for is resolved once where the unit runs
(:func:`semcom.simulator.link.resolved.resolve_unit`). This module stays light (no torch): the
study-kind registry expands units without loading the engines.
"""

from __future__ import annotations

import inspect
import itertools
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from semcom.core.hashing import json_sha256

if TYPE_CHECKING:   # annotations only: the schema's checks call back into the simulator
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
    anchor_selection: str | None
    num_anchors: int | None
    bits: int | None
    #: Complex symbols per sample of an end-to-end (jscc) unit, which has no anchors; `None` otherwise.
    channel_uses: int | None = None

    @property
    def key(self) -> str:
        """Stable identifier of the unit (used by the results store and for seeding)."""
        fields = asdict(self)
        if fields["channel_uses"] is None:   # keys of anchor-based units stay what they were
            del fields["channel_uses"]
        return json_sha256(fields)[:20]

    def describe(self) -> str:
        if self.channel_uses is not None:
            return f"{self.transmitter} {self.channel} {self.scheme} n={self.channel_uses} seed={self.seed}"
        return (f"{self.transmitter}->{self.receiver} {self.channel} {self.scheme} K={self.num_anchors} "
                f"{self.anchor_selection} seed={self.seed}" + (f" b={self.bits}" if self.bits else ""))


def expand_units(sc: Scenario) -> list[Unit]:
    """All units of a scenario, in a deterministic order (the order of results.csv)."""
    from semcom.transceivers.schemes import SCHEMES  # lazy: the scheme registry loads torch; kinds expand units without it
    axes = [sc.axis(a) for a in UNIT_AXES]
    specs = sc.scheme_specs()
    units = []
    for values in itertools.product(*axes):
        d = dict(zip(UNIT_AXES, values))
        if specs[d["scheme"]].kind == "jscc":
            units += _jscc_units(d, SCHEMES.get("jscc")(device="cpu", **specs[d["scheme"]].model_dump(exclude={"kind"})))
            continue
        d["seed"] = int(d["seed"])
        d["num_anchors"] = int(d["num_anchors"])
        quantises = "bits" in inspect.signature(SCHEMES.get(specs[d["scheme"]].kind)).parameters
        # bits only mean something to a quantising scheme: analog units of a bits sweep are one unit
        d["bits"] = None if d["bits"] is None or not quantises else int(d["bits"])
        units.append(Unit(**d))
    return list(dict.fromkeys(units))


def _jscc_units(d: dict, scheme) -> list[Unit]:
    """An end-to-end JSCC model per ``num_channel_uses`` value: anchors, bits and the
    receiver axis do not apply (the decoder is trained with the encoder, so the unit's
    receiver is its transmitter); duplicates across those axes collapse."""
    return [Unit(seed=int(d["seed"]), transmitter=d["transmitter"], receiver=d["transmitter"],
                 channel=d["channel"], scheme=d["scheme"], anchor_selection=None, num_anchors=None,
                 bits=None, channel_uses=n) for n in scheme.num_channel_uses]
