"""What the zoo's depth does to stitching: ``scenarios/zoo_heads.yaml`` (linear heads), MLP depth 1/2/3.

    python -m benchmarks.zoo_depth --out runs/zoo_depth

The linear-head agents of ``zoo_heads`` (two MLPs of different seeds, a wide MLP, a
CNN), with every MLP's hidden-layer count set to 1, 2 (the zoo's default for the two
128-wide MLPs) or 3, widths unchanged; K = 32 prototypical anchors, the scenario's 3
seeds. Per depth: `relative` MLP -> MLP (mlp_a -> mlp_b) noise-free and over AWGN at
0 dB, `relative` noise-free over the 12 ordered pairs of different agents, and linear
CKA between the two MLPs (pool latents). A last line runs the papers' regime (depth-1
MLPs, ``train_fraction: 0``: encoders trained on the pool), whose digits numbers are
~94% noise-free over the 12 pairs and ~81% MLP -> MLP at 0 dB; ``--check`` exits 1 if
this run is not within 2 points of 94% and 5 points of 81%.
Every number is a mean over seeds (anchor draws, heads); the CSVs keep each row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from semcom.scenarios import scenario_path
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.stitch.runner import NOISE_FREE, geometry_rows, stitch_rows
from semcom.simulator.results.store import write_csv

AGENTS = ("mlp_a_linear", "mlp_b_linear", "mlp_wide_linear", "cnn_linear")
PAPERS = dict(noise_free=0.94, noise_free_tol=0.02, awgn0=0.81, awgn0_tol=0.05)


def depth_scenario(sc, depth: int, train_fraction: float | None = None):
    """The linear-head zoo with every MLP at ``depth`` hidden layers, K = 32, 0 dB."""
    s = sc.model_copy(deep=True)
    s.models = {
        name: spec.model_copy(update={"depth": depth}) if spec.kind == "mlp" else spec
        for name, spec in s.models.items()
        if name in AGENTS
    }
    if train_fraction is not None:
        s.data.train_fraction = train_fraction
    s.sweep.transmitter, s.sweep.receiver = list(AGENTS), list(AGENTS)
    s.sweep.num_anchors, s.sweep.snr_db, s.sweep.semantic_equalizer = [32], [0.0], ["relative"]
    check_scenario(s)
    return s


def load_with_overrides(path: str, options: list[str]):
    """The scenario with ``--set KEY=VALUE`` overrides, as ``semcom run`` reads it."""
    from semcom.core.overrides import apply_overrides, parse_set_options
    from semcom.simulator.link.schema import parse_scenario
    from semcom.simulator.scenario.reading import read_scenario_yaml

    return parse_scenario(apply_overrides(read_scenario_yaml(path), parse_set_options(options)), path)


def _mean(rows) -> float:
    return statistics.mean(float(r["accuracy"]) for r in rows)


def summary(rows: list[dict], cka_rows: list[dict]) -> dict:
    """Means over seeds: MLP -> MLP noise-free and 0 dB, 12-pair noise-free, MLP-MLP CKA."""
    rel = [r for r in rows if r["semantic_equalizer"] == "relative"]
    mlp = [r for r in rel if (r["tx_model"], r["rx_model"]) == ("mlp_a_linear", "mlp_b_linear")]
    pairs = [r for r in rel if r["tx_model"] != r["rx_model"] and r["condition"] == NOISE_FREE]
    cka = [
        float(r["cka"]) for r in cka_rows if (r["model_a"], r["model_b"]) == ("mlp_a_linear", "mlp_b_linear")
    ]
    return dict(
        mlp_noise_free=_mean([r for r in mlp if r["condition"] == NOISE_FREE]),
        mlp_awgn0=_mean([r for r in mlp if r["condition"] != NOISE_FREE]),
        pairs_noise_free=_mean(pairs),
        cka_mlp=cka[0],
        weight_decays=sorted({r["head_weight_decay"] for r in rel if r.get("head_weight_decay")}),
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scenario", default=str(scenario_path("zoo_heads")))
    parser.add_argument("--depths", default="1,2,3")
    parser.add_argument("--papers-only", action="store_true", help="only the papers' regime line")
    parser.add_argument("--check", action="store_true", help="exit 1 if the papers' regime misses 94% / 81%")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value (e.g. heads.weight_decay=0.0001)",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sc = load_with_overrides(args.scenario, args.set)
    runs = [] if args.papers_only else [(f"depth {d}", int(d), None) for d in args.depths.split(",")]
    runs.append(("papers' regime: depth 1, train_fraction 0", 1, 0.0))
    print(
        "| zoo | relative MLP->MLP noise-free | relative MLP->MLP AWGN 0 dB | relative noise-free, 12 pairs "
        "| CKA MLP-MLP | head weight decays |"
    )
    print("|---|---|---|---|---|---|")
    results = {}
    for label, depth, train_fraction in runs:
        s = depth_scenario(sc, depth, train_fraction)
        rows = stitch_rows(s)
        _, cka = geometry_rows(s)
        tag = label.split(":")[0].replace(" ", "_").replace("'", "")
        write_csv(rows, out / f"zoo_depth_{tag}.csv", list(rows[0]))
        results[label] = m = summary(rows, cka)
        print(
            f"| {label} | {100 * m['mlp_noise_free']:.1f} | {100 * m['mlp_awgn0']:.1f} | "
            f"{100 * m['pairs_noise_free']:.1f} | {m['cka_mlp']:.3f} | "
            f"{', '.join(f'{w:g}' for w in m['weight_decays'])} |",
            flush=True,
        )
    papers = results[runs[-1][0]]
    ok = (
        abs(papers["pairs_noise_free"] - PAPERS["noise_free"]) <= PAPERS["noise_free_tol"]
        and abs(papers["mlp_awgn0"] - PAPERS["awgn0"]) <= PAPERS["awgn0_tol"]
    )
    print(
        f"\npapers' regime: {100 * papers['pairs_noise_free']:.1f}% noise-free over 12 pairs "
        f"(target 94 +- 2), {100 * papers['mlp_awgn0']:.1f}% MLP->MLP at 0 dB (target 81 +- 5): "
        f"{'within' if ok else 'OUTSIDE'} the targets"
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
