"""The conventional 5G bit pipe against 38.214, Sionna's tables and HARQ/OLLA theory.

Every check here can fail: a TBS computed from the wrong RE count, a BLER read at the wrong
SINR (±1 dB) or code block size, an outer loop fed the wrong way or a HARQ model that does
not combine each shows up as a number outside its interval."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from semcom.simulator.results.metrics import wilson_interval
from semcom.simulator.run.randomness import derive_rng
from semcom.simulator.system.conventional import ConventionalPipe
from semcom.simulator.system.payload import bler_table_file

# TS 38.214 Table 5.1.3.1-1 (PDSCH/PUSCH MCS index table 1): (Qm, R x 1024) per MCS 0..28
MCS_TABLE_1 = [
    (2, 120),
    (2, 157),
    (2, 193),
    (2, 251),
    (2, 308),
    (2, 379),
    (2, 449),
    (2, 526),
    (2, 602),
    (2, 679),
    (4, 340),
    (4, 378),
    (4, 434),
    (4, 490),
    (4, 553),
    (4, 616),
    (4, 658),
    (6, 438),
    (6, 466),
    (6, 517),
    (6, 567),
    (6, 616),
    (6, 666),
    (6, 719),
    (6, 772),
    (6, 822),
    (6, 873),
    (6, 910),
    (6, 948),
]
# TS 38.214 Table 5.1.3.2-1: TBS for N_info <= 3824
TBS_SMALL = [
    24,
    32,
    40,
    48,
    56,
    64,
    72,
    80,
    88,
    96,
    104,
    112,
    120,
    128,
    136,
    144,
    152,
    160,
    168,
    176,
    184,
    192,
    208,
    224,
    240,
    256,
    272,
    288,
    304,
    320,
    336,
    352,
    368,
    384,
    408,
    432,
    456,
    480,
    504,
    528,
    552,
    576,
    608,
    640,
    672,
    704,
    736,
    768,
    808,
    848,
    888,
    928,
    984,
    1032,
    1064,
    1128,
    1160,
    1192,
    1224,
    1256,
    1288,
    1320,
    1352,
    1416,
    1480,
    1544,
    1608,
    1672,
    1736,
    1800,
    1864,
    1928,
    2024,
    2088,
    2152,
    2216,
    2280,
    2408,
    2472,
    2536,
    2600,
    2664,
    2728,
    2792,
    2856,
    2976,
    3104,
    3240,
    3368,
    3496,
    3624,
    3752,
    3824,
]


def tbs_38214(qm: int, r1024: int, n_re: int) -> int:
    """TS 38.214 §5.1.3.2 steps 2-4 (one layer), in exact integer/fraction arithmetic."""
    from fractions import Fraction

    n_info = Fraction(n_re * qm * r1024, 1024)
    if n_info <= 3824:
        n = max(3, math.floor(math.log2(n_info)) - 6)
        nq = max(24, 2**n * math.floor(n_info / 2**n))
        return next(t for t in TBS_SMALL if t >= nq)
    n = math.floor(math.log2(n_info - 24)) - 5
    nq = max(3840, 2**n * math.floor((n_info - 24) / 2**n + Fraction(1, 2)))
    if Fraction(r1024, 1024) <= Fraction(1, 4):
        c = math.ceil(Fraction(nq + 24, 3816))
    else:
        c = math.ceil(Fraction(nq + 24, 8424)) if nq > 8424 else 1
    return 8 * c * math.ceil(Fraction(nq + 24, 8 * c)) - 24


@pytest.fixture(scope="module")
def pipe():
    return ConventionalPipe(num_agents=4, direction="uplink", mcs_table="PUSCH_table1", seed=1)


@pytest.mark.parametrize("dmrs_symbols", [1, 2])
def test_tbs_is_38214s_and_sionnas(dmrs_symbols):
    """Every (MCS, PRBs) of the grid: the pipe's TBS equals Sionna's 38.214 entry point (PRBs,
    symbols, DMRS) and an exact implementation of the standard written from its text."""
    from sionna.phy.nr.utils import calculate_tb_size

    re_per_prb = 12 * 14 - 12 * dmrs_symbols
    p = ConventionalPipe(
        num_agents=1, direction="uplink", mcs_table="PUSCH_table1", re_per_prb=re_per_prb, max_prbs=100
    )
    mcs = p.available_mcs.astype(np.int64)
    prbs = np.arange(1, 101)
    ours = p.tb_size_bits(mcs[:, None], prbs[None, :])
    shape = (len(mcs), len(prbs))
    qm = torch.tensor([MCS_TABLE_1[m][0] for m in mcs], dtype=torch.int32)[:, None].expand(*shape)
    rate = torch.tensor([MCS_TABLE_1[m][1] / 1024 for m in mcs], dtype=torch.float32)[:, None].expand(*shape)
    sionna, *_ = calculate_tb_size(
        qm,
        rate,
        num_prbs=torch.from_numpy(prbs).expand(*shape),
        num_ofdm_symbols=14,
        num_dmrs_per_prb=12 * dmrs_symbols,
        return_cw_length=False,
    )
    np.testing.assert_array_equal(ours, sionna.numpy())
    spec = np.array([[tbs_38214(*MCS_TABLE_1[m], int(n) * re_per_prb) for n in prbs] for m in mcs])
    np.testing.assert_array_equal(ours, spec)
    assert ours.max() > 8424 * 2  # the grid reaches multi-code-block TBs


def test_tbs_is_the_tb_the_abstraction_decodes(pipe):
    """Sionna's PHYAbstraction, given the allocation's REs, delivers exactly the pipe's TBS on an ACK."""
    mcs = np.array([3, 10, 17, 27, 27])
    prbs = np.array([1, 4, 9, 20, 60])
    n_re = prbs * pipe.re_per_prb
    decoded, ack, *_ = pipe._phy(
        torch.from_numpy(mcs.astype(np.int32)),
        sinr_eff=torch.full((5,), 1e3, dtype=torch.float64),
        num_allocated_re=torch.from_numpy(n_re.astype(np.int32)),
        mcs_table_index=1,
        mcs_category=0,
    )
    assert ack.numpy().tolist() == [1] * 5
    np.testing.assert_array_equal(decoded.numpy(), pipe.tb_size_bits(mcs, prbs))


