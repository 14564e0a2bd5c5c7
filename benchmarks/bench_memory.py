"""Target 4: a 1,000,000-sample study (synthetic latents) streams in chunks; peak RSS < 2 GB.

Runs the study in a fresh child process and reads the child's peak resident set size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap

from .common import ROOT

NUM_SAMPLES = 1_000_000

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from semcom.simulator.run.executors import set_threads
    set_threads({threads})
    from semcom.simulator.link.schema import parse_scenario
    from semcom.simulator.kinds import run_study
    sc = parse_scenario({scenario!r})
    t0 = time.perf_counter()
    result = run_study(sc, {out!r}, quiet=True)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"seconds": seconds, "peak_rss_mb": peak_mb, "units": result.units_total}}))
""")


def scenario(num_samples: int = NUM_SAMPLES) -> dict:
    return {
        "name": "bench_million",
        "seed": 1,
        "data": {"dataset": "synthetic", "limit": num_samples, "test_fraction": 0.99},
        "models": {
            "alice": {"kind": "rotation", "seed": 0},
            "bob": {"kind": "rotation", "seed": 1, "scale": 3.0, "noise_std": 0.05},
        },
        "sweep": {
            "snr_db": [-5.0, 0.0, 5.0, 10.0, 20.0],
            "num_anchors": [16, 64],
            "transmitter": "alice",
            "receiver": "bob",
            "semantic_equalizer": ["relative", "none", "oracle"],
        },
    }


def run(threads: int = 2, num_samples: int = NUM_SAMPLES) -> dict:
    with tempfile.TemporaryDirectory() as out:
        code = CHILD.format(threads=threads, scenario=scenario(num_samples), out=out)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["samples"] = num_samples
    result["targets"] = {"peak_rss_mb < 2048": result["peak_rss_mb"] < 2048}
    return result
