"""Parallel execution: network studies give the same bytes on every executor, and a worker
killed mid-study (kill -9) costs only its units: the study finishes with the results.csv
of an undisturbed run."""

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from semcom.simulator.kinds import run_study
from semcom.simulator.link.schema import parse_scenario
from semcom.simulator.network.schema import parse_network_scenario
from semcom.simulator.run.pool import run_supervised

NETWORK = dict(
    name="net_exec",
    kind="network",
    seed=3,
    data=dict(dataset="digits", limit=400),
    models=dict(cam=dict(kind="pca", latent_dim=16), hub=dict(kind="rotation", latent_dim=16, seed=1)),
    channels=dict(rayleigh=dict(model="rayleigh", csi="ls")),
    network=dict(
        slot_duration_s=1e-3,
        resource_blocks=4,
        channel_uses_per_rb=6,
        duration_s=0.05,
        warmup_s=0.005,
        receivers=dict(hub=dict(model="hub")),
        transmitters=dict(cam=dict(model="cam", count=3, distance_m=dict(min=10, max=30))),
    ),
    sweep=dict(
        arrival_rate=[100, 600],
        num_anchors=[4, 16],
        scheduler=["round_robin", "slotted_aloha"],
        semantic_equalizer=["relative"],
        channel="rayleigh",
    ),
)

# A link study whose units take long enough (digital: LDPC decoding) to be killed mid-study.
LINK = dict(
    name="kill",
    seed=5,
    data=dict(dataset="digits", limit=600),
    models=dict(
        tx=dict(kind="pca", latent_dim=20), rx=dict(kind="rotation", latent_dim=24, seed=2, noise_std=0.1)
    ),
    scheme=dict(kind="digital", code_rate=0.5, num_bits_per_symbol=2, block_length=256),
    sweep=dict(
        snr_db=[0, 2, 4],
        num_anchors=[4, 8, 16, 32],
        transmitter="tx",
        receiver="rx",
        bits=4,
        semantic_equalizer=["relative", "oracle"],
        seed=[1, 2, 3],
    ),
)


def _network(tmp_path: Path, name: str, **kw) -> bytes:
    out = tmp_path / name
    run_study(parse_network_scenario(NETWORK), out, quiet=True, plots=False, **kw)
    return (out / "network_results.csv").read_bytes()


def _link(tmp_path: Path, name: str, **kw) -> bytes:
    out = tmp_path / name
    run_study(parse_scenario(LINK), out, quiet=True, plots=False, **kw)
    return (out / "results.csv").read_bytes()


@pytest.fixture(scope="module")
def network_reference(tmp_path_factory):
    return _network(tmp_path_factory.mktemp("net"), "inline")


def test_network_study_on_a_process_pool_gives_identical_bytes(tmp_path, network_reference):
    assert _network(tmp_path, "pool", workers=2) == network_reference


def test_network_study_on_dask_gives_identical_bytes(tmp_path, network_reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        assert _network(tmp_path, "dask", scheduler=cluster.scheduler_address) == network_reference


def _committed(out: Path) -> int:
    try:
        with sqlite3.connect(out / "results.sqlite", timeout=1) as db:
            return db.execute("select count(*) from units").fetchone()[0]
    except sqlite3.Error:
        return 0


def _kill_one_worker_after_first_commit(out: Path, pids, killed: list, total: int) -> threading.Thread:
    """Watch the store; once a unit is committed (workers are busy), kill -9 one worker."""

    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = _committed(out)
            victims = pids()
            if done >= 1 and victims:
                os.kill(victims[0], signal.SIGKILL)
                killed.append((victims[0], done))
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_pool_worker_killed_mid_study_costs_only_its_units(tmp_path):
    reference = _link(tmp_path, "inline")
    out = tmp_path / "killed"
    total = 12
    killed = []
    watcher = _kill_one_worker_after_first_commit(
        out, lambda: [p.pid for p in multiprocessing.active_children()], killed, total
    )
    result = _link(tmp_path, "killed", workers=2)
    watcher.join(5)
    assert killed, "no worker was killed"
    assert killed[0][1] < total  # it died with units left to run
    assert result == reference


@pytest.mark.slow  # the pool's test above holds the same contract in the default suite
def test_a_dask_worker_killed_mid_study_costs_only_its_units(tmp_path):
    distributed = pytest.importorskip("distributed")
    reference = _link(tmp_path, "inline")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as cluster,
        distributed.Client(cluster) as client,
    ):

        def worker_pids():
            return sorted(client.run(os.getpid).values())

        killed = []
        watcher = _kill_one_worker_after_first_commit(tmp_path / "killed", worker_pids, killed, 12)
        result = _link(tmp_path, "killed", scheduler=cluster.scheduler_address)
        watcher.join(5)
    assert killed, "no worker was killed"
    assert result == reference


def _square_or_die(x):
    if x == 3 and not os.path.exists(os.environ["SEMCOM_TEST_FLAG"]):
        open(os.environ["SEMCOM_TEST_FLAG"], "w").close()
        os.kill(os.getpid(), signal.SIGKILL)  # dies once, holding unit 3 (and a prefetched one)
    return x * x


def _always_die(x):
    os.kill(os.getpid(), signal.SIGKILL)


def test_supervised_pool_retries_the_units_of_a_dead_worker_once_each(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMCOM_TEST_FLAG", str(tmp_path / "died"))
    results = dict(run_supervised(list(range(10)), _square_or_die, 2, method="fork"))
    assert results == {x: x * x for x in range(10)}
    assert (tmp_path / "died").exists()


def test_a_unit_that_always_kills_its_worker_is_an_error_not_a_loop():
    with pytest.raises(RuntimeError, match="killed 3 worker processes"):
        list(run_supervised([1], _always_die, 1, method="fork"))
