"""Network engine: exact event log, Little's law, zero-load latency, schedulers, checks.

Small PCA agents on 400 digits (no training) keep every test under a few seconds.
"""

from collections import deque

import numpy as np
import pytest
import torch

from semcom.core.errors import ScenarioError
from semcom.simulator.network.engine import run_network_unit, simulate_network
from semcom.simulator.network.units import expand_network_units
from semcom.simulator.network.links import NetworkLinks, network_agents
from semcom.simulator.network.medium import SCHEDULERS, Message
from semcom.simulator.network.metrics import OccupancyMonitor
from semcom.simulator.network.checks import check_network_scenario
from semcom.simulator.network.schema import parse_network_scenario
from tests.conftest import binomial_tolerance

MS = 1_000_000  # ns


def _scenario(network=None, sweep=None, **top):
    raw = dict(
        name="tiny",
        kind="network",
        seed=3,
        data=dict(dataset="digits", limit=400),
        models=dict(tx=dict(kind="pca", latent_dim=16), rx=dict(kind="pca", latent_dim=10)),
        channels=dict(awgn=dict(model="awgn"), rayleigh=dict(model="rayleigh")),
        network=dict(
            slot_duration_s=1e-3,
            resource_blocks=1,
            channel_uses_per_rb=4,
            duration_s=3e-3,
            queue_limit=1,
            record_events=True,
            path_loss=dict(reference_snr_db=60.0),
            receivers=dict(edge=dict(model="rx")),
            transmitters=dict(
                a=dict(model="tx", traffic="periodic", offset_s=0.0, distance_m=10),
                b=dict(model="tx", traffic="periodic", offset_s=0.0, distance_m=10),
            ),
        ),
        sweep=dict(arrival_rate=1000.0, num_anchors=8, scheduler="round_robin", channel="awgn"),
    )
    raw["network"].update(network or {})
    raw["sweep"].update(sweep or {})
    raw.update(top)
    return parse_network_scenario(raw)


def _unit(sc, **kw):
    (unit,) = [u for u in expand_network_units(sc) if all(getattr(u, k) == v for k, v in kw.items())] or [
        None
    ]
    return unit


def test_tiny_network_has_the_event_log_worked_out_by_hand():
    # Two transmitters, one message each per ms from t = 0, one RB per slot (a K = 8 analog
    # message is 4 channel uses = 1 RB), queues of one message, round robin starting at a.
    sc = _scenario()
    run = simulate_network(sc, expand_network_units(sc)[0])
    events = [(t, e, mid, tx) for t, e, mid, tx, _ in run.events]
    expected = [
        (0, "arrive", 0, 0),
        (0, "arrive", 1, 1),
        (0, "transmit", 0, 0),  # slot 0: a first
        (1 * MS, "arrive", 2, 0),
        (1 * MS, "arrive", 3, 1),
        (1 * MS, "drop_queue", 3, 1),  # b's queue full
        (1 * MS, "deliver", 0, 0),
        (1 * MS, "transmit", 1, 1),  # slot 1: b's turn
        (2 * MS, "arrive", 4, 0),
        (2 * MS, "drop_queue", 4, 0),
        (2 * MS, "arrive", 5, 1),
        (2 * MS, "deliver", 1, 1),
        (2 * MS, "transmit", 2, 0),  # slot 2: a
        (3 * MS, "deliver", 2, 0),
        (3 * MS, "transmit", 5, 1),  # no arrival at 3 ms
        (4 * MS, "deliver", 5, 1),
    ]
    assert events == expected
    assert run.end_ns == 4 * MS  # queues empty, arrivals over
    # the run is deterministic: a second simulation gives the same log, transmit details included
    assert simulate_network(sc, expand_network_units(sc)[0]).events == run.events
    rb = [detail for _, e, _, _, detail in run.events if e == "transmit"]
    assert rb == [(0, 0, 1), (1, 0, 1), (2, 0, 1), (3, 0, 1)]  # (slot, first RB, RBs)
    # at 60 dB every delivered message is decoded as the noiseless link decodes it
    row = run_network_unit(sc, expand_network_units(sc)[0])[0]
    assert (row["messages"], row["delivered"], row["drops_queue"]) == (6, 4, 2)
    assert row["latency_min"] == pytest.approx(1e-3) and row["latency_max"] == pytest.approx(2e-3)


