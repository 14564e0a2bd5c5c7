"""The system scenario schema (``kind: system``): a multicell network on Sionna's system-level
blocks whose decisions are drawn from semantic PHY abstraction tables.

A system study reuses the link-level pieces of a scenario (``data``, ``models``,
``semantic_equalizers``) and adds ``abstraction`` (the tables: part of the study, built by
:func:`~semcom.simulator.abstraction.build.build_table_set` and cached, or loaded from a folder
with ``tables:``), ``system`` (geometry, agents, radio, link adaptation, scheduling) and its
sweep (``seed``, ``drop``, ``link_adaptation``, ``scheduler``, ``arrival_rate``).

Example::

    from semcom.simulator.kinds import load_study
    sc = load_study("scenarios/system_multicell.yaml")
    print(sc.axis("link_adaptation"), sc.system.topology.num_rings)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal, Optional, Union

from pydantic import Field, field_validator, model_validator

from ..abstraction.spec import AbstractionSpec, parse_abstraction_spec
from ..scenario.names import enum_schema
from ..scenario.reading import register_path_keys
from ..scenario.specs import (FloatAxis, IntAxis, LogDistancePathLoss, NameAxis, StudyBase, axis_validator,
                              finite_validator)
from semcom.core.settings import Strict as _Strict, bounds_validator, setting_error as _axis_error
from .payload import mcs_table_problem
from .schema_radio import PLACEMENTS, FadingSpec, GridSpec, PowerControlSpec, TrafficSpec

__all__ = ["SystemScenario", "SystemSpec", "TopologySpec", "GroupSpec", "ServerSpec", "PowerControlSpec",
           "LinkAdaptationSpec", "ConventionalSpec", "ConfigChoice", "SystemSweepSpec", "SYSTEM_SWEEP_AXES",
           "LA_POLICIES", "SYSTEM_SCHEDULERS", "GridSpec", "TrafficSpec", "FadingSpec", "PLACEMENTS"]

#: Sweep axes of a system study; every combination is one unit.
SYSTEM_SWEEP_AXES = ("seed", "drop", "placement", "scheduler", "link_adaptation", "arrival_rate")
#: Link-adaptation policies (``fixed`` expands to one unit per configured (K, scheme, bits)):
#: ``max_correct`` (the load-aware knapsack), ``max_per_re`` (most expected correct decisions per
#: resource element, message by message), ``target`` (fewest REs meeting an accuracy), ``*_olla`` with the
#: outer loop on delayed task feedback; ``conventional_5g`` (the 5G NR bit pipe, ``system.conventional``)
#: expands to one unit per digital configuration it carries.
LA_POLICIES = ("max_correct", "max_correct_olla", "max_per_re", "target", "target_olla", "fixed",
               "conventional_5g")
#: Schedulers: Sionna's PF on Shannon rate, PF on expected correct decisions per RB, round robin.
SYSTEM_SCHEDULERS = ("pf_rate", "pf_semantic", "round_robin")


class TopologySpec(LogDistancePathLoss):
    """Where base stations and agents are: Sionna's 38.901 hexagonal grid (3 sectors per site),
    or one site whose agents sit at given distances (``single_site``, with the network kind's
    path loss: :class:`~semcom.simulator.scenario.specs.LogDistancePathLoss`)."""

    kind: Literal["hexgrid", "single_site"] = Field("hexgrid", description="hexgrid (Sionna's 38.901 grid, 3 sectors "
                                                    "per site) or single_site (agents at given distances)")
    scenario: Literal["umi", "uma"] = Field("umi", description="38.901 scenario of the path loss and shadowing")
    num_rings: int = Field(1, ge=1, le=4, description="rings of sites around the centre (1: 7 sites, 21 sectors)")
    isd_m: Optional[float] = Field(None, gt=0, description="inter-site distance [m] (default: 38.901's)")
    carrier_frequency_hz: float = Field(3.5e9, gt=0, description="carrier frequency [Hz] (path loss, Doppler)")
    indoor_probability: Optional[float] = Field(None, ge=0, le=1, description="default: 38.901's (0.8)")
    min_bs_ut_dist_m: Optional[float] = Field(None, gt=0, description="default: 38.901's")
    shadowing: bool = Field(True, description="log-normal shadow fading (38.901 std per LoS/NLoS state)")
    association: Literal["min_coupling_loss", "dropped"] = Field(
        "min_coupling_loss", description="serving sector: least coupling loss (38.901 calibration), or where dropped")

    _finite = finite_validator("carrier_frequency_hz", example="use a finite value")


class GroupSpec(_Strict):
    """A group of agents with one model, dropped in every sector (``per_sector`` of them)."""

    model: str = Field(..., description="name from `models`")
    per_sector: int = Field(1, ge=1, le=5000, description="agents of this group dropped in every sector")
    rate_scale: float = Field(1.0, gt=0, description="arrival rate = rate_scale x sweep.arrival_rate")
    speed_kmh: float = Field(3.0, description="agents' speed [km/h] (Doppler of their fading)")
    frame_rate_hz: float = Field(30.0, gt=0, description="traffic model frames: frames per second")
    distance_m: Optional[list[float]] = Field(None, description="single_site: distances of the agents [m] "
                                              "(one per agent; per_sector is then its length)")

    @field_validator("speed_kmh")
    @classmethod
    def _speed(cls, v):
        if not (math.isfinite(v) and v >= 0):
            raise _axis_error(f"speed {v!r} km/h is negative or not finite", "use a speed >= 0, e.g. 3 (pedestrian)")
        return v

    @model_validator(mode="after")
    def _distances(self):
        if self.distance_m is not None:
            if not self.distance_m:
                raise _axis_error("distance_m is an empty list", "give one distance per agent")
            self.per_sector = len(self.distance_m)
        return self


class ServerSpec(_Strict):
    """The edge server at every base station (its own receiver model)."""

    model: str = Field(..., description="name from `models`")


class ConfigChoice(_Strict):
    """One link configuration link adaptation may choose (a table of the abstraction)."""

    num_anchors: int = Field(..., ge=1, description="K of the configuration (one of abstraction.num_anchors)")
    scheme: str = Field("analog", description="a scheme of abstraction.schemes")
    bits: Optional[int] = Field(None, ge=1, le=16, description="quantisation bits of a digital scheme (null: analog)")

    def label(self) -> str:
        return f"K{self.num_anchors}-{self.scheme}" + (f"-b{self.bits}" if self.bits is not None else "")


class LinkAdaptationSpec(_Strict):
    """Semantic link adaptation (inner loop on the SINR estimate, outer loop on delayed task feedback)."""

    configs: Optional[list[ConfigChoice]] = Field(
        None, description="the (K, scheme, bits) set to choose from (default: every table of each link)")
    target_accuracy: float = Field(0.85, gt=0, lt=1, description="target policies: the accuracy to meet")
    olla_step_db: float = Field(0.5, gt=0, le=10, description="outer loop: an agent's offset change per unit "
                                "of its mean (observed - predicted) correctness in a slot with feedback [dB]")
    olla_config_step_db: float = Field(0.2, ge=0, le=10, description="outer loop: step of a group's SINR shift "
                                       "per configuration [dB per slot with feedback, per unit of mean error]")
    olla_bias_step: float = Field(0.01, ge=0, le=1, description="outer loop: step of a group's accuracy bias per "
                                  "configuration [per slot with feedback, per unit of mean error]")
    olla_offset_db: tuple[float, float] = Field((-20.0, 10.0), description="outer loop: offset bounds [dB]")
    _bounds = bounds_validator("olla_offset_db", example="use e.g. [-20, 10]")
    feedback_delay_slots: int = Field(8, ge=1, description="slots until a decision's task feedback arrives")
    feedback_fraction: float = Field(1.0, gt=0, le=1, description="share of decisions whose feedback arrives")
    price_backlog_share: float = Field(0.3, gt=0, le=1, description="max_correct: the sector's price per RE "
                                       "rises while its backlog exceeds what it sends in this share of the deadline")
    price_floor: float = Field(1e-4, gt=0, lt=1, description="max_correct: the price per RE when the sector has "
                               "room (expected correct decisions; the interference an RE causes next door)")
    price_gain: float = Field(0.1, gt=0, le=2, description="max_correct: log-step of the price per slot")
    interference_price: float = Field(0.0, ge=0, le=1, description="max_correct: price per RE per unit of the "
                                      "other sectors' busy share (the damage an RE does where it collides)")


class ConventionalSpec(_Strict):
    """The conventional 5G NR bit pipe (policy ``conventional_5g``): the digital payload in NR
    transport blocks, MCS by Sionna's inner and outer loop at a BLER target, HARQ
    (:mod:`semcom.simulator.system.conventional`)."""

    mcs_table: Optional[str] = Field(None, examples=["PUSCH_table1"], description="Sionna's MCS/BLER table: "
                                     "PUSCH_table1 or PUSCH_table2 (uplink), PDSCH_table1 or PDSCH_table2 "
                                     "(downlink); default: table 1 of the study's direction")
    bler_target: float = Field(0.1, gt=0, lt=1, examples=[0.1], description="first-transmission TB error "
                               "rate the outer loop holds, in (0, 1)")
    harq_max_retransmissions: int = Field(3, ge=0, le=31, examples=[3], description="retransmissions after "
                                          "the first (0: none); a TB NACKed after the last is lost")
    combining: Literal["chase", "none"] = Field("chase", description="chase: per-RE SINRs of the copies add "
                                                "(linear); none: each copy decoded alone")
    harq_rtt_slots: int = Field(4, ge=1, le=64, examples=[4], description="slots from a transmission to its "
                                "earliest retransmission")
    olla_delta_up_db: float = Field(1.0, gt=0, le=10, examples=[1.0], description="outer-loop offset step "
                                    "on a NACK [dB]; on an ACK it steps back by delta_up x t / (1 - t)")
    olla_offset_db: tuple[float, float] = Field((-20.0, 20.0), description="outer-loop offset bounds [dB]")
    olla_initial_offset_db: float = Field(0.0, examples=[0.0], description="every agent's offset before its "
                                          "first HARQ feedback [dB], within the bounds (chosen by validation)")
    header_bits: int = Field(40, ge=0, le=1024, examples=[40], description="protocol headers per message "
                             "(PDCP 2 + RLC 1 + MAC subheader 2 bytes)")

    _finite = finite_validator("bler_target", "olla_delta_up_db", "olla_initial_offset_db",
                               example="use a finite value")

    @field_validator("mcs_table")
    @classmethod
    def _known_table(cls, v):
        problem = None if v is None else mcs_table_problem(v)
        if problem is not None:
            raise _axis_error(*problem)
        return v

    _bounds = bounds_validator("olla_offset_db", example="use e.g. [-20, 10]")

    @model_validator(mode="after")
    def _start_within_bounds(self):
        lo, hi = self.olla_offset_db
        if not lo <= self.olla_initial_offset_db <= hi:
            raise _axis_error(f"olla_initial_offset_db {self.olla_initial_offset_db:g} lies outside the offset "
                              f"bounds ({lo:g}, {hi:g})", "use a value between olla_offset_db's bounds")
        return self

    def table_for(self, direction: str) -> str:
        """The MCS table of a study in ``direction`` (uplink: PUSCH, downlink: PDSCH)."""
        return self.mcs_table or ("PUSCH_table1" if direction == "uplink" else "PDSCH_table1")


class SystemSpec(_Strict):
    """Geometry, agents, radio, time and control of a system study."""

    topology: TopologySpec = Field(default_factory=TopologySpec)
    groups: dict[str, GroupSpec] = Field(..., min_length=1, description="groups of agents by name")
    server: ServerSpec
    direction: Literal["uplink", "downlink"] = Field("uplink", description="uplink (agents to base stations) or "
                                                     "downlink")
    grid: GridSpec = Field(default_factory=lambda: GridSpec(num_prbs=24))
    traffic: TrafficSpec = Field(default_factory=TrafficSpec)
    duration_s: float = Field(1.0, gt=0, description="simulated time; arrivals stop then and queues drain")
    warmup_s: float = Field(0.05, ge=0, description="messages arriving earlier are not measured")
    drain_s: float = Field(0.1, ge=0, description="time after duration_s for queues to empty (the deadline "
                           "drops what is left)")
    noise_figure_db: float = Field(7.0, ge=0, le=30, description="receiver noise figure [dB]")
    power_control: PowerControlSpec = Field(default_factory=PowerControlSpec)
    fading: FadingSpec = Field(default_factory=FadingSpec)
    placement: Literal[PLACEMENTS] = Field("random", description="which PRBs a sector's allocations occupy: "
                                           "random (a random block per slot), reuse (each sector of a site "
                                           "starts in its own third), frequency_selective (each agent its best PRBs)")
    interference: bool = Field(True, description="inter-cell interference (false: every cell alone)")
    interference_ewma: float = Field(0.1, gt=0, le=1, description="weight of the newest slot in the base "
                                     "station's interference estimate")
    pf_beta: float = Field(0.98, gt=0, lt=1, description="PF discount factor (Sionna's beta)")
    link_adaptation: LinkAdaptationSpec = Field(default_factory=LinkAdaptationSpec)
    conventional: ConventionalSpec = Field(default_factory=ConventionalSpec)

    @field_validator("fading", mode="before")
    @classmethod
    def _fading_name(cls, v):
        if isinstance(v, str):                      # fading: tdl  ==  fading: {model: tdl}
            if v in ("rayleigh", "rayleigh_flat"):
                raise _axis_error(f"{v!r} is gone: it drew Rayleigh fading independently per (RB, slot) by hand",
                                  "use tdl (Sionna's TDL profiles, correlated) or rayleigh_iid (what it was)")
            return {"model": v}
        return v

    @model_validator(mode="after")
    def _times(self):
        if self.warmup_s >= self.duration_s:
            raise _axis_error(f"warmup_s {self.warmup_s:g} >= duration_s {self.duration_s:g}",
                              "make the warm-up shorter than the simulated duration")
        slot = self.grid.slot_s()
        if (self.duration_s + self.drain_s) / slot > 200_000:
            raise _axis_error(f"{(self.duration_s + self.drain_s) / slot:.0f} slots (> 200000)",
                              "shorten duration_s or use a larger subcarrier spacing")
        if self.traffic.deadline_s < slot:
            raise _axis_error(f"traffic.deadline_s {self.traffic.deadline_s:g} is shorter than one slot "
                              f"({slot * 1e3:g} ms)", f"use a deadline of at least {slot:g} s")
        return self


class SystemSweepSpec(_Strict):
    """Sweep axes of a system study (a list, a scalar, or a ``{start, stop, step}`` range)."""

    arrival_rate: FloatAxis = Field(..., description="messages per second per agent (offered load)")
    link_adaptation: NameAxis = Field(["max_correct_olla", "fixed"], description=", ".join(LA_POLICIES),
                                      json_schema_extra=enum_schema(
                                          LA_POLICIES, "a policy held to one configuration of the tables, "
                                          "policy:label, e.g. conventional_5g:K8-qpsk-b4"))
    placement: Union[NameAxis, None] = Field(None, description="default: system.placement; "
                                             + ", ".join(PLACEMENTS), json_schema_extra=enum_schema(PLACEMENTS))
    scheduler: NameAxis = Field("pf_semantic", description=", ".join(SYSTEM_SCHEDULERS),
                                json_schema_extra=enum_schema(SYSTEM_SCHEDULERS))
    drop: IntAxis = Field(0, description="topology drop index(es)")
    seed: Union[IntAxis, None] = Field(None, description="seed(s); default: the scenario's `seed`")

    _float_axis = axis_validator("arrival_rate", kind="float")
    _name_axis = axis_validator("link_adaptation", "scheduler", kind="name")
    _placement_axis = axis_validator("placement", kind="name", optional=True)
    _int_axis = axis_validator("drop", "seed", kind="int", optional=True)


#: A system study's files: its saved tables, and those of the agents its tables are built from.
register_path_keys("tables", "abstraction.data.path", "abstraction.models.*.path")


class SystemScenario(StudyBase):
    """A system-level study: a multicell network whose decisions come from abstraction tables."""

    kind: Literal["system"]
    abstraction: Optional[dict[str, Any]] = Field(
        None, description="the tables to build (an AbstractionSpec: transmitter, receiver, num_anchors, schemes, "
        "bits, sinr_db, calibration, validation; cached); or give `tables:`")
    tables: Optional[str] = Field(None, description="folder of a saved table set (instead of `abstraction`)")
    system: SystemSpec
    sweep: SystemSweepSpec

    INTEGER_AXES: ClassVar[tuple[str, ...]] = ("drop", "seed")
    #: The mapping kept as written and validated later, with the model that validates it (the JSON Schema's).
    SECTION_SCHEMAS: ClassVar[dict[str, type]] = {"abstraction": AbstractionSpec}

    @model_validator(mode="after")
    def _one_source(self):
        if (self.abstraction is None) == (self.tables is None):
            raise _axis_error("needs exactly one of `abstraction` (tables to build) and `tables` (a folder)",
                              "give `abstraction:` with the link configurations, or `tables: DIR`")
        return self

    def abstraction_spec(self):
        """The ``abstraction`` section as an :class:`~semcom.simulator.abstraction.spec.AbstractionSpec`
        (validated on first use; one line per problem)."""
        if self.abstraction is None:
            return None
        return parse_abstraction_spec(self.abstraction)

