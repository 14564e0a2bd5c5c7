"""Agreement of the abstraction with the link level: one site, no
interference, Rayleigh block fading per (link, slot) (the system's independent fading per
(link, PRB, slot): a message of 8 REs lies on one PRB), K = 16 analog relative messages. The
``network`` kind decodes every message with the link-level blocks; the ``system`` kind draws
every decision from the table the abstraction builder made with the link engine for the same
agents. Accuracy and goodput agree within their intervals."""

from __future__ import annotations

import math

import pytest

from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.results.store import read_rows

MODELS = {
    "mlp_small": {"kind": "mlp", "width": 128, "depth": 2, "latent_dim": 32, "seed": 0},
    "mlp_wide": {"kind": "mlp", "width": 256, "depth": 3, "latent_dim": 48, "seed": 1},
}
DIST = [10.0, 20.0, 30.0, 45.0]
RATE, DURATION = 100.0, 1.5


def _network():
    return parse_study(
        dict(
            name="agree_network",
            kind="network",
            seed=1,
            data={"dataset": "digits", "test_fraction": 0.3},
            models=MODELS,
            channels={"rayleigh": {"model": "rayleigh", "csi": "perfect"}},
            scheme={"kind": "analog"},
            network=dict(
                slot_duration_s=0.001,
                resource_blocks=12,
                channel_uses_per_rb=12,
                duration_s=DURATION,
                warmup_s=0.0,
                queue_limit=1000,
                anchor_agent="mlp_small",
                path_loss=dict(
                    reference_snr_db=20.0, reference_distance_m=10.0, exponent=3.0, shadowing_db=0.0
                ),
                receivers={"edge": {"model": "mlp_wide"}},
                transmitters={f"cam{i}": {"model": "mlp_small", "distance_m": d} for i, d in enumerate(DIST)},
            ),
            sweep=dict(
                arrival_rate=RATE,
                num_anchors=16,
                scheduler="round_robin",
                semantic_equalizer="relative",
                channel="rayleigh",
                seed=1,
            ),
        )
    )


def _system():
    return parse_study(
        dict(
            name="agree_system",
            kind="system",
            seed=1,
            data={"dataset": "digits", "test_fraction": 0.3},
            models=MODELS,
            abstraction=dict(
                transmitter="mlp_small",
                receiver="mlp_wide",
                num_anchors=16,
                schemes={"analog": {"kind": "analog"}},
                semantic_equalizer="relative",
                sinr_db={"start": -30, "stop": 40, "step": 0.5},
                n_samples=2000,
                calibration={"beta": 1.0},
                validation=None,
            ),
            system=dict(
                topology=dict(
                    kind="single_site", reference_snr_db=20.0, reference_distance_m=10.0, exponent=3.0
                ),
                groups={"cam": {"model": "mlp_small", "distance_m": DIST}},
                server={"model": "mlp_wide"},
                grid=dict(subcarrier_spacing_hz=15e3, num_prbs=12),
                traffic=dict(model="poisson", deadline_s=1.0),
                duration_s=DURATION,
                warmup_s=0.0,
                drain_s=0.1,
                fading=dict(model="rayleigh_iid"),
                interference=False,
            ),
            sweep=dict(arrival_rate=RATE, link_adaptation="fixed", scheduler="round_robin", seed=1),
        )
    )


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_abstraction_agrees_with_link_level_decoding(tmp_path):
    net_sc, sys_sc = _network(), _system()
    kind_of(net_sc).run(net_sc, tmp_path / "net", quiet=True, plots=False)
    kind_of(sys_sc).run(sys_sc, tmp_path / "sys", quiet=True, plots=False)
    a = read_rows(tmp_path / "net")[0]
    b = next(r for r in read_rows(tmp_path / "sys") if r["level"] == "network")
    assert int(a["delivered"]) > 500 and int(b["decided"]) > 500
    # accuracy: difference of two binomial proportions, 95%
    pa, na, pb, nb = float(a["accuracy"]), int(a["delivered"]), float(b["accuracy"]), int(b["decided"])
    se = math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    assert abs(pa - pb) <= 1.96 * se, (pa, pb, se)
    # goodput: correct decisions per second, two Poisson counts over the same window, 95%
    ca, cb = int(a["correct"]), int(b["correct"])
    assert abs(ca - cb) <= 1.96 * math.sqrt(ca + cb), (ca, cb)
