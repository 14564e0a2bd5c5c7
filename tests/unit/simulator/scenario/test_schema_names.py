"""The JSON Schema is exact: every name a scenario selects by registry is an enum of the
registered names (the package's, and a user's registered before the schema is built), and
a system study's ``abstraction:`` section is described by the model that validates it."""

import io
import json
from contextlib import redirect_stdout

import pytest
import yaml

import semcom
from semcom.simulator.cli import main
from semcom.simulator.scenario.names import BUILT_IN, registered_names

jsonschema = pytest.importorskip("jsonschema")


def _cli_schema() -> tuple[str, dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["schema"]) == 0
    return out.getvalue(), json.loads(out.getvalue())


def test_semcom_schema_lists_the_registered_names_and_the_abstraction_section():
    text, schema = _cli_schema()
    for name in (
        "cca",
        "kernel_herding",
        "prototypical",
        "ofdm-tdl",
        "whitened_procrustes",
        "efficientnet_lite",
        "pf_semantic",
        "slotted_aloha",
        "max_correct_olla",
        "cosine",
        "synthetic",
    ):
        assert f'"{name}"' in text, name
    defs = schema["$defs"]
    section = defs["SystemScenario"]["properties"]["abstraction"]
    assert {"$ref": "#/$defs/AbstractionSpec"} in section["anyOf"]
    assert {"transmitter", "receiver", "num_anchors", "sinr_db", "calibration", "validation"} <= set(
        defs["AbstractionSpec"]["properties"]
    )
    assert defs["AbstractionSpec"]["additionalProperties"] is False
    assert defs["ModelSpec"]["properties"]["kind"]["enum"] == registered_names("model kind")
    assert "register yours, then call semcom.schema()" in schema["description"]


def test_the_package_lists_are_the_registries():
    """The torch-free lists the schema reads hold every name the package registers."""
    import importlib

    for registry, (module, attribute, built_in) in BUILT_IN.items():
        names = getattr(importlib.import_module(module), attribute).names()
        assert sorted(built_in) == names, f"{registry}: add {set(names) - set(built_in)} to BUILT_IN"


def _validator():
    return jsonschema.Draft202012Validator(semcom.schema())


def _scenario(name: str) -> dict:
    """A shipped scenario as an editor reads it (YAML 1.2: ``3.5e9`` is a number)."""
    from tests.unit.simulator.scenario.test_block_specs import _EditorYAML

    return yaml.load(semcom.scenario_path(name).read_text(), Loader=_EditorYAML)


def test_a_misspelt_name_is_refused_and_a_users_own_is_accepted_once_registered(monkeypatch):
    from semcom.transceivers.semantic.base import SEMANTIC_EQUALIZERS

    quickstart = _scenario("quickstart")
    validator = _validator()
    assert validator.is_valid(quickstart)
    for key, bad in (("anchor_selection", "randon"), ("semantic_equalizer", ["relative", 3])):
        assert not validator.is_valid({**quickstart, "sweep": {**quickstart["sweep"], key: bad}}), key
    assert not validator.is_valid({**quickstart, "models": {"a": {"kind": "mpl", "latent_dim": 8}}})
    assert not validator.is_valid({**quickstart, "data": {"dataset": "digit"}})
    named = {
        **quickstart,
        "semantic_equalizers": {"strong": {"equalizer": "inverse", "ridge": 1.0}},
        "sweep": {**quickstart["sweep"], "semantic_equalizer": ["relative", "strong"]},
    }
    assert validator.is_valid(named)  # a named receiver the scenario defines
    assert not validator.is_valid({**named, "semantic_equalizers": {"strong": {"equalizer": "inversee"}}})
    mine = {**quickstart, "semantic_equalizers": {"mine": {"equalizer": "my_equalizer"}}}
    assert not validator.is_valid(mine)
    monkeypatch.setitem(SEMANTIC_EQUALIZERS._items, "my_equalizer", object)
    assert "my_equalizer" in registered_names("semantic equalizer") and _validator().is_valid(mine)


def test_the_abstraction_section_is_validated_as_the_run_validates_it():
    system = _scenario("system_multicell")
    validator = _validator()
    assert validator.is_valid(system)
    section = system["abstraction"]
    assert not validator.is_valid(
        {**system, "abstraction": {**section, "transmiter": section["transmitter"]}}
    )
    assert not validator.is_valid({**system, "abstraction": {**section, "sinr_db": {"start": 0, "stop": 1}}})
    assert not validator.is_valid({**system, "sweep": {**system["sweep"], "scheduler": "pf"}})


def _defs_below(defs: dict, name: str, seen: set) -> set:
    """``name`` and every definition its schema refers to, transitively."""
    if name in seen:
        return seen
    seen.add(name)
    for ref in json.dumps(defs[name]).split('"#/$defs/')[1:]:
        _defs_below(defs, ref.split('"')[0], seen)
    return seen


def test_every_setting_of_the_system_and_abstraction_sections_is_described():
    defs = _cli_schema()[1]["$defs"]
    shared = _defs_below(defs, "LinkScenario", set())  # settings every kind has: not this test's
    below = (
        _defs_below(defs, "SystemSpec", set())
        | _defs_below(defs, "SystemSweepSpec", set())
        | _defs_below(defs, "AbstractionSpec", set())
    ) - shared
    assert {"SystemSpec", "TopologySpec", "ConfigChoice", "AbstractionSpec", "CalibrationSpec"} <= below
    bare = [
        f"{name}.{key}"
        for name in sorted(below)
        for key, prop in defs[name].get("properties", {}).items()
        if "$ref" not in prop and "description" not in prop and key not in ("name", "description")
    ]
    assert bare == []
