"""Study kinds as peers: one discriminated union parses every scenario file, the registry
answers for each kind (checks, units, columns, summary, figures), and a new kind plugs
into the CLI without touching it."""

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml
from pydantic import Field

from semcom.core.errors import ScenarioError, SemcomInputError
from semcom.simulator.cli import main
from semcom.simulator.kinds import (
    STUDY_KINDS,
    StudyKind,
    get_kind,
    kind_of,
    parse_study,
    register_kind,
    scenario_kinds,
)
from semcom.simulator.kinds import base as kinds_base
from semcom.simulator.link.schema import Scenario, parse_scenario
from semcom.simulator.network.schema import NetworkScenario, parse_network_scenario
from semcom.simulator.scenario.specs import CommonSweepAxes, StudyBase

LINK = dict(
    name="l",
    models={"a": {"kind": "pca", "latent_dim": 8}},
    sweep={"snr_db": [0, 10], "num_anchors": [4], "transmitter": "a", "receiver": "a"},
)
NETWORK = dict(
    name="n",
    kind="network",
    models={"a": {"kind": "pca", "latent_dim": 8}},
    channels={"awgn": {"model": "awgn"}},
    network={"transmitters": {"t": {"model": "a", "count": 2}}, "receivers": {"r": {"model": "a"}}},
    sweep={"arrival_rate": [10], "num_anchors": [4], "channel": "awgn"},
)


def _message(fn, raw) -> str:
    with pytest.raises(ScenarioError) as info:
        fn(raw)
    errors = getattr(info.value, "errors", None) or [info.value]
    return "\n".join(str(e) for e in errors)


def test_the_kind_picks_the_scenario_model_link_by_default():
    assert type(parse_study(LINK)) is Scenario and parse_study(LINK).kind == "link"
    assert type(parse_study({**LINK, "kind": "link"})) is Scenario
    assert type(parse_study(NETWORK)) is NetworkScenario
    assert kind_of(parse_study(NETWORK)) is get_kind("network") and kind_of(parse_study(LINK)) is get_kind(
        "link"
    )


def test_an_unknown_kind_is_one_line_naming_the_kinds():
    assert _message(parse_study, {**NETWORK, "kind": "netwrok"}) == (
        "kind: unknown study kind (did you mean 'network'?) (got 'netwrok'); "
        "choose one of: link, network, system"
    )
    assert (
        _message(parse_study, {**LINK, "kind": 3})
        == "kind: unknown study kind (got 3); choose one of: link, network, system"
    )
    assert _message(parse_study, {**LINK, "kind": ["link"]}).startswith("kind: unknown study kind")


@pytest.mark.parametrize(
    "raw, parse",
    [
        ({**LINK, "num_anchor": 3}, parse_scenario),
        (
            {**LINK, "sweep": {**LINK["sweep"], "snr_db": "high", "num_anchors": [0.5]}, "seed": -1},
            parse_scenario,
        ),
        ({**LINK, "data": {"limt": 10}, "models": {}}, parse_scenario),
        (
            {**NETWORK, "network": {**NETWORK["network"], "transmitters": {"t": {"modle": "a"}}}},
            parse_network_scenario,
        ),
        (
            {**NETWORK, "sweep": {"arrival_rate": {"start": 1, "stop": 0, "step": 1}, "channel": "awgn"}},
            parse_network_scenario,
        ),
        ([1, 2], parse_scenario),
    ],
)
def test_the_union_words_errors_as_each_kind_does(raw, parse):
    assert _message(parse_study, raw) == _message(parse, raw)


def test_unknown_keys_inside_a_network_agent_get_that_agent_s_fields():
    raw = {
        **NETWORK,
        "network": {
            **NETWORK["network"],
            "transmitters": {"t": {"model": "a", "cuont": 2, "distance_m": {"mn": 1, "max": 2}}},
        },
    }
    message = _message(parse_study, raw)
    assert (
        "network.transmitters.t.cuont: unknown key (did you mean 'count'?); remove it or use one of: model, "
        "count," in message
    )
    assert (
        "network.transmitters.t.distance_m.mn: unknown key (did you mean 'min'?); remove it or use one of: "
        "min, max" in message
    )


