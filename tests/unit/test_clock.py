"""A command's start is its process's start when the process is the command (the manifest's
wall time then includes the interpreter's start and the imports), and the call's when main()
is called from a running program."""

import subprocess
import sys
import time

from semcom.core.clock import command_started, process_age_s


def test_a_process_knows_its_age():
    code = (
        "import time; time.sleep(1.0); from semcom.core.clock import process_age_s, command_started; "
        "print(process_age_s(), time.perf_counter() - command_started(None))"
    )
    age, waited = map(
        float,
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split(),
    )
    assert 1.0 <= age < 60 and 1.0 <= waited < 60


def test_an_in_process_call_starts_now():
    assert process_age_s() > 0
    assert abs(command_started(["run", "quickstart"]) - time.perf_counter()) < 0.5
