"""How a table set is calibrated, validated and gridded: the ``calibration``, ``validation`` and
``refine`` sections of an :class:`~.spec.AbstractionSpec` (parsing only)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, model_validator

from semcom.channels.specs import ChannelSpec, channel_spec
from ..scenario.specs import FloatAxis, Range, axis_validator
from semcom.core.settings import Strict as _Strict, setting_error as _axis_error

__all__ = [
    "CalibrationSpec",
    "ValidationSpec",
    "RefinementSpec",
    "SystemRegimeSpec",
    "DEFAULT_CALIBRATION_CHANNELS",
    "DEFAULT_VALIDATION_CHANNELS",
]


#: Frequency-selective channels β is fitted on by default: 5G-like OFDM (72 subcarriers x 14
#: symbols, 30 kHz), 3GPP TDL-A (300 ns, 3 m/s, SISO) and CDL-C (300 ns, 3 m/s, 1 x 4 uplink), perfect CSI,
#: LMMSE. A message fills consecutive subcarriers; the long (300 ns) delay spread makes its SINRs vary
#: within it (coherence bandwidth ~0.5 MHz, 16 subcarriers), which is what β is about.
DEFAULT_CALIBRATION_CHANNELS = {
    "tdl_a": {"model": "ofdm-tdl", "tdl_model": "A", "delay_spread": 300e-9, "speed": 3.0},
    "cdl_c": {"model": "ofdm-cdl", "cdl_model": "C", "delay_spread": 300e-9, "speed": 3.0},
}
#: Channel families of the held-out validation: Rayleigh block fading and the two OFDM channels.
DEFAULT_VALIDATION_CHANNELS = {"rayleigh": {"model": "rayleigh"}, **DEFAULT_CALIBRATION_CHANNELS}


class SystemRegimeSpec(_Strict):
    """Link-level runs in a system study's own regime: messages the system engine sends (per-RE
    SINRs recorded on drops seeded apart from the study's), decoded with the link-level blocks."""

    drops: int = Field(
        2,
        ge=1,
        le=50,
        description="drops of the engine, each a fixed-configuration run of every configuration",
    )
    messages: int = Field(
        4000, ge=50, le=1_000_000, description="messages decoded per table (drawn from what the engine sent)"
    )
    points: int = Field(
        4,
        ge=1,
        le=50,
        description="points per table: equal-width bins of the messages' "
        "large-scale SINR estimate (1st to 99th percentile), messages drawn evenly from them",
    )


def _channel_runs(defaults: dict[str, dict], description: str):
    """The ``channels`` field of a set of link-level runs: at least one, ``defaults`` (name →
    settings) when the scenario names none."""
    return Field(
        default_factory=lambda: {k: channel_spec(**v) for k, v in defaults.items()},
        min_length=1,
        description=description,
    )


class CalibrationSpec(_Strict):
    """How the table's EESM β is obtained."""

    channels: dict[str, ChannelSpec] = _channel_runs(
        DEFAULT_CALIBRATION_CHANNELS, "frequency-selective channels of the link-level calibration runs"
    )
    snr_db: FloatAxis = Field([0.0, 5.0, 10.0, 15.0], description="mean SNRs of the calibration runs [dB]")
    passes: int = Field(
        1,
        ge=1,
        description="independent channel realisations of each calibration run (each "
        "one pass of the test set)",
    )
    beta: Optional[float] = Field(
        None, gt=0, description="a fixed β instead of a fit (then no calibration runs)"
    )
    beta_range: tuple[float, float] = Field((0.01, 1000.0), description="β search interval (linear SINR)")
    system: Optional[SystemRegimeSpec] = Field(
        default_factory=lambda: SystemRegimeSpec(drops=4, messages=6000, points=6),
        description="a system study's "
        "mapping: fitted and its inner loop built on its own messages (these "
        "runs) instead of the OFDM channels; null: not",
    )

    _snr = axis_validator("snr_db", kind="float")

    @model_validator(mode="after")
    def _range(self):
        lo, hi = self.beta_range
        if not 0 < lo < hi:
            raise _axis_error(f"beta_range [{lo}, {hi}] is not 0 < low < high", "use e.g. [0.01, 1000]")
        return self

    def snr_values(self) -> list[float]:
        v = self.snr_db
        return v.values() if isinstance(v, Range) else [float(x) for x in (v if isinstance(v, list) else [v])]


class ValidationSpec(_Strict):
    """The held-out check of the tables against the link level."""

    channels: dict[str, ChannelSpec] = _channel_runs(
        DEFAULT_VALIDATION_CHANNELS, "channel families of the held-out link-level runs"
    )
    snr_db: FloatAxis = Field([0.0, 5.0, 10.0, 15.0], description="mean SNRs of the held-out runs [dB]")
    system: SystemRegimeSpec = Field(
        default_factory=lambda: SystemRegimeSpec(drops=2, messages=24000, points=6),
        description="a system study's held-out messages (other drops, other samples)",
    )

    _snr = axis_validator("snr_db", kind="float")

    def snr_values(self) -> list[float]:
        v = self.snr_db
        return v.values() if isinstance(v, Range) else [float(x) for x in (v if isinstance(v, list) else [v])]


class RefinementSpec(_Strict):
    """An SINR grid evaluated where accuracy changes (:mod:`~semcom.simulator.abstraction.grid`)."""

    coarse_step: float = Field(
        2.0, gt=0, description="spacing of the first round [dB] (the grid's step is the finest)"
    )
    tolerance: float = Field(
        0.02,
        gt=0,
        lt=1,
        description="bisect an interval while accuracy changes across "
        "it by more than this (or than two standard errors)",
    )
