"""Network engine: one unit (one point of the network sweep) as a SimPy simulation.

Processes:

* one :class:`~semcom.simulator.network.traffic.TrafficSource` per transmitter: each arrival
  becomes a :class:`~semcom.simulator.network.medium.Message` (a test sample, drawn uniformly,
  to a receiver drawn uniformly among the transmitter's destinations) appended to the
  transmitter's queue, or dropped when the queue holds ``queue_limit`` messages;
* one slot process: at each slot boundary it drops messages older than
  ``deadline_s`` (if set), lets the scheduler pick the slot's transmissions (messages
  arriving exactly at the boundary are eligible), waits one slot, then hands every
  transmission of the slot to the receivers' batched decoder
  (:meth:`~semcom.simulator.network.links.NetworkLinks.decode_slot`); delivery time is the
  end of the slot.

Arrivals stop at ``duration_s``; the slot process keeps running until every queue is
empty, so every accepted message has a departure time (Little's law then holds
exactly over the whole run). Only messages arriving in ``[warmup_s, duration_s)``
are measured.

Randomness (all from :mod:`semcom.simulator.run.randomness`): arrivals, samples and destinations
per (seed, transmitter, arrival rate); fading per (seed, slot); shadowing and
distances per (seed, agent); so every scheduler and K of a study sees the same
traffic and the same channels (paired comparisons). ALOHA's choices and channel noise
are per unit.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
import sionna.phy
import torch

from semcom.core.threads import NETWORK_UNIT_THREADS, fixed_threads
from ..run.randomness import derive_rng, derive_seed
from .links import NetworkLinks, network_agents
from .medium import SCHEDULERS, Message
from .metrics import OccupancyMonitor, unit_metrics
from .schema import NetworkScenario
from .traffic import TrafficSource, to_ns
from .units import NetworkUnit

__all__ = ["simulate_network", "run_network_unit", "NetworkRun"]


@dataclass
class NetworkRun:
    """What one simulation produced.

    :ivar messages: every message (accepted or dropped), in arrival order.
    :ivar events: ``(time_ns, event, message_id, transmitter, detail)`` when
        ``network.record_events`` is on, else empty.
    :ivar slot_used_rbs: [num_slots] RBs carrying a transmission in each slot.
    :ivar end_ns: time the last queue emptied.
    :ivar queue_monitor: messages waiting in queues (all transmitters), over time.
    :ivar system_monitor: messages in the system (waiting or in transmission), over time.
    :ivar max_queue: the longest any transmitter's queue got.
    """

    messages: list[Message]
    events: list[tuple]
    slot_used_rbs: np.ndarray
    end_ns: int
    links: NetworkLinks
    transmitters: list
    receivers: list
    queue_monitor: OccupancyMonitor
    system_monitor: OccupancyMonitor
    max_queue: int


def simulate_network(sc: NetworkScenario, unit: NetworkUnit) -> NetworkRun:
    """Run the SimPy simulation of ``unit`` (see the module docstring)."""
    net = sc.network
    transmitters, receivers = network_agents(sc, unit.seed)
    links = NetworkLinks(sc, unit.seed, unit.num_anchors, unit.anchor_selection, unit.semantic_equalizer,
                         unit.channel, unit.bits, transmitters, receivers)
    sionna.phy.config.seed = derive_seed(unit.seed, "network-noise", unit.key)
    slot_ns = to_ns(net.slot_duration_s)
    stop_ns = to_ns(net.duration_s)
    deadline_ns = to_ns(net.deadline_s) if net.deadline_s is not None else None
    test_idx = links.data.test_idx
    cu = [links.channel_uses(i) for i in range(len(transmitters))]
    rbs = [math.ceil(c / net.channel_uses_per_rb) for c in cu]

    env = simpy.Environment()
    queues: list[deque] = [deque() for _ in transmitters]
    messages: list[Message] = []
    events: list[tuple] = []
    log = events.append if net.record_events else (lambda e: None)
    in_queue, in_system, max_queue = OccupancyMonitor(), OccupancyMonitor(), [0]
    rngs = [derive_rng(unit.seed, "traffic", t.name, unit.arrival_rate) for t in transmitters]

    def arrival(i: int):
        rng = rngs[i]
        dests = transmitters[i].destinations

        def on_arrival(t_ns: int) -> None:
            # both draws happen for every arrival, so traffic is the same whatever happens next
            rx = dests[int(rng.integers(len(dests)))]
            sample = int(test_idx[int(rng.integers(len(test_idx)))])
            m = Message(len(messages), i, rx, sample, t_ns, cu[i], rbs[i])
            messages.append(m)
            log((t_ns, "arrive", m.id, i, rx))
            if len(queues[i]) >= net.queue_limit:
                m.outcome, m.departure_ns = "dropped_queue", t_ns
                log((t_ns, "drop_queue", m.id, i, None))
            else:
                queues[i].append(m)
                in_queue.change(t_ns, +1)
                in_system.change(t_ns, +1)
                max_queue[0] = max(max_queue[0], len(queues[i]))
        return on_arrival

    for i, t in enumerate(transmitters):
        src = TrafficSource(env, t.traffic, unit.arrival_rate * t.rate_scale, stop_ns, rngs[i], arrival(i),
                            offset_s=t.offset_s)
        env.process(src.run())

    scheduler_cls = SCHEDULERS.get(unit.scheduler)
    scheduler = scheduler_cls(len(transmitters), net.resource_blocks, derive_rng(unit.seed, "scheduler", unit.key),
                              **{name: getattr(net, name) for name in scheduler_cls.settings})
    used: list[int] = []
    end = [0]

    def slots():
        slot = 0
        while True:
            yield env.timeout(slot * slot_ns - env.now)
            yield env.timeout(0)          # arrivals at this very boundary are queued first
            start = env.now
            if start >= stop_ns and not any(queues):
                end[0] = start
                return
            if deadline_ns is not None:
                for q in queues:
                    while q and start - q[0].arrival_ns >= deadline_ns:
                        m = q.popleft()
                        m.outcome, m.departure_ns = "dropped_deadline", start
                        in_queue.change(start, -1)
                        in_system.change(start, -1)
                        log((start, "drop_deadline", m.id, m.tx, None))
            if any(queues):
                h, snr = links.slot_snr(slot, unit.seed)
                hol = np.array([snr[i, q[0].rx] if q else 0.0 for i, q in enumerate(queues)])
                grant = scheduler.allocate(slot, queues, hol)
                for m, first in grant.sent:
                    m.service_ns = start
                    in_queue.change(start, -1)
                    log((start, "transmit", m.id, m.tx, (slot, first, m.rbs)))
                for m in grant.collided:
                    log((start, "collide", m.id, m.tx, (slot, m.attempts)))
                    if m.attempts >= net.aloha_max_attempts:
                        m.outcome, m.departure_ns, m.service_ns = "dropped_collision", start + slot_ns, start
                        in_queue.change(start, -1)
                        in_system.change(start + slot_ns, -1)
                used.append(grant.used_rbs)
            else:
                grant, h = None, None
                used.append(0)
            yield env.timeout(slot_ns)
            if grant is not None and grant.sent:
                sent = [m for m, _ in grant.sent]
                correct = links.decode_slot(sent, h)
                for m, ok in zip(sent, correct):
                    m.outcome, m.departure_ns, m.correct = "delivered", env.now, bool(ok)
                    in_system.change(env.now, -1)
                    log((env.now, "deliver", m.id, m.tx, bool(ok)))
            slot += 1

    env.process(slots())
    env.run()
    return NetworkRun(messages, events, np.asarray(used, dtype=np.int64), end[0], links, transmitters, receivers,
                      in_queue, in_system, max_queue[0])


def run_network_unit(sc: NetworkScenario, unit: NetworkUnit) -> list[dict[str, Any]]:
    """Simulate ``unit`` and return its one result row (see :mod:`semcom.simulator.network.metrics`)."""
    # one thread whatever the executor: the slots' small tensors collapse on two threads
    # under any other load (semcom.core.threads.NETWORK_UNIT_THREADS)
    with torch.no_grad(), fixed_threads(NETWORK_UNIT_THREADS):
        run = simulate_network(sc, unit)
    return [unit_metrics(sc, unit, run)]
