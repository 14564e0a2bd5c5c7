"""The documented result tables, rebuilt from the output folder of the study behind each.

Every results table (in the README or a docs page, docs/**/*.md) follows a marker
``<!-- NAME-table: command ... -->``.
For each NAME here, :data:`TABLES` knows the commands that produce its study and a
function that turns the study's output folder into the table's rows, formatted exactly
as the README prints them. ``docs_check.py`` runs the commands and prints every README
number beside the fresh one; the tests use :func:`readme_table` to read the documented side, wherever it lives.

A table's rows are lists of cell strings, the header excluded.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]

#: The stitching table's agents: every neural agent of scenarios/stitching.yaml (PCA excluded).
STITCHING_NEURAL = ["mlp_small", "mlp_wide", "mlp_tiny", "cnn"]
#: The stitching table's training seeds: offsets added to every neural agent's seed (0: the
#: scenario's own agents, the run the page's figure and prose describe). Another CPU retrains
#: the agents with other kernels and moves a pair by more than its test set's interval, so
#: the table's interval is over retrained agents.
STITCHING_SEED_OFFSETS = (0, 10, 20, 30, 40)


def table_sources() -> list[Path]:
    """The Markdown files a results table may live in: the README and the docs pages
    (docs/**/*.md, without the issue notes)."""
    docs = sorted(
        p for p in (ROOT / "docs").rglob("*.md") if "notes" not in p.relative_to(ROOT / "docs").parts[:1]
    )
    return [ROOT / "README.md"] + docs


def _table_in(marker: str, text: str) -> list[list[str]] | None:
    found = re.search(rf"<!-- {marker}[^>]*-->\s*\n((?:\|.*\|\s*\n)+)", text)
    if not found:
        return None
    lines = [ln for ln in found.group(1).strip().splitlines() if not set(ln) <= set("|-: ")]
    return [[c.strip().strip("`") for c in ln.strip().strip("|").split("|")] for ln in lines[1:]]


def table_location(marker: str) -> Path:
    """The one file (README.md or a docs page) holding the table after ``<!-- marker``."""
    hits = [p for p in table_sources() if _table_in(marker, p.read_text()) is not None]
    if not hits:
        raise LookupError(f"no table after '<!-- {marker}' in README.md or docs/**/*.md")
    if len(hits) > 1:
        names = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in hits)
        raise LookupError(f"the table '{marker}' is in {names}; keep it in one of them")
    return hits[0]


def readme_table(marker: str, text: str | None = None) -> list[list[str]]:
    """Cells of the Markdown table that follows ``<!-- marker ... -->`` (backticks stripped,
    header and rule rows dropped): in ``text`` when given, else in the one file of
    :func:`table_sources` that holds it (the README or the docs page it moved to)."""
    if text is None:
        text = table_location(marker).read_text()
    rows = _table_in(marker, text)
    if rows is None:
        raise LookupError(f"the text has no table after '<!-- {marker}'")
    return rows


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _results(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "results.csv")


def _mean_pm(row) -> str:
    """``84.4 ± 1.2``: a point's mean accuracy over replicates and its 95% half-width [%]
    (the mean alone for a point of one replicate)."""
    if pd.isna(row.accuracy_half_width):
        return _pct(row.accuracy)
    return f"{_pct(row.accuracy)} ± {_pct(row.accuracy_half_width)}"


def quickstart_rows(out: Path) -> list[list[str]]:
    """receiver | native | relative K=32 | K=64 | oracle K=64 | none (K=64), at 20 dB, each
    the mean over replicates ± its 95% half-width (native: the mean)."""
    df = _results(out)
    at = df[df.snr_db == 20.0]
    table = []
    for rx in dict.fromkeys(df.rx_model):

        def cell(eq, k, rx=rx):
            sel = at[(at.rx_model == rx) & (at.num_anchors == k) & (at.semantic_equalizer == eq)]
            return _mean_pm(sel.iloc[0])

        table.append(
            [
                rx,
                _pct(df[df.rx_model == rx].native_accuracy.mean()),
                cell("relative", 32),
                cell("relative", 64),
                cell("oracle", 64),
                cell("none", 64),
            ]
        )
    return table


def stitching_values(out: Path) -> dict[str, list[float]]:
    """Noise-free accuracy of the 12 ordered pairs of distinct neural agents, per row of the table."""
    df = pd.read_csv(out / "stitching.csv")
    df = df[
        (df.condition == "noise-free")
        & (df.tx_model != df.rx_model)
        & df.tx_model.isin(STITCHING_NEURAL)
        & df.rx_model.isin(STITCHING_NEURAL)
    ]
    values = {
        eq: list(df[df.semantic_equalizer == eq].accuracy) for eq in dict.fromkeys(df.semantic_equalizer)
    }
    relative = df[df.semantic_equalizer == "relative"]
    values["receiver native"] = list(relative.native_accuracy_rx)
    return values


def stitching_command(offset: int) -> str:
    """The stitch run of one training-seed offset into ``{out}/seed<offset>``."""
    import yaml

    models = yaml.safe_load((ROOT / "scenarios" / "stitching.yaml").read_text())["models"]
    sets = "".join(
        f" --set models.{name}.seed={models[name]['seed'] + offset}" for name in STITCHING_NEURAL if offset
    )
    return f"semcom stitch scenarios/stitching.yaml --out {{out}}/seed{offset}{sets}"


def pair_statistics(values: list[float]) -> tuple[float, float, float]:
    """(mean, lowest, highest) accuracy over a row's pairs."""
    return statistics.mean(values), min(values), max(values)


