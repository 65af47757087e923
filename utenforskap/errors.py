"""The package's exceptions.

Every problem caused by a user's input (a file, a codebook, an argument)
raises :class:`UtenforskapError` or one of its subclasses.  The message names
the file and, where there is one, the line, so that the command line can print
it as a single line without a traceback.  The errors are also
``ValueError``s (a bad value was given), so code that guards a call with
``except ValueError`` catches them too.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["UtenforskapError", "InputError", "CodebookError"]


class UtenforskapError(ValueError):
    """Base class of every error the package raises on bad user input.

    Parameters
    ----------
    message : str
        What is wrong and, where possible, how to fix it.
    path : str or Path, optional
        The file the problem is in.
    line : int, optional
        The 1-based line (or row) number in ``path``.

    Examples
    --------
    >>> str(UtenforskapError("no table found", path="a.txt", line=3))
    'a.txt:3: no table found'
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return where + self.message


class InputError(UtenforskapError):
    """A workshop file cannot be read as a workshop table."""


class CodebookError(UtenforskapError):
    """A codebook file is not valid."""
