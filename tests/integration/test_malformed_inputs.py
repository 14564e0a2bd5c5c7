"""Bad input never gets a traceback: exit code 2 and one line naming the field, the bad
value and the fix. A table of hand-written broken scenarios, then property-based
mutations of a valid one (hypothesis), then broken files (YAML, IDX data)."""

import copy
import gzip
import io
import math
import struct
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from semcom.simulator.cli import main

BASE = dict(
    name="base",
    seed=1,
    data=dict(dataset="digits", limit=200, test_fraction=0.3),
    models=dict(tx=dict(kind="pca", latent_dim=16), rx=dict(kind="mlp", latent_dim=8, width=32, depth=1)),
    channels=dict(awgn=dict(model="awgn")),
    sweep=dict(
        snr_db=[0, 10],
        num_anchors=[4, 8],
        transmitter="tx",
        receiver="rx",
        semantic_equalizer=["relative", "none"],
        anchor_selection="random",
        seed=[1],
    ),
)
POOL = 60  # 200 samples: 30 % held out for test, 40 % train the encoders (data defaults)


def _validate(tmp_path: Path, scenario, name="s.yaml") -> tuple[int, str]:
    path = tmp_path / name
    if isinstance(scenario, bytes):
        path.write_bytes(scenario)
    else:
        path.write_text(scenario if isinstance(scenario, str) else yaml.safe_dump(scenario))
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(["validate", str(path)])
    return rc, err.getvalue()


def _with(path: str, value, base=BASE):
    d = copy.deepcopy(base)
    parts = path.split(".")
    cur = d
    for p in parts[:-1]:
        cur = cur[p]
    cur[parts[-1]] = value
    return d


def _assert_one_line_error(rc: int, err: str, *needles: str) -> None:
    assert rc == 2, err
    lines = err.splitlines()  # one line per problem found
    assert lines and err.endswith("\n") and all(line.startswith("semcom: error: ") for line in lines), err
    assert "Traceback" not in err
    assert all("; " in line for line in lines), f"no fix given: {err}"  # '<field>: <problem>; <fix>'
    for needle in needles:
        assert needle in err, (needle, err)


def test_the_base_scenario_is_valid(tmp_path):
    rc, err = _validate(tmp_path, BASE)
    assert rc == 0, err


BROKEN = [
    # (what, scenario, text the one-line message must contain)
    (
        "unknown top-level key",
        {**BASE, "num_anchor": 3},
        ["num_anchor", "did you mean 'num_anchors' under `sweep`"],
    ),
    (
        "misspelt sweep axis",
        _with("sweep.num_anchor", [4]),
        ["sweep.num_anchor", "did you mean 'num_anchors'"],
    ),
    ("misspelt data key", _with("data.limt", 100), ["data.limt", "did you mean 'limit'"]),
    ("misspelt model setting", _with("models.rx.widht", 32), ["models.rx.widht", "did you mean 'width'"]),
    (
        "misspelt equaliser setting",
        {**BASE, "semantic_equalizers": {"inverse": {"ridg": 0.1}}},
        ["semantic_equalizers.inverse.ridg", "did you mean 'ridge'"],
    ),
    ("wrong type for SNR", _with("sweep.snr_db", "high"), ["sweep.snr_db", "'high'", "is not a number"]),
    ("wrong type for seed", _with("seed", "one"), ["seed", "'one'"]),
    ("K = 0", _with("sweep.num_anchors", [0, 4]), ["sweep.num_anchors[0]", "0", ">= 1"]),
    ("negative K", _with("sweep.num_anchors", [-3]), ["sweep.num_anchors", "-3"]),
    ("fractional K", _with("sweep.num_anchors", [4.5]), ["sweep.num_anchors", "4.5", "whole number"]),
    ("K above the pool", _with("sweep.num_anchors", [4, 500]), ["sweep.num_anchors[1]", "500", f"{POOL}"]),
    ("empty SNR list", _with("sweep.snr_db", []), ["sweep.snr_db", "empty"]),
    ("NaN SNR", _with("sweep.snr_db", [0, float("nan")]), ["sweep.snr_db", "nan", "finite"]),
    ("infinite SNR", _with("sweep.snr_db", [float("inf")]), ["sweep.snr_db", "inf", "finite"]),
    (
        "empty range",
        _with("sweep.snr_db", {"start": 10, "stop": 0, "step": 5}),
        ["sweep.snr_db", "empty range"],
    ),
    ("zero step", _with("sweep.snr_db", {"start": 0, "stop": 10, "step": 0}), ["sweep.snr_db.step", "> 0"]),
    ("zero latent size", _with("models.tx.latent_dim", 0), ["models.tx.latent_dim", "0"]),
    ("negative width", _with("models.rx.width", -32), ["models.rx.width", "-32", "positive"]),
    ("missing latent size", _with("models.rx", {"kind": "mlp"}), ["models.rx.latent_dim", "required"]),
    ("unknown model kind", _with("models.rx.kind", "mpl"), ["models.rx.kind", "'mpl'", "did you mean 'mlp'"]),
    ("unknown receiver", _with("sweep.receiver", "rxx"), ["sweep.receiver", "'rxx'", "did you mean 'rx'"]),
    (
        "unknown equaliser",
        _with("sweep.semantic_equalizer", ["relative", "invrse"]),
        ["sweep.semantic_equalizer[1]", "'invrse'", "did you mean 'inverse'"],
    ),
    (
        "unknown channel model",
        _with("channels.awgn.model", "awng"),
        ["channels.awgn.model", "did you mean 'awgn'"],
    ),
    ("unknown channel name", _with("sweep.channel", "rayleigh"), ["sweep.channel", "'rayleigh'"]),
    (
        "unknown anchor strategy",
        _with("sweep.anchor_selection", "prototypcal"),
        ["sweep.anchor_selection", "did you mean 'prototypical'"],
    ),
    ("unknown dataset", _with("data.dataset", "mnits"), ["data.dataset", "did you mean 'mnist'"]),
    (
        "missing data folder",
        _with("data", {"dataset": "mnist", "path": "/nonexistent/mnist"}),
        ["data.path", "/nonexistent/mnist"],
    ),
    ("test fraction above 1", _with("data.test_fraction", 1.5), ["data.test_fraction", "1.5"]),
    ("negative seed", _with("sweep.seed", [-1]), ["sweep.seed", "-1"]),
    ("no models", _with("models", {}), ["models"]),
    ("section not a mapping", _with("sweep", [1, 2]), ["sweep", "mapping"]),
    ("unknown device", _with("device", "tpu"), ["device", "'tpu'"]),
]


