"""The Python API takes what the CLI takes, typed and bounded as the CLI's options are:
a Dask client or address (byte-identical to inline), flags that are booleans, whole-number
workers >= 1, paths; refusals name the keyword a Python caller passes, and ``dir(semcom)``
lists the public API."""

import json

import pytest

import semcom
from semcom.arguments import ArgumentError, for_python
from semcom.core.errors import ScenarioError, ScenarioErrors, SemcomInputError

SYNTHETIC = dict(
    name="api_args",
    data={"dataset": "synthetic", "limit": 300},
    models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    sweep={
        "snr_db": [0.0, 10.0],
        "num_anchors": [4, 8],
        "transmitter": "a",
        "receiver": "b",
        "semantic_equalizer": ["relative", "none"],
    },
)


def test_dir_lists_the_public_api():
    assert dir(semcom) == sorted(semcom.__all__)
    assert {"run", "load", "Result", "scenario_path", "schema"} <= set(dir(semcom))
    assert not {"api", "core", "simulator", "PackageNotFoundError"} & set(dir(semcom))
    assert semcom.scenario_path("quickstart").name == "quickstart.yaml"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"force": "false"}, "force: must be True or False (got 'false' of type str)"),
        ({"quiet": 1}, "quiet: must be True or False"),
        ({"plots": None}, "plots: must be True or False"),
        ({"allow_code": "yes"}, "allow_code: must be True or False"),
        ({"workers": "2"}, "workers: must be a whole number >= 1 (got '2' of type str)"),
        ({"workers": 2.0}, "workers: must be a whole number"),
        ({"workers": True}, "workers: must be a whole number"),
        ({"workers": 0}, "workers: must be >= 1 (got 0)"),
        ({"out": 123}, "out: must be a folder path"),
        ({"scheduler": 8786}, "scheduler: must be a Dask scheduler address"),
        ({"scheduler": ""}, "scheduler: must be a Dask scheduler address"),
    ],
)
def test_a_wrong_argument_is_one_line_before_anything_runs(tmp_path, monkeypatch, kwargs, message):
    monkeypatch.chdir(tmp_path)
    args = {"out": tmp_path / "run", **kwargs}
    with pytest.raises(ArgumentError) as caught:
        semcom.run(SYNTHETIC, **args)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, SemcomInputError)
    assert list(tmp_path.iterdir()) == []  # nothing made, nothing written


def test_load_refuses_what_is_not_a_path():
    for bad in (None, 3, b"runs"):
        with pytest.raises(ArgumentError, match="out: must be a folder path"):
            semcom.load(bad)


def test_table_and_plot_refuse_wrong_types(tmp_path):
    result = semcom.run(SYNTHETIC, tmp_path, quiet=True, **{"sweep.num_anchors": [4]})
    with pytest.raises(ArgumentError, match="interval: must be True or False"):
        result.table(interval="false")
    with pytest.raises(ArgumentError, match="fmt: must be a name"):
        result.table(fmt=1)
    with pytest.raises(ArgumentError, match="by: must be a name"):
        result.plot(by=3)


def test_force_as_a_string_keeps_the_finished_study_and_the_refusal_names_keywords(tmp_path):
    semcom.run(SYNTHETIC, tmp_path, quiet=True, **{"sweep.num_anchors": [4]})
    store = (tmp_path / "results.sqlite").read_bytes()
    other = {**SYNTHETIC, "data": {"dataset": "synthetic", "limit": 320}}
    with pytest.raises(ArgumentError):
        semcom.run(other, tmp_path, quiet=True, force="false")
    with pytest.raises(SemcomInputError) as refused:
        semcom.run(other, tmp_path, quiet=True)
    message = str(refused.value)
    assert "force=True" in message and "--" not in message, message
    assert (tmp_path / "results.sqlite").read_bytes() == store  # the finished units are still there


def test_a_forced_run_warns_with_the_keyword(tmp_path):
    semcom.run(SYNTHETIC, tmp_path, quiet=True, **{"sweep.num_anchors": [4]})
    with pytest.warns(UserWarning) as caught:
        semcom.run(
            {**SYNTHETIC, "data": {"dataset": "synthetic", "limit": 320}},
            tmp_path,
            quiet=True,
            force=True,
            **{"sweep.num_anchors": [4]},
        )
    discarding = [str(w.message) for w in caught if "discarding" in str(w.message)]
    assert discarding and discarding[0].startswith("force=True: discarding 1 finished units"), discarding
    assert not any("--" in str(w.message) for w in caught)


def test_for_python_rewords_every_cli_option_and_keeps_the_class():
    exc = for_python(
        SemcomInputError(
            "--out 'x': holds results of a different study; use another --out, or --force to replace it"
        )
    )
    assert str(exc) == (
        "out='x': holds results of a different study; use another out folder, or force=True to replace it"
    )
    exc = for_python(
        ScenarioError(
            "sweep",
            9,
            "too large",
            "or pass --allow-large (semcom.run(..., allow_large=True)) to run it anyway",
        )
    )
    assert type(exc) is ScenarioError and str(exc).endswith("or pass allow_large=True to run it anyway")
    group = for_python(
        ScenarioErrors(
            [
                ScenarioError("a", None, "x", "use fewer --workers"),
                ScenarioError("b", None, "y", "--allow-code"),
            ]
        )
    )
    assert [str(e) for e in group.errors] == ["a: x; use fewer workers", "b: y; allow_code=True"]


def test_a_dask_client_gives_the_inline_bytes_and_stays_open(tmp_path):
    distributed = pytest.importorskip("distributed")
    inline = semcom.run(SYNTHETIC, tmp_path / "inline", quiet=True)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = semcom.run(SYNTHETIC, tmp_path / "dask", quiet=True, scheduler=client)
        assert client.status == "running"  # the caller's client is theirs to close
        by_address = semcom.run(
            SYNTHETIC, tmp_path / "address", quiet=True, scheduler=cluster.scheduler_address
        )
    for name in ("results.csv", "replicates.csv"):
        reference = (inline.out / name).read_bytes()
        assert (on_dask.out / name).read_bytes() == reference
        assert (by_address.out / name).read_bytes() == reference
    manifest = json.loads((on_dask.out / "manifest.json").read_text())
    assert manifest["executor"] == f"dask:{cluster.scheduler_address}"
    assert (
        len(inline) == 2 * 2 * 2
        and "inline" in json.loads((inline.out / "manifest.json").read_text())["executor"]
    )
