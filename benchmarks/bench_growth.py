"""Cost growth: time and peak memory of a study as each dimension of the work grows.

Link study (synthetic latents, analog, AWGN, ``relative`` equaliser): test samples,
anchors K, SNR points and seeds, one at a time from a base point. Network study
(SimPy, Rayleigh, one medium): agents 12 → 48 → 192 over 1 simulated second, and
simulated seconds at 48 agents. Every measurement runs in a fresh child process:
wall time of ``run_study`` (imports excluded) and peak RSS above the RSS before the
run (VmHWM, the peak of the child process image). The fitted exponent is the least-squares slope of log(cost) over
log(size): 1 is linear in the work; below 1, fixed costs (head fitting, channel
set-up, the SimPy loop per slot) still dominate at these sizes.

    python benchmarks/run.py --only growth
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import textwrap

from .common import ROOT

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from semcom.simulator.run.executors import set_threads
    set_threads({threads})
    kind = {kind!r}
    from semcom.simulator.kinds import run_study as run
    if kind == "network":
        from semcom.simulator.network.schema import parse_network_scenario as parse
    else:
        from semcom.simulator.link.schema import parse_scenario as parse
    sc = parse({scenario!r})
    def status_mb(key):
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return 0.0
    before = status_mb("VmRSS")
    t0 = time.perf_counter()
    run(sc, {out!r}, quiet=True, plots=False)
    seconds = time.perf_counter() - t0
    # VmHWM: the peak of this process image. ru_maxrss survives fork and execve on Linux,
    # so it would report the benchmark parent's peak (1.4 GB after the memory benchmark).
    peak = status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"seconds": seconds, "peak_mb": peak, "before_mb": before}}))
""")

LINK_BASE = dict(samples=16000, num_anchors=32, snr_points=10, seeds=1)
LINK_AXES = {
    "samples": [16000, 64000, 256000],
    "num_anchors": [32, 128, 512],
    "snr_points": [10, 40, 160],
    "seeds": [1, 4, 16],
}
NETWORK_BASE = dict(agents=48, seconds=1.0)
NETWORK_AXES = {"agents": [12, 48, 192], "seconds": [0.25, 1.0, 4.0]}


def link_scenario(samples: int, num_anchors: int, snr_points: int, seeds: int) -> dict:
    return {
        "name": "growth_link",
        "seed": 1,
        "data": {"dataset": "synthetic", "limit": int(samples / 0.8), "test_fraction": 0.8},
        "models": {
            "alice": {"kind": "rotation", "seed": 0},
            "bob": {"kind": "rotation", "seed": 1, "scale": 3.0, "noise_std": 0.05},
        },
        "sweep": {
            "snr_db": [round(-10 + 40 * i / max(1, snr_points - 1), 4) for i in range(snr_points)],
            "num_anchors": [num_anchors],
            "transmitter": "alice",
            "receiver": "bob",
            "semantic_equalizer": ["relative"],
            "seed": list(range(1, seeds + 1)),
        },
    }


def network_scenario(agents: int, seconds: float) -> dict:
    """``agents`` transmitters at 20 messages/s each to 2 edge servers over 12 RBs per 1 ms slot."""
    return {
        "name": "growth_network",
        "kind": "network",
        "seed": 1,
        "data": {"dataset": "digits", "test_fraction": 0.3},
        "models": {
            "pca": {"kind": "pca", "latent_dim": 24},
            "rotated": {"kind": "rotation", "latent_dim": 32, "seed": 3, "noise_std": 0.05},
        },
        "channels": {"rayleigh": {"model": "rayleigh", "csi": "ls", "num_pilots": 1}},
        "scheme": {"kind": "analog"},
        "network": {
            "slot_duration_s": 0.001,
            "resource_blocks": 12,
            "channel_uses_per_rb": 12,
            "duration_s": seconds,
            "warmup_s": 0.05,
            "queue_limit": 64,
            "path_loss": {"reference_snr_db": 30, "reference_distance_m": 10, "exponent": 3.0},
            "receivers": {"edge_a": {"model": "rotated"}, "edge_b": {"model": "rotated"}},
            "transmitters": {
                "sensor": {
                    "model": "pca",
                    "count": agents,
                    "distance_m": {"min": 10, "max": 60},
                    "receiver": ["edge_a", "edge_b"],
                }
            },
        },
        "sweep": {
            "arrival_rate": [20],
            "num_anchors": [16],
            "scheduler": ["round_robin"],
            "semantic_equalizer": ["relative"],
            "channel": "rayleigh",
            "seed": 1,
        },
    }


def _measure(kind: str, scenario: dict, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        code = CHILD.format(threads=threads, kind=kind, scenario=scenario, out=out)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
        return json.loads(proc.stdout.strip().splitlines()[-1])


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) over log(x).

    >>> round(slope([1, 2, 4], [3, 6, 12]), 6)
    1.0
    """
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def _sweep(kind: str, base: dict, axes: dict, build, threads: int) -> dict:
    table = {}
    for axis, values in axes.items():
        points = [(v, _measure(kind, build(**{**base, axis: v}), threads)) for v in values]
        ok = [(v, m) for v, m in points if "error" not in m]
        entry = {
            "values": values,
            "seconds": [round(m.get("seconds", float("nan")), 3) for _, m in points],
            "extra_mb": [
                round(m["peak_mb"] - m["before_mb"], 1) if "peak_mb" in m else None for _, m in points
            ],
            "errors": [m["error"] for _, m in points if "error" in m],
        }
        if len(ok) >= 2:
            entry["time_exponent"] = round(slope([v for v, _ in ok], [m["seconds"] for _, m in ok]), 2)
            # between the two largest sizes: closest to the asymptotic growth (fixed costs amortised)
            entry["time_exponent_last"] = round(
                slope([v for v, _ in ok[-2:]], [m["seconds"] for _, m in ok[-2:]]), 2
            )
            entry["memory_exponent"] = round(
                slope([v for v, _ in ok], [max(m["peak_mb"] - m["before_mb"], 1.0) for _, m in ok]), 2
            )
        table[axis] = entry
    return table


def format_table(results: dict) -> str:
    """The growth table as Markdown (README-ready)."""
    lines = [
        "| study | grows | sizes | time (s) | time exp. (all / last two) | extra peak RSS (MB) | memory exp. |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in ("link", "network"):
        for axis, e in results.get(kind, {}).items():
            lines.append(
                f"| {kind} | {axis} | {' → '.join(map(str, e['values']))} | "
                f"{' / '.join(map(str, e['seconds']))} | "
                f"{e.get('time_exponent', '–')} / {e.get('time_exponent_last', '–')} | "
                f"{' / '.join(map(str, e['extra_mb']))} | {e.get('memory_exponent', '–')} |"
            )
    return "\n".join(lines)


def run(threads: int = 1) -> dict:
    results = {
        "link": _sweep("link", LINK_BASE, LINK_AXES, link_scenario, threads),
        "network": _sweep("network", NETWORK_BASE, NETWORK_AXES, network_scenario, threads),
    }
    agents = results["network"]["agents"]
    if not agents["errors"]:
        # whole run per agent, and the marginal cost of one more agent for one simulated second
        results["network_cost_per_agent_ms"] = [
            round(1000 * s / a, 2) for s, a in zip(agents["seconds"], agents["values"])
        ]
        (a0, a1), (t0, t1) = agents["values"][-2:], agents["seconds"][-2:]
        results["network_marginal_ms_per_agent_second"] = round(1000 * (t1 - t0) / (a1 - a0), 2)
    print(format_table(results))
    return {**results, "targets": {"192 agents over 1 s finish": not agents["errors"]}}