def stitching_seed_statistics(out: Path) -> dict[str, np.ndarray]:
    """Per table row: ``(seeds, 3)`` array of the mean, lowest and highest pair per seed offset."""
    per_row: dict[str, list] = {}
    for offset in STITCHING_SEED_OFFSETS:
        for name, values in stitching_values(out / f"seed{offset}").items():
            per_row.setdefault(name, []).append(pair_statistics(values))
    return {name: np.array(rows) for name, rows in per_row.items()}


def stitching_rows(out: Path) -> list[list[str]]:
    """equaliser | mean | lowest pair | highest pair (noise-free): each the mean over the
    training seeds ± its 95% t half-width over them [%]."""
    from scipy import stats

    per_seed = stitching_seed_statistics(out)
    order = ["relative", "inverse", "aligned", "oracle", "none", "receiver native"]
    t = stats.t.ppf(0.975, len(STITCHING_SEED_OFFSETS) - 1)
    table = []
    for name in (n for n in order if n in per_seed):
        s = per_seed[name]
        half = t * s.std(axis=0, ddof=1) / np.sqrt(len(s))
        table.append([name] + [f"{_pct(m)} ± {_pct(h)}" for m, h in zip(s.mean(axis=0), half)])
    return table


def digital_rows(out: Path) -> list[list[str]]:
    """Per (channel, scheme, bits) of the relative rows at K = 32: channel uses, accuracy per SNR.
    The README labels the rows in words; the first three cells here are the study's names."""
    df = _results(out)
    df = df[(df.semantic_equalizer == "relative") & (df.num_anchors == 32)]
    table = []
    for (channel, scheme, bits), grp in df.groupby(["channel", "scheme", df.bits.fillna(-1)], sort=False):
        grp = grp.sort_values("snr_db")
        table.append(
            [channel, scheme if bits < 0 else f"{scheme}, {int(bits)} bits", f"{grp.channel_uses.iloc[0]:g}"]
            + [_mean_pm(r) for r in grp.itertuples()]
        )
    return table


def anchors_rows(out: Path) -> list[list[str]]:
    """Strategy | mean over replicates (seeds) ± the 95% t-interval half-width of that mean
    (relative, 20 dB), per K."""
    df = _results(out)
    df = df[(df.semantic_equalizer == "relative") & (df.snr_db == 20.0)]
    return [
        [strategy] + [_mean_pm(r) for r in grp.sort_values("num_anchors").itertuples()]
        for strategy, grp in df.groupby("anchor_selection", sort=False)
    ]


