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
import datetime
import errno
import html.parser
import io
import logging
import os
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._lazy import lazy_module
from ..errors import InputError
from ..lang.nb import MOJIBAKE, MONTHS, OUTPUT_FILES
from ._docx import read_docx
from ._grid import Grid, Row

pd = lazy_module("pandas")

__all__ = ["workshop_id", "segment_id", "expand_paths", "read_workshop", "SUPPORTED_SUFFIXES", "STATEMENT_COLUMNS"]

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
# At the start of a line more signs are used as bullets: Word turns "- " into
# "– " as one types, and bullets pasted from Word come as "\uf0b7" (Symbol
# font) or "o" (Courier New, second level) followed by a tab.
_LINE_BULLET = re.compile(r"^\s*(?:[-–*o](?:\s+|$)|[•▪●◦○■□➢►▸‣⁃·\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0e0]\s*)")
# "1. " or "2) " starts a list item only in a real list (see _plain_blocks):
# "1. juli 2021" on its own is a date.
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
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
    if MOJIBAKE.search(text):
        import ftfy  # imported here: only damaged files need it

        text = ftfy.fix_encoding(text)
        log.info("%s: repaired mojibake", path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------
# The table: header, group column and data rows, from a reader's grid
# --------------------------------------------------------------------------


@dataclass
class _Table:
    path: Path
    title: str
    header: Row
    rows: list[Row] = field(default_factory=list)
    name: str = ""
    report_export: bool = False  # " - " inside a list separates statements

    def text_size(self) -> int:
        return sum(len(c) for r in self.rows for c in r.cells[1:])

    def describe(self) -> str:
        return f"{self.name} ({len(self.rows)} rows x {len(self.header.cells) - 1} questions: {self.header.cells[1][:40]!r} ...)"


def _is_blank(cell: str) -> bool:
    return not _strip_markup(cell)


def _strip_markup(cell: str) -> str:
    return _collapse(_blocks_text(_cell_blocks(cell))) if cell and cell.strip() else ""


def _blocks_text(blocks: list[_Block]) -> str:
    return " ".join(b.text for b in blocks)


def _question_like(cell: str) -> bool:
    """A header cell that reads as a question: numbered, ending in "?", or a phrase."""
    text = _strip_markup(cell)
    return bool(_QUESTION_NUMBER.match(text)) or text.endswith("?") or len(text.split()) >= 4


def _fill_merged_groups(grid: Grid, rows: list[Row], column: int) -> None:
    """A vertically merged group cell belongs to every row it spans."""
    spans = [(first, last) for first, last, col in grid.merged if col == column]
    if not spans:
        return
    labels = {r.line: r.cells[column] for r in rows if column < len(r.cells)}
    for r in rows:
        for first, last in spans:
            if first < r.line <= last and column < len(r.cells) and _is_blank(r.cells[column]):
                r.cells[column] = labels.get(first, "")


def _transpose(header: Row, data: list[Row], width: int) -> tuple[Row, list[Row]]:
    """Questions as rows, groups as columns -> groups as rows."""
    matrix = [header] + data
    for r in matrix:
        r.cells = r.cells + [""] * (width - len(r.cells))
    rows = [
        Row(header.line, matrix[-1].line_end, [r.cells[j] for r in matrix], lines=[r.line for r in matrix]) for j in range(width)
    ]
    return rows[0], rows[1:]


def _build_table(path: Path, grid: Grid) -> _Table:
    """Find the header row (the first with two or more filled cells), the
    title (the first filled line above it) and the data rows below it; the
    table may start in any column, and may be transposed (questions as rows)."""
    rows = [Row(r.line, r.line_end, list(r.cells), r.lines) for r in grid.rows if any(not _is_blank(c) for c in r.cells)]
    where = f"{grid.name}: " if grid.name else ""
    header_at = next((i for i, r in enumerate(rows) if sum(not _is_blank(c) for c in r.cells) >= 2), None)
    if header_at is None:
        raise InputError(
            f"{where}no table found: expected a header row with a group column and one "
            "column per question, separated by tabs (or the file's delimiter)",
            path,
        )
    body = rows[header_at:]
    # the table may start right of column A (a title in A1, the table from B3)
    offset = min(next(j for j, c in enumerate(r.cells) if not _is_blank(c)) for r in body)
    _fill_merged_groups(grid, body, offset)
    for r in body:
        r.cells = r.cells[offset:]
    header, data = body[0], body[1:]
    width = len(header.cells)
    while width > 2 and _is_blank(header.cells[width - 1]):
        width -= 1
    firsts = [r.cells[0] for r in data if r.cells and not _is_blank(r.cells[0])]
    if (
        firsts
        and not any(_question_like(c) for c in header.cells[1:width])
        and 2 * sum(_question_like(c) for c in firsts) >= len(data)
    ):
        # the first column holds the questions: read it the other way round
        widest = max(len(r.cells) for r in body)
        while widest > 2 and all(len(r.cells) < widest or _is_blank(r.cells[widest - 1]) for r in body):
            widest -= 1
        header, data = _transpose(header, data, widest)
        width = len(header.cells)
    header = Row(header.line, header.line_end, header.cells[:width], header.lines)
    preamble = [" ".join(_strip_markup(c) for c in r.cells).strip() for r in rows[:header_at]]
    title = next((p for p in preamble if p), "") or grid.title
    table = []
    for r in data:
        cells = list(r.cells)
        while len(cells) > width and _is_blank(cells[-1]):
            cells.pop()
        if len(cells) < width and path.suffix.lower() in (".xlsx", ".xlsm", ".docx"):
            cells += [""] * (width - len(cells))  # a sheet leaves empty cells out
        if len(cells) != width:
            raise InputError(
                f"{where}this row has {len(cells)} cells but the header (line {header.line}) has "
                f"{width}; every row needs a group cell and one cell per question "
                "(leave a cell empty rather than leaving it out)",
                path,
                r.line,
            )
        table.append(Row(r.line, r.line_end, cells, r.lines))
    return _Table(path=path, title=title, header=header, rows=table, name=grid.name)


def _choose(path: Path, grids: list[Grid]) -> _Table:
    """The grid that is the workshop table, when the user chose none.

    Hidden sheets are skipped and, of the tables that can be read, the one
    whose header reads as questions and that holds the most text is taken;
    two such tables of similar size are ambiguous and raise an error listing
    them.
    """
    option = "sheet" if path.suffix.lower() in (".xlsx", ".xlsm") else "table"
    visible = [g for g in grids if not g.hidden]
    hidden = [g.name for g in grids if g.hidden]
    tables, failures = [], []
    for grid in visible:
        if not any(sum(not _is_blank(c) for c in r.cells) >= 2 for r in grid.rows):
            continue
        try:
            tables.append(_build_table(path, grid))
        except InputError as exc:
            failures.append(exc)
    plausible = [t for t in tables if any(_question_like(c) for c in t.header.cells[1:]) and t.rows]
    if not plausible and failures:
        raise failures[0]
    pool = sorted(plausible or tables, key=lambda t: -t.text_size())
    if not pool:
        extra = f" (hidden sheets: {', '.join(hidden)}; read one with sheet=...)" if hidden else ""
        raise InputError(f"no workshop table found in any {'visible ' if hidden else ''}{option}{extra}", path)
    if len(pool) > 1 and plausible and 2 * pool[1].text_size() >= pool[0].text_size():
        listed = "; ".join(t.describe() for t in pool)
        raise InputError(
            f"more than one table looks like a workshop: {listed}; choose one with {option}=... (command line: --{option})",
            path,
        )
    return pool[0]


# --------------------------------------------------------------------------
# Readers, one per format
# --------------------------------------------------------------------------

_SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)


