"""Running a command of the CLI in this process within a time and memory bound.

What a hostile input must never cost: :data:`SECONDS` of this process's CPU time (what
the input costs, whatever else loads a shared machine; wall time is held to
:data:`WALL_SECONDS`, a hang detector) and :data:`MEMORY` of resident memory beyond what
the process held before. The peak is read from Linux's
``VmHWM`` after resetting it (``/proc/self/clear_refs``); the address space is capped
for the duration (``RLIMIT_AS``), so an input that would allocate gigabytes fails the
test with a MemoryError instead of taking the machine down.
"""

from __future__ import annotations

import io
import resource
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from semcom.simulator.cli import main

#: CPU time one hostile input may take (a bounded refusal takes well under a second).
SECONDS = 10.0
#: Wall time one hostile input may take on a busy machine (a hang detector).
WALL_SECONDS = 60.0
#: Resident memory one hostile input may add.
MEMORY = 1 << 30
# Address space allowed beyond what the process maps (threads reserve stacks and arenas)
_ADDRESS_HEADROOM = 3 << 30


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


@contextmanager
def bounded():
    """Yield a dict that holds, after the block, ``seconds`` (CPU), ``wall_seconds`` and
    ``added_bytes`` (peak resident memory added; `None` where Linux's counters are not
    available)."""
    out: dict = {}
    try:
        Path("/proc/self/clear_refs").write_text("5")     # resets VmHWM to the current RSS
        base = _status_kib("VmRSS")
    except OSError:
        base = None
    size = _status_kib("VmSize")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if size is not None:
        cap = size * 1024 + _ADDRESS_HEADROOM
        cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        yield out
    finally:
        out["seconds"], out["wall_seconds"] = time.process_time() - cpu0, time.perf_counter() - t0
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        peak = _status_kib("VmHWM")
        out["added_bytes"] = None if base is None or peak is None else (peak - base) * 1024


def run_cli(*argv: str, bound: bool = True) -> tuple[int, str, str]:
    """``semcom ARGV`` in this process: (exit code, stdout, stderr); with ``bound``, the
    time and memory bounds are asserted (a run that computes something is not bounded)."""
    out, err = io.StringIO(), io.StringIO()
    with bounded() as cost, redirect_stdout(out), redirect_stderr(err):
        rc = main(list(argv))
    if bound:
        assert cost["seconds"] < SECONDS and cost["wall_seconds"] < WALL_SECONDS, (argv, cost)
        assert cost["added_bytes"] is None or cost["added_bytes"] < MEMORY, (argv, cost)
    return rc, out.getvalue(), err.getvalue()


def assert_one_line_refusal(rc: int, err: str, *needles: str) -> None:
    """Exit 2, and every line of stderr a ``semcom: error: <field>: <problem>; <fix>`` line."""
    assert rc == 2, err
    lines = err.splitlines()
    assert lines and all(line.startswith("semcom: error: ") and "; " in line for line in lines), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
