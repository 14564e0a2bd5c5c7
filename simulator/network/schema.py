"""The network scenario schema (``kind: network``): agents, medium, traffic, sweep axes.

A network study reuses the link-level building blocks of a scenario (``data``,
``models``, ``channels``, ``scheme``, ``semantic_equalizers``: same keys, same
meaning) and adds a ``network`` section (agents, medium, path loss) and its own
sweep axes (``arrival_rate``, ``scheduler``, ...). Errors are one line naming the
field, the value and the fix, as for link studies.

Example::

    from semcom.simulator.network.schema import load_network_scenario
    sc = load_network_scenario("scenarios/network_edge.yaml")
    print(sc.axis("arrival_rate"), sc.axis("num_anchors"))
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from ..scenario.errors import validate_mapping
from ..scenario.names import enum_schema, name_enum
from ..scenario.reading import read_scenario_yaml
from ..scenario.specs import (
    NAMED_RECEIVER,
    CommonSweepAxes,
    FloatAxis,
    LogDistancePathLoss,
    NameAxis,
    StudyBase,
    axis_validator,
)
from semcom.core.settings import Strict, setting_error
from .medium import SCHEDULERS

__all__ = [
    "NetworkScenario",
    "NetworkSpec",
    "TransmitterSpec",
    "ReceiverSpec",
    "PathLossSpec",
    "DistanceRange",
    "NetworkSweepSpec",
    "parse_network_scenario",
    "load_network_scenario",
    "NETWORK_SWEEP_AXES",
]

#: Sweep axes of a network study; every combination is one SimPy run (one unit).
NETWORK_SWEEP_AXES = (
    "seed",
    "scheduler",
    "channel",
    "semantic_equalizer",
    "anchor_selection",
    "num_anchors",
    "bits",
    "arrival_rate",
)


class DistanceRange(Strict):
    """Distances drawn uniformly in ``[min, max]`` metres, one per agent (seeded)."""

    min: float = Field(..., gt=0)
    max: float = Field(..., gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.max < self.min:
            raise setting_error(f"max {self.max:g} < min {self.min:g}", "make max >= min")
        return self


class TransmitterSpec(Strict):
    """A group of ``count`` identical transmitters (named ``<group>_<i>`` when ``count > 1``)."""

    model: str = Field(..., description="name from `models`")
    count: int = Field(1, ge=1, le=10_000)
    receiver: Union[list[str], str, None] = Field(
        None, description="destination receiver(s); each message picks one uniformly. Default: all receivers"
    )
    distance_m: Union[DistanceRange, float] = Field(
        20.0, description="distance to every receiver [m], or {min, max} drawn per transmitter"
    )
    traffic: Literal["poisson", "periodic"] = "poisson"
    rate_scale: float = Field(
        1.0, gt=0, description="this group's arrival rate = rate_scale x sweep.arrival_rate"
    )
    offset_s: Optional[float] = Field(
        None,
        ge=0,
        description="periodic traffic: time of the first message; default: uniform in [0, period), seeded",
    )

    @field_validator("distance_m", mode="before")
    @classmethod
    def _distance(cls, v):
        if isinstance(v, dict):
            return v
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise setting_error(
                f"{v!r} is not a positive distance", "use metres, e.g. 20 or {min: 10, max: 50}"
            )
        return v

    def destinations(self, receivers: list[str]) -> list[str]:
        if self.receiver is None:
            return list(receivers)
        return [self.receiver] if isinstance(self.receiver, str) else list(self.receiver)


class ReceiverSpec(Strict):
    """A receiver agent (e.g. an edge server) holding its own model."""

    model: str = Field(..., description="name from `models`")


class PathLossSpec(LogDistancePathLoss):
    """Average SNR of a link: ``reference_snr_db - 10 exponent log10(d / reference_distance_m) + X``,
    ``X ~ N(0, shadowing_db^2)`` drawn once per link (log-normal shadowing)."""

    shadowing_db: float = Field(0.0, ge=0, le=30)


class NetworkSpec(Strict):
    """Agents, shared medium and simulated time."""

    transmitters: dict[str, TransmitterSpec] = Field(..., min_length=1)
    receivers: dict[str, ReceiverSpec] = Field(..., min_length=1)
    slot_duration_s: float = Field(1e-3, gt=0, description="T_slot [s]")
    resource_blocks: int = Field(16, ge=1, le=100_000, description="R: resource blocks per slot")
    channel_uses_per_rb: int = Field(12, ge=1, le=1_000_000, description="C: complex channel uses per RB")
    duration_s: float = Field(1.0, gt=0, description="arrivals stop after this time; queues then drain")
    warmup_s: float = Field(0.0, ge=0, description="messages arriving before this time are not measured")
    queue_limit: int = Field(64, ge=1, description="messages a transmitter buffers; more are dropped")
    deadline_s: Optional[float] = Field(None, gt=0, description="a message still queued this long is dropped")
    path_loss: PathLossSpec = Field(default_factory=PathLossSpec)
    anchor_agent: Optional[str] = Field(
        None,
        description="model whose latents choose the anchors shared by "
        "every agent (default: the first receiver's)",
    )
    pf_time_constant_slots: float = Field(100.0, ge=1, description="proportional_fair: averaging window")
    aloha_access_probability: float = Field(
        1.0, gt=0, le=1, description="slotted_aloha: chance a backlogged transmitter tries in a slot"
    )
    aloha_max_attempts: int = Field(
        1,
        ge=1,
        description="slotted_aloha: tries before a collided message is "
        "dropped (1: a collision loses both messages)",
    )
    record_events: bool = Field(False, description="keep the full event log (tests, debugging)")

    @model_validator(mode="after")
    def _times(self):
        if self.warmup_s >= self.duration_s:
            raise setting_error(
                f"warmup_s {self.warmup_s:g} >= duration_s {self.duration_s:g}",
                "make the warm-up shorter than the simulated duration",
            )
        if self.duration_s / self.slot_duration_s > 5_000_000:
            raise setting_error(
                f"{self.duration_s / self.slot_duration_s:.0f} slots (> 5e6)",
                "shorten duration_s or lengthen slot_duration_s",
            )
        return self


class NetworkSweepSpec(CommonSweepAxes):
    """Sweep axes of a network study (a list, a scalar, or a ``{start, stop, step}`` range)."""

    arrival_rate: FloatAxis = Field(..., description="messages per second per transmitter (offered load)")
    scheduler: NameAxis = Field(
        "round_robin",
        description="round_robin, proportional_fair, slotted_aloha",
        json_schema_extra=enum_schema(SCHEDULERS),
    )
    semantic_equalizer: NameAxis = Field(
        "relative", json_schema_extra=name_enum("semantic equalizer", NAMED_RECEIVER)
    )
    channel: NameAxis = Field(..., description="name(s) from `channels`")

    _float_axis = axis_validator("arrival_rate", kind="float")
    _network_name_axis = axis_validator("scheduler", "channel", kind="name")


class NetworkScenario(StudyBase):
    """A network-level study: many agents sharing one wireless medium (SimPy)."""

    kind: Literal["network"]
    network: NetworkSpec
    sweep: NetworkSweepSpec


def parse_network_scenario(raw: Any, source: str = "scenario") -> NetworkScenario:
    """Validate a mapping (parsed YAML) into a :class:`NetworkScenario`."""
    return validate_mapping(NetworkScenario, raw, source, "start from scenarios/network_edge.yaml")


def load_network_scenario(path: str | Path) -> NetworkScenario:
    """Read and structurally validate a network scenario file."""
    path = Path(path)
    return parse_network_scenario(read_scenario_yaml(path), str(path))