def _csv_rows(text: str, delimiter: str, first_line: int) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    start = first_line
    for cells in reader:
        rows.append(Row(start, reader.line_num + first_line - 1, cells))
        start = reader.line_num + first_line
    return rows


def _delimiter_score(rows: list[Row]) -> tuple[float, int]:
    """How well a delimiter splits a sample: the share of rows that have the
    most common width of two or more cells, then that width."""
    widths = [len(r.cells) for r in rows if any(c.strip() for c in r.cells)]
    multi = [w for w in widths if w > 1]
    if not multi:
        return (0.0, 0)
    modal = max(set(multi), key=lambda w: (multi.count(w), w))
    return (round(multi.count(modal) / len(widths), 2), modal)


def _read_text_table(path: Path, data: bytes) -> Grid:
    text = _decode(data, path)
    first_line = 1
    delimiter = "\t"
    first, _, rest = text.partition("\n")
    sep = _SEP_LINE.match(first)
    if sep:  # Excel's "sep=;" line names the delimiter
        delimiter, text, first_line = sep.group(1), rest, 2
    elif path.suffix.lower() == ".csv":
        sample = text[:65536]
        cut = sample.rfind("\n")
        sample = sample[: cut if cut > 0 else len(sample)]
        delimiter = max(",;\t", key=lambda d: _delimiter_score(_csv_rows(sample, d, 1)))
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a cell may be as long as the file
    try:
        rows = _csv_rows(text, delimiter, first_line)
    except csv.Error as exc:  # pragma: no cover - strict=False makes this rare
        raise InputError(f"cannot read the table: {exc}", path) from None
    finally:
        csv.field_size_limit(limit)
    return Grid(name="", rows=rows)


