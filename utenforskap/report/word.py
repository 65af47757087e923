"""The report as a Word document (python-docx), for researchers who write
their reports in Word: title, questions, charts, matrices, the framework
matrix with quotes per theme, the uncoded statements and the codebook as an
appendix, all in Norwegian.  This module is an edge: it writes a file.
"""

from __future__ import annotations

import io
from pathlib import Path

from .._lazy import lazy_module
from ..coding import CodebookLike, codebook_of, uncoded
from ..exchange import atomic_write
from ..lang.nb import REPORT_TEXT, TABLE_TITLES, decided_nb, display_table, pipeline_nb, short_id
from ._page import question_lines, report_titles, workshop_numbers
from .figures import figure_specs
from .tables import TABLES

pd = lazy_module("pandas")

__all__ = ["column_widths", "write_word_report"]


#: The text width of the page (A4 less two 2 cm margins), and about how wide
#: a character of the tables' 9 pt text is (bold, Calibri-like), in cm.
_TEXT_WIDTH_CM = 17.0
_CHAR_CM = 0.2


def column_widths(frame: pd.DataFrame) -> list[float]:
    """Column widths (cm) that keep every word of a table whole: each column
    as wide as its longest word (header or cell) needs, the rest of the text
    width shared out in that proportion.

    Examples
    --------
    >>> import pandas as pd
    >>> [round(w, 1) for w in column_widths(pd.DataFrame({"Gruppe": ["1"], "Brukermedvirkning": [3]}))]
    [5.0, 12.0]
    """
    needs = []
    for name in frame.columns:
        words = str(name).split() + [w for v in frame[name].astype(str) for w in v.split()]
        needs.append((max(map(len, words), default=4) + 2) * _CHAR_CM)
    scale = _TEXT_WIDTH_CM / sum(needs)
    return [n * scale for n in needs]


