"""The channel library end to end: every channel model from YAML through `semcom run`, and
semantic accuracy ordered as the physics says (awgn > rayleigh perfect CSI > rayleigh LS CSI)."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

CHANNELS = {
    "awgn": {"model": "awgn"},
    "rayleigh": {"model": "rayleigh", "csi": "perfect", "equalizer": "zf"},
    "rayleigh_ls": {"model": "rayleigh", "csi": "ls", "num_pilots": 2, "coherence_symbols": 4},
    "simo": {"model": "rayleigh", "num_rx_ant": 2},
    "mimo": {"model": "mimo", "num_tx_ant": 2, "num_rx_ant": 2, "csi": "ls", "equalizer": "lmmse"},
    "tdl": {"model": "ofdm-tdl", "tdl_model": "B", "delay_spread": 300.0e-9, "speed": 10.0, "csi": "ls"},
    "cdl": {
        "model": "ofdm-cdl",
        "cdl_model": "A",
        "num_tx_ant": 2,
        "num_rx_ant": 4,
        "csi": "ls",
        "equalizer": "zf",
    },
}


def _run(tmp_path, scheme, name):
    scenario = {
        "name": name,
        "seed": 3,
        "data": {"dataset": "synthetic", "limit": 400, "test_fraction": 0.5},
        "models": {
            "a": {"kind": "rotation", "seed": 1},
            "b": {"kind": "rotation", "seed": 2, "noise_std": 0.1},
        },
        "channels": CHANNELS,
        "scheme": scheme,
        "sweep": {
            "snr_db": [0, 20],
            "num_anchors": [8],
            "transmitter": "a",
            "receiver": "b",
            "semantic_equalizer": ["relative"],
            "channel": list(CHANNELS),
        },
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(scenario))
    out = tmp_path / name
    proc = subprocess.run(
        [sys.executable, "-m", "semcom", "run", str(path), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with open(out / "results.csv") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    "scheme",
    [
        {"kind": "analog"},
        {"kind": "digital", "code_rate": 0.5, "modulation_order": 4, "block_length": 256, "num_iter": 10},
    ],
)
def test_every_channel_runs_from_yaml(tmp_path, scheme):
    rows = _run(tmp_path, scheme, f"all_channels_{scheme['kind']}")
    assert {r["channel"] for r in rows} == set(CHANNELS)
    by = {(r["channel"], float(r["snr_db"])): r for r in rows}
    for name in CHANNELS:
        hi = by[(name, 20.0)]
        # 10 classes: above chance at 20 dB beyond sampling noise, i.e. the 95 % Wilson
        # interval of the accuracy (from n_samples) lies above 1/10 (at 10 dB coded CDL with
        # 2 streams, ZF and LS estimation still loses most codewords: 20 dB is the fair test)
        assert float(hi["accuracy_wilson_low"]) > 1 / 10, hi
        assert float(hi["channel_uses"]) > 0
        if scheme["kind"] == "digital":
            assert float(hi["bits_per_sample"]) == 8 * 8 and hi["ber"] != "" and hi["bler"] != ""
    # pilots cost channel uses
    assert float(by[("rayleigh_ls", 0.0)]["channel_uses"]) > float(by[("rayleigh", 0.0)]["channel_uses"])
    assert float(by[("tdl", 0.0)]["channel_uses"]) > float(by[("awgn", 0.0)]["channel_uses"])


def test_accuracy_awgn_above_rayleigh_above_ls(tmp_path):
    """Same anchors and SNR (0 and 10 dB), analog: fading costs accuracy, and so does estimating the channel."""
    from semcom.simulator.kinds import run_study
    from semcom.simulator.link.schema import parse_scenario

    sc = parse_scenario(
        {
            "name": "channel_order",
            "seed": 1,
            "data": {"dataset": "digits", "test_fraction": 0.3},
            "models": {
                "mlp_small": {"kind": "mlp", "width": 128, "depth": 2, "latent_dim": 32, "seed": 0},
                "mlp_wide": {"kind": "mlp", "width": 256, "depth": 3, "latent_dim": 48, "seed": 1},
            },
            "channels": {
                "awgn": {"model": "awgn"},
                "rayleigh": {"model": "rayleigh"},
                "rayleigh_ls": {"model": "rayleigh", "csi": "ls", "num_pilots": 1},
            },
            "sweep": {
                "snr_db": [0, 10],
                "num_anchors": [32],
                "transmitter": "mlp_small",
                "receiver": "mlp_wide",
                "semantic_equalizer": ["relative"],
                "channel": ["awgn", "rayleigh", "rayleigh_ls"],
            },
        }
    )
    run_study(sc, tmp_path / "order", quiet=True)
    with open(tmp_path / "order" / "results.csv") as f:
        rows = list(csv.DictReader(f))
    acc = {
        (r["channel"], float(r["snr_db"])): (
            float(r["accuracy_wilson_low"]),
            float(r["accuracy"]),
            float(r["accuracy_wilson_high"]),
        )
        for r in rows
    }
    print({k: round(v[1], 3) for k, v in acc.items()})
    for snr in (0.0, 10.0):
        assert acc[("rayleigh", snr)][1] < acc[("awgn", snr)][1]
        assert acc[("rayleigh_ls", snr)][1] < acc[("rayleigh", snr)][1]
    # fading's cost at 10 dB (AWGN nears the receiver's ceiling, deep fades still cost):
    # two-proportion z-test at 5 %; both channels decode the same test samples, whose
    # outcomes correlate positively, so the independent-samples variance used here
    # over-states the difference's spread (the test is conservative)
    n = int(rows[0]["n_samples"])
    p_awgn, p_ray = acc[("awgn", 10.0)][1], acc[("rayleigh", 10.0)][1]
    z = (p_awgn - p_ray) / math.sqrt((p_awgn * (1 - p_awgn) + p_ray * (1 - p_ray)) / n)
    assert z > 1.96, (p_awgn, p_ray, z)
    # one-pilot LS estimation's cost at 0 dB: beyond both 95% intervals
    assert acc[("rayleigh_ls", 0.0)][2] < acc[("rayleigh", 0.0)][0]
