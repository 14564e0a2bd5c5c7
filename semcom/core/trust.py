"""Whether user code a scenario names may run: the explicit opt-in.

A scenario whose agent says ``import: my_package.encoders:build`` is a program: importing
the module runs its top-level code, and the callable runs with the user's rights. semcom
imports it only when the user says so: ``semcom run --allow-code``,
``semcom.run(..., allow_code=True)``, or :data:`ALLOW_CODE_ENV` set to ``1`` in the
environment (the first two set it for the run, so worker processes inherit it).

Example::

    from semcom.core.trust import allowing_code, code_allowed
    with allowing_code():
        assert code_allowed()
"""

from __future__ import annotations

import contextlib
import os

__all__ = ["ALLOW_CODE_ENV", "code_allowed", "allowing_code"]

#: The environment setting that allows scenarios to import user code (``1``).
ALLOW_CODE_ENV = "SEMCOM_ALLOW_CODE"


def code_allowed() -> bool:
    """Whether this process may import user code named by a scenario."""
    return os.environ.get(ALLOW_CODE_ENV) == "1"


@contextlib.contextmanager
def allowing_code(allow: bool = True):
    """Allow (or not) user code for the block, and for the worker processes it starts."""
    before = os.environ.get(ALLOW_CODE_ENV)
    os.environ[ALLOW_CODE_ENV] = "1" if allow else "0"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ALLOW_CODE_ENV, None)
        else:
            os.environ[ALLOW_CODE_ENV] = before
