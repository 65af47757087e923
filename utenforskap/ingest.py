"""Read workshop tables into one tidy row per statement.

A workshop table has one row per group and one column per question; each cell
holds a list of statements (bullets), possibly under sub-headings such as
``Hindringer:``.  The readers here turn such a table, in any of the formats
researchers hold (a report export with HTML fragments in a tab-separated
table, ``.csv``/``.tsv``, ``.xlsx``, ``.docx``), into a DataFrame with one row
per statement and enough provenance to find it again in the source.

Every reader builds the same intermediate :class:`_Table`; one assembler
(:func:`_assemble`) turns it into statements, so the rules (continuation rows,
sections, bullets) are the same for every format.
"""

from __future__ import annotations

import csv
import html.parser
import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ._lazy import lazy_module
from .errors import InputError

pd = lazy_module("pandas")

__all__ = ["read_workshop", "SUPPORTED_SUFFIXES", "STATEMENT_COLUMNS"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".xlsx", ".xlsm", ".docx")

#: Columns of the statements DataFrame, in order.
STATEMENT_COLUMNS = [
    "segment_id",
    "workshop",
    "workshop_title",
    "source",
    "group",
    "question",
    "question_text",
    "section",
    "position",
    "text",
    "line",
    "line_end",
    "row",
    "column",
    "continued",
]

# A bullet marker inside running text: a hyphen-minus (or bullet sign) that
# stands alone between white space.  An en dash (" – ") is punctuation inside
# a sentence, never a bullet.
_INLINE_BULLET = re.compile(r"(?:^|(?<=\s))[-•▪](?=\s|$)")
# At the start of a line more signs are used as bullets (Word turns "- " into
# "– " as one types).
_LINE_BULLET = re.compile(r"^\s*(?:[-–•▪*·]|\d{1,2}[.)])\s+")
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?:ul|ol|li|p|br|div|span|i|b|em|strong|u|a|font|script|style|"
    r"table|tr|td|th|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)
_QUESTION_NUMBER = re.compile(r"^\s*(?:spm|spørsmål|sporsmal|question|q)\.?\s*(\d+)", re.IGNORECASE)


def _collapse(text: str) -> str:
    """Collapse every run of white space (NBSP included) into one space."""
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Decoding bytes from the wild
# --------------------------------------------------------------------------


# What UTF-8 read as cp1252/Latin-1 makes of æøåÆØÅé and of – « » “ ” and NBSP.
# ftfy repairs only text that shows such a signature: on clean text its
# heuristics can take rare but real letter sequences ("åÆÆ") for mojibake.
_MOJIBAKE = re.compile(r"Ã[¥¸¦…†˜©¨¶¤\x80-\xbf]|â€|Â[«»\xa0°§]")


