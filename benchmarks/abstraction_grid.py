"""Digital abstraction tables on an adaptive SINR grid: the time they save and what they lose.

Not part of ``make bench`` (a few minutes under load); run it directly:

    python benchmarks/abstraction_grid.py [--anchors 16] [--bits 4] [--bits-per-symbol 2]

Builds the table of one digital configuration (the system study's agents: an MLP camera to
the wide MLP edge server, K anchors, b-bit quantisation, 5G LDPC rate 1/2, one codeword per
message) twice, on the full 0.5 dB grid from −6 to 12 dB and refined from a 2 dB grid
(``refine: {coarse_step: 2, tolerance: 0.02}``), without calibration or validation, and reports:

* CPU seconds of each build (wall time too; the machine may be loaded) and the grid points;
* at every point of the full grid, the refined table's interpolated accuracy minus the full
  table's, and whether the difference lies within the 95% interval of the difference of two
  independent estimates (±1.96·√(v_full + v_refined), v from each table's Wilson interval; the
  two builds draw their noise independently): the check that the refinement loses nothing the
  table can resolve.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = {
    "mlp_small": {"kind": "mlp", "width": 128, "depth": 2, "latent_dim": 32, "seed": 0},
    "mlp_wide": {"kind": "mlp", "width": 256, "depth": 3, "latent_dim": 48, "seed": 1},
}


def _build(refine, k: int, bits: int, q: int):
    from semcom.simulator.abstraction.build import build_table_set
    from semcom.simulator.abstraction.spec import parse_abstraction_spec

    spec = parse_abstraction_spec(
        dict(
            seed=1,
            data={"dataset": "digits", "test_fraction": 0.3},
            models=MODELS,
            transmitter="mlp_small",
            receiver="mlp_wide",
            num_anchors=[k],
            bits=bits,
            schemes={
                "ldpc": {
                    "kind": "digital",
                    "code_rate": 0.5,
                    "num_bits_per_symbol": q,
                    "block_length": k * bits,
                }
            },
            sinr_db={"start": -6, "stop": 12, "step": 0.5},
            refine=refine,
            calibration={"beta": 1.0},
            validation=None,
        )
    )
    c0, w0 = time.process_time(), time.perf_counter()
    (table,) = list(build_table_set(spec, use_cache=False))
    return table, time.process_time() - c0, time.perf_counter() - w0


def main() -> None:
    import torch

    p = argparse.ArgumentParser()
    p.add_argument("--anchors", type=int, default=16)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--bits-per-symbol", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(1)
    print(
        f"torch threads {torch.get_num_threads()}; K = {args.anchors}, {args.bits} bits, "
        f"{2**args.bits_per_symbol}-QAM, LDPC rate 1/2"
    )
    _build(None, args.anchors, args.bits, args.bits_per_symbol)  # warm: latents, heads
    full, cpu_full, wall_full = _build(None, args.anchors, args.bits, args.bits_per_symbol)
    adaptive, cpu_ad, wall_ad = _build(
        {"coarse_step": 2.0, "tolerance": 0.02}, args.anchors, args.bits, args.bits_per_symbol
    )
    read = adaptive.accuracy_at(full.sinr_db)
    diff = read - full.accuracy
    lo, hi = adaptive.interval_at(full.sinr_db)
    sd = np.sqrt(((full.accuracy_high - full.accuracy_low) / 3.92) ** 2 + ((hi - lo) / 3.92) ** 2)
    inside = np.abs(diff) <= 1.96 * sd
    print(f"full grid: {len(full.sinr_db)} points, {cpu_full:.1f} s CPU ({wall_full:.1f} s wall)")
    print(
        f"refined:   {len(adaptive.sinr_db)} points, {cpu_ad:.1f} s CPU ({wall_ad:.1f} s wall): "
        f"{cpu_full / cpu_ad:.2f}x less CPU"
    )
    print(f"refined points: {adaptive.sinr_db.tolist()}")
    print(
        f"refined - full at the full grid's points: max |diff| {np.max(np.abs(diff)):.4f}, mean |diff| "
        f"{np.mean(np.abs(diff)):.4f}; within the 95% interval of a difference at {int(inside.sum())}/{len(inside)}"
    )
    for s, a, b, lo, hi in zip(full.sinr_db, full.accuracy, read, full.accuracy_low, full.accuracy_high):
        print(f"  {s:5.1f} dB  full {a:.3f} [{lo:.3f}, {hi:.3f}]  refined {b:.3f}")


if __name__ == "__main__":
    main()
