"""Message arrivals of one transmitter: Poisson or periodic, as a SimPy process.

Simulated time is an integer number of **nanoseconds** (:data:`NS_PER_S`): a periodic
arrival and a slot boundary that coincide in exact arithmetic are then equal (in
floating point ``3 * 0.01 != 30 * 0.001``), so event logs are exact and ties are
ordered by rule, not by rounding.

Example::

    import numpy as np, simpy
    from semcom.simulator.network.traffic import TrafficSource
    env = simpy.Environment()
    times = []
    src = TrafficSource(env, "periodic", rate=100.0, stop_ns=50_000_000, rng=np.random.default_rng(0),
                        offset_s=0.0, on_arrival=times.append)
    env.process(src.run())
    env.run()
    print(times)      # [0, 10000000, 20000000, 30000000, 40000000] (ns)
"""

from __future__ import annotations

from typing import Optional
from collections.abc import Callable, Generator

import numpy as np
import simpy

__all__ = ["TrafficSource", "NS_PER_S", "to_ns"]

#: Simulated time unit: 1 ns.
NS_PER_S = 1_000_000_000


def to_ns(seconds: float) -> int:
    """Seconds → integer nanoseconds (rounded)."""
    return int(round(float(seconds) * NS_PER_S))


class TrafficSource:
    """Arrivals of one transmitter, calling ``on_arrival(time_ns)`` for each.

    :param kind: ``"poisson"`` (exponential gaps of mean ``1/rate``) or ``"periodic"``
        (one message every ``1/rate`` seconds from ``offset_s``).
    :param rate: messages per second (> 0).
    :param stop_ns: no arrival at or after this time.
    :param rng: the transmitter's own generator (from :func:`semcom.simulator.run.randomness.derive_rng`).
    :param offset_s: periodic: time of the first message; `None` draws it uniformly in
        ``[0, 1/rate)`` from ``rng``. Poisson: ignored (the process starts at 0).
    """

    def __init__(
        self,
        env: simpy.Environment,
        kind: str,
        rate: float,
        stop_ns: int,
        rng: np.random.Generator,
        on_arrival: Callable[[int], None],
        offset_s: Optional[float] = None,
    ):
        if kind not in ("poisson", "periodic"):
            raise ValueError(f"unknown traffic kind {kind!r}")
        if not rate > 0:
            raise ValueError(f"rate must be > 0 (got {rate!r})")
        self.env, self.kind, self.rate, self.stop_ns = env, kind, float(rate), int(stop_ns)
        self.rng, self.on_arrival = rng, on_arrival
        period = 1.0 / self.rate
        self.offset_s = (
            (float(offset_s) if offset_s is not None else float(rng.uniform(0.0, period)))
            if kind == "periodic"
            else 0.0
        )

    def run(self) -> Generator[simpy.Event, None, None]:
        """The SimPy process: wait for each arrival, report it, stop at ``stop_ns``."""
        k, t = 0, 0.0
        while True:
            if self.kind == "periodic":
                t = self.offset_s + k / self.rate  # no accumulated rounding error
            else:
                t += float(self.rng.exponential(1.0 / self.rate))
            t_ns = to_ns(t)
            if t_ns >= self.stop_ns:
                return
            yield self.env.timeout(max(0, t_ns - self.env.now))
            self.on_arrival(t_ns)
            k += 1
