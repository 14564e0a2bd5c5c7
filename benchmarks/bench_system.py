"""System-level speed: 10,000 agents for one simulated second with correlated fading, and the
speed-up of the semantic PHY abstraction over decoding the same messages with the link-level
blocks at their per-RE SINRs.

Scenario: ``scenarios/system_multicell.yaml`` (7 sites x 3 sectors, UMi, uplink NR slice,
per-PRB TDL fading from Sionna's profiles with each link's delay spread, K-factor and Doppler,
interference, open-loop power control, its abstraction tables: built once and cached; the build
time is reported, not counted). Unit: semantic PF scheduler, ``max_correct_olla``.

* ``agents_10k``: the groups scaled to 476 agents per sector (9,996 agents), 1 simulated second
  at 10 decisions/s per agent (video analytics at its low end): wall and CPU time of the drop
  (Sionna topology and path loss), the simulation and the metrics (network, cell, user rows),
  time per agent-second, and the process's peak resident memory. Target: under 60 s on 2 cores.
* ``speedup``: the shipped size (420 agents) at its middle load, 0.2 s, fixed K = 16 analog:
  the simulation with decisions from the abstraction (its effective SINR and table), then every
  message it sent decoded by the link-level blocks at its recorded per-RE SINRs
  (:class:`~semcom.simulator.abstraction.reference.LinkReference`: scheme, per-symbol channel,
  semantic equaliser, head; decoders built before timing). Speed-up =
  (simulation + link-level decoding) / simulation; the accuracy of both on those messages.

Both parts use the shipped study's tables as calibrated on its own messages
(:func:`semcom.simulator.system.own_regime.own_regime`, cached; its time is reported, not counted).

Torch threads are as pinned by ``benchmarks/run.py``; the engine runs torch on one thread.

    python benchmarks/run.py --only system
"""

from __future__ import annotations

import resource
import time

import numpy as np

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


def _clock():
    return time.perf_counter(), time.process_time()


def _agents_10k(sc, tables) -> dict:
    from semcom.simulator.system.engine import simulate_system
    from semcom.simulator.system.geometry import make_drop
    from semcom.simulator.system.metrics import unit_rows
    from semcom.simulator.system.units import SystemUnit

    big = _scaled(sc, 476, 1.0)
    unit = SystemUnit(1, 0, big.system.placement, "pf_semantic", "max_correct_olla", 10.0)
    w0, c0 = _clock()
    drop = make_drop(big.system, unit.seed, unit.drop)
    w1, c1 = _clock()
    run = simulate_system(big, unit, tables)
    w2, c2 = _clock()
    rows = unit_rows(big, unit, run, tables)
    w3, c3 = _clock()
    agents = drop.num_agents
    return {
        "agents": agents,
        "messages": int(len(run.agent)),
        "decided": int((run.slot >= 0).sum()),
        "drop_s": w1 - w0,
        "simulate_s": w2 - w1,
        "metrics_s": w3 - w2,
        "total_s": w3 - w0,
        "total_cpu_s": c3 - c0,
        "ms_per_agent_second": 1e3 * (w3 - w0) / (agents * big.system.duration_s),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "network_accuracy_offered": rows[0]["accuracy_offered"],
        "utilisation": rows[0]["utilisation"],
    }


def _speedup(sc, tables) -> dict:
    from semcom.simulator.abstraction.patterns import MessagePatterns
    from semcom.simulator.abstraction.reference import LinkReference, decode_messages
    from semcom.simulator.run.context import study_data
    from semcom.simulator.system.engine import simulate_system
    from semcom.simulator.system.units import SystemUnit

    small = _scaled(sc, sum(g.per_sector for g in sc.system.groups.values()), 0.2)
    label = next(lab for lab in tables.labels if lab.startswith("K16-analog"))
    rates = sorted(float(r) for r in sc.axis("arrival_rate"))
    unit = SystemUnit(1, 0, small.system.placement, "pf_semantic", f"fixed:{label}", rates[len(rates) // 2])
    spec = small.abstraction_spec().inherit(small)
    refs = {
        (g, c): LinkReference(spec, tables.tables[g][c].config)
        for g in range(len(tables.tables))
        for c in [tables.labels.index(label)]
    }
    rec = simulate_system(small, unit, tables, record=True).record  # the messages to decode
    test_idx = np.asarray(study_data(spec.link_scenario()).test_idx)
    samples = test_idx[np.random.default_rng(0).integers(len(test_idx), size=len(rec.message))]
    patterns = MessagePatterns.from_record(rec)
    decode_messages(refs, patterns.take(np.arange(min(64, len(patterns)))), samples[:64], seed=0)  # warm
    w0, _ = _clock()
    run = simulate_system(small, unit, tables)
    w1, _ = _clock()
    link = decode_messages(refs, patterns, samples, seed=1)
    w2, _ = _clock()
    n = len(rec.message)
    return {
        "speedup_agents": int(run.drop.num_agents),
        "speedup_messages": n,
        "abstraction_s": w1 - w0,
        "linklevel_decode_s": w2 - w1,
        "linklevel_us_per_message": 1e6 * (w2 - w1) / max(1, n),
        "abstraction_us_per_message": 1e6 * (w1 - w0) / max(1, n),
        "speedup": (w2 - w0) / (w1 - w0),
        "accuracy_abstraction": float(run.correct[rec.message].mean()),
        "accuracy_linklevel": float(link.mean()),
    }


def run() -> dict:
    from semcom.simulator.kinds import load_study
    from semcom.simulator.system.own_regime import own_regime
    from semcom.simulator.system.tables import link_tables, load_table_set, study_tables

    sc = load_study(ROOT / "scenarios" / "system_multicell.yaml")
    t0 = time.perf_counter()
    table_set = load_table_set(sc)
    own_regime(sc, table_set, link_tables(sc, table_set))
    out: dict = {
        "tables_s (build and own-regime calibration, or cache; not counted)": time.perf_counter() - t0
    }
    tables = study_tables(sc, table_set)  # the scaled studies read the shipped study's tables
    out.update(_agents_10k(sc, tables))
    out.update(_speedup(sc, tables))
    out["targets"] = {"10k agents x 1 s under 60 s": out["total_s"] < 60.0}
    return out