def _raw_bler(name: str, mcs: int, cbs: int, snr_db: float) -> float:
    table = json.loads(bler_table_file(name).read_text())["category"]
    entry = next(iter(table.values()))["index"]
    entry = next(iter(entry.values()))["MCS"][str(mcs)]
    return float(entry["CBS"][str(cbs)]["BLER"][entry["SNR_db"].index(snr_db)])


def test_awgn_tb_error_rate_is_sionnas_bler_table():
    """Flat AWGN at 7.5 dB (a point of Sionna's table), MCS 15 on 3 PRBs of 132 data REs: TBS 984,
    one code block of 1000 bits (a CBS of the table). 4,000 TBs decoded by the pipe: their error
    rate's 99.9% interval holds Sionna's table value and excludes the value 1 dB either side."""
    p = ConventionalPipe(
        num_agents=4000,
        direction="uplink",
        mcs_table="PUSCH_table1",
        re_per_prb=132,
        harq_max_retransmissions=0,
        seed=5,
    )
    assert p.tb_size_bits(np.array([15]), np.array([3]))[0] == 984
    n = 4000
    out = p.transmit(np.arange(n), np.full(n, 15), np.full((n, 3 * 132), 7.5), slot=0)
    np.testing.assert_allclose(out.sinr_eff_db, 7.5, atol=1e-9)  # EESM of equal SINRs
    lo, hi = wilson_interval(int((~out.ack).sum()), n, confidence=0.999)
    table = _raw_bler("PUSCH_table1", 15, 1000, 7.5)
    print(
        f"AWGN 7.5 dB, MCS 15, CBS 1000: TB error rate {(~out.ack).mean():.4f} [{lo:.4f}, {hi:.4f}] "
        f"(99.9%), Sionna's table {table:.4f}, its PHYAbstraction {float(out.tbler[0]):.4f}"
    )
    assert lo <= table <= hi, (table, lo, hi)
    assert lo <= float(out.tbler[0]) <= hi
    for shift in (-1.0, 1.0):  # a predictor read 1 dB off is refused
        _, _, _, off, _ = p._phy(
            torch.tensor([15], dtype=torch.int32),
            sinr_eff=torch.tensor([10 ** ((7.5 + shift) / 10)], dtype=torch.float64),
            num_allocated_re=torch.tensor([396]),
            mcs_table_index=1,
            mcs_category=0,
        )
        print(f"  the table read {shift:+.0f} dB off: {float(off[0]):.4f}")
        assert not lo <= float(off[0]) <= hi, shift


