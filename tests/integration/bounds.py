"""Running a command of the CLI within a time and memory bound, in a child process.

What a hostile input must never cost: :data:`SECONDS` of CPU time (what the input costs,
whatever else loads a shared machine; wall time is held to :data:`WALL_SECONDS`, a hang
detector) and :data:`MEMORY` of resident memory beyond what the process held when the
input arrived. Each case runs in a child forked from the test process (the libraries are
imported once, in the parent), and the kernel's own accounts of that child are the
measure: its peak resident set (``ru_maxrss`` from ``wait4``) less its resident set at
the fork, and its user + system time. A child's peak cannot hide in what the parent held
before or in what an earlier case leaked. The child's address space is capped
(``RLIMIT_AS``), so an input that would allocate gigabytes fails the test instead of
taking the machine down; a refusal that comes from that cap (the CLI's out-of-memory
line) fails the test too, since the checks must refuse such an input before allocating.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

from semcom.simulator.cli import main

#: CPU time one hostile input may take (a bounded refusal takes well under a second).
SECONDS = 10.0
#: Wall time one hostile input may take on a busy machine (a hang detector).
WALL_SECONDS = 60.0
#: Resident memory one hostile input may add.
MEMORY = 1 << 30
# Address space allowed beyond what the child maps at the fork (threads reserve stacks and arenas)
_ADDRESS_HEADROOM = 3 << 30
# ru_maxrss is in KiB on Linux, in bytes on macOS
_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024
_OUT_OF_MEMORY = "semcom: error: out of memory"


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _child(fn: Callable[[], Any], write_fd: int) -> None:
    """Run ``fn`` in the forked child and send (resident bytes at start, outcome) to the parent."""
    status = 1
    try:
        import torch

        torch.set_num_threads(1)  # the parent's thread pool does not survive a fork
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _MAXRSS_BYTES
        size = _mapped_bytes()
        if size is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = size + _ADDRESS_HEADROOM
            resource.setrlimit(
                resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
            )
        try:
            outcome = ("value", fn())
        except BaseException as exc:  # the parent re-raises it, with the child's traceback
            outcome = ("error", exc, traceback.format_exc())
        try:
            payload = pickle.dumps((start, outcome))
        except Exception:
            payload = pickle.dumps((start, ("error", RuntimeError(repr(outcome)), "")))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)


def bounded_call(fn: Callable[[], Any]) -> tuple[Any, dict]:
    """``fn()`` run in a forked child: (its return value, its cost), the cost a dict of
    ``seconds`` (CPU, user + system), ``wall_seconds`` and ``added_bytes`` (peak resident
    memory less the resident memory at the fork). An exception ``fn`` raises is raised
    here, with the child's traceback in its message. A child still running after
    :data:`WALL_SECONDS` is killed and fails the call."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush(), sys.stderr.flush()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(fn, write_fd)
    os.close(write_fd)
    chunks, deadline = [], t0 + WALL_SECONDS
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.perf_counter()))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.wait4(pid, 0)
                raise AssertionError(f"still running after {WALL_SECONDS:.0f} s of wall time (killed)")
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if not chunks:
        raise AssertionError(f"the child ended without an answer (wait status {status}; a signal or a crash)")
    start, outcome = pickle.loads(b"".join(chunks))
    cost = dict(
        seconds=usage.ru_utime + usage.ru_stime,
        wall_seconds=wall,
        added_bytes=usage.ru_maxrss * _MAXRSS_BYTES - start,
    )
    if outcome[0] == "error":
        exc = outcome[1]
        exc.add_note(f"--- raised in the bounded child ---\n{outcome[2]}")
        raise exc
    return outcome[1], cost


def assert_within_bounds(cost: dict, what: Any = None) -> None:
    """The cost of :func:`bounded_call` within :data:`SECONDS`, :data:`WALL_SECONDS` and
    :data:`MEMORY`; with ``SEMCOM_BOUNDS_LOG`` set, the cost is also appended to that file
    (one JSON line per case: how the figures in the notes are measured)."""
    log = os.environ.get("SEMCOM_BOUNDS_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps({"case": repr(what)[:200], **cost}) + "\n")
    assert cost["seconds"] < SECONDS and cost["wall_seconds"] < WALL_SECONDS, (what, cost)
    assert cost["added_bytes"] < MEMORY, (what, cost)


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def run_cli(*argv: str, bound: bool = True) -> tuple[int, str, str]:
    """``semcom ARGV``: (exit code, stdout, stderr). With ``bound``, in a forked child
    whose time and memory are asserted within the bounds (and whose refusal is not the
    address-space cap's out-of-memory line); without, in this process (a run that
    computes something, whose files the test then reads, is not bounded)."""
    if not bound:
        return _cli(list(argv))
    (rc, out, err), cost = bounded_call(lambda: _cli(list(argv)))
    assert_within_bounds(cost, argv)
    assert _OUT_OF_MEMORY not in err, (argv, err)
    return rc, out, err


def assert_one_line_refusal(rc: int, err: str, *needles: str) -> None:
    """Exit 2, and every line of stderr a ``semcom: error: <field>: <problem>; <fix>`` line."""
    assert rc == 2, err
    lines = err.splitlines()
    assert lines and all(line.startswith("semcom: error: ") and "; " in line for line in lines), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
