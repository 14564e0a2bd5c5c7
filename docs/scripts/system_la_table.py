"""Print the headline table of the system study (README "System level at a glance" and
docs/guide/system-level.md) from its system_results.csv: per load, every policy's correct
decisions per second over offered messages, 5th-percentile user accuracy, p95 latency and Jain
fairness, each the mean over drops with its 95% t-interval; and whether the load-aware policy
matches the best fixed configuration within the larger of the two intervals.

    python docs/scripts/system_la_table.py [runs/system_multicell]
"""

import csv
import sys
from pathlib import Path

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/system_multicell")
rows = list(csv.DictReader((folder / "system_results.csv").read_text().splitlines()))
first = rows[0]
rows = [r for r in rows if r["placement"] == first["placement"] and r["scheduler"] == first["scheduler"]]
loads = sorted({float(r["arrival_rate"]) for r in rows})
rank = {"max_correct_olla": 0, "max_correct": 1, "conventional_5g": 2, "fixed": 3}
policies = sorted({r["link_adaptation"] for r in rows}, key=lambda p: (rank.get(p.split(":")[0], 2), p))


def cell(r, col, scale, fmt):
    v, lo, hi = (
        float(r[f"{col}{s}"]) * scale if r[f"{col}{s}"] else float("nan") for s in ("", "_low", "_high")
    )
    return f"{fmt.format(v)} [{fmt.format(lo)}, {fmt.format(hi)}]"


print(f"{first['placement']} placement, {first['scheduler']}; mean over drops [95% t-interval]\n")
print(
    "| load (decisions/s per agent) | policy | correct decisions/s (10³) | 5th-pct user accuracy (%) | "
    "p95 latency (ms) | Jain | saturated |"
)
print("|---|---|---|---|---|---|---|")
for load in loads:
    for p in policies:
        r = next(x for x in rows if x["link_adaptation"] == p and float(x["arrival_rate"]) == load)
        print(
            f"| {load:g} | {p} | {cell(r, 'goodput_offered', 1e-3, '{:.2f}')} | "
            f"{cell(r, 'p5_user_accuracy', 100, '{:.1f}')} | {cell(r, 'latency_p95', 1e3, '{:.1f}')} | "
            f"{cell(r, 'jain_fairness', 1, '{:.3f}')} | {r['saturated']} |"
        )
print()
for la in [p for p in policies if p.startswith("max_correct")]:
    for load in loads:
        here = {x["link_adaptation"]: x for x in rows if float(x["arrival_rate"]) == load}
        fixed = [x for k, x in here.items() if k.startswith("fixed:")]
        best = max(fixed, key=lambda x: float(x["goodput_offered"]))
        a, b = here[la], best
        half = max(
            float(a["goodput_offered_high"]) - float(a["goodput_offered"]),
            float(b["goodput_offered_high"]) - float(b["goodput_offered"]),
        )
        gap = float(a["goodput_offered"]) - float(b["goodput_offered"])
        print(
            f"{la} at {load:g}/s: {gap:+.0f} correct decisions/s against the best fixed "
            f"({b['link_adaptation']}), larger half-interval {half:.0f}: "
            f"{'matches or beats' if gap >= -half else 'BELOW'}"
        )
