"""Sensitivity of the system study's findings to frequency placement and scheduler, on the shipped
study's calibrated tables and drops: (1) per placement (random, reuse, frequency_selective), the
load-aware policy against the best fixed configuration at every load; (2) per scheduler (Sionna's
PF on the Shannon rate, PF on expected correct decisions, round robin), with random and with
frequency-selective placement, the load-aware policy's correct decisions per second and Jain
fairness: the PF gain from multi-user diversity is frequency-selective over random placement.
Means over the drops given (default: the study's first two).

    python docs/scripts/system_sensitivity.py [drops] [fixed labels, comma-separated]
"""

import dataclasses
import sys

import numpy as np

from semcom.simulator.kinds import load_study
from semcom.simulator.system.engine import simulate_system
from semcom.simulator.system.metrics import unit_rows
from semcom.simulator.system.own_regime import own_regime
from semcom.simulator.system.tables import link_tables, load_table_set, study_tables
from semcom.simulator.system.units import system_units

sc = load_study("scenarios/system_multicell.yaml")
DROPS = [int(d) for d in sc.axis("drop")][: int(sys.argv[1]) if len(sys.argv) > 1 else 2]
FIXED = sys.argv[2] if len(sys.argv) > 2 else None
table_set = load_table_set(sc)
own_regime(sc, table_set, link_tables(sc, table_set))
tables = study_tables(sc, table_set)
rates = sorted(float(r) for r in sc.axis("arrival_rate"))
template = system_units(sc, tables)[0]


def mean_of(policy, rate, **change):
    out = []
    for d in DROPS:
        unit = dataclasses.replace(template, drop=d, link_adaptation=policy, arrival_rate=rate, **change)
        row = unit_rows(sc, unit, simulate_system(sc, unit, tables), tables)[0]
        out.append((float(row["goodput_offered"]), float(row["jain_fairness"] or np.nan)))
    return np.mean(out, axis=0)


fixed = [f"fixed:{lab}" for lab in (FIXED.split(",") if FIXED else tables.labels)]
print("placement | load | LA correct/s | best fixed correct/s (which) | LA - best")
for placement in ("random", "reuse", "frequency_selective"):
    for rate in rates:
        la = mean_of("max_correct_olla", rate, placement=placement)[0]
        best = max((mean_of(p, rate, placement=placement)[0], p) for p in fixed)
        print(
            f"{placement} | {rate:g} | {la:.0f} | {best[0]:.0f} ({best[1]}) | {la - best[0]:+.0f}", flush=True
        )
print("\nscheduler | placement | load | LA correct/s | Jain")
for sched in ("pf_rate", "pf_semantic", "round_robin"):
    for placement in ("random", "frequency_selective"):
        for rate in rates:
            g, j = mean_of("max_correct_olla", rate, placement=placement, scheduler=sched)
            print(f"{sched} | {placement} | {rate:g} | {g:.0f} | {j:.3f}", flush=True)
