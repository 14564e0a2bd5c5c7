"""`inverse` with anchor pruning: conditioning of the kept anchors and accuracy across K = d."""

import numpy as np
import pytest
import torch

from semcom.transceivers.agents import LatentSpace
from semcom.core.errors import SemcomInputError
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.semantic import InverseEqualizer
from semcom.transceivers.semantic.inverse import prune_anchors


def _link(num_anchors, dim=16, noise=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    n, classes = 1500, 5
    labels = torch.randint(classes, (n,), generator=g)
    z_rx = 3 * torch.randn(classes, dim, generator=g)[labels] + torch.randn(n, dim, generator=g)
    q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=g, dtype=torch.float64))
    z_tx = 2.0 * z_rx @ q.float() + noise * torch.randn(n, dim, generator=g)
    anchors = np.random.default_rng(seed).choice(1000, num_anchors, replace=False)
    return LinkSetup(
        LatentSpace("tx", z_tx), LatentSpace("rx", z_rx), labels, classes, np.arange(1000), anchors, seed=seed
    ), np.arange(1000, n)


@pytest.mark.parametrize("max_condition", [2.0, 10.0, 100.0])
def test_kept_anchors_respect_the_condition_bound(max_condition):
    b = torch.nn.functional.normalize(
        torch.randn(40, 16, generator=torch.Generator().manual_seed(1), dtype=torch.float64), dim=-1
    )
    kept = prune_anchors(b, max_condition)
    s = torch.linalg.svdvals(b[torch.from_numpy(kept)])
    assert len(np.unique(kept)) == len(kept) >= 1
    assert s[0] / s[-1] <= max_condition
    # orthonormal anchors are perfectly conditioned: all kept
    eye = torch.eye(16, dtype=torch.float64)
    assert len(prune_anchors(eye, 1.0 + 1e-9)) == 16


def test_duplicate_anchors_are_pruned():
    b = torch.nn.functional.normalize(
        torch.randn(8, 16, generator=torch.Generator().manual_seed(2), dtype=torch.float64), dim=-1
    )
    kept = prune_anchors(torch.cat([b, b[:3]]), 50.0)  # 3 exact repeats: rank 8
    assert len(kept) == 8


@pytest.mark.parametrize("num_anchors", [16, 24, 64])
def test_pruned_inverse_reconstructs_a_rotated_transmitter(num_anchors):
    link, test = _link(num_anchors)
    eq = InverseEqualizer(method="prune", max_condition=1e6).fit(link)
    cos = torch.nn.functional.cosine_similarity(
        eq.reconstruct(link.relative(link.tx, test)), link.rx.latents[test], dim=-1
    )
    assert cos.mean() >= 0.95


@pytest.mark.parametrize("num_anchors", [14, 16, 18, 32])
def test_pruning_keeps_reconstruction_where_plain_least_squares_collapses(num_anchors):
    """Transmitter latents carry their own noise (not a rotation any more): at K = d = 16
    the plain pseudo-inverse amplifies it, the pruned (well-conditioned) inverse does not."""
    link, test = _link(num_anchors, noise=0.5)
    labels, z_rx = link.labels[test], link.rx.latents[test]
    msg = link.relative(link.tx, test)[None]
    cos, acc = {}, {}
    for name, kw in (("pinv", {"ridge": 0.0}), ("prune", {"method": "prune"})):
        eq = InverseEqualizer(**kw).fit(link)
        cos[name] = float(torch.nn.functional.cosine_similarity(eq.reconstruct(msg[0]), z_rx, dim=-1).mean())
        acc[name] = float((eq(msg).argmax(-1)[0] == labels).float().mean())
    assert cos["prune"] > 0.9 and acc["prune"] > 0.95, (cos, acc)
    if num_anchors == 16:  # K = d: the interpolation threshold
        assert cos["prune"] > cos["pinv"] + 0.3, cos


@pytest.mark.parametrize(
    "settings, field",
    [({"method": "lasso"}, "method"), ({"ridge": -1}, "ridge"), ({"max_condition": 0.5}, "max_condition")],
)
def test_bad_settings_name_the_field(settings, field):
    with pytest.raises(SemcomInputError, match=f"semantic_equalizers.inverse.{field}"):
        InverseEqualizer(**settings)  # settings are checked at construction, before any fit
