"""Print the README's link-adaptation table from runs/system_multicell/system_results.csv:
    python docs/scripts/system_la_table.py
"""
import csv, math
rows = [r for r in csv.DictReader(open("runs/system_multicell/system_results.csv")) if r["scheduler"] == "pf_semantic"]
T = 0.27   # duration_s - warmup_s of scenarios/system_multicell.yaml
order = ["goodput", "goodput_olla", "target_olla", "fixed:K4-analog", "fixed:K8-analog", "fixed:K16-analog", "fixed:K32-analog", "fixed:K64-analog"]
print("| policy | " + " | ".join(f"{l} msg/s: accuracy | goodput (k/s)" for l in ["200", "800", "1600"]) + " |")
for p in order:
    cells = []
    for load in ["200.0", "800.0", "1600.0"]:
        r = next(x for x in rows if x["link_adaptation"] == p and float(x["arrival_rate"]) == float(load))
        c = int(r["correct"]); g = c / T; h = 1.96 * math.sqrt(c) / T
        cells.append(f"{100*float(r['accuracy']):.1f} [{100*float(r['accuracy_low']):.1f}, {100*float(r['accuracy_high']):.1f}] | {g/1e3:.1f} ± {h/1e3:.1f}")
    print(f"| {p} | " + " | ".join(cells) + " |")
