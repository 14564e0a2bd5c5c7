"""When a study's Monte Carlo stops: the ``stop:`` section, in the way Sionna's ``sim_ber``
stops a BER simulation.

A point (a set-up at one SNR) gets replicates until its interval is tight enough or its
budget is spent: at least ``min_replicates``, at most ``max_replicates``, and in between
more while the 95% half-width of any of its accuracies exceeds ``ci_half_width``, or
(digital schemes) while fewer than ``num_target_block_errors`` codewords were decoded in
error. ``target_bler`` ends the block-error count at the first SNR point of a set-up
whose block error rate is at or below it (the points above it count as met, as
``sim_ber``'s early stop skips them). The rule itself is
:mod:`semcom.simulator.run.stopping`. Parsing only: no torch.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field, field_validator
from pydantic_core.core_schema import ValidationInfo

from semcom.core.settings import Strict, setting_error

__all__ = ["StopSpec"]


class StopSpec(Strict):
    """Adaptive Monte Carlo: replicates per point until its interval is tight enough."""

    ci_half_width: Optional[float] = Field(
        None,
        description="target 95% half-width of every accuracy of a point (0.01: one accuracy point); a "
        "point gets replicates until each of its accuracies is that tight or max_replicates "
        "is reached",
        examples=[0.01, 0.02],
    )
    min_replicates: int = Field(
        3,
        ge=2,
        description="replicates every point gets first (an interval over replicates needs at least 2)",
        examples=[3],
    )
    max_replicates: int = Field(
        30, ge=2, le=10_000, description="the budget: replicates a point gets at most", examples=[30]
    )
    num_target_block_errors: Optional[int] = Field(
        None,
        ge=1,
        description="digital schemes: replicates until this many codewords were decoded in error "
        "(as sim_ber's num_target_block_errors)",
        examples=[100],
    )
    target_bler: Optional[float] = Field(
        None,
        description="digital schemes: the block-error count ends at a set-up's first SNR point whose "
        "block error rate is at or below this (as sim_ber's target_bler)",
        examples=[0.001],
    )

    @field_validator("ci_half_width")
    @classmethod
    def _half_width(cls, v):
        if v is not None and not 0 < v < 1:
            raise setting_error(
                f"{v!r} is not between 0 and 1 (exclusive)",
                "use e.g. 0.01 (a 95% interval of +-1 accuracy point) or leave it out",
            )
        return v

    @field_validator("target_bler")
    @classmethod
    def _bler(cls, v):
        if v is not None and not 0 < v < 1:
            raise setting_error(f"{v!r} is not between 0 and 1 (exclusive)", "use e.g. 0.001 or leave it out")
        return v

    @field_validator("max_replicates")
    @classmethod
    def _budget(cls, v, info: ValidationInfo):
        low = info.data.get("min_replicates")
        if low is not None and v < low:
            raise setting_error(
                f"{v} is below stop.min_replicates ({low})",
                f"raise max_replicates to at least {low} or lower min_replicates",
            )
        return v

    def block_targets(self) -> bool:
        """Whether a block-error target is set (it needs a scheme that codes in codewords)."""
        return self.num_target_block_errors is not None or self.target_bler is not None
