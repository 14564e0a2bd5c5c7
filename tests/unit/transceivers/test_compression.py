"""Top-k sparsification: what is kept, what it costs, and the engine's accounting."""

import math

import pytest
import torch

from simulator.engine import run_unit
from simulator.schema import parse_scenario
from simulator.sweep import expand_units
from transceivers.compression import TopKDesparsifier, TopKSparsifier, check_top_k, index_bits
from transceivers.errors import SemcomInputError


def test_keeps_the_largest_magnitudes_and_puts_them_back():
    g = torch.Generator().manual_seed(0)
    r = torch.randn(200, 32, generator=g)
    values, pos = TopKSparsifier(5)(r)
    assert values.shape == pos.shape == (200, 5)
    assert (pos[:, 1:] > pos[:, :-1]).all()                       # increasing positions
    threshold = r.abs().sort(-1, descending=True).values[:, 4:5]
    assert (values.abs() >= threshold).all()
    back = TopKDesparsifier()(values[None].expand(3, -1, -1), pos, 32)
    assert back.shape == (3, 200, 32)
    assert torch.equal(back[1].gather(-1, pos), values) and (back[0] != 0).sum(-1).eq(5).all()
    # the energy kept is the k largest squares: sparsification error is the rest
    assert torch.allclose((r - back[0]).square().sum(-1), r.square().sum(-1) - values.square().sum(-1), atol=1e-4)


def test_k_at_least_the_message_size_sends_everything():
    r = torch.randn(4, 6)
    values, pos = TopKSparsifier(6)(r)
    assert torch.equal(values, r) and torch.equal(TopKDesparsifier()(values, pos, 6), r)
    assert TopKSparsifier(10).kept(6) == 6 and index_bits(6, 10) == 0


@pytest.mark.parametrize("m, k", [(64, 8), (16, 1), (16, 15), (128, 32), (1000, 500)])
def test_index_cost_is_the_enumerative_code_length(m, k):
    bits = index_bits(m, k)
    assert 2 ** bits >= math.comb(m, k) > 2 ** (bits - 1)
    assert bits <= k * math.ceil(math.log2(m))                    # never worse than plain indices


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_bad_top_k_is_refused(bad):
    with pytest.raises(SemcomInputError, match="compression.top_k"):
        check_top_k(bad)


def test_engine_counts_kept_values_and_index_bits():
    base = dict(name="topk", data={"dataset": "synthetic", "limit": 600},
                models={"a": {"kind": "rotation", "seed": 1}, "b": {"kind": "rotation", "seed": 2}},
                sweep={"snr_db": [10.0], "num_anchors": 24, "transmitter": "a", "receiver": "b",
                       "semantic_equalizer": ["relative", "none"]})
    full = run_unit(parse_scenario(base), expand_units(parse_scenario(base))[0])
    sc = parse_scenario({**base, "compression": {"top_k": 6}})
    rows = {r["semantic_equalizer"]: r for r in run_unit(sc, expand_units(sc)[0])}
    assert rows["relative"]["channel_uses"] == 3.0 and rows["relative"]["bits_per_sample"] == index_bits(24, 6)
    assert rows["none"]["channel_uses"] == 3.0 and rows["none"]["bits_per_sample"] == index_bits(32, 6)
    full = {r["semantic_equalizer"]: r for r in full}
    assert full["relative"]["channel_uses"] == 12.0 and full["relative"]["bits_per_sample"] is None
    # NMSE is measured against the message before sparsification: dropping entries costs
    assert rows["relative"]["nmse"] > full["relative"]["nmse"]
