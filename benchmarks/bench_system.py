"""System-level study speed (issue 24): 10,000 agents for one simulated second, and the
speed-up of the semantic PHY abstraction over decoding every message with the link-level blocks.

Scenario: ``scenarios/system_multicell.yaml`` (7 sites x 3 sectors, UMi, uplink, Rayleigh per
RB and slot, interference, open-loop power control, its abstraction tables: built once and
cached; the build time is reported, not counted). Unit: semantic PF scheduler, link adaptation
``goodput_olla``.

* ``agents_10k``: the groups scaled to 476 agents per sector (9,996 agents), 1 simulated
  second at 20 messages/s per agent: wall time of the drop (Sionna topology and path loss),
  the simulation and the metrics (per network, cell and user rows), and the time per
  agent-second. Target: under 60 s on 2 cores.
* ``speedup``: the shipped size (420 agents), 0.2 s, a fixed analog configuration (K = 16,
  the cheapest messages for the link level, so the speed-up is a lower bound): the same
  simulation with decisions from the abstraction, then every message it sent decoded with the
  link-level blocks at the SINR of each of its REs (the engine's record mode;
  :func:`semcom.simulator.abstraction.reference.decode_messages`: scheme, a channel block with
  one coefficient per symbol, semantic equaliser, head; batched per configuration; the blocks
  built before timing). Speed-up = (simulation + link-level decoding) / simulation.

Both parts use the shipped study's tables as calibrated on its own messages
(:func:`semcom.simulator.system.own_regime.own_regime`, cached; its time is reported, not counted).

Torch threads are as pinned by ``benchmarks/run.py``; the engine itself runs torch on one
thread (see :func:`semcom.simulator.system.engine.simulate_system`).

    python benchmarks/run.py --only system
"""

from __future__ import annotations

import time

from .common import ROOT


def _scaled(sc, per_sector: int, duration_s: float):
    groups = dict(sc.system.groups)
    total = sum(g.per_sector for g in groups.values())
    names = list(groups)
    sizes = [max(1, round(per_sector * g.per_sector / total)) for g in groups.values()]
    sizes[-1] = per_sector - sum(sizes[:-1])
    new_groups = {n: groups[n].model_copy(update={"per_sector": s}) for n, s in zip(names, sizes)}
    system = sc.system.model_copy(update={"groups": new_groups, "duration_s": duration_s})
    return sc.model_copy(update={"system": system})


def run() -> dict:
    from semcom.simulator.kinds import load_study
    from semcom.simulator.system.engine import simulate_system
    from semcom.simulator.system.units import SystemUnit
    from semcom.simulator.system.geometry import make_drop
    import numpy as np
    from semcom.simulator.abstraction.patterns import MessagePatterns
    from semcom.simulator.abstraction.reference import LinkReference, decode_messages
    from semcom.simulator.system.metrics import unit_rows
    from semcom.simulator.system.own_regime import own_regime
    from semcom.simulator.system.tables import link_tables, load_table_set, study_tables

    sc = load_study(ROOT / "scenarios" / "system_multicell.yaml")
    t0 = time.perf_counter()
    table_set = load_table_set(sc)
    own_regime(sc, table_set, link_tables(sc, table_set))
    tables_s = time.perf_counter() - t0
    out: dict = {"tables_s (build and own-regime calibration, or cache; not counted)": tables_s}
    tables = study_tables(sc, table_set)          # the scaled studies read the shipped study's tables

    # -- 10,000 agents, 1 simulated second ------------------------------------------------
    big = _scaled(sc, 476, 1.0)
    unit = SystemUnit(1, 0, "random", "pf_semantic", "max_correct_olla", 20.0)
    t0 = time.perf_counter()
    drop = make_drop(big.system, unit.seed, unit.drop)
    t1 = time.perf_counter()
    run = simulate_system(big, unit, tables)
    t2 = time.perf_counter()
    rows = unit_rows(big, unit, run, tables)
    t3 = time.perf_counter()
    agents = drop.num_agents
    total = t3 - t0
    out.update({"agents": agents, "messages": int(len(run.agent)), "delivered": int((run.slot >= 0).sum()),
                "drop_s": t1 - t0, "simulate_s": t2 - t1, "metrics_s": t3 - t2, "total_s": total,
                "ms_per_agent_second": 1e3 * total / (agents * big.system.duration_s),
                "network_accuracy": rows[0]["accuracy"], "utilisation": rows[0]["utilisation"]})

    # -- speed-up over link-level decoding, at the shipped size --------------------------
    small = _scaled(sc, sum(g.per_sector for g in sc.system.groups.values()), 0.2)
    label = next(lab for lab in tables.labels if lab.startswith("K16-analog"))
    unit = SystemUnit(1, 0, "random", "pf_semantic", f"fixed:{label}", 400.0)
    spec = sc.abstraction_spec().inherit(sc)
    references: dict = {}

    def build(g: int, c: int):
        return LinkReference(spec, tables.tables[g][c].config)

    warm = simulate_system(small.model_copy(update={"system": small.system.model_copy(
        update={"duration_s": 0.01, "warmup_s": 0.0, "drain_s": 0.0})}), unit, tables, record=True)
    rng = np.random.default_rng(1)
    warm_patterns = MessagePatterns.from_record(warm.record)
    test_idx = build(0, 0).test_idx
    decode_messages(references, warm_patterns, rng.choice(test_idx, len(warm_patterns)), 0, build)   # the blocks
    t0 = time.perf_counter()
    run = simulate_system(small, unit, tables)
    t1 = time.perf_counter()
    # the same run recording its messages' per-RE SINRs (not timed), each decoded at the link level
    patterns = MessagePatterns.from_record(simulate_system(small, unit, tables, record=True).record)
    t2a = time.perf_counter()
    link = decode_messages(references, patterns, rng.choice(test_idx, len(patterns)), 1, build)
    t2 = time.perf_counter() - (t2a - t1)
    sent = run.slot >= 0
    n = int(sent.sum())
    out.update({"speedup_agents": int(run.drop.num_agents), "speedup_messages": n,
                "abstraction_s": t1 - t0, "linklevel_decode_s": t2 - t1,
                "linklevel_us_per_message": 1e6 * (t2 - t1) / max(1, n),
                "abstraction_us_per_message": 1e6 * (t1 - t0) / max(1, n),
                "speedup": (t2 - t0) / (t1 - t0),
                "accuracy_abstraction": float(run.correct[sent].mean()),
                "accuracy_linklevel": float(link.mean())})
    out["targets"] = {"10k agents x 1 s under 60 s": total < 60.0}
    return out
