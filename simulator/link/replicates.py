"""Replicates of a link study, and the rounds of adaptive Monte Carlo.

A replicate is a unit's seed: every random draw of the unit (anchors, heads, pilots,
fading, noise) derives from it and the unit's names
(:mod:`semcom.simulator.run.randomness`), so replicates are independent and a run's
results do not depend on the order or the executor that computes them. Without
``stop:`` the replicates of a point are the seeds of ``sweep.seed``. With it, every
point first gets ``min_replicates`` (the listed seeds, then the next integers); after
each round :func:`next_units` asks the stopping rule
(:mod:`semcom.simulator.run.stopping`) which points need more and adds, per set-up,
replicates with the next seeds, each running only the SNR points that still need it
(a unit with an ``snr_db`` subset). The decisions read only committed rows, so a
resumed or re-executed run takes the same rounds and gives the same bytes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..run.stopping import replicates_to_add
from .points import aggregate, group_points, point_states
from .units import Unit

if TYPE_CHECKING:  # annotations only: the schema's checks call back into the simulator
    from .schema import Scenario

__all__ = ["next_units"]


def next_units(sc: Scenario, units: list[Unit], rows: list[dict]) -> list[Unit]:
    """The units of the next round of ``sc``'s adaptive Monte Carlo ([] when every point is
    done or out of budget), given the current ``units`` and their committed ``rows``."""
    if sc.stop is None or not rows:
        return []
    by_key = {u.key: u for u in units}
    groups = list(group_points(rows).values())
    states = point_states([aggregate(g) for g in groups], sc.stop)
    wanted: dict[Unit, dict[float, int]] = {}
    for group, state in zip(groups, states):
        setup = by_key[group[0]["unit"]].setup
        snr = float(group[0]["snr_db"])
        per_snr = wanted.setdefault(setup, {})
        per_snr[snr] = max(per_snr.get(snr, 0), replicates_to_add(state, sc.stop))
    last_seed: dict[Unit, int] = {}
    for u in units:
        last_seed[u.setup] = max(last_seed.get(u.setup, u.seed), u.seed)
    grid = tuple(float(s) for s in sc.axis("snr_db"))
    more = []
    for setup, per_snr in wanted.items():
        for j in range(1, max(per_snr.values()) + 1):
            snrs = tuple(s for s in grid if per_snr.get(s, 0) >= j)
            more.append(replace(setup, seed=last_seed[setup] + j, snr_db=None if snrs == grid else snrs))
    return more
