"""Semantic link adaptation: per message, the configuration (K, scheme, bits) to send with.

Inner loop (every policy but ``fixed``), from the SINR estimate ``γ̂`` of each configuration
(its power per RB differs with its RB count) plus the agent's outer-loop offset ``Δ``:

* ``goodput``: maximise the expected correct decisions per RB, ``acc_c(γ̂_c + Δ) / RB_c``;
* ``target``: the fewest RBs whose expected accuracy meets ``target_accuracy``
  (ties: the more accurate); when none does, the most accurate.

Outer loop (``*_olla``), in the spirit of Sionna's :class:`~sionna.sys.OuterLoopLinkAdaptation`
(which moves an SINR offset by fixed steps on HARQ ACK/NACK to hold a BLER target): a
semantic message has no ACK, but its task outcome can come back later (delayed task
feedback: the application confirms or corrects the decision). With ``y ∈ {0, 1}`` that
outcome and ``p̂`` the accuracy the inner loop expected, ``Δ ← clip(Δ + step·(y − p̂))``:
the offset stops moving when the table's predictions are calibrated for this agent
(``E[y] = E[p̂]``), the fixed point OLLA's ACK/NACK steps reach for a BLER target. It
corrects what the estimate misses: fast fading over the message's RBs (EESM loss),
interference that differs from its average, and table error.

Example::

    import numpy as np
    from semcom.simulator.system.link_adaptation import choose_configs
    # tables: LinkTables; est_db: [M, C] estimates; groups: [M]
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose_configs", "expected_accuracy"]


def expected_accuracy(tables, groups: np.ndarray, sinr_db: np.ndarray) -> np.ndarray:
    """[M, C] each configuration's table accuracy at each message's SINR [dB] (``sinr_db``: [M, C])."""
    acc = np.empty_like(sinr_db, dtype=np.float64)
    for g in np.unique(groups):
        m = groups == g
        for c, table in enumerate(tables.tables[int(g)]):
            acc[m, c] = table.accuracy_at(sinr_db[m, c])
    return acc


def choose_configs(policy: str, fixed: int | None, tables, groups: np.ndarray, sinr_db: np.ndarray,
                   target: float) -> tuple[np.ndarray, np.ndarray]:
    """The configuration of each message and the accuracy expected with it.

    :input groups: [M] group index. :input sinr_db: [M, C] SINR estimate per configuration,
        outer-loop offset included [dB].
    :output config: [M] np.int64. :output expected: [M] np.float64.
    """
    acc = expected_accuracy(tables, groups, sinr_db)
    rows = np.arange(len(groups))
    if fixed is not None:
        cfg = np.full(len(groups), fixed, dtype=np.int64)
        return cfg, acc[rows, cfg]
    rbs = tables.rbs[groups].astype(np.float64)                          # [M, C]
    base = policy.removesuffix("_olla")
    if base == "goodput":
        cfg = np.argmax(acc / rbs, axis=1)
    elif base == "target":
        ok = acc >= target
        # fewest RBs among those meeting the target, the more accurate on ties
        score = np.where(ok, -rbs * 10.0 + acc, -np.inf)
        cfg = np.where(ok.any(1), np.argmax(score, axis=1), np.argmax(acc, axis=1))
    else:
        raise ValueError(f"unknown link-adaptation policy {policy!r}")
    cfg = cfg.astype(np.int64)
    return cfg, acc[rows, cfg]
