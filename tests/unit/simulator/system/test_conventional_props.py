"""Invariants of the bit pipe's mappings (hypothesis), its HARQ bookkeeping, the payload it
carries, and its bad settings (one line naming the field and the fix)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semcom.core.errors import ScenarioError, ScenarioErrors
from semcom.simulator.abstraction.table import AbstractionTable, TableConfig
from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.system.conventional import ConventionalPipe
from semcom.simulator.system.harq import DELIVERED, LOST, PENDING, HarqProcesses, occurrence
from semcom.simulator.system.payload import delivered_accuracy, payload_bits, sionna_mcs_tables
from semcom.simulator.system.tables import LinkTables

from .system_fixtures import system_raw

PIPES: dict = {}


def pipe_for(name: str) -> ConventionalPipe:
    if name not in PIPES:
        PIPES[name] = ConventionalPipe(num_agents=2, direction="uplink", mcs_table=name, max_prbs=51, seed=2)
    return PIPES[name]


def _efficiency(p, mcs):
    import torch
    from sionna.phy.nr.utils import decode_mcs_index

    qm, rate = decode_mcs_index(
        torch.from_numpy(np.asarray(mcs)), table_index=p.table_index, is_pusch=p.category == 0
    )
    return (qm * rate).numpy()


@pytest.mark.parametrize("name", sorted(sionna_mcs_tables()))
def test_tbs_grows_with_prbs_and_spectral_efficiency(name):
    """TBS never falls with more PRBs, nor with a higher spectral efficiency Qm·R (not the MCS index:
    38.214's table 1 puts 64QAM 438/1024 (2.566 b/s/Hz) at MCS 17 above 16QAM 658/1024 (2.570))."""
    p = pipe_for(name)
    tbs = p.tb_size_bits(p.available_mcs[:, None], np.arange(1, 52)[None, :])
    order = np.argsort(_efficiency(p, p.available_mcs), kind="stable")
    assert np.all(np.diff(tbs, axis=1) >= 0) and np.all(np.diff(tbs[order], axis=0) >= 0)
    assert tbs[:, -1].min() > tbs[:, 0].max()


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(sionna_mcs_tables())),
    i=st.integers(0, 40),
    j=st.integers(0, 40),
    payload=st.integers(1, 6000),
)
def test_prbs_for_is_the_fewest_that_fit(name, i, j, payload):
    p = pipe_for(name)
    m1, m2 = (int(p.available_mcs[x % len(p.available_mcs)]) for x in (i, j))
    if _efficiency(p, [m1])[0] > _efficiency(p, [m2])[0]:
        m1, m2 = m2, m1
    payload = min(payload, p.sizes.max_payload_bits())
    n1, n2 = (int(p.prbs_for(np.array([m]), np.array([payload]))[0]) for m in (m1, m2))
    assert p.tb_size_bits(np.array([m1]), np.array([n1]))[0] >= payload
    assert n1 == 1 or p.tb_size_bits(np.array([m1]), np.array([n1 - 1]))[0] < payload
    assert n2 <= n1  # a higher spectral efficiency never needs more PRBs


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["PUSCH_table1", "PDSCH_table2"]),
    a=st.floats(-15, 40),
    b=st.floats(-15, 40),
    payload=st.integers(8, 3000),
)
def test_chosen_mcs_is_monotone_in_sinr(name, a, b, payload):
    p = pipe_for(name)
    lo, hi = sorted((a, b))
    m = p.select_mcs(np.array([0, 0]), np.array([lo, hi]), np.array([payload, payload]))
    assert m[0] <= m[1] and set(m.tolist()) <= set(p.available_mcs.tolist())


