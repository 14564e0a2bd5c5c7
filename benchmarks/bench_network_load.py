"""Network units under load: a few units of ``scenarios/network_edge.yaml`` timed with the
machine otherwise idle and while one other CPU-bound process runs (``python -c "while True:
pass"``, started and stopped by this benchmark), with torch on 2 threads (what the slot
decoding inherited before issue 24) and on the 1 thread network units now pin
(:data:`semcom.core.threads.NETWORK_UNIT_THREADS`).

Target (issue 24): loaded / quiet <= 2 for the pinned setting. Each slot decodes a few
small tensors (~3.8 ms per slot): two OpenMP threads spin at every barrier, and when the
competitor takes one core each barrier waits for a descheduled thread.

    python benchmarks/run.py --only network_load
"""

from __future__ import annotations

import subprocess
import sys
import time

UNITS = 4


def _units():
    from semcom.simulator.kinds import get_kind, load_study
    from benchmarks.common import ROOT

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
        if threads is not None:          # override the pin to time what the code did before
            engine.NETWORK_UNIT_THREADS = threads
        t0 = time.perf_counter()
        for u in units:
            kind.run_unit(sc, u)
        return time.perf_counter() - t0
    finally:
        engine.NETWORK_UNIT_THREADS = pinned
        torch.set_num_threads(before)


def run() -> dict:
    import torch

    from semcom.core.threads import NETWORK_UNIT_THREADS
    from semcom.simulator.executors import set_threads

    sc, kind, units = _units()
    set_threads(2)
    kind.warm_parent(sc)
    kind.run_unit(sc, units[0])                       # warm: heads fitted, caches filled
    out: dict = {"units": len(units), "pinned_threads": NETWORK_UNIT_THREADS}
    settings = {"2 threads (before)": 2, f"{NETWORK_UNIT_THREADS} thread (pinned)": None}
    quiet = {name: _time_units(sc, kind, units, t) for name, t in settings.items()}
    competitor = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        loaded = {name: _time_units(sc, kind, units, t) for name, t in settings.items()}
    finally:
        competitor.kill()
        competitor.wait()
    for name in settings:
        out[f"{name}: quiet s"] = quiet[name]
        out[f"{name}: loaded s"] = loaded[name]
        out[f"{name}: loaded/quiet"] = loaded[name] / quiet[name]
    pinned = f"{NETWORK_UNIT_THREADS} thread (pinned)"
    out["targets"] = {"pinned loaded/quiet <= 2": loaded[pinned] / quiet[pinned] <= 2.0}
    out["torch_threads_after"] = torch.get_num_threads()
    return out
