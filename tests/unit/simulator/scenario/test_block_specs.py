"""The typed channel and scheme specs: in step with their Blocks, dumped as written (so a
study's identity did not change when they became typed), exact in the JSON Schema, and
one line naming the field for every wrong setting."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import yaml

from semcom.channels import CHANNELS
from semcom.core.errors import ScenarioError
from semcom.simulator.kinds import parse_study, scenario_kinds
from semcom.channels.specs import CHANNEL_SPECS, UserChannelSpec, channel_spec
from semcom.simulator.scenario.jsonschema import json_schema
from semcom.transceivers.schemes.specs import SCHEME_SPECS, scheme_spec
from semcom.transceivers.schemes import SCHEMES

SCENARIOS = sorted((Path(__file__).resolve().parents[4] / "scenarios").glob("*.yaml"))
LINK = {
    "name": "t",
    "models": {"a": {"kind": "pca", "latent_dim": 8}},
    "sweep": {"snr_db": [0], "num_anchors": [4], "transmitter": "a", "receiver": "a"},
}


class _EditorYAML(yaml.SafeLoader):
    """YAML as an editor reads it (1.2): ``3.5e9`` is a number (PyYAML, YAML 1.1, reads a string
    that pydantic then converts)."""


_EditorYAML.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _declared_keywords(block: type) -> set[str]:
    """Settings a Block's ``__init__`` chain declares itself (not precision, device or ``**settings``)."""
    out = set()
    for cls in block.__mro__:
        if "__init__" not in vars(cls) or not cls.__module__.startswith("semcom"):
            continue
        for p in inspect.signature(cls.__init__).parameters.values():
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in (
                "self",
                "precision",
                "device",
            ):
                out.add(p.name)
    return out


@pytest.mark.parametrize("name", CHANNEL_SPECS.names())
def test_every_channel_setting_is_declared_once_in_its_spec(name):
    """The Block registered under a model's name validates through the spec registered under it,
    and declares no setting of its own: the spec is the one home of each setting."""
    block = CHANNELS.get(name)
    assert block.Spec is CHANNEL_SPECS.get(name)
    assert not _declared_keywords(block), _declared_keywords(block)
    assert block.settings() == sorted(set(block.Spec.model_fields) - {"model"})
    assert block().spec.model_dump() == {"model": name, "csi": "perfect", "equalizer": "lmmse"}


@pytest.mark.parametrize("name", SCHEME_SPECS.names())
def test_every_scheme_setting_is_declared_once_in_its_spec(name):
    block = SCHEMES.get(name)
    assert block.Spec is SCHEME_SPECS.get(name)
    assert not _declared_keywords(block), _declared_keywords(block)
    spec = SCHEME_SPECS.get(name)(kind=name)
    assert block.settings() == sorted(spec.settings())
    assert spec.quantises == ("bits" in spec.settings()) == block.takes_value_range


def test_a_block_refuses_a_bad_setting_through_its_spec_in_one_line():
    from semcom.channels import build_channel
    from semcom.core.settings import SettingError
    from semcom.transceivers.schemes import DigitalScheme

    with pytest.raises(
        SettingError, match=r"^num_pilots: input should be greater than or equal to 1 \(got 0\)"
    ):
        build_channel("rayleigh", num_pilots=0)
    with pytest.raises(
        SettingError,
        match=r"^code_rat: unknown setting of scheme DigitalScheme \(did you mean "
        r"'code_rate'\?\)",
    ):
        DigitalScheme(code_rat=0.5)
    assert build_channel("ofdm-tdl", speed=3).spec.speed == 3 and DigitalScheme(bits=4).bits == 4


def _block_mappings():
    """Every channel and scheme mapping the bundled scenarios write."""
    found = []
    for path in SCENARIOS:
        raw = yaml.safe_load(path.read_text())
        for section in (raw, raw.get("abstraction") or {}):
            found += [("channel", v) for v in (section.get("channels") or {}).values()]
            found += [("scheme", v) for v in (section.get("schemes") or {}).values()]
            if isinstance(section.get("scheme"), dict):
                found.append(("scheme", section["scheme"]))
    return found


def test_a_spec_dumps_what_was_written_so_study_identities_did_not_change():
    mappings = _block_mappings()
    assert len(mappings) > 20
    for what, written in mappings:
        spec = channel_spec(**written) if what == "channel" else scheme_spec(**written)
        always = (
            {"model": "awgn", "csi": "perfect", "equalizer": "lmmse"}
            if what == "channel"
            else {"kind": "analog"}
        )
        assert spec.model_dump() == {**always, **written}, written
    # a whole number stays one (json "3" and "3.0" would hash differently)
    assert channel_spec(model="ofdm-tdl", speed=3).model_dump()["speed"] == 3
    assert type(channel_spec(model="ofdm-tdl", speed=3).speed) is int
    assert (
        channel_spec(model="ofdm-tdl").speed == 3.0
        and "speed" not in channel_spec(model="ofdm-tdl").model_dump()
    )


