"""Checks that used to let nonsense through: impossible PCA sizes, tiny test sets,
repeated prefixes, hints that suggest invalid values, and validate's cost note."""

import io
import math
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml

from semcom.simulator.cli import main
from semcom.simulator.scenario.checks import SMALL_TEST_SET

BASE = dict(
    name="checks",
    data=dict(dataset="digits", limit=400, test_fraction=0.3),
    models=dict(a=dict(kind="pca", latent_dim=16)),
    sweep=dict(snr_db=[0, 10], num_anchors=[8], transmitter="a", receiver="a"),
)


def _validate(tmp_path, scenario: dict, *flags: str) -> tuple[int, str, str]:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["validate", *flags, str(path)])
    return rc, out.getvalue(), err.getvalue()


def test_pca_with_more_components_than_input_dimensions_is_refused(tmp_path):
    rc, _, err = _validate(tmp_path, {**BASE, "models": {"a": {"kind": "pca", "latent_dim": 100}}})
    assert rc == 2 and "models.a.latent_dim" in err and "64 input dimensions" in err, err  # 8x8 digits


def test_the_small_test_set_threshold_is_where_the_interval_passes_ten_points():
    # the widest 95% interval (accuracy 0.5) is 1.96 * 0.5 / sqrt(n): > 0.10 below the threshold
    assert 1.96 * 0.5 / math.sqrt(SMALL_TEST_SET) <= 0.10 < 1.96 * 0.5 / math.sqrt(SMALL_TEST_SET - 1)


def test_a_tiny_test_set_is_warned_about(tmp_path):
    rc, _, err = _validate(
        tmp_path, {**BASE, "data": {"dataset": "digits", "limit": 400, "test_fraction": 0.1}}
    )
    assert rc == 0, err
    assert err.startswith("semcom: warning: data: only 40 test samples") and err.count("\n") == 1, err
    rc, _, err = _validate(tmp_path, BASE)
    assert rc == 0 and err == "", err  # 120 test samples: no warning


def test_a_block_error_names_its_field_once(tmp_path):
    # a setting out of its bounds is refused while parsing (the typed scheme spec) ...
    scenario = {**BASE, "scheme": {"kind": "digital", "code_rate": 1.5}}
    rc, _, err = _validate(tmp_path, scenario, "--no-data")
    assert rc == 2 and "scheme.code_rate: must be < 1" in err and "(got 1.5)" in err, err
    # ... a rule the Block keeps (an even number of bits per QAM symbol) by building it
    scenario = {**BASE, "scheme": {"kind": "digital", "num_bits_per_symbol": 3}}
    rc, _, err = _validate(tmp_path, scenario, "--no-data")
    assert rc == 2 and "scheme.num_bits_per_symbol: must be an even number" in err, err
    assert "scheme: scheme." not in err and err.count("\n") == 1, err


def test_the_ofdm_pilot_hint_suggests_a_valid_value(tmp_path):
    scenario = {
        **BASE,
        "channels": {
            "o": {"model": "ofdm-tdl", "csi": "ls", "num_ofdm_symbols": 7, "pilot_ofdm_symbol_indices": [9]}
        },
        "sweep": {**BASE["sweep"], "channel": "o"},
    }
    rc, _, err = _validate(tmp_path, scenario, "--no-data")
    assert rc == 2 and "pilot_ofdm_symbol_indices" in err, err
    assert "use e.g. [2]" in err, err  # 11 is not an OFDM symbol of a 7-symbol grid


def test_validate_estimates_the_decoding_work_of_a_digital_scheme(tmp_path):
    scenario = {**BASE, "scheme": {"kind": "digital"}}
    rc, out, err = _validate(tmp_path, scenario)
    assert rc == 0, err
    # K = 8 at the default 8 bits: 64 bits per sample, 16 samples per 1024-bit codeword;
    # 120 test samples -> 8 codewords per SNR point, 2 SNR points
    assert (
        "note: scheme 'digital' decodes LDPC" in out and "about 16 codewords of 1024 bits per unit" in out
    ), out


def test_a_no_op_rerun_keeps_the_manifest_and_results_carry_the_default_bits(tmp_path):
    import csv
    import json

    from semcom.simulator.kinds import run_study
    from semcom.simulator.link.schema import parse_scenario

    sc = parse_scenario(
        {
            **BASE,
            "name": "rerun",
            "scheme": {"kind": "digital"},
            "sweep": {**BASE["sweep"], "semantic_equalizer": ["relative"]},
        }
    )
    out = tmp_path / "run"
    run_study(sc, out, quiet=True, plots=False)
    first = json.loads((out / "manifest.json").read_text())
    assert first["scheme_settings"]["digital"]["bits"] == 8  # the default, written down
    with open(out / "results.csv") as f:
        assert {r["bits"] for r in csv.DictReader(f)} == {"8"}
    result = run_study(sc, out, quiet=True, plots=False)
    assert result.units_run == 0
    second = json.loads((out / "manifest.json").read_text())
    assert (second["wall_time_s"], second["finished_at"], second["units_run"]) == (
        first["wall_time_s"],
        first["finished_at"],
        first["units_run"],
    )
    assert not list(out.glob("results.sqlite-*"))  # closed cleanly, no WAL files


@pytest.mark.parametrize(
    "settings, message",
    [
        (
            {"noise_sd": 0.1},
            "models.r.noise_sd: unknown setting for kind 'rotation' (did you mean 'noise_std'?)",
        ),
        ({"scale": 0}, "models.r.scale: must be a finite number other than 0 (got 0)"),
        ({"noise_std": -0.1}, "models.r.noise_std: must be a finite number >= 0 (got -0.1)"),
    ],
)
def test_a_rotation_agent_refuses_a_misspelt_or_invalid_setting(tmp_path, settings, message):
    """A rotation agent's settings were once unchecked: `noise_sd: 0.1` ran without noise."""
    scenario = {**BASE, "models": {**BASE["models"], "r": {"kind": "rotation", "seed": 1, **settings}}}
    rc, _, err = _validate(tmp_path, scenario, "--no-data")
    assert rc == 2 and err.startswith(f"semcom: error: {message}") and err.count("\n") == 1, err
    rc, _, err = _validate(
        tmp_path,
        {
            **scenario,
            "models": {**BASE["models"], "r": {"kind": "rotation", "seed": 1, "noise_std": 0.1, "scale": 2}},
        },
        "--no-data",
    )
    assert rc == 0, err
