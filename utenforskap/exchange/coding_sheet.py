"""Manual coding round-trip: a coding sheet in Excel, and reading it back.

:func:`write_coding_sheet` writes one row per statement with one column per
code (themes and sub-codes), pre-filled with ``x`` where the coder assigned
the code (or empty), a column for the researcher's note, and a hidden check
column holding a fingerprint of the statement text.  The researcher ticks or
removes ``x`` marks in Excel; :func:`read_manual_coding` reads the sheet back
as a coding that :func:`utenforskap.agreement` compares with the automatic
one.  A changed statement text, an unknown code column or a mark that is not
a mark is an error naming the sheet and row.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

from .._lazy import lazy_module
from ..coding import PALETTE, CodebookLike, codebook_of, load_codebook
from ..errors import InputError
from ..lang.nb import SHEET_TEXT, display_table
from .files import write_excel

pd = lazy_module("pandas")

__all__ = ["write_coding_sheet", "read_manual_coding", "SHEET"]

#: Name of the sheet researchers code in.
SHEET = SHEET_TEXT["coding"]
_BASE = ["segment_id", "group", "question", "section", "text"]
_HEADERS = SHEET_TEXT["headers"]
_NOTE = SHEET_TEXT["note"]
_CHECK = "kontroll"
_READ = SHEET_TEXT["read"]
_WRITTEN = SHEET_TEXT["written"]  # hidden: the marks as the sheet was written
_CODE_HEADER = re.compile(r"^(?P<label>.*)\[(?P<id>[^\[\]]+)\]\s*$")
_YES = {"x", "1", "ja", "j", "yes", "y", "true", "sann", "✓", "✔"}
_NO = {"", "0", "nei", "n", "no", "false", "usann", "-"}


def _fingerprint(text: str) -> str:
    return hashlib.sha1(" ".join(str(text).split()).encode("utf-8")).hexdigest()[:12]


def write_coding_sheet(
    coded: pd.DataFrame,
    path: str | Path,
    prefill: bool = True,
    extra: dict | None = None,
    review: bool = False,
    *,
    codebook: CodebookLike | None = None,
) -> Path:
    """Write an Excel coding sheet for manual coding or correction.

    Parameters
    ----------
    coded : pandas.DataFrame
        Statements with ``segment_id`` and ``text`` (and ``codes`` to
        pre-fill from).
    path : str or Path
        The ``.xlsx`` file.
    prefill : bool
        Mark the codes already assigned (``x``); ``False`` gives an empty
        sheet for blind coding.
    extra : dict, optional
        Further columns to show before the codes (header -> values), e.g. a
        confidence from the review queue.
    review : bool
        A review sheet: a column ``Lest`` before the codes, where the
        researcher marks each row read, and a hidden record of the marks as
        written, so that :func:`read_manual_coding` can tell which rows a
        person read or changed (``read`` and ``changed``).

    Examples
    --------
    >>> import tempfile, pathlib, utenforskap as u
    >>> coded = u.code(["Penger er en hindring."])
    >>> path = write_coding_sheet(coded, pathlib.Path(tempfile.mkdtemp()) / "koding.xlsx")
    >>> read_manual_coding(path)["codes"].tolist()
    [['barriers', 'funding_resources']]
    """
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = codebook_of(coded, codebook)
    codes = list(book.codes)
    sheet = pd.DataFrame({_HEADERS[c]: coded[c] if c in coded.columns else "" for c in _BASE})
    for header, values in (extra or {}).items():
        sheet[header] = list(values)
    if review:
        sheet[_READ] = ""
    assigned = coded["codes"] if prefill and "codes" in coded.columns else pd.Series([[]] * len(coded), index=coded.index)
    for c in codes:
        header = f"{book.label(c)} [{c}]"
        sheet[header] = ["x" if c in (a or []) else "" for a in assigned]
    sheet[_NOTE] = ""
    sheet[_CHECK] = [_fingerprint(t) for t in coded["text"]]
    if review:
        sheet[_WRITTEN] = [";".join(c for c in codes if c in (a or [])) for a in assigned]
    lines = SHEET_TEXT["review_guide_lines"] if review else SHEET_TEXT["guide_lines"]
    guide = pd.DataFrame({SHEET_TEXT["guide_title"]: [line.format(sheet=SHEET, file=Path(path).name) for line in lines]})
    book_frame = book.to_frame()[["code", "parent", "label", "definition", "include", "exclude", "examples"]]
    first = len(_BASE) + len(extra or {}) + int(review) + 1
    last = first + len(codes) - 1

    def finish(workbook):
        """Mark-up pandas cannot write: the statement frozen in view, code
        headers coloured per theme with sub-codes indented, a drop-down of x
        for the code cells, a wide note column, the check column hidden."""
        from openpyxl.styles import Alignment, Font

        ws = workbook[SHEET]
        text_column = list(sheet.columns).index(_HEADERS["text"]) + 1
        ws.freeze_panes = ws.cell(2, text_column + 1)  # header row and the statement stay in view
        ws.column_dimensions[ws.cell(1, text_column).column_letter].width = 60
        ws.column_dimensions["A"].width = 14
        if len(sheet):
            validation = DataValidation(
                type="list",
                formula1='"x"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=SHEET_TEXT["only_x_title"],
                error=SHEET_TEXT["only_x"],
            )
            ws.add_data_validation(validation)
            validation.add(f"{ws.cell(2, first - int(review)).coordinate}:{ws.cell(len(sheet) + 1, last).coordinate}")
        for j, c in enumerate(codes):
            cell = ws.cell(1, first + j)
            theme = book.theme_of(c)
            colour = PALETTE[book.themes.index(theme) % len(PALETTE)].lstrip("#")
            sub = book.codes[c].level > 0
            # the theme in its colour, its sub-codes in a light tint of it, indented
            cell.fill = PatternFill("solid", fgColor=_tint(colour, 0.75 if sub else 0.35))
            cell.font = Font(bold=not sub)
            cell.alignment = Alignment(wrap_text=True, vertical="top", indent=2 * book.codes[c].level)
            ws.column_dimensions[cell.column_letter].width = 14 if sub else 16
        ws.column_dimensions[ws.cell(1, last + 1).column_letter].width = 40  # Merknad
        ws.column_dimensions[ws.cell(1, last + 2).column_letter].hidden = True
        if review:
            ws.column_dimensions[ws.cell(1, last + 3).column_letter].hidden = True  # the marks as written
            read = ws.cell(1, first - 1)
            read.font = Font(bold=True)
            read.fill = PatternFill("solid", fgColor="FFF2CC")
            ws.column_dimensions[read.column_letter].width = 7

    return write_excel(
        {SHEET: sheet, SHEET_TEXT["codebook"]: display_table(book_frame, book), SHEET_TEXT["guide"]: guide}, path, finish=finish
    )


def _tint(rgb: str, amount: float) -> str:
    """``rgb`` mixed with white (0 = the colour, 1 = white)."""
    channels = [int(rgb[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)


def _mark(value, sheet: str, row: int, header: str, path: Path) -> bool:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InputError(
        f"sheet {sheet!r}, row {row}, column {header!r}: {value!r} is not a mark; write x or leave the cell empty", path, row
    )


def read_manual_coding(
    path: str | Path, statements: pd.DataFrame | None = None, sheet: str = SHEET, *, codebook: CodebookLike | None = None
) -> pd.DataFrame:
    """Read a coding sheet written by :func:`write_coding_sheet` (and edited).

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file.
    statements : pandas.DataFrame, optional
        The statements the sheet was made from; then every ``segment_id`` must
        be one of them and every text must equal theirs.
    codebook : optional
        The codebook the sheet was made with (to check code ids).
    sheet : str
        The sheet to read.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``text``, one boolean column per code id, ``codes``
        (the ids marked, codebook order) and ``note``: ready for
        :meth:`utenforskap.SuggestCoder.fit` and :func:`utenforskap.agreement`.
        A review sheet (with ``Lest``) adds ``read`` (marked read) and
        ``changed`` (a mark differs from what the sheet was written with).

    Warns
    -----
    UserWarning
        For a sub-code marked without its theme, and for statements of
        ``statements`` that are missing from the sheet (deleted rows).

    Raises
    ------
    InputError
        Naming the sheet and row: a changed statement text, an unknown code,
        a missing segment id, or a cell that is not a mark.
    """
    path = Path(path)
    book = codebook_of(statements, codebook) if statements is not None else load_codebook(codebook)
    frame = _open_sheet(path, sheet)
    code_columns = _code_columns(list(frame.columns), book, sheet, path)
    originals = statements.set_index("segment_id")["text"] if statements is not None else None
    rows = []
    for i, record in enumerate(frame.to_dict("records"), start=2):
        segment_id, text = _statement(record, originals, sheet, i, path)
        marks = {code_id: _mark(record[header], sheet, i, header, path) for header, code_id in code_columns.items()}
        orphans = [c for c, on in marks.items() if on and book.codes[c].parent in marks and not marks[book.codes[c].parent]]
        for c in orphans:
            warnings.warn(
                f"{path}: sheet {sheet!r}, row {i} ({segment_id}): sub-code {book.label(c)!r} is marked but its theme "
                f"{book.label(book.codes[c].parent)!r} is not; a sub-code counts only with its theme",
                stacklevel=2,
            )
        note = record.get(_NOTE)
        row = {"segment_id": segment_id, "text": text, **marks, "note": "" if note is None or pd.isna(note) else str(note)}
        if _READ in frame.columns:
            row["read"] = _mark(record[_READ], sheet, i, _READ, path)
            written = record.get(_WRITTEN)
            written = set() if written is None or pd.isna(written) else set(filter(None, str(written).split(";")))
            row["changed"] = _WRITTEN in frame.columns and {c for c, on in marks.items() if on} != written & set(marks)
        rows.append(row)
    review = ["read", "changed"] if _READ in frame.columns else []
    out = pd.DataFrame(rows, columns=["segment_id", "text", *code_columns.values(), "note", *review])
    if originals is not None:
        missing = [sid for sid in originals.index if sid not in set(out["segment_id"])]
        if missing:
            warnings.warn(
                f"{path}: sheet {sheet!r}: {len(missing)} statement(s) are not in the sheet (rows deleted?): "
                f"{', '.join(map(str, missing[:5]))}{' ...' if len(missing) > 5 else ''}",
                stacklevel=2,
            )
    ordered = [c for c in book.codes if c in code_columns.values()]
    out.insert(out.columns.get_loc("note"), "codes", [[c for c in ordered if r[c]] for r in rows])
    duplicated = out["segment_id"].duplicated()
    if duplicated.any():
        i = int(duplicated.idxmax()) + 2
        raise InputError(f"sheet {sheet!r}, row {i}: segment_id {out['segment_id'][i - 2]!r} appears twice", path, i)
    return out


def _open_sheet(path: Path, sheet: str) -> pd.DataFrame:
    """The sheet as a frame of objects with text headers, or an error naming the file."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except FileNotFoundError:
        raise InputError("file not found", path) from None
    except ValueError as exc:
        raise InputError(f"no sheet {sheet!r} in the workbook ({exc})", path) from None
    except Exception as exc:  # zip or XML damage: openpyxl raises many kinds
        raise InputError(f"not a readable Excel workbook ({exc.__class__.__name__}: {exc})", path) from None
    frame.columns = [str(c) for c in frame.columns]
    if "segment_id" in frame.columns and _HEADERS["segment_id"] not in frame.columns:
        frame = frame.rename(columns={"segment_id": _HEADERS["segment_id"]})  # sheets written before the header was Norwegian
    for needed in (_HEADERS["segment_id"], _HEADERS["text"]):
        if needed not in frame.columns:
            raise InputError(
                f"sheet {sheet!r}, row 1: no column {needed!r}; was the sheet written by write_coding_sheet?", path, 1
            )
    return frame


