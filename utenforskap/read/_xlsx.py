"""The sheets of an .xlsx workbook as grids of cell text.

Read straight from the workbook's XML, streaming: only cells that hold text
are kept, so a declared used range (``<dimension>``) that is wrong, a stray
cell at XFD1048576 or millions of empty rows cost nothing.  Formulas count by
their stored value; a formula without one is an error naming the cell.
"""

from __future__ import annotations

import datetime as _dt
import re

from openpyxl.utils import column_index_from_string, get_column_letter

from ..errors import InputError
from ._grid import Grid, Row
from ._ooxml import Package

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# built-in number formats that show a date or time
_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unescape(text: str) -> str:
    """Excel writes control characters as ``_xHHHH_`` (``_x000D_`` for CR)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _string_item(si) -> str:
    """Text of a shared string / inline string: plain or rich runs, without
    phonetic guides."""
    parts = []
    for child in si:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return _unescape("".join(parts))


def _shared_strings(package: Package, part: str | None) -> list[str]:
    if not part or not package.has(part):
        return []
    strings = []
    for _event, elem in package.iterparse(part, events=("end",)):
        if _local(elem.tag) == "si":
            strings.append(_string_item(elem))
            elem.clear()
    return strings


def _date_styles(package: Package, part: str | None) -> set[int]:
    """Indexes of the cell styles whose number format shows a date or time."""
    if not part or not package.has(part):
        return set()
    root = package.xml(part)
    custom = {}
    for elem in root.iter():
        if _local(elem.tag) == "numFmt":
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", elem.get("formatCode", ""))
            custom[int(elem.get("numFmtId", "0"))] = bool(_DATE_CODE.search(code))
    dates = set()
    for elem in root:
        if _local(elem.tag) == "cellXfs":
            for i, xf in enumerate(x for x in elem if _local(x.tag) == "xf"):
                fmt = int(xf.get("numFmtId", "0"))
                if custom.get(fmt, fmt in _DATE_FORMATS):
                    dates.add(i)
    return dates


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _date(text: str, epoch: _dt.datetime) -> str:
    try:
        moment = epoch + _dt.timedelta(days=float(text))
    except (ValueError, OverflowError):
        return _number(text)
    if moment.time() == _dt.time(0):
        return moment.date().isoformat()
    return moment.isoformat()


# An empty row or an empty cell with its position written out (<row r="9"/>,
# <c r="B9" s="3"/>) carries nothing; a sheet can hold millions of them
# (formatting a whole column).  They are cut from the byte stream before
# parsing, so they cost a regular expression's time, not an XML event each.
# Rows and cells without ``r`` stay: their position counts.
_EMPTY = re.compile(
    rb'<(?:\w+:)?row\s[^<>]*?\br="\d+"[^<>]*/>'
    rb'|<(?:\w+:)?c\s[^<>]*?\br="[A-Z]+\d+"[^<>]*/>'
    rb'|<((?:\w+:)?row)\s[^<>]*?\br="\d+"[^<>/]*>\s*</\1>'
)


class _WithoutEmpty:
    """A read-only byte stream: ``stream`` without empty rows and cells."""

    def __init__(self, stream):
        self.stream = stream
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self.stream.read(1 << 20)
            if not chunk:
                data, self.tail = self.tail, b""
                return _EMPTY.sub(b"", data)
            data = self.tail + chunk
            cut = data.rfind(b">") + 1  # an unfinished tag waits for the next chunk
            data, self.tail = data[:cut], data[cut:]
            data = _EMPTY.sub(b"", data)
            if data:
                return data


class _Sheet:
    def __init__(self, package, path, name, strings, dates, epoch):
        self.package, self.path, self.name = package, path, name
        self.strings, self.dates, self.epoch = strings, dates, epoch

    def _value(self, cell, ref: str) -> str:
        kind = cell.get("t", "n")
        value = formula = inline = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                value = child.text or ""
            elif name == "f":
                formula = child
            elif name == "is":
                inline = child
        if kind == "inlineStr":
            return _string_item(inline) if inline is not None else ""
        if value is None or (formula is not None and not value and kind not in ("str", "s")):
            # a numeric result is never empty: Excel stored no value (or openpyxl wrote the file)
            if formula is not None:
                raise InputError(
                    f"sheet {self.name!r}, cell {ref}: a formula without a stored value; open the file "
                    "in Excel or LibreOffice and save it, so that the values are stored",
                    self.path,
                )
            return ""
        if kind == "s":
            try:
                return self.strings[int(value)]
            except (ValueError, IndexError):
                raise InputError(
                    f"sheet {self.name!r}, cell {ref}: refers to a shared string that is missing", self.path
                ) from None
        if kind in ("str", "e", "d"):
            return _unescape(value)
        if kind == "b":
            return "TRUE" if value.strip() in ("1", "true") else "FALSE"
        style = cell.get("s")
        if style is not None and style.isdigit() and int(style) in self.dates:
            return _date(value, self.epoch)
        return _number(value)

    def read(self, part: str) -> tuple[dict[int, dict[int, str]], list[tuple[int, int, int]]]:
        """Non-empty cells as {row: {column: text}} and merged ranges, streaming."""
        cells: dict[int, dict[int, str]] = {}
        merged = []
        sheet_data = None
        row_number = 0
        column = 0
        for event, elem in self.package.iterparse(part, wrap=_WithoutEmpty):
            name = _local(elem.tag)
            if event == "start":
                if name == "sheetData":
                    sheet_data = elem
                elif name == "row":
                    r = elem.get("r")
                    row_number = int(r) if r and r.isdigit() else row_number + 1
                    column = 0
                continue
            if name == "c":
                ref = elem.get("r") or ""
                m = _REF.match(ref)
                if m:  # the reference wins over the row element's number
                    column, row_number = column_index_from_string(m.group(1)), int(m.group(2))
                else:
                    column += 1
                    ref = f"{get_column_letter(column)}{row_number}"
                text = self._value(elem, ref)
                if text.strip():
                    cells.setdefault(row_number, {})[column] = text
                elem.clear()
            elif name == "row":
                elem.clear()
                if sheet_data is not None:
                    sheet_data.remove(elem)
            elif name == "mergeCell":
                bounds = (elem.get("ref") or "").split(":")
                ends = [_REF.match(b) for b in bounds]
                if len(ends) == 2 and all(ends):  # (first row, last row, first column)
                    merged.append((int(ends[0].group(2)), int(ends[1].group(2)), column_index_from_string(ends[0].group(1))))
        return cells, merged


def _grid(name: str, cells: dict[int, dict[int, str]], merged, hidden: bool) -> Grid:
    # keep only columns that hold something: no materialised empty columns
    used = sorted({c for row in cells.values() for c in row})
    index = {c: i for i, c in enumerate(used)}
    rows = []
    for number in sorted(cells):
        row = cells[number]
        values = [""] * (max(index[c] for c in row) + 1)
        for c, text in row.items():
            values[index[c]] = text
        rows.append(Row(number, number, values))
    spans = [(r1, r2, index[c1]) for r1, r2, c1 in merged if r2 > r1 and c1 in index]
    return Grid(name=f"sheet {name!r}", rows=rows, merged=spans, hidden=hidden)


def read_xlsx(path, data: bytes, max_part_bytes: int, sheet=None) -> list[Grid]:
    """Every worksheet of a workbook as a :class:`Grid` (hidden ones marked),
    or only ``sheet`` (a name or a 1-based number) when given."""
    package = Package(path, data, "Excel workbook", max_part_bytes)
    try:
        workbook = package.main_part("xl/workbook.xml")
        rels = package.relationships(workbook)
        root = package.xml(workbook)
        epoch = _dt.datetime(1899, 12, 30)
        entries = []
        for elem in root.iter():
            name = _local(elem.tag)
            if name == "workbookPr" and elem.get("date1904") in ("1", "true"):
                epoch = _dt.datetime(1904, 1, 1)
            elif name == "sheet":
                rid = next((v for k, v in elem.attrib.items() if _local(k) == "id" and k.startswith("{")), None)
                target, kind = rels.get(rid, ("", ""))
                if kind == "worksheet" and package.has(target):
                    entries.append((elem.get("name", target), target, elem.get("state", "visible") != "visible"))
        by_kind = {kind: target for target, kind in rels.values()}
        strings = _shared_strings(package, by_kind.get("sharedStrings"))
        dates = _date_styles(package, by_kind.get("styles"))
        if sheet is not None:
            chosen = [e for e in entries if e[0] == str(sheet)]
            if not chosen and str(sheet).isdigit() and 1 <= int(sheet) <= len(entries):
                chosen = [entries[int(sheet) - 1]]
            if not chosen:
                names = ", ".join(repr(e[0]) for e in entries)
                raise InputError(f"no sheet {sheet!r} in the workbook; its sheets: {names}", path)
            entries = chosen
        grids = []
        for name, target, hidden in entries:
            cells, merged = _Sheet(package, path, name, strings, dates, epoch).read(target)
            grids.append(_grid(name, cells, merged, hidden))
        return grids
    finally:
        package.close()
