"""Semantic equalisers on spaces with known geometry (exact rotations)."""

import numpy as np
import pytest
import torch

from semcom.transceivers.agents import LatentSpace
from semcom.transceivers.link import LinkSetup
from semcom.transceivers.semantic import SEMANTIC_EQUALIZERS, AlignedEqualizer, InverseEqualizer


def _link(num_anchors: int, dim: int = 16, center: bool = False, noise: float = 0.0, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    n, classes = 1500, 5
    labels = torch.randint(classes, (n,), generator=g)
    means = 3 * torch.randn(classes, dim, generator=g)
    z_rx = means[labels] + torch.randn(n, dim, generator=g) + 2.0
    q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=g, dtype=torch.float64))
    z_tx = 4.0 * z_rx @ q.float() + noise * torch.randn(n, dim, generator=g)  # rotated, rescaled copy
    pool = np.arange(1000)
    anchors = np.random.default_rng(seed).choice(pool, num_anchors, replace=False)
    return LinkSetup(
        LatentSpace("tx", z_tx),
        LatentSpace("rx", z_rx),
        labels,
        classes,
        pool,
        anchors,
        center=center,
        seed=seed,
    ), np.arange(1000, n)


@pytest.mark.parametrize("num_anchors", [16, 24, 64])
def test_inverse_reconstructs_receiver_latent_of_a_rotated_transmitter(num_anchors):
    link, test = _link(num_anchors)
    eq = InverseEqualizer().fit(link)
    z_hat = eq.reconstruct(link.relative(link.tx, test))
    cos = torch.nn.functional.cosine_similarity(z_hat, link.rx.latents[test], dim=-1)
    assert cos.mean() >= 0.95


def test_inverse_with_centring_recovers_the_latent_itself():
    link, test = _link(48, center=True)
    z_hat = InverseEqualizer().fit(link).reconstruct(link.relative(link.tx, test))
    cos = torch.nn.functional.cosine_similarity(z_hat, link.rx.latents[test], dim=-1)
    assert cos.mean() >= 0.95


@pytest.mark.parametrize("num_anchors", [8, 15, 16, 17, 32])
def test_ridge_keeps_inverse_and_aligned_stable_across_the_interpolation_threshold(num_anchors):
    """K near the latent size (16) is where plain least squares collapses (DESIGN.md)."""
    link, test = _link(num_anchors, noise=0.3)
    labels = link.labels[test]
    rel, absolute = link.relative(link.tx, test)[None], link.tx.latents[test][None]
    for eq, msg in ((InverseEqualizer().fit(link), rel), (AlignedEqualizer().fit(link), absolute)):
        acc = (eq(msg).argmax(-1)[0] == labels).float().mean()
        assert acc > 0.8, (type(eq).__name__, num_anchors, float(acc))


def test_none_fails_and_relative_succeeds_between_rotated_spaces():
    link, test = _link(32)
    labels = link.labels[test]
    rel, absolute = link.relative(link.tx, test)[None], link.tx.latents[test][None]

    def accuracy(name):
        eq = SEMANTIC_EQUALIZERS.get(name)
        logits = eq().fit(link)(rel if eq.message == "relative" else absolute)
        return float((logits.argmax(-1)[0] == labels).float().mean())

    acc = {name: accuracy(name) for name in ("relative", "none", "oracle", "inverse", "aligned")}
    assert acc["relative"] > 0.9 and acc["oracle"] > 0.9 and acc["inverse"] > 0.9 and acc["aligned"] > 0.9
    assert acc["none"] < 0.6


def test_aligned_counts_its_semantic_pilots():
    link, _ = _link(20, dim=16)
    assert AlignedEqualizer().setup_symbols(link) == 20 * 8  # K anchors x ceil(d_tx / 2) symbols
    assert InverseEqualizer().setup_symbols(link) == 0


@pytest.mark.parametrize("name", ["relative", "none", "oracle", "inverse", "aligned"])
def test_equalizers_are_blocks_with_an_explicit_fit(name):
    """Sionna's contract: settings at construction, fitting in fit(link), tensors through the call;
    a receiver called before it is fitted says so instead of failing deep inside."""
    from sionna.phy import Block

    link, test = _link(16)
    eq = SEMANTIC_EQUALIZERS.get(name)()
    assert isinstance(eq, Block) and eq.device == "cpu"
    msg = (link.relative(link.tx, test) if eq.message == "relative" else link.tx.latents[test])[None]
    with pytest.raises(RuntimeError, match="fit"):
        eq(msg)
    assert eq.fit(link) is eq
    logits = eq(msg.double())  # inputs are cast to the block's precision
    assert logits.shape == (1, len(test), link.num_classes) and logits.dtype == torch.float32


@pytest.mark.parametrize("name", ["relative", "none", "oracle", "inverse", "aligned"])
def test_decisions_ignore_the_per_message_scale(name):
    """Why the per-message scale (analog gain, digital quantiser range) is not charged as
    side information: every receiver without LMMSE denoising decides on the message's
    direction only, so multiplying each message by its own positive factor changes no
    decision (the README's rate section states this)."""
    link, test = _link(16)
    eq = SEMANTIC_EQUALIZERS.get(name)().fit(link)
    msg = (link.relative(link.tx, test) if eq.message == "relative" else link.tx.latents[test])[None]
    factors = torch.rand(1, len(test), 1, generator=torch.Generator().manual_seed(5)) * 20 + 0.05
    assert torch.equal(eq(msg).argmax(-1), eq(msg * factors).argmax(-1))


@pytest.mark.parametrize(
    "name, typo, meant",
    [("inverse", "ridg", "ridge"), ("aligned", "pilot", "pilots"), ("none", "denoise", None)],
)
def test_an_unknown_setting_is_refused_in_one_line_at_construction(name, typo, meant):
    """As a ChannelModel does: the setting, a did-you-mean, the settings there are; nothing swallowed."""
    from semcom.core.errors import ScenarioError

    with pytest.raises(ScenarioError) as info:
        SEMANTIC_EQUALIZERS.get(name)(**{typo: 1.0})
    text = str(info.value)
    assert text.startswith(f"semantic_equalizers.{name}.{typo}: unknown setting") and "\n" not in text, text
    assert (f"did you mean '{meant}'" in text) if meant else "did you mean" not in text, text
    assert ("use one of: " + ", ".join(SEMANTIC_EQUALIZERS.get(name).settings())) in text or name == "none", (
        text
    )
