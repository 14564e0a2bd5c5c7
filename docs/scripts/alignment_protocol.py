"""The public digits pilot-budget protocol as a reproducible semcom example (docs/notes/issue-22.md).

    python docs/scripts/alignment_protocol.py --out runs/alignment_protocol [--seeds 5]

1. scikit-learn's 8x8 digits (1797 images, inputs / 16). A stratified 50 % split (seed 0)
   trains two agents with scikit-learn's ``MLPClassifier``: a 12-unit tanh hidden layer
   (transmitter) and a 16-unit ReLU hidden layer (receiver), each ``max_iter=500``,
   ``random_state`` 0 and 1. An agent's latent is its hidden layer's activation.
2. The other half is split, stratified, into a pilot pool (50 %) and a test set (50 %);
   both agents' latents of those samples are exported as ``tanh12.npz`` and ``relu16.npz``
   (``latents``, ``labels``, ``split``: 0 pool, 1 test; see transceivers/latent_files.py).
3. The zoo runs on the files through ``data: {dataset: latents}``: for each pilot budget K
   (stratified round-robin pilots from the pool, nested across K) and seed, every aligner
   is fitted on the K clean pilot pairs and decodes the test set noise-free with the
   receiver's own head (semcom's: logistic regression on the receiver's pool latents).
   Printed: accuracy (mean over seeds, with the range) and MRR per method and K, as a
   Markdown table (``protocol_table.md``), and every row in ``protocol.csv``.

The seeds change the pilot draw (class order and members) and the heads' initialisation,
not the agents (trained once).
"""

from __future__ import annotations

import argparse
import csv
import statistics
from pathlib import Path

import numpy as np

BUDGETS = (20, 40, 80, 120, 160, 240)
METHODS = (
    "relative",
    "inverse",
    "aligned",
    "procrustes",
    "whitened_procrustes",
    "cca",
    "svcca",
    "kernel_ridge",
    "residual_kernel",
    "mlp_aligner",
)


def export_latents(out: Path) -> dict[str, Path]:
    """Train the two agents and write their latents of the pool and test samples."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    idx = np.arange(len(y))
    train, rest = train_test_split(idx, train_size=0.5, stratify=y, random_state=0)
    pool, test = train_test_split(rest, train_size=0.5, stratify=y[rest], random_state=0)
    order = np.concatenate([pool, test])
    split = np.concatenate([np.zeros(len(pool), np.int64), np.ones(len(test), np.int64)])
    paths = {}
    for name, units, activation, seed in (("tanh12", 12, "tanh", 0), ("relu16", 16, "relu", 1)):
        clf = MLPClassifier(
            hidden_layer_sizes=(units,), activation=activation, max_iter=500, random_state=seed
        )
        clf.fit(x[train], y[train])
        hidden = x[order] @ clf.coefs_[0] + clf.intercepts_[0]
        latents = np.tanh(hidden) if activation == "tanh" else np.maximum(hidden, 0.0)
        paths[name] = out / f"{name}.npz"
        np.savez(
            paths[name], latents=latents.astype(np.float32), labels=y[order].astype(np.int64), split=split
        )
        print(f"{name}: sklearn test accuracy {clf.score(x[test], y[test]):.3f}, latents -> {paths[name]}")
    return paths


def scenario(out: Path, seeds: int):
    from semcom.simulator.link.checks import check_scenario
    from semcom.simulator.link.schema import parse_scenario

    sc = parse_scenario(
        dict(
            name="alignment_protocol",
            seed=1,
            data=dict(dataset="latents", path=str(out)),
            models=dict(
                tanh12=dict(kind="npz", path=str(out / "tanh12.npz")),
                relu16=dict(kind="npz", path=str(out / "relu16.npz")),
            ),
            semantic_equalizers=dict(procrustes=dict(equalizer="aligned", fit="procrustes")),
            sweep=dict(
                snr_db=[20],
                num_anchors=list(BUDGETS),
                anchor_selection="stratified",
                transmitter="tanh12",
                receiver="relu16",
                semantic_equalizer=list(METHODS),
                seed=list(range(1, seeds + 1)),
            ),
        )
    )
    check_scenario(sc)
    return sc


def run(sc) -> list[dict]:
    """Noise-free accuracy and MRR of every method, budget and seed."""
    import torch

    from semcom.simulator.run.context import study_data
    from semcom.simulator.link.engine import build_link
    from semcom.simulator.link.metrics import reciprocal_ranks
    from semcom.simulator.link.resolved import resolve_unit
    from semcom.simulator.link.units import expand_units
    from semcom.transceivers.semantic import build_equalizer

    data = study_data(sc)
    test = data.test_idx
    labels = data.labels[test]
    rows = []
    for unit in expand_units(sc):
        link = build_link(resolve_unit(sc, unit))
        z = link.tx.latents[test]
        for name in METHODS:
            eq = build_equalizer(name, sc.semantic_equalizers.get(name), link)
            message = eq.encode(z)[None]
            acc = float((eq(message).argmax(-1)[0] == labels).float().mean())
            rr = reciprocal_ranks(
                eq.retrieval_query(message), eq.retrieval_keys(test), torch.arange(len(test))
            )
            rows.append(
                dict(
                    method=name,
                    num_anchors=unit.num_anchors,
                    seed=unit.seed,
                    accuracy=acc,
                    mrr=float(rr.mean()),
                    n_test=len(test),
                )
            )
    return rows


def table(rows: list[dict]) -> str:
    seeds = len({r["seed"] for r in rows})
    lines = [
        f"Noise-free accuracy % (mean over {seeds} pilot draws; min–max) / MRR, tanh12 → relu16",
        "",
        "| method | " + " | ".join(f"K = {k}" for k in BUDGETS) + " |",
        "|---" * (len(BUDGETS) + 1) + "|",
    ]
    for name in METHODS:
        cells = []
        for k in BUDGETS:
            rs = [r for r in rows if r["method"] == name and r["num_anchors"] == k]
            a = [100 * r["accuracy"] for r in rs]
            cells.append(
                f"{statistics.mean(a):.1f} ({min(a):.1f}–{max(a):.1f}) / "
                f"{statistics.mean(r['mrr'] for r in rs):.3f}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    export_latents(out)
    rows = run(scenario(out, args.seeds))
    with open(out / "protocol.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text = table(rows)
    (out / "protocol_table.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
