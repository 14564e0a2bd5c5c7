"""Deep JSCC scheme: gradients through every channel, power normalisation, settings
checks (one line naming the field and the fix), sweep expansion and plotting."""

import hashlib
import json
import math
from dataclasses import asdict

import pytest
import sionna.phy
import torch

from semcom.channels import CHANNELS, build_channel, snr_db_to_no
from semcom.core.errors import ScenarioError
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.link.units import expand_units
from semcom.transceivers.encoders import mlp_encoder
from semcom.transceivers.jscc import JSCCModel, JSCCScheme

#: Every registered channel model, with the CSI variants that change its signal path.
CHANNEL_CASES = [(name, {}) for name in CHANNELS.names()] + [
    ("rayleigh", {"csi": "ls"}),
    ("mimo", {"csi": "ls"}),
]


def _model(n=8, depth=2):
    torch.manual_seed(0)
    return JSCCModel(mlp_encoder((1, 8, 8), 2 * n, width=32), n, 10, width=32, depth=depth)


@pytest.mark.parametrize("name,settings", CHANNEL_CASES, ids=lambda v: str(v) if v else "")
def test_gradients_reach_the_encoder_through_the_channel(name, settings):
    model = _model()
    channel = build_channel(name, device="cpu", **settings)
    sionna.phy.config.seed = 3
    x = torch.rand(16, 1, 8, 8)
    y = torch.randint(0, 10, (16,))
    symbols = model.encode(x)[:, None, :]  # samples on the SNR axis
    x_hat, _ = channel(symbols, snr_db_to_no(torch.full((16,), 10.0)))
    loss = torch.nn.functional.cross_entropy(model.decode(x_hat[:, 0]), y)
    loss.backward()
    grad = model.encoder[1].weight.grad  # the encoder's first layer
    assert grad is not None, f"{name}: the channel cuts the gradient"
    assert torch.isfinite(grad).all()
    assert grad.abs().sum() > 0


def test_symbols_have_unit_energy_per_message():
    s = _model(n=5).encode(torch.rand(7, 1, 8, 8))
    assert s.shape == (7, 5) and s.dtype == torch.complex64
    torch.testing.assert_close(s.abs().pow(2).mean(-1), torch.ones(7))


def test_the_channel_noise_matters_to_the_decoder():
    # One message sent 2000 times: noiseless copies decode to identical logits, noisy
    # ones do not (the noise reaches the decoder, it is not added after it or dropped).
    model = _model()
    channel = build_channel("awgn", device="cpu")
    s = model.encode(torch.rand(1, 1, 8, 8)).expand(2000, -1)[None]
    with torch.no_grad():
        clean = model.decode(channel(s, torch.tensor([1e-8]))[0][0])
        noisy = model.decode(channel(s, torch.tensor([1e4]))[0][0])
    assert clean.std(0).max() < 1e-3 < noisy.std(0).mean()  # across the copies of one message


BASE = {
    "name": "jscc",
    "seed": 2,
    "data": {"dataset": "digits"},
    "models": {
        "a": {"kind": "mlp", "latent_dim": 16},
        "b": {"kind": "mlp", "latent_dim": 24, "seed": 1},
        "p": {"kind": "pca", "latent_dim": 8},
    },
    "channels": {"awgn": {"model": "awgn"}, "ray": {"model": "rayleigh"}},
    "schemes": {
        "analog": {"kind": "analog"},
        "j0": {"kind": "jscc", "train_snr_db": 0, "num_channel_uses": [4, 8]},
        "ldpc": {"kind": "digital"},
    },
    "sweep": {
        "snr_db": [0, 10],
        "num_anchors": [8, 16, 32],
        "transmitter": "a",
        "receiver": ["a", "b"],
        "semantic_equalizer": ["relative", "oracle"],
        "channel": ["awgn", "ray"],
        "bits": [2, 4],
    },
}


def _scenario(schemes=None, **sweep):
    return parse_scenario(
        {**BASE, "schemes": schemes or BASE["schemes"], "sweep": {**BASE["sweep"], **sweep}}
    )


def test_jscc_units_ignore_anchors_bits_and_receivers():
    units = expand_units(_scenario())
    jscc = [u for u in units if u.scheme == "j0"]
    # one unit per (channel, channel uses): not multiplied by K (3), bits (2) or receivers (2)
    assert sorted((u.channel, u.channel_uses) for u in jscc) == [
        ("awgn", 4),
        ("awgn", 8),
        ("ray", 4),
        ("ray", 8),
    ]
    assert all(u.receiver == u.transmitter and u.num_anchors is None and u.bits is None for u in jscc)
    others = [u for u in units if u.scheme != "j0"]
    assert len(others) == 2 * 2 * 3 * (1 + 2)  # channels x receivers x K x (analog + ldpc bits)
    assert len({u.key for u in units}) == len(units)