def _run_stationary(pipe, mean_db, bias_db, slots, feedback=True, seed=7):
    """Agents on Rayleigh block-fading links (one gain per TB) whose estimate is ``bias_db``
    optimistic; 300-bit payloads. Returns the first-transmission ACKs [slots, A]."""
    a = len(mean_db)
    agents = np.arange(a)
    payload = np.full(a, 300)
    rng = derive_rng(seed, "test-stationary-link")
    acks = []
    for s in range(slots):
        mcs = pipe.select_mcs(agents, mean_db + bias_db, payload)
        prbs = pipe.prbs_for(mcs, payload)
        width = int(prbs.max()) * pipe.re_per_prb
        gain_db = 10.0 * np.log10(rng.exponential(1.0, (a, 1)))
        inside = np.arange(width)[None, :] < prbs[:, None] * pipe.re_per_prb
        sinr = np.where(inside, mean_db[:, None] + gain_db, np.nan)
        out = pipe.transmit(agents, mcs, sinr, slot=s)
        if feedback:
            pipe.feedback(agents, out.ack)
        acks.append(out.ack)
    return np.array(acks)


def test_olla_holds_the_bler_target_on_a_stationary_link():
    """30 agents at 10..25 dB, Rayleigh block fading, estimates 3 dB optimistic. ILLA alone misses
    the 10% target by far; with Sionna's outer loop the first-transmission BLER of the last 200
    slots is within its 99% interval of the target, and the offsets settled near the fading margin."""
    mean_db = np.linspace(10.0, 25.0, 30)
    target = 0.1
    olla = ConventionalPipe(
        num_agents=30, direction="uplink", bler_target=target, harq_max_retransmissions=0, seed=3
    )
    acks = _run_stationary(olla, mean_db, 3.0, slots=320)
    tail = acks[120:]
    nacks, n = int((~tail).sum()), tail.size
    lo, hi = wilson_interval(nacks, n, confidence=0.99)
    print(
        f"OLLA: first-transmission BLER of slots 120-319 {nacks / n:.4f} [{lo:.4f}, {hi:.4f}] "
        f"(99%, n={n}), median offset {float(np.median(olla.offset_db)):.1f} dB; per 40 slots "
        + " ".join(f"{float((~acks[i : i + 40]).mean()):.3f}" for i in range(0, len(acks), 40))
    )
    assert lo <= target <= hi, (nacks / n, lo, hi)
    assert 5.0 < float(np.median(olla.offset_db)) < 20.0  # 3 dB bias + Rayleigh margin, inside the bounds
    illa = ConventionalPipe(
        num_agents=30, direction="uplink", bler_target=target, harq_max_retransmissions=0, seed=3
    )
    naive = _run_stationary(illa, mean_db, 3.0, slots=60, feedback=False)
    print(f"  ILLA alone on the same links: BLER {float((~naive).mean()):.3f}")
    assert float((~naive).mean()) > hi + 0.1
    np.testing.assert_array_equal(illa.offset_db, 0.0)


def test_olla_steps_are_sionnas():
    """A NACK raises the offset by delta_up; an ACK lowers it by delta_up * t / (1 - t)."""
    p = ConventionalPipe(num_agents=3, direction="uplink", bler_target=0.2, olla_delta_up_db=0.8)
    p.feedback(np.array([0, 1, 1]), np.array([False, True, True]))  # agent 1: two ACKs, in order
    np.testing.assert_allclose(p.offset_db, [0.8, -2 * 0.8 * 0.2 / 0.8, 0.0])


