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

import itertools
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from semcom.core.hashing import json_sha256

if TYPE_CHECKING:  # annotations only: the schema's checks call back into the simulator
    from .schema import Scenario

__all__ = ["Unit", "expand_units", "replicate_seeds", "UNIT_AXES"]

UNIT_AXES = (
    "seed",
    "transmitter",
    "receiver",
    "channel",
    "scheme",
    "anchor_selection",
    "num_anchors",
    "bits",
)


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
    #: The SNR points [dB] the unit runs when it runs only some of the study's (a replicate
    #: added to the points that still need one); `None`: every SNR point of the study.
    snr_db: tuple[float, ...] | None = None

    @property
    def key(self) -> str:
        """Stable identifier of the unit (used by the results store and for seeding)."""
        fields = asdict(self)
        for name in ("channel_uses", "snr_db"):  # keys of units without them stay what they were
            if fields[name] is None:
                del fields[name]
        return json_sha256(fields)[:20]

    @property
    def setup(self) -> Unit:
        """The unit's set-up: the same unit with the replicate (seed and SNR subset) left out."""
        return replace(self, seed=0, snr_db=None)

    def describe(self) -> str:
        at = "" if self.snr_db is None else " at " + ",".join(f"{s:g}" for s in self.snr_db) + " dB"
        if self.channel_uses is not None:
            return (
                f"{self.transmitter} {self.channel} {self.scheme} n={self.channel_uses} seed={self.seed}{at}"
            )
        return (
            f"{self.transmitter}->{self.receiver} {self.channel} {self.scheme} K={self.num_anchors} "
            f"{self.anchor_selection} seed={self.seed}" + (f" b={self.bits}" if self.bits else "") + at
        )


def replicate_seeds(listed: list[int], count: int) -> list[int]:
    """The seeds of ``count`` replicates: the ``listed`` seeds, then the integers after the largest.

    >>> replicate_seeds([1], 3), replicate_seeds([4, 2], 3), replicate_seeds([1, 2, 3], 2)
    ([1, 2, 3], [4, 2, 5], [1, 2, 3])
    """
    seeds = [int(s) for s in listed]
    while len(seeds) < count:
        seeds.append(max(seeds) + 1)
    return seeds


def expand_units(sc: Scenario) -> list[Unit]:
    """All units of a scenario, in a deterministic order (the order of results.csv)."""
    # lazy: the scheme registry loads torch; kinds expand units without it
    from semcom.transceivers.schemes import SCHEMES

    axes = [sc.axis(a) for a in UNIT_AXES]
    specs = sc.scheme_specs()
    units = []
    for values in itertools.product(*axes):
        d = dict(zip(UNIT_AXES, values))
        if specs[d["scheme"]].kind == "jscc":
            jscc = SCHEMES.get("jscc")(device="cpu", **specs[d["scheme"]].model_dump(exclude={"kind"}))
            units += _jscc_units(d, jscc)
            continue
        d["seed"] = int(d["seed"])
        d["num_anchors"] = int(d["num_anchors"])
        quantises = (
            "bits" in SCHEMES.get(specs[d["scheme"]].kind).settings()
        )  # a user's scheme: its own keywords
        # bits only mean something to a quantising scheme: analog units of a bits sweep are one unit
        d["bits"] = None if d["bits"] is None or not quantises else int(d["bits"])
        units.append(Unit(**d))
    return list(dict.fromkeys(units))


def _jscc_units(d: dict, scheme) -> list[Unit]:
    """An end-to-end JSCC model per ``num_channel_uses`` value: anchors, bits and the
    receiver axis do not apply (the decoder is trained with the encoder, so the unit's
    receiver is its transmitter); duplicates across those axes collapse."""
    return [
        Unit(
            seed=int(d["seed"]),
            transmitter=d["transmitter"],
            receiver=d["transmitter"],
            channel=d["channel"],
            scheme=d["scheme"],
            anchor_selection=None,
            num_anchors=None,
            bits=None,
            channel_uses=n,
        )
        for n in scheme.num_channel_uses
    ]
