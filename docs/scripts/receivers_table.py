"""Tables of the channel-aware receivers study (from replicates.csv, a row per seed): accuracy per
receiver and SNR (seeds pooled)
and the SNR each receiver needs for a target accuracy (linear interpolation).

    python docs/scripts/receivers_table.py RESULTS_DIR [--channel awgn] [--k 16] [--target 0.8]
    python docs/scripts/receivers_table.py RESULTS_DIR --gains [--target 0.8]

``--gains``: for every channel and K, the gains of ``relative_lmmse`` and
``relative_noisy`` over plain ``relative`` at 0 dB (points) and at the target (dB).
"""

import argparse
import csv
from pathlib import Path

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--channel", default="awgn")
    p.add_argument("--k", default="16")
    p.add_argument("--target", type=float, default=0.8)
    p.add_argument("--snr", type=float, nargs="*", default=[-10, -5, 0, 5, 10, 20, 30])
    p.add_argument("--gains", action="store_true", help="gains over plain relative, every channel and K")
    a = p.parse_args()
    if a.gains:
        return gains(a.dir, a.target)
    rows = [r for r in csv.DictReader((Path(a.dir) / "replicates.csv").read_text().splitlines())
            if r["channel"] == a.channel and r["num_anchors"] == a.k]
    eqs = list(dict.fromkeys(r["semantic_equalizer"] for r in rows))
    snrs = sorted({float(r["snr_db"]) for r in rows})
    print(f"channel {a.channel}, K = {a.k}, seeds {sorted({r['seed'] for r in rows})}, accuracy (seeds pooled); "
          f"SNR [dB] at accuracy {a.target}")
    print("receiver".ljust(18) + "".join(f"{s:>7g}" for s in a.snr) + f"{'@' + str(a.target):>9}")
    for e in eqs:
        acc = []
        for s in snrs:
            sel = [r for r in rows if r["semantic_equalizer"] == e and float(r["snr_db"]) == s]
            n = sum(int(r["n_samples"]) for r in sel)
            acc.append(sum(float(r["accuracy"]) * int(r["n_samples"]) for r in sel) / n)
        acc = np.array(acc)
        above = np.nonzero(acc >= a.target)[0]
        if len(above) == 0:
            at = "never"
        elif above[0] == 0:
            at = f"<{snrs[0]:g}"
        else:
            i = above[0]   # first crossing, interpolated between the two SNR points around it
            at = f"{np.interp(a.target, [acc[i - 1], acc[i]], [snrs[i - 1], snrs[i]]):.2f}"
        print(e.ljust(18) + "".join(f"{acc[snrs.index(s)]:7.3f}" if s in snrs else "      -" for s in a.snr)
              + f"{at:>9}")
    print("native accuracy of the receiver:", f"{np.mean([float(r['native_accuracy']) for r in rows]):.3f}")


def _curve(rows, eq):
    snrs = sorted({float(r["snr_db"]) for r in rows})
    acc = []
    for s in snrs:
        sel = [r for r in rows if r["semantic_equalizer"] == eq and float(r["snr_db"]) == s]
        acc.append(sum(float(r["accuracy"]) * int(r["n_samples"]) for r in sel) / sum(int(r["n_samples"]) for r in sel))
    return snrs, np.array(acc)


def _crossing(snrs, acc, target):
    above = np.nonzero(acc >= target)[0]
    if len(above) == 0 or above[0] == 0:
        return None
    i = above[0]
    return float(np.interp(target, [acc[i - 1], acc[i]], [snrs[i - 1], snrs[i]]))


def gains(folder, target):
    rows = list(csv.DictReader((Path(folder) / "replicates.csv").read_text().splitlines()))
    print(f"gains over plain relative, seeds pooled: accuracy at 0 dB and SNR [dB] at {target}")
    print(f"| channel | K | plain 0 dB | LMMSE 0 dB | noise-trained 0 dB | plain @{target:g} | LMMSE gain [dB] | "
          "noise-trained gain [dB] |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for ch in dict.fromkeys(r["channel"] for r in rows):
        for k in sorted({int(r["num_anchors"]) for r in rows if r["channel"] == ch}):
            sel = [r for r in rows if r["channel"] == ch and int(r["num_anchors"]) == k]
            curves = {eq: _curve(sel, eq) for eq in ("relative", "relative_lmmse", "relative_noisy")}
            at0 = {eq: acc[snrs.index(0.0)] for eq, (snrs, acc) in curves.items()}
            x = {eq: _crossing(snrs, acc, target) for eq, (snrs, acc) in curves.items()}
            plain = "never" if x["relative"] is None else f"{x['relative']:.2f}"
            gain = {eq: "-" if x["relative"] is None or x[eq] is None else f"{x['relative'] - x[eq]:.1f}"
                    for eq in ("relative_lmmse", "relative_noisy")}
            print(f"| {ch} | {k} | {at0['relative']:.3f} | {at0['relative_lmmse']:.3f} | "
                  f"{at0['relative_noisy']:.3f} | {plain} | {gain['relative_lmmse']} | "
                  f"{gain['relative_noisy']} |")


if __name__ == "__main__":
    main()