def _table(document, frame: pd.DataFrame, percent: bool = False) -> None:
    """A frame as a Word table with a bold header row (numbers right-aligned),
    9 pt, columns wide enough that no word is broken."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(w) for w in column_widths(frame)]
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold, run.font.size = True, Pt(9)
    for _, row in frame.iterrows():
        cells = table.add_row().cells
        for cell, value in zip(cells, row.tolist()):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and percent and isinstance(value, float):
                text = "" if pd.isna(value) else f"{value:.0%}"
            elif number:
                text = "" if pd.isna(value) else f"{value:g}"
            else:
                text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            cell.text = text
            cell.paragraphs[0].runs[0].font.size = Pt(9) if text else None
            if number:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


class _Paragraphs:
    """Adds paragraphs in a named style, the style's id looked up once:
    python-docx's own ``style=`` scans every style of the document for the
    default one on each use (measured: 0.17 s of the report's 0.43 s).  The
    XML is the same."""

    def __init__(self, document):
        self.document, self.ids = document, {}

    def __call__(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            if style not in self.ids:
                self.ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self.ids[style]
        return paragraph

    def heading(self, text: str, level: int):
        """As ``document.add_heading``."""
        return self(text, "Title" if level == 0 else f"Heading {level}")


def _quotes(add: _Paragraphs, statements: pd.DataFrame, numbers: dict) -> None:
    """Each statement as a bullet with its short id in italics."""
    workshops = statements["workshop"] if "workshop" in statements.columns else [""] * len(statements)
    # the three columns it needs, not whole rows (a coded frame has thirty)
    for text, segment_id, workshop in zip(statements["text"], statements["segment_id"], workshops):
        paragraph = add(style="List Bullet")
        paragraph.add_run(text)
        paragraph.add_run(f" [{short_id(segment_id, workshop, numbers.get(workshop))}]").italic = True


def write_word_report(
    coded: pd.DataFrame, tables: dict, figures: dict, path: str | Path, *, codebook: CodebookLike | None = None
) -> Path:
    """Write the report as a ``.docx`` document.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    tables : dict
        From :func:`utenforskap.build_tables`.
    figures : dict
        Chart name -> PNG file (or bytes) with the chart, in order; its
        caption is taken from :func:`utenforskap.report.figures.figure_specs`.
    path : str or Path
        The ``.docx`` file.

    Examples
    --------
    >>> import tempfile, pathlib, docx, utenforskap as u
    >>> coded = u.code(u.read_workshop("data/raw"))
    >>> out = write_word_report(coded, u.build_tables(coded), {}, pathlib.Path(tempfile.mkdtemp()) / "r.docx")
    >>> docx.Document(out).paragraphs[0].text[:9]
    'Vedlegg 3'
    """
    import docx
    from docx.shared import Cm, Pt

    book = codebook_of(coded, codebook)
    numbers = workshop_numbers(coded)
    document = docx.Document()
    for section in document.sections:  # A4 (python-docx's template is US Letter)
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
    document.styles["Normal"].font.size = Pt(10)
    add = _Paragraphs(document)
    title, listed = report_titles(coded)
    add.heading(title, 0)
    for extra in listed:
        document.add_paragraph(extra)
    document.add_paragraph(
        REPORT_TEXT["statements_coded_with"].format(
            n=len(coded), codebook=book.title, pipeline=pipeline_nb(coded.attrs.get("pipeline", ""))
        )
        + " "
        + decided_nb(coded.attrs, book)
    )

    _contents(document, add)
    questions = question_lines(coded, numbers)
    if questions:
        add.heading(REPORT_TEXT["questions"], 1)
        for line in questions:
            add(line, "List Paragraph")

    captions = {spec.name: spec.caption for spec in figure_specs(book)}
    if figures:
        add.heading(REPORT_TEXT["figures"], 1)
        for name, image in figures.items():
            stream = io.BytesIO(image) if isinstance(image, bytes) else str(image)
            document.add_picture(stream, width=Cm(16))
            add(captions.get(name, name), "Caption")

    add.heading(REPORT_TEXT["matrices"], 1)
    for spec in TABLES:
        if "docx" in spec.reports and spec.name in tables:
            add.heading(TABLE_TITLES[spec.name].replace(" x ", " × "), 2)
            _table(document, display_table(tables[spec.name], book), spec.share)

    _framework(document, add, coded, book, numbers)
    _uncoded(document, add, coded, numbers)
    _appendix(document, add, book)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        document.save(fh)
    return path


def _framework(document, add: _Paragraphs, coded: pd.DataFrame, book, numbers: dict) -> None:
    """The framework matrix by theme: each theme's statements, group by group."""
    add.heading(REPORT_TEXT["framework_by_theme"], 1)
    keys = ["workshop", "group"] if numbers else ["group"]
    for theme in book.themes:
        add.heading(book.label(theme), 2)
        picked = coded[coded[theme]] if theme in coded.columns else coded.iloc[0:0]
        if picked.empty:
            document.add_paragraph(REPORT_TEXT["no_statements_with_theme"])
        for key, part in picked.groupby(keys, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            label = (
                REPORT_TEXT["group_in_workshop"].format(number=numbers[key[0]], group=key[-1])
                if numbers
                else REPORT_TEXT["group_n"].format(group=key[-1])
            )
            add(label, "Heading 3")
            _quotes(add, part, numbers)


def _uncoded(document, add: _Paragraphs, coded: pd.DataFrame, numbers: dict) -> None:
    """The statements no code was given."""
    add.heading(REPORT_TEXT["uncoded"], 1)
    rest = uncoded(coded)
    if rest.empty:
        document.add_paragraph(REPORT_TEXT["all_coded"])
    else:
        document.add_paragraph(REPORT_TEXT["some_uncoded"].format(n=len(rest)))
        _quotes(add, rest, numbers)


def _appendix(document, add: _Paragraphs, book) -> None:
    """The codebook as an appendix: each code's label, definition and notes."""
    add.heading(REPORT_TEXT["appendix_codebook"], 1)
    for code_id, code in book.codes.items():
        add(book.label(code_id), "Heading 2" if code.parent is None else "Heading 3")
        if code.definition:
            document.add_paragraph(code.definition)
        for word, items in ((REPORT_TEXT["include"], code.include), (REPORT_TEXT["exclude"], code.exclude)):
            if items:  # a text (a list in older codebooks): never iterated letter by letter
                document.add_paragraph(f"{word}: " + (items if isinstance(items, str) else "; ".join(map(str, items))))


def _contents(document, add: _Paragraphs) -> None:
    """A table of contents: Word's TOC field over headings 1-2, filled when
    the document is opened (``updateFields``) or with F9; until then it says
    how."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    add.heading(REPORT_TEXT["contents"], 1)
    paragraph = document.add_paragraph()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None), (None, None), ("end", None)):
        run = paragraph.add_run()
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = REPORT_TEXT["contents_hint"]
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
