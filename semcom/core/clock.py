"""When the user's command started, on the clock ``time.perf_counter`` reads, so a run's manifest
times the command as its user waited for it: interpreter start and imports included.

>>> import time
>>> 0 <= time.perf_counter() - command_started(None) < 3600     # this process is the command
True
>>> abs(command_started(["run", "quickstart"]) - time.perf_counter()) < 1.0   # called in-process
True
"""

from __future__ import annotations

import os
import time

__all__ = ["command_started", "process_age_s"]


def process_age_s() -> float | None:
    """Seconds since this process started (Linux: ``/proc/self/stat`` on the boot clock); `None`
    where that cannot be read."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return age if 0 <= age < 365 * 86400 else None


def command_started(argv: list[str] | None) -> float:
    """``time.perf_counter()`` when the command began: the process's start when the process is the
    command (``argv`` is `None`: the arguments are the process's own), else now (a call from a
    running program, whose age is not the command's)."""
    now = time.perf_counter()
    age = process_age_s() if argv is None else None
    return now - age if age is not None else now