def _snr_at(grp: pd.DataFrame, target: float) -> float | None:
    """SNR [dB] where the mean curve first reaches ``target`` (linear interpolation between the
    grid points around the crossing); -inf when the first point already does, None if never."""
    acc, grid = grp.accuracy.to_numpy(), grp.snr_db.to_numpy()
    above = np.nonzero(acc >= target)[0]
    if len(above) == 0:
        return None
    i = above[0]
    return -np.inf if i == 0 else float(np.interp(target, [acc[i - 1], acc[i]], [grid[i - 1], grid[i]]))


def channel_aware_rows(
    out: Path, channel: str = "awgn", k: int = 16, target: float = 0.8, snrs=(-10, -5, 0, 5, 10, 20, 30)
) -> list[list[str]]:
    """receiver | accuracy per SNR (mean over replicates ± its 95% half-width [%]) | SNR at
    ``target`` on the mean curve."""
    df = _results(out)
    df = df[(df.channel == channel) & (df.num_anchors == k)]
    table = []
    for eq, grp in df.groupby("semantic_equalizer", sort=False):
        grp = grp.sort_values("snr_db")
        at = _snr_at(grp, target)
        at = "never" if at is None else f"<{grp.snr_db.iloc[0]:g} dB" if at == -np.inf else f"{at:.2f} dB"
        by_snr = {r.snr_db: r for r in grp.itertuples()}
        table.append([eq] + [_mean_pm(by_snr[s]) if s in by_snr else "-" for s in snrs] + [at])
    return table


def channel_aware_gains_rows(out: Path, target: float = 0.8) -> list[list[str]]:
    """channel | K | relative, relative_lmmse, relative_noisy at 0 dB (mean ± half-width [%]) |
    relative's SNR at ``target`` | the dB that LMMSE denoising and noise-trained heads save there."""
    df = _results(out)
    table = []
    for (channel, k), sel in df.groupby(["channel", "num_anchors"], sort=False):
        curves = {
            eq: sel[sel.semantic_equalizer == eq].sort_values("snr_db")
            for eq in ("relative", "relative_lmmse", "relative_noisy")
        }
        at0 = [_mean_pm(c[c.snr_db == 0.0].iloc[0]) for c in curves.values()]
        x = {eq: _snr_at(c, target) for eq, c in curves.items()}
        plain = f"{x['relative']:.2f}" if _finite(x["relative"]) else "-"
        table.append(
            [channel, f"{k}"] + at0 + [plain, _gain(x, "relative_lmmse"), _gain(x, "relative_noisy")]
        )
    return table


def _finite(snr: float | None) -> bool:
    return snr is not None and snr != -np.inf


def _gain(crossings: dict, eq: str) -> str:
    """The dB that ``eq`` saves over plain ``relative`` at the target; "-" when either
    curve has no crossing inside the grid."""
    plain, other = crossings["relative"], crossings[eq]
    return f"{plain - other:.1f}" if _finite(plain) and _finite(other) else "-"


def jscc_rows(out: Path) -> list[list[str]]:
    """AWGN rows: jscc schemes at 4 / 16 channel uses, oracle and relative analog at K = 8 / 32;
    each cell the mean over replicates ± its 95% half-width [%]."""
    df = _results(out)
    df = df[df.channel == "awgn"]
    snrs = sorted(df.snr_db.unique())

    def pair(sel_a, sel_b):
        return [
            f"{_mean_pm(a)} / {_mean_pm(b)}"
            for a, b in zip(
                sel_a.sort_values("snr_db").itertuples(), sel_b.sort_values("snr_db").itertuples()
            )
        ]

    table = []
    for scheme in ("jscc0", "jscc10"):
        sel = df[df.scheme == scheme]
        table.append([scheme, "4 / 16"] + pair(sel[sel.channel_uses == 4], sel[sel.channel_uses == 16]))
    analog = df[df.scheme == "analog"]
    for eq in ("oracle", "relative"):
        sel = analog[analog.semantic_equalizer == eq]
        table.append(
            [f"{eq} (K = 8 / 32)", "4 / 16"] + pair(sel[sel.num_anchors == 8], sel[sel.num_anchors == 32])
        )
    assert len(snrs) == len(table[0]) - 2
    return table