_READERS = {
    ".txt": "text",
    ".tsv": "text",
    ".csv": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".docx": "docx",
}


def _read_table(path: Path, data: bytes, sheet=None, table=None, max_part_mb: float = 200) -> _Table:
    kind = _READERS[path.suffix.lower()]
    limit = int(max_part_mb * 2**20)
    if kind == "text":
        for name, value in (("sheet", sheet), ("table", table)):
            if value is not None:
                warnings.warn(f"{path}: {name}={value!r} has no effect on a {path.suffix} file", stacklevel=4)
        built = _build_table(path, _read_text_table(path, data))
        if "segment_id" in (_strip_markup(c) for c in built.header.cells):
            raise InputError(
                "this is a table of statements written by utenforskap (it has a segment_id column), "
                "not a workshop table with one column per question; read it with pandas.read_csv",
                path,
                built.header.line,
            )
        built.report_export = path.suffix.lower() == ".txt"
        return built
    if kind == "xlsx":
        from ._xlsx import read_xlsx

        if table is not None:
            warnings.warn(f"{path}: table={table!r} has no effect on a workbook (use sheet=)", stacklevel=4)
        grids = read_xlsx(path, data, limit, sheet=sheet)
        if not grids:
            raise InputError("no sheet found in the workbook", path)
        return _build_table(path, grids[0]) if sheet is not None else _choose(path, grids)
    if sheet is not None:
        warnings.warn(f"{path}: sheet={sheet!r} has no effect on a Word document (use table=)", stacklevel=4)

    grids = read_docx(path, data, limit)
    if table is not None:
        numbered = {g.name: g for g in grids}
        wanted = numbered.get(f"table {table}")
        if wanted is None:
            raise InputError(f"no table {table!r} in the document; it has {len(grids)} table(s), numbered from 1", path)
        return _build_table(path, wanted)
    grids = [g for g in grids if max((len(r.cells) for r in g.rows), default=0) >= 2]
    if not grids:
        raise InputError("no table with two or more columns found in the document", path)
    return _choose(path, grids)


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


def _numbered_lines(lines: list[str]) -> set[int]:
    """Which lines start with a list number ("1. ", "2) ") that is a marker.

    A number is a marker when a capital letter follows it ("1. Vi trenger
    ...", also a list of one), or when it is part of a list numbered in
    sequence; a list may start again under each sub-heading ("1.", "2.",
    "Eksempler:", "1.", "2.").  "1. juli" on its own is a date and stays text.

    Examples
    --------
    >>> sorted(_numbered_lines(["1. Vi trenger mer tid", "1. juli kom", "Eksempler:", "1. tid", "2. penger"]))
    [0, 3, 4]
    """
    marked = set()
    run: list[tuple[int, int]] = []  # (line, number) of the numbered lines since the last heading

    def close_run():
        numbers = [n for _, n in run]
        if len(numbers) >= 2 and all(b == a + 1 for a, b in zip(numbers, numbers[1:])):
            marked.update(i for i, _ in run)
        run.clear()

    for i, line in enumerate(lines):
        m = _NUMBERED.match(line)
        if m:
            if line[m.end() : m.end() + 1].isupper():
                marked.add(i)
            if int(m.group(1)) == 1:  # a list starting again
                close_run()
            run.append((i, int(m.group(1))))
        elif line.endswith(":") and not _LINE_BULLET.match(line):
            close_run()
    close_run()
    return marked


