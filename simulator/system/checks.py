"""Checks of a system scenario (``kind: system``): names that exist before any table is
built, agents that do not overlap, abstraction tables that cover every link, and (with
the tables and a drop) the study's SINR range inside the tables' grid; one line per problem.
"""

from __future__ import annotations

import math

import numpy as np

from semcom.core.errors import ScenarioError
from ..scenario.checks import check_names, check_seeds
from ..scenario.errors import Findings
from .geometry import make_drop
from .payload import mcs_table_problem, payload_bits
from .radio import power_per_re
from .schema import LA_POLICIES, PLACEMENTS, SYSTEM_SCHEDULERS
from .transport_blocks import TransportBlockSizes
from .units import system_units
from .user_rows import downlink_coupling_sir_db, uplink_geometry_db

__all__ = ["check_system_scenario", "check_tables", "check_sinr_coverage", "check_policies"]


def check_system_scenario(sc, check_data: bool = True) -> None:
    """Names that exist, before any table is built (one line per problem)."""
    found = Findings()
    models = list(sc.models)
    for g, spec in sc.system.groups.items():
        with found.check():
            check_names(f"system.groups.{g}.model", [spec.model], models, "model (define it under `models`)")
        if spec.distance_m is not None and sc.system.topology.kind != "single_site":
            with found.check():
                raise ScenarioError(
                    f"system.groups.{g}.distance_m",
                    spec.distance_m,
                    "only places agents of a single_site topology",
                    "remove it, or set system.topology.kind: single_site",
                )
    with found.check():
        check_names(
            "system.server.model", [sc.system.server.model], models, "model (define it under `models`)"
        )
    with found.check():
        check_names(
            "sweep.link_adaptation",
            [str(p).split(":", 1)[0] for p in sc.axis("link_adaptation")],
            list(LA_POLICIES),
            "link-adaptation policy",
        )
    with found.check():
        check_names("sweep.scheduler", sc.axis("scheduler"), list(SYSTEM_SCHEDULERS), "scheduler")
    with found.check():
        check_names(
            "sweep.placement",
            [p for p in sc.axis("placement") if p is not None],
            list(PLACEMENTS),
            "placement",
        )
    with found.check():
        for i, r in enumerate(sc.axis("arrival_rate")):
            if not float(r) > 0:
                raise ScenarioError(
                    f"sweep.arrival_rate[{i}]",
                    r,
                    "must be > 0 messages per second",
                    "use positive rates such as [5, 10, 20]",
                )
    with found.check():
        check_seeds(sc)
    with found.check():
        _check_mcs_table(sc)
    with found.check():
        _check_overlaps(sc)
    if sc.abstraction is not None:
        with found.check():
            sc.abstraction_spec()
            _check_abstraction_links(sc)
    found.raise_all()


def _check_mcs_table(sc) -> None:
    """The bit pipe's MCS table belongs to the study's direction (PUSCH uplink, PDSCH downlink)."""
    table = sc.system.conventional.mcs_table
    problem = None if table is None else mcs_table_problem(table, sc.system.direction)
    if problem is not None:
        raise ScenarioError("system.conventional.mcs_table", None, *problem)


def _check_overlaps(sc) -> None:
    """Two agents of a single-site study at the same place, or an agent on the station."""
    if sc.system.topology.kind != "single_site":
        return
    for g, spec in sc.system.groups.items():
        d = spec.distance_m or []
        for i, x in enumerate(d):
            if not x > 0:
                raise ScenarioError(
                    f"system.groups.{g}.distance_m[{i}]",
                    x,
                    "puts the agent on the base station",
                    "use a distance > 0 m",
                )
    seen: dict[float, str] = {}
    for g, spec in sc.system.groups.items():
        for i, x in enumerate(spec.distance_m or []):
            # agents at one distance sit at distinct angles, so only an exact duplicate in a group is an error
            where = f"system.groups.{g}.distance_m[{i}]"
            if (g, float(x)) in seen:
                raise ScenarioError(
                    where,
                    x,
                    f"overlaps {seen[(g, float(x))]} (same group, same distance: the same user twice)",
                    "give each agent its own distance, or raise per_sector",
                )
            seen[(g, float(x))] = where


def _check_abstraction_links(sc) -> None:
    spec = sc.abstraction_spec()
    tx = spec.transmitter if isinstance(spec.transmitter, list) else [spec.transmitter]
    rx = spec.receiver if isinstance(spec.receiver, list) else [spec.receiver]
    server = sc.system.server.model
    for g, gs in sc.system.groups.items():
        a, b = (gs.model, server) if sc.system.direction == "uplink" else (server, gs.model)
        if a not in tx:
            raise ScenarioError(
                "abstraction.transmitter",
                spec.transmitter,
                f"has no {a} (the {'agents' if sc.system.direction == 'uplink' else 'server'} of "
                f"group {g} send with it)",
                f"add {a} to abstraction.transmitter",
            )
        if b not in rx:
            raise ScenarioError(
                "abstraction.receiver",
                spec.receiver,
                f"has no {b} (it receives group {g})",
                f"add {b} to abstraction.receiver",
            )
    if sc.system.link_adaptation.configs:
        v = spec.num_anchors
        ks = [int(x) for x in (v.values() if hasattr(v, "values") else v if isinstance(v, list) else [v])]
        for i, c in enumerate(sc.system.link_adaptation.configs):
            if c.num_anchors not in ks:
                raise ScenarioError(
                    f"system.link_adaptation.configs[{i}].num_anchors",
                    c.num_anchors,
                    f"is not a K of the abstraction tables ({', '.join(map(str, ks))})",
                    f"use one of them, or add {c.num_anchors} to abstraction.num_anchors",
                )
            if c.scheme not in spec.schemes:
                raise ScenarioError(
                    f"system.link_adaptation.configs[{i}].scheme",
                    c.scheme,
                    f"is not a scheme of the abstraction ({', '.join(spec.schemes)})",
                    "use one of them, or add it to abstraction.schemes",
                )


