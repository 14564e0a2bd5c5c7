"""Several transmission schemes in one study (`schemes:` + `sweep.scheme`)."""

import pytest

from semcom.core.errors import ScenarioError
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.link.units import expand_units

BASE = {
    "name": "schemes",
    "seed": 2,
    "data": {"dataset": "synthetic", "limit": 300, "test_fraction": 0.5},
    "models": {"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    "schemes": {
        "analog": {"kind": "analog"},
        "ldpc": {"kind": "digital", "code_rate": 0.5, "num_bits_per_symbol": 2, "block_length": 256},
    },
    "sweep": {
        "snr_db": [0, 20],
        "num_anchors": [8],
        "transmitter": "a",
        "receiver": "b",
        "semantic_equalizer": ["relative"],
        "bits": [2, 4],
    },
}


def _scenario(**sweep):
    raw = {**BASE, "sweep": {**BASE["sweep"], **sweep}}
    return parse_scenario(raw)


def test_bits_multiply_only_the_quantising_scheme():
    units = expand_units(_scenario())
    assert sorted((u.scheme, u.bits) for u in units) == [("analog", None), ("ldpc", 2), ("ldpc", 4)]


def test_sweep_scheme_selects_and_is_checked():
    assert {u.scheme for u in expand_units(_scenario(scheme="ldpc"))} == {"ldpc"}
    with pytest.raises(ScenarioError, match=r"sweep\.scheme.*did you mean 'ldpc'"):
        check_scenario(_scenario(scheme=["lpdc"]), check_data=False)


def test_bits_refused_when_no_swept_scheme_quantises():
    with pytest.raises(ScenarioError, match="sweep.bits"):
        check_scenario(_scenario(scheme="analog"), check_data=False)


def test_both_schemes_run_in_one_study(tmp_path):
    from semcom.simulator.kinds import run_study

    result = run_study(_scenario(bits=4), tmp_path, quiet=True, plots=False)
    import csv
    from pathlib import Path

    rows = list(csv.DictReader(Path(result.csv).read_text().splitlines()))
    by = {(r["scheme"], float(r["snr_db"])): r for r in rows}
    assert by[("analog", 20.0)]["bits_per_sample"] == "" and by[("analog", 20.0)]["ber"] == ""
    assert float(by[("ldpc", 20.0)]["bits_per_sample"]) == 8 * 4 and float(by[("ldpc", 20.0)]["ber"]) == 0.0
    # analog: 8 values in 4 symbols; digital: 32 bits at rate 1/2 on QPSK = 32 symbols
    assert float(by[("analog", 20.0)]["channel_uses"]) == 4
    assert float(by[("ldpc", 20.0)]["channel_uses"]) == pytest.approx(32, rel=0.05)
