"""Traffic of a system unit: when every agent's decisions arrive.

``frames`` (default): a video-analytics agent captures frames periodically, at its group's
``frame_rate_hz`` with a random phase, and every frame holds a Poisson number of objects
(mean ``rate / frame_rate_hz``), each one message arriving with its frame; ``poisson``:
messages arrive one by one (a Poisson process of the agent's rate). The rate of an agent
is ``sweep.arrival_rate x rate_scale`` of its group (decisions per second).

Randomness per (seed, drop, group, rate) (:mod:`semcom.simulator.run.randomness`): every
policy and scheduler of a study sees the same arrivals, and each message carries its own
uniform draws for its decision (``u``) and for whether its task feedback arrives.

Example::

    from semcom.simulator.system.traffic import frame_arrivals
    import numpy as np
    t, owner = frame_arrivals(np.random.default_rng(0), np.array([30.0]), np.array([60.0]), 1.0)
    print(len(t) > 30, np.all(np.diff(t) >= 0))        # about 60 messages in 30 frames
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..run.randomness import derive_rng

__all__ = ["Traffic", "arrivals", "frame_arrivals"]


@dataclass
class Traffic:
    """Messages of a unit, agent-major and in arrival order within an agent.

    :ivar agent: [M]. :ivar arrival_s: [M]. :ivar u: [M] decision draws. :ivar feedback_draw: [M].
    :ivar rates: [N] decisions per second of each agent."""

    agent: np.ndarray
    arrival_s: np.ndarray
    u: np.ndarray
    feedback_draw: np.ndarray
    rates: np.ndarray


def frame_arrivals(rng: np.random.Generator, frame_rate_hz: np.ndarray, rate: np.ndarray, duration_s: float):
    """(arrival times [M], owner index [M]) of messages of agents with the given frame rates and
    decision rates over [0, duration_s): periodic frames with a random phase, Poisson objects per frame."""
    period = 1.0 / frame_rate_hz
    phase = rng.uniform(0.0, 1.0, len(rate)) * period
    frames = np.maximum(0, np.ceil((duration_s - phase) / period - 1e-12)).astype(np.int64)
    owner = np.repeat(np.arange(len(rate)), frames)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(frames) - frames, frames)
    t = phase[owner] + k * period[owner]
    objects = rng.poisson((rate / frame_rate_hz)[owner])
    return np.repeat(t, objects), np.repeat(owner, objects)


def arrivals(sc, unit, drop) -> Traffic:
    """Every message of ``unit`` (see the module docstring)."""
    net = sc.system
    scales = np.array([g.rate_scale for g in net.groups.values()])
    rates = unit.arrival_rate * scales[drop.group]
    agents, times, u, v = [], [], [], []
    for gi, (gname, g) in enumerate(net.groups.items()):
        members = np.flatnonzero(drop.group == gi)
        rng = derive_rng(unit.seed, "system-traffic", unit.drop, gname, unit.arrival_rate)
        if net.traffic.model == "frames":
            t, owner = frame_arrivals(
                rng, np.full(len(members), g.frame_rate_hz), rates[members], net.duration_s
            )
            who = members[owner]
        else:
            counts = rng.poisson(rates[members] * net.duration_s)
            who = np.repeat(members, counts)
            t = rng.uniform(0.0, net.duration_s, len(who))
        agents.append(who)
        times.append(t)
        u.append(rng.uniform(0.0, 1.0, len(who)))
        v.append(rng.uniform(0.0, 1.0, len(who)))
    agent = np.concatenate(agents)
    t = np.concatenate(times)
    order = np.lexsort((t, agent))
    return Traffic(agent[order], t[order], np.concatenate(u)[order], np.concatenate(v)[order], rates)
