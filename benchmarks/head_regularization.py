"""Heads' L2 strength: selected on the receiver's own pool (``cv``) against fixed strengths.

    python -m benchmarks.head_regularization

On the ``zoo_heads`` zoo (linear-head agents; ``mlp_a_linear -> mlp_b_linear``, K = 32
prototypical anchors, the scenario's 3 seeds), `relative` and `oracle` noise-free and over
AWGN at 0 dB, uncentred and centred, for heads with ``weight_decay``: ``cv`` (the default:
selected by 3-fold cross-validation on the receiver's own pool), 1e-4 (the old fixed
value) and 1/(2 n_pool) (scikit-learn's ``C = 1`` on this pool). Accuracy is pooled over
the seeds (3 x the test set) with its 95% Wilson interval. Prints, last, the
checks: is ``cv`` at least as good as each fixed strength at 0 dB within the intervals
(its upper bound >= the other's accuracy), and does centring cost no more than its
interval at 0 dB with ``cv`` heads. ``--curve`` prints only the held-out accuracy of the
receiver's relative head on its own pool against the strength (seed 1, uncentred): what
the selection sees.
"""

from __future__ import annotations

import argparse
import sys

from semcom.scenarios import scenario_path
from semcom.simulator.run.context import study_data
from semcom.simulator.results.metrics import wilson_interval
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import load_scenario
from semcom.simulator.stitch.runner import NOISE_FREE, stitch_rows

TX, RX = "mlp_a_linear", "mlp_b_linear"


def scenario(sc, weight_decay, center: bool):
    s = sc.model_copy(deep=True)
    s.models = {k: v for k, v in s.models.items() if k in (TX, RX)}
    s.sweep.transmitter, s.sweep.receiver = [TX], [RX]
    s.sweep.num_anchors, s.sweep.snr_db, s.sweep.semantic_equalizer = [32], [0.0], ["relative", "oracle"]
    s.center = center
    s.heads = s.heads.model_copy(update={"weight_decay": weight_decay})
    check_scenario(s)
    return s


def pooled(rows, equalizer: str, condition: str) -> tuple[float, float, float, list]:
    rs = [
        r
        for r in rows
        if (r["tx_model"], r["rx_model"]) == (TX, RX)
        and r["semantic_equalizer"] == equalizer
        and (r["condition"] == NOISE_FREE) == (condition == NOISE_FREE)
    ]
    correct = sum(round(float(r["accuracy"]) * int(r["n_samples"])) for r in rs)
    n = sum(int(r["n_samples"]) for r in rs)
    lo, hi = wilson_interval(correct, n)
    return correct / n, lo, hi, sorted({r["head_weight_decay"] for r in rs})


def curve(sc) -> int:
    """Held-out accuracy (3 folds, the receiver's own pool) of its relative head per strength."""
    from semcom.simulator.link.engine import build_link
    from semcom.simulator.link.resolved import resolve_unit
    from semcom.simulator.link.units import Unit
    from semcom.transceivers.head_selection import (
        WEIGHT_DECAY_GRID,
        one_standard_error_choice,
        validation_scores,
    )

    s = scenario(sc, "cv", False)
    unit = Unit(
        seed=1,
        transmitter=TX,
        receiver=RX,
        channel=s.axis("channel")[0],
        scheme=s.axis("scheme")[0],
        anchor_selection="prototypical",
        num_anchors=32,
        bits=s.axis("bits")[0],
    )
    link = build_link(resolve_unit(s, unit))
    acc, se = validation_scores(
        link.relative(link.rx, link.pool_idx), link.labels[link.pool_idx], link.num_classes, link.seed
    )
    print(f"{RX}'s relative head, K = 32, seed 1: held-out accuracy on its own pool (3 folds)")
    print("| weight_decay | " + " | ".join(f"{g:g}" for g in WEIGHT_DECAY_GRID) + " |")
    print("|---|" + "---|" * len(WEIGHT_DECAY_GRID))
    print("| accuracy [%] | " + " | ".join(f"{100 * a:.1f}" for a in acc) + " |")
    print(f"chosen (one-standard-error rule): {one_standard_error_choice(WEIGHT_DECAY_GRID, acc, se):g}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(scenario_path("zoo_heads")))
    parser.add_argument("--curve", action="store_true", help="only the validation curve the selection sees")
    args = parser.parse_args(argv)
    sc = load_scenario(args.scenario)
    check_scenario(sc)
    if args.curve:
        return curve(sc)
    n_pool = len(study_data(sc).pool_idx)
    strengths = {"cv": "cv", "1e-4 (old fixed)": 1e-4, f"C=1 (1/(2*{n_pool}))": 1.0 / (2 * n_pool)}
    print(
        f"zoo_heads, {TX} -> {RX}, K = 32 prototypical, seeds {sc.axis('seed')}, pool {n_pool} samples; "
        "accuracy pooled over seeds [95% Wilson interval]"
    )
    print(
        "| heads | centred | relative noise-free | relative 0 dB | oracle noise-free | oracle 0 dB | "
        "relative head weight decays |"
    )
    print("|---|---|---|---|---|---|---|")
    acc = {}
    for label, wd in strengths.items():
        for center in (False, True):
            rows = stitch_rows(scenario(sc, wd, center))
            cells = []
            for eq in ("relative", "oracle"):
                for cond in (NOISE_FREE, "0 dB"):
                    a, lo, hi, wds = pooled(rows, eq, cond)
                    acc[(label, center, eq, cond)] = (a, lo, hi)
                    cells.append(f"{100 * a:.1f} [{100 * lo:.1f}, {100 * hi:.1f}]")
            wds = pooled(rows, "relative", "0 dB")[3]
            print(
                f"| {label} | {'yes' if center else 'no'} | "
                + " | ".join(cells)
                + " | "
                + ", ".join(f"{w:g}" for w in wds)
                + " |",
                flush=True,
            )
    ok = True
    print()
    for label in list(strengths)[1:]:
        for center in (False, True):
            cv, other = acc[("cv", center, "relative", "0 dB")], acc[(label, center, "relative", "0 dB")]
            good = cv[2] >= other[0]
            ok &= good
            print(
                f"relative 0 dB, centred={center}: cv {100 * cv[0]:.1f} (upper {100 * cv[2]:.1f}) vs {label} "
                f"{100 * other[0]:.1f}: {'as good within the interval' if good else 'WORSE'}"
            )
    plain, centered = acc[("cv", False, "relative", "0 dB")], acc[("cv", True, "relative", "0 dB")]
    half = (centered[2] - centered[1]) / 2
    good = plain[0] - centered[0] <= half
    ok &= good
    print(
        f"centring with cv heads at 0 dB: {100 * plain[0]:.1f} -> {100 * centered[0]:.1f} "
        f"(interval half-width {100 * half:.1f}): {'within' if good else 'costs MORE than'} its interval"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