@pytest.mark.parametrize("what, scenario, needles", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_scenario_fails_with_one_line(tmp_path, what, scenario, needles):
    rc, err = _validate(tmp_path, scenario)
    _assert_one_line_error(rc, err, *needles)


@pytest.mark.parametrize(
    "text",
    [
        "name: [unclosed\n",
        "- just\n- a list\n",
        "",
        "name: x\n\tsweep: {}\n",
        "\x00\x01binary",
    ],
)
def test_broken_yaml_fails_with_one_line(tmp_path, text):
    rc, err = _validate(tmp_path, text)
    _assert_one_line_error(rc, err, "s.yaml")


def test_a_key_given_twice_is_refused(tmp_path):
    text = yaml.safe_dump(BASE).replace("sweep:\n", "sweep:\n  num_anchors: [2]\n", 1)
    rc, err = _validate(tmp_path, text)
    _assert_one_line_error(rc, err, "duplicate key 'num_anchors'", "line")


def test_booleans_are_not_numbers(tmp_path):
    rc, err = _validate(tmp_path, _with("models.tx.latent_dim", True))
    _assert_one_line_error(rc, err, "models.tx.latent_dim", "true")


def test_yaml_tags_are_not_executed(tmp_path):
    rc, err = _validate(tmp_path, "!!python/object/apply:os.system ['echo pwned']\n")
    _assert_one_line_error(rc, err, "not valid YAML")


# -- property-based: mutations of the valid scenario, each one certainly invalid --------

_KNOWN = {
    "": set(BASE)
    | {"description", "kind", "device", "precision", "center", "chunk_size", "scheme", "semantic_equalizers"},
    "data": {"dataset", "path", "limit", "test_fraction", "split_seed"},
    "sweep": {
        "snr_db",
        "num_anchors",
        "transmitter",
        "receiver",
        "semantic_equalizer",
        "anchor_selection",
        "channel",
        "bits",
        "seed",
    },
    "models.rx": {
        "kind",
        "latent_dim",
        "seed",
        "width",
        "depth",
        "epochs",
        "batch_size",
        "lr",
        "weight_decay",
    },
    "models.tx": {"kind", "latent_dim", "seed"},
    "channels.awgn": {"model", "csi", "equalizer"},
}
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_not_number = st.one_of(
    st.text(min_size=1, max_size=8).filter(lambda s: _parses_as_text(s)),
    st.dictionaries(_word, st.integers(), min_size=1, max_size=2),
    st.lists(st.dictionaries(_word, st.integers(), min_size=1), min_size=1, max_size=2),
    st.booleans(),
)


def _parses_as_text(s: str) -> bool:
    try:
        float(s)
        return False
    except ValueError:
        return True


def _unknown_key():
    return st.sampled_from(sorted(_KNOWN)).flatmap(
        lambda section: _word.filter(lambda k: k not in _KNOWN[section]).map(
            lambda key: ((f"{section}.{key}" if section else key), 1, key)
        )
    )


def _bad_value():
    return st.one_of(
        # zero or negative counts
        st.tuples(
            st.sampled_from(
                [
                    "sweep.num_anchors",
                    "models.tx.latent_dim",
                    "models.rx.width",
                    "models.rx.depth",
                    "chunk_size",
                    "models.rx.epochs",
                ]
            ),
            st.integers(-(10**6), 0),
        ).map(lambda t: (t[0], [t[1]] if t[0] == "sweep.num_anchors" else t[1], t[0])),
        # K larger than the anchor pool
        st.integers(POOL + 1, 10**6).map(lambda k: ("sweep.num_anchors", [4, k], "sweep.num_anchors")),
        # NaN / inf / empty SNR lists
        st.lists(st.sampled_from([math.nan, math.inf, -math.inf]), min_size=1, max_size=3).flatmap(
            lambda bad: st.lists(st.floats(-30, 40), max_size=3).map(
                lambda good: ("sweep.snr_db", good + bad, "sweep.snr_db")
            )
        ),
        st.just(("sweep.snr_db", [], "sweep.snr_db")),
        # wrong types
        st.tuples(
            st.sampled_from(
                [
                    "sweep.snr_db",
                    "sweep.num_anchors",
                    "seed",
                    "data.limit",
                    "data.test_fraction",
                    "models.tx.latent_dim",
                    "chunk_size",
                ]
            ),
            _not_number,
        ).map(lambda t: (t[0], t[1], t[0])),
        # unknown names (suggestions come with them when close)
        st.tuples(
            st.sampled_from(
                [
                    "models.rx.kind",
                    "channels.awgn.model",
                    "sweep.semantic_equalizer",
                    "sweep.anchor_selection",
                    "data.dataset",
                    "sweep.receiver",
                    "sweep.transmitter",
                    "sweep.channel",
                ]
            ),
            _word.filter(
                lambda w: (
                    w
                    not in {
                        "mlp",
                        "cnn",
                        "pca",
                        "rotation",
                        "awgn",
                        "relative",
                        "none",
                        "oracle",
                        "inverse",
                        "aligned",
                        "random",
                        "prototypical",
                        "class_balanced",
                        "farthest_point",
                        "digits",
                        "mnist",
                        "cifar10",
                        "synthetic",
                        "tx",
                        "rx",
                        "latents",
                        "rayleigh",
                        "rician",
                        "ofdm",
                        "mimo",
                        "digital",
                        "analog",
                        "flat_fading",
                        "block_fading",
                        "tdl",
                        "cdl",
                    }
                )
            ),
        ).map(lambda t: (t[0], t[1], t[0])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=st.one_of(_unknown_key(), _bad_value()))
def test_every_malformed_scenario_gets_exit_2_and_one_line_naming_the_field(tmp_path, mutation):
    path, value, field = mutation
    rc, err = _validate(tmp_path, _with(path, value))
    _assert_one_line_error(rc, err, field.split(".")[0])
    assert field.rsplit(".", 1)[-1] in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_give_a_traceback(tmp_path, data):
    rc, err = _validate(tmp_path, data)
    _assert_one_line_error(rc, err)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0))