@pytest.mark.parametrize("name", ["PUSCH_table1", "PDSCH_table2"])
def test_select_mcs_is_illa_on_each_candidates_allocation(name):
    """The batched selection equals the rule done one candidate at a time: ILLA on the PRBs MCS m
    needs, m accepted when ILLA picks m or above; the highest accepted, else the lowest MCS.
    Payloads where a higher MCS needs *more* PRBs (MCS 16 -> 17 of table 1) are included."""
    import torch

    p = ConventionalPipe(num_agents=1, direction="uplink", mcs_table=name)
    sinr = np.tile(np.arange(-10.0, 35.0, 0.5), 4)
    payload = np.repeat([100, 500, 5200, 16000], len(sinr) // 4)
    if name == "PUSCH_table1":
        assert np.any(np.diff(p.prbs_for(p.available_mcs, np.full(len(p.available_mcs), 5200))) > 0)
    agents = np.zeros(len(sinr), dtype=np.int64)
    ref = np.full(len(sinr), p.available_mcs[0])
    for m in p.available_mcs:
        n_re = p.prbs_for(np.full(len(sinr), m), payload) * p.re_per_prb
        best = p._illa(
            sinr_eff=torch.from_numpy(10 ** (sinr / 10)),
            num_allocated_re=torch.from_numpy(n_re.astype(np.int32)),
            mcs_table_index=p.table_index,
            mcs_category=p.category,
        ).numpy()
        ref = np.where(best >= m, m, ref)
    np.testing.assert_array_equal(p.select_mcs(agents, sinr, payload), ref)


def test_chosen_mcs_meets_the_target_on_its_allocation():
    """Where ILLA finds an MCS above the lowest, that MCS's TBLER on the PRBs it needs is <= target."""
    import torch

    p = pipe_for("PUSCH_table1")
    sinr = np.arange(-10.0, 35.0, 0.25)
    payload = np.full(len(sinr), 500)
    mcs = p.select_mcs(np.zeros(len(sinr), dtype=np.int64), sinr, payload)
    n_re = p.prbs_for(mcs, payload) * p.re_per_prb
    *_, tbler, _ = p._phy(
        torch.from_numpy(mcs),
        sinr_eff=torch.from_numpy(10 ** (sinr / 10)),
        num_allocated_re=torch.from_numpy(n_re.astype(np.int32)),
        mcs_table_index=1,
        mcs_category=0,
    )
    above = mcs > p.available_mcs[0]
    assert above.sum() > 100 and np.all(tbler.numpy()[above] <= p.bler_target)
    assert mcs[-1] == p.available_mcs[-1] and mcs[0] == p.available_mcs[0]


@settings(max_examples=60, deadline=None)
@given(
    max_retx=st.integers(0, 4),
    rtt=st.integers(1, 6),
    combining=st.sampled_from(["chase", "none"]),
    outcomes=st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=3, max_size=3),
)
def test_harq_state_machine(max_retx, rtt, combining, outcomes):
    """Copies of 3 TBs decoded with given ACK sequences: a TB is delivered at its first ACK, lost after
    max+1 NACKs, retransmitted no earlier than one round trip, and chase combining adds the copies."""
    harq = HarqProcesses(max_retx, combining, rtt)
    tb = harq.new(np.arange(3), np.full(3, 10), np.ones(3, dtype=np.int64), slot=0)
    sinr = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.25]])
    combined = harq.combine(tb, sinr)
    lost = harq.settle(tb, np.array([o[0] for o in outcomes]), combined, slot=0)
    for slot in range(1, 40):
        due = harq.due(slot)
        assert np.all(harq.last_slot[due] + rtt <= slot) and np.all(harq.state[due] == PENDING)
        if len(due):
            combined = harq.combine(due, sinr[due])
            expect = sinr[due] * (harq.transmissions[due][:, None] if combining == "chase" else 1)
            np.testing.assert_allclose(combined, expect)
            ack = np.array([outcomes[t][harq.transmissions[t] - 1] for t in due])
            lost = harq.settle(due, ack, combined, slot)
            assert np.all(lost == (~ack & (harq.transmissions[due] == max_retx + 1)))
    for t in range(3):
        first_ack = next((k for k, a in enumerate(outcomes[t][: max_retx + 1]) if a), None)
        assert harq.state[t] == (LOST if first_ack is None else DELIVERED)
        assert harq.transmissions[t] == (max_retx + 1 if first_ack is None else first_ack + 1)
    assert len(harq.due(10_000)) == 0 and not harq._soft


@given(st.lists(st.integers(0, 5), max_size=30))
def test_occurrence_counts_earlier_equal_entries(x):
    x = np.array(x, dtype=np.int64)
    assert occurrence(x).tolist() == [int(np.sum(x[:i] == v)) for i, v in enumerate(x)]


