"""Deep JSCC reference on digits: the accuracy of a jointly trained link against the
same network trained for classification alone, the classic SNR mismatch, and
reproducibility from the seed whatever the executor and whether the model is cached."""

import csv
from pathlib import Path

import pytest

from semcom.simulator.kinds import run_study
from semcom.simulator.link.schema import parse_scenario

# Half the digits (899 samples) held out: Wilson intervals of +-0.025 around 0.85.
STUDY = dict(
    name="jscc_reference",
    seed=1,
    data=dict(dataset="digits", test_fraction=0.5),
    models=dict(mlp=dict(kind="mlp", width=128, depth=2, latent_dim=32, seed=0)),
    channels=dict(awgn=dict(model="awgn")),
    schemes=dict(
        # the default linear decoder: encoder MLP (32 outputs = 16 complex symbols) + one
        # linear layer, exactly the zoo MLP with latent_dim 32 and its linear head, with
        # the channel inside
        same_size=dict(kind="jscc", train_snr_db=20, num_channel_uses=16),
        # the classic deep JSCC with a decoder network, trained at two SNRs
        at0=dict(kind="jscc", train_snr_db=0, num_channel_uses=16, decoder_depth=2),
        at20=dict(kind="jscc", train_snr_db=20, num_channel_uses=16, decoder_depth=2),
        # one complex symbol per sample: at low SNR the channel cannot carry the label
        one_use=dict(kind="jscc", train_snr_db=0, num_channel_uses=1),
    ),
    sweep=dict(
        snr_db=[-5, 0, 20], num_anchors=8, transmitter="mlp", receiver="mlp", semantic_equalizer="oracle"
    ),
)


def _rows(out: Path) -> dict:
    rows = csv.DictReader((out / "results.csv").read_text().splitlines())
    return {(r["scheme"], float(r["snr_db"])): r for r in rows}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("jscc")
    run_study(parse_scenario(STUDY), out, quiet=True, plots=False)
    return _rows(out)


def test_jscc_at_high_snr_reaches_the_native_accuracy_of_the_same_mlp(reference):
    row = reference[("same_size", 20.0)]
    native = float(row["native_accuracy"])  # the zoo MLP + linear head, no channel
    assert row["channel_uses"] == "16.0"
    assert float(row["accuracy"]) >= native - 0.03, (row["accuracy"], native)


def test_trained_at_0_db_beats_trained_at_20_db_at_minus_5_db(reference):
    """The classic mismatch. Both models decode the same 898 test samples, each sent
    over 10 independent channel draws: the 95% Wilson intervals are over those 8,980
    transmissions, i.e. over the channel's randomness on this test set (the test set's
    own sampling error is common to both models, so it does not enter the comparison)."""
    import sionna.phy
    import torch

    from semcom.channels import snr_db_to_no
    from semcom.simulator.link.jscc_engine import jscc_channel, jscc_model
    from semcom.simulator.link.resolved import resolve_unit
    from semcom.simulator.link.units import expand_units
    from semcom.simulator.results.metrics import wilson_interval
    from semcom.simulator.run.context import study_data

    sc = parse_scenario(STUDY)
    data = study_data(sc)
    x, y = torch.from_numpy(data.dataset.inputs[data.test_idx]), data.labels[data.test_idx]
    repeats, interval = 10, {}
    for unit in (u for u in expand_units(sc) if u.scheme in ("at0", "at20")):
        model, _ = jscc_model(resolve_unit(sc, unit))  # the models the study trained (cached)
        channel = jscc_channel(resolve_unit(sc, unit))
        sionna.phy.config.seed = 7
        with torch.no_grad():
            symbols = model.encode(x).expand(repeats, -1, -1)  # [repeats, N, n]
            x_hat, _ = channel(symbols, snr_db_to_no(torch.full((repeats,), -5.0)))
            correct = int((model.decode(x_hat).argmax(-1) == y).sum())
        interval[unit.scheme] = wilson_interval(correct, repeats * len(y))
    assert interval["at0"][0] > interval["at20"][1], interval
    # the study's own rows (one draw per sample) agree in direction
    assert float(reference[("at0", -5.0)]["accuracy"]) > float(reference[("at20", -5.0)]["accuracy"])


