"""User-facing errors raised by transceivers (bad data files, bad settings)."""

__all__ = ["SemcomInputError"]


class SemcomInputError(ValueError):
    """Bad user input: the message names the field or file, the value and the fix.

    The CLI prints it as one line and exits with status 2.
    """