def adaptive_rows(out: Path) -> list[list[str]]:
    """SNR | replicates | accuracy [%] ± half-width | target met | BLER | block errors / codewords."""
    df = _results(out).sort_values("snr_db")
    return [
        [
            f"{r.snr_db:g}",
            f"{r.replicates}",
            _mean_pm(r),
            "yes" if r.target_met else "no",
            f"{r.bler:.3f}",
            f"{r.block_errors} / {r.codewords}",
        ]
        for r in df.itertuples()
    ]


def topk_rows(out: Path) -> list[list[str]]:
    """receiver | top-8 uses | accuracy 0 / 10 dB | all-32 uses | accuracy 0 / 10 dB (relative,
    K = 32), from the two runs ``out/topk8`` and ``out/topk_all``."""

    def side(run):
        df = _results(out / run)
        return df[df.semantic_equalizer == "relative"].sort_values("snr_db")

    sparse, full = side("topk8"), side("topk_all")
    table = []
    for rx in dict.fromkeys(sparse.rx_model):
        cells = [rx]
        for df in (sparse, full):
            sel = df[df.rx_model == rx]
            cells += [f"{sel.channel_uses.iloc[0]:g}", " / ".join(_mean_pm(r) for r in sel.itertuples())]
        table.append(cells)
    return table


def zoo_seeds_rows(out: Path) -> list[list[str]]:
    """The alignment zoo's 10 dB winners over seeds (docs/scripts/zoo_seeds.py)."""
    from zoo_seeds import rows

    return rows(out)


@dataclass(frozen=True)
class ReadmeTable:
    """One README table: the commands that make its study (run from the repository root,
    ``{out}`` the output folder) and the function that rebuilds its rows from the folder."""

    commands: tuple[str, ...]
    rows: Callable[[Path], list[list[str]]]
    #: cells of a README row that are labels in words, compared by position only
    label_cells: int = 1
    #: the output folder's name, when the table reads another table's study (run once)
    folder: str | None = None


TABLES: dict[str, ReadmeTable] = {
    "quickstart-table": ReadmeTable(
        ("semcom run scenarios/quickstart.yaml --out {out} --quiet",), quickstart_rows
    ),
    "digital-table": ReadmeTable(
        ("semcom run scenarios/digital_vs_analog.yaml --out {out} --quiet",), digital_rows, label_cells=2
    ),
    "anchors-table": ReadmeTable(
        ("semcom run scenarios/anchors_random_vs_prototypical.yaml --out {out} --quiet",), anchors_rows
    ),
    "stitching-table": ReadmeTable(
        tuple(stitching_command(o) for o in STITCHING_SEED_OFFSETS), stitching_rows
    ),
    "channel-aware-table": ReadmeTable(
        ("semcom run scenarios/channel_aware_receivers.yaml --out {out} --quiet",), channel_aware_rows
    ),
    "receivers-gains-table": ReadmeTable(
        ("semcom run scenarios/channel_aware_receivers.yaml --out {out} --quiet",),
        channel_aware_gains_rows,
        label_cells=2,
        folder="channel-aware-table",
    ),
    "jscc-table": ReadmeTable(("semcom run scenarios/jscc_vs_relative.yaml --out {out} --quiet",), jscc_rows),
    "topk-table": ReadmeTable(
        (
            "semcom run scenarios/quickstart.yaml --out {out}/topk8 --no-plots --quiet --set sweep.snr_db=[0,10] "
            "--set sweep.num_anchors=[32] --set compression.top_k=8",
            "semcom run scenarios/quickstart.yaml --out {out}/topk_all --no-plots --quiet --set sweep.snr_db=[0,10] "
            "--set sweep.num_anchors=[32]",
        ),
        topk_rows,
    ),
    "zoo-seeds-table": ReadmeTable(
        (
            'semcom run scenarios/alignment_zoo.yaml --out {out} --no-plots --quiet --set "sweep.seed=[1,2,3]"',
        ),
        zoo_seeds_rows,
        label_cells=2,
    ),
    "adaptive-table": ReadmeTable(
        ("semcom run scenarios/digital_rayleigh_adaptive.yaml --out {out} --quiet",), adaptive_rows
    ),
}