def test_latency_at_near_zero_load_is_the_transmission_time():
    # periodic arrivals on slot boundaries, far below capacity: every message waits for
    # nothing and takes exactly one slot
    sc = _scenario(
        network=dict(duration_s=0.2, resource_blocks=4, queue_limit=8, record_events=False),
        sweep=dict(arrival_rate=50.0),
    )
    row = run_network_unit(sc, expand_network_units(sc)[0])[0]
    assert row["delivered"] == row["messages"] == 20
    assert row["latency_min"] == row["latency_max"] == pytest.approx(1e-3)
    # Poisson arrivals: a uniform wait for the next slot boundary, then one slot: mean 1.5 T
    sc = _scenario(
        network=dict(
            duration_s=2.0,
            resource_blocks=4,
            queue_limit=8,
            record_events=False,
            transmitters=dict(a=dict(model="tx", distance_m=10)),
        ),
        sweep=dict(arrival_rate=200.0),
    )
    row = run_network_unit(sc, expand_network_units(sc)[0])[0]
    n = row["delivered"]
    assert n == row["messages"] > 300
    assert abs(row["latency_mean"] - 1.5e-3) < 4 * 1e-3 / np.sqrt(12 * n)
    assert row["latency_min"] >= 1e-3 and row["latency_max"] <= 2e-3


def test_littles_law_holds_exactly_over_a_whole_run_and_within_its_interval_in_a_window():
    base = dict(
        duration_s=0.25,
        warmup_s=0.05,
        resource_blocks=6,
        channel_uses_per_rb=4,
        queue_limit=32,
        record_events=False,
        transmitters=dict(a=dict(model="tx", count=4, distance_m={"min": 10, "max": 40})),
    )
    diffs, lws = [], []
    for seed in range(6):
        sc = _scenario(
            network=base,
            sweep=dict(arrival_rate=1200.0, scheduler="proportional_fair", channel="rayleigh", seed=seed),
        )
        unit = expand_network_units(sc)[0]
        run = simulate_network(sc, unit)
        accepted = [m for m in run.messages if m.outcome != "dropped_queue"]
        area = run.system_monitor.integral(0, run.end_ns)  # ∫ N(t) dt [ns]
        assert area == sum(m.departure_ns - m.arrival_ns for m in accepted)  # sample-path identity
        row = run_network_unit(sc, unit)[0]
        assert 0.6 < row["utilisation"] < 0.95  # a real queue builds up
        diffs.append(row["mean_in_system"] - row["little_lambda_w"])
        lws.append(row["little_lambda_w"])
    diffs = np.array(diffs)
    half = 2.571 * diffs.std(ddof=1) / np.sqrt(len(diffs))  # t(0.975, 5)
    assert abs(diffs.mean()) <= half + 1e-9
    assert np.mean(lws) > 1.0


def test_round_robin_rotates_and_never_overtakes_head_of_line():
    def q(tx, *rbs):
        return deque(Message(10 * tx + i, tx, 0, 0, 0, 4 * r, r) for i, r in enumerate(rbs))

    sched = SCHEDULERS.get("round_robin")(3, 4, np.random.default_rng(0))
    queues = [q(0, 1, 1, 1), q(1, 3), q(2, 1)]
    grant = sched.allocate(0, queues, np.ones(3))
    # pass 1: tx0 (1 RB), tx1 (3 RBs) -> full; tx2 waits
    assert [(m.id, first) for m, first in grant.sent] == [(0, 0), (10, 1)] and grant.used_rbs == 4
    grant = sched.allocate(1, queues, np.ones(3))  # starts at tx1 (empty), tx2, tx0, tx0
    assert [m.id for m, _ in grant.sent] == [20, 1, 2]


def test_proportional_fair_prefers_the_better_channel_then_the_starved():
    sched = SCHEDULERS.get("proportional_fair")(2, 1, np.random.default_rng(0), pf_time_constant_slots=10)
    queues = [
        deque(Message(i, 0, 0, 0, 0, 4, 1) for i in range(5)),
        deque(Message(10 + i, 1, 0, 0, 0, 4, 1) for i in range(5)),
    ]
    first = sched.allocate(0, queues, np.array([1.0, 100.0]))
    assert [m.tx for m, _ in first.sent] == [1]  # both unserved: higher rate wins
    second = sched.allocate(1, queues, np.array([1.0, 100.0]))
    assert [m.tx for m, _ in second.sent] == [0]  # tx0 never served: infinite priority


