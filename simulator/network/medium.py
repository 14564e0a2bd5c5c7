"""The shared medium and its schedulers (registered by name in :data:`SCHEDULERS`).

**Medium.** Time is divided into slots of ``T_slot``; a slot carries ``R`` resource
blocks (RBs) of ``C`` complex channel uses each. A message that needs ``n`` channel
uses (its encoding: K anchors or the latent size, bits, scheme, pilots) occupies
``ceil(n / C)`` RBs, **all in one slot** (the design choice of this simulator: a
message is one transmission of one slot, so it sees one fading block, and it is
delivered at the end of that slot). A message needing more than ``R`` RBs cannot be
sent; the scenario check refuses it. Several messages (of one or several
transmitters) share a slot on disjoint RBs.

**Schedulers.** At the start of each slot the scheduler picks which queued messages
go out, on which RBs:

* ``round_robin``: transmitters in cyclic order (the start rotates by one every
  slot), one head-of-line message per transmitter per pass, passes repeated while
  RBs remain; a transmitter whose head-of-line message does not fit waits.
* ``proportional_fair``: transmitters by decreasing ``r_i / A_i``, with ``r_i =
  log2(1 + SNR_i)`` the instantaneous rate of its head-of-line link in this slot
  (the scheduler knows this slot's fading) and ``A_i`` its exponentially averaged
  served rate (window ``pf_time_constant_slots``); each in turn sends as many of its
  messages as fit.
* ``slotted_aloha``: no coordination. Every backlogged transmitter tries its
  head-of-line message with probability ``aloha_access_probability`` on a uniformly
  chosen sub-channel (``R // rbs`` sub-channels of ``rbs`` RBs). Transmissions whose
  RBs overlap collide and are all lost; a collided message is tried again in later
  slots until ``aloha_max_attempts`` tries (default 1: a collision loses both).

Example::

    from collections import deque
    import numpy as np
    from semcom.simulator.network.medium import SCHEDULERS, Message
    queues = [deque([Message(0, tx=0, rx=0, sample=0, arrival_ns=0, channel_uses=20, rbs=2)]),
              deque([Message(1, tx=1, rx=0, sample=5, arrival_ns=0, channel_uses=20, rbs=2)])]
    sched = SCHEDULERS.get("round_robin")(num_transmitters=2, resource_blocks=3, rng=np.random.default_rng(0))
    grant = sched.allocate(0, queues, np.ones(2))
    print([(m.id, first) for m, first in grant.sent])    # [(0, 0)]: message 1 waits for the next slot
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from semcom.core.registry import Registry

__all__ = [
    "Message",
    "Grant",
    "Scheduler",
    "SCHEDULERS",
    "RoundRobinScheduler",
    "ProportionalFairScheduler",
    "SlottedAlohaScheduler",
]


@dataclass
class Message:
    """One message: a test sample a transmitter sends to a receiver.

    Times are integer nanoseconds of simulated time (see :mod:`semcom.simulator.network.traffic`).
    """

    id: int
    tx: int
    rx: int
    sample: int  # dataset index of the transmitted sample
    arrival_ns: int
    channel_uses: int
    rbs: int
    attempts: int = 0
    service_ns: Optional[int] = None  # start of the slot of its (last) transmission
    departure_ns: Optional[int] = None  # delivered, or dropped
    outcome: str = "queued"  # delivered | dropped_queue | dropped_collision | dropped_deadline
    correct: Optional[bool] = None


@dataclass
class Grant:
    """A scheduler's decision for one slot.

    :ivar sent: ``(message, first_rb)`` of the transmissions that reach their receiver.
    :ivar collided: messages whose transmission collided (lost in this slot).
    :ivar used_rbs: RBs carrying any transmission (collided ones included).
    """

    sent: list[tuple[Message, int]] = field(default_factory=list)
    collided: list[Message] = field(default_factory=list)
    used_rbs: int = 0


SCHEDULERS: Registry[type[Scheduler]] = Registry("scheduler")


class Scheduler:
    """Contract: :meth:`allocate` picks this slot's transmissions and removes every message
    that leaves its queue (sent, or collided for the last time) from the queues.

    :param num_transmitters: N.
    :param resource_blocks: R, RBs per slot.
    :param rng: generator of the scheduler's own random choices (ALOHA).

    :input slot: int, the slot index.
    :input queues: N ``deque[Message]``, head of line first.
    :input snr: [N] np.float64, linear SNR of each transmitter's head-of-line link in this slot.
    :output grant: :class:`Grant`.
    """

    #: The network settings (``network.<name>``) this scheduler takes as keywords.
    settings: tuple[str, ...] = ()

    def __init__(self, num_transmitters: int, resource_blocks: int, rng: np.random.Generator):
        self.num_transmitters = int(num_transmitters)
        self.resource_blocks = int(resource_blocks)
        self.rng = rng

    def allocate(self, slot: int, queues: list[deque], snr: np.ndarray) -> Grant:
        raise NotImplementedError

    def _greedy(self, order: list[int], queues: list[deque], one_per_pass: bool) -> Grant:
        """Head-of-line messages in ``order`` onto consecutive RBs while they fit."""
        grant, free, taken = Grant(), self.resource_blocks, [0] * len(queues)
        blocked = [False] * len(queues)
        progress = True
        while progress and free > 0:
            progress = False
            for i in order:
                q = queues[i]
                while not blocked[i] and taken[i] < len(q):
                    m = q[taken[i]]
                    if m.rbs > free:
                        blocked[i] = True  # head of line waits: no overtaking within a queue
                        break
                    grant.sent.append((m, self.resource_blocks - free))
                    free -= m.rbs
                    taken[i] += 1
                    progress = True
                    if one_per_pass:
                        break
            if not one_per_pass:
                break
        for i, n in enumerate(taken):
            for _ in range(n):
                queues[i].popleft()
        grant.used_rbs = self.resource_blocks - free
        return grant


@SCHEDULERS.register("round_robin")
class RoundRobinScheduler(Scheduler):
    """Cyclic order, one message per transmitter per pass; the start rotates every slot."""

    def __init__(self, num_transmitters, resource_blocks, rng):
        super().__init__(num_transmitters, resource_blocks, rng)
        self.pointer = 0

    def allocate(self, slot, queues, snr):
        n = self.num_transmitters
        order = [(self.pointer + i) % n for i in range(n)]
        self.pointer = (self.pointer + 1) % n
        return self._greedy(order, queues, one_per_pass=True)


@SCHEDULERS.register("proportional_fair")
class ProportionalFairScheduler(Scheduler):
    """Highest ``log2(1 + snr) / average served rate`` first (ties: lower index first).

    :param pf_time_constant_slots: averaging window ``t_c`` of the served rate,
        ``A <- (1 - 1/t_c) A + (1/t_c) r·rbs_served``.
    """

    settings = ("pf_time_constant_slots",)

    def __init__(self, num_transmitters, resource_blocks, rng, pf_time_constant_slots: float):
        super().__init__(num_transmitters, resource_blocks, rng)
        self.tc = float(pf_time_constant_slots)
        self.average = np.zeros(num_transmitters)

    def allocate(self, slot, queues, snr):
        rate = np.log2(1.0 + np.asarray(snr, dtype=np.float64))
        metric = rate / np.maximum(self.average, 1e-12)
        backlogged = [i for i in range(self.num_transmitters) if queues[i]]
        order = sorted(backlogged, key=lambda i: (-metric[i], i))
        grant = self._greedy(order, queues, one_per_pass=False)
        served = np.zeros(self.num_transmitters)
        for m, _ in grant.sent:
            served[m.tx] += rate[m.tx] * m.rbs
        self.average = (1.0 - 1.0 / self.tc) * self.average + served / self.tc
        return grant


@SCHEDULERS.register("slotted_aloha")
class SlottedAlohaScheduler(Scheduler):
    """Random access: tries with probability ``p`` on a random sub-channel; overlaps collide.

    :param aloha_access_probability: ``p``.
    :param aloha_max_attempts: tries before a collided message is dropped.
    """

    settings = ("aloha_access_probability", "aloha_max_attempts")

    def __init__(
        self, num_transmitters, resource_blocks, rng, aloha_access_probability: float, aloha_max_attempts: int
    ):
        super().__init__(num_transmitters, resource_blocks, rng)
        self.p = float(aloha_access_probability)
        self.max_attempts = int(aloha_max_attempts)

    def allocate(self, slot, queues, snr):
        grant = Grant()
        tries = []
        for i in range(self.num_transmitters):
            if not queues[i]:
                continue
            # draw both numbers for every backlogged transmitter: the draws of one do not
            # depend on another's outcome
            u, c = self.rng.random(), self.rng.random()
            if u >= self.p:
                continue
            m = queues[i][0]
            channels = self.resource_blocks // m.rbs
            first = int(c * channels) * m.rbs
            tries.append((m, first))
        occupancy = np.zeros(self.resource_blocks, dtype=np.int64)
        for m, first in tries:
            occupancy[first : first + m.rbs] += 1
        grant.used_rbs = int((occupancy > 0).sum())
        for m, first in tries:
            m.attempts += 1
            if (occupancy[first : first + m.rbs] == 1).all():
                grant.sent.append((m, first))
                queues[m.tx].popleft()
            else:
                grant.collided.append(m)
                if m.attempts >= self.max_attempts:
                    queues[m.tx].popleft()
        return grant
