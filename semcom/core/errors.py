"""Errors shown to users as one line (the CLI exits with status 2).

Every layer raises these for bad input, so they live below all of them.
"""

__all__ = ["SemcomInputError", "ScenarioError", "ScenarioErrors"]


class SemcomInputError(ValueError):
    """Bad user input: the message names the field or file, the value and the fix.

    The CLI prints it as one line and exits with status 2.
    """


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


class ScenarioErrors(ScenarioError):
    """Several :class:`ScenarioError` found in one pass; the CLI prints one line each.

    :ivar errors: list[ScenarioError], in the order they were found (never empty).
    """

    def __init__(self, errors: list[ScenarioError]):
        self.errors = list(errors)
        first = self.errors[0]
        self.field, self.value = first.field, first.value
        more = len(self.errors) - 1
        ValueError.__init__(self, str(first) + (f" (and {more} more error{'s' * (more > 1)})" if more else ""))

    @classmethod
    def of(cls, errors: list[ScenarioError]) -> ScenarioError:
        """The one error itself, or all of them together."""
        return errors[0] if len(errors) == 1 else cls(errors)