def test_slotted_aloha_collisions_lose_both_messages():
    sched = SCHEDULERS.get("slotted_aloha")(
        2, 1, np.random.default_rng(0), aloha_access_probability=1.0, aloha_max_attempts=1
    )
    queues = [deque([Message(0, 0, 0, 0, 0, 4, 1)]), deque([Message(1, 1, 0, 0, 0, 4, 1)])]
    grant = sched.allocate(0, queues, np.ones(2))
    assert not grant.sent and [m.id for m in grant.collided] == [0, 1]
    assert not queues[0] and not queues[1] and grant.used_rbs == 1
    # with retries the collided message stays queued until its last try
    sched = SCHEDULERS.get("slotted_aloha")(
        2, 1, np.random.default_rng(0), aloha_access_probability=1.0, aloha_max_attempts=3
    )
    queues = [deque([Message(0, 0, 0, 0, 0, 4, 1)]), deque([Message(1, 1, 0, 0, 0, 4, 1)])]
    sched.allocate(0, queues, np.ones(2))
    assert len(queues[0]) == len(queues[1]) == 1


def test_slotted_aloha_success_probability_matches_theory():
    # n backlogged transmitters, access probability p, one sub-channel: success = n p (1-p)^(n-1)
    n, p, slots = 5, 0.2, 4000
    sched = SCHEDULERS.get("slotted_aloha")(
        n, 1, np.random.default_rng(7), aloha_access_probability=p, aloha_max_attempts=10**9
    )
    queues = [deque(Message(i, i, 0, 0, 0, 4, 1) for _ in range(slots)) for i in range(n)]
    success = sum(len(sched.allocate(s, queues, np.ones(n)).sent) for s in range(slots))
    theory = n * p * (1 - p) ** (n - 1)
    assert abs(success / slots - theory) < binomial_tolerance(theory, slots)


def test_occupancy_monitor_integrates_a_step_function():
    m = OccupancyMonitor()
    for t, d in [(0, 1), (10, 1), (30, -1), (40, -1), (50, 1)]:
        m.change(t, d)
    assert m.time_average(0, 40) == pytest.approx(1.5)
    assert m.time_average(20, 60) == pytest.approx((2 * 10 + 1 * 10 + 0 + 1 * 10) / 40)
    assert m.peak == 2


def test_per_slot_fading_is_unit_power_rayleigh_and_reproducible():
    sc = _scenario(sweep=dict(channel="rayleigh"))
    txs, rxs = network_agents(sc, 3)
    links = NetworkLinks(sc, 3, 8, "random", "relative", "rayleigh", None, txs, rxs)
    h = np.stack([links.slot_snr(s, 3)[0] for s in range(2000)])  # [slots, N, M, 1, 1]
    power = np.abs(h) ** 2
    assert abs(power.mean() - 1.0) < 4 / np.sqrt(power.size)  # Exp(1): std 1
    assert abs(np.mean(power > 1.0) - np.exp(-1)) < binomial_tolerance(np.exp(-1), power.size)
    assert np.array_equal(links.slot_snr(5, 3)[0], h[5])  # a slot's draw is its own
    assert not np.array_equal(h[5], h[6])


def test_batched_slot_decoding_matches_the_noiseless_link():
    # at 80 dB over AWGN the decision of every message equals the clean relative decision
    sc = _scenario(network=dict(path_loss=dict(reference_snr_db=80.0)))
    txs, rxs = network_agents(sc, 3)
    links = NetworkLinks(sc, 3, 8, "random", "relative", "awgn", None, txs, rxs)
    samples = links.data.test_idx[:50]
    msgs = [Message(i, i % 2, 0, int(s), 0, 4, 1) for i, s in enumerate(samples)]
    correct = links.decode_slot(msgs, links.slot_snr(0, 3)[0])
    eq = links.equalizers[("tx", "rx")]
    clean = eq(links.payload["tx"][torch.as_tensor(samples)][None]).argmax(-1)[0]
    assert np.array_equal(correct, (clean == links.data.labels[samples]).numpy())


def test_checks_name_the_field_value_and_fix():
    with pytest.raises(ScenarioError, match=r"sweep.scheduler: unknown scheduler.*round_robin"):
        check_network_scenario(_scenario(sweep=dict(scheduler="round_robbin")), check_data=False)
    with pytest.raises(
        ScenarioError, match=r"network.resource_blocks.*K = 64.*needs 32 channel uses = 8 RBs"
    ):
        check_network_scenario(_scenario(sweep=dict(num_anchors=64)), check_data=False)
    with pytest.raises(ScenarioError, match=r"network.transmitters.a.receiver.*unknown receiver"):
        check_network_scenario(
            _scenario(network=dict(transmitters=dict(a=dict(model="tx", receiver="edg")))), check_data=False
        )
    with pytest.raises(ScenarioError, match=r"network.transmitters.a.trafic: unknown key"):
        _scenario(network=dict(transmitters=dict(a=dict(model="tx", trafic="poisson"))))
    with pytest.raises(ScenarioError, match=r"network: warmup_s 1 >= duration_s"):
        _scenario(network=dict(warmup_s=1.0))
    with pytest.raises(ScenarioError, match=r"sweep.arrival_rate"):
        _scenario(sweep=dict(arrival_rate="fast"))


