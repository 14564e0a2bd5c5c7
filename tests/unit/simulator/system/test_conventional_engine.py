"""The 5G bit pipe as a policy of the system engine (``conventional_5g:<label>``) on synthetic
tables whose digital configurations have a known clean accuracy."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import numpy as np
import pytest

from semcom.core.errors import ScenarioError
from semcom.simulator.abstraction.table import AbstractionTable, TableConfig
from semcom.simulator.abstraction.tableset import TableSet
from semcom.simulator.kinds import kind_of, parse_study
from semcom.simulator.results.metrics import wilson_interval
from semcom.simulator.system.conventional import ConventionalPipe
from semcom.simulator.system.checks import check_policies
from semcom.simulator.system.conventional_slot import ConventionalSlots
from semcom.simulator.system.engine import _UnitLoop, simulate_system
from semcom.simulator.system.tables import study_tables
from semcom.simulator.system.units import system_units

from .system_fixtures import CHANCE, synthetic_table_set, system_raw

CLEAN = {8: 0.7, 16: 0.85}  # the digital tables' accuracy once past their waterfall


def _digital(pairs, grid=(-40.0, 50.0, 0.5), n=100_000):
    sinr = np.arange(grid[0], grid[1] + 1e-9, grid[2])
    out = []
    for tx, rx in pairs:
        for k, top in CLEAN.items():
            acc = CHANCE + (top - CHANCE) / (1.0 + np.exp(-(sinr - 2.0) / 0.4))
            cfg = TableConfig(
                tx, rx, k, "random", "qpsk", "digital", (), 4, "relative", "awgn", float(2 * k), float(4 * k)
            )
            correct = np.rint(acc * n).astype(np.int64)
            out.append(AbstractionTable.from_counts(cfg, sinr, correct, n, eesm_beta=2.0))
    return out


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    d = tmp_path_factory.mktemp("tables")
    pairs = [("a", "edge"), ("b", "edge")]
    TableSet(list(synthetic_table_set(pairs, ks=(8, 16))) + _digital(pairs), {}, "synthetic").save(d)
    raw = system_raw(d, duration_s=0.2, warmup_s=0.02, drain_s=0.05)
    raw["sweep"]["link_adaptation"] = ["conventional_5g", "fixed"]
    sc = parse_study(raw)
    tables = study_tables(sc)
    units = {u.link_adaptation: u for u in system_units(sc, tables)}
    return sc, tables, units, d


def test_units_expand_to_every_digital_configuration(study):
    _, tables, units, _ = study
    assert [p for p in units if p.startswith("conventional_5g")] == [
        "conventional_5g:K8-qpsk-b4",
        "conventional_5g:K16-qpsk-b4",
    ]
    assert tables.bits == [None, 4, None, 4]


def test_a_unit_of_the_bit_pipe(study):
    """Every offered message ends decided, expired or queued; a delivered payload is decided at the
    clean accuracy (losses: failures); retransmissions keep their PRB count and cost round trips;
    the outer loop learns the fading margin; the same traffic as every other policy; reproducible."""
    sc, tables, units, _ = study
    unit = units["conventional_5g:K16-qpsk-b4"]
    loop = _UnitLoop(sc, unit, tables, False)
    run = loop.run()
    harq = loop.pipe.pipe.harq
    sent = run.slot >= 0
    assert sent.sum() > 600 and not np.any(sent & run.expired)
    assert np.all(run.prbs_used <= loop.R)
    delivered = np.zeros(len(run.slot), dtype=bool)
    for tb in np.flatnonzero(harq.state == 1):  # DELIVERED
        first, n = loop.pipe.tb_first[tb], loop.pipe.tb_count[tb]
        delivered[first : first + n] = True
    ok, n = int(run.correct[delivered & sent].sum()), int((delivered & sent).sum())
    lo, hi = wilson_interval(ok, n, confidence=0.999)
    assert lo <= CLEAN[16] <= hi, (ok / n, lo, hi)
    lost = sent & ~delivered
    assert lost.sum() > 0 and not run.correct[lost].any()  # a lost TB fails every decision
    retx = harq.transmissions > 1
    waited = (harq.last_slot - harq.first_slot)[retx]
    assert retx.any() and np.all(waited >= 4 * (harq.transmissions[retx] - 1))
    assert 0.0 < run.olla_offset_db.mean() < 20.0  # fading makes the estimate optimistic
    lat = (run.slot[sent] + 1) * loop.slot_s - run.arrival_s[sent]
    assert lat.min() > 0
    again = simulate_system(sc, unit, tables)
    np.testing.assert_array_equal(run.correct, again.correct)
    np.testing.assert_array_equal(run.slot, again.slot)
    other = simulate_system(sc, units["fixed:K16-analog"], tables)
    np.testing.assert_array_equal(other.arrival_s, run.arrival_s)


def test_grants_skip_what_does_not_fit_and_continue():
    """Sector of 10 PRBs; in rank order: a retransmission of 4, a new TB needing 8 (one message: 2),
    a new TB whose single message needs 3, another needing 1. The 8-PRB TB gets the 6 left as a
    partial TB (the messages 6 PRBs hold), the 3-PRB one is skipped, the last still finds room
    only if any is left: none here; no PRB stays idle while a waiting message fits."""
    pipe = ConventionalPipe(num_agents=4, direction="uplink", max_prbs=10)
    slots = ConventionalSlots.__new__(ConventionalSlots)
    slots.loop, slots.pipe = SimpleNamespace(S=1, R=10), pipe
    mcs = np.full(4, 10)
    tbs1 = int(pipe.tb_size_bits(np.array([10]), np.array([1]))[0])
    per_msg = np.array([0, tbs1 * 2, tbs1 * 3, tbs1])  # bits per message
    need = np.array([4, 8, 3, 1])
    msgs = np.array([1, 4, 1, 1])
    grant, carried = slots._grant(
        np.zeros(4, np.int64), np.array([True, False, False, False]), mcs, need, np.maximum(per_msg, 1), msgs
    )
    assert grant.tolist() == [4, 6, 0, 0] and carried[1] == 3
    grant, _ = slots._grant(
        np.zeros(3, np.int64),
        np.array([True, False, False]),
        mcs[:3],
        np.array([8, 3, 1]),
        np.array([1, tbs1 * 3, tbs1]),
        np.array([1, 1, 1]),
    )
    assert grant.tolist() == [8, 0, 1]  # the 3-PRB message skipped, the next one served


def test_the_study_writes_its_rows(study, tmp_path):
    sc, _, _, d = study
    raw = system_raw(d, duration_s=0.05, warmup_s=0.005, drain_s=0.01)
    raw["sweep"]["link_adaptation"] = ["conventional_5g"]
    kind = kind_of(sc)
    out = kind.run(parse_study(raw), tmp_path / "out", quiet=True, plots=False)
    assert out.units_run == 2
    with open(tmp_path / "out" / "system_results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["link_adaptation"] for r in rows} == {
        "conventional_5g:K8-qpsk-b4",
        "conventional_5g:K16-qpsk-b4",
    }


def test_a_study_without_digital_tables_is_one_line(tmp_path):
    synthetic_table_set([("a", "edge"), ("b", "edge")]).save(tmp_path / "t")
    raw = system_raw(tmp_path / "t")
    raw["sweep"]["link_adaptation"] = ["conventional_5g"]
    sc = parse_study(raw)
    with pytest.raises(ScenarioError) as err:
        system_units(sc, study_tables(sc))
    assert "sweep.link_adaptation" in str(err.value) and "digital" in str(err.value)


def test_a_message_the_band_cannot_carry_is_refused_before_the_units(study):
    """The pipe sends a message whole: 104 bits (K = 16 at 4 bits plus headers) need more than three
    15 kHz PRBs hold at the lowest MCS (96 bits; K = 8's 72 fit); refused in one line naming the
    policy and the fix."""
    _, _, _, d = study
    raw = system_raw(d, grid=dict(num_prbs=3, subcarrier_spacing_hz=15000))
    raw["sweep"]["link_adaptation"] = ["conventional_5g:K8-qpsk-b4", "conventional_5g:K16-qpsk-b4"]
    sc = parse_study(raw)
    with pytest.raises(ScenarioError) as err:
        check_policies(sc, study_tables(sc))
    text = str(err.value)
    assert text.startswith("sweep.link_adaptation[1]") and "system.grid" in text and "\n" not in text
    raw["system"]["grid"] = dict(num_prbs=4, subcarrier_spacing_hz=15000)
    sc = parse_study(raw)
    check_policies(sc, study_tables(sc))  # 104 bits fit 4 PRBs at MCS 0 (128)
