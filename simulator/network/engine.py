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


class _Simulation:
    """One unit's SimPy simulation: its agents, queues, monitors and event log."""

    def __init__(self, sc: NetworkScenario, unit: NetworkUnit):
        net = self.net = sc.network
        self.unit = unit
        self.transmitters, self.receivers = network_agents(sc, unit.seed)
        self.links = NetworkLinks(
            sc,
            unit.seed,
            unit.num_anchors,
            unit.anchor_selection,
            unit.semantic_equalizer,
            unit.channel,
            unit.bits,
            self.transmitters,
            self.receivers,
        )
        sionna.phy.config.seed = derive_seed(unit.seed, "network-noise", unit.key)
        self.slot_ns = to_ns(net.slot_duration_s)
        self.stop_ns = to_ns(net.duration_s)
        self.deadline_ns = to_ns(net.deadline_s) if net.deadline_s is not None else None
        self.cu = [self.links.channel_uses(i) for i in range(len(self.transmitters))]
        self.rbs = [math.ceil(c / net.channel_uses_per_rb) for c in self.cu]
        self.env = simpy.Environment()
        self.queues: list[deque] = [deque() for _ in self.transmitters]
        self.messages: list[Message] = []
        self.events: list[tuple] = []
        self.log = self.events.append if net.record_events else (lambda e: None)
        self.in_queue, self.in_system, self.max_queue = OccupancyMonitor(), OccupancyMonitor(), 0
        self.rngs = [derive_rng(unit.seed, "traffic", t.name, unit.arrival_rate) for t in self.transmitters]
        scheduler_cls = SCHEDULERS.get(unit.scheduler)
        self.scheduler = scheduler_cls(
            len(self.transmitters),
            net.resource_blocks,
            derive_rng(unit.seed, "scheduler", unit.key),
            **{name: getattr(net, name) for name in scheduler_cls.settings},
        )
        self.used: list[int] = []
        self.end_ns = 0

    def arrival(self, i: int):
        """What happens when transmitter ``i``'s traffic source fires."""
        rng, dests, test_idx = self.rngs[i], self.transmitters[i].destinations, self.links.data.test_idx

        def on_arrival(t_ns: int) -> None:
            # both draws happen for every arrival, so traffic is the same whatever happens next
            rx = dests[int(rng.integers(len(dests)))]
            sample = int(test_idx[int(rng.integers(len(test_idx)))])
            m = Message(len(self.messages), i, rx, sample, t_ns, self.cu[i], self.rbs[i])
            self.messages.append(m)
            self.log((t_ns, "arrive", m.id, i, rx))
            if len(self.queues[i]) >= self.net.queue_limit:
                m.outcome, m.departure_ns = "dropped_queue", t_ns
                self.log((t_ns, "drop_queue", m.id, i, None))
            else:
                self.queues[i].append(m)
                self.in_queue.change(t_ns, +1)
                self.in_system.change(t_ns, +1)
                self.max_queue = max(self.max_queue, len(self.queues[i]))

        return on_arrival

    def drop_expired(self, start: int) -> None:
        """Messages waiting ``deadline_s`` or longer leave their queues at slot start ``start``."""
        for q in self.queues:
            while q and start - q[0].arrival_ns >= self.deadline_ns:
                m = q.popleft()
                m.outcome, m.departure_ns = "dropped_deadline", start
                self.in_queue.change(start, -1)
                self.in_system.change(start, -1)
                self.log((start, "drop_deadline", m.id, m.tx, None))

    def schedule(self, slot: int, start: int):
        """The scheduler's grant of the slot and the slot's fading (``(None, None)`` when idle)."""
        if not any(self.queues):
            self.used.append(0)
            return None, None
        h, snr = self.links.slot_snr(slot, self.unit.seed)
        hol = np.array([snr[i, q[0].rx] if q else 0.0 for i, q in enumerate(self.queues)])
        grant = self.scheduler.allocate(slot, self.queues, hol)
        for m, first in grant.sent:
            m.service_ns = start
            self.in_queue.change(start, -1)
            self.log((start, "transmit", m.id, m.tx, (slot, first, m.rbs)))
        for m in grant.collided:
            self.log((start, "collide", m.id, m.tx, (slot, m.attempts)))
            if m.attempts >= self.net.aloha_max_attempts:
                m.outcome, m.departure_ns, m.service_ns = "dropped_collision", start + self.slot_ns, start
                self.in_queue.change(start, -1)
                self.in_system.change(start + self.slot_ns, -1)
        self.used.append(grant.used_rbs)
        return grant, h

    def deliver(self, grant, h) -> None:
        """The slot's transmissions decoded, batched, at the end of the slot."""
        sent = [m for m, _ in grant.sent]
        correct = self.links.decode_slot(sent, h)
        now = self.env.now
        for m, ok in zip(sent, correct):
            m.outcome, m.departure_ns, m.correct = "delivered", now, bool(ok)
            self.in_system.change(now, -1)
            self.log((now, "deliver", m.id, m.tx, bool(ok)))

    def slots(self):
        """The slot process (see the module docstring)."""
        env, slot = self.env, 0
        while True:
            yield env.timeout(slot * self.slot_ns - env.now)
            yield env.timeout(0)  # arrivals at this very boundary are queued first
            start = env.now
            if start >= self.stop_ns and not any(self.queues):
                self.end_ns = start
                return
            if self.deadline_ns is not None:
                self.drop_expired(start)
            grant, h = self.schedule(slot, start)
            yield env.timeout(self.slot_ns)
            if grant is not None and grant.sent:
                self.deliver(grant, h)
            slot += 1

    def run(self) -> NetworkRun:
        for i, t in enumerate(self.transmitters):
            src = TrafficSource(
                self.env,
                t.traffic,
                self.unit.arrival_rate * t.rate_scale,
                self.stop_ns,
                self.rngs[i],
                self.arrival(i),
                offset_s=t.offset_s,
            )
            self.env.process(src.run())
        self.env.process(self.slots())
        self.env.run()
        return NetworkRun(
            self.messages,
            self.events,
            np.asarray(self.used, dtype=np.int64),
            self.end_ns,
            self.links,
            self.transmitters,
            self.receivers,
            self.in_queue,
            self.in_system,
            self.max_queue,
        )


def simulate_network(sc: NetworkScenario, unit: NetworkUnit) -> NetworkRun:
    """Run the SimPy simulation of ``unit`` (see the module docstring)."""
    return _Simulation(sc, unit).run()


def run_network_unit(sc: NetworkScenario, unit: NetworkUnit) -> list[dict[str, Any]]:
    """Simulate ``unit`` and return its one result row (see :mod:`semcom.simulator.network.metrics`)."""
    # one thread whatever the executor: the slots' small tensors collapse on two threads
    # under any other load (semcom.core.threads.NETWORK_UNIT_THREADS)
    with torch.no_grad(), fixed_threads(NETWORK_UNIT_THREADS):
        run = simulate_network(sc, unit)
    return [unit_metrics(sc, unit, run)]