def test_harq_chase_combining_lowers_the_residual_bler_and_adds_latency():
    """Flat link at a fixed MCS: with chase combining, copy k is decoded at k·γ, so a TB is lost after
    K retransmissions with probability Π_k TBLER(k·γ) (the abstraction's independent draws); a TB
    delivered by copy k waited (k − 1) round trips. Measured on 3,000 TBs per maximum; decoding each
    copy alone (no combining) is refused by the same interval."""
    mcs, prbs, rtt = 15, 3, 4
    n = 3000
    probe = ConventionalPipe(num_agents=1, direction="uplink", re_per_prb=132)

    def tbler(sinr_lin):
        *_, t, _ = probe._phy(
            torch.tensor([mcs], dtype=torch.int32),
            sinr_eff=torch.tensor([sinr_lin], dtype=torch.float64),
            num_allocated_re=torch.tensor([prbs * 132]),
            mcs_table_index=1,
            mcs_category=0,
        )
        return float(t[0])

    grid = np.arange(3.0, 8.0, 0.1)
    # the SINR at which the second copy (combined: 2γ) decodes about half the time
    gamma_db = float(next(g for g in grid if tbler(2 * 10 ** (g / 10)) < 0.5))
    gamma = 10 ** (gamma_db / 10)
    assert tbler(gamma) > 0.95
    residual, latency = {}, {}
    for max_retx, combining in ((0, "chase"), (1, "chase"), (3, "chase"), (1, "none")):
        p = ConventionalPipe(
            num_agents=n,
            direction="uplink",
            re_per_prb=132,
            harq_max_retransmissions=max_retx,
            combining=combining,
            harq_rtt_slots=rtt,
            seed=11,
        )
        out = p.transmit(np.arange(n), np.full(n, mcs), np.full((n, prbs * 132), gamma_db), slot=0)
        slot, lost, delay = 0, int(out.lost.sum()), list(np.zeros(int(out.ack.sum())))
        while len(due := p.due(slot)) or slot < rtt * (max_retx + 1):
            if len(due):
                again = p.retransmit(due, np.full((len(due), prbs * 132), gamma_db), slot=slot)
                lost += int(again.lost.sum())
                delay += [slot] * int(again.ack.sum())
                assert np.all(again.transmission == slot // rtt + 1)
            slot += 1
        residual[(max_retx, combining)] = lost
        latency[(max_retx, combining)] = float(np.mean(delay)) if delay else math.nan
        k = np.arange(1, max_retx + 2)
        fails = [tbler((kk if combining == "chase" else 1) * gamma) for kk in k]
        predicted = float(np.prod(fails))
        lo, hi = wilson_interval(lost, n, confidence=0.999)
        print(
            f"HARQ at {gamma_db:.1f} dB, max {max_retx} retransmissions, {combining}: "
            f"residual {lost / n:.4f} [{lo:.4f}, {hi:.4f}] (99.9%), predicted {predicted:.4f}; "
            f"mean delay of the delivered {latency[(max_retx, combining)]:.2f} slots"
        )
        assert lo <= predicted <= hi, (max_retx, combining, lost / n, predicted)
        # delivered by copy k with probability Π_{j<k} fail_j (1 - fail_k); it waited (k - 1) round trips
        reach = np.concatenate([[1.0], np.cumprod(fails)[:-1]])
        p_k = reach * (1 - np.array(fails))
        if len(delay) >= 30:
            mean_delay = float((p_k * (k - 1) * rtt).sum() / p_k.sum())
            se = rtt * max_retx / math.sqrt(len(delay))
            assert abs(latency[(max_retx, combining)] - mean_delay) <= 4 * se
    assert residual[(0, "chase")] > 0.95 * n  # one copy at γ almost never decodes
    assert residual[(1, "chase")] < 0.6 * residual[(0, "chase")]
    assert residual[(3, "chase")] < residual[(1, "chase")]
    assert residual[(1, "chase")] < 0.6 * residual[(1, "none")]
    assert latency[(1, "chase")] >= rtt * 0.95  # what chase combining delivers came a round trip late
