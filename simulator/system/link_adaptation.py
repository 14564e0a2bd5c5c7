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

Outer loop (``*_olla``, :class:`OuterLoop`), in the spirit of Sionna's
:class:`~sionna.sys.OuterLoopLinkAdaptation` (an SINR offset moved on HARQ ACK/NACK towards a
BLER target): a semantic message has no ACK, but its task outcome ``y`` comes back
``feedback_delay_slots`` later for a share ``feedback_fraction`` of decisions. Two terms:

* the agent's SINR offset ``Δ_a`` moves by ``olla_step_db·(y − p̂)`` (``p̂`` the accuracy the
  inner loop expected): what is the agent's own (interference it meets, its estimate's error);
* each group's **accuracy bias per configuration and SINR**: ``b_{g,c}(γ)``, the exponentially
  weighted mean (time constant ``olla_bias_window_s``) of ``y − p_table`` over every agent's
  outcomes of configuration ``c`` whose estimate ``γ̂ + Δ_a`` fell in the same
  :data:`BIAS_BIN_DB`-wide bin, shrunk towards the configuration's mean over all bins with
  :data:`BIAS_PRIOR` outcomes' weight (a bin with few outcomes borrows from its neighbours'
  mean). It holds what all messages of a configuration meet alike at that SINR, mainly the
  fading over its REs (a digital waterfall loses more to fading than an analog message):
  an online estimate of the fading-averaged table. An SINR offset cannot hold it (where a
  table is flat in SINR an offset has no restoring force and wanders), nor one bias per
  configuration (what it learns depends on which SINRs the configuration is chosen at).

Predicted accuracy: ``p̂_c = clip(table_c(γ̂_c + Δ_a) + b_{g,c}(γ̂_c + Δ_a), 0, 1)``; at rest the
predictions are calibrated per configuration and SINR (``E[y] = E[p̂]``) and per agent.

Example::

    import numpy as np
    from semcom.simulator.system.link_adaptation import policy_rules
    acc = np.array([[0.5, 0.8, 0.9]]); res = np.array([[4, 16, 64]])
    rules, spend = policy_rules("max_per_re", acc, res, price=np.zeros(1), target=0.85)
    print(rules, spend)                                   # [[0]] False
"""

from __future__ import annotations

import numpy as np

__all__ = ["policy_rules", "SectorPrice", "OuterLoop", "fixed_index", "base_policy", "PRICE_RANGE",
           "BIAS_BIN_DB", "BIAS_PRIOR"]

#: Width of the SINR bins of the outer loop's accuracy bias [dB], and their range.
BIAS_BIN_DB, BIAS_RANGE_DB = 2.0, (-40.0, 60.0)
#: Outcomes' weight of a configuration's overall bias in each of its bins' estimate.
BIAS_PRIOR = 20.0

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


class OuterLoop:
    """Outer loop of every agent and every (group, configuration, SINR bin) (module docstring).

    :param groups: [N] group of every agent. :param num_configs: C. :param spec: the
        :class:`~.schema.LinkAdaptationSpec`. :param enabled: a ``*_olla`` policy. :param slot_s: slot [s].
    :ivar agent: [N] SINR offsets [dB]. :ivar bias: [G, C] accuracy biases over all bins.
    """

    def __init__(self, groups: np.ndarray, num_configs: int, spec, enabled: bool, slot_s: float):
        self.groups = groups
        self.agent = np.zeros(len(groups))
        nb = int(round((BIAS_RANGE_DB[1] - BIAS_RANGE_DB[0]) / BIAS_BIN_DB))
        shape = (int(groups.max()) + 1 if len(groups) else 1, num_configs)
        self._err, self._n = np.zeros(shape + (nb,)), np.zeros(shape + (nb,))
        self.bias = np.zeros(shape)
        self._binned = np.zeros(shape + (nb,))
        self.spec, self.enabled = spec, enabled
        self.forget = float(np.exp(-slot_s / spec.olla_bias_window_s))
        self.pending: dict[int, tuple] = {}

    @staticmethod
    def _bin(sinr_db: np.ndarray) -> np.ndarray:
        n = int(round((BIAS_RANGE_DB[1] - BIAS_RANGE_DB[0]) / BIAS_BIN_DB))
        return np.clip(((sinr_db - BIAS_RANGE_DB[0]) // BIAS_BIN_DB).astype(np.int64), 0, n - 1)

    def predict(self, tables, agents: np.ndarray, est_db: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """([A, C] the expected accuracy of every configuration for ``agents`` from their estimates
        [A, C], [A, C] the table's part of it, before the bias)."""
        g = self.groups[agents]
        shifted = est_db + self.agent[agents][:, None]
        table = tables.expected_accuracy(g, shifted)
        if not self.enabled:
            return table, table
        c = np.arange(est_db.shape[1])[None, :]
        return np.clip(table + self._binned[g[:, None], c, self._bin(shifted)], 0.0, 1.0), table

    def expect(self, slot: int, msg, agents, config, predicted, table_only, est_db, draw) -> None:
        """Messages sent in ``slot`` (with their predictions and the estimate their prediction read,
        offset included) whose outcome comes back (``draw < feedback_fraction``)."""
        if not self.enabled:
            return
        keep = draw < self.spec.feedback_fraction
        if keep.any():
            self.pending[slot + self.spec.feedback_delay_slots] = tuple(
                x[keep] for x in (msg, agents, config, predicted, table_only, est_db))

    def due(self, slot: int) -> bool:
        return slot in self.pending

    def learn(self, slot: int, correct: np.ndarray) -> None:
        """Apply the outcomes due in ``slot`` (``correct``: [M] the decisions drawn so far)."""
        msg, agents, config, predicted, table_only, est = self.pending.pop(slot)
        y = correct[msg].astype(np.float64)
        np.add.at(self.agent, agents, self.spec.olla_step_db * (y - predicted))
        np.clip(self.agent, *self.spec.olla_offset_db, out=self.agent)
        self._err *= self.forget
        self._n *= self.forget
        key = (self.groups[agents], config, self._bin(est))
        np.add.at(self._err, key, y - table_only)
        np.add.at(self._n, key, 1.0)
        n_all = self._n.sum(-1)
        self.bias = np.where(n_all > 0, self._err.sum(-1) / np.maximum(n_all, 1e-300), 0.0)
        self._binned = (self._err + BIAS_PRIOR * self.bias[..., None]) / (self._n + BIAS_PRIOR)


def base_policy(policy: str) -> str:
    return policy.split(":", 1)[0].removesuffix("_olla")


def fixed_index(policy: str, labels: list[str]) -> int | None:
    """The configuration a ``fixed:<label>`` or ``conventional_5g:<label>`` policy names."""
    return labels.index(policy.split(":", 1)[1]) if ":" in policy else None


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