@pytest.mark.parametrize(
    "channel, message",
    [
        (
            {"model": "rayleigh", "num_pilot": 2},
            "channels.c.num_pilot: unknown setting (did you mean 'num_pilots'?)",
        ),
        ({"model": "rayleigh", "num_rx_ant": 0}, "channels.c.num_rx_ant: must be >= 1 (got 0)"),
        ({"model": "rayleigh", "num_rx_ant": "two"}, "channels.c.num_rx_ant: "),
        ({"model": "ofdm-tdl", "speed": -3}, "channels.c.speed: must be >= 0 (got -3)"),
        ({"model": "ofdm-tdl", "tdl_model": "F"}, "channels.c.tdl_model: "),
        ({"model": "awgn", "num_rx_ant": 2}, "channels.c.num_rx_ant: unknown setting"),
        ({"model": "ofdm-cdl", "delay_spread": float("nan")}, "channels.c.delay_spread: "),
    ],
)
def test_a_wrong_channel_setting_is_one_line_naming_it(channel, message):
    with pytest.raises(ScenarioError) as info:
        parse_study({**LINK, "channels": {"c": channel}})
    assert str(info.value).startswith(message) and "\n" not in str(info.value), str(info.value)
    assert "model=" not in str(info.value) and "constrained" not in str(info.value)


@pytest.mark.parametrize(
    "scheme, message",
    [
        ({"kind": "digital", "bits": 17}, "scheme.bits: must be <= 16 (got 17)"),
        (
            {"kind": "digital", "code_rat": 0.5},
            "scheme.code_rat: unknown setting (did you mean 'code_rate'?)",
        ),
        ({"kind": "digital", "value_range": -1}, "scheme.value_range: "),
        ({"kind": "jscc", "num_channel_uses": []}, "scheme.num_channel_uses: "),
        ({"kind": "analog", "bits": 8}, "scheme.bits: unknown setting"),
    ],
)
def test_a_wrong_scheme_setting_is_one_line_naming_it(scheme, message):
    with pytest.raises(ScenarioError) as info:
        parse_study({**LINK, "scheme": scheme})
    assert str(info.value).startswith(message) and "\n" not in str(info.value), str(info.value)


def test_a_name_without_a_spec_is_the_semantic_checks_to_judge():
    """A misspelt model parses (as a user-registered one would) and the check names it with a hint."""
    from semcom.simulator.link.checks import check_scenario

    sc = parse_study(
        {
            **LINK,
            "channels": {"c": {"model": "rayleigh_", "num_rx_ant": 2}},
            "sweep": {**LINK["sweep"], "channel": "c"},
        }
    )
    assert isinstance(sc.channels["c"], UserChannelSpec)
    with pytest.raises(ScenarioError) as info:
        check_scenario(sc, check_data=False)
    assert str(info.value).startswith("channels.c.model: unknown channel model (did you mean 'rayleigh'?)")


def test_the_json_schema_accepts_every_bundled_scenario_and_refuses_a_misspelt_setting(monkeypatch):
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.setitem(CHANNELS._items, "my_channel", object)  # a model the user registered, without a spec
    schema = json_schema(scenario_kinds())
    validator = jsonschema.Draft202012Validator(schema)
    checked = 0
    for path in SCENARIOS:
        raw = yaml.load(path.read_text(), Loader=_EditorYAML)
        if raw.get("kind", "link") not in {k.name for k in scenario_kinds()}:
            continue  # an abstraction file has its own model
        errors = [e.message for e in validator.iter_errors(raw)]
        assert not errors, (path.name, errors[:2])
        checked += 1
    assert checked >= 10
    quickstart = yaml.safe_load((SCENARIOS[0].parent / "quickstart.yaml").read_text())
    for channel, valid in (
        ({"model": "rayleigh", "num_pilots": 2}, True),
        ({"model": "rayleigh", "num_pilot": 2}, False),
        ({"model": "awgn", "num_pilots": 2}, False),
        ({"model": "ofdm-tdl", "speed": -1}, False),
        ({"model": "my_channel", "anything": 1}, True),  # the model the user registered
        ({"model": "awgnn"}, False),
    ):  # a misspelt one
        assert validator.is_valid({**quickstart, "channels": {"c": channel}}) == valid, channel


def test_a_channel_the_user_registers_runs_its_own_settings_checks(monkeypatch):
    """A model without a typed spec parses as UserChannelSpec; its Block takes its settings
    (built by the semantic check) and refuses a misspelt one with a did-you-mean."""
    from semcom.channels.awgn import AWGNChannel
    from semcom.simulator.link.checks import check_scenario

    class LoudAWGN(AWGNChannel):
        def __init__(self, gain_db: float = 0.0, **kwargs):
            super().__init__(**kwargs)
            self.gain_db = gain_db

    monkeypatch.setitem(CHANNELS._items, "loud_awgn", LoudAWGN)
    scenario = {
        **LINK,
        "channels": {"c": {"model": "loud_awgn", "gain_db": 3}},
        "sweep": {**LINK["sweep"], "channel": "c"},
    }
    sc = parse_study(scenario)
    assert isinstance(sc.channels["c"], UserChannelSpec) and sc.channels["c"].settings()["gain_db"] == 3
    check_scenario(sc, check_data=False)
    sc = parse_study({**scenario, "channels": {"c": {"model": "loud_awgn", "gain_dB": 3}}})
    with pytest.raises(ScenarioError) as info:
        check_scenario(sc, check_data=False)
    assert str(info.value).startswith(
        "channels.c.gain_dB: unknown setting of channel model LoudAWGN (did you mean 'gain_db'?)"
    ), str(info.value)