def test_truncated_scenario_files_never_give_a_traceback(tmp_path, cut):
    text = yaml.safe_dump(BASE, default_flow_style=False)
    rc, err = _validate(tmp_path, text[: int(cut * len(text))])
    assert rc in (0, 2) and "Traceback" not in err
    if rc == 2:
        _assert_one_line_error(rc, err)


# -- data files --------------------------------------------------------------------------


def _idx(shape, dtype_code=0x08, payload=None) -> bytes:
    header = bytes([0, 0, dtype_code, len(shape)]) + b"".join(struct.pack(">I", n) for n in shape)
    n = 1
    for s in shape:
        n *= s
    return header + (payload if payload is not None else bytes(n))


def _mnist_dir(tmp_path: Path, images: bytes, labels: bytes, gz: bool = False) -> Path:
    d = tmp_path / "mnist"
    d.mkdir(exist_ok=True)
    for stem, data in (("t10k-images-idx3-ubyte", images), ("t10k-labels-idx1-ubyte", labels)):
        if gz:
            (d / f"{stem}.gz").write_bytes(gzip.compress(data))
        else:
            (d / stem).write_bytes(data)
    return d


GOOD_IMAGES = _idx((100, 28, 28))
GOOD_LABELS = _idx((100,), payload=bytes(i % 10 for i in range(100)))


