"""Errors shown to users as one line (the CLI exits with status 2).

Every layer raises these for bad input, so they live below all of them.
"""

import reprlib

__all__ = ["SemcomInputError", "ScenarioError", "ScenarioErrors", "short_repr"]

# A bad value is shown in a few dozen characters, however large or deep (an alias bomb
# expanded by repr would never end)
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 3, 8, 8, 4, 8
_REPR.maxstring, _REPR.maxlong, _REPR.maxother = 80, 40, 80


def short_repr(value) -> str:
    """``repr(value)`` cut to a few dozen characters, at bounded cost."""
    try:
        return _REPR.repr(value)
    except ValueError:  # an integer too long for Python to print
        return f"<a {type(value).__name__}>"


class SemcomInputError(ValueError):
    """Bad user input: the message names the field or file, the value and the fix.

    The CLI prints it as one line and exits with status 2.
    """


class ScenarioError(SemcomInputError):
    """A scenario that cannot run: names the field path, the bad value and the fix."""

    def __init__(self, field: str, value, problem: str, fix: str = ""):
        self.field, self.value = field, value
        self._parts = (field, value, problem, fix)
        msg = f"{field}: {problem}"
        if value is not None and "got" not in problem:
            msg += f" (got {short_repr(value)})"
        if fix:
            msg += f"; {fix}"
        super().__init__(msg)

    def __reduce__(self):
        # a worker process sends it back pickled: rebuild it from its parts, not from its message
        return type(self), self._parts


class ScenarioErrors(ExceptionGroup, ScenarioError):
    """Several :class:`ScenarioError` found in one pass; the CLI prints one line each.

    An :class:`ExceptionGroup` (``except* ScenarioError`` takes them apart) that is also a
    :class:`ScenarioError` (``except ScenarioError`` catches it whole), worded as its
    first error with the count of the others.

    :ivar errors: list[ScenarioError], in the order they were found (never empty):
        the group's ``exceptions``.
    """

    def __new__(cls, errors: list[ScenarioError]):
        errors = list(errors)
        more = len(errors) - 1
        message = str(errors[0]) + (f" (and {more} more error{'s' * (more > 1)})" if more else "")
        return super().__new__(cls, message, errors)

    def __init__(self, errors: list[ScenarioError]):
        super().__init__(self.message, self.exceptions)
        self.field, self.value = self.exceptions[0].field, self.exceptions[0].value

    @property
    def errors(self) -> list[ScenarioError]:
        return list(self.exceptions)

    def __str__(self) -> str:
        return self.message

    def derive(self, excs) -> "ScenarioErrors":
        return ScenarioErrors(excs)

    def __reduce__(self):
        return ScenarioErrors, (list(self.exceptions),)

    @classmethod
    def of(cls, errors: list[ScenarioError]) -> ScenarioError:
        """The one error itself, or all of them together."""
        return errors[0] if len(errors) == 1 else cls(errors)