def test_digital_messages_are_whole_codewords_and_mimo_links_run():
    # K = 16 values x 4 bits = 64 bits -> one rate-1/2 codeword of 128 bits -> 64 QPSK symbols
    net = dict(duration_s=0.02, resource_blocks=8, channel_uses_per_rb=12, queue_limit=8, record_events=False)
    sc = _scenario(
        network=net,
        sweep=dict(arrival_rate=500.0, num_anchors=16, bits=4, channel="rayleigh"),
        scheme=dict(kind="digital", code_rate=0.5),
    )
    row = run_network_unit(sc, expand_network_units(sc)[0])[0]
    assert (row["channel_uses_per_message"], row["rbs_per_message"]) == (64, 6)
    assert row["delivered"] == row["messages"] == 20 and row["accuracy"] > 0.7
    # 2x2 MIMO with LS pilots: 8 symbols on 2 streams = 4 uses + 2 pilot uses
    sc = _scenario(
        network=net,
        sweep=dict(arrival_rate=500.0, num_anchors=16, channel="mimo"),
        channels=dict(mimo=dict(model="mimo", num_tx_ant=2, num_rx_ant=2, csi="ls")),
    )
    row = run_network_unit(sc, expand_network_units(sc)[0])[0]
    assert row["channel_uses_per_message"] == 6 and row["delivered"] == 20


def test_network_units_decode_on_one_thread_whatever_the_caller_set(monkeypatch):
    # Slots decode small tensors: on two intra-op threads they collapse under any other
    # load, so a unit runs on NETWORK_UNIT_THREADS and restores the caller's setting.
    import torch

    from semcom.core.threads import NETWORK_UNIT_THREADS
    from semcom.simulator.network import engine

    seen = []
    real = engine.simulate_network
    monkeypatch.setattr(
        engine, "simulate_network", lambda sc, unit: seen.append(torch.get_num_threads()) or real(sc, unit)
    )
    sc = _scenario(sweep=dict(channel="rayleigh"))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        rows = engine.run_network_unit(sc, expand_network_units(sc)[0])
        assert seen == [NETWORK_UNIT_THREADS] == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    monkeypatch.setattr(engine, "NETWORK_UNIT_THREADS", 2)  # the earlier 2-thread setting ...
    torch.set_num_threads(1)
    try:
        assert engine.run_network_unit(sc, expand_network_units(sc)[0]) == rows  # ... decides the same
    finally:
        torch.set_num_threads(before)


def test_every_scheduler_declares_the_network_settings_its_constructor_takes():
    """The engine passes a scheduler only its declared settings (none swallows another's)."""
    import inspect

    from semcom.simulator.network.schema import NetworkSpec

    for name in SCHEDULERS.names():
        cls = SCHEDULERS.get(name)
        keywords = list(inspect.signature(cls.__init__).parameters)[4:]  # after self, N, R, rng
        assert keywords == list(cls.settings), name
        assert set(cls.settings) <= set(NetworkSpec.model_fields), name


def test_a_network_channel_is_a_registered_model_a_slot_can_carry():
    """A misspelt model gets the registry's did-you-mean; a registered one a slot cannot carry
    (OFDM: a message is one flat-fading block per slot) is refused naming the models it can."""
    with pytest.raises(
        ScenarioError,
        match=r"^channels.rayleigh.model: unknown channel model \(did you mean "
        r"'rayleigh'\?\)",
    ):
        check_network_scenario(
            _scenario(channels=dict(awgn=dict(model="awgn"), rayleigh=dict(model="rayleig"))),
            check_data=False,
        )
    with pytest.raises(
        ScenarioError, match=r"^channels.tdl.model: cannot carry network links .*use one of: "
    ):
        check_network_scenario(
            _scenario(channels=dict(awgn=dict(model="awgn"), tdl=dict(model="ofdm-tdl"))), check_data=False
        )
