"""The radio part of a system scenario: the NR resource grid, traffic, fading, power control
and frequency placement (parsing and one-line checks only; :mod:`.schema` assembles the study).

Example::

    from semcom.simulator.system.schema_radio import GridSpec
    g = GridSpec(subcarrier_spacing_hz=30e3, num_prbs=24)
    print(g.prbs(), g.slot_s(), g.data_re_per_prb())       # 24 0.0005 144
"""

from __future__ import annotations

import math
from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator

from semcom.core.settings import Strict as _Strict, setting_error as _axis_error

__all__ = [
    "GridSpec",
    "TrafficSpec",
    "FadingSpec",
    "PowerControlSpec",
    "PLACEMENTS",
    "NR_SUBCARRIER_SPACINGS",
]

#: NR numerologies (TS 38.211 §4.2): subcarrier spacing 15 kHz x 2^mu.
NR_SUBCARRIER_SPACINGS = (15e3, 30e3, 60e3, 120e3)
#: Frequency placement of the PRBs a sector allocates in a slot.
PLACEMENTS = ("random", "reuse", "frequency_selective")


class GridSpec(_Strict):
    """The NR uplink/downlink resource grid of the studied band (a slice of the carrier).

    A PRB is 12 subcarriers; a slot is 14 OFDM symbols of ``1 ms / 2^mu``; ``dmrs_symbols``
    of them carry the demodulation reference signal on every subcarrier (no data), so a PRB
    carries ``12 x (14 - dmrs_symbols)`` data resource elements per slot."""

    subcarrier_spacing_hz: float = Field(30e3, description="15, 30, 60 or 120 kHz (NR numerology mu = 0..3)")
    num_prbs: Optional[int] = Field(None, ge=1, le=275, description="PRBs of the band (or give bandwidth_hz)")
    bandwidth_hz: Optional[float] = Field(
        None,
        gt=0,
        description="occupied bandwidth = num_prbs x 12 x "
        "subcarrier spacing (must be a whole number of PRBs)",
    )
    dmrs_symbols: int = Field(2, ge=1, le=4, description="DMRS symbols per slot (no data on them)")

    @field_validator("subcarrier_spacing_hz")
    @classmethod
    def _numerology(cls, v):
        if not any(math.isclose(v, s) for s in NR_SUBCARRIER_SPACINGS):
            raise _axis_error(f"{v:g} Hz is not an NR subcarrier spacing", "use 15e3, 30e3, 60e3 or 120e3")
        return v

    @model_validator(mode="after")
    def _prbs(self):
        prb_hz = 12 * self.subcarrier_spacing_hz
        if self.num_prbs is None and self.bandwidth_hz is None:
            raise _axis_error("needs num_prbs or bandwidth_hz", "give e.g. num_prbs: 24")
        if self.bandwidth_hz is not None:
            n = self.bandwidth_hz / prb_hz
            if abs(n - round(n)) > 1e-6 or round(n) < 1:
                lo, hi = max(1, math.floor(n)), math.ceil(n)
                raise _axis_error(
                    f"bandwidth_hz {self.bandwidth_hz:g} is {n:.3f} PRBs of {prb_hz / 1e3:g} kHz, "
                    "not a whole number",
                    f"use {lo * prb_hz:g} ({lo} PRBs) or {hi * prb_hz:g} ({hi} PRBs), or give num_prbs",
                )
            if self.num_prbs is not None and self.num_prbs != round(n):
                raise _axis_error(
                    f"num_prbs {self.num_prbs} disagrees with bandwidth_hz {self.bandwidth_hz:g} "
                    f"({round(n)} PRBs)",
                    "give only one of them",
                )
        return self

    def prbs(self) -> int:
        return int(
            self.num_prbs
            if self.num_prbs is not None
            else round(self.bandwidth_hz / (12 * self.subcarrier_spacing_hz))
        )

    def slot_s(self) -> float:
        return 1e-3 * 15e3 / self.subcarrier_spacing_hz

    def prb_hz(self) -> float:
        return 12 * self.subcarrier_spacing_hz

    def data_re_per_prb(self) -> int:
        return 12 * (14 - self.dmrs_symbols)


class TrafficSpec(_Strict):
    """How decisions arrive and how long they may wait.

    ``frames``: every agent captures frames periodically (its group's ``frame_rate_hz``, a
    random phase per agent) and each frame holds a Poisson number of objects, each one
    message (mean ``arrival_rate / frame_rate_hz``); ``poisson``: messages arrive one by one."""

    model: Literal["frames", "poisson"] = Field(
        "frames", description="frames (periodic frames of Poisson objects) or poisson (messages one by one)"
    )
    deadline_s: float = Field(
        0.05,
        gt=0,
        description="a message not decided this long after it arrived is "
        "dropped (it bounds every queue) and counts as a failed decision",
    )


class FadingSpec(_Strict):
    """Fast fading of every link (:mod:`semcom.channels.prb_fading`).

    ``tdl``: Sionna's TR 38.901 TDL profiles with each link's delay spread and K-factor from
    the scenario's 38.901 parameters, Doppler from its agent's speed, one value per PRB and
    slot; ``rayleigh_iid``: independent Exp(1) power per (link, PRB, slot); ``none``: |h| = 1."""

    model: Literal["tdl", "rayleigh_iid", "none"] = Field(
        "tdl", description="tdl (38.901 TDL per PRB and slot), rayleigh_iid or none (|h| = 1)"
    )
    nlos_profile: Literal["A", "B", "C"] = Field("A", description="TDL profile of NLoS and O2I links")
    los_profile: Literal["D", "E"] = Field("D", description="TDL profile of LoS links (Rician)")
    num_sinusoids: int = Field(8, ge=4, le=64, description="sinusoids per link (sum-of-sinusoids)")
    interferer_floor_db: float = Field(
        -10.0,
        le=0,
        description="an interfering link whose mean power at a "
        "station is this far below the noise enters with its mean power",
    )
    csi_delay_slots: int = Field(
        4,
        ge=0,
        description="age of the per-PRB channel the frequency-selective "
        "scheduler sees (sounding reference signals)",
    )


class PowerControlSpec(_Strict):
    """Open-loop uplink power control (Sionna's ``open_loop_uplink_power_control``, TS 38.213)."""

    alpha: float = Field(0.8, ge=0, le=1, description="path-loss compensation factor")
    p0_dbm: float = Field(-80.0, description="target received power per PRB [dBm]")
    ut_max_power_dbm: float = Field(23.0, description="agents' maximum transmit power [dBm]")
    bs_power_dbm: float = Field(41.0, description="downlink: base station power over the whole band [dBm]")
