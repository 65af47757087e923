"""A self-contained HTML report (pure: returns the page as a string).

Charts are inlined as SVG, tables are HTML tables, every piece of statement
text and every label is HTML-escaped.  Headings and labels are Norwegian.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import CodebookLike, codebook_of, uncoded
from ..lang.nb import COLUMN_LABELS, REPORT_HEADINGS, REPORT_TEXT, decided_nb, pipeline_nb, short_id
from ._page import question_lines, report_titles, workshop_numbers
from .tables import SPECS, TABLES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

pd = lazy_module("pandas")

__all__ = ["render_report", "figure_svg"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.35em .6em;vertical-align:top;text-align:left}
th{background:#f2f2f2}td.num{text-align:right}
.wide{overflow-x:auto}
.framework td{min-width:14em}.framework ul{margin:0;padding-left:1.1em}
.framework li{margin-bottom:.4em}.sid{color:#777;font-size:.8em;display:block}
.meta{color:#555;font-size:.9em}figure{margin:1.5em 0}figure svg,figure img{max-width:100%;height:auto}
nav.toc ol{columns:2;font-size:.95em}nav.toc li{break-inside:avoid}
@media (max-width:600px){nav.toc ol{columns:1}body{margin:1em auto}}
@page{size:A4;margin:15mm}
@media print{
 body{max-width:none;margin:0;font-size:10pt}
 .wide{overflow:visible}
 table{width:100%;table-layout:fixed;font-size:7.5pt;page-break-inside:auto}
 th,td{padding:.2em .3em;overflow-wrap:break-word;hyphens:auto}
 th{overflow-wrap:normal;hyphens:manual}
 .framework td{min-width:0}
 tr,figure{page-break-inside:avoid}
 h2{page-break-after:avoid}
 nav.toc{page-break-after:always}
}
"""


def figure_svg(fig: Figure) -> str:
    """A figure (or SVG text already rendered) as inline SVG markup, without
    the XML prolog."""
    if isinstance(fig, str):
        text = fig
    else:
        from ..exchange import write_svg

        buffer = io.StringIO()
        write_svg(fig, buffer)
        text = buffer.getvalue()
    return text[text.index("<svg") :]


def _e(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _table(frame: pd.DataFrame, labels: dict, percent: bool = False) -> str:
    index_names = [n for n in frame.index.names if n is not None]
    head = "".join(f"<th>{_e(labels.get(n, n))}</th>" for n in index_names)
    head += "".join(f"<th>{_e(labels.get(c, c))}</th>" for c in frame.columns)
    rows = []
    for key, row in frame.iterrows():
        keys = key if isinstance(key, tuple) else (key,)
        cells = "".join(f"<th>{_e(labels.get(k, k) if isinstance(k, str) else k)}</th>" for k in keys[: len(index_names)] or keys)
        for column, value in row.items():
            if isinstance(value, float) and percent and column != "n":
                cells += f'<td class="num">{"" if pd.isna(value) else f"{value:.0%}"}</td>'
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells += f'<td class="num">{_e(value if not float(value).is_integer() else int(value))}</td>'
            else:
                cells += f"<td>{_e(value)}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _framework(frame: pd.DataFrame, labels: dict, row_label: str, short=lambda sid: sid) -> str:
    head = f"<th>{_e(row_label)}</th>" + "".join(f"<th>{_e(labels.get(c, c))}</th>" for c in frame.columns)
    rows = []
    for key, row in frame.iterrows():
        name = ": ".join(map(str, key)) if isinstance(key, tuple) else str(key)
        cells = f"<th>{_e(name)}</th>"
        for value in row:
            items = []
            for quote in [q for q in str(value).split("\n") if q]:
                sid, _, text = quote.partition("] ")
                items.append(f'<li>{_e(text)}<span class="sid">{_e(short(sid.lstrip("[")))}</span></li>')
            cells += f"<td><ul>{''.join(items)}</ul></td>" if items else "<td></td>"
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="wide"><table class="framework"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _figure(figure, name: str) -> str:
    fig, caption = figure if isinstance(figure, tuple) else (figure, figure.get_label() or name)
    if isinstance(fig, bytes):  # a PNG file's bytes: embedded, so the page stays one file
        image = f'<img src="data:image/png;base64,{base64.b64encode(fig).decode("ascii")}" alt="{_e(caption)}">'
        return f"<figure>{image}<figcaption>{_e(caption)}</figcaption></figure>"
    return f"<figure>{figure_svg(fig)}<figcaption>{_e(caption)}</figcaption></figure>"


class _Sections:
    """Numbered ``h2`` sections with anchors, for the table of contents."""

    def __init__(self):
        self.toc: list[tuple[str, str]] = []

    def __call__(self, title: str) -> str:
        anchor = f"s{len(self.toc) + 1}"
        self.toc.append((anchor, title))
        return f'<h2 id="{anchor}">{_e(title)}</h2>'

    def html(self) -> str:
        items = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in self.toc)
        return f'<nav class="toc"><h2>{REPORT_TEXT["contents"]}</h2><ol>{items}</ol></nav>'


