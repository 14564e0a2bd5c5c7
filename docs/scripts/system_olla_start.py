"""The bit pipe's link-adaptation settings by validation, on drops and seeds of its own (never the
study's), so the baseline gets the care the method gets: the shipped study's calibrated tables,
every ``conventional_5g`` policy of its sweep at every load.

* Without ``compare``: run for ``duration`` seconds from offset 0 (at the study's BLER target or
  ``bler_target``) and print the agents' mean
  outer-loop offset over time (Sionna's OLLA needs of the order of 100 first transmissions to
  settle; an agent sends about 30 a second, so it is still climbing after the study's 0.6 s).
* With ``compare``: the correct decisions per second over offered messages at the study's own
  duration from an initial offset of 0 and of START_DB (``olla_initial_offset_db``), at the
  study's first-transmission BLER target or at ``bler_target``. The study takes the settings
  with the most correct decisions summed over its loads.
* With ``late``: the same measured window as the study's (its length) but opening only after
  WARMUP_S seconds, when the outer loop has settled: what the pipe delivers converged.

    python docs/scripts/system_olla_start.py [seed] [drops] [duration_s] [bler_target]
    python docs/scripts/system_olla_start.py compare START_DB [seed] [drops] [bler_target]
    python docs/scripts/system_olla_start.py late WARMUP_S [seed] [drops]
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

args = sys.argv[1:]
COMPARE = bool(args) and args[0] in ("compare", "late")
LATE = float(args[1]) if COMPARE and args[0] == "late" else None
START = float(args[1]) if COMPARE and LATE is None else 0.0
rest = args[2:] if COMPARE else args
SEED = int(rest[0]) if len(rest) > 0 else 1001
DROPS = int(rest[1]) if len(rest) > 1 else 2
DURATION = float(rest[2]) if len(rest) > 2 and not COMPARE else 1.5
BLER = float(rest[2]) if len(rest) > 2 and COMPARE else float(rest[3]) if len(rest) > 3 else None

sc = load_study("scenarios/system_multicell.yaml")
table_set = load_table_set(sc)
own_regime(sc, table_set, link_tables(sc, table_set))
tables = study_tables(sc, table_set)
rates = sorted(float(r) for r in sc.axis("arrival_rate"))
units = system_units(sc, tables)
policies = list(
    dict.fromkeys(u.link_adaptation for u in units if u.link_adaptation.startswith("conventional_5g"))
)
template = units[0]


def study_with(start: float, duration: float | None = None, warmup: float | None = None):
    change = {"olla_initial_offset_db": start} | ({"bler_target": BLER} if BLER is not None else {})
    conv = sc.system.conventional.model_copy(update=change)
    update = {"conventional": conv}
    if duration is not None:
        update["duration_s"] = duration
    if warmup is not None:
        update["warmup_s"] = warmup
    return sc.model_copy(update={"system": sc.system.model_copy(update=update)})


def run(here, policy, rate, drop):
    unit = dataclasses.replace(template, seed=SEED, drop=drop, link_adaptation=policy, arrival_rate=rate)
    return unit, simulate_system(here, unit, tables)


if COMPARE:
    window = sc.system.duration_s - sc.system.warmup_s
    for start in dict.fromkeys((0.0, START)):
        here = study_with(start) if LATE is None else study_with(start, LATE + window, LATE)
        for policy in policies:
            got = []
            for rate in rates:
                vals = [
                    float(unit_rows(here, u, r, tables)[0]["goodput_offered"])
                    for u, r in (run(here, policy, rate, d) for d in range(DROPS))
                ]
                got.append(f"{rate:g}/s: {np.mean(vals):.0f}")
            target = here.system.conventional.bler_target
            opens = here.system.warmup_s
            print(
                f"start {start:g} dB, BLER target {target:g}, window from {opens:g} s, {policy}: "
                + ", ".join(got),
                flush=True,
            )
    sys.exit(0)

here = study_with(0.0, DURATION)
slot_s = sc.system.grid.slot_s()
marks = [t for t in (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0) if t <= DURATION]
ends = []
for policy in policies:
    for rate in rates:
        for d in range(DROPS):
            _, r = run(here, policy, rate, d)
            trace = r.offset_trace_db[:, 0]
            path = ", ".join(f"{t:g} s {trace[min(len(trace) - 1, int(t / slot_s) - 1)]:.2f}" for t in marks)
            ends.append(float(r.olla_offset_db.mean()))
            print(f"{policy} {rate:g}/s drop {d}: mean offset [dB] {path}; end {ends[-1]:.2f}", flush=True)
print(
    f"mean end offset {np.mean(ends):.2f} dB (sd {np.std(ends):.2f}); "
    f"olla_initial_offset_db: {0.5 * round(2 * np.mean(ends)):g}"
)