def _plain_blocks(text: str, inline: bool = False) -> list[_Block]:
    """Blocks of plain text, one line at a time.

    A line starting with a bullet sign is a bullet; a number ("1.", "2)")
    is a marker only when several lines are numbered in sequence; a line
    ending in ":" is a heading.  With ``inline`` (the report export) " - "
    inside a line also separates bullets.
    """
    lines = [line for line in map(_collapse, text.split("\n")) if line]
    numbered = _numbered_lines(lines)
    blocks = []
    for i, line in enumerate(lines):
        marker = _LINE_BULLET.match(line) or (_NUMBERED.match(line) if i in numbered else None)
        if marker:
            rest = line[marker.end() :]
            if inline:
                blocks.extend(_split_bullets("- " + rest))
            elif rest.strip():
                blocks.append(_Block("bullet", _collapse(rest)))
        elif line.endswith(":"):
            blocks.append(_Block("heading", line))
        else:
            blocks.append(_Block("para", line))
    return blocks


def _cell_blocks(cell: str, report_export: bool = False) -> list[_Block]:
    """The headings, bullets and paragraphs of one cell, in order.

    In an HTML list of the report export, " - " separates the bullets; in
    plain text it does so only in the report export (``report_export``).
    """
    if not _HTML_TAG.search(cell):
        return _plain_blocks(cell, inline=report_export)
    parser = _CellHTML()
    parser.feed(cell)
    parser.close()
    blocks: list[_Block] = []
    for context, text in parser.pieces:
        if context == "p":
            collapsed = _collapse(text)
            blocks.append(_Block("heading" if collapsed.endswith(":") else "para", collapsed))
        elif context == "li":
            item = _collapse(text)
            marker = _LINE_BULLET.match(item)
            item = item[marker.end() :] if marker else item
            if item:
                blocks.append(_Block("bullet", item))
        elif context == "ul":
            blocks.extend(_split_bullets(text))
        else:
            blocks.extend(_plain_blocks(text, inline=report_export))
    return blocks


# --------------------------------------------------------------------------
# Table -> statements
# --------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_") or "x"


def workshop_id(file_name: str) -> str:
    """The workshop id of a file: its stem (NFC), lower case, as a slug.

    Examples
    --------
    >>> workshop_id("Møte 2.docx")
    'møte-2'
    """
    return _slug(_nfc(Path(file_name).stem))


def segment_id(workshop: str, group: object, question: object, position: int) -> str:
    """The id of a statement: ``<workshop>-g<group>-q<question>-<position>``;
    a label that starts with the word group ("Gruppe 1", "gruppe A", "Group
    2") gives its name only, so ids read ``g1``, not ``ggruppe-1``.

    Examples
    --------
    >>> segment_id("ws", "Gruppe A", 2, 3), segment_id("ws", "3", 1, 1), segment_id("ws", "Gruppearbeid", 1, 1)
    ('ws-ga-q2-03', 'ws-g3-q1-01', 'ws-ggruppearbeid-q1-01')
    """
    label = _GROUP_WORD.sub("", str(group)).strip() or str(group)
    return f"{workshop}-g{_slug(label)}-q{question}-{int(position):02d}"