def _comparison(coded: pd.DataFrame, tables: dict, figure, labels: dict, section) -> str:
    """The section comparing the workshops of a series."""
    counts = coded.groupby("workshop", sort=False).size()
    listed = ", ".join(
        REPORT_TEXT["workshop_item"].format(number=i, name=_e(w), n=n) for i, (w, n) in enumerate(counts.items(), start=1)
    )
    parts = [
        section(REPORT_TEXT["comparison"]),
        f"<p>{REPORT_TEXT['comparison_intro'].format(n=len(counts), listed=listed)}</p>",
    ]
    if figure is not None:
        parts.append(_figure(figure, "workshop_theme_bars"))
    for key in ("workshop_theme_share", "workshop_theme"):  # the shares first: they compare
        if key in tables:
            parts.append(f"<h3>{_e(REPORT_HEADINGS[key])}</h3>{_table(tables[key], labels, SPECS[key].share)}")
    return "\n".join(parts)


def _rows_of(table: pd.DataFrame, workshop: str) -> pd.DataFrame | None:
    """The rows of one workshop of a (workshop, ...) table, without the workshop level."""
    if table.index.nlevels < 2 or workshop not in table.index.get_level_values(0):
        return None
    return table.xs(workshop, level=0, drop_level=True)


def _per_workshop(coded: pd.DataFrame, tables: dict, labels: dict, section, short) -> list[str]:
    """A section per workshop: its matrices and its framework matrix."""
    parts = []
    titles = coded.groupby("workshop", sort=False)["workshop_title"].first() if "workshop_title" in coded.columns else None
    for number, (workshop, part) in enumerate(coded.groupby("workshop", sort=False), start=1):
        title = titles[workshop] if titles is not None and titles[workshop] else workshop
        sources = ", ".join(dict.fromkeys(part.get("source", pd.Series(dtype=str)).astype(str)))
        parts.append(section(f"W{number}: {title}"))
        meta = REPORT_TEXT["workshop_meta"].format(workshop=_e(workshop), n=len(part), sources=_e(sources))
        parts.append(f'<p class="meta">{meta}</p>')
        for spec in TABLES:
            rows = _rows_of(tables[spec.name], workshop) if "workshop" in spec.reports and spec.name in tables else None
            if rows is not None:
                parts.append(f"<h3>{_e(REPORT_HEADINGS[spec.name])}</h3>{_table(rows, labels, spec.share)}")
        rows = _rows_of(tables["framework"], workshop) if "framework" in tables else None
        if rows is not None:
            parts.append(f"<h3>{REPORT_TEXT['framework']}</h3>")
            parts.append(_framework(rows, labels, REPORT_TEXT["group"], short))
    return parts


def _uncoded(coded: pd.DataFrame, short, section) -> str:

    rest = uncoded(coded)
    parts = [section(REPORT_TEXT["uncoded"])]
    if rest.empty:
        parts.append(f"<p>{REPORT_TEXT['all_coded']}</p>")
        return "\n".join(parts)
    parts.append(f"<p>{REPORT_TEXT['some_uncoded'].format(n=len(rest))}</p><ul>")
    for row in rest.itertuples(index=False):
        parts.append(f'<li>{_e(row.text)} <span class="sid">{_e(short(row.segment_id))}</span></li>')
    parts.append("</ul>")
    return "\n".join(parts)