def _table(k, bits, acc_top, rising=False):
    kind = "digital" if bits else "analog"
    cfg = TableConfig(
        "a",
        "edge",
        k,
        "random",
        kind,
        kind,
        (),
        bits,
        "relative",
        "awgn",
        float(k),
        None if bits is None else float(k * bits),
    )
    sinr = np.arange(0.0, 40.0, 5.0)
    acc = np.full(len(sinr), acc_top) if not rising else np.linspace(0.2, acc_top, len(sinr))
    acc[:2] = 0.1
    return AbstractionTable.from_counts(cfg, sinr, np.rint(acc * 4000).astype(np.int64), 4000, eesm_beta=1.0)


def _link_tables(rows):
    cfgs = [t.config for t in rows[0]]
    shape = (len(rows), len(cfgs))
    return LinkTables(
        [f"K{c.num_anchors}" for c in cfgs],
        np.array([c.num_anchors for c in cfgs]),
        [c.bits for c in cfgs],
        [c.scheme for c in cfgs],
        rows,
        np.ones(shape, dtype=np.int64),
        np.ones(shape),
    )


def test_payload_and_delivered_accuracy():
    tables = _link_tables([[_table(16, 4, 0.8), _table(8, None, 0.7), _table(64, 2, 0.9)]])
    np.testing.assert_array_equal(payload_bits(tables, 40), [[16 * 4 + 40, 0, 64 * 2 + 40]])
    acc, low, high = delivered_accuracy(tables)
    assert acc[0, 0] == pytest.approx(0.8) and np.isnan(acc[0, 1]) and acc[0, 2] == pytest.approx(0.9)
    assert low[0, 0] < 0.8 < high[0, 0]
    with pytest.raises(ScenarioError) as err:
        delivered_accuracy(_link_tables([[_table(16, 4, 0.8, rising=True)]]))
    assert "abstraction.sinr_db" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(mcs_table="PUSCH_table3"), "mcs_table"),
        (dict(mcs_table="PUSCH_tabel1"), "did you mean PUSCH_table1"),
        (dict(bler_target=1.0), "bler_target"),
        (dict(harq_max_retransmissions=-1), "harq_max_retransmissions"),
        (dict(combining="ir"), "combining"),
        (dict(re_per_prb=168), "re_per_prb"),
        (dict(olla_offset_db=(2.0, 5.0)), "olla_offset_db"),
        (dict(olla_initial_offset_db=3.0, olla_offset_db=(-1.0, 2.0)), "olla_initial_offset_db"),
    ],
)
def test_bad_pipe_settings_are_one_line(kwargs, field):
    with pytest.raises(ValueError) as err:
        ConventionalPipe(num_agents=1, direction="uplink", **kwargs)
    assert field in str(err.value) and "use" in str(err.value) and "\n" not in str(err.value)


