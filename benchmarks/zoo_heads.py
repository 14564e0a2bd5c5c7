"""What the zoo's training head does to the results: ``scenarios/zoo_heads.yaml``, both heads.

    python -m benchmarks.zoo_heads --out runs/zoo_heads

For each training head (``linear``, the default; ``cosine``) the same four encoders
(MLPs of different seeds and width, a CNN) give: noise-free stitching over every
ordered pair at K = 4, 8, 32 prototypical anchors, MLP -> MLP (different seeds) over
AWGN at -10/0/10 dB with K = 32, and every agent's neural-collapse index. Every number
is a mean over the scenario's seeds (anchor draws and heads); the CSVs keep each seed.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from semcom.scenarios import scenario_path
from semcom.simulator.link.engine import run_unit
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import load_scenario
from semcom.simulator.stitch.runner import NOISE_FREE, geometry_rows, stitch_rows
from semcom.simulator.results.store import write_csv
from semcom.simulator.link.units import Unit

HEADS = ("linear", "cosine")
STITCH_K = (4, 8, 32)


def _head_scenario(sc, head: str, num_anchors: int, snr_db: list[float]):
    agents = [m for m in sc.models if m.endswith("_" + head)]
    s = sc.model_copy(deep=True)
    s.sweep.transmitter, s.sweep.receiver = agents, agents
    s.sweep.num_anchors, s.sweep.snr_db = [num_anchors], snr_db
    return s, agents


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scenario", default=str(scenario_path("zoo_heads")))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sc = load_scenario(args.scenario)
    check_scenario(sc)
    seeds = [int(s) for s in sc.axis("seed")]
    stitching, awgn, collapse = [], [], []
    for head in HEADS:
        for k in STITCH_K:
            s, _ = _head_scenario(sc, head, k, [max(sc.axis("snr_db"))])
            stitching += [{"head": head, **r} for r in stitch_rows(s) if r["condition"] == NOISE_FREE]
        s, agents = _head_scenario(sc, head, 32, sc.axis("snr_db"))
        tx, rx = f"mlp_a_{head}", f"mlp_b_{head}"
        for seed in seeds:
            unit = Unit(
                seed=seed,
                transmitter=tx,
                receiver=rx,
                channel=s.axis("channel")[0],
                scheme=s.axis("scheme")[0],
                anchor_selection=s.axis("anchor_selection")[0],
                num_anchors=32,
                bits=s.axis("bits")[0],
            )
            awgn += [{"head": head, **r} for r in run_unit(s, unit)]
        collapse += [{"head": head, **r} for r in geometry_rows(s)[0]]
    write_csv(stitching, out / "zoo_heads_stitching.csv", ["head"] + list(stitching[0])[1:])
    write_csv(awgn, out / "zoo_heads_awgn.csv", ["head"] + list(awgn[0])[1:])
    write_csv(collapse, out / "zoo_heads_collapse.csv", ["head"] + list(collapse[0])[1:])
    _print_summary(stitching, awgn, collapse)


def _mean(rows, key="accuracy") -> float:
    return statistics.mean(float(r[key]) for r in rows)


def _print_summary(stitching, awgn, collapse) -> None:
    print(
        "Noise-free stitching, prototypical anchors, mean over ordered pairs of different agents and seeds "
        "(max excess = largest mean-over-seeds relative minus the receiver's native accuracy, over pairs):"
    )
    print("| head | K | relative | none | oracle | receiver native | max excess of relative over native |")
    print("|---|---|---|---|---|---|---|")
    for head in HEADS:
        for k in STITCH_K:
            rs = [
                r
                for r in stitching
                if r["head"] == head and r["num_anchors"] == k and r["tx_model"] != r["rx_model"]
            ]
            cells = [
                f"{100 * _mean([r for r in rs if r['semantic_equalizer'] == eq]):.1f}"
                for eq in ("relative", "none", "oracle")
            ]
            rel = [r for r in rs if r["semantic_equalizer"] == "relative"]
            pairs = {(r["tx_model"], r["rx_model"]) for r in rel}
            excess = max(
                _mean([r for r in rel if (r["tx_model"], r["rx_model"]) == p])
                - _mean([r for r in rel if (r["tx_model"], r["rx_model"]) == p], "native_accuracy_rx")
                for p in pairs
            )
            print(
                f"| {head} | {k} | "
                + " | ".join(cells)
                + f" | {100 * _mean(rel, 'native_accuracy_rx'):.1f} | "
                f"{100 * excess:+.1f} |"
            )
    print("\nAWGN, mlp_a -> mlp_b (different seeds), K = 32 prototypical, mean over seeds:")
    print("| head | SNR [dB] | relative | none | oracle | receiver native |")
    print("|---|---|---|---|---|---|")
    for head in HEADS:
        for snr in sorted({float(r["snr_db"]) for r in awgn}):
            rs = [r for r in awgn if r["head"] == head and float(r["snr_db"]) == snr]
            cells = [
                f"{100 * _mean([r for r in rs if r['semantic_equalizer'] == eq]):.1f}"
                for eq in ("relative", "none", "oracle")
            ]
            print(
                f"| {head} | {snr:g} | "
                + " | ".join(cells)
                + f" | {100 * _mean(rs, 'native_accuracy'):.1f} |"
            )
    print(
        "\nCollapse index (pool latents; a regular simplex has class-mean cosine -1/9 = -0.111 and "
        "within-class cosine 1):"
    )
    print("| head | agent | class-mean cosine | within-class cosine |")
    print("|---|---|---|---|")
    for r in collapse:
        print(
            f"| {r['head']} | {r['model']} | {r['class_mean_cosine']:.3f} | {r['within_class_cosine']:.3f} |"
        )


if __name__ == "__main__":
    main()