@pytest.mark.parametrize(
    "what, images, labels, gz, needle",
    [
        ("truncated images", GOOD_IMAGES[:-100], GOOD_LABELS, False, "truncated"),
        ("truncated header", GOOD_IMAGES[:6], GOOD_LABELS, False, "truncated"),
        ("bad magic", b"\x12\x34" + GOOD_IMAGES[2:], GOOD_LABELS, False, "magic"),
        ("label count mismatch", GOOD_IMAGES, _idx((90,), payload=bytes(90)), False, "disagree"),
        ("corrupt gzip", GOOD_IMAGES, GOOD_LABELS, "corrupt", "cannot be read"),
        ("empty file", b"", GOOD_LABELS, False, "IDX"),
    ],
)
def test_truncated_or_corrupt_idx_files(tmp_path, what, images, labels, gz, needle):
    d = _mnist_dir(tmp_path, images, labels, gz=bool(gz))
    if gz == "corrupt":
        f = d / "t10k-images-idx3-ubyte.gz"
        f.write_bytes(f.read_bytes()[:40])
    rc, err = _validate(tmp_path, _with("data", {"dataset": "mnist", "path": str(d), "limit": 100}))
    _assert_one_line_error(rc, err, needle)


def test_missing_idx_file(tmp_path):
    d = _mnist_dir(tmp_path, GOOD_IMAGES, GOOD_LABELS)
    (d / "t10k-labels-idx1-ubyte").unlink()
    rc, err = _validate(tmp_path, _with("data", {"dataset": "mnist", "path": str(d)}))
    _assert_one_line_error(rc, err, "t10k-labels-idx1-ubyte")


# -- latent files (.npz) -------------------------------------------------------------------


def _latent_study(tmp_path: Path, write_rx) -> dict:
    """A study of two .npz agents over the `latents` dataset (tx.npz is the reference file);
    ``write_rx(path, latents, labels)`` writes the receiver's file, possibly broken."""
    import numpy as np

    rng = np.random.default_rng(0)
    labels = rng.integers(5, size=200)
    latents = rng.standard_normal((200, 8))
    np.savez(tmp_path / "tx.npz", latents=latents, labels=labels)
    write_rx(tmp_path / "rx.npz", latents, labels)
    return dict(
        name="npz",
        data=dict(dataset="latents", path=str(tmp_path / "tx.npz")),
        models=dict(
            tx=dict(kind="npz", path=str(tmp_path / "tx.npz")),
            rx=dict(kind="npz", path=str(tmp_path / "rx.npz")),
        ),
        sweep=dict(snr_db=[10], num_anchors=[8], transmitter="tx", receiver="rx"),
    )


def _savez(path, **arrays):
    import numpy as np

    np.savez(path, **arrays)


def _nan_latents(path, z, y):
    z = z.copy()
    z[3, 1] = float("nan")
    _savez(path, latents=z, labels=y)


def _truncated(path, z, y):
    _savez(path, latents=z, labels=y)
    path.write_bytes(path.read_bytes()[:500])


def _pickled(path, z, y):
    import numpy as np

    _savez(path, latents=np.array([{"z": row} for row in z], dtype=object), labels=y)


NPZ_BROKEN = [
    ("truncated file", _truncated, ["rx.npz", "truncated or corrupt"]),
    ("not a zip", lambda p, z, y: p.write_bytes(b"latents,labels\n0.1,3\n"), ["rx.npz", "not a .npz file"]),
    ("NaN latents", _nan_latents, ["rx.npz", "NaN/inf", "sample 3"]),
    (
        "fewer samples than the dataset",
        lambda p, z, y: _savez(p, latents=z[:150], labels=y[:150]),
        ["rx.npz", "has 150 samples but dataset 'latents' has 200"],
    ),
    ("labels in another order", lambda p, z, y: _savez(p, latents=z, labels=y[::-1]), ["rx.npz", "label"]),
    ("missing labels key", lambda p, z, y: _savez(p, latents=z, classes=y), ["rx.npz", "no 'labels'"]),
    (
        "latents and labels disagree",
        lambda p, z, y: _savez(p, latents=z, labels=y[:-1]),
        ["rx.npz", "200 latents but 199 labels"],
    ),
    ("pickled object array", _pickled, ["rx.npz", "pickle"]),
    ("file missing", lambda p, z, y: None, ["rx.npz", "does not exist"]),
]


@pytest.mark.parametrize("what, write_rx, needles", NPZ_BROKEN, ids=[b[0] for b in NPZ_BROKEN])
def test_broken_latent_file_of_an_agent(tmp_path, what, write_rx, needles):
    rc, err = _validate(tmp_path, _latent_study(tmp_path, write_rx))
    _assert_one_line_error(rc, err, "models.rx.path" if what != "file missing" else "models.rx", *needles)


def test_broken_reference_latent_file(tmp_path):
    scenario = _latent_study(tmp_path, _truncated)
    scenario["data"]["path"] = scenario["models"]["rx"]["path"]
    rc, err = _validate(tmp_path, scenario)
    _assert_one_line_error(rc, err, "data.path", "rx.npz", "truncated or corrupt")