#: "Gruppe 1", "gruppe: A", "Group 2", "Gr. 3": the word before a group's name.
_GROUP_WORD = re.compile(r"^\s*(?:gruppe|group|gr\.)\s*[:.-]?\s+(?=\S)|^\s*(?:gruppe|group|gr\.)(?=\d)", re.IGNORECASE)


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
    lone: list[tuple[str, str, int]] = []  # headings followed by another heading: (group, heading, line)
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
            blocks = _cell_blocks(cell, table.report_export) if cell.strip() else []
            line = row.lines[col] if row.lines else row.line
            for b, block in enumerate(blocks):
                if block.kind == "heading":
                    if key in orphan:  # a heading straight after another: the first has nothing under it
                        lone.append((group, *orphan[key]))
                    section[key] = block.text.rstrip(":").rstrip()
                    orphan[key] = (block.text, line)
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
                    "source": _nfc(path.name),
                    "group": group,
                    "question": key[1],
                    "question_text": questions[col - 1],
                    "section": section.get(key, ""),
                    "position": position[key],
                    "text": block.text,
                    "line": line,
                    "line_end": line if row.lines else row.line_end,
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
    lone.extend((grp, heading, line) for (grp, _question), (heading, line) in orphan.items())
    for grp, heading, line in lone:
        warnings.warn(
            f"{path}:{line}: heading {heading!r} (group {grp}) has no statement under it; it is kept only as a section label",
            stacklevel=3,
        )
    frame = pd.DataFrame.from_records(records, columns=[c for c in STATEMENT_COLUMNS if c != "segment_id"])
    frame.insert(
        0,
        "segment_id",
        [segment_id(workshop, r["group"], r["question"], r["position"]) for r in records],
    )
    duplicated = frame["segment_id"].duplicated(keep=False)
    if duplicated.any():
        clash = sorted(frame.loc[duplicated, "group"].unique())
        raise InputError(f"group labels {clash} give the same segment ids; make them distinct", path)
    return frame


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_file(path: Path, sheet=None, table=None, max_part_mb: float = 200) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError("old .xls workbooks are not supported: save it as .xlsx", path)
    if suffix not in _READERS:
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
    built = _read_table(path, data, sheet=sheet, table=table, max_part_mb=max_part_mb)
    frame = _assemble(built, workshop_id(path.name))
    if frame.empty:
        raise InputError("the table has no statements", path)
    log.info("%s: %d statements", path, len(frame))
    return frame


