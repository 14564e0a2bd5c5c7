"""The units of a system study: one per (seed, drop, scheduler, link-adaptation policy,
load), ``fixed`` expanded to every configuration of the study's tables.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import asdict, dataclass

from .schema import SYSTEM_SWEEP_AXES

__all__ = ["SystemUnit", "expand_system_units", "policy_names", "system_units"]


@dataclass(frozen=True)
class SystemUnit:
    """One point of the system sweep (``link_adaptation``: a policy, or ``fixed:<config label>``)."""

    seed: int
    drop: int
    placement: str
    scheduler: str
    link_adaptation: str
    arrival_rate: float

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(["system", asdict(self)], sort_keys=True).encode()).hexdigest()[:20]

    def describe(self) -> str:
        return (f"{self.scheduler} {self.placement} {self.link_adaptation} rate={self.arrival_rate:g}/s "
                f"seed={self.seed} drop={self.drop}")


def policy_names(sc, labels: list[str]) -> list[str]:
    """The link-adaptation axis with ``fixed`` expanded to every configuration."""
    out = []
    for p in sc.axis("link_adaptation"):
        out += [f"fixed:{lab}" for lab in labels] if p == "fixed" else [p]
    return list(dict.fromkeys(out))


def expand_system_units(sc, labels: list[str] | None = None) -> list[SystemUnit]:
    """Every combination of the sweep axes, in a deterministic order (``labels``: the
    configurations ``fixed`` expands to; from the scenario's ``link_adaptation.configs``
    when not given)."""
    if labels is None:
        cfgs = sc.system.link_adaptation.configs
        labels = [c.label() for c in cfgs] if cfgs else []
    axes = {a: sc.axis(a) for a in SYSTEM_SWEEP_AXES}
    axes["link_adaptation"] = policy_names(sc, labels)
    axes["placement"] = [p if p is not None else sc.system.placement for p in axes["placement"]]
    units = []
    for values in itertools.product(*(axes[a] for a in SYSTEM_SWEEP_AXES)):
        d = dict(zip(SYSTEM_SWEEP_AXES, values))
        units.append(SystemUnit(seed=int(d["seed"]), drop=int(d["drop"]), placement=str(d["placement"]),
                                scheduler=str(d["scheduler"]),
                                link_adaptation=str(d["link_adaptation"]), arrival_rate=float(d["arrival_rate"])))
    return list(dict.fromkeys(units))


def system_units(sc, tables=None) -> list[SystemUnit]:
    """The study's units; ``tables`` (:class:`~.tables.LinkTables`) name the configurations
    ``fixed`` expands to."""
    return expand_system_units(sc, tables.labels if tables is not None else None)
