"""A new channel model is one folder: its spec and its Block, each registered under the model's
name. Nothing else changes (no list in the scenario layer): a scenario selects it by name, its
settings are typed while parsing (one line naming the field), ``semcom schema`` lists them, and a
study runs on it."""

import sys
import textwrap

import pytest

import semcom
from semcom.channels import CHANNELS
from semcom.channels.specs import CHANNEL_SPECS
from semcom.core.errors import ScenarioError
from semcom.simulator.kinds import parse_study, scenario_kinds
from semcom.simulator.scenario.jsonschema import json_schema

MODEL = textwrap.dedent('''
    """An AWGN channel behind a fixed power gain: y = g x + n, equalised to x + n / g."""

    from typing import Literal

    from pydantic import Field
    from sionna.phy.channel import AWGN

    from semcom.channels.base import CHANNELS, ChannelModel
    from semcom.channels.specs import CHANNEL_SPECS, ChannelSpecBase


    @CHANNEL_SPECS.register("attenuated")
    class AttenuatedSpec(ChannelSpecBase):
        model: Literal["attenuated"]
        gain_db: float = Field(-3.0, le=0.0, examples=[-3.0], description="power gain of the link [dB]")


    @CHANNELS.register("attenuated")
    class AttenuatedChannel(ChannelModel):
        has_fading = False
        Spec = AttenuatedSpec

        def __init__(self, **settings):
            super().__init__(**settings)
            self.gain = 10.0 ** (self.spec.gain_db / 10.0)
            self._awgn = AWGN(precision=self.precision, device=self.device)

        def call(self, x, no):
            no = no.reshape(-1, *([1] * (x.dim() - 1)))
            y = self._awgn(x * self.gain ** 0.5, no)
            return y / self.gain ** 0.5, (no / self.gain).expand(x.shape).to(self.dtype)
''')

STUDY = dict(
    name="plug",
    data=dict(dataset="digits", limit=400),
    models=dict(a=dict(kind="pca", latent_dim=16), b=dict(kind="pca", latent_dim=12)),
    channels=dict(att=dict(model="attenuated", gain_db=-10.0)),
    sweep=dict(
        snr_db=[0.0, 30.0],
        num_anchors=[16],
        transmitter="a",
        receiver="b",
        semantic_equalizer="relative",
        channel="att",
    ),
)


@pytest.fixture
def planted(tmp_path, monkeypatch):
    folder = tmp_path / "attenuated_channel"
    folder.mkdir()
    (folder / "__init__.py").write_text(MODEL)
    monkeypatch.syspath_prepend(str(tmp_path))
    import attenuated_channel  # noqa: F401  (registers the spec and the Block)

    yield
    CHANNELS.unregister("attenuated")
    CHANNEL_SPECS.unregister("attenuated")
    sys.modules.pop("attenuated_channel", None)


def test_a_channel_model_planted_as_one_folder_runs_from_yaml(planted, tmp_path):
    sc = parse_study(STUDY)
    assert type(sc.channels["att"]).__name__ == "AttenuatedSpec" and sc.channels["att"].gain_db == -10.0
    result = semcom.run(STUDY, tmp_path / "run", quiet=True)
    acc = {float(r["snr_db"]): float(r["accuracy"]) for _, r in result.frame.iterrows()}
    assert set(result.frame.channel) == {"att"} and acc[30.0] > acc[0.0] + 0.2, acc
    # its settings are typed while parsing, with the field named, and listed by `semcom schema`
    with pytest.raises(ScenarioError) as info:
        parse_study({**STUDY, "channels": {"att": {"model": "attenuated", "gain_db": 3.0}}})
    assert str(info.value).startswith("channels.att.gain_db: must be <= 0") and "\n" not in str(info.value)
    with pytest.raises(
        ScenarioError, match=r"^channels\.att\.gain: unknown setting \(did you mean 'gain_db'\?\)"
    ):
        parse_study({**STUDY, "channels": {"att": {"model": "attenuated", "gain": -3.0}}})
    assert "gain_db" in str(json_schema(scenario_kinds()))


def test_without_the_folder_the_model_is_unknown():
    with pytest.raises(ScenarioError):
        semcom.run({**STUDY, "sweep": {**STUDY["sweep"]}}, quiet=True)
