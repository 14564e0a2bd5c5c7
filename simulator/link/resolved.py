"""A unit's resolved set-up: what its names stand for, looked up once from the scenario.

A :class:`~semcom.simulator.link.units.Unit` is names (what the store keys and seeds derive
from); its :class:`ResolvedUnit` (:func:`resolve_unit`, built once where the unit runs) holds
the channel, scheme and equaliser settings, the agents' settings, the data and the
study-wide settings a run needs, so an engine reads the unit's set-up and never looks a
name up in the scenario again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from semcom.transceivers.agents import LatentSpace
from semcom.transceivers.heads import HeadRegularization
from ..run.context import StudyData, model_space, study_data
from semcom.channels.specs import ChannelSpecBase, UserChannelSpec
from semcom.transceivers.schemes.specs import SchemeSpecBase, UserSchemeSpec
from .units import Unit

if TYPE_CHECKING:  # annotations only: the schema's checks call back into the simulator
    from .schema import Scenario

__all__ = ["ResolvedUnit", "resolve_unit"]


@dataclass(frozen=True, eq=False)  # identity semantics: it holds arrays and settings dicts
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
    :ivar snr_db: the SNR points [dB] the unit runs, in sweep order (the unit's own subset
        when it has one).
    :ivar passes: channel passes over the test set (new noise and fading each).
    """

    unit: Unit
    scenario: str
    data: StudyData
    tx_spec: dict[str, Any]
    rx_spec: dict[str, Any]
    channel: ChannelSpecBase | UserChannelSpec
    scheme: SchemeSpecBase | UserSchemeSpec
    equalizers: dict[str, Optional[dict]]
    snr_db: list[float]
    precision: str
    device: str
    center: bool
    head_regularization: HeadRegularization
    chunk_size: int
    top_k: Optional[int]
    retrieval: bool
    passes: int = 1

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
        unit=unit,
        scenario=sc.name,
        data=study_data(sc),
        tx_spec=sc.models[unit.transmitter].model_dump(exclude_none=True),
        rx_spec=sc.models[unit.receiver].model_dump(exclude_none=True),
        channel=sc.channels[unit.channel],
        scheme=sc.scheme_specs()[unit.scheme],
        equalizers={name: sc.semantic_equalizers.get(name) for name in sc.axis("semantic_equalizer")},
        snr_db=list(unit.snr_db) if unit.snr_db is not None else list(sc.axis("snr_db")),
        precision=sc.precision,
        device=sc.device,
        center=sc.center,
        head_regularization=sc.heads.regularization(),
        chunk_size=sc.chunk_size,
        top_k=sc.compression.top_k,
        retrieval=sc.retrieval,
        passes=sc.passes,
    )