def test_anchor_unit_keys_are_unchanged_by_the_new_field():
    # the key of an anchor-based unit is the hash of its original fields (stores resume); the
    # fields added since (channel_uses, an SNR subset) enter it only when set
    unit = next(u for u in expand_units(_scenario()) if u.channel_uses is None)
    fields = {k: v for k, v in asdict(unit).items() if k not in ("channel_uses", "snr_db")}
    assert unit.key == hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]


@pytest.mark.parametrize(
    "settings,field,fix",
    [
        ({"num_channel_uses": 0}, "num_channel_uses", "use e.g."),
        ({"num_channel_uses": [4, 2.5]}, "num_channel_uses", "use e.g."),
        ({"num_channel_uses": []}, "num_channel_uses", "use e.g."),
        ({"train_snr_db": [20, 0]}, "train_snr_db", "use e.g. 10 or [0, 20]"),
        ({"train_snr_db": "high"}, "train_snr_db", "use e.g. 10 or [0, 20]"),
        ({"max_epochs": 0}, "max_epochs", "use e.g."),
        ({"lr": -1}, "lr", "use e.g. 0.001"),
        ({"val_fraction": 0.9}, "val_fraction", "use e.g. 0.15"),
        ({"train_snr": 10}, "train_snr", "did you mean 'train_snr_db'"),
    ],
)
def test_bad_settings_give_one_line_naming_the_field_and_the_fix(settings, field, fix):
    schemes = {"j": {"kind": "jscc", **settings}}
    with pytest.raises(ScenarioError) as err:
        check_scenario(_scenario(schemes, bits=None), check_data=False)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("schemes.j") and field in msg and fix in msg


def test_a_transmitter_without_an_architecture_is_refused():
    with pytest.raises(ScenarioError, match=r"^models\.p\.kind: .*use zoo transmitters"):
        check_scenario(
            _scenario({"j": {"kind": "jscc"}}, transmitter=["a", "p"], bits=None), check_data=False
        )


def test_training_snr_is_a_point_or_a_range():
    assert JSCCScheme(train_snr_db=5).training.train_snr_db == (5.0, 5.0)
    assert JSCCScheme(train_snr_db=[0, 20]).training.train_snr_db == (0.0, 20.0)
    assert JSCCScheme(num_channel_uses=[4, 16]).num_channel_uses == [4, 16]


def test_plots_overlay_jscc_curves_on_their_link(tmp_path):
    from semcom.simulator.kinds.plots import plot_all

    rows = []
    for eq, k, uses in [
        ("relative", 8, 4.0),
        ("relative", 16, 8.0),
        ("relative", 32, 16.0),
        ("jscc", None, 4.0),
        ("jscc", None, 8.0),
        ("jscc", None, 16.0),
    ]:
        for snr in (0.0, 10.0, 20.0):  # figures need 3 points on their x axis
            rows.append(
                dict(
                    tx_model="a",
                    rx_model="b" if eq != "jscc" else "a",
                    channel="awgn",
                    scheme="analog" if eq != "jscc" else "j0",
                    bits=None,
                    anchor_selection=None if eq == "jscc" else "random",
                    num_anchors=k,
                    semantic_equalizer=eq,
                    snr_db=snr,
                    channel_uses=uses,
                    accuracy=0.8,
                    accuracy_low=0.7,
                    accuracy_high=0.9,
                    seed=1,
                    native_accuracy=0.9,
                    bits_per_sample=None,
                )
            )
    names = sorted(p.name for p in plot_all(rows, tmp_path, "link"))
    assert names == ["accuracy_vs_anchors.png", "accuracy_vs_snr.png", "rate_accuracy.png"]


def _digits(n=300):
    from semcom.transceivers.datasets import load_dataset

    ds = load_dataset("digits", None, None)
    return torch.from_numpy(ds.inputs[:n]), torch.from_numpy(ds.labels[:n])


def test_training_stops_on_its_criterion_and_keeps_the_best_weights():
    from semcom.transceivers.jscc import JSCCTraining, train_jscc

    x, y = _digits()
    channel = build_channel("awgn", device="cpu")
    capped = train_jscc(_model(n=4), channel, x, y, JSCCTraining((0.0, 0.0), max_epochs=2), seed=3)
    assert capped["epochs"] == 2 and not capped["stopped_early"]
    model = _model(n=4)
    log = train_jscc(
        model, channel, x, y, JSCCTraining((0.0, 10.0), max_epochs=200, patience=2, lr=3e-3), seed=3
    )
    assert log["stopped_early"] and log["epochs"] < 200
    # independent recomputation of the validation loss of the returned weights: the same
    # held-out samples (first draw of the seeded generator) and the same noise (seed)
    gen = torch.Generator().manual_seed(3)
    val = torch.randperm(len(y), generator=gen)[: round(0.15 * len(y))]
    sionna.phy.config.seed = 3
    with torch.no_grad():
        x_hat, _ = channel(model.encode(x[val])[:, None, :], snr_db_to_no(torch.full((len(val),), 5.0)))
        loss = torch.nn.functional.cross_entropy(model.decode(x_hat[:, 0]), y[val])
    assert math.isclose(float(loss), log["best_val_loss"], rel_tol=1e-5)
