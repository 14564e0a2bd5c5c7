"""The outer loop of the semantic policies (``*_olla``): predictions kept calibrated by delayed
task feedback, in the spirit of Sionna's :class:`~sionna.sys.OuterLoopLinkAdaptation` (an SINR
offset moved on HARQ ACK/NACK towards a BLER target).

A semantic message has no ACK, but its task outcome ``y`` (the decision right or wrong) comes
back ``feedback_delay_slots`` after it was sent, for a share ``feedback_fraction`` of decisions.
The inner loop predicts configuration ``c`` of agent ``a`` (group ``g``) at estimate ``γ̂``:

    p̂ = clip( T_{g,c}(γ̂ + Δ_a + δ_{g,c}) + b_{g,c}, 0, 1 )

with ``T`` the table's expectation (:meth:`~.tables.LinkTables.expected_accuracy`), and three
terms learnt by stochastic gradient on the squared error ``(y − p̂)²``: in every slot with
feedback, each term moves by its step times the **mean**, over the outcomes it explains that
arrived in that slot, of ``(y − p̂)·T′/``:data:`REFERENCE_SLOPE` (SINR terms) or ``y − p̂`` (the
bias), so a frame's burst of outcomes or a network's thousands per slot make one step, not
thousands:

* ``Δ_a`` [dB], the agent's own SINR offset (the interference it meets, its estimate's error),
  step ``olla_step_db``;
* ``δ_{g,c}`` [dB], the SINR shift its group shares for a configuration (the fading loss of a
  message of that size and mapping, learnt from every agent's outcomes), step ``olla_config_step_db``;
* ``b_{g,c}``, an accuracy bias, step ``olla_bias_step``: what a shift cannot hold where ``T``
  is flat (a saturated table that fading still pulls down).

The slope weighting is what keeps the offsets put: where a table is flat in SINR the outcome
says nothing about an SINR offset, and an offset moved there by ``y − p̂`` alone wanders. At rest
``E[(y − p̂)·T′] = 0`` and ``E[y − p̂] = 0`` per configuration: predictions calibrated per
configuration and, where the tables have a slope, per agent.

Example::

    import numpy as np
    from semcom.simulator.system.outer_loop import OuterLoop
    # loop = OuterLoop(groups=np.zeros(4, int), num_configs=2, spec=la_spec, enabled=True)
"""

from __future__ import annotations

import numpy as np

__all__ = ["OuterLoop", "REFERENCE_SLOPE"]

#: Slope of a table [accuracy per dB] at which an SINR step equals its nominal size.
REFERENCE_SLOPE = 0.05
#: Half-width of the slope's finite difference [dB].
_H = 0.5


class OuterLoop:
    """Outer loop of every agent and every (group, configuration) (module docstring).

    :param groups: [N] group of every agent. :param num_configs: C. :param spec: the
        :class:`~.schema.LinkAdaptationSpec`. :param enabled: a ``*_olla`` policy.
    :ivar agent: [N] SINR offsets [dB]. :ivar shift: [G, C] SINR shifts [dB]. :ivar bias: [G, C].
    """

    def __init__(self, groups: np.ndarray, num_configs: int, spec, enabled: bool):
        self.groups = groups
        self.agent = np.zeros(len(groups))
        shape = (int(groups.max()) + 1 if len(groups) else 1, num_configs)
        self.shift, self.bias = np.zeros(shape), np.zeros(shape)
        self.spec, self.enabled = spec, enabled
        self.pending: dict[int, tuple] = {}

    def _x(self, agents: np.ndarray, est_db: np.ndarray) -> np.ndarray:
        return est_db + self.agent[agents][:, None] + self.shift[self.groups[agents]]

    def predict(self, tables, agents: np.ndarray, est_db: np.ndarray) -> np.ndarray:
        """[A, C] the expected accuracy of every configuration for ``agents`` from their estimates [A, C]."""
        g = self.groups[agents]
        if not self.enabled:
            return tables.expected_accuracy(g, est_db)
        return np.clip(tables.expected_accuracy(g, self._x(agents, est_db)) + self.bias[g], 0.0, 1.0)

    def expect(self, tables, slot: int, msg, agents, config, predicted, est_db, draw) -> None:
        """Messages sent in ``slot`` (their configuration, prediction and estimate [dB]) whose outcome
        comes back (``draw < feedback_fraction``); the slope of each prediction is taken now."""
        if not self.enabled:
            return
        keep = draw < self.spec.feedback_fraction
        if not keep.any():
            return
        msg, agents, config, predicted, est_db = (x[keep] for x in (msg, agents, config, predicted, est_db))
        g = self.groups[agents]
        x = est_db + self.agent[agents] + self.shift[g, config]
        slope = (
            tables.expected_accuracy_of(g, config, x + _H) - tables.expected_accuracy_of(g, config, x - _H)
        ) / (2 * _H)
        self.pending[slot + self.spec.feedback_delay_slots] = (msg, agents, config, predicted, slope)

    def due(self, slot: int) -> bool:
        return slot in self.pending

    def learn(self, slot: int, correct: np.ndarray) -> None:
        """Apply the outcomes due in ``slot`` (``correct``: [M] the decisions drawn so far)."""
        msg, agents, config, predicted, slope = self.pending.pop(slot)
        sp = self.spec
        err = correct[msg].astype(np.float64) - predicted
        grad = err * slope / REFERENCE_SLOPE
        n_agents = np.bincount(agents, minlength=len(self.agent))
        has = n_agents > 0
        self.agent[has] += sp.olla_step_db * np.bincount(agents, grad, len(self.agent))[has] / n_agents[has]
        key = self.groups[agents] * self.shift.shape[1] + config
        size = self.shift.size
        n_key = np.bincount(key, minlength=size)
        seen = n_key > 0
        self.shift.ravel()[seen] += sp.olla_config_step_db * np.bincount(key, grad, size)[seen] / n_key[seen]
        self.bias.ravel()[seen] += sp.olla_bias_step * np.bincount(key, err, size)[seen] / n_key[seen]
        lo, hi = sp.olla_offset_db
        for arr in (self.agent, self.shift):
            np.clip(arr, lo, hi, out=arr)
        np.clip(self.bias, -1.0, 1.0, out=self.bias)
