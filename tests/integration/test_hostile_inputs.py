"""Inputs built to exhaust memory or time, or to reach a traceback: each one is refused by
`semcom validate` with exit 2 and one line naming the field, within
:data:`~tests.integration.bounds.SECONDS` (CPU) and :data:`~tests.integration.bounds.MEMORY`
(YAML alias bombs, deep nesting, huge sweeps and counts, numbers beyond 64 bits,
infinities, lying and pickled latent files, huge labels)."""

from __future__ import annotations

import copy
import io
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from semcom.core.errors import ScenarioError

from .bounds import assert_one_line_refusal, assert_within_bounds, bounded_call, run_cli
from .test_malformed_inputs import BASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="module")
def _imported():
    """The registries the checks load (torch, Sionna) are imported before any bound is measured."""
    import semcom.simulator.link.checks  # noqa: F401
    import semcom.simulator.run.context  # noqa: F401


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """A flow list of ``width ** levels`` values once its YAML aliases are expanded (a few hundred bytes)."""
    rows = [f"&a0 [{', '.join(['x'] * width)}]"]
    rows += [f"&a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "[" + ", ".join(rows) + "]"


def _text(scenario: dict, **splice: str) -> str:
    """The scenario as YAML with each placeholder value ``<KEY>`` replaced by raw YAML text."""
    text = yaml.safe_dump(scenario, default_flow_style=True, width=10**9)
    for key, raw in splice.items():
        text = text.replace(f"'<{key}>'", raw).replace(f"<{key}>", raw)
    return text


def _set(path: str, value, base=BASE) -> dict:
    d = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = d
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value
    return d


def _validate(tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    rc, _, err = run_cli("validate", str(path), *args)
    return rc, err


BOMBS = [
    ("model setting", "models.rx.junk", "models.rx.junk"),
    ("equaliser setting", "semantic_equalizers.inverse.ridge", "semantic_equalizers.inverse.ridge"),
    ("receiver names", "sweep.receiver", "sweep.receiver"),
    ("description", "description", "description"),
    ("SNR axis", "sweep.snr_db", "sweep.snr_db"),
]


@pytest.mark.parametrize("where, path, field", BOMBS, ids=[b[0] for b in BOMBS])
def test_an_alias_bomb_is_refused_before_anything_expands_it(tmp_path, where, path, field):
    rc, err = _validate(tmp_path, _text(_set(path, "<BOMB>"), BOMB=alias_bomb()))
    assert_one_line_refusal(rc, err, field, "YAML aliases expanded")


def test_a_value_that_contains_itself_is_refused(tmp_path):
    rc, err = _validate(tmp_path, "name: x\nsweep: &s {snr_db: [0, *s]}\n")
    assert_one_line_refusal(rc, err, "sweep.snr_db", "contains itself")


@pytest.mark.parametrize(
    "opening, closing, levels", [("[", "]", 100_000), ("{a: ", "}", 50_000)], ids=["lists", "mappings"]
)
def test_nesting_tens_of_thousands_of_levels_deep_is_refused(tmp_path, opening, closing, levels):
    deep = opening * levels + "0" + closing * levels  # within the size limit
    rc, err = _validate(tmp_path, _text(_set("sweep.snr_db", "<DEEP>"), DEEP=deep))
    assert_one_line_refusal(rc, err, "hostile.yaml", "nests deeper than 32 levels", "line 1")


def test_two_hundred_thousand_sweep_values_are_refused(tmp_path):
    many = "[" + ", ".join(["0"] * 200_000) + "]"  # 600 kB of YAML
    rc, err = _validate(tmp_path, _text(_set("sweep.snr_db", "<SNR>"), SNR=many))
    assert_one_line_refusal(rc, err, "hostile.yaml", "larger than 256 KiB")
    aliased = "[&k [" + ", ".join(["0"] * 1000) + "], " + ", ".join(["*k"] * 200) + "]"
    rc, err = _validate(tmp_path, _text(_set("sweep.snr_db", "<SNR>"), SNR=aliased))
    assert_one_line_refusal(rc, err, "sweep.snr_db", "values, YAML aliases expanded")
    listed = "[" + ", ".join(["0"] * 20_000) + "]"
    rc, err = _validate(tmp_path, _text(_set("sweep.snr_db", "<SNR>"), SNR=listed))
    assert_one_line_refusal(rc, err, "sweep.snr_db", "20000 values (> 10000)")


def test_a_ten_thousand_point_range_on_top_of_a_large_sweep_is_beyond_the_work_budget(tmp_path):
    scenario = _set("sweep.seed", {"start": 0, "stop": 9999, "step": 1})
    scenario["sweep"]["num_anchors"] = list(range(1, 41))
    rc, err = _validate(tmp_path, _text(scenario), "--no-data")
    assert_one_line_refusal(rc, err, "sweep.seed x sweep.num_anchors", "400,000 units", "--allow-large")


@pytest.mark.parametrize(
    "path, value, field",
    [
        ("seed", 2**64, "seed"),
        ("sweep.seed", [1, 2**64], "sweep.seed[1]"),
        ("sweep.num_anchors", [10**400], "401 digits"),
        ("data.limit", -(2**70), "data.limit"),
    ],
    ids=["seed 2^64", "sweep seed 2^64", "K of 400 digits", "limit -2^70"],
)
def test_whole_numbers_beyond_the_store_range_are_refused_at_validation(tmp_path, path, value, field):
    rc, err = _validate(tmp_path, _text(_set(path, value)))
    assert_one_line_refusal(rc, err, field, "64-bit range")


def test_a_whole_number_of_ten_thousand_digits_is_refused_while_reading(tmp_path):
    rc, err = _validate(tmp_path, _text(_set("seed", "<BIG>"), BIG="9" * 10_000))
    assert_one_line_refusal(rc, err, "hostile.yaml", "10000 digits", "line 1")


def test_a_scenario_file_of_megabytes_is_refused_unread(tmp_path):
    rc, err = _validate(tmp_path, _text(_set("description", "<TEXT>"), TEXT="x" * (2 << 20)))
    assert_one_line_refusal(rc, err, "hostile.yaml", "larger than 256 KiB")


def _network():
    return yaml.safe_load((ROOT / "scenarios/network_edge.yaml").read_text())


def _system_single_site():
    sc = yaml.safe_load((ROOT / "scenarios/system_multicell.yaml").read_text())
    sc["system"]["topology"] = {"kind": "single_site"}
    sc["system"]["groups"] = {"camera": {"model": "mlp_small", "distance_m": [10.0, float("inf")]}}
    return sc


@pytest.mark.parametrize(
    "scenario, field, needle",
    [
        (_system_single_site(), "system.groups.camera.distance_m[1]", "not a finite number"),
        (
            _set("network.transmitters.camera.distance_m", float("inf"), _network()),
            "network.transmitters.camera.distance_m",
            "not a finite number",
        ),
        (_set("sweep.arrival_rate", [1e9], _network()), "sweep.arrival_rate", "messages (budget 1e+09)"),
        (
            _set("network.transmitters.camera.count", 10**9, _network()),
            "network.transmitters.camera.count",
            "10000",
        ),
        (_set("network.duration_s", 1e7, _network()), "network", "shorten duration_s"),
    ],
    ids=[
        "system inf distance",
        "network inf distance",
        "arrival rate 1e9",
        "a billion agents",
        "1e7 s simulated",
    ],
)
def test_network_and_system_loads_beyond_reach_are_refused(tmp_path, scenario, field, needle):
    rc, err = _validate(tmp_path, _text(scenario), "--no-data")
    assert_one_line_refusal(rc, err, field, needle)


def test_a_mapping_from_the_python_api_is_bounded_as_a_file_is():
    from semcom.simulator.kinds import parse_study

    deep: dict = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    shared = ["x"] * 10
    for _ in range(8):
        shared = [shared] * 10

    def refusal(value) -> str:
        try:
            parse_study({**BASE, "description": value})
        except ScenarioError as exc:
            return str(exc)
        return "accepted"

    for value, words in ((deep, "nests deeper than 32 levels"), (shared, "description: holds .* values")):
        message, cost = bounded_call(lambda value=value: refusal(value))
        assert re.search(words, message) and "\n" not in message, message
        assert_within_bounds(cost, words)


# -- latent files that lie ------------------------------------------------------------------


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array)
    return buf.getvalue()


def _claiming(shape: tuple) -> bytes:
    """A .npy member whose header claims ``shape`` of float64 but that holds 800 bytes."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue() + bytes(800)


def _latent_study(tmp_path: Path, members: dict[str, bytes]) -> str:
    rng = np.random.default_rng(0)
    labels = rng.integers(5, size=200)
    np.savez(tmp_path / "tx.npz", latents=rng.standard_normal((200, 8)), labels=labels)
    with zipfile.ZipFile(tmp_path / "rx.npz", "w") as z:
        for name, data in {"labels.npy": _npy(labels), **members}.items():
            z.writestr(name, data)
    return _text(
        dict(
            name="npz",
            data=dict(dataset="latents", path=str(tmp_path / "tx.npz")),
            models=dict(
                tx=dict(kind="npz", path=str(tmp_path / "tx.npz")),
                rx=dict(kind="npz", path=str(tmp_path / "rx.npz")),
            ),
            sweep=dict(snr_db=[10], num_anchors=[8], transmitter="tx", receiver="rx"),
        )
    )


NPZ = [
    (
        "header claims 750000 x 1000",
        {"latents.npy": _claiming((750_000, 1000))},
        "claims shape (750000, 1000)",
    ),
    ("header claims 2e9 values", {"latents.npy": _claiming((2_000_000_000,))}, "16,000,000,000 bytes"),
    ("zip-pickle member", {"latents.npy": pickle.dumps(np.zeros((200, 8)))}, "not a numpy array"),
    ("zip-pickle without suffix", {"latents": pickle.dumps(np.zeros((200, 8)))}, "not a numpy array"),
    ("object dtype", {"latents.npy": b""}, "Python objects"),
]


@pytest.mark.parametrize("what, members, needle", NPZ, ids=[n[0] for n in NPZ])
def test_a_latent_file_that_lies_is_refused_before_any_allocation(tmp_path, what, members, needle):
    if what == "object dtype":
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(buf, {"descr": "|O", "fortran_order": False, "shape": (200, 8)})
        members = {"latents.npy": buf.getvalue()}
    rc, err = _validate(tmp_path, _latent_study(tmp_path, members))
    assert_one_line_refusal(rc, err, "models.rx.path", "rx.npz", needle)


def test_huge_labels_are_bounded_by_the_samples_they_label(tmp_path):
    labels = np.where(np.arange(200) % 2, 2**40, 0)
    text = _latent_study(tmp_path, {"latents.npy": _npy(np.zeros((200, 8)))})
    np.savez(tmp_path / "tx.npz", latents=np.zeros((200, 8)), labels=labels)
    rc, err = _validate(tmp_path, text)
    assert_one_line_refusal(rc, err, "data.path", "tx.npz", "more classes than the file's 200 samples")


@pytest.mark.parametrize(
    "error, words", [("validation", "x: Input should be a valid integer"), ("memory", "out of memory")]
)
def test_an_error_deep_inside_a_command_is_still_one_line(monkeypatch, error, words):
    from pydantic import BaseModel

    from semcom.simulator import cli

    class Settings(BaseModel):
        x: int

    def fail(args):
        if error == "memory":
            raise MemoryError
        Settings.model_validate({"x": "many"})

    monkeypatch.setattr(cli, "_cmd_schema", fail)
    rc, _, err = run_cli("schema", bound=False)  # a bounded run fails on the out-of-memory line
    assert_one_line_refusal(rc, err, words)


def test_a_compressed_data_file_is_never_read_past_the_budget(tmp_path):
    """An IDX file whose gzip expands without end is read up to the budget, then refused."""
    import gzip

    from semcom.core.errors import SemcomInputError
    from semcom.transceivers.array_files import read_at_most

    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes(1 << 20)))  # 1 KiB on disk, 1 MiB expanded
    with gzip.open(path, "rb") as f, pytest.raises(SemcomInputError, match="holds more than"):
        read_at_most(f, path, limit=1 << 16)
    with gzip.open(path, "rb") as f:
        assert len(read_at_most(f, path, limit=1 << 21)) == 1 << 20


@pytest.mark.parametrize(
    "setting, value, words",
    [
        ("width", 10**9, "models.rx: the study would hold about"),
        ("epochs", 10**12, "models.rx: the study would train its encoders for about"),
        ("depth", 10**6, "models.rx.depth: must be at most 100 layers"),
    ],
    ids=["width 1e9", "epochs 1e12", "depth 1e6"],
)
def test_an_encoder_too_large_to_train_is_refused_before_anything_is_built(tmp_path, setting, value, words):
    scenario = _set(f"models.rx.{setting}", value)
    scenario["data"]["limit"] = 400  # a test set large enough for no warning
    rc, err = _validate(tmp_path, _text(scenario))
    assert_one_line_refusal(rc, err, words)
