"""The summary table of a link study (``semcom results`` and the report).

One line per set-up (link, semantic equaliser, anchor strategy, K, bits), with the
accuracy at the lowest and the highest SNR, averaged over seeds (with the range over
seeds when there are several), and the channel uses per sample. Columns that do not
vary in the study are left out.

Example::

    from semcom.simulator.results.store import read_rows
    from semcom.simulator.results.summary import format_summary
    from semcom.simulator.link.summary import link_summary_rows
    rows = read_rows("runs/quickstart")
    print(format_summary(*link_summary_rows(rows), rows))
"""

from __future__ import annotations

from ..results.summary import setup_groups

__all__ = ["link_summary_rows"]

#: (column of results.csv, header) of the set-up columns, in display order
_SETUP = [("tx_model", "tx"), ("rx_model", "rx"), ("channel", "channel"), ("scheme", "scheme"),
          ("bits", "bits"), ("semantic_equalizer", "equalizer"), ("anchor_selection", "anchors"),
          ("num_anchors", "K")]
_ALWAYS = {"tx_model", "rx_model", "semantic_equalizer", "num_anchors"}


def _fmt_acc(acc, setup: int, snr: float) -> str:
    """Mean accuracy over seeds of one set-up at one SNR, with [min, max] when several."""
    if (setup, snr) not in acc.index:
        return "-"
    a = acc.loc[(setup, snr)]
    text = f"{100 * a['mean']:.1f}%"
    if a["count"] > 1:
        text += f" [{100 * a['min']:.1f}, {100 * a['max']:.1f}]"
    return text


def link_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body of a link study's summary (strings)."""
    if not rows:
        return [], []
    import pandas as pd

    keys, ids, ordered = setup_groups(rows, _SETUP, _ALWAYS)
    frame = pd.DataFrame({"setup": ids,
                          "snr_db": [float(r["snr_db"]) for r in rows],
                          "accuracy": [float(r["accuracy"]) for r in rows],
                          "channel_uses": [float(r["channel_uses"]) for r in rows]})
    acc = frame.groupby(["setup", "snr_db"]).accuracy.agg(["mean", "min", "max", "count"])
    uses = frame.groupby("setup").channel_uses.last()
    snrs = sorted(frame.snr_db.unique())
    lo, hi = float(snrs[0]), float(snrs[-1])
    header = [h for k, h in _SETUP if k in keys] + ["uses/sample"]
    header += [f"acc @ {lo:g} dB"] + ([f"acc @ {hi:g} dB"] if hi != lo else [])
    body = []
    for i, key in ordered:
        line = ["" if v is None else str(v) for v in key] + [f"{uses[i]:g}", _fmt_acc(acc, i, lo)]
        if hi != lo:
            line.append(_fmt_acc(acc, i, hi))
        body.append(line)
    return header, body
