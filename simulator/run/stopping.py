"""The stopping rule of adaptive Monte Carlo: how many more replicates a point needs.

A point's state after a round (:class:`PointState`: its replicates, the widest 95%
half-width of its accuracies, its block errors) and the study's ``stop:`` settings
(:class:`~semcom.simulator.scenario.stop.StopSpec`) decide whether it is done and, if
not, how many replicates the next round adds: the number the current estimate says
the target needs (the half-width shrinks as 1/sqrt(R); block errors grow as R), at
least one, at most as many as it has (a round never more than doubles a point, so a
noisy first estimate cannot spend the whole budget), never past ``max_replicates``.
Kind-agnostic: a kind turns its rows into states and its states into units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from ..scenario.stop import StopSpec

__all__ = ["PointState", "unmet", "target_met", "replicates_to_add"]


@dataclass(frozen=True)
class PointState:
    """What the stopping rule reads of one point.

    :ivar replicates: replicates run so far.
    :ivar half_width: the widest 95% half-width of the point's accuracies (NaN with one replicate).
    :ivar block_errors: codewords decoded in error over every replicate; `None` without codewords.
    :ivar codewords: codewords decoded over every replicate; `None` without codewords.
    :ivar blocks_done: the set-up's block-error count ended at a lower SNR point (``target_bler``).
    """

    replicates: int
    half_width: float
    block_errors: Optional[int] = None
    codewords: Optional[int] = None
    blocks_done: bool = False


def _counts_blocks(state: PointState, stop: StopSpec) -> bool:
    return (
        stop.num_target_block_errors is not None and state.block_errors is not None and not state.blocks_done
    )


def unmet(state: PointState, stop: StopSpec) -> list[str]:
    """The targets ``state`` misses (the replicate budget aside), in words; [] when done.

    >>> unmet(PointState(3, 0.02), StopSpec(ci_half_width=0.01))
    ['half-width 0.02 > 0.01']
    """
    out = []
    if state.replicates < stop.min_replicates:
        out.append(f"{state.replicates} < {stop.min_replicates} replicates")
    hw = state.half_width
    if stop.ci_half_width is not None and (math.isnan(hw) or hw > stop.ci_half_width):
        out.append(f"half-width {hw:.3g} > {stop.ci_half_width:g}")
    if _counts_blocks(state, stop) and state.block_errors < stop.num_target_block_errors:
        out.append(f"{state.block_errors} < {stop.num_target_block_errors} block errors")
    return out


def target_met(state: PointState, stop: Optional[StopSpec]) -> Optional[bool]:
    """Whether the point met every target (`None` when the study sets none)."""
    return None if stop is None else not unmet(state, stop)


def replicates_to_add(state: PointState, stop: StopSpec) -> int:
    """Replicates the next round adds to the point (0: it is done or its budget is spent).

    >>> replicates_to_add(PointState(3, 0.02), StopSpec(ci_half_width=0.01))   # needs ~12: doubles
    3
    >>> replicates_to_add(PointState(8, 0.011), StopSpec(ci_half_width=0.01))  # needs ~9.7
    2
    >>> replicates_to_add(PointState(30, 0.05), StopSpec(ci_half_width=0.01))  # budget spent
    0
    """
    r = state.replicates
    room = stop.max_replicates - r
    if room <= 0 or not unmet(state, stop):
        return 0
    if r < stop.min_replicates:
        return min(room, stop.min_replicates - r)
    wanted = r + 1
    hw = state.half_width
    if stop.ci_half_width is not None and hw > stop.ci_half_width:
        wanted = max(wanted, math.ceil(r * (hw / stop.ci_half_width) ** 2))
    elif stop.ci_half_width is not None and math.isnan(hw):
        wanted = 2 * r
    if _counts_blocks(state, stop) and state.block_errors < stop.num_target_block_errors:
        wanted = max(
            wanted,
            2 * r
            if state.block_errors == 0
            else math.ceil(r * stop.num_target_block_errors / state.block_errors),
        )
    return max(1, min(room, min(wanted, 2 * r) - r))
