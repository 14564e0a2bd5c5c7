"""What a figure reads from result rows (no matplotlib): values and groups, curves of the
mean accuracy over replicates with their 95% band, titles and subtitles, colours by registered
name, and what link rows say (an end-to-end unit, a method that does not use the anchors).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..results.intervals import t_quantile

#: the facets that tell one link apart from another
LINK_FACETS = ("tx_model", "rx_model", "channel", "scheme", "bits")


def sorted_values(rows: Iterable[dict], key: str) -> list:
    vals = {r.get(key) for r in rows}
    return sorted(vals, key=lambda v: (v is None, float(v) if is_number(v) else str(v)))


def is_number(v: Any) -> bool:
    try:
        float(v)
        return v is not None and v != ""
    except (TypeError, ValueError):
        return False


def group_rows(rows: Iterable[dict], keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        out[tuple(r.get(k) for k in keys)].append(r)
    return dict(
        sorted(
            out.items(), key=lambda kv: tuple((float(x) if is_number(x) else math.inf, str(x)) for x in kv[0])
        )
    )


def varying_keys(rows: list[dict], keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(k for k in keys if len({r.get(k) for r in rows}) > 1)


def _band(rs: list[dict]) -> tuple[float, float]:
    """The band of one x of a curve: its rows' interval over replicates (results.csv's
    ``accuracy_low``/``accuracy_high``), or, where a point has one replicate, the Wilson
    interval of its test decisions."""

    def bounds(low: str, high: str):
        return float(np.mean([float(r[low]) for r in rs])), float(np.mean([float(r[high]) for r in rs]))

    for low, high in (("accuracy_low", "accuracy_high"), ("accuracy_wilson_low", "accuracy_wilson_high")):
        if all(is_number(r.get(low)) and is_number(r.get(high)) for r in rs):
            return bounds(low, high)
    return bounds("accuracy", "accuracy")  # rows without an interval: no band


def accuracy_curve(rows: list[dict], x_key: str) -> tuple[np.ndarray, ...]:
    """x, mean accuracy, band low, band high. Point rows (results.csv) have one row per x
    and carry their band (:func:`_band`); replicate rows of several seeds get the 95%
    t-interval of their mean."""
    xs, mean, lo, hi = [], [], [], []
    for (x,), rs in group_rows(rows, (x_key,)).items():
        acc = np.array([float(r["accuracy"]) for r in rs])
        xs.append(float(x))
        mean.append(acc.mean())
        if len({r.get("seed") for r in rs}) > 1:
            half = t_quantile(0.95, len(acc) - 1) * acc.std(ddof=1) / math.sqrt(len(acc))
            lo.append(max(0.0, acc.mean() - half))
            hi.append(min(1.0, acc.mean() + half))
        else:
            band = _band(rs)
            lo.append(band[0])
            hi.append(band[1])
    return np.array(xs), np.array(mean), np.array(lo), np.array(hi)


def replicate_count(rows: list[dict]) -> str:
    """``3`` or ``3-12``: the replicates per point of ``rows`` (seeds, for replicate rows)."""
    if not any(is_number(r.get("replicates")) for r in rows):
        return str(len({r.get("seed") for r in rows}))
    counts = sorted({int(r["replicates"]) for r in rows if is_number(r.get("replicates"))})
    return f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def band_note(rows: list[dict]) -> str:
    count = replicate_count(rows)
    if count != "1":
        return f"band: 95% t-interval over {count} replicates"
    return "band: 95% Wilson interval (test samples only; 1 replicate)"


def link_title(key: dict[str, Any], varying: tuple[str, ...]) -> str:
    parts = []
    if "tx_model" in varying or "rx_model" in varying or not varying:
        parts.append(f"{key.get('tx_model')} → {key.get('rx_model')}")
    if "channel" in varying:
        parts.append(str(key.get("channel")))
    if "bits" in varying:
        parts.append(f"{key.get('bits')} bits" if key.get("bits") not in (None, "") else "unquantised")
    if "scheme" in varying:
        parts.append(str(key.get("scheme")))
    for k in ("semantic_equalizer", "anchor_selection", "num_anchors", "snr_db"):
        if k in key and key[k] not in (None, ""):  # jscc rows have no anchors
            parts.append(
                f"K = {key[k]}"
                if k == "num_anchors"
                else f"{float(key[k]):g} dB"
                if k == "snr_db"
                else str(key[k])
            )
    return ", ".join(parts)


def panel_facets(rows: list[dict], key: dict) -> dict:
    """The link facets a panel's title names: a transmitter or receiver that varies within the
    panel (a figure comparing receivers) reads "each receiver", never the first one's name."""
    facets = {k: rows[0].get(k) for k in LINK_FACETS}
    for k, word in (("tx_model", "each transmitter"), ("rx_model", "each receiver")):
        if len({r.get(k) for r in rows}) > 1:
            facets[k] = word
    return {**facets, **key}


