"""Semantic link adaptation: which configuration (K, scheme, bits) each queued message is sent
with, as candidate *rules* that :mod:`.packing` packs into the slot (the engine keeps, per
sector, the rule with the most expected correct decisions).

Inner loop: the expected accuracy ``p_c`` of every configuration from the agent's SINR
estimate plus its outer-loop offset (:meth:`~.tables.LinkTables.expected_accuracy`).

* ``max_correct`` (load-aware): maximise the expected correct decisions over time subject to
  the sector's resources, a multiple-choice knapsack on the long-run averages solved by
  its Lagrangian: with a shadow price ``λ_s`` per RE in sector ``s``, every message takes
  ``argmax_c p_c − λ_s·RE_c``, and ``λ_s`` is the dual variable of the sector's capacity,
  found online (:class:`SectorPrice`): it falls to its floor while the sector's queues stay
  short and rises while the backlog exceeds what the sector sends in ``price_backlog_share``
  of the deadline (a burst that clears well within the deadline raises nothing). The floor,
  ``price_floor`` (1e-4 correct decisions per RE), prices the interference an RE causes in the
  other sectors and the inner loop's error: a configuration four times larger than another
  must promise about 0.5 % more accuracy per 16 extra REs to be chosen when the slot has room.
  An RE also costs the other sectors: when they use the same PRB it interferes with their
  messages, so the price adds ``interference_price × ū``, ``ū`` the other sectors' mean share
  of busy PRBs (the chance that an RE collides), set by validation on drops of its own.
  The agents' partly filled PRBs are then spent at zero price (:func:`~.packing.upgrade`). A per-slot
  knapsack (pack the slot for the most expected correct decisions now) is myopic: it sends
  a burst's messages at small K rather than let some wait a slot, and lost to the best
  fixed configuration on a loaded test network; the price on the backlog does not.
* ``max_per_re``: every message its configuration of most expected correct decisions per
  RE, ``argmax p_c / RE_c`` (whatever the load).
* ``target``: the fewest REs whose expected accuracy meets ``target_accuracy`` (the more
  accurate on ties), the most accurate when none does.
* ``fixed:<label>``: one configuration.

Outer loop (``*_olla``): :mod:`.outer_loop`.

Example::

    import numpy as np
    from semcom.simulator.system.link_adaptation import policy_rules
    acc = np.array([[0.5, 0.8, 0.9]]); res = np.array([[4, 16, 64]])
    rules, spend = policy_rules("max_per_re", acc, res, price=np.zeros(1), target=0.85)
    print(rules, spend)                                   # [[0]] False
"""

from __future__ import annotations

import numpy as np

__all__ = ["policy_rules", "SectorPrice", "fixed_index", "base_policy", "PRICE_MAX"]


#: Highest shadow price per RE [expected correct decisions] (a whole decision per RE: the cheapest
#: configuration wins whatever its accuracy).
PRICE_MAX = 1.0


class SectorPrice:
    """The shadow price per RE of every sector, moved each slot by the sector's backlog ``B``
    (REs of the messages left queued at the current prices): ``λ ← λ·exp(gain·min(B/B* − 1, 1))``
    within [``floor``, :data:`PRICE_MAX`], ``B*`` = ``slots_backlog`` slots of the sector's REs.

    :param num_sectors: S. :param capacity_re_per_slot: data REs of a slot. :param slots_backlog: B* in slots.
    """

    def __init__(
        self,
        num_sectors: int,
        capacity_re_per_slot: float,
        slots_backlog: float,
        gain: float,
        floor: float,
        interference_price: float,
        ewma: float,
    ):
        self.floor, self.kappa, self.ewma = floor, interference_price, ewma
        self.queue = np.full(num_sectors, floor)
        self.busy = np.zeros(num_sectors)  # each sector's share of PRBs in use (EWMA)
        self.price = self.queue.copy()
        self.target = capacity_re_per_slot * slots_backlog
        self.gain = gain

    def update(self, backlog_re: np.ndarray, busy: np.ndarray | None = None) -> None:
        """One slot: the sectors' backlogs [REs] and the share of their PRBs used ([S], or none used)."""
        step = np.minimum(backlog_re / self.target - 1.0, 1.0)
        self.queue = np.clip(self.queue * np.exp(self.gain * step), self.floor, PRICE_MAX)
        self.busy *= 1.0 - self.ewma
        if busy is not None:
            self.busy += self.ewma * busy
        n = len(self.busy)
        others = (self.busy.sum() - self.busy) / max(1, n - 1)
        self.price = np.minimum(self.queue + self.kappa * others, PRICE_MAX)


def base_policy(policy: str) -> str:
    return policy.split(":", 1)[0].removesuffix("_olla")


def fixed_index(policy: str, labels: list[str]) -> int | None:
    """The configuration a ``fixed:<label>`` or ``conventional_5g:<label>`` policy names."""
    return labels.index(policy.split(":", 1)[1]) if ":" in policy else None


def policy_rules(
    policy: str, acc: np.ndarray, res: np.ndarray, price: np.ndarray, target: float, fixed: int | None = None
) -> tuple[np.ndarray, bool]:
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
        score = np.where(ok, -res * 4.0 + acc, -np.inf)  # fewest REs first, then the more accurate
        return np.where(ok.any(1), np.argmax(score, 1), np.argmax(acc, 1))[None, :].astype(np.int64), False
    if base == "max_correct":
        return np.argmax(acc - price[:, None] * res, axis=1)[None, :].astype(np.int64), True
    raise ValueError(f"unknown link-adaptation policy {policy!r}")
