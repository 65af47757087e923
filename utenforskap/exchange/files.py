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
import datetime
import decimal
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import Codebook
from ..errors import UtenforskapError
from ..lang.nb import REPORT_TEXT

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from typing import TextIO

    from matplotlib.figure import Figure

pd = lazy_module("pandas")


__all__ = [
    "source_date_epoch",
    "current_umask",
    "atomic_write",
    "formula_safe",
    "csv_rows",
    "write_csv",
    "flat",
    "write_svg",
    "save_figure",
    "write_excel",
    "write_text",
    "write_parquet",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = ""):
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
        # mkstemp creates the file 0600; a written file follows the umask like any other
        os.chmod(tmp, 0o666 & ~current_umask())
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
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        risky = [isinstance(v, str) and v.startswith(_FORMULA_START) for v in column.array]
        if any(risky):
            out[name] = [("'" + v) if r else v for v, r in zip(column.array, risky)]
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

    def holds_lists(column: pd.Series, kinds=(list, tuple)) -> bool:
        return column.dtype == object and any(isinstance(v, kinds) for v in column.array)

    structured = "evidence" in frame.columns and holds_lists(frame["evidence"], list)
    out = frame.drop(columns=["evidence"]) if structured else frame.copy()
    for name in out.columns:
        if holds_lists(out[name]):
            out[name] = [("; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for v in out[name].array]
    return out


def csv_rows(frame: pd.DataFrame, fh: TextIO, header: bool = True) -> None:
    """Write ``frame`` to an open text file as the package's CSV: lists
    joined, formula-safe, ``\\n`` line ends.  :func:`write_csv` and streamed
    outputs use it, so both give the same CSV."""
    formula_safe(flat(frame)).to_csv(fh, index=False, header=header, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV (with BOM, so Excel reads æøå), formula-safe
    and atomically.  Returns the path written."""
    path = Path(path)
    with atomic_write(path, encoding="utf-8-sig") as fh:
        csv_rows(frame, fh)
    return path


def write_svg(fig: Figure, fh: TextIO, **savefig_kwargs) -> None:
    """Write a figure as SVG to an open file: no date in the metadata and
    fixed element ids, so re-runs give the same bytes."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "utenforskap"}):
        fig.savefig(fh, format="svg", metadata={"Date": None}, **savefig_kwargs)


def save_figure(fig: Figure, stem: str | Path, dpi: int = 150, *, svg: bool = True) -> list[Path]:
    """Save a figure as ``<stem>.png`` and (``svg``) ``<stem>.svg``
    (atomically, the SVG as :func:`write_svg`).  The layout is computed
    once, for the PNG, and reused for the SVG."""
    stem = Path(stem)
    written = [stem.with_suffix(".png")]
    engine = fig.get_layout_engine()
    try:
        with atomic_write(written[0], "wb") as fh:
            fig.savefig(fh, format="png", dpi=dpi, metadata={"Software": None})
        if svg:
            written.append(stem.with_suffix(".svg"))
            fig.set_layout_engine("none")
            with atomic_write(written[1], "wb") as fh:
                write_svg(fig, fh, dpi=dpi)
    finally:
        fig.set_layout_engine(engine)
    return written


_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


#: Excel's limit for the text of one cell.
EXCEL_CELL_LIMIT = 32_767


def _fit_cell(value):
    """Text longer than Excel allows, cut with a note that says so (pandas
    would cut it silently)."""
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        note = REPORT_TEXT["cut_in_excel"].format(n=f"{len(value) - 32_000:,}".replace(",", " "))
        return value[:32_000] + note
    return value


def _excel_value(value):
    """A frame's value as openpyxl takes it (as pandas' ``to_excel`` gives
    it): missing -> an empty cell, numpy scalars -> Python, infinities as
    ``inf``, timestamps -> datetimes, anything else that is not a number,
    a date, a duration or text -> its text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, int, str, decimal.Decimal)):
        return value
    if isinstance(value, float):
        if value != value:
            return None
        return value if abs(value) != float("inf") else ("inf" if value > 0 else "-inf")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            raise ValueError("Excel does not support datetimes with time zones")
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(value, (datetime.date, datetime.timedelta)):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):  # numpy scalars
        return _excel_value(value.item())
    return str(value)


#: Number formats pandas gives dates and times in a workbook.
_DATE_FORMATS = {datetime.datetime: "YYYY-MM-DD HH:MM:SS", datetime.date: "YYYY-MM-DD"}


def _sheet_columns(frame: pd.DataFrame) -> tuple[list, list[list], int]:
    """(header, one list of cell values per column, how many of the columns
    are the index) for a frame: its index first where it is named."""
    keep_index = any(n is not None for n in frame.index.names)
    header, columns = [], []
    if keep_index:
        for level, level_name in enumerate(frame.index.names):
            header.append(level_name)
            columns.append(frame.index.get_level_values(level).tolist())
    for j, label in enumerate(frame.columns):
        header.append(label)
        columns.append(frame.iloc[:, j].tolist())
    columns = [[_excel_value(v) for v in values] for values in columns]
    return [_excel_value(h) for h in header], columns, len(header) - frame.shape[1]


def write_excel(
    sheets: dict, path: str | Path, wrap_over: int = 40, finish: Callable | None = None, percent: Collection[str] = ()
) -> Path:
    """Write several frames to one workbook styled for reading and printing.

    One sheet per frame (names cut to Excel's 31 characters): bold frozen
    header row with a filter, column widths fitted to the content (at most 70
    characters), long text wrapped and top-aligned; printed on A4, fitted to
    the page width (landscape when the columns are wide), the header row
    repeated on every page.  Text that starts like a formula
    (``=``, ``+``, ``-``, ``@``) is stored as text with Excel's quote prefix,
    so it is shown as written and never evaluated.  The cells hold what
    pandas' ``to_excel`` would write (missing values empty, a named index as
    the first columns), written directly with openpyxl in one pass.

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name -> frame.  The index is written when it is named.
    path : str or Path
        The ``.xlsx`` file.
    finish : callable, optional
        Called with the openpyxl workbook before it is saved, for mark-up
        pandas cannot write (drop-downs, hidden columns).
    percent : collection of str
        Sheets whose fractions (numbers that are not whole) are shown as
        percentages.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for name, frame in sheets.items():
        frame = flat(frame)
        header, columns, n_index = _sheet_columns(frame)
        ws = book.create_sheet(name.translate(_SHEET_FORBIDDEN)[:31])
        ws.freeze_panes = "B2" if n_index else "A2"
        as_percent = name in percent
        widths = []
        for col, (label, values) in enumerate(zip(header, columns), start=1):
            cell = ws.cell(row=1, column=col, value=label)
            cell.font, cell.alignment = bold, wrapped
            longest = max(map(len, str(label).split("\n"))) if label is not None else 0
            for row, value in enumerate(values, start=2):
                if value is None:
                    continue
                number_format = None
                if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                    value = _fit_cell(value)
                elif isinstance(value, datetime.timedelta):  # in days, as pandas writes it
                    value, number_format = value.total_seconds() / 86400, "0"
                elif isinstance(value, datetime.date):
                    number_format = _DATE_FORMATS[datetime.datetime if isinstance(value, datetime.datetime) else datetime.date]
                cell = ws.cell(row=row, column=col, value=value)
                if isinstance(value, str):
                    if value.startswith(_FORMULA_START):
                        cell.data_type = "s"
                        cell.quotePrefix = True
                    if len(value) > wrap_over or "\n" in value:
                        cell.alignment = wrapped
                elif isinstance(value, float) and as_percent:
                    cell.number_format = "0%"
                elif number_format is not None:
                    cell.number_format = number_format
                longest = max(longest, max(map(len, str(value).split("\n"))))
            widths.append(min(max(8, longest + 2), 70))
            ws.column_dimensions[get_column_letter(col)].width = widths[-1]
        _print_setup(ws, sum(widths))
    if finish is not None:
        finish(book)
    if not book.worksheets:
        book.create_sheet("Sheet1")
    with atomic_write(path, "wb") as fh:
        book.save(fh)
    return path


#: Column widths (in characters) that fit a portrait A4 page; wider sheets print landscape.
_PORTRAIT_WIDTH = 110


def _print_setup(ws, width: int) -> None:
    """A4, fitted to the page width (as many pages down as needed), landscape
    when wide, the header row repeated on every page, a filter on the header."""
    if ws.max_row >= 1 and ws.max_column >= 1:
        ws.auto_filter.ref = ws.dimensions
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > _PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def source_date_epoch() -> str | None:
    """``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) as a UTC
    timestamp (``2023-11-14T22:13:20Z``), or None when it is not set.

    Examples
    --------
    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> source_date_epoch()
    '2023-11-14T22:13:20Z'
    >>> del os.environ["SOURCE_DATE_EPOCH"]; source_date_epoch() is None
    True
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_text(text: str, path: str | Path) -> Path:
    """Write UTF-8 text atomically."""
    path = Path(path)
    with atomic_write(path, newline="\n") as fh:
        fh.write(text)
    return path


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a coded table as Parquet (lists and evidence kept as nested
    columns), for large collections.  Needs pyarrow (``pip install
    utenforskap[parquet]``)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UtenforskapError("Parquet output needs pyarrow: pip install 'utenforskap[parquet]'") from None
    path = Path(path)
    out = frame.copy(deep=False)
    # pandas stores attrs as JSON: the carried codebook goes as its title
    out.attrs = {k: v.title if isinstance(v, Codebook) else v for k, v in frame.attrs.items()}
    with atomic_write(path, "wb") as fh:
        out.to_parquet(fh, index=False)
    return path
