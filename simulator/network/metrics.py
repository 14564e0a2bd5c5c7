"""Metrics of a network run: latency distribution, accuracy, semantic goodput, drops,
queue lengths, utilisation, and the terms of Little's law.

Measured messages are those arriving in the window ``[warmup_s, duration_s)`` of
length ``T``. With ``A`` the accepted (not dropped on arrival) measured messages:

* latency of a delivered message: delivery time (end of its slot) minus arrival time;
  mean, p50, p95, p99 over delivered measured messages;
* accuracy: correct decisions / delivered, with its 95% Wilson interval;
* semantic goodput: correct decisions per second, ``correct / T``; throughput:
  delivered messages per second;
* drops: on arrival (queue full), by collision (ALOHA), by deadline;
* Little's law ``L = λ W``: ``L`` the time average over the window of the number of
  messages in the system (queued or in transmission; measured by an event counter,
  :class:`OccupancyMonitor`, independently of the per-message times), ``λ = |A| / T``,
  ``W`` the mean time in the system of ``A`` (dropped messages leave when dropped);
* utilisation: RBs carrying a transmission / RBs offered, over the slots of the window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..results.cells import format_cell as _fmt
from ..results.metrics import wilson_interval
from .alignment import alignment_cost
from .traffic import NS_PER_S, to_ns

__all__ = ["OccupancyMonitor", "unit_metrics", "NETWORK_COLUMNS", "latency_summary"]

#: Columns of network_results.csv, in order.
NETWORK_COLUMNS = [
    "scenario",
    "scheduler",
    "channel",
    "semantic_equalizer",
    "anchor_selection",
    "num_anchors",
    "scheme",
    "bits",
    "seed",
    "arrival_rate",
    "num_transmitters",
    "num_receivers",
    "offered_traffic",
    "offered_load",
    "channel_uses_per_message",
    "rbs_per_message",
    "mean_link_snr_db",
    "messages",
    "delivered",
    "correct",
    "accuracy",
    "accuracy_low",
    "accuracy_high",
    "goodput",
    "throughput",
    "drops_queue",
    "drops_collision",
    "drops_deadline",
    "drop_rate",
    "latency_mean",
    "latency_p50",
    "latency_p95",
    "latency_p99",
    "latency_min",
    "latency_max",
    "slot_duration",
    "mean_queue_length",
    "max_queue_length",
    "mean_in_system",
    "little_lambda",
    "little_w",
    "little_lambda_w",
    "utilisation",
    "alignment_fits",
    "alignment_pilot_channel_uses",
    "alignment_airtime_s",
    "unit",
]


class OccupancyMonitor:
    """A counter of messages in some state, integrated over time.

    :meth:`change` records ``+1``/``-1`` at an (integer ns) time; :meth:`time_average`
    integrates the step function over a window; :attr:`peak` is the largest value reached.

    >>> m = OccupancyMonitor(); m.change(0, +1); m.change(10, +1); m.change(30, -1); m.change(40, -1)
    >>> m.time_average(0, 40)      # (1·10 + 2·20 + 1·10) / 40
    1.5
    """

    def __init__(self):
        self.times: list[int] = []
        self.deltas: list[int] = []
        self.value = 0
        self.peak = 0

    def change(self, t_ns: int, delta: int) -> None:
        self.times.append(int(t_ns))
        self.deltas.append(int(delta))
        self.value += delta
        self.peak = max(self.peak, self.value)

    def integral(self, start_ns: int, stop_ns: int) -> int:
        """Exact integral of the count over ``[start_ns, stop_ns)`` [count·ns]."""
        if stop_ns <= start_ns or not self.times:
            return 0
        t = np.asarray(self.times, dtype=np.int64)
        order = np.argsort(t, kind="stable")
        t, level = t[order], np.cumsum(np.asarray(self.deltas, dtype=np.int64)[order])
        # level[i] holds on [t[i], t[i+1]); before t[0] the count is 0
        edges = np.append(t, max(stop_ns, int(t[-1])))
        lo = np.clip(edges[:-1], start_ns, stop_ns)
        hi = np.clip(edges[1:], start_ns, stop_ns)
        return int((level * (hi - lo)).sum())

    def time_average(self, start_ns: int, stop_ns: int) -> float:
        """Time average of the count over ``[start_ns, stop_ns)``."""
        if stop_ns <= start_ns:
            return math.nan
        return self.integral(start_ns, stop_ns) / (stop_ns - start_ns)


def latency_summary(latencies_s: np.ndarray) -> dict[str, float | None]:
    """Mean, p50, p95, p99, min, max of latencies [s] (all `None` when there are none)."""
    keys = ("latency_mean", "latency_p50", "latency_p95", "latency_p99", "latency_min", "latency_max")
    if len(latencies_s) == 0:
        return dict.fromkeys(keys)
    lat = np.asarray(latencies_s, dtype=np.float64)
    p50, p95, p99 = np.percentile(lat, [50, 95, 99])
    return dict(zip(keys, (lat.mean(), p50, p95, p99, lat.min(), lat.max())))


def unit_metrics(sc, unit, run) -> dict[str, Any]:
    """The result row of one network unit (columns :data:`NETWORK_COLUMNS`)."""
    net = sc.network
    start_ns, stop_ns = to_ns(net.warmup_s), to_ns(net.duration_s)
    window_s = (stop_ns - start_ns) / NS_PER_S
    measured = [m for m in run.messages if start_ns <= m.arrival_ns < stop_ns]
    accepted = [m for m in measured if m.outcome != "dropped_queue"]
    delivered = [m for m in measured if m.outcome == "delivered"]
    correct = sum(1 for m in delivered if m.correct)
    latency = np.array([(m.departure_ns - m.arrival_ns) / NS_PER_S for m in delivered])
    sojourn = np.array([(m.departure_ns - m.arrival_ns) / NS_PER_S for m in accepted])
    drops = {
        k: sum(1 for m in measured if m.outcome == f"dropped_{k}") for k in ("queue", "collision", "deadline")
    }
    lo, hi = wilson_interval(correct, len(delivered))
    slot_ns = to_ns(net.slot_duration_s)
    first, last = -(-start_ns // slot_ns), stop_ns // slot_ns  # slots inside the window
    used = run.slot_used_rbs[first:last]
    links, txs = run.links, run.transmitters
    rates = np.array([unit.arrival_rate * t.rate_scale for t in txs])
    cu = np.array([links.channel_uses(i) for i in range(len(txs))], dtype=np.float64)
    rbs = np.ceil(cu / net.channel_uses_per_rb)
    snr_db = [links.gain_db[i, r] for i, t in enumerate(txs) for r in t.destinations]
    lam = len(accepted) / window_s
    w = float(sojourn.mean()) if len(sojourn) else math.nan
    cost = alignment_cost(sc, links, unit)
    row = dict(
        scenario=sc.name,
        scheduler=unit.scheduler,
        channel=unit.channel,
        semantic_equalizer=unit.semantic_equalizer,
        anchor_selection=unit.anchor_selection,
        num_anchors=unit.num_anchors,
        scheme=sc.scheme.kind,
        bits=unit.bits,
        seed=unit.seed,
        arrival_rate=unit.arrival_rate,
        num_transmitters=len(txs),
        num_receivers=len(run.receivers),
        offered_traffic=float(rates.sum()),
        offered_load=float((rates * rbs).sum() * net.slot_duration_s / net.resource_blocks),
        channel_uses_per_message=float((rates * cu).sum() / rates.sum()),
        rbs_per_message=float((rates * rbs).sum() / rates.sum()),
        mean_link_snr_db=float(np.mean(snr_db)),
        messages=len(measured),
        delivered=len(delivered),
        correct=correct,
        accuracy=correct / len(delivered) if delivered else None,
        accuracy_low=lo,
        accuracy_high=hi,
        goodput=correct / window_s,
        throughput=len(delivered) / window_s,
        drops_queue=drops["queue"],
        drops_collision=drops["collision"],
        drops_deadline=drops["deadline"],
        drop_rate=sum(drops.values()) / len(measured) if measured else None,
        **latency_summary(latency),
        slot_duration=net.slot_duration_s,
        mean_queue_length=run.queue_monitor.time_average(start_ns, stop_ns) / len(txs),
        max_queue_length=run.max_queue,
        mean_in_system=run.system_monitor.time_average(start_ns, stop_ns),
        little_lambda=lam,
        little_w=w,
        little_lambda_w=lam * w,
        utilisation=float(used.sum()) / (len(used) * net.resource_blocks) if len(used) else None,
        alignment_fits=cost.fits,
        alignment_pilot_channel_uses=cost.pilot_channel_uses,
        alignment_airtime_s=cost.airtime_s,
        unit=unit.key,
    )
    return {k: _fmt(row.get(k)) for k in NETWORK_COLUMNS}
