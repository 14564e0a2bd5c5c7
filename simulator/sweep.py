"""Sweep expansion: a scenario → work units, and a unit → its resolved set-up.

A *unit* fixes everything but SNR and the semantic equaliser: one transmission
setup (seed, transmitter, receiver, channel, scheme, anchors, bits). All SNR points and all
equalisers of a unit run in one batched pass and are committed together.

A unit is names (small, hashable, what the store keys and seeds derive from); its
:class:`ResolvedUnit` (:func:`resolve_unit`, built once where the unit runs) holds what
the names stand for (channel, scheme and receiver settings, agents' settings, the data)
and the study-wide settings a run needs, so an engine reads the unit's set-up and
never looks a name up in the scenario again.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Optional

from semcom.transceivers.agents import LatentSpace
from semcom.transceivers.heads import HeadRegularization
from semcom.transceivers.schemes import SCHEMES
from .context import StudyData, model_space, study_data
from .scenario.specs import ChannelSpec, SchemeSpec

if TYPE_CHECKING:   # annotations only: the schema's checks call back into the simulator
    from .schema import Scenario

__all__ = ["Unit", "expand_units", "UNIT_AXES", "ResolvedUnit", "resolve_unit"]

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
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]

    def describe(self) -> str:
        if self.channel_uses is not None:
            return f"{self.transmitter} {self.channel} {self.scheme} n={self.channel_uses} seed={self.seed}"
        return (f"{self.transmitter}->{self.receiver} {self.channel} {self.scheme} K={self.num_anchors} "
                f"{self.anchor_selection} seed={self.seed}" + (f" b={self.bits}" if self.bits else ""))


def expand_units(sc: Scenario) -> list[Unit]:
    """All units of a scenario, in a deterministic order (the order of results.csv)."""
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


@dataclass(frozen=True, eq=False)   # identity semantics: it holds arrays and settings dicts
class ResolvedUnit:
    """A unit with what its names stand for, resolved once from the scenario.

    :ivar unit: the :class:`Unit` (its key and seed are the unit's identity).
    :ivar scenario: the study's name (the ``scenario`` column).
    :ivar data: the study's samples and splits.
    :ivar tx_spec, rx_spec: the transmitter's and the receiver's settings (``models``
        entries, unset ones left out).
    :ivar channel: the unit's channel settings; :ivar scheme: its scheme's settings
        (the unit's ``bits`` is applied by :meth:`scheme_settings`).
    :ivar equalizers: semantic equaliser name → its scenario settings (or `None`), in
        sweep order.
    :ivar snr_db: the SNR points [dB], in sweep order.
    """

    unit: Unit
    scenario: str
    data: StudyData
    tx_spec: dict[str, Any]
    rx_spec: dict[str, Any]
    channel: ChannelSpec
    scheme: SchemeSpec
    equalizers: dict[str, Optional[dict]]
    snr_db: list[float]
    precision: str
    device: str
    center: bool
    head_regularization: HeadRegularization
    chunk_size: int
    top_k: Optional[int]
    retrieval: bool

    @property
    def tx(self) -> LatentSpace:
        """The transmitter's latent space over the data (memoised per process)."""
        return model_space(self.unit.transmitter, self.tx_spec, self.data)

    @property
    def rx(self) -> LatentSpace:
        """The receiver's latent space over the data (memoised per process)."""
        return model_space(self.unit.receiver, self.rx_spec, self.data)

    def scheme_settings(self) -> dict[str, Any]:
        """The scheme's settings (``kind`` left out), the unit's ``bits`` applied."""
        settings = self.scheme.model_dump(exclude={"kind"})
        if self.unit.bits is not None:
            settings["bits"] = self.unit.bits
        return settings

    def channel_settings(self) -> dict[str, Any]:
        """The channel's settings (``model`` left out): the keyword arguments of its block."""
        return self.channel.model_dump(exclude={"model"})


def resolve_unit(sc: Scenario, unit: Unit) -> ResolvedUnit:
    """``unit``'s set-up in link study ``sc``: every name the unit holds looked up once."""
    return ResolvedUnit(
        unit=unit, scenario=sc.name, data=study_data(sc),
        tx_spec=sc.models[unit.transmitter].model_dump(exclude_none=True),
        rx_spec=sc.models[unit.receiver].model_dump(exclude_none=True),
        channel=sc.channels[unit.channel], scheme=sc.scheme_specs()[unit.scheme],
        equalizers={name: sc.semantic_equalizers.get(name) for name in sc.axis("semantic_equalizer")},
        snr_db=list(sc.axis("snr_db")), precision=sc.precision, device=sc.device, center=sc.center,
        head_regularization=sc.heads.regularization(), chunk_size=sc.chunk_size, top_k=sc.compression.top_k,
        retrieval=sc.retrieval)
