"""Dotted overrides (Python keywords and `--set KEY=VALUE`): one rule, one-line errors."""

import pytest

from semcom.core.errors import ScenarioError
from semcom.core.overrides import apply_overrides, parse_set_options
from semcom.simulator.cli import main


def test_dotted_keys_set_nested_values_and_leave_the_input_alone():
    raw = {"sweep": {"snr_db": [0], "seed": 1}, "name": "x"}
    out = apply_overrides(raw, {"sweep.snr_db": [0, 10], "compression.top_k": 4, "name": "y"})
    assert out == {"sweep": {"snr_db": [0, 10], "seed": 1}, "name": "y", "compression": {"top_k": 4}}
    assert raw == {"sweep": {"snr_db": [0], "seed": 1}, "name": "x"}


def test_set_values_are_yaml():
    assert parse_set_options(["sweep.snr_db=[0,10]", "seed=3", "channel=awgn", "a.b=x=y"]) == {
        "sweep.snr_db": [0, 10],
        "seed": 3,
        "channel": "awgn",
        "a.b": "x=y",
    }


@pytest.mark.parametrize(
    "bad, match",
    [("sweep.snr_db", "must be KEY=VALUE"), ("=3", "must be KEY=VALUE"), ("a=[1,", "not a valid YAML value")],
)
def test_bad_set_options_are_refused(bad, match):
    with pytest.raises(ScenarioError, match=match):
        parse_set_options([bad])


def test_a_key_below_a_scalar_or_an_empty_part_is_refused():
    with pytest.raises(ScenarioError, match="name: is not a mapping"):
        apply_overrides({"name": "x"}, {"name.first": 1})
    with pytest.raises(ScenarioError, match="not a dotted scenario key"):
        apply_overrides({}, {"sweep..snr_db": 1})


def test_cli_validate_applies_set_and_reports_bad_values_in_one_line(capsys):
    from semcom.scenarios import scenario_path

    path = str(scenario_path("quickstart"))
    assert (
        main(
            ["validate", path, "--no-data", "--set", "sweep.snr_db=[0,10]", "--set", "sweep.num_anchors=[8]"]
        )
        == 0
    )
    # quickstart: 2 receivers x 1 K x 5 seeds; 2 SNR points; 3 semantic equalisers
    assert "(10 units x 2 SNR points x 3 semantic equalizers)" in capsys.readouterr().out
    assert main(["validate", path, "--no-data", "--set", "sweep.snr_db=loud"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sweep.snr_db" in err and "loud" in err
