"""Write tables and files for reports and for other tools.

Every write is atomic: the content goes to a temporary file beside the target,
which then replaces the target in one step, so an interrupted run never leaves
a half-written export.  Text cells that a spreadsheet would take as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are
prefixed with an apostrophe in CSV and Excel exports, as OWASP recommends for
CSV injection.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["atomic_write", "formula_safe", "write_csv", "flat"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_write(path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = ""):
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    Parameters
    ----------
    path : str or Path
        The file to write.  Its folder is created if needed.
    mode : {"w", "wb"}
        Text or binary.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_write(target) as fh:
    ...     _ = fh.write("hei")
    >>> target.read_text()
    'hei'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    binary = "b" in mode
    try:
        with os.fdopen(fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells that start like a formula get a
    leading apostrophe, so Excel or LibreOffice shows them as text.

    Examples
    --------
    >>> formula_safe(pd.DataFrame({"t": ["- Ledelse", "=1+1", "Kultur"]}))["t"].tolist()
    ["'- Ledelse", "'=1+1", 'Kultur']
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out[name] = column.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for a spreadsheet: list cells joined with ``"; "``, the
    structured ``evidence`` column (lists of dicts) left out: ``why`` says
    the same in words.

    Examples
    --------
    >>> flat(pd.DataFrame({"codes": [["barriers", "funding_resources"]], "evidence": [[{}]]}))["codes"].tolist()
    ['barriers; funding_resources']
    """
    structured = "evidence" in frame.columns and frame["evidence"].map(lambda v: isinstance(v, list)).any()
    out = frame.drop(columns=["evidence"]) if structured else frame
    for name in out.columns:
        if out[name].map(lambda v: isinstance(v, (list, tuple))).any():
            out[name] = out[name].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def write_csv(frame: pd.DataFrame, path) -> Path:
    """Write ``frame`` as UTF-8 CSV (with BOM, so Excel reads æøå), formula-safe
    and atomically.  Returns the path written."""
    path = Path(path)
    with atomic_write(path, encoding="utf-8-sig") as fh:
        formula_safe(flat(frame)).to_csv(fh, index=False, lineterminator="\n")
    return path
