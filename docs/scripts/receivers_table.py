"""Tables of the channel-aware receivers study: accuracy per receiver and SNR (seeds pooled)
and the SNR each receiver needs for a target accuracy (linear interpolation).

    python docs/scripts/receivers_table.py RESULTS_DIR [--channel awgn] [--k 16] [--target 0.8]
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
    a = p.parse_args()
    rows = [r for r in csv.DictReader(open(Path(a.dir) / "results.csv"))
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
            acc.append(sum(float(r["accuracy"]) * int(r["n_samples"]) for r in sel) / sum(int(r["n_samples"]) for r in sel))
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


if __name__ == "__main__":
    main()