def check_policies(sc, tables) -> None:
    """Every configuration a policy names exists, and the bit pipe carries a digital one."""
    labels = list(tables.labels)
    digital = [lab for lab, b in zip(labels, tables.bits) if b is not None]
    for i, p in enumerate(sc.axis("link_adaptation")):
        field = f"sweep.link_adaptation[{i}]"
        base, _, label = str(p).partition(":")
        if base == "conventional_5g" and not digital:
            raise ScenarioError(
                field,
                p,
                "the bit pipe carries a digital configuration's bits and the tables hold none",
                "add a digital scheme (and bits) to abstraction.schemes, or drop it",
            )
        if not label:
            continue
        if label not in labels:
            raise ScenarioError(
                field,
                p,
                f"names no configuration of the tables ({', '.join(labels)})",
                "use one of those labels",
            )
        if base == "conventional_5g" and label not in digital:
            raise ScenarioError(
                field,
                p,
                "the bit pipe carries a digital configuration's bits; this one is analog",
                f"use one of {', '.join(digital)}",
            )
        if base == "conventional_5g":
            _check_message_fits(sc, tables, field, p, labels.index(label))


def _check_message_fits(sc, tables, field: str, policy: str, config: int) -> None:
    """The bit pipe sends every message whole: one must fit the band at the lowest MCS."""
    net = sc.system
    bits = int(payload_bits(tables, net.conventional.header_bits)[:, config].max())
    sizes = TransportBlockSizes(
        net.conventional.table_for(net.direction), [0], net.grid.data_re_per_prb(), net.grid.prbs()
    )
    if bits > sizes.max_payload_bits():
        raise ScenarioError(
            field,
            policy,
            f"one message ({bits} bits with headers) does not fit the band's "
            f"{net.grid.prbs()} PRBs at the lowest MCS ({sizes.max_payload_bits()} bits)",
            "carry a smaller configuration, or give system.grid more PRBs",
        )


def check_tables(sc, tables) -> list:
    """The checks that need the study's tables (arranged by :func:`~.tables.link_tables`, which
    refuses missing links and messages beyond a slot): the policies' configurations and the
    SINR coverage of every drop; returns the study's units."""
    check_policies(sc, tables)
    units = system_units(sc, tables)
    check_sinr_coverage(sc, tables, sorted({(u.seed, u.drop) for u in units}))
    return units


def check_sinr_coverage(sc, tables, drops: list[tuple[int, int]]) -> tuple[float, float]:
    """The study's SINR range: per drop, the 1st-99th percentile of the agents' SINR per RE at full
    load (uplink: :func:`~.user_rows.uplink_geometry_db`; downlink: the coupling SIR with the noise),
    widened by the fading's spread (the 1st percentile of Exp(1), -20 dB, below; +5 dB above). The
    tables must cover it; returns (low, high) [dB]."""
    lows, highs = [], []
    for seed, d in drops:
        drop = make_drop(sc.system, seed, d)
        p_re, noise = power_per_re(sc, drop)
        if sc.system.direction == "uplink" or drop.num_sectors == 1 or not sc.system.interference:
            own = p_re[:, 0] * 10.0 ** (drop.gain_db[np.arange(drop.num_agents), drop.serving] / 10.0)
            sinr = (
                uplink_geometry_db(drop, p_re[:, 0], noise)
                if sc.system.interference
                else 10.0 * np.log10(own / noise)
            )
        else:
            sinr = downlink_coupling_sir_db(drop)
        lows.append(np.percentile(sinr, 1))
        highs.append(np.percentile(sinr, 99))
    fading = sc.system.fading.model != "none"
    lo = float(min(lows) - (20.0 if fading else 0.0))
    hi = float(max(highs) + (5.0 if fading else 0.0))
    t_lo, t_hi = tables.sinr_range()
    if t_lo > lo + 1e-9:
        field = "abstraction.sinr_db" if sc.abstraction is not None else "tables"
        top = math.ceil(hi) if not math.isfinite(t_hi) else max(math.ceil(hi), math.ceil(t_hi))
        raise ScenarioError(
            field,
            f"{t_lo:g}..{t_hi:g} dB",
            f"does not cover the study's SINR range {lo:.0f}..{hi:.0f} dB (1st-99th percentile "
            "of the agents' SINR, widened by fading)",
            f"start the grid at {math.floor(lo)} dB or lower (e.g. sinr_db: {{start: "
            f"{math.floor(lo)}, stop: {top}, step: 0.5}})",
        )
    return lo, hi