def _decode(data: bytes, path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM,
    cp1252; repair UTF-8 mojibake; normalise line endings and to NFC."""
    if not data.strip():
        raise InputError("the file is empty", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-16 text ({exc.reason})", path) from None
    else:
        if b"\x00" in data:
            raise InputError("this is binary data, not a text table (it contains NUL bytes)", path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            log.info("%s: not UTF-8, read as cp1252", path)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    if controls > max(2, len(text) // 200):
        raise InputError("this is binary data, not a text table (control characters)", path)
    if _MOJIBAKE.search(text):
        import ftfy  # imported here: only damaged files need it

        text = ftfy.fix_encoding(text)
        log.info("%s: repaired mojibake", path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------
# The intermediate table every reader produces
# --------------------------------------------------------------------------


@dataclass
class _Row:
    line: int  # 1-based line (text), row (sheet) or table row (docx) where it starts
    line_end: int
    cells: list[str]


@dataclass
class _Table:
    path: Path
    title: str
    header: _Row
    rows: list[_Row] = field(default_factory=list)


def _is_blank(cell: str) -> bool:
    return not _strip_markup(cell)


def _strip_markup(cell: str) -> str:
    return _collapse(_blocks_text(_cell_blocks(cell))) if cell and cell.strip() else ""


def _blocks_text(blocks: list["_Block"]) -> str:
    return " ".join(b.text for b in blocks)


def _build_table(path: Path, rows: Iterable[_Row]) -> _Table:
    """Find the header row (the first with two or more filled cells), the
    title (the first filled line above it) and the data rows below it."""
    rows = [r for r in rows if any(not _is_blank(c) for c in r.cells)]
    header_at = next(
        (i for i, r in enumerate(rows) if sum(not _is_blank(c) for c in r.cells) >= 2), None
    )
    if header_at is None:
        raise InputError(
            "no table found: expected a header row with a group column and one "
            "column per question, separated by tabs (or the file's delimiter)",
            path,
        )
    header = rows[header_at]
    width = len(header.cells)
    while width > 2 and _is_blank(header.cells[width - 1]):
        width -= 1
    header = _Row(header.line, header.line_end, header.cells[:width])
    preamble = [" ".join(_strip_markup(c) for c in r.cells).strip() for r in rows[:header_at]]
    title = next((p for p in preamble if p), "")
    data = []
    for r in rows[header_at + 1 :]:
        cells = list(r.cells)
        while len(cells) > width and _is_blank(cells[-1]):
            cells.pop()
        if len(cells) != width:
            raise InputError(
                f"this row has {len(cells)} cells but the header (line {header.line}) has "
                f"{width}; every row needs a group cell and one cell per question "
                "(leave a cell empty rather than leaving it out)",
                path,
                r.line,
            )
        data.append(_Row(r.line, r.line_end, cells))
    return _Table(path=path, title=title, header=header, rows=data)


# --------------------------------------------------------------------------
# Readers, one per format
# --------------------------------------------------------------------------


def _read_text_table(path: Path, data: bytes) -> _Table:
    text = _decode(data, path)
    delimiter = "\t"
    if path.suffix.lower() == ".csv":
        sample = text[:65536]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append(_Row(start, reader.line_num, cells))
            start = reader.line_num + 1
    except csv.Error as exc:  # pragma: no cover - strict=False makes this rare
        raise InputError(f"cannot read the table: {exc}", path, start) from None
    return _build_table(path, rows)


def _cell_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, data: bytes) -> _Table:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable Excel workbook ({exc})", path) from None
    try:
        for sheet in workbook.worksheets:
            rows = [
                _Row(i, i, [_cell_value(v) for v in values])
                for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            if any(sum(not _is_blank(c) for c in r.cells) >= 2 for r in rows):
                return _build_table(path, rows)
    finally:
        workbook.close()
    raise InputError("no table found in any sheet of the workbook", path)


def _docx_cell_text(cell) -> str:
    lines = []
    for paragraph in cell.paragraphs:
        text = paragraph.text
        ppr = paragraph._p.pPr
        is_list = (ppr is not None and ppr.numPr is not None) or (
            paragraph.style is not None and (paragraph.style.name or "").lower().startswith("list")
        )
        if is_list and text.strip() and not _LINE_BULLET.match(text):
            text = "- " + text
        lines.append(text)
    return "\n".join(lines)


def _read_docx(path: Path, data: bytes) -> _Table:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not a readable Word document ({exc})", path) from None
    tables = [t for t in document.tables if len(t.columns) >= 2]
    if not tables:
        raise InputError("no table with two or more columns found in the document", path)
    title = next((_collapse(p.text) for p in document.paragraphs if p.text.strip()), "")
    seen: set = set()  # holding the elements keeps their lxml proxies (and identities) alive
    rows = []
    for i, row in enumerate(tables[0].rows, start=1):
        cells = []
        for cell in row.cells:
            # merged cells come back once per grid column / row they span:
            # keep their text once, where they start
            cells.append("" if cell._tc in seen else _docx_cell_text(cell))
            seen.add(cell._tc)
        rows.append(_Row(i, i, cells))
    table = _build_table(path, rows)
    table.title = table.title or title
    return table


_READERS = {
    ".txt": _read_text_table,
    ".tsv": _read_text_table,
    ".csv": _read_text_table,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".docx": _read_docx,
}


# --------------------------------------------------------------------------
# Cells: HTML fragments or plain text -> blocks
# --------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "heading", "bullet" or "para"
    text: str


class _CellHTML(html.parser.HTMLParser):
    """Turn an HTML fragment into (context, text) pieces.

    Block tags (``p``, ``ul``, ``li``, ``br`` ...) end a piece; inline tags
    are dropped and their text kept.  The text of ``script`` and ``style``
    is kept as text: nothing a participant wrote is thrown away.
    """

    _BLOCK = {"p", "ul", "ol", "li", "div", "br", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.pieces: list[tuple[str, str]] = []

    def _context(self) -> str:
        for tag in reversed(self.stack):
            if tag in ("p", "li") or tag.startswith("h"):
                return "p" if tag.startswith("h") else tag
            if tag in ("ul", "ol"):
                return "ul"
        return "top"

    def _flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if text.strip():
            self.pieces.append((self._context(), text))

    def handle_starttag(self, tag, attrs):
        if tag in self._BLOCK:
            self._flush()
            if tag not in ("br",):
                self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self._BLOCK and tag in self.stack:
            self._flush()
            while self.stack:
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data):
        self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def _split_bullets(text: str) -> list[_Block]:
    """Split running text at " - " bullet markers.  Text before the first
    marker (if any) is a paragraph."""
    parts = _INLINE_BULLET.split(text)
    blocks = []
    head = _collapse(parts[0])
    if head:
        blocks.append(_Block("para", head))
    blocks.extend(_Block("bullet", _collapse(p)) for p in parts[1:] if _collapse(p))
    return blocks


def _plain_blocks(text: str) -> list[_Block]:
    blocks = []
    for line in text.split("\n"):
        stripped = _collapse(line)
        if not stripped:
            continue
        marker = _LINE_BULLET.match(stripped)
        if marker:
            blocks.extend(_split_bullets("- " + stripped[marker.end() :]))
        elif stripped.endswith(":"):
            blocks.append(_Block("heading", stripped))
        else:
            blocks.append(_Block("para", stripped))
    return blocks


def _cell_blocks(cell: str) -> list[_Block]:
    """The headings, bullets and paragraphs of one cell, in order."""
    if not _HTML_TAG.search(cell):
        return _plain_blocks(cell)
    parser = _CellHTML()
    parser.feed(cell)
    parser.close()
    blocks: list[_Block] = []
    for context, text in parser.pieces:
        if context == "p":
            collapsed = _collapse(text)
            blocks.append(_Block("heading" if collapsed.endswith(":") else "para", collapsed))
        elif context == "li":
            blocks.extend(_split_bullets("- " + text.lstrip().removeprefix("-")))
        elif context == "ul":
            blocks.extend(_split_bullets(text))
        else:
            blocks.extend(_plain_blocks(text))
    return blocks


# --------------------------------------------------------------------------
# Table -> statements
# --------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_") or "x"


def _question_numbers(header: list[str]) -> list[int]:
    found = []
    for cell in header:
        m = _QUESTION_NUMBER.match(cell)
        found.append(int(m.group(1)) if m else None)
    if None in found or len(set(found)) != len(found):
        return list(range(1, len(header) + 1))
    return found


def _assemble(table: _Table, workshop: str) -> pd.DataFrame:
    path = table.path
    questions = [_strip_markup(c) for c in table.header.cells[1:]]
    numbers = _question_numbers(questions)
    records: list[dict] = []
    last: dict[tuple[str, int], dict] = {}  # the last statement of each (group, question)
    section: dict[tuple[str, int], str] = {}
    position: dict[tuple[str, int], int] = {}
    orphan: dict[tuple[str, int], tuple[str, int]] = {}  # heading with nothing under it yet
    group = None
    seen_groups: dict[str, int] = {}  # label -> line it first appears on
    for index, row in enumerate(table.rows, start=1):
        label = _strip_markup(row.cells[0])
        continuation = not label
        if continuation:
            if group is None:
                raise InputError(
                    "the first row of the table has no group label; only rows that "
                    "continue a group (after a page break) may leave it empty",
                    path,
                    row.line,
                )
        else:
            # a label seen before adds rows to that group (tables with one statement per
            # row repeat it); only an empty group cell marks a page break
            seen_groups.setdefault(label, row.line)
            group = label
        for col, cell in enumerate(row.cells[1:], start=1):
            key = (group, numbers[col - 1])
            blocks = _cell_blocks(cell) if cell.strip() else []
            for b, block in enumerate(blocks):
                if block.kind == "heading":
                    section[key] = block.text.rstrip(":").rstrip()
                    orphan[key] = (block.text, row.line)
                    continue
                if continuation and b == 0 and block.kind == "para" and key in last:
                    # the rest of a statement cut by the page break
                    prev = last[key]
                    prev["text"] = f"{prev['text']} {block.text}"
                    prev["line_end"] = row.line_end
                    prev["continued"] = True
                    continue
                orphan.pop(key, None)
                position[key] = position.get(key, 0) + 1
                record = {
                    "workshop": workshop,
                    "workshop_title": table.title,
                    "source": path.name,
                    "group": group,
                    "question": key[1],
                    "question_text": questions[col - 1],
                    "section": section.get(key, ""),
                    "position": position[key],
                    "text": block.text,
                    "line": row.line,
                    "line_end": row.line_end,
                    "row": index,
                    "column": col + 1,
                    "continued": False,
                }
                records.append(record)
                last[key] = record
    # reading order: group by group (as they first appear), question, position;
    # rows cut by a page break are thereby put back where they belong
    group_order = {g: i for i, g in enumerate(seen_groups)}
    records.sort(key=lambda r: (group_order[r["group"]], r["question"], r["position"]))
    for (grp, _question), (heading, line) in orphan.items():
        warnings.warn(
            f"{path}:{line}: heading {heading!r} (group {grp}) has no statement under it; "
            "it is kept only as a section label",
            stacklevel=3,
        )
    frame = pd.DataFrame.from_records(records, columns=[c for c in STATEMENT_COLUMNS if c != "segment_id"])
    frame.insert(
        0,
        "segment_id",
        [f"{workshop}-g{_slug(r['group'])}-q{r['question']}-{r['position']:02d}" for r in records],
    )
    duplicated = frame["segment_id"].duplicated(keep=False)
    if duplicated.any():
        clash = sorted(frame.loc[duplicated, "group"].unique())
        raise InputError(f"group labels {clash} give the same segment ids; make them distinct", path)
    return frame


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def _read_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError("old .xls workbooks are not supported: save it as .xlsx", path)
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(
            f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}",
            path,
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path) from None
    table = reader(path, data)
    frame = _assemble(table, _slug(path.stem))
    if frame.empty:
        raise InputError("the table has no statements", path)
    log.info("%s: %d statements", path, len(frame))
    return frame


def _expand(paths) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            inside = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith((".", "~$")))
            for f in inside:
                if f.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(f)
                else:
                    warnings.warn(f"{f}: skipped, not a workshop table ({f.suffix or 'no suffix'})", stacklevel=3)
            if not any(f.suffix.lower() in SUPPORTED_SUFFIXES for f in inside):
                raise InputError(f"no workshop tables ({', '.join(SUPPORTED_SUFFIXES)}) in the folder", p)
        elif not p.exists():
            raise InputError("file not found", p)
        else:
            files.append(p)
    return files


def read_workshop(path) -> pd.DataFrame:
    """Read one or more workshop tables into one row per statement.

    Parameters
    ----------
    path : str, Path, or list of them
        A workshop file (``.txt`` report export or ``.tsv``/``.csv``,
        ``.xlsx``, ``.docx``), a folder of such files, or a list of files and
        folders.

    Returns
    -------
    pandas.DataFrame
        One row per statement with the columns of :data:`STATEMENT_COLUMNS`:
        ``segment_id`` (``<workshop>-g<group>-q<question>-<position>``),
        ``workshop`` (from the file name), ``workshop_title`` (the first line
        above the table), ``source`` (file name), ``group`` (as written),
        ``question`` (1-based), ``question_text`` (the header cell without
        markup), ``section`` (the sub-heading without its colon, ``""`` when
        none), ``position`` (order within the cell), ``text`` (markup
        removed, white space collapsed, wording untouched), ``line`` and
        ``line_end`` (line in a text file, row in a sheet, table row in a
        Word document), ``row`` (table row, 1 = first row below the header),
        ``column`` (table column, 1 = the group column) and ``continued``
        (the statement was joined across a page break).

    Raises
    ------
    InputError
        When a file is missing, empty, binary, has no table, or has a row
        with the wrong number of cells.  The message names the file and line.

    Examples
    --------
    >>> from utenforskap import read_workshop
    >>> df = read_workshop("data/raw/workshop_ungt_utenforskap_2023.txt")
    >>> df.loc[0, "segment_id"], df.loc[0, "section"]
    ('workshop_ungt_utenforskap_2023-g1-q1-01', '')
    >>> df.loc[0, "text"]
    'Flere bør få mulighet til å delta på arbeidsverkstedet, og å bli inspirert.'
    """
    files = _expand(path)
    if not files:
        raise InputError("no input files given", ".")
    seen: dict[str, Path] = {}
    for f in files:
        workshop = _slug(f.stem)
        if workshop in seen:
            raise InputError(
                f"{seen[workshop]} and {f} give the same workshop id {workshop!r}; rename one", f
            )
        seen[workshop] = f
    frames = [_read_file(f) for f in files]
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)
