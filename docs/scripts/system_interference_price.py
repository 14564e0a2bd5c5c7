"""Choose max_correct's interference price by validation, on drops and seeds of its own (never the
study's): the shipped study's calibrated tables, its middle load, the load-aware policy with the
outer loop at each candidate price; prints the correct decisions per second over offered messages
(mean over the validation drops) per price. The study then uses the best.

    python docs/scripts/system_interference_price.py [seed] [drops]
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

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1001
DROPS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
PRICES = [0.0, 0.003, 0.01, 0.03]

sc = load_study("scenarios/system_multicell.yaml")
table_set = load_table_set(sc)
own_regime(sc, table_set, link_tables(sc, table_set))
tables = study_tables(sc, table_set)
rates = sorted(float(r) for r in sc.axis("arrival_rate"))
template = system_units(sc, tables)[0]
for price in PRICES:
    la = sc.system.link_adaptation.model_copy(update={"interference_price": price})
    here = sc.model_copy(update={"system": sc.system.model_copy(update={"link_adaptation": la})})
    got = []
    for rate in rates:
        vals = []
        for d in range(DROPS):
            unit = dataclasses.replace(
                template, seed=SEED, drop=d, link_adaptation="max_correct_olla", arrival_rate=rate
            )
            vals.append(
                float(
                    unit_rows(here, unit, simulate_system(here, unit, tables), tables)[0]["goodput_offered"]
                )
            )
        got.append(f"{rate:g}/s: {np.mean(vals):.0f}")
    print(f"interference_price {price:g}: " + ", ".join(got), flush=True)
