"""The error-rate figure of digital studies: block and bit error rates vs SNR.

``error_rates_vs_snr``: BLER (solid, with the 95% Wilson band over codewords: a codeword
is one decoding event, its samples share its fate) and BER (dashed) vs SNR on a log axis,
a colour per digital scheme (with its bits), a panel per channel, at the largest K and
for the messages of one semantic equaliser (``relative`` when the study has it): the
bits a scheme sends depend on the message, not on how the receiver reads it. A point
without a single error in its codewords cannot sit on a log axis: it is left out, and
the legend says below which rate such a point lies (one error in all its codewords).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..figures.plot_rows import group_rows, is_number, sorted_values
from ..figures.plotting import (
    SNR_LABEL,
    MARKERS,
    MIN_POINTS,
    RC_STYLE,
    colors,
    new_figure,
    save_figure,
    snr_axis,
)
from ..figures.style import FigureStyle
from ..results.metrics import wilson_interval

__all__ = ["plot_error_rates", "error_rates_figure"]


def _label(r: dict) -> str:
    bits = r.get("bits")
    return f"{r['scheme']}, {int(float(bits))} bits" if is_number(bits) else str(r["scheme"])


def _rows_drawn(rows: list[dict]) -> list[dict]:
    """Digital rows of one equaliser's messages at the largest K (one row per point)."""
    coded = [r for r in rows if is_number(r.get("bler")) and is_number(r.get("codewords"))]
    if not coded:
        return []
    eqs = sorted_values(coded, "semantic_equalizer")
    eq = "relative" if "relative" in eqs else eqs[0]
    coded = [r for r in coded if r["semantic_equalizer"] == eq]
    k_max = max((float(r["num_anchors"]) for r in coded if is_number(r.get("num_anchors"))), default=None)
    return [r for r in coded if k_max is None or float(r["num_anchors"]) == k_max]


def plot_error_rates(rows: list[dict], out_dir: Path, style: FigureStyle) -> list[Path]:
    """BLER and BER vs SNR of the digital points of ``rows`` (results.csv's point rows); see
    the module docstring. Not drawn without digital points or with fewer than 3 SNR points."""
    fig = error_rates_figure(rows, style)
    if fig is None:
        return []
    return [p for p in save_figure(fig, out_dir, "error_rates_vs_snr") if p.suffix == ".png"]


def error_rates_figure(rows: list[dict], style: FigureStyle):
    """The figure :func:`plot_error_rates` saves (a matplotlib ``Figure``), or ``None``."""
    drawn = _rows_drawn(rows)
    if len({float(r["snr_db"]) for r in drawn}) < MIN_POINTS:
        return None
    labels = list(
        dict.fromkeys(_label(r) for r in sorted(drawn, key=lambda r: (str(r["scheme"]), str(r["bits"]))))
    )
    color = colors(labels)
    panels = group_rows(drawn, ("channel",))
    floor = min(1.0 / max(1, int(float(r["codewords"]))) for r in drawn)
    with plt.rc_context(RC_STYLE):
        fig, axes = new_figure(style, len(panels), 3, share=True)
        for ax, ((channel,), prs) in zip(axes, panels.items()):
            for i, label in enumerate(labels):
                crs = sorted((r for r in prs if _label(r) == label), key=lambda r: float(r["snr_db"]))
                if crs:
                    _draw_series(ax, crs, color[label], MARKERS[i % 8])
            ax.set_yscale("log")
            ax.set_ylabel("error rate")
            ax.set_title(str(channel))
            snr_axis(ax, [float(r["snr_db"]) for r in drawn])
            if ax.get_subplotspec().is_last_row() or ax is axes[-1]:
                ax.set_xlabel(SNR_LABEL)
                ax.xaxis.set_tick_params(labelbottom=True)
        first = drawn[0]
        what = "by scheme" if len(labels) > 1 else labels[0]
        fig.suptitle(
            f"Block and bit error rates vs SNR, {what}\n{first['semantic_equalizer']} messages · "
            f"K = {first.get('num_anchors')}",
            fontsize=7.5,
        )
        handles = [
            Line2D([], [], color=color[lb], marker=MARKERS[i % 8], label=lb) for i, lb in enumerate(labels)
        ]
        handles += [
            Line2D([], [], color="0.3", ls="-", label="BLER"),
            Line2D([], [], color="0.3", ls="--", label="BER"),
            Patch(facecolor="0.6", alpha=0.3, label="BLER band: 95% Wilson interval over codewords"),
        ]
        if any(int(float(r["block_errors"])) == 0 or float(r["ber"]) == 0 for r in drawn):
            handles.append(Line2D([], [], ls="none", label=f"no error seen: not drawn (BLER < {floor:.1g})"))
        fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, handlelength=2.2)
        return fig


def _draw_series(ax, rows: list[dict], color, marker: str) -> None:
    """One scheme's BLER (with its band) and BER against SNR; zero rates left out."""
    x = np.array([float(r["snr_db"]) for r in rows])
    errors = np.array([int(float(r["block_errors"])) for r in rows])
    words = np.array([int(float(r["codewords"])) for r in rows])
    bler = errors / words
    band = np.array([wilson_interval(int(e), int(w)) for e, w in zip(errors, words)])
    seen = errors > 0
    ax.plot(x[seen], bler[seen], ls="-", marker=marker, color=color, zorder=3)
    ax.fill_between(
        x[seen], np.maximum(band[seen, 0], 1e-12), band[seen, 1], color=color, alpha=0.15, lw=0, zorder=2
    )
    ber = np.array([float(r["ber"]) for r in rows])
    ax.plot(x[ber > 0], ber[ber > 0], ls="--", marker=marker, color=color, mfc="none", zorder=3)
