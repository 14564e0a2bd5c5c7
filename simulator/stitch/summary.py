"""The summary table of a stitching table (``semcom results`` and the report)."""

from __future__ import annotations

import numpy as np

from ..results.summary import aligned_table

__all__ = ["stitch_summary_rows", "stitch_summary_table"]


def stitch_summary_rows(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and body: per condition and equaliser, the mean accuracy on the diagonal
    (an agent with itself) and off it (two different agents), averaged over seeds."""
    header = ["condition", "equalizer", "same agent", "different agents", "pairs"]
    body = []
    for condition in dict.fromkeys(r["condition"] for r in rows):
        for eq in dict.fromkeys(r["semantic_equalizer"] for r in rows if r["condition"] == condition):
            crs = [r for r in rows if r["condition"] == condition and r["semantic_equalizer"] == eq]
            same = [float(r["accuracy"]) for r in crs if r["tx_model"] == r["rx_model"]]
            other = [float(r["accuracy"]) for r in crs if r["tx_model"] != r["rx_model"]]
            body.append(
                [condition, eq]
                + [f"{100 * np.mean(v):.1f}%" if v else "-" for v in (same, other)]
                + [str(len({(r["tx_model"], r["rx_model"]) for r in crs}))]
            )
    return header, body


def stitch_summary_table(rows: list[dict]) -> str:
    """:func:`stitch_summary_rows` as an aligned plain-text table."""
    seeds = len({r.get("seed") for r in rows})
    return (
        aligned_table(*stitch_summary_rows(rows))
        + f"\nstitching table: {len(rows)} rows, mean accuracy over {seeds} seed(s)"
    )