def test_each_kind_owns_its_rows_columns_and_units():
    assert get_kind("network").columns()[0] == "scenario" and "goodput" in get_kind("network").columns()
    assert "condition" in get_kind("stitch").columns() and "snr_db" in get_kind("link").columns()
    assert [k.results_csv for k in map(get_kind, ("link", "network", "stitch"))] == [
        "results.csv",
        "network_results.csv",
        "stitching.csv",
    ]
    assert len(get_kind("network").expand(parse_study(NETWORK))) == 1
    assert len(get_kind("link").expand(parse_study(LINK))) == 1


def test_stitch_runs_on_a_link_scenario_only():
    stitch = get_kind("stitch")
    assert not stitch.file_kind and type(stitch.parse(LINK, "s.yaml")) is Scenario
    with pytest.raises(
        SemcomInputError,
        match=r"^s\.yaml: stitch needs a link scenario \(this one says kind: "
        r"network\)",
    ):
        stitch.parse(NETWORK, "s.yaml")
    assert _message(lambda raw: stitch.parse(raw, "s.yaml"), {**LINK, "kind": "lnk"}).startswith(
        "kind: unknown study kind (did you mean 'link'?)"
    )


# -- a new kind plugs in without touching the CLI ----------------------------------------


class ToySweep(CommonSweepAxes):
    rounds: int = Field(1, ge=1)


class ToyScenario(StudyBase):
    kind: str = "toy"
    sweep: ToySweep


class ToyKind(StudyKind):
    name = "toy"
    describe = "a toy study (kind: toy)"

    def scenario_class(self):
        return ToyScenario

    def check(self, sc, check_data=True):
        if sc.sweep.rounds > 3:
            raise ScenarioError("sweep.rounds", sc.sweep.rounds, "is too many", "use at most 3")

    def expand(self, sc):
        return list(range(sc.sweep.rounds))


@pytest.fixture
def toy_kind():
    register_kind(ToyKind())
    yield
    STUDY_KINDS._items.pop("toy")
    kinds_base._ADAPTER.clear()


def _validate(tmp_path, raw) -> tuple[int, str, str]:
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(raw))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["validate", str(path), "--no-data"])
    return rc, out.getvalue(), err.getvalue()


def test_a_registered_kind_is_parsed_checked_and_validated_by_the_cli(tmp_path, toy_kind):
    toy = dict(
        name="t",
        kind="toy",
        models={"a": {"kind": "pca", "latent_dim": 8}},
        sweep={"num_anchors": [4], "rounds": 2},
    )
    rc, out, err = _validate(tmp_path, toy)
    assert rc == 0 and out.endswith("toy.yaml: ok (2 units)\n"), err
    rc, _, err = _validate(tmp_path, {**toy, "sweep": {"num_anchors": [4], "rounds": 5}})
    assert rc == 2 and "sweep.rounds: is too many (got 5); use at most 3" in err
    rc, _, err = _validate(tmp_path, {**toy, "sweep": {"num_anchors": [4], "rnds": 2}})
    assert rc == 2 and "sweep.rnds: unknown key (did you mean 'rounds'?)" in err
    rc, _, err = _validate(tmp_path, {**toy, "kind": "tyo"})
    assert rc == 2 and "choose one of: link, network, system, toy" in err


def test_the_json_schema_has_a_branch_per_scenario_kind():
    from semcom.simulator.scenario.jsonschema import json_schema

    schema = json_schema(scenario_kinds())
    assert schema["oneOf"] == [
        {"$ref": "#/$defs/LinkScenario"},
        {"$ref": "#/$defs/NetworkScenario"},
        {"$ref": "#/$defs/SystemScenario"},
    ]
    assert schema["description"].startswith(
        "a link-level study, or a network study (kind: network), "
        "or a system-level study (kind: system). Registered names"
    )
    assert "width" in schema["$defs"]["ModelSpec"]["properties"]


def test_several_problems_are_one_exception_group_caught_whole_or_one_by_one():
    """ScenarioErrors is an ExceptionGroup: `except ScenarioError` takes it whole (one line,
    the first problem and the count), `except* ScenarioError` takes every problem."""
    from semcom.core.errors import ScenarioErrors

    raw = {**LINK, "seed": -1, "chunk_size": 0}
    with pytest.raises(ScenarioError) as info:
        parse_study(raw)
    group = info.value
    assert isinstance(group, ScenarioErrors) and isinstance(group, ExceptionGroup)
    assert str(group) == f"{group.errors[0]} (and 1 more error)" and group.field == group.errors[0].field
    caught = []
    try:
        parse_study(raw)
    except* ScenarioError as eg:
        caught = [e.field for e in eg.exceptions]
    assert sorted(caught) == ["chunk_size", "seed"], caught
