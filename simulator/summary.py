"""Terminal summary of a study's results."""

from __future__ import annotations

from collections import defaultdict

__all__ = ["summary_table"]


def summary_table(rows: list[dict]) -> str:
    """Mean accuracy per (tx, rx, channel, equaliser, K) at the lowest and highest SNR."""
    if not rows:
        return "no results yet"
    groups: dict[tuple, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        key = (r["tx_model"], r["rx_model"], r["channel"], r["semantic_equalizer"], int(r["num_anchors"]))
        groups[key][float(r["snr_db"])].append(float(r["accuracy"]))
    snrs = sorted({float(r["snr_db"]) for r in rows})
    lo, hi = snrs[0], snrs[-1]
    header = ["tx", "rx", "channel", "equalizer", "K", f"acc@{lo:g}dB", f"acc@{hi:g}dB"]
    table = [header]
    for key in sorted(groups, key=lambda k: tuple(str(x) for x in k)):
        g = groups[key]
        mean = lambda v: f"{100 * sum(v) / len(v):.1f}%" if v else "-"  # noqa: E731
        table.append([*map(str, key), mean(g.get(lo, [])), mean(g.get(hi, []))])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + f"\n{len(rows)} rows"
