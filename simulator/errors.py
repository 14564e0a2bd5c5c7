"""Errors the CLI shows to users as one line (exit status 2)."""

from transceivers.errors import SemcomInputError

__all__ = ["ScenarioError", "SemcomInputError"]


class ScenarioError(SemcomInputError):
    """A scenario that cannot run: names the field path, the bad value and the fix."""

    def __init__(self, field: str, value, problem: str, fix: str = ""):
        self.field, self.value = field, value
        msg = f"{field}: {problem}"
        if value is not None and "got" not in problem:
            msg += f" (got {value!r})"
        if fix:
            msg += f"; {fix}"
        super().__init__(msg)
