"""The tables of a .docx document as grids of cell text.

Read straight from the document's XML so that no text a person can see in
Word is lost: runs, hyperlinks, tracked insertions (``w:ins``; deletions stay
out), content controls (``w:sdt``, block and inline), simple and complex
fields (the shown result, not the instruction), smart tags and custom XML,
nested tables and text boxes inside a cell.  Paragraphs with a list style or
numbering become ``- `` bullets.  What cannot be read as text (an embedded
object, an imported chunk) is named in a warning with its row and column.
"""

from __future__ import annotations

import warnings

from ._grid import Grid, Row
from ._ooxml import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

# elements whose children are read as if they stood in their place (anything
# else not read below, such as w:del and w:moveFrom, is not shown by Word)
_WRAPPERS = {W + "ins", W + "hyperlink", W + "smartTag", W + "fldSimple", W + "customXml", W + "bdo", W + "dir", W + "moveTo"}
_UNREADABLE = {W + "object": "an embedded object", W + "altChunk": "an imported document chunk"}


def _alternate(elem):
    """The first choice of an ``mc:AlternateContent`` (its fallback repeats it)."""
    for child in elem:
        if child.tag == MC + "Choice":
            return child
    return next((c for c in elem if c.tag == MC + "Fallback"), None)


def _sdt_content(elem):
    pr = elem.find(W + "sdtPr")
    if pr is not None and pr.find(W + "showingPlcHdr") is not None:
        return None  # the control still shows its placeholder prompt, not written text
    return elem.find(W + "sdtContent")


def _expanded(parent):
    """The children of ``parent`` as Word shows them: a content control, an
    alternate content (its first choice) or a wrapper is replaced by what it
    holds."""
    for child in parent:
        tag = child.tag
        if tag == W + "sdt":
            inner = _sdt_content(child)
        elif tag == MC + "AlternateContent":
            inner = _alternate(child)
        elif tag in _WRAPPERS:
            inner = child
        else:
            yield child
            continue
        if inner is not None:
            yield from _expanded(inner)


class _Cells:
    """Reads the text of table cells; collects what it cannot read."""

    def __init__(self, list_styles: set[str]):
        self.list_styles = list_styles
        self.unreadable: list[str] = []

    # -- block level: paragraphs, tables, controls -------------------------
    def blocks(self, parent, lines: list[str]) -> None:
        for child in _expanded(parent):
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, lines)
            elif tag == W + "tbl":
                for tc in _cells_of(child):
                    self.blocks(tc, lines)
            elif tag in _UNREADABLE:
                self.unreadable.append(_UNREADABLE[tag])

    def paragraph(self, p, lines: list[str]) -> None:
        out: list[str] = []
        boxes: list[str] = []
        self.inline(p, out, [], boxes)
        text = "".join(out)
        if self._is_list(p) and text.strip():
            text = "- " + text.lstrip()
        lines.append(text)
        lines.extend(boxes)

    def _is_list(self, p) -> bool:
        ppr = p.find(W + "pPr")
        if ppr is None:
            return False
        num = ppr.find(W + "numPr")
        if num is not None:
            num_id = num.find(W + "numId")
            if num_id is None or num_id.get(W + "val") != "0":
                return True
        style = ppr.find(W + "pStyle")
        return style is not None and style.get(W + "val") in self.list_styles

    # -- inline level: runs and what wraps them ----------------------------
    def inline(self, parent, out: list[str], fields: list[str], boxes: list[str]) -> None:
        for child in _expanded(parent):
            tag = child.tag
            if tag == W + "r":
                self.run(child, out, fields, boxes)
            elif tag in (M + "oMath", M + "oMathPara"):
                out.append("".join(t.text or "" for t in child.iter(M + "t")))
            elif tag in _UNREADABLE:
                self.unreadable.append(_UNREADABLE[tag])

    def run(self, r, out: list[str], fields: list[str], boxes: list[str]) -> None:
        for child in r:
            tag = child.tag
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    fields.append("instruction")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
                continue
            if fields and fields[-1] == "instruction":
                continue  # the field code ("PAGE", "HYPERLINK ..."), not what Word shows
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("\u2011")
            elif tag in (W + "drawing", W + "pict", MC + "AlternateContent"):
                for box in _text_boxes(child):
                    self.blocks(box, boxes)
            elif tag in _UNREADABLE:
                self.unreadable.append(_UNREADABLE[tag])

    def text(self, tc) -> str:
        lines: list[str] = []
        self.blocks(tc, lines)
        return "\n".join(lines)


