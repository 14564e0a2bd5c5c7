"""Data loaders on files the test writes (and on the real MNIST test set where present),
and the model zoo: deterministic training, cache hits, five distinct agents."""

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from semcom.transceivers import agents as agents_module
from semcom.transceivers.agents import build_latent_space, train_encoder
from semcom.transceivers.datasets import load_cifar10, load_digits, load_mnist, read_idx, split_indices
from semcom.core.errors import SemcomInputError

MNIST = Path(__file__).resolve().parents[4] / "shared" / "data" / "mnist"


def _write_idx(path: Path, array: np.ndarray, compress: bool) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_idx_round_trip(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 20, dtype=np.uint8)
    suffix = ".gz" if compress else ""
    _write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", images, compress)
    _write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", labels, compress)
    ds = load_mnist(str(tmp_path))
    assert ds.inputs.shape == (20, 1, 28, 28) and ds.inputs.dtype == np.float32
    assert np.allclose(ds.inputs[:, 0] * 255, images)
    assert np.array_equal(ds.labels, labels)


def test_idx_header_that_disagrees_with_the_data_is_refused(tmp_path):
    images = np.zeros((5, 4, 4), dtype=np.uint8)
    _write_idx(tmp_path / "x", images, False)
    (tmp_path / "x").write_bytes((tmp_path / "x").read_bytes()[:-3])
    with pytest.raises(SemcomInputError, match="truncated"):
        read_idx(tmp_path / "x")


def test_cifar10_binary_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 7, dtype=np.uint8)
    pixels = rng.integers(0, 256, (7, 3 * 32 * 32), dtype=np.uint8)
    np.concatenate([labels[:, None], pixels], 1).tofile(tmp_path / "test_batch.bin")
    ds = load_cifar10(str(tmp_path))
    assert ds.inputs.shape == (7, 3, 32, 32)
    assert np.array_equal(ds.labels, labels)
    assert np.allclose(ds.inputs.reshape(7, -1) * 255, pixels)


@pytest.mark.skipif(
    not (MNIST / "t10k-images-idx3-ubyte.gz").exists(), reason="real MNIST not in ../shared/data"
)
def test_real_mnist_test_set():
    ds = load_mnist(str(MNIST))
    assert ds.inputs.shape == (10_000, 1, 28, 28)
    assert sorted(np.unique(ds.labels).tolist()) == list(range(10))
    assert ds.inputs.min() >= 0.0 and ds.inputs.max() <= 1.0
    assert abs(ds.inputs.mean() - 0.1325) < 0.01  # MNIST test-set mean intensity


def test_split_is_deterministic_and_disjoint():
    pool, test = split_indices(100, 0.3, 0)
    pool2, test2 = split_indices(100, 0.3, 0)
    assert np.array_equal(pool, pool2) and np.array_equal(test, test2)
    assert len(test) == 30 and not set(pool) & set(test) and len(pool) + len(test) == 100
    assert not np.array_equal(test, split_indices(100, 0.3, 1)[1])


ZOO = {
    "mlp_small": {"kind": "mlp", "width": 64, "depth": 2, "latent_dim": 16, "seed": 0, "epochs": 3},
    "mlp_wide": {"kind": "mlp", "width": 128, "depth": 3, "latent_dim": 24, "seed": 1, "epochs": 3},
    "mlp_seed": {"kind": "mlp", "width": 64, "depth": 2, "latent_dim": 16, "seed": 5, "epochs": 3},
    "cnn": {"kind": "cnn", "channels": 8, "latent_dim": 16, "seed": 2, "epochs": 3},
    "pca": {"kind": "pca", "latent_dim": 16},
}


@pytest.fixture(scope="module")
def digits():
    ds = load_digits()
    pool, _ = split_indices(len(ds), 0.3, 0)
    return ds, pool


def test_training_is_deterministic(digits):
    ds, pool = digits
    a = train_encoder(ZOO["mlp_small"], ds, pool).state_dict()
    b = train_encoder(ZOO["mlp_small"], ds, pool).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_training_does_not_depend_on_the_callers_thread_count(digits, kind):
    """Sums split over threads round differently; training pins its thread count
    (semcom.core.threads), so a test process on 1 thread, a CLI on 2 and a laptop on 8
    train bit-identical weights."""
    ds, pool = digits
    spec = {
        "kind": kind,
        "latent_dim": 16,
        "seed": 0,
        "epochs": 2,
        **({"width": 64, "depth": 2} if kind == "mlp" else {"channels": 8}),
    }
    before = torch.get_num_threads()
    try:
        weights = []
        for threads in (1, 3):
            torch.set_num_threads(threads)
            weights.append(train_encoder(spec, ds, pool).state_dict())
            assert torch.get_num_threads() == threads  # the caller's setting is restored
    finally:
        torch.set_num_threads(before)
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])


def test_an_mlp_trains_to_the_same_bits_on_one_thread_as_on_two(digits):
    """Why MLP encoders train and run on one thread (agents.ONE_THREAD_KINDS): their weights and
    latents are the bits two threads give, so the faster choice changes no result."""
    from semcom.core.threads import TRAINING_THREADS, fixed_threads

    ds, pool = digits
    spec = {"kind": "mlp", "width": 256, "depth": 3, "latent_dim": 48, "seed": 1, "epochs": 1}
    assert agents_module.training_threads("mlp") == 1 < TRAINING_THREADS
    trained = []
    for threads in (1, TRAINING_THREADS):
        with fixed_threads(threads):
            encoder = agents_module._train(spec, ds, pool)
        trained.append((encoder.state_dict(), agents_module._encode_all(encoder, ds.inputs, threads)))
    (w1, z1), (w2, z2) = trained
    assert all(torch.equal(w1[k], w2[k]) for k in w1) and torch.equal(z1, z2)


def test_zoo_agents_are_distinct_and_cached(digits, monkeypatch):
    ds, pool = digits
    spaces = {name: build_latent_space(name, spec, ds, pool) for name, spec in ZOO.items()}
    assert {s.latent_dim for s in spaces.values()} == {16, 24}
    fingerprints = {s.fingerprint for s in spaces.values()}
    assert len(fingerprints) == 5  # five different latent spaces

    def no_training(*args, **kwargs):
        raise AssertionError("a cached agent was trained again")

    monkeypatch.setattr(agents_module, "train_encoder", no_training)
    again = build_latent_space("mlp_wide", ZOO["mlp_wide"], ds, pool)
    assert torch.equal(again.latents, spaces["mlp_wide"].latents)
