"""The work a study asks for, estimated before it runs, and the budget it must fit.

Every kind of study can say how much it will do (:class:`WorkEstimate`: units, messages
decoded or simulated, time steps simulated, peak memory of one unit) from its scenario
alone, without expanding its sweep (a kind's :meth:`~semcom.simulator.kinds.base.StudyKind.estimate_work`).
:func:`check_work` refuses, one line per quantity naming the setting that drives it and
the fix, a study beyond :data:`DEFAULT_BUDGET`, unless the user raises the budget
explicitly (``--allow-large``, ``semcom.run(..., allow_large=True)``): a sweep of 200,000
SNR points or a network offered a billion messages a second is then an error in
milliseconds, not a run that never ends. ``semcom validate`` prints the estimate.

Example::

    from semcom.simulator.scenario.work import WorkEstimate, check_work
    est = WorkEstimate(units=24, messages=2.6e5, memory_bytes=3e8, drivers={"units": "sweep"})
    check_work(est)            # within the budget: returns
    print(est.describe())      # 24 units, about 2.6e+05 messages, about 286 MiB per unit
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Optional

from semcom.core.errors import ScenarioError, ScenarioErrors

__all__ = [
    "WorkEstimate",
    "WorkBudget",
    "DEFAULT_BUDGET",
    "UNLIMITED",
    "check_work",
    "ALLOW_LARGE_FIX",
    "named_product",
    "simulated_work",
    "with_data",
    "MESSAGE_BYTES",
    "SLOT_BYTES",
]

#: How a user runs a study beyond the budget (named in every refusal).
ALLOW_LARGE_FIX = "or pass --allow-large (semcom.run(..., allow_large=True)) to run it anyway"


@dataclass(frozen=True)
class WorkEstimate:
    """What a study will do; a quantity a kind cannot tell (yet) is `None`.

    :ivar units: work units (store transactions).
    :ivar messages: messages decoded (link: test samples x SNR points x equalisers per unit)
        or simulated (network, system), over the whole study.
    :ivar steps: time steps (slots) simulated, over the whole study.
    :ivar memory_bytes: peak memory of one unit (a local pool holds one per worker).
    :ivar training_flops: floating-point operations of training the study's zoo encoders.
    :ivar drivers: per quantity (``"units"``, ``"messages"``, ``"steps"``, ``"memory"``,
        ``"training"``), the
        setting(s) that drive it, named in a refusal (e.g. ``"sweep.arrival_rate"``).
    """

    units: int
    messages: Optional[float] = None
    steps: Optional[float] = None
    memory_bytes: Optional[float] = None
    training_flops: Optional[float] = None
    drivers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{self.units:,} units"]
        if self.messages is not None:
            parts.append(f"about {self.messages:.2g} messages")
        if self.steps is not None:
            parts.append(f"{self.steps:.2g} slots")
        if self.memory_bytes is not None:
            parts.append(f"about {_size(self.memory_bytes)} per unit")
        if self.training_flops:
            parts.append(f"training about {self.training_flops:.2g} FLOPs")
        return ", ".join(parts)


@dataclass(frozen=True)
class WorkBudget:
    """The most a study may ask for without ``--allow-large``.

    :ivar units: units of one study (each is a store transaction and a progress step).
    :ivar messages: messages over the study (about a day of simulation on one core for the
        network kind, the costliest per message).
    :ivar steps: simulated slots over the study.
    :ivar memory_bytes: the memory the units in flight may take together (one per worker).
    :ivar training_flops: training the study's encoders (about an hour on one core).
    """

    units: float = 100_000
    messages: float = 1e9
    steps: float = 1e8
    memory_bytes: float = 8 * 2**30
    training_flops: float = 1e14


#: The budget every study fits unless the user raises it.
DEFAULT_BUDGET = WorkBudget()
#: No limit (``--allow-large``).
UNLIMITED = WorkBudget(math.inf, math.inf, math.inf, math.inf, math.inf)


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"


def check_work(estimate: WorkEstimate | None, budget: WorkBudget = DEFAULT_BUDGET, workers: int = 1) -> None:
    """Refuse (one :class:`ScenarioError` per quantity over ``budget``) a study whose
    ``estimate`` exceeds it; ``workers`` units are in memory at once."""
    if estimate is None:
        return
    errors = []

    def over(quantity: str, value: float | None, limit: float, what: str, fix: str) -> None:
        if value is not None and value > limit:
            errors.append(
                ScenarioError(
                    estimate.drivers.get(quantity, "sweep"),
                    None,
                    f"the study would {what} (budget {_shown(quantity, limit)})",
                    f"{fix}, {ALLOW_LARGE_FIX}",
                )
            )

    over("units", estimate.units, budget.units, f"run {estimate.units:,} units", "sweep fewer values")
    over(
        "messages",
        estimate.messages,
        budget.messages,
        f"process about {estimate.messages or 0:.2g} messages",
        "lower it",
    )
    over("steps", estimate.steps, budget.steps, f"simulate about {estimate.steps or 0:.2g} slots", "lower it")
    memory = None if estimate.memory_bytes is None else estimate.memory_bytes * max(1, workers)
    over(
        "memory",
        memory,
        budget.memory_bytes,
        f"hold about {_size(memory or 0)} at once ({max(1, workers)} unit(s) in flight)",
        "lower it or use fewer --workers",
    )
    over(
        "training",
        estimate.training_flops,
        budget.training_flops,
        f"train its encoders for about {estimate.training_flops or 0:.2g} floating-point operations",
        "lower its width, depth or epochs",
    )
    if errors:
        raise ScenarioErrors.of(errors)


def _shown(quantity: str, limit: float) -> str:
    if quantity == "memory":
        return _size(limit)
    return f"{limit:,.0f}" if quantity == "units" else f"{limit:.0e}"


def with_data(estimate: WorkEstimate, data) -> WorkEstimate:
    """``estimate`` with what the study's data and agents add (a
    :class:`~semcom.simulator.run.data_work.DataWork`, or `None`: nothing known)."""
    if data is None:
        return estimate
    return dataclasses.replace(
        estimate,
        memory_bytes=(estimate.memory_bytes or 0) + data.memory_bytes,
        training_flops=data.training_flops,
        drivers={"memory": data.largest, **estimate.drivers, "training": data.largest},
    )


def named_product(factors: dict[str, float]) -> tuple[float, str]:
    """(product of ``factors``, the largest ones' names joined by ``" x "``): what a refusal names."""
    total = math.prod(max(1, n) for n in factors.values())
    largest = sorted((a for a, n in factors.items() if n > 1), key=lambda a: -factors[a])[:3]
    return total, " x ".join(largest) or next(iter(factors), "sweep")


#: Memory a simulated message holds until its unit ends (its record and bookkeeping) [bytes].
MESSAGE_BYTES = 600
#: Memory a simulated slot holds (its log entry) [bytes].
SLOT_BYTES = 64


def simulated_work(
    sc,
    axes: tuple[str, ...],
    senders: float,
    duration_s: float,
    slot_s: float,
    *,
    section: str,
    senders_key: str,
    record_events: bool = False,
) -> WorkEstimate:
    """The work of a study that simulates traffic in time (network, system kinds): one
    unit per combination of ``axes``; ``senders`` agents (rate scales summed; the
    scenario's ``<section>.<senders_key>``) each offered ``sweep.arrival_rate`` messages
    a second for ``duration_s``, in slots of ``slot_s``."""
    lengths = {f"sweep.{a}": len(sc.axis(a)) for a in axes}
    units, unit_axes = named_product(lengths)
    rates = [float(r) for r in sc.axis("arrival_rate")]
    others = units / max(1, lengths.get("sweep.arrival_rate", 1))
    messages = others * sum(rates) * senders * duration_s
    slots = duration_s / slot_s
    per_message = MESSAGE_BYTES * (4 if record_events else 1)
    peak = max(rates) * senders * duration_s * per_message + slots * SLOT_BYTES
    load = f"sweep.arrival_rate x {section}.{senders_key} x {section}.duration_s"
    return WorkEstimate(
        int(units),
        messages=messages,
        steps=units * slots,
        memory_bytes=peak,
        drivers={
            "units": unit_axes,
            "messages": load,
            "memory": load,
            "steps": f"{unit_axes} x {section}.duration_s / {section}.slot_duration_s",
        },
    )
