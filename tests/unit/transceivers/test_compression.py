"""Top-k sparsification: what is kept, what it costs, and the engine's accounting."""

import math

import pytest
import torch

from semcom.simulator.link.engine import run_unit
from semcom.core.errors import ScenarioError
from semcom.simulator.link.checks import check_scenario
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.link.units import expand_units
from semcom.transceivers.compression import TopKDesparsifier, TopKSparsifier, check_top_k, index_bits
from semcom.core.errors import SemcomInputError


def test_keeps_the_largest_magnitudes_and_puts_them_back():
    g = torch.Generator().manual_seed(0)
    r = torch.randn(200, 32, generator=g)
    values, pos = TopKSparsifier(5)(r)
    assert values.shape == pos.shape == (200, 5)
    assert (pos[:, 1:] > pos[:, :-1]).all()  # increasing positions
    threshold = r.abs().sort(-1, descending=True).values[:, 4:5]
    assert (values.abs() >= threshold).all()
    back = TopKDesparsifier()(values[None].expand(3, -1, -1), pos, 32)
    assert back.shape == (3, 200, 32)
    assert torch.equal(back[1].gather(-1, pos), values) and (back[0] != 0).sum(-1).eq(5).all()
    # the energy kept is the k largest squares: sparsification error is the rest
    assert torch.allclose(
        (r - back[0]).square().sum(-1), r.square().sum(-1) - values.square().sum(-1), atol=1e-4
    )


def test_k_at_least_the_message_size_sends_everything():
    r = torch.randn(4, 6)
    values, pos = TopKSparsifier(6)(r)
    assert torch.equal(values, r) and torch.equal(TopKDesparsifier()(values, pos, 6), r)
    assert TopKSparsifier(10).kept(6) == 6 and index_bits(6, 10) == 0


@pytest.mark.parametrize("m, k", [(64, 8), (16, 1), (16, 15), (128, 32), (1000, 500)])
def test_index_cost_is_the_enumerative_code_length(m, k):
    bits = index_bits(m, k)
    assert 2**bits >= math.comb(m, k) > 2 ** (bits - 1)
    assert bits <= k * math.ceil(math.log2(m))  # never worse than plain indices


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_bad_top_k_is_refused(bad):
    with pytest.raises(SemcomInputError, match="compression.top_k"):
        check_top_k(bad)


def _rows(base, **compression):
    sc = parse_scenario({**base, "compression": compression} if compression else base)
    check_scenario(sc)
    return {r["semantic_equalizer"]: r for r in run_unit(sc, expand_units(sc)[0])}


SYNTHETIC = dict(
    name="topk",
    data={"dataset": "synthetic", "limit": 600},
    models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
    sweep={
        "snr_db": [10.0],
        "num_anchors": 24,
        "transmitter": "a",
        "receiver": "b",
        "semantic_equalizer": ["relative", "none"],
    },
)


def test_engine_counts_kept_values_and_index_bits():
    full = _rows(SYNTHETIC)
    rows = _rows(SYNTHETIC, top_k=6)
    # analog: 6 kept values = 3 complex channel uses; positions: ceil(log2 C(24, 6)) = 18 bits,
    # sent at the reference side link's 1 bit per channel use (QPSK, rate 1/2): 18 more uses
    assert rows["relative"]["bits_per_sample"] == index_bits(24, 6) == 18
    assert rows["relative"]["side_channel_uses"] == 18.0
    assert rows["relative"]["channel_uses"] == 3.0 + 18.0
    assert full["relative"]["channel_uses"] == 12.0 and full["relative"]["bits_per_sample"] is None
    assert full["relative"]["side_channel_uses"] == 0.0
    # the absolute message (for `none`) is not a relative representation: sent whole
    assert (
        rows["none"]["channel_uses"] == full["none"]["channel_uses"]
        and rows["none"]["bits_per_sample"] is None
    )
    # NMSE is measured against the message before sparsification: dropping entries costs
    assert rows["relative"]["nmse"] > full["relative"]["nmse"]
    # top_k = K sends everything and costs no index bits
    same = _rows(SYNTHETIC, top_k=24)
    assert same["relative"]["channel_uses"] == 12.0 and same["relative"]["bits_per_sample"] is None


def test_digital_bits_are_kept_values_times_b_plus_index_bits():
    base = {
        **SYNTHETIC,
        "data": {"dataset": "synthetic", "limit": 200},
        "scheme": {"kind": "digital"},
        "sweep": {**SYNTHETIC["sweep"], "bits": 4, "semantic_equalizer": ["relative"]},
    }
    assert _rows(base)["relative"]["bits_per_sample"] == 24 * 4
    sparse = _rows(base, top_k=5)["relative"]
    assert sparse["bits_per_sample"] == 5 * 4 + index_bits(24, 5)
    # the positions cost the same channel uses as under analog: the side link is the scheme's peer
    assert sparse["side_channel_uses"] == index_bits(24, 5)
    whole = _rows({**base, "sweep": {**base["sweep"], "num_anchors": 5}})["relative"]
    assert sparse["channel_uses"] == pytest.approx(whole["channel_uses"] + index_bits(24, 5))


def test_top_k_above_some_anchor_count_is_refused():
    sc = parse_scenario(
        {
            **SYNTHETIC,
            "compression": {"top_k": 10},
            "sweep": {**SYNTHETIC["sweep"], "num_anchors": [16, 8, 32]},
        }
    )
    with pytest.raises(ScenarioError, match=r"compression.top_k: exceeds sweep.num_anchors\[1\] = 8"):
        check_scenario(sc, check_data=False)
    for bad in (0, -1, 2.5):
        with pytest.raises(ScenarioError, match="compression.top_k"):
            parse_scenario({**SYNTHETIC, "compression": {"top_k": bad}})


def test_accuracy_grows_with_the_entries_kept_on_digits():
    """Two PCA agents of different width, K = 32 anchors, 30 dB: keeping 1, 2 or 4 of the 32
    relative entries loses accuracy against sending all 32 (disjoint 95 % Wilson intervals);
    the sparsification error (NMSE) falls as k grows."""
    base = dict(
        name="topk_digits",
        data={"dataset": "digits"},
        models={"a": {"kind": "pca", "latent_dim": 24}, "b": {"kind": "pca", "latent_dim": 16}},
        sweep={
            "snr_db": [30.0],
            "num_anchors": 32,
            "transmitter": "a",
            "receiver": "b",
            "semantic_equalizer": ["relative"],
        },
    )
    rows = {k: _rows(base, top_k=k)["relative"] for k in (1, 2, 4, 16, 32)}
    for k in (1, 2, 4):
        assert rows[k]["accuracy_high"] < rows[32]["accuracy_low"], (k, rows[k], rows[32])
        # k values in ceil(k/2) analog uses, plus the positions at 1 bit per use (reference side link)
        assert rows[k]["channel_uses"] == math.ceil(k / 2) + index_bits(32, k)
        assert rows[k]["bits_per_sample"] == index_bits(32, k)
    assert rows[1]["accuracy_high"] < rows[16]["accuracy_low"]
    nmse = [rows[k]["nmse"] for k in (1, 2, 4, 16, 32)]
    assert all(a > b for a, b in zip(nmse, nmse[1:])), nmse
