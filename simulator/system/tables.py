"""The abstraction tables a system study reads, arranged per agent group and configuration.

:class:`LinkTables` holds, for every group of agents (uplink: group model → server model;
downlink: server model → group model) and every configuration link adaptation may choose
(:class:`~semcom.simulator.system.schema.ConfigChoice`: K, scheme, bits), the
:class:`~semcom.simulator.abstraction.table.AbstractionTable` and the resource elements one
message takes: ``ceil(channel_uses)``, one complex channel use per data RE. Any object
with the table attributes (``config.channel_uses``, ``sinr_db``, ``accuracy_at``,
``eesm_beta``) works, so tests can hand in synthetic tables.

The inner loop's prediction (:meth:`LinkTables.expected_accuracy`) reads a table's
``expected_accuracy_at`` (the accuracy averaged over the fading a message meets around a
large-scale SINR estimate) where the table has one, else its ``accuracy_at`` at the estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from semcom.core.errors import ScenarioError
from semcom.transceivers.cache import cache_dir

from ..abstraction.build import build_table_set, table_key
from ..abstraction.tableset import TableSet
from .calibrated import cached_regime, calibrated_tables

__all__ = ["LinkTables", "link_tables", "load_table_set", "available_table_set", "study_tables", "flat_at_end"]


@dataclass
class LinkTables:
    """:ivar labels: [C] configuration labels. :ivar num_anchors, bits: [C].
    :ivar tables: [G][C] tables. :ivar res: [G, C] resource elements per message (np.int64).
    :ivar channel_uses: [G, C]."""

    labels: list[str]
    num_anchors: np.ndarray
    bits: list
    schemes: list[str]
    tables: list[list]
    res: np.ndarray
    channel_uses: np.ndarray

    def expected_accuracy_of(self, groups: np.ndarray, configs: np.ndarray, sinr_db: np.ndarray) -> np.ndarray:
        """[M] the expected accuracy of each message's own configuration ``configs`` [M] at ``sinr_db`` [M]."""
        out = np.empty(len(groups), dtype=np.float64)
        key = groups * len(self.labels) + configs
        for k in np.unique(key):
            m = key == k
            table = self.tables[int(k) // len(self.labels)][int(k) % len(self.labels)]
            read = getattr(table, "expected_accuracy_at", None) or table.accuracy_at
            out[m] = read(sinr_db[m])
        return out

    def expected_accuracy(self, groups: np.ndarray, sinr_db: np.ndarray) -> np.ndarray:
        """[M, C] the accuracy each configuration is expected to reach from each message's SINR
        estimate ``sinr_db`` [M, C] (dB, outer-loop offset included)."""
        acc = np.empty_like(sinr_db, dtype=np.float64)
        for g in np.unique(groups):
            m = groups == g
            for c, table in enumerate(self.tables[int(g)]):
                read = getattr(table, "expected_accuracy_at", None) or table.accuracy_at
                acc[m, c] = read(sinr_db[m, c])
        return acc

    def sinr_range(self) -> tuple[float, float]:
        """The SINR range every table covers [dB]. A table whose accuracy is flat at an end of
        its grid (its last :data:`FLAT_POINTS` points within the end point's 95% interval:
        chance below a digital scheme's waterfall, saturation above) covers everything beyond
        that end, since :meth:`accuracy_at` holds the end value there."""
        lows, highs = [], []
        for row in self.tables:
            for t in row:
                lows.append(-math.inf if flat_at_end(t, 0) else float(t.sinr_db[0]))
                highs.append(math.inf if flat_at_end(t, -1) else float(t.sinr_db[-1]))
        return max(lows), min(highs)


#: Points at an end of a table's grid that must agree for the table to count as flat there.
FLAT_POINTS = 3


def flat_at_end(table, end: int) -> bool:
    """Whether ``table`` is flat at an end of its grid (``0``: bottom, ``-1``: top): its last
    :data:`FLAT_POINTS` points there lie within the end point's 95% interval. A grid of fewer
    than ``2 * FLAT_POINTS`` points is never flat: the points that would show one end flat would
    also be the other end's, and a short grid (three points over 15-16 dB) would then claim to
    hold its end values from -inf to +inf dB."""
    acc = np.asarray(table.accuracy, dtype=np.float64)
    if len(acc) < 2 * FLAT_POINTS:
        return False
    idx = np.arange(FLAT_POINTS) if end == 0 else np.arange(len(acc) - FLAT_POINTS, len(acc))
    ref = idx[0] if end == 0 else idx[-1]
    lo = getattr(table, "accuracy_low", acc)[ref]
    hi = getattr(table, "accuracy_high", acc)[ref]
    tol = max(hi - acc[ref], acc[ref] - lo, 1e-12)
    return bool(np.all(np.abs(acc[idx] - acc[ref]) <= tol))


def available_table_set(sc):
    """The study's table set where it can be had without building: read from ``tables:``, or
    the built tables in the cache; `None` when ``abstraction:`` tables are not built yet."""
    if sc.tables is not None:
        return TableSet.load(sc.tables)
    spec = sc.abstraction_spec().inherit(sc)
    folder = cache_dir() / "abstraction" / table_key(spec)
    return TableSet.load(folder) if (folder / "abstraction.json").is_file() else None


def load_table_set(sc, workers: int | None = None, progress=None):
    """The study's table set: built (cached) from ``abstraction``, or read from ``tables``."""
    if sc.tables is not None:
        return TableSet.load(sc.tables)
    return build_table_set(sc.abstraction_spec(), workers=workers, progress=progress, study=sc)


def _pairs(sc) -> list[tuple[str, str]]:
    server = sc.system.server.model
    if sc.system.direction == "uplink":
        return [(g.model, server) for g in sc.system.groups.values()]
    return [(server, g.model) for g in sc.system.groups.values()]


def link_tables(sc, table_set) -> LinkTables:
    """Arrange ``table_set`` for the study (one-line errors naming the field for a missing table)."""
    cfgs = table_set.configs()
    eqs = sorted({c.semantic_equalizer for c in cfgs})
    groups = list(sc.system.groups)
    chosen = sc.system.link_adaptation.configs
    out_tables, res, cus = [], [], []
    labels = None
    for g, (tx, rx) in zip(groups, _pairs(sc)):
        mine = [c for c in cfgs if c.tx_model == tx and c.rx_model == rx and c.semantic_equalizer == eqs[0]]
        if not mine:
            raise ScenarioError(f"system.groups.{g}.model", tx if sc.system.direction == "uplink" else rx,
                                f"has no abstraction table for the link {tx} -> {rx}",
                                "add the model to abstraction.transmitter / abstraction.receiver and rebuild")
        if chosen is None:
            keys = sorted({(c.num_anchors, c.scheme, c.bits) for c in mine}, key=lambda k: (k[0], k[1], k[2] or 0))
        else:
            keys = [(c.num_anchors, c.scheme, c.bits) for c in chosen]
        row = []
        for i, (k, scheme, bits) in enumerate(keys):
            hits = [c for c in mine if (c.num_anchors, c.scheme, c.bits) == (k, scheme, bits)]
            if not hits:
                have = sorted({(c.num_anchors, c.scheme, c.bits) for c in mine}, key=repr)
                raise ScenarioError(f"system.link_adaptation.configs[{i}]", f"K={k} {scheme} bits={bits}",
                                    f"is not in the abstraction table set of {tx} -> {rx} (it has "
                                    + ", ".join(f"K={a} {s}" + (f" b={b}" if b else "") for a, s, b in have) + ")",
                                    "choose one of those, or add it to abstraction.num_anchors / schemes / bits")
            row.append(table_set.select(tx_model=tx, rx_model=rx, num_anchors=k, scheme=scheme, bits=bits,
                                        semantic_equalizer=eqs[0]) if len(hits) > 1 else
                       next(t for t in table_set if t.config == hits[0]))
        these = [f"K{k}-{s}" + (f"-b{b}" if b is not None else "") for k, s, b in keys]
        if labels is None:
            labels, first_keys = these, keys
        elif these != labels:
            raise ScenarioError("system.link_adaptation.configs", None, f"group {g} has other table configurations "
                                f"({', '.join(these)}) than the first group ({', '.join(labels)})",
                                "list the common ones under system.link_adaptation.configs")
        cu = [float(t.config.channel_uses) for t in row]
        out_tables.append(row)
        cus.append(cu)
        res.append([int(math.ceil(c - 1e-9)) for c in cu])
    res = np.asarray(res, dtype=np.int64)
    grid = sc.system.grid
    capacity = grid.prbs() * grid.data_re_per_prb()
    too_big = np.argwhere(res > capacity)
    if len(too_big):
        g, c = too_big[0]
        need = int(math.ceil(res[g, c] / grid.data_re_per_prb()))
        raise ScenarioError("system.grid.num_prbs", grid.prbs(),
                            f"a message of {labels[c]} needs {res[g, c]} REs = {need} PRBs of "
                            f"{grid.data_re_per_prb()} data REs, more than one slot of the grid holds",
                            f"use at least {need} PRBs, fewer DMRS symbols, or leave {labels[c]} out of "
                            "system.link_adaptation.configs")
    return LinkTables(labels, np.array([k for k, _, _ in first_keys]), [b for _, _, b in first_keys],
                      [s for _, s, _ in first_keys], out_tables, res, np.asarray(cus))


_TABLES: dict[str, LinkTables] = {}


def study_tables(sc, table_set=None):
    """The study's :class:`~.tables.LinkTables` (memoised per process; the table set comes
    from the cache the parent filled, or ``table_set``), calibrated on the study's own messages
    where it builds its tables: each table's mapping fitted in the system's regime and its
    ``expected_accuracy_at`` (:mod:`.calibrated`, read from the cache :func:`~.own_regime.own_regime`
    filled before the units run)."""
    key = sc.model_dump_json()
    if key not in _TABLES:
        if len(_TABLES) > 4:
            _TABLES.clear()
        ts = table_set if table_set is not None else load_table_set(sc)
        tables = link_tables(sc, ts)
        regime = cached_regime(sc, ts)
        _TABLES[key] = tables if regime is None else calibrated_tables(tables, regime, ts)
    return _TABLES[key]