def test_bad_calls_are_refused():
    p = pipe_for("PUSCH_table1")
    with pytest.raises(ValueError, match="whole number"):
        p.transmit(np.array([0]), np.array([10]), np.full((1, 100), 5.0), slot=0)
    with pytest.raises(ValueError, match="do not fit"):
        p.prbs_for(np.array([3]), np.array([10**6]))
    with pytest.raises(ValueError, match="no BLER table"):
        p.tb_size_bits(np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="infinite"):
        p.transmit(np.array([0]), np.array([10]), np.full((1, 156), np.inf), slot=0)
    gap = np.full((1, 157), 5.0)
    gap[0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN between"):
        p.transmit(np.array([0]), np.array([10]), gap, slot=0)
    with pytest.raises(ValueError, match="uniforms"):
        p.transmit(np.array([0]), np.array([10]), np.full((1, 156), 5.0), slot=0, u=np.zeros(2))
    q = ConventionalPipe(num_agents=1, direction="uplink", seed=4)
    prb = np.array([[2.0, 8.0, np.nan]])  # per-PRB SINRs expand to the PRBs' REs
    per_re = np.concatenate([np.full(156, 2.0), np.full(156, 8.0), np.full(156, np.nan)])[None, :]
    u = np.array([0.5])
    a, b = q.transmit([0], [12], prb, slot=0, u=u, per_prb=True), q.transmit([0], [12], per_re, slot=0, u=u)
    np.testing.assert_allclose([a.tbler[0], a.sinr_eff_db[0]], [b.tbler[0], b.sinr_eff_db[0]], rtol=1e-9)
    assert q.harq.prbs[a.tb[0]] == 2 and 0.0 < a.tbler[0] < 1.0
    assert 2.0 < a.sinr_eff_db[0] < 10 * np.log10((10**0.2 + 10**0.8) / 2)  # EESM: below the mean SINR
    out = q.transmit(np.array([0]), np.array([27]), np.full((1, 156), -5.0), slot=0)
    assert not out.ack[0] and out.tb[0] in q.due(4)
    with pytest.raises(ValueError, match="as many PRBs"):
        q.retransmit(out.tb, np.full((1, 312), 5.0), slot=4)


@pytest.mark.parametrize(
    "conventional, where, words",
    [
        ({"bler_target": 1.5}, "system.conventional.bler_target", "use e.g. 0.1"),
        ({"harq_max_retransmissions": -1}, "system.conventional.harq_max_retransmissions", "use e.g. 3"),
        ({"mcs_table": "PUSCH_tabel1"}, "system.conventional.mcs_table", "did you mean PUSCH_table1"),
        ({"mcs_table": "PDSCH_table1"}, "system.conventional.mcs_table", "use PUSCH_table1 or PUSCH_table2"),
        ({"olla_initial_offset_db": 25.0}, "system.conventional", "between olla_offset_db's bounds"),
    ],
)
def test_bad_scenario_settings_are_one_line(tmp_path, conventional, where, words):
    raw = system_raw(tmp_path)
    raw["system"]["conventional"] = conventional
    with pytest.raises((ScenarioError, ScenarioErrors)) as err:
        sc = parse_study(raw)
        kind_of(sc).check(sc)
    assert where in str(err.value) and words in str(err.value) and "\n" not in str(err.value).strip()


@settings(max_examples=30, deadline=None)
@given(
    target=st.floats(0.02, 0.5),
    up=st.floats(0.1, 3.0),
    outcomes=st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=40),
)
def test_outer_loop_is_sionnas_block(target, up, outcomes):
    """The offsets the pipe keeps equal those of Sionna's OuterLoopLinkAdaptation block fed the same
    HARQ reports one by one (bounds included: tight ones are hit)."""
    import torch
    from sionna.sys import OuterLoopLinkAdaptation

    p = ConventionalPipe(
        num_agents=3, direction="uplink", bler_target=target, olla_delta_up_db=up, olla_offset_db=(-1.5, 2.0)
    )
    block = OuterLoopLinkAdaptation(
        p._phy,
        num_ut=3,
        bler_target=target,
        delta_up=up,
        offset_min=-1.5,
        offset_max=2.0,
        precision="double",
        device="cpu",
    )
    agents = np.array([a for a, _ in outcomes])
    acks = np.array([k for _, k in outcomes])
    p.feedback(agents, acks)
    for a, k in outcomes:
        fb = np.full(3, -1, dtype=np.int32)
        fb[a] = int(k)
        block(torch.zeros(3, dtype=torch.int32), harq_feedback=torch.from_numpy(fb))
    np.testing.assert_allclose(p.offset_db, block.offset.numpy(), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(start=st.floats(-5.0, 10.0), est=st.floats(-5.0, 25.0), payload=st.integers(100, 1000))
def test_initial_offset_is_where_the_outer_loop_starts(start, est, payload):
    """An agent's first MCS at an initial offset is the MCS at that much lower estimate, and its first
    report steps from there by Sionna's rule."""
    p = ConventionalPipe(num_agents=1, direction="uplink", olla_initial_offset_db=start, max_prbs=51, seed=2)
    assert p.offset_db[0] == start
    ref = ConventionalPipe(num_agents=1, direction="uplink", max_prbs=51, seed=2)
    agents = np.array([0])
    assert p.select_mcs(agents, [est], [payload])[0] == ref.select_mcs(agents, [est - start], [payload])[0]
    p.feedback(agents, np.array([False]))
    assert p.offset_db[0] == pytest.approx(min(start + 1.0, 20.0))