def _text_boxes(elem):
    """The ``w:txbxContent`` of a drawing, each once (not its fallback copy)."""
    if elem.tag == W + "txbxContent":
        yield elem
        return
    children = elem
    if elem.tag == MC + "AlternateContent":
        choice = _alternate(elem)
        children = [] if choice is None else choice
    for child in children:
        yield from _text_boxes(child)


def _unwrap(parent, tag: str):
    """Children ``tag`` of ``parent``, also inside content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _unwrap(content, tag)
        elif child.tag == W + "customXml":
            yield from _unwrap(child, tag)


def _cells_of(tbl):
    for tr in _unwrap(tbl, W + "tr"):
        yield from _unwrap(tr, W + "tc")


def _int_val(parent, path: str, default: int) -> int:
    elem = parent.find(path) if parent is not None else None
    try:
        return int(elem.get(W + "val")) if elem is not None else default
    except (TypeError, ValueError):
        return default


def _table_grid(tbl, reader: _Cells, path, name: str) -> Grid:
    rows = []
    merged = []
    open_merges: dict[int, list] = {}  # grid column -> [first row, last row, text, column]
    for number, tr in enumerate(_unwrap(tbl, W + "tr"), start=1):
        cells = [""] * _int_val(tr.find(W + "trPr"), W + "gridBefore", 0)
        for tc in _unwrap(tr, W + "tc"):
            pr = tc.find(W + "tcPr")
            span = max(1, _int_val(pr, W + "gridSpan", 1))
            column = len(cells)
            vmerge = pr.find(W + "vMerge") if pr is not None else None
            reader.unreadable = []
            text = reader.text(tc)
            for what in dict.fromkeys(reader.unreadable):
                warnings.warn(
                    f"{path}: {name}, row {number}, column {column + 1}: {what} cannot be read as text; "
                    "its content is not included",
                    stacklevel=4,
                )
            if vmerge is not None and vmerge.get(W + "val") != "restart" and column in open_merges:
                # a continued vertical merge: its text stands once, in the first row
                open_merges[column][1] = number
            else:
                if column in open_merges:
                    merged.append(tuple(open_merges.pop(column)))
                if vmerge is not None:
                    open_merges[column] = [number, number, text, column]
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(Row(number, number, cells))
    merged.extend(tuple(m) for m in open_merges.values())
    spans = [(first, last, col) for first, last, text, col in merged if last > first and text.strip()]
    return Grid(name=name, rows=rows, merged=spans)


def _list_styles(package: Package) -> set[str]:
    part = "word/styles.xml"
    if not package.has(part):
        return set()
    styles = {}
    for style in package.xml(part).iter(W + "style"):
        if style.get(W + "type") not in (None, "paragraph"):
            continue
        name = style.find(W + "name")
        based = style.find(W + "basedOn")
        ppr = style.find(W + "pPr")
        styles[style.get(W + "styleId")] = (
            (name.get(W + "val") or "") if name is not None else "",
            based.get(W + "val") if based is not None else None,
            ppr is not None and ppr.find(W + "numPr") is not None,
        )

    def is_list(style_id, depth=0) -> bool:
        if style_id not in styles or depth > 20:
            return False
        name, based, numbered = styles[style_id]
        return numbered or name.lower().startswith(("list", "liste")) or is_list(based, depth + 1)

    return {s for s in styles if is_list(s)}


def read_docx(path, data: bytes, max_part_bytes: int) -> list[Grid]:
    """Every top-level table of the document, in order, each with the
    document's first non-empty paragraph above it as its title."""
    package = Package(path, data, "Word document", max_part_bytes)
    try:
        root = package.xml(package.main_part("word/document.xml"))
        reader = _Cells(_list_styles(package))
    finally:
        package.close()
    body = root.find(W + "body")
    if body is None:
        return []
    grids = []
    title = ""
    number = 0

    def walk(parent):
        nonlocal title, number
        for child in parent:
            if child.tag == W + "p":
                if not title:
                    lines: list[str] = []
                    reader.paragraph(child, lines)
                    title = " ".join(" ".join(lines).split())
            elif child.tag == W + "tbl":
                number += 1
                grid = _table_grid(child, reader, path, f"table {number}")
                grid.title = title
                grids.append(grid)
            elif child.tag == W + "sdt":
                content = _sdt_content(child)
                if content is not None:
                    walk(content)
            elif child.tag == W + "customXml":
                walk(child)

    walk(body)
    return grids
