"""`semcom validate` refuses everything `semcom run` refuses before its first unit, with the
same one line: a corpus of bad scenarios of every kind (link, latent files, network, system
on tables), each run both ways. The run's executor is replaced by one that stops the test
when the first unit would be computed, so a scenario `run` only refuses once units are
running fails here as well as one `validate` lets through. `validate` also reports every
problem of a file and its overrides in one round."""

from __future__ import annotations

import copy
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import yaml

import semcom.simulator.run.lifecycle as lifecycle
from semcom.simulator.cli import main
from tests.unit.simulator.system.system_fixtures import synthetic_table_set, system_raw

LINK = dict(
    name="corpus",
    seed=1,
    data=dict(dataset="digits", limit=400, test_fraction=0.3),
    models=dict(a=dict(kind="pca", latent_dim=16), b=dict(kind="pca", latent_dim=12, seed=3)),
    sweep=dict(
        snr_db=[0, 10], num_anchors=[8], transmitter="a", receiver="b", semantic_equalizer=["relative"]
    ),
)
NETWORK = dict(
    name="corpus_net",
    kind="network",
    seed=1,
    data=dict(dataset="digits", limit=400),
    models=dict(a=dict(kind="pca", latent_dim=16), b=dict(kind="pca", latent_dim=12, seed=3)),
    channels=dict(rayleigh=dict(model="rayleigh", csi="ls", num_pilots=1)),
    network=dict(
        slot_duration_s=0.001,
        resource_blocks=12,
        channel_uses_per_rb=12,
        duration_s=0.1,
        warmup_s=0.01,
        receivers=dict(edge=dict(model="b")),
        transmitters=dict(cam=dict(model="a", count=2, distance_m=30, receiver="edge")),
    ),
    sweep=dict(
        arrival_rate=[50],
        num_anchors=[8],
        scheduler=["round_robin"],
        semantic_equalizer=["relative"],
        channel="rayleigh",
    ),
)


class _Computing(BaseException):
    """The run got past every check: its first unit was about to be computed."""


def _computing(*_args, **_kw):
    raise _Computing


def _set(base: dict, path: str, value) -> dict:
    out = copy.deepcopy(base)
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


