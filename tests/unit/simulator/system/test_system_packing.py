"""Packing a slot (:mod:`semcom.simulator.system.packing`) and the RE mapping of messages
(:mod:`semcom.simulator.system.grid`) on random slots: no resource idle while a waiting message
fits it, the scheduler's order kept, zero-price upgrades within the PRBs granted."""

from __future__ import annotations

import numpy as np
import pytest

from semcom.simulator.system.grid import re_counts, re_prb_index
from semcom.simulator.system.packing import SlotCandidates, pack, upgrade


def _random_slot(rng, num_sectors=3, num_prbs=6, re_prb=144):
    agents = rng.integers(1, 6, num_sectors)
    sector = np.repeat(np.arange(num_sectors), agents)
    count = rng.integers(1, 5, len(sector))
    first = np.cumsum(count) - count
    m = int(count.sum())
    res = np.sort(rng.integers(2, 2 * re_prb, (m, 4)), axis=1)
    acc = np.sort(rng.uniform(0.1, 1.0, (m, 4)), axis=1)
    return SlotCandidates(sector, first, count, res, acc), num_sectors, num_prbs, re_prb


@pytest.mark.parametrize("seed", range(40))
def test_no_resource_idle_while_a_waiting_message_fits(seed):
    rng = np.random.default_rng(seed)
    cand, S, R, re_prb = _random_slot(rng)
    owner = cand.owner
    rules = rng.integers(0, 4, (3, len(owner)))
    out = pack(cand, rules, S, R, re_prb)
    for j in range(len(rules)):
        res = cand.res[np.arange(len(owner)), rules[j]]
        free = R - np.bincount(cand.sector, weights=out.n_prb[j], minlength=S)
        assert np.all(free >= 0)
        for a in range(len(cand.first)):
            mine = np.arange(cand.first[a], cand.first[a] + cand.count[a])
            adm = out.admitted[j, mine]
            k = int(adm.sum())
            assert np.all(adm[:k]) and not np.any(adm[k:])  # a prefix of the queue (FIFO)
            used = res[mine[:k]].sum()
            assert out.n_prb[j, a] == -(-used // re_prb)  # whole PRBs, no more than needed
            if k < cand.count[a]:
                # the next message needs more PRBs than the agent has plus what the sector left free
                need = -(-(used + res[mine[k]]) // re_prb)
                assert need > out.n_prb[j, a] + free[cand.sector[a]]
        np.testing.assert_allclose(
            out.objective[j],
            np.bincount(
                cand.sector[owner],
                weights=np.where(out.admitted[j], cand.acc[np.arange(len(owner)), rules[j]], 0.0),
                minlength=S,
            ),
        )


@pytest.mark.parametrize("seed", range(20))
def test_upgrades_stay_within_the_granted_prbs_and_only_gain(seed):
    rng = np.random.default_rng(100 + seed)
    cand, S, R, re_prb = _random_slot(rng)
    rules = np.zeros((1, len(cand.owner)), dtype=np.int64)
    out = pack(cand, rules, S, R, re_prb)
    adm, cfg = upgrade(cand, out.admitted[0], out.config[0], out.n_prb[0], re_prb)
    m = np.arange(len(cfg))
    assert np.all(adm >= out.admitted[0])
    used = np.bincount(cand.owner, weights=np.where(adm, cand.res[m, cfg], 0), minlength=len(cand.first))
    assert np.all(used <= out.n_prb[0] * re_prb)
    before = np.where(out.admitted[0], cand.acc[m, out.config[0]], 0).sum()
    assert np.where(adm, cand.acc[m, cfg], 0).sum() >= before - 1e-12


def test_pack_example_and_priority_order():
    # two agents in one sector; the first in order takes what it needs even if the second is cheaper
    cand = SlotCandidates(
        np.array([0, 0]),
        np.array([0, 1]),
        np.array([1, 1]),
        np.array([[300], [10]]),
        np.array([[0.9], [0.5]]),
    )
    out = pack(cand, np.zeros((1, 2), dtype=np.int64), 1, 3, 144)
    np.testing.assert_array_equal(out.n_prb[0], [3, 0])


@pytest.mark.parametrize("seed", range(10))
def test_re_counts_match_the_frequency_first_mapping(seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 8, 30)
    length = np.minimum(rng.integers(1, 300, 30), 12 * 12 * n)
    offset = rng.integers(0, 12 * 12 * n - length + 1)
    counts = re_counts(offset, length, n, 8)
    for i in range(30):
        np.testing.assert_array_equal(
            counts[i, : n[i]], np.bincount(re_prb_index(offset[i], length[i], n[i]), minlength=n[i])
        )
        assert counts[i].sum() == length[i] and not counts[i, n[i] :].any()
