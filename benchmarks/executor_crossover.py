"""When do ``--workers 2`` and Dask pay? Studies of cheap and of costly units, each run as a user
runs it (a fresh ``semcom run`` process, imports and checks included: the manifest's
``wall_time_s``), inline, on two local workers and on a two-worker Dask LocalCluster (one
thread each; the cluster started beforehand, its start-up timed apart), every cache warm:
the quickstart with 2 and 50 units (a warm unit takes about 0.1 s) and the 24-unit digital
sweep of the ``workers`` benchmark (LDPC decoding: about 1.5 s a unit).

    python -m benchmarks.executor_crossover [--studies quickstart-2,quickstart-50,digital-24]

Prints one line per (study, executor): the manifest's wall time, the units' share of it, the
process's wall time (what the user waits, its exit included) and the process time's ratio to
inline. Alternates executors within a study, so a change in the machine's load hits all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: study -> (scenario, overrides)
STUDIES = {
    "quickstart-2": ("quickstart", ["sweep.num_anchors=[16]", "sweep.seed=[1]"]),
    "quickstart-10": ("quickstart", ["sweep.seed=[1]"]),
    "quickstart-50": ("quickstart", []),
    "digital-24": (None, []),
}


def _digital_yaml(folder: Path) -> str:
    import yaml

    from benchmarks.bench_workers import scenario

    path = folder / "digital24.yaml"
    path.write_text(yaml.safe_dump(scenario().model_dump(mode="json", exclude_none=True), sort_keys=False))
    return str(path)


def _semcom_run(scenario: str, out: Path, sets: list[str], extra: list[str]) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "semcom.simulator.cli",
        "run",
        scenario,
        "--out",
        str(out),
        "--quiet",
        "--no-plots",
        *[a for s in sets for a in ("--set", s)],
        *extra,
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - t0
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "process_s": seconds,
        "wall_time_s": manifest["wall_time_s"],
        "units_time_s": manifest["units_time_s"],
        "units": manifest["units_total"],
        "executor": manifest["executor"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", default="quickstart-2,quickstart-50,digital-24")
    args = parser.parse_args(argv)
    from dask.distributed import LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    cluster_start = time.perf_counter() - t0
    print(
        f"Dask LocalCluster (2 workers x 1 thread) started in {cluster_start:.1f} s "
        f"(os.getloadavg() {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    executors = {
        "inline": [],
        "workers 2": ["--workers", "2"],
        "dask 2": ["--scheduler", cluster.scheduler_address],
    }
    with tempfile.TemporaryDirectory(prefix="semcom-crossover-") as tmp:
        digital = _digital_yaml(Path(tmp))
        for scenario in ("quickstart", digital):  # every cache warm (encoders, latents, heads)
            _semcom_run(scenario, Path(tmp) / f"warm-{Path(scenario).stem}", [], [])
        for study in args.studies.split(","):
            scenario, sets = STUDIES[study]
            times = {}
            for name, extra in executors.items():
                res = _semcom_run(
                    scenario or digital, Path(tmp) / f"{study}-{name.replace(' ', '')}", sets, extra
                )
                times[name] = res["process_s"]
                print(
                    f"{study:14s} units {res['units']:3d}  {name:9s}  manifest {res['wall_time_s']:6.1f} s  units "
                    f"{res['units_time_s']:6.1f} s  process {res['process_s']:6.1f} s  "
                    f"inline/this {times['inline'] / res['process_s']:.2f}  "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
