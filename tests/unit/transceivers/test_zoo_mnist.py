"""The model zoo on MNIST (the 10,000-image t10k IDX files): modest default training
that still gives good, stitchable agents. Slow (a CNN trains in ~20 s on one core)."""

from pathlib import Path

import numpy as np
import pytest
import torch

from semcom.transceivers.agents import build_latent_space, default_epochs
from semcom.transceivers.anchors import ANCHOR_STRATEGIES
from semcom.transceivers.datasets import load_dataset, split_indices
from semcom.transceivers.link import LinkSetup

MNIST = Path(__file__).resolve().parents[4] / "shared" / "data" / "mnist"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (MNIST / "t10k-images-idx3-ubyte.gz").is_file(), reason="no MNIST files")]


def test_mnist_zoo_agents_are_accurate_and_stitch():
    ds = load_dataset("mnist", str(MNIST))
    pool, test = split_indices(len(ds), 0.3, 0)
    assert default_epochs(len(pool)) == 8
    mlp = build_latent_space("mlp", {"kind": "mlp", "latent_dim": 32, "width": 128, "seed": 0}, ds, pool)
    cnn = build_latent_space("cnn", {"kind": "cnn", "latent_dim": 32, "channels": 16, "seed": 3}, ds, pool)
    labels = torch.from_numpy(ds.labels)
    positions = ANCHOR_STRATEGIES.get("prototypical")()(mlp.latents[pool], labels[pool], 64,
                                                        np.random.default_rng(1))
    link = LinkSetup(mlp, cnn, labels, 10, pool, pool[positions], seed=0)
    y = labels[test]
    native = {s.name: float((link.absolute_head(s)(s.latents[test]).argmax(-1) == y).float().mean())
              for s in (mlp, cnn)}
    relative = float((link.relative_head(cnn)(link.relative(mlp, test)).argmax(-1) == y).float().mean())
    n = len(test)
    assert native["mlp"] > 0.93 and native["cnn"] > 0.96, native            # 3,000 test images
    # the message carries the transmitter's information: within 3 points of its native accuracy
    assert relative > native["mlp"] - 0.03, (relative, native, n)
