"""Invariance table of the cosine relative projection (Moschella et al. 2022)."""

import pytest
import torch

from semcom.transceivers.relative import RelativeProjection


def _rotation(d: int, seed: int) -> torch.Tensor:
    q, _ = torch.linalg.qr(
        torch.randn(d, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    )
    return q.float()


@pytest.fixture
def space():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(200, 24, generator=g) + 0.5  # off-centre, like real latents
    anchors = torch.randn(16, 24, generator=g) + 0.5
    return z, anchors


# transformation name -> (function of (z, anchors), changes r without centring, changes r with centring)
TABLE = {
    "rotation": (lambda z, a, q, t: (z @ q, a @ q), False, False),
    "rescaling": (lambda z, a, q, t: (7.5 * z, 7.5 * a), False, False),
    "rotation+scaling": (lambda z, a, q, t: (0.2 * z @ q, 0.2 * a @ q), False, False),
    "translation": (lambda z, a, q, t: (z + t, a + t), True, False),
    "new anchors": (lambda z, a, q, t: (z, a.roll(1, dims=1)), True, True),
    "new latents": (lambda z, a, q, t: (z.roll(1, dims=1), a), True, True),
}


@pytest.mark.parametrize("center", [False, True], ids=["plain", "centred"])
@pytest.mark.parametrize("name", list(TABLE))
def test_invariance_table(space, name, center):
    z, anchors = space
    transform, changes_plain, changes_centered = TABLE[name]
    q = _rotation(24, 1)
    t = 3.0 * torch.ones(24)
    proj = RelativeProjection(center=center)
    before = proj(z, anchors)
    after = proj(*transform(z, anchors, q, t))
    changed = not torch.allclose(before, after, atol=1e-4)
    assert changed == (changes_centered if center else changes_plain), (name, center)
    # and when it changes, it changes materially (not by rounding)
    if changed:
        assert (before - after).abs().max() > 0.05


def test_shapes_dtype_and_range(space):
    z, anchors = space
    r = RelativeProjection()(z, anchors)
    assert r.shape == (200, 16) and r.dtype == torch.float32
    assert r.abs().max() <= 1 + 1e-5
    # a latent equal to an anchor has cosine 1 with it
    r_anchor = RelativeProjection()(anchors, anchors)
    assert torch.allclose(torch.diagonal(r_anchor), torch.ones(16), atol=1e-5)


def test_centring_uses_the_agents_own_anchor_mean(space):
    z, anchors = space
    proj = RelativeProjection(center=True)
    c = anchors.mean(0)
    expected = (
        torch.nn.functional.normalize(z - c, dim=-1) @ torch.nn.functional.normalize(anchors - c, dim=-1).T
    )
    assert torch.allclose(proj(z, anchors), expected, atol=1e-6)