def render_report(coded: pd.DataFrame, tables: dict, figures: dict, *, codebook: CodebookLike | None = None) -> str:
    """The analysis as one self-contained HTML page.

    A table of contents with anchors; charts inlined as SVG (or embedded
    PNG); the matrices;
    with several workshops a comparison and a section per workshop; the
    framework matrix with short quote ids; the statements without a code;
    the codebook.  Print styles shrink wide tables to the page.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    tables : dict
        From :func:`utenforskap.build_tables`.
    figures : dict
        Name -> a matplotlib Figure (inlined as SVG; caption: its label,
        ``figure.get_label()``, or the name), or a tuple (SVG text, caption), or a
        tuple (PNG bytes, caption): embedded as an image.

    Examples
    --------
    >>> import utenforskap as u
    >>> from utenforskap import build_tables
    >>> coded = u.code(["<script>alert(1)</script> er en hindring"]).assign(group="1", question=1, workshop="w")
    >>> page = render_report(coded, build_tables(coded), {})
    >>> "<script>alert" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    """
    book = codebook_of(coded, codebook)
    labels = {**COLUMN_LABELS, **{c: book.label(c) for c in book.codes}}
    numbers = workshop_numbers(coded)
    workshop_of = dict(zip(coded["segment_id"], coded["workshop"])) if "workshop" in coded.columns else {}

    def short(sid: str) -> str:
        workshop = workshop_of.get(sid, "")
        return short_id(sid, workshop, numbers.get(workshop))

    section = _Sections()
    title, listed = report_titles(coded)
    head = [f"<h1>{_e(title)}</h1>"]
    for extra in listed:
        head.append(f"<p>{_e(extra)}</p>")
    sources = ", ".join(dict.fromkeys(coded.get("source", pd.Series(dtype=str)).astype(str)))
    meta = REPORT_TEXT["meta"].format(
        n=len(coded),
        sources=_e(sources or REPORT_TEXT["texts"]),
        codebook=_e(book.title),
        pipeline=_e(pipeline_nb(coded.attrs.get("pipeline", ""))),
        context=REPORT_TEXT["context_used"] if coded.attrs.get("context", True) else REPORT_TEXT["context_not_used"],
    )
    meta += " " + _e(decided_nb(coded.attrs, book))
    head.append(f'<p class="meta">{meta}</p>')
    parts = []
    questions = question_lines(coded, numbers)
    if questions:
        parts.append(section(REPORT_TEXT["questions"]))
        parts.extend(["<ol>", *(f"<li>{_e(line)}</li>" for line in questions), "</ol>"])
    figures = dict(figures)
    several = bool(numbers)
    if several:
        parts.append(_comparison(coded, tables, figures.pop("workshop_theme_bars", None), labels, section))
    if figures:
        parts.append(section(REPORT_TEXT["figures"]))
        for name, figure in figures.items():
            parts.append(_figure(figure, name))
    parts.append(section(REPORT_TEXT["matrices"]))
    for spec in TABLES:
        if "html" in spec.reports and spec.name in tables:
            parts.append(f"<h3>{_e(REPORT_HEADINGS[spec.name])}</h3>{_table(tables[spec.name], labels, spec.share)}")
    if several:
        parts.extend(_per_workshop(coded, tables, labels, section, short))
    elif "framework" in tables:
        parts.append(section(REPORT_TEXT["framework"]))
        parts.append(_framework(tables["framework"], labels, REPORT_TEXT["group"], short))
    parts.append(_uncoded(coded, short, section))
    parts.append(section(REPORT_TEXT["codebook"]))
    codebook_table = book.to_frame().set_index("code")[["label", "parent", "definition"]]
    codebook_table["parent"] = codebook_table["parent"].map(
        lambda p: book.label(p) if isinstance(p, str) and p in book.codes else ""
    )
    parts.append(_table(codebook_table, {"label": "Etikett", "parent": "Overordnet", "definition": "Definisjon", "code": "Kode"}))
    body = "\n".join([*head, section.html(), *parts])
    return (
        '<!DOCTYPE html>\n<html lang="no"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
