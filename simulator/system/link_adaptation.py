"""Semantic link adaptation: which configuration (K, scheme, bits) each queued message is sent
with, as candidate *rules* that :mod:`.packing` packs into the slot (the engine keeps, per
sector, the rule with the most expected correct decisions).

Inner loop: the expected accuracy ``p_c`` of every configuration from the agent's SINR
estimate plus its outer-loop offset (:meth:`~.tables.LinkTables.expected_accuracy`).

* ``max_correct`` (load-aware): maximise the expected correct decisions over time subject to
  the sector's resources, a multiple-choice knapsack on the long-run averages solved by
  its Lagrangian: with a shadow price ``λ_s`` per RE in sector ``s``, every message takes
  ``argmax_c p_c − λ_s·RE_c``, and ``λ_s`` is the dual variable of the sector's capacity,
  found online (:class:`SectorPrice`): it falls towards zero while the sector's queues stay
  short (the slot has room: every message at its most accurate configuration) and rises
  while the backlog exceeds ``price_backlog_s`` of the sector's capacity. The agents'
  partly filled PRBs are then spent at zero price (:func:`~.packing.upgrade`). A per-slot
  knapsack (pack the slot for the most expected correct decisions now) is myopic: it sends
  a burst's messages at small K rather than let some wait a slot, and lost to the best
  fixed configuration on a loaded test network; the price on the backlog does not.
* ``max_per_re``: every message its configuration of most expected correct decisions per
  RE, ``argmax p_c / RE_c`` (whatever the load).
* ``target``: the fewest REs whose expected accuracy meets ``target_accuracy`` (the more
  accurate on ties), the most accurate when none does.
* ``fixed:<label>``: one configuration.

Outer loop (``*_olla``), in the spirit of Sionna's :class:`~sionna.sys.OuterLoopLinkAdaptation`
(an SINR offset moved on HARQ ACK/NACK towards a BLER target): a semantic message has no
ACK, but its task outcome ``y`` comes back ``feedback_delay_slots`` later for a share
``feedback_fraction`` of decisions, and the agent's offset moves by
``olla_step_db·(y − p̂)``, ``p̂`` the accuracy the inner loop expected; it rests where the
predictions are calibrated for that agent (``E[y] = E[p̂]``), OLLA's fixed point for accuracy.

Example::

    import numpy as np
    from semcom.simulator.system.link_adaptation import policy_rules
    acc = np.array([[0.5, 0.8, 0.9]]); res = np.array([[4, 16, 64]])
    rules, spend = policy_rules("max_per_re", acc, res, price=np.zeros(1), target=0.85)
    print(rules, spend)                                   # [[0]] False
"""

from __future__ import annotations

import numpy as np

__all__ = ["policy_rules", "SectorPrice", "fixed_index", "base_policy", "PRICE_RANGE"]

#: Range of the shadow price per RE [expected correct decisions]: its floor is "free" for any
#: message of up to 10^4 REs (a gain of 0.01 in accuracy outweighs it).
PRICE_RANGE = (1e-6, 1.0)


class SectorPrice:
    """The shadow price per RE of every sector, moved each slot by the sector's backlog ``B``
    (REs of the messages left queued at the current prices): ``λ ← λ·exp(gain·min(B/B* − 1, 1))``
    within :data:`PRICE_RANGE`, ``B*`` = ``backlog_s`` of the sector's REs per second.

    :param num_sectors: S. :param capacity_re_per_slot: data REs of a slot. :param slots_backlog: B* in slots.
    """

    def __init__(self, num_sectors: int, capacity_re_per_slot: float, slots_backlog: float, gain: float):
        self.price = np.full(num_sectors, PRICE_RANGE[0])
        self.target = capacity_re_per_slot * slots_backlog
        self.gain = gain

    def update(self, backlog_re: np.ndarray) -> None:
        step = np.minimum(backlog_re / self.target - 1.0, 1.0)
        self.price = np.clip(self.price * np.exp(self.gain * step), *PRICE_RANGE)


def base_policy(policy: str) -> str:
    return policy.split(":", 1)[0].removesuffix("_olla")


def fixed_index(policy: str, labels: list[str]) -> int | None:
    return labels.index(policy.split(":", 1)[1]) if policy.startswith("fixed:") else None


def policy_rules(policy: str, acc: np.ndarray, res: np.ndarray, price: np.ndarray, target: float,
                 fixed: int | None = None) -> tuple[np.ndarray, bool]:
    """Candidate configurations of every message and whether free REs are spent on upgrades.

    :input acc: [M, C] expected accuracy. :input res: [M, C] REs per message.
    :input price: [M] shadow price per RE of each message's sector (``max_correct``).
    :output rules: [J, M] np.int64. :output spend: bool."""
    M, C = acc.shape
    base = base_policy(policy)
    if base == "fixed":
        return np.full((1, M), fixed, dtype=np.int64), False
    if base == "max_per_re":
        return np.argmax(acc / res, axis=1)[None, :].astype(np.int64), False
    if base == "target":
        ok = acc >= target
        score = np.where(ok, -res * 4.0 + acc, -np.inf)        # fewest REs first, then the more accurate
        return np.where(ok.any(1), np.argmax(score, 1), np.argmax(acc, 1))[None, :].astype(np.int64), False
    if base == "max_correct":
        return np.argmax(acc - price[:, None] * res, axis=1)[None, :].astype(np.int64), True
    raise ValueError(f"unknown link-adaptation policy {policy!r}")