def _cmd(args: list[str]) -> tuple[object, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            rc = main(args)
        except _Computing:
            rc = "computing"
    return rc, err.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Latent files and abstraction tables the scenarios point at."""
    d = tmp_path_factory.mktemp("corpus")
    rng = np.random.default_rng(0)
    labels = np.arange(300) % 10
    for name, dim in (("x", 8), ("y", 6)):
        np.savez(d / f"{name}.npz", latents=rng.normal(size=(300, dim)).astype(np.float32), labels=labels)
    pairs = [("a", "edge"), ("b", "edge")]
    synthetic_table_set(pairs).save(d / "tables")
    synthetic_table_set(pairs, grid=(0.0, 30.0, 1.0)).save(d / "narrow")
    synthetic_table_set(pairs, grid=(15.0, 16.0, 0.5)).save(d / "three_points")
    synthetic_table_set(pairs, channel_uses_per_k=100.0).save(d / "big")
    return {"dir": d}


def _latents(d: Path) -> dict:
    return dict(
        name="corpus_lat",
        seed=1,
        data=dict(dataset="latents", path=str(d / "x.npz"), test_fraction=0.4),
        models=dict(x=dict(kind="npz", path=str(d / "x.npz")), y=dict(kind="npz", path=str(d / "y.npz"))),
        sweep=dict(
            snr_db=[0, 10], num_anchors=[8], transmitter="x", receiver="y", semantic_equalizer=["relative"]
        ),
    )


def _system(d: Path, tables: str = "tables", **change) -> dict:
    raw = system_raw(d / tables)
    for path, value in change.items():
        raw = _set(raw, path.replace("__", "."), value)
    return raw


def _eq(name: str, **settings) -> dict:
    return _set(_set(LINK, "semantic_equalizers", {name: settings}), "sweep.semantic_equalizer", [name])


# (id, scenario from the files' folder, text the one line names)
CORPUS = [
    ("aligned ridge: lots", lambda d: _eq("aligned", ridge="lots"), "semantic_equalizers.aligned.ridge"),
    (
        "inverse ridge: lots (configured, unswept)",
        lambda d: _set(LINK, "semantic_equalizers", {"inverse": {"ridge": "lots"}}),
        "semantic_equalizers.inverse.ridge",
    ),
    (
        "inverse method unknown",
        lambda d: _eq("inverse", method="lasso"),
        "semantic_equalizers.inverse.method",
    ),
    ("cca ridge negative", lambda d: _eq("cca", ridge=-1.0), "semantic_equalizers.cca.ridge"),
    (
        "relative head_draws 2.5",
        lambda d: _eq("relative", head_draws=2.5),
        "semantic_equalizers.relative.head_draws",
    ),
    (
        "mlp_aligner holdout 1",
        lambda d: _eq("mlp_aligner", holdout=1.0),
        "semantic_equalizers.mlp_aligner.holdout",
    ),
    (
        "an mlp agent on latent files",
        lambda d: _set(
            _set(_latents(d), "models.z", {"kind": "mlp", "latent_dim": 8}), "sweep.receiver", "z"
        ),
        "models.z.kind",
    ),
    (
        "a pca agent on latent files",
        lambda d: _set(
            _set(_latents(d), "models.z", {"kind": "pca", "latent_dim": 4}), "sweep.receiver", "z"
        ),
        "models.z.kind",
    ),
    (
        "a latent file that is missing",
        lambda d: _set(_latents(d), "models.y.path", str(d / "nope.npz")),
        "models.y.path",
    ),
    (
        "a latent file of another width",
        lambda d: _set(_latents(d), "models.y.latent_dim", 7),
        "models.y.latent_dim",
    ),
    ("seed 10^30", lambda d: _set(LINK, "seed", 10**30), "seed"),
    ("sweep seed 10^30", lambda d: _set(LINK, "sweep.seed", [1, 10**30]), "sweep.seed[1]"),
    ("model seed 10^30", lambda d: _set(LINK, "models.a.seed", 10**30), "models.a.seed"),
    ("split seed 2^64", lambda d: _set(LINK, "data.split_seed", 2**64), "data.split_seed"),
    ("snr_db [0, 0, 10]", lambda d: _set(LINK, "sweep.snr_db", [0, 0, 10]), "sweep.snr_db"),
    ("snr_db [0, 0.0]", lambda d: _set(LINK, "sweep.snr_db", [0, 0.0]), "sweep.snr_db"),
    ("num_anchors [8, 8]", lambda d: _set(LINK, "sweep.num_anchors", [8, 8]), "sweep.num_anchors"),
    ("receiver [b, b]", lambda d: _set(LINK, "sweep.receiver", ["b", "b"]), "sweep.receiver"),
    ("seed [1, 1]", lambda d: _set(LINK, "sweep.seed", [1, 1]), "sweep.seed"),
    (
        "bits [null, 4, 4]",
        lambda d: _set(_set(LINK, "scheme", {"kind": "digital"}), "sweep.bits", [None, 4, 4]),
        "sweep.bits",
    ),
    (
        "num_anchors range of step 0.5",
        lambda d: _set(LINK, "sweep.num_anchors", {"start": 4, "stop": 5, "step": 0.5}),
        "sweep.num_anchors",
    ),
    ("K above the pool", lambda d: _set(LINK, "sweep.num_anchors", [500]), "sweep.num_anchors[0]"),
    ("top_k above K", lambda d: _set(LINK, "compression", {"top_k": 9}), "compression.top_k"),
    ("PCA wider than the inputs", lambda d: _set(LINK, "models.a.latent_dim", 100), "models.a.latent_dim"),
    ("unknown receiver", lambda d: _set(LINK, "sweep.receiver", "c"), "sweep.receiver"),
    ("device cuda:7", lambda d: _set(LINK, "device", "cuda:7"), "device"),
    ("train + test fractions >= 1", lambda d: _set(LINK, "data.train_fraction", 0.7), "data.train_fraction"),
    (
        "stop below the listed seeds",
        lambda d: _set(
            _set(LINK, "sweep.seed", [1, 2, 3]), "stop", {"ci_half_width": 0.05, "max_replicates": 2}
        ),
        "stop.max_replicates",
    ),
    (
        "network: duplicate arrival rates",
        lambda d: _set(NETWORK, "sweep.arrival_rate", [50, 50]),
        "sweep.arrival_rate",
    ),
    (
        "network: an mlp_aligner holdout of 0",
        lambda d: _set(
            _set(NETWORK, "semantic_equalizers", {"mlp_aligner": {"holdout": 0}}),
            "sweep.semantic_equalizer",
            ["mlp_aligner"],
        ),
        "semantic_equalizers.mlp_aligner.holdout",
    ),
    ("system: a missing tables folder", lambda d: _system(d, "nope"), "abstraction.json does not exist"),
    ("system: a grid that starts too high", lambda d: _system(d, "narrow"), "tables"),
    ("system: a three-point grid (15-16 dB)", lambda d: _system(d, "three_points"), "15..16 dB"),
    ("system: a message beyond the slot", lambda d: _system(d, "big"), "system.grid.num_prbs"),
    (
        "system: a K the tables lack",
        lambda d: _system(d, system__link_adaptation={"configs": [{"num_anchors": 12}]}),
        "system.link_adaptation.configs[0]",
    ),
    (
        "system: a fixed label the tables lack",
        lambda d: _system(d, sweep__link_adaptation=["fixed:K12-analog"]),
        "sweep.link_adaptation[0]",
    ),
    (
        "system: the bit pipe without digital tables",
        lambda d: _system(d, sweep__link_adaptation=["conventional_5g"]),
        "sweep.link_adaptation[0]",
    ),
    (
        "system: OLLA offset bounds low > high",
        lambda d: _system(d, system__link_adaptation={"olla_offset_db": [5, -5]}),
        "system.link_adaptation.olla_offset_db",
    ),
    (
        "system: bit-pipe OLLA bounds low > high",
        lambda d: _system(d, system__conventional={"olla_offset_db": [10, -10]}),
        "system.conventional.olla_offset_db",
    ),
    ("system: duplicate loads", lambda d: _system(d, sweep__arrival_rate=[100.0, 100]), "sweep.arrival_rate"),
    ("system: an unknown scheduler", lambda d: _system(d, sweep__scheduler=["pf"]), "sweep.scheduler"),
]


def _run_both(scenario: dict, tmp_path: Path) -> tuple[tuple, tuple]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    return _cmd(["validate", str(path)]), _cmd(
        ["run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--no-plots"]
    )


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("semcom: error: ")]


def test_the_corpus_is_large_and_its_bases_run(files, tmp_path, monkeypatch):
    monkeypatch.setattr(lifecycle, "run_units", _computing)
    assert len(CORPUS) >= 30
    d = files["dir"]
    for i, base in enumerate((LINK, _latents(d), NETWORK, _system(d))):
        (validate_rc, validate_err), (run_rc, run_err) = _run_both(base, tmp_path / str(i))
        assert validate_rc == 0 and not _errors(validate_err), validate_err
        assert run_rc == "computing", run_err  # a valid base reaches its first unit


@pytest.mark.parametrize("what, make, needle", CORPUS, ids=[c[0] for c in CORPUS])
def test_validate_refuses_what_run_refuses_before_its_first_unit(
    what, make, needle, files, tmp_path, monkeypatch
):
    monkeypatch.setattr(lifecycle, "run_units", _computing)
    (validate_rc, validate_err), (run_rc, run_err) = _run_both(make(files["dir"]), tmp_path)
    assert run_rc == 2, f"run: {run_rc} {run_err}"  # refused before any unit was computed
    assert validate_rc == 2, f"validate let it through: {validate_err}"
    run_lines, validate_lines = _errors(run_err), _errors(validate_err)
    assert len(run_lines) >= 1 and "Traceback" not in run_err + validate_err
    assert all("; " in line or "does not exist" in line for line in validate_lines), (
        validate_err
    )  # a fix given
    assert run_lines[0] in validate_lines, (run_err, validate_err)  # the same one line
    assert needle in validate_lines[0] or any(needle in line for line in validate_lines), validate_err


def test_validate_reports_four_mistakes_of_one_set_line_in_one_run(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(LINK))
    # one typing mistake (parsing) and three the semantic checks find (names, a bound)
    rc, err = _cmd(
        [
            "validate",
            str(path),
            "--set",
            "sweep={snr_db: [0, high], num_anchors: [0], receiver: nobody, "
            "semantic_equalizer: [relativ], transmitter: a}",
        ]
    )
    lines = _errors(err)
    assert rc == 2 and len(lines) == 4, err
    for field in ("sweep.snr_db", "sweep.num_anchors[0]", "sweep.receiver", "sweep.semantic_equalizer"):
        assert sum(line.startswith(f"semcom: error: {field}:") for line in lines) == 1, (field, err)
    # four --set options: three typing mistakes and an unknown name
    rc, err = _cmd(
        [
            "validate",
            str(path),
            "--set",
            "sweep.snr_db=[0,high]",
            "--set",
            "sweep.receiver=nobody",
            "--set",
            "models.a.latent_dim=-3",
            "--set",
            "data.test_fraction=2",
        ]
    )
    lines = _errors(err)
    assert rc == 2 and len(lines) == 4, err
    assert {line.split(": ")[2] for line in lines} == {
        "sweep.snr_db",
        "sweep.receiver",
        "models.a.latent_dim",
        "data.test_fraction",
    }, err


def test_a_required_field_refused_while_parsing_reports_the_parsing_errors_only(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_set(LINK, "sweep.transmitter", 5)))
    rc, err = _cmd(["validate", str(path), "--set", "sweep.receiver=nobody"])
    assert rc == 2 and _errors(err) == [line for line in _errors(err) if "sweep.transmitter" in line], err
