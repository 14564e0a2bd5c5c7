"""The units of a system study: one per (seed, drop, scheduler, link-adaptation policy,
load), ``fixed`` expanded to every configuration of the study's tables.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

from semcom.core.errors import ScenarioError
from semcom.core.hashing import json_sha256
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
        return json_sha256(["system", asdict(self)])[:20]

    def describe(self) -> str:
        return (
            f"{self.scheduler} {self.placement} {self.link_adaptation} rate={self.arrival_rate:g}/s "
            f"seed={self.seed} drop={self.drop}"
        )


def policy_names(sc, labels: list[str], digital: list[str] | None = None) -> list[str]:
    """The link-adaptation axis with ``fixed`` expanded to every configuration and
    ``conventional_5g`` to every digital one (``digital``: the labels that carry bits)."""
    out = []
    for p in sc.axis("link_adaptation"):
        if p == "fixed":
            out += [f"fixed:{lab}" for lab in labels]
        elif p == "conventional_5g":
            out += [f"conventional_5g:{lab}" for lab in digital or []]
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def expand_system_units(
    sc, labels: list[str] | None = None, digital: list[str] | None = None
) -> list[SystemUnit]:
    """Every combination of the sweep axes, in a deterministic order (``labels``: the
    configurations ``fixed`` expands to, ``digital``: those ``conventional_5g`` carries; from
    the scenario's ``link_adaptation.configs`` when not given)."""
    if labels is None:
        cfgs = sc.system.link_adaptation.configs or []
        labels = [c.label() for c in cfgs]
        digital = [c.label() for c in cfgs if c.bits is not None]
    axes = {a: sc.axis(a) for a in SYSTEM_SWEEP_AXES}
    axes["link_adaptation"] = policy_names(sc, labels, digital)
    axes["placement"] = [p if p is not None else sc.system.placement for p in axes["placement"]]
    units = []
    for values in itertools.product(*(axes[a] for a in SYSTEM_SWEEP_AXES)):
        d = dict(zip(SYSTEM_SWEEP_AXES, values))
        units.append(
            SystemUnit(
                seed=int(d["seed"]),
                drop=int(d["drop"]),
                placement=str(d["placement"]),
                scheduler=str(d["scheduler"]),
                link_adaptation=str(d["link_adaptation"]),
                arrival_rate=float(d["arrival_rate"]),
            )
        )
    return list(dict.fromkeys(units))


def system_units(sc, tables=None) -> list[SystemUnit]:
    """The study's units; ``tables`` (:class:`~.tables.LinkTables`) name the configurations
    ``fixed`` expands to."""
    if tables is None:
        return expand_system_units(sc)
    digital = [lab for lab, b in zip(tables.labels, tables.bits) if b is not None]
    if "conventional_5g" in sc.axis("link_adaptation") and not digital:
        raise ScenarioError(
            "sweep.link_adaptation",
            "conventional_5g",
            "carries a digital configuration (K coordinates at b bits) and the study's tables have none",
            "add a digital scheme with bits to abstraction.schemes",
        )
    return expand_system_units(sc, tables.labels, digital)