def _fano_accuracy_bound(label_entropy: float, capacity_bits: float, num_classes: int) -> float:
    """Largest accuracy Fano's inequality allows when at most ``capacity_bits`` of
    information about the label cross the channel: h(Pe) + Pe log2(C - 1) >= H(Y) - I."""
    import numpy as np

    missing = label_entropy - capacity_bits
    if missing <= 0:
        return 1.0
    pe = np.linspace(1e-9, 1 - 1 / num_classes, 200_001)
    h = -pe * np.log2(pe) - (1 - pe) * np.log2(1 - pe)
    feasible = pe[h + pe * np.log2(num_classes - 1) >= missing]
    return float(1 - feasible.min())


def test_jscc_accuracy_respects_the_channel_capacity(reference):
    """Theory check of the whole chain (power normalisation, SNR convention, noise): the
    label information that reaches the decoder is at most n log2(1 + SNR) bits (AWGN
    capacity), so Fano's inequality caps the accuracy; the data-processing inequality
    makes it hold for any encoder and decoder."""
    import numpy as np

    from semcom.simulator.run.context import study_data

    data = study_data(parse_scenario(STUDY))
    counts = np.bincount(data.labels[data.test_idx].numpy(), minlength=10)
    entropy = float(-(counts / counts.sum() * np.log2(counts / counts.sum())).sum())
    for snr in (-5.0, 0.0):
        row = reference[("one_use", snr)]
        bound = _fano_accuracy_bound(entropy, 1 * np.log2(1 + 10 ** (snr / 10)), 10)
        assert bound < 0.75  # the bound bites here
        assert float(row["accuracy_wilson_low"]) <= bound, (snr, row["accuracy"], bound)
        assert float(row["accuracy"]) > 0.2  # and the model learnt something


SMALL = dict(
    name="jscc_determinism",
    seed=5,
    data=dict(dataset="digits", limit=500),
    models=dict(mlp=dict(kind="mlp", width=32, depth=1, latent_dim=8, epochs=3)),
    channels=dict(awgn=dict(model="awgn"), ray=dict(model="rayleigh", csi="ls")),
    schemes=dict(j=dict(kind="jscc", train_snr_db=[0, 10], num_channel_uses=[2, 4], max_epochs=3)),
    sweep=dict(snr_db=[0, 10], num_anchors=4, transmitter="mlp", receiver="mlp", channel=["awgn", "ray"]),
)


def test_same_seed_same_numbers_whatever_the_executor_and_cache(tmp_path, monkeypatch):
    from semcom.simulator.run import context
    from semcom.transceivers import heads

    def run(name: str, **kw) -> bytes:
        monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / f"cache-{name}"))  # trains from scratch
        monkeypatch.setattr(context, "_SPACES", {})
        monkeypatch.setattr(heads, "_MEMORY", {})
        run_study(parse_scenario(SMALL), tmp_path / name, quiet=True, plots=False, **kw)
        return (tmp_path / name / "results.csv").read_bytes()

    inline = run("inline")
    assert run("pool", workers=2) == inline
    # a warm cache: the trained models are loaded, not retrained, and give the same rows
    models = sorted((tmp_path / "cache-inline" / "jscc").glob("*.pt"))
    stamps = [p.stat().st_mtime_ns for p in models]
    monkeypatch.setenv("SEMCOM_CACHE", str(tmp_path / "cache-inline"))
    monkeypatch.setattr(context, "_SPACES", {})
    run_study(parse_scenario(SMALL), tmp_path / "warm", quiet=True, plots=False)
    assert (tmp_path / "warm" / "results.csv").read_bytes() == inline
    assert len(models) == 4 and [p.stat().st_mtime_ns for p in models] == stamps  # none retrained
    rows = list(csv.DictReader((tmp_path / "inline" / "results.csv").read_text().splitlines()))
    assert len(rows) == 2 * 2 * 2 and {r["semantic_equalizer"] for r in rows} == {"jscc"}


def test_another_seed_trains_another_model(tmp_path):
    def accuracies(seed: int) -> list[str]:
        run_study(parse_scenario({**SMALL, "seed": seed}), tmp_path / str(seed), quiet=True, plots=False)
        rows = csv.DictReader((tmp_path / str(seed) / "results.csv").read_text().splitlines())
        return [r["accuracy"] for r in rows]

    a, b = accuracies(5), accuracies(6)
    assert sum(x != y for x, y in zip(a, b)) >= len(a) // 2