def _code_columns(columns: list[str], book, sheet: str, path: Path) -> dict[str, str]:
    """Header -> code id for the columns headed ``Label [code_id]``; other columns are left out."""
    code_columns: dict[str, str] = {}
    for header in columns:
        match = _CODE_HEADER.match(header)
        if not match:
            continue  # the sheet's own columns, and extra ones (e.g. a confidence), are not codes
        code_id = match.group("id").strip()
        if code_id not in book.codes:
            raise InputError(
                f"sheet {sheet!r}, row 1, column {header!r}: unknown code {code_id!r}; the codebook has {', '.join(book.codes)}",
                path,
                1,
            )
        code_columns[header] = code_id
    if not code_columns:
        raise InputError(f"sheet {sheet!r}, row 1: no code columns ('Label [code_id]')", path, 1)
    return code_columns


def _statement(record: dict, originals, sheet: str, i: int, path: Path) -> tuple[str, str]:
    """A row's segment id and text, checked against its fingerprint and the statements."""
    segment_id = record[_HEADERS["segment_id"]]
    if segment_id is None or (isinstance(segment_id, float) and pd.isna(segment_id)):
        raise InputError(f"sheet {sheet!r}, row {i}: the segment_id is empty", path, i)
    segment_id = str(segment_id)
    text = "" if pd.isna(record[_HEADERS["text"]]) else str(record[_HEADERS["text"]])
    check = record.get(_CHECK)
    if isinstance(check, str) and check and _fingerprint(text) != check:
        raise InputError(
            f"sheet {sheet!r}, row {i} ({segment_id}): the statement text was changed; "
            "code the statement as it stands, and put comments in the Merknad column",
            path,
            i,
        )
    if originals is not None:
        if segment_id not in originals.index:
            raise InputError(f"sheet {sheet!r}, row {i}: segment_id {segment_id!r} is not one of the statements", path, i)
        if " ".join(str(originals[segment_id]).split()) != " ".join(text.split()):
            raise InputError(f"sheet {sheet!r}, row {i} ({segment_id}): the statement text differs from the source", path, i)
    return segment_id, text
