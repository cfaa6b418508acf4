"""Exception classes. Every libmatch error subclasses :class:`Error` and the builtin
that fits, so ``except ValueError`` keeps working for callers who do not know libmatch.


Examples
--------
>>> import libmatch
>>> issubclass(libmatch.UnknownIdError, KeyError)
True
>>> try:
...     libmatch.Weights(nope=1)
... except KeyError as exc:
...     print(type(exc).__name__)
UnknownIdError
"""

__all__ = [
    "Error",
    "InvalidInputError",
    "InvalidTypeError",
    "GeometryError",
    "CrsError",
    "UnknownIdError",
    "InfeasibleBoundsError",
    "CostOverflowError",
    "FileError",
    "FileMissingError",
    "OutOfMemoryError",
    "CancelledError",
]


class Error(Exception):
    """Root of every libmatch exception."""


class InvalidInputError(Error, ValueError):
    """A value, array shape, id or setting is not acceptable."""


class InvalidTypeError(Error, TypeError):
    """An argument has the wrong type or dtype."""


class GeometryError(InvalidInputError):
    """A geometry is unusable (not a polygon, invalid, empty)."""


class CrsError(InvalidInputError):
    """A CRS cannot be understood, or data has none where one is needed."""


class UnknownIdError(InvalidInputError, KeyError):
    """A referenced id or field does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InfeasibleBoundsError(InvalidInputError):
    """Hard bounds of an area design that cannot all hold; ``conflict`` lists an irreducible
    set of them (e.g. ``["demand_hi", "max_units"]``). ``proven`` is False when no plan was
    found but infeasibility was not shown (the exact model ran out of
    ``bound_time_limit_s`` or does not apply at this size); ``conflict`` is then empty."""

    def __init__(self, message: str = "", conflict=(), proven: bool = True):
        super().__init__(message)
        self.conflict = list(conflict)
        self.proven = bool(proven)


class CostOverflowError(InvalidInputError, OverflowError):
    """Integer costs would overflow int64."""


class FileError(Error, OSError):
    """A file cannot be read or written."""


class FileMissingError(FileError, FileNotFoundError):
    """A file or data source does not exist."""


class OutOfMemoryError(Error, MemoryError):
    """A call needed more memory than is available (e.g. a far too large input)."""


class CancelledError(Error, KeyboardInterrupt):
    """A long call stopped early on a cancel request (Ctrl-C); ``except KeyboardInterrupt``
    catches it."""