def _link_problem(path: Path) -> str | None:
    """Why a symbolic link cannot be followed, or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return "a broken symbolic link (its target is missing)"
    return None


def _is_output_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an analysis this package wrote (its ``metadata.json``)."""
    import json

    try:
        metadata = json.loads((folder / OUTPUT_FILES["metadata"]).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(metadata, dict) and {"inputs", "statements", "pipeline"} <= metadata.keys()


def _walk(folder: Path, files: list[Path], seen: set) -> None:
    """Workshop tables in ``folder`` and its sub-folders, in name order;
    what is skipped is said in a warning."""
    info = folder.stat()
    if (info.st_dev, info.st_ino) in seen:
        warnings.warn(f"{folder}: skipped, a symbolic link loop (this folder is already being read)", stacklevel=4)
        return
    seen.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(folder.iterdir(), key=lambda f: _nfc(f.name))
    except OSError as exc:
        warnings.warn(f"{folder}: skipped, cannot list the folder ({exc.strerror})", stacklevel=4)
        return
    for f in entries:
        if f.name.startswith((".", "~$")):
            continue
        problem = _link_problem(f) if f.is_symlink() else None
        if problem:
            warnings.warn(f"{f}: skipped, {problem}", stacklevel=4)
        elif f.is_dir() and _is_output_folder(f):
            warnings.warn(
                f"{f}: skipped, an output folder of utenforskap (it has metadata.json), not workshop tables", stacklevel=4
            )
        elif f.is_dir():
            _walk(f, files, seen)
        elif f.suffix.lower() in SUPPORTED_SUFFIXES and f.is_file():
            files.append(f)
        else:
            warnings.warn(f"{f}: skipped, not a workshop table ({f.suffix or 'no suffix'})", stacklevel=4)


def expand_paths(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """The workshop files named by ``paths``: files as given, folders
    searched recursively for supported files.

    Raises
    ------
    InputError
        For a missing file, a broken or looping link, or a folder without
        workshop tables.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        problem = _link_problem(p) if p.is_symlink() else None
        if problem:
            raise InputError(problem, p)
        if p.is_dir() and _is_output_folder(p):
            raise InputError(
                "an output folder of utenforskap (it has metadata.json), not workshop tables: give the workshop files", p
            )
        if p.is_dir():
            found: list[Path] = []
            _walk(p, found, set())
            if not found:
                raise InputError(f"no workshop tables ({', '.join(SUPPORTED_SUFFIXES)}) in the folder or its sub-folders", p)
            files.extend(found)
        elif not p.exists():
            raise InputError("file not found", p)
        else:
            files.append(p)
    return files


def read_workshop(
    path: str | Path | Sequence[str | Path],
    *,
    sheet: str | int | None = None,
    table: int | None = None,
    max_part_mb: float = 200,
) -> pd.DataFrame:
    """Read one or more workshop tables into one row per statement.

    Parameters
    ----------
    path : str, Path, or list of them
        A workshop file (``.txt`` report export or ``.tsv``/``.csv``,
        ``.xlsx``, ``.docx``), a folder of such files, or a list of files and
        folders.  Folders are read with their sub-folders; what is skipped
        (other files, broken links, link loops) is named in a warning.
    sheet : str or int, optional
        The sheet of an ``.xlsx`` workbook to read, by name or 1-based number
        (also a hidden one).  By default the visible sheet that looks like a
        workshop table is read (question-like headers, most text).
    table : int, optional
        The table of a ``.docx`` document to read, 1-based.  By default the
        table that looks like a workshop table.
    max_part_mb : float, default 200
        Refuse an ``.xlsx``/``.docx`` whose parts inflate to more than this
        many MB each (a zip bomb protection).

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
        When a file is missing, empty, binary, damaged or hostile (a part
        over the size limit, broken XML, a DTD), has no table, two equally
        plausible tables, a row with the wrong number of cells, or a formula
        without a stored value.  The message names the file and line (and
        the sheet, table, part or cell).

    Examples
    --------
    >>> from utenforskap import read_workshop
    >>> df = read_workshop("data/raw/workshop_ungt_utenforskap_2023.txt")
    >>> df.loc[0, "segment_id"], df.loc[0, "section"]
    ('workshop_ungt_utenforskap_2023-g1-q1-01', '')
    >>> df.loc[0, "text"]
    'Flere bør få mulighet til å delta på arbeidsverkstedet, og å bli inspirert.'
    """
    files = expand_paths(path)
    if not files:
        raise InputError("no input files given", ".")
    seen: dict[str, Path] = {}
    for f in files:
        workshop = workshop_id(f.name)
        if workshop in seen:
            raise InputError(f"{seen[workshop]} and {f} give the same workshop id {workshop!r}; rename one", f)
        seen[workshop] = f
    frames = [_read_file(f, sheet=sheet, table=table, max_part_mb=max_part_mb) for f in files]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return frame


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
_WRITTEN_DATE = re.compile(r"\b(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})\b", re.IGNORECASE)


def workshop_date(title: str) -> datetime.date | None:
    """The date written in a workshop's title, if there is one: ``2023-02-02``,
    ``02.02.23`` or ``02.02.2023``, ``2. februar 2023``.

    Examples
    --------
    >>> workshop_date("Innspill fra workshop, NAV-USN, 02.02.23, USN Drammen")
    datetime.date(2023, 2, 2)
    >>> workshop_date("Arbeidsverksted 14. mars 2024"), workshop_date("Arbeidsverksted om bolig")
    (datetime.date(2024, 3, 14), None)
    """
    text = str(title or "")
    candidates = []
    for m in _ISO_DATE.finditer(text):
        candidates.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DOTTED_DATE.finditer(text):
        year = int(m.group(3))
        candidates.append((m.start(), year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1))))
    for m in _WRITTEN_DATE.finditer(text):
        month = MONTHS.get(m.group(2).lower())
        if month:
            candidates.append((m.start(), int(m.group(3)), month, int(m.group(1))))
    for _, year, month, day in sorted(candidates):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None
