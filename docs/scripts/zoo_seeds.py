"""The alignment zoo's winners over several seeds, with the 95% interval over seeds.

    semcom run scenarios/alignment_zoo.yaml --out runs/alignment_zoo3 --no-plots --set "sweep.seed=[1,2,3]"
    python docs/scripts/zoo_seeds.py runs/alignment_zoo3

Per channel and pilot budget K at 10 dB: the deployable method (pilots over the channel,
``*_ch``, or ``relative``/``inverse``) with the highest mean accuracy, where a seed's
accuracy is the mean over the transmitter → receiver pairs and the interval is the 95%
t-interval over the seeds (each seed its own pilots, anchors, heads, fading and noise);
how many other deployable methods tie it (intervals overlap); and seed 1's winner alone.
Last, how much wider the interval over seeds is than the Wilson interval of seed 1's
decisions pooled over the pairs (the interval the one-seed table shows).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

SNR = 10.0


def _deployable(name: str) -> bool:
    return name.endswith("_ch") or name in ("relative", "inverse")


def seed_points(replicates: pd.DataFrame) -> pd.DataFrame:
    """Per (channel, K, equaliser) at 10 dB: mean over seeds of the pair-mean accuracy, its
    95% t half-width over seeds, and seed 1's pooled accuracy and Wilson half-width."""
    from semcom.simulator.results.metrics import wilson_interval

    r = replicates[replicates.snr_db == SNR]
    key = ["channel", "num_anchors", "semantic_equalizer"]
    per_seed = r.groupby([*key, "seed"], sort=False).accuracy.mean().reset_index()
    g = per_seed.groupby(key, sort=False).accuracy
    out = g.agg(mean="mean", sd="std", seeds="count").reset_index()
    out["hw"] = stats.t.ppf(0.975, out.seeds - 1) * out.sd / np.sqrt(out.seeds)
    first = r[r.seed == r.seed.min()].assign(correct=lambda d: (d.accuracy * d.n_samples).round())
    pooled = (
        first.groupby(key, sort=False).agg(correct=("correct", "sum"), n=("n_samples", "sum")).reset_index()
    )
    pooled["seed1"] = pooled.correct / pooled.n
    pooled["wilson_hw"] = [
        (hi - lo) / 2
        for lo, hi in (wilson_interval(int(c), int(n)) for c, n in zip(pooled.correct, pooled.n))
    ]
    return out.merge(pooled[[*key, "seed1", "wilson_hw"]], on=key)


def rows(out: Path) -> list[list[str]]:
    """channel | K | winner over seeds, mean ± half-width [%] | ties | seed 1's winner."""
    p = seed_points(pd.read_csv(Path(out) / "replicates.csv"))
    p = p[p.semantic_equalizer.map(_deployable)]
    table = []
    for (channel, k), d in p.groupby(["channel", "num_anchors"], sort=False):
        d = d.set_index("semantic_equalizer")
        best = d["mean"].idxmax()
        b = d.loc[best]
        ties = sum(1 for n, x in d.iterrows() if n != best and x["mean"] + x.hw >= b["mean"] - b.hw)
        table.append(
            [
                channel,
                f"{k}",
                f"{best} {100 * b['mean']:.1f} ± {100 * b.hw:.1f}",
                f"{ties} of {len(d) - 1}",
                d.seed1.idxmax(),
            ]
        )
    return table


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    a = parser.parse_args(argv)
    header = ["channel", "K", "best deployable over seeds [%]", "ties", "seed 1's best"]
    for cells in [header, ["---"] * len(header), *rows(a.dir)]:
        print("| " + " | ".join(cells) + " |")
    p = seed_points(pd.read_csv(a.dir / "replicates.csv"))
    ratio = p.hw / p.wilson_hw
    print(
        f"\ninterval over seeds / seed 1's Wilson interval, every method, channel and K at {SNR:g} dB: "
        f"median {ratio.median():.1f}, quartiles {ratio.quantile(0.25):.1f}-{ratio.quantile(0.75):.1f}, "
        f"max {ratio.max():.1f}"
    )


if __name__ == "__main__":
    main()
