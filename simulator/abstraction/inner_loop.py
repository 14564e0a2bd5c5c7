"""The inner loop's expected accuracy of a configuration at an SINR estimate, fading included.

Link adaptation knows a message's large-scale SINR estimate, not the fading and interference
its REs will see. Reading the table at the estimate predicts the accuracy of a message whose
every RE sits at the estimate; a real message is spread around it and its effective SINR lies
below (every mapping is below the mean), so that reading is too high, and by an amount that
differs per configuration (more REs, more spread, another mapping). :class:`FadingAverage` is
instead, with ESM the table's mapping (:meth:`~.table.AbstractionTable.effective_sinr_db`),

    p̂_{g,c}(x) = E[ acc_{g,c}( ESM( x + δ ) ) ]

over the per-RE offsets δ = SINR_RE − estimate of the messages the engine sent with that
configuration and group on the calibration drops whose estimate lies near x (within
``width_db``; the ``min_messages`` nearest when fewer), tabulated on a grid of x and read by
linear interpolation, and made nondecreasing in x (:func:`nondecreasing`). A configuration no
message of a group used takes the offsets of the other groups' messages of that configuration.
Built offline with the tables; checked on the
validation drops by :func:`inner_loop_check` (mean predicted vs mean realised accuracy per
configuration).

Example:

.. code-block:: python

    import numpy as np
    from semcom.simulator.abstraction.inner_loop import FadingAverage
    fa = FadingAverage(np.array([0.0, 10.0]), {(0, 0): np.array([0.3, 0.7])})
    print(fa(np.array([0, 0]), np.array([0, 0]), np.array([5.0, 20.0])))     # [0.5 0.7]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FadingAverage", "build_fading_average", "inner_loop_check", "nondecreasing", "INNER_LOOP_MARGIN"]

#: ``|mean predicted − mean realised accuracy|`` per configuration the inner loop aims for.
INNER_LOOP_MARGIN = 0.02


@dataclass
class FadingAverage:
    """Expected accuracy against the large-scale SINR estimate, per (group, configuration).

    :ivar grid_db: [X], ascending, the estimates tabulated [dB].
    :ivar values: {(group, config): [X] expected accuracy}.

    :input group, config: [M] int. :input estimate_db: [M] float (outer-loop offset included, if any).
    :output expected: [M] np.float64.
    """

    grid_db: np.ndarray
    values: dict

    def __call__(self, group, config, estimate_db) -> np.ndarray:
        group, config = np.asarray(group), np.asarray(config)
        est = np.asarray(estimate_db, dtype=np.float64)
        out = np.empty(est.shape)
        for key in set(zip(group.ravel().tolist(), config.ravel().tolist())):
            m = (group == key[0]) & (config == key[1])
            if key not in self.values:
                raise KeyError(f"inner loop: no expected accuracy for group {key[0]}, configuration {key[1]}")
            out[m] = np.interp(est[m], self.grid_db, self.values[key])
        return out

    def to_json(self) -> dict:
        return {
            "grid_db": self.grid_db.tolist(),
            "values": [
                {"group": g, "config": c, "expected": v.tolist()} for (g, c), v in self.values.items()
            ],
        }

    @classmethod
    def from_json(cls, d: dict) -> FadingAverage:
        return cls(
            np.asarray(d["grid_db"], dtype=np.float64),
            {(int(e["group"]), int(e["config"])): np.asarray(e["expected"]) for e in d["values"]},
        )


def build_fading_average(
    table_of: dict,
    patterns,
    grid_db: np.ndarray,
    width_db: float = 2.0,
    min_messages: int = 200,
    max_messages: int = 2000,
    seed: int = 0,
) -> FadingAverage:
    """The :class:`FadingAverage` of every (group, config) of ``table_of`` (→ its table, β included)
    from the calibration drops' ``patterns`` (:class:`~.patterns.MessagePatterns`).

    At each grid point, at most ``max_messages`` of the messages near it are used (drawn with ``seed``)."""
    rng = np.random.default_rng(seed)
    offsets = patterns.offsets_db()
    values = {}
    for (g, c), table in table_of.items():
        mine = np.flatnonzero((patterns.group == g) & (patterns.config == c))
        if len(mine) == 0:
            mine = np.flatnonzero(patterns.config == c)
        if len(mine) == 0:
            raise ValueError(
                f"inner loop: the engine sent no message of configuration {c}; record it on the "
                "calibration drops"
            )
        est = patterns.estimate_db[mine]
        curve, weight = np.empty(len(grid_db)), np.empty(len(grid_db))
        for i, x in enumerate(grid_db):
            near = np.flatnonzero(np.abs(est - x) <= width_db)
            if len(near) < min_messages:
                near = np.argsort(np.abs(est - x), kind="stable")[:min_messages]
            if len(near) > max_messages:
                near = rng.choice(near, size=max_messages, replace=False)
            eff = table.effective_sinr_db(x + offsets[mine[near]])
            curve[i], weight[i] = float(np.mean(table.accuracy_at(eff))), len(near)
        values[(g, c)] = nondecreasing(curve, weight)
    return FadingAverage(np.asarray(grid_db, dtype=np.float64), values)


def nondecreasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted least-squares nondecreasing fit of ``values`` (pool adjacent violators).

    A better large-scale SINR does not lower the expected accuracy; where the offsets of a few
    messages say it does (the cell edge, where messages are rare), the dip is noise, and a dip is
    what link adaptation would exploit (it picks a configuration where its prediction is too high)."""
    blocks: list[list[float]] = []  # [value, weight, length]
    for v, w in zip(values.tolist(), weights.tolist()):
        blocks.append([v, max(w, 1e-12), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, n2 = blocks.pop()
            v1, w1, n1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return np.concatenate([np.full(n, v) for v, _, n in blocks])


def inner_loop_check(fading: FadingAverage, table_of: dict, patterns, labels: list[str]) -> list[dict]:
    """Per (group, configuration), on held-out ``patterns``: the mean accuracy the inner loop predicts
    at the messages' estimates (``predicted``) beside the mean the abstraction realises (the table at
    each message's own effective SINR, ``realised``) and the naive reading of the table at the
    estimate (``table_at_estimate``)."""
    rows = []
    for (g, c), table in table_of.items():
        m = (patterns.group == g) & (patterns.config == c)
        if not m.any():
            continue
        est = patterns.estimate_db[m]
        predicted = float(np.mean(fading(np.full(len(est), g), np.full(len(est), c), est)))
        realised = float(np.mean(table.accuracy_at(table.effective_sinr_db(patterns.sinr_db[m]))))
        rows.append(
            dict(
                group=g,
                config=labels[c],
                messages=int(m.sum()),
                predicted=predicted,
                realised=realised,
                error=predicted - realised,
                within_margin=bool(abs(predicted - realised) <= INNER_LOOP_MARGIN),
                table_at_estimate=float(np.mean(table.accuracy_at(est))),
            )
        )
    return rows
