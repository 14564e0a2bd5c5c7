"""Network units under load: a few units of ``scenarios/network_edge.yaml`` timed with the
machine otherwise idle and while one other CPU-bound process runs (``python -c "while True:
pass"``, started and stopped by this benchmark), with torch on 2 threads (what the slot
decoding inherited from its caller before) and on the 1 thread network units now pin
(:data:`semcom.core.threads.NETWORK_UNIT_THREADS`).

Target: loaded / quiet <= 2 for the pinned setting. Quiet and loaded runs
alternate (``REPEATS`` times) and the minimum of each is compared. The process's CPU time
in the quiet runs is reported too: on a machine other work loads, it is the figure that
does not move with that load. Each slot decodes a few
small tensors (~3.8 ms per slot): two OpenMP threads spin at every barrier, and when the
competitor takes one core each barrier waits for a descheduled thread.

    python benchmarks/run.py --only network_load
"""

from __future__ import annotations

import subprocess
import sys
import time

UNITS = 2
REPEATS = 3


def _units():
    from benchmarks.common import ROOT
    from semcom.simulator.kinds import get_kind, load_study

    sc = load_study(ROOT / "scenarios" / "network_edge.yaml")
    kind = get_kind("network")
    units = kind.expand(sc)
    # the busiest units: highest load, largest K (the ones that decode most messages per slot)
    units = sorted(units, key=lambda u: (-u.arrival_rate, -u.num_anchors, u.scheduler, u.semantic_equalizer))
    return sc, kind, units[:UNITS]


def _time_units(sc, kind, units, threads: int | None) -> float:
    import torch

    from semcom.simulator.network import engine

    pinned = engine.NETWORK_UNIT_THREADS
    before = torch.get_num_threads()
    try:
        if threads is not None:  # override the pin to time what the code did before
            engine.NETWORK_UNIT_THREADS = threads
        t0 = time.perf_counter()
        for u in units:
            kind.runner().run_unit(sc, u)
        return time.perf_counter() - t0
    finally:
        engine.NETWORK_UNIT_THREADS = pinned
        torch.set_num_threads(before)


def _competitor():
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def run(repeats: int = REPEATS, before: bool = True) -> dict:
    """:param before: also time the earlier 2-thread setting (slow under load)."""
    import torch

    from semcom.core.threads import NETWORK_UNIT_THREADS
    from semcom.simulator.network.runner import prepare_workers
    from semcom.simulator.run.executors import set_threads

    sc, kind, units = _units()
    set_threads(2)
    prepare_workers(sc)
    kind.runner().run_unit(sc, units[0])  # warm: heads fitted, caches filled
    out: dict = {"units": len(units), "repeats": repeats, "pinned_threads": NETWORK_UNIT_THREADS}
    settings = {"2 threads (before)": 2} if before else {}
    settings[f"{NETWORK_UNIT_THREADS} thread (pinned)"] = None
    times = {(name, load): [] for name in settings for load in ("quiet", "loaded")}
    # interleaved (quiet, loaded, quiet, loaded, ...): load that comes and goes on a shared
    # machine hits both alike; the least disturbed (minimum) time of each is compared
    cpu = {name: [] for name in settings}
    for _ in range(repeats):
        for name, threads in settings.items():
            c0 = time.process_time()
            times[(name, "quiet")].append(_time_units(sc, kind, units, threads))
            cpu[name].append(time.process_time() - c0)
            competitor = _competitor()
            try:
                time.sleep(0.5)
                times[(name, "loaded")].append(_time_units(sc, kind, units, threads))
            finally:
                competitor.kill()
                competitor.wait()
    for name in settings:
        quiet, loaded = min(times[(name, "quiet")]), min(times[(name, "loaded")])
        out[f"{name}: quiet s"] = quiet
        out[f"{name}: loaded s"] = loaded
        out[f"{name}: loaded/quiet"] = loaded / quiet
        out[f"{name}: all s"] = times[(name, "quiet")] + times[(name, "loaded")]
        # CPU time of this process (all its threads) in the quiet runs: what the work costs,
        # whatever else runs (two spinning threads burn CPU while they wait at barriers)
        out[f"{name}: quiet cpu s"] = min(cpu[name])
    pinned = f"{NETWORK_UNIT_THREADS} thread (pinned)"
    if before:
        out["pinned speed-up over 2 threads, loaded"] = (
            out["2 threads (before): loaded s"] / out[f"{pinned}: loaded s"]
        )
    out["targets"] = {"pinned loaded/quiet <= 2": out[f"{pinned}: loaded/quiet"] <= 2.0}
    out["torch_threads_after"] = torch.get_num_threads()
    return out