def wrapped_notes(lines: Iterable[str], width_in: float) -> str:
    """Notes under a figure's title, wrapped to its width (about 0.55 em a character at 7.5 pt)."""
    import textwrap  # lazy: only figures with notes

    chars = max(30, int(width_in * 72 / (7.5 * 0.55)))
    return "\n".join(textwrap.fill(line, chars) for line in lines)


def legend_columns(width_in: float, labels: list[str]) -> int:
    """Columns of a legend under the panels that fit ``width_in``: a column is as wide as its
    longest label (about 0.55 em a character at 7.5 pt) plus the handle and the spacing."""
    longest = max((len(label) for label in labels), default=1)
    column_pt = 7.5 * (0.55 * longest + 2.2 + 1.2 + 0.8)
    return max(1, min(len(labels), 4, int(width_in * 72 / column_pt)))


def subtitle(rows: list[dict], shown: Iterable[str]) -> str:
    """What the whole figure holds fixed: channel, scheme, K, SNR, anchors (those that do not vary)."""
    shown = set(shown)
    parts = []
    for key, fmt in (
        ("channel", "{} channel"),
        ("scheme", "{}"),
        ("bits", "{} bits"),
        ("anchor_selection", "{} anchors"),
        ("num_anchors", "K = {}"),
        ("snr_db", "{:g} dB"),
    ):
        vals = {r.get(key) for r in rows}
        if key in shown or len(vals) != 1:
            continue
        (v,) = vals
        if v in (None, ""):
            continue
        parts.append(fmt.format(float(v) if key == "snr_db" else v))
    count = replicate_count(rows)
    parts.append(f"{count} replicate{'s' * (count != '1')}")
    return " · ".join(parts)


# -- link rows ----------------------------------------------------------------------------


def is_e2e(row: dict) -> bool:
    """A row of an end-to-end (jscc) unit: no anchors, no semantic equaliser."""
    return row.get("semantic_equalizer") == "jscc"


def snr_levels(rows: list[dict]) -> list[float]:
    snrs = sorted({float(r["snr_db"]) for r in rows})
    picks = [snrs[0], snrs[len(snrs) // 2], snrs[-1]] if len(snrs) > 2 else snrs
    return list(dict.fromkeys(picks))


def rate_independent(rows: list[dict]) -> bool:
    """Rows of one method whose per-sample message does not depend on K (same rate for every K)."""
    return len({r["num_anchors"] for r in rows}) > 1 and len({float(r["channel_uses"]) for r in rows}) == 1


def no_setup(rows: list[dict]) -> bool:
    """No once-per-link cost (``aligned`` sends its K anchor pairs as semantic pilots)."""
    return all(not is_number(r.get("setup_channel_uses")) or not float(r["setup_channel_uses"]) for r in rows)


def k_independent(rows: list[dict]) -> bool:
    """Rows of one method that does not use the anchors at all (``none``): its K units are
    replicate noise draws of one set-up. ``aligned`` is not: its map is fitted on K pilots."""
    return rate_independent(rows) and no_setup(rows)


def mean_accuracy(rows: list[dict]) -> float:
    return float(np.mean([float(r["accuracy"]) for r in rows]))


def reference_accuracy(rows: list[dict]) -> float:
    """Level of a rate-independent method's reference line: the mean over its replicate K
    units, or, when K sets its pilots, its accuracy with the most pilots."""
    if no_setup(rows):
        return mean_accuracy(rows)
    k_max = max(float(r["num_anchors"]) for r in rows)
    return mean_accuracy([r for r in rows if float(r["num_anchors"]) == k_max])


def below_chance_notes(rows: list[dict], style) -> list[str]:
    """A line per method drawn below chance (its interval's upper end under the chance level
    at some point), saying why where it is drawn. ``none`` feeds the transmitter's latent to
    the receiver's own head: for two different encoders that head maps whole classes to other
    classes (measured on the quickstart's pairs: no class lands on itself), so it does worse
    than guessing, and channel noise pulls it back towards chance at low SNR."""
    chance = getattr(style, "chance", None)
    if chance is None:
        return []
    below = sorted(
        {
            r.get("semantic_equalizer")
            for r in rows
            if is_number(r.get("accuracy_high")) and float(r["accuracy_high"]) < chance and not is_e2e(r)
        },
        key=str,
    )
    return [
        f"{name} below chance: another encoder's latent read by the receiver's own head sends whole classes "
        f"to other classes; noise pulls it back to chance"
        if name == "none"
        else f"{name} below chance: a systematic mismatch, not noise"
        for name in below
    ]
