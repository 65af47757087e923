"""A self-contained HTML report (pure: returns the page as a string).

Charts are inlined as SVG, tables are HTML tables, every piece of statement
text and every label is HTML-escaped.  Headings and labels are Norwegian.
"""

from __future__ import annotations

import html
import io

from ._lazy import lazy_module
from .codebook import codebook_of

pd = lazy_module("pandas")

__all__ = ["render_report", "figure_svg"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.35em .6em;vertical-align:top;text-align:left}
th{background:#f2f2f2}td.num{text-align:right}
.framework td{min-width:14em}.framework ul{margin:0;padding-left:1.1em}
.framework li{margin-bottom:.4em}.sid{color:#777;font-size:.8em;display:block}
.meta{color:#555;font-size:.9em}figure{margin:1.5em 0}figure svg{max-width:100%;height:auto}
"""


def figure_svg(fig) -> str:
    """A figure (or SVG text already rendered) as inline SVG markup, without
    the XML prolog."""
    if isinstance(fig, str):
        text = fig
    else:
        from .export import write_svg

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
        cells = "".join(f"<th>{_e(k)}</th>" for k in keys[: len(index_names)] or keys)
        for column, value in row.items():
            if isinstance(value, float) and percent and column != "n":
                cells += f'<td class="num">{"" if pd.isna(value) else f"{value:.0%}"}</td>'
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells += f'<td class="num">{_e(value if not float(value).is_integer() else int(value))}</td>'
            else:
                cells += f"<td>{_e(value)}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _framework(frame: pd.DataFrame, labels: dict, row_label: str) -> str:
    head = f"<th>{_e(row_label)}</th>" + "".join(f"<th>{_e(labels.get(c, c))}</th>" for c in frame.columns)
    rows = []
    for key, row in frame.iterrows():
        name = ": ".join(map(str, key)) if isinstance(key, tuple) else str(key)
        cells = f"<th>{_e(name)}</th>"
        for value in row:
            items = []
            for quote in [q for q in str(value).split("\n") if q]:
                sid, _, text = quote.partition("] ")
                items.append(f'<li>{_e(text)}<span class="sid">{_e(sid.lstrip("["))}</span></li>')
            cells += f"<td><ul>{''.join(items)}</ul></td>" if items else "<td></td>"
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="framework"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _figure(figure, name: str) -> str:
    fig, caption = figure if isinstance(figure, tuple) else (figure, getattr(figure, "_caption", name))
    return f"<figure>{figure_svg(fig)}<figcaption>{_e(caption)}</figcaption></figure>"


def _comparison(coded: pd.DataFrame, tables: dict, figure, labels: dict) -> str:
    """The section comparing the workshops of a series."""
    counts = coded.groupby("workshop", sort=False).size()
    listed = ", ".join(f"{_e(w)} ({n} utsagn)" for w, n in counts.items())
    parts = [
        "<h2>Sammenligning av workshopene</h2>",
        f"<p>{len(counts)} workshoper: {listed}. Andelene er andelen av hver workshops utsagn "
        "som har temaet; et utsagn kan ha flere temaer.</p>",
    ]
    if figure is not None:
        parts.append(_figure(figure, "workshop_theme_bars"))
    if "workshop_theme_share" in tables:
        parts.append(f"<h3>Workshop × tema (andel av utsagnene)</h3>{_table(tables['workshop_theme_share'], labels, True)}")
    if "workshop_theme" in tables:
        parts.append(f"<h3>Workshop × tema (antall utsagn)</h3>{_table(tables['workshop_theme'], labels)}")
    return "\n".join(parts)


def _rows_of(table: pd.DataFrame, workshop: str) -> pd.DataFrame | None:
    """The rows of one workshop of a (workshop, ...) table, without the workshop level."""
    if table.index.nlevels < 2 or workshop not in table.index.get_level_values(0):
        return None
    return table.xs(workshop, level=0, drop_level=True)


def _per_workshop(coded: pd.DataFrame, tables: dict, labels: dict) -> list[str]:
    """A section per workshop: its matrices and its framework matrix."""
    parts = []
    titles = coded.groupby("workshop", sort=False)["workshop_title"].first() if "workshop_title" in coded.columns else None
    for workshop, part in coded.groupby("workshop", sort=False):
        title = titles[workshop] if titles is not None and titles[workshop] else workshop
        sources = ", ".join(dict.fromkeys(part.get("source", pd.Series(dtype=str)).astype(str)))
        parts.append(f"<h2>Workshop: {_e(title)}</h2>")
        parts.append(f'<p class="meta">Workshop-id {_e(workshop)}; {len(part)} utsagn fra {_e(sources)}.</p>')
        for key, heading, percent in (
            ("group_theme", "Gruppe × tema (antall utsagn)", False),
            ("group_theme_share", "Gruppe × tema (andel av gruppens utsagn)", True),
            ("question_theme", "Spørsmål × tema (antall utsagn)", False),
        ):
            rows = _rows_of(tables[key], workshop) if key in tables else None
            if rows is not None:
                parts.append(f"<h3>{_e(heading)}</h3>{_table(rows, labels, percent)}")
        rows = _rows_of(tables["framework"], workshop) if "framework" in tables else None
        if rows is not None:
            parts.append("<h3>Rammematrise: sitater per gruppe og tema</h3>")
            parts.append(_framework(rows, labels, "Gruppe"))
    return parts


def render_report(coded: pd.DataFrame, tables: dict, figures: dict, codebook=None) -> str:
    """The analysis as one self-contained HTML page.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    tables : dict
        From :func:`utenforskap.analyse.build_tables`.
    figures : dict
        Name -> a matplotlib Figure (inlined as SVG; caption: its
        ``_caption`` or the name), or a tuple (SVG text, caption).

    Examples
    --------
    >>> import utenforskap as u
    >>> from utenforskap.analyse import build_tables
    >>> coded = u.code(["<script>alert(1)</script> er en hindring"]).assign(group="1", question=1, workshop="w")
    >>> page = render_report(coded, build_tables(coded), {})
    >>> "<script>alert" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    """
    book = codebook_of(coded, codebook)
    labels = {c: book.label(c) for c in book.codes}
    labels.update({"n": "Antall utsagn", "group": "Gruppe", "question": "Spørsmål", "workshop": "Workshop", "code": "Kode"})
    titles = [t for t in dict.fromkeys(coded.get("workshop_title", pd.Series(dtype=str)).fillna("")) if t]
    title = titles[0] if len(titles) == 1 else "Analyse av workshopinnspill"
    parts = [f"<h1>{_e(title)}</h1>"]
    for extra in titles[1:] if len(titles) > 1 else []:
        parts.append(f"<p>{_e(extra)}</p>")
    sources = ", ".join(dict.fromkeys(coded.get("source", pd.Series(dtype=str)).astype(str)))
    parts.append(
        f'<p class="meta">{len(coded)} utsagn fra {_e(sources or "tekster")}. '
        f"Kodet med kodeboken «{_e(book.title)}» og "
        f"spaCy-pipelinen {_e(coded.attrs.get('pipeline', ''))}. "
        f"Kontekst (overskrifter og spørsmål) {'brukt' if coded.attrs.get('context', True) else 'ikke brukt'}.</p>"
    )
    if "question_text" in coded.columns:
        parts.append("<h2>Spørsmål</h2><ol>")
        keys = ["workshop", "question"] if "workshop" in coded.columns else ["question"]
        for key, text in coded.groupby(keys)["question_text"].first().items():
            number = key[-1] if isinstance(key, tuple) else key
            parts.append(f'<li value="{int(number)}">{_e(text)}</li>')
        parts.append("</ol>")
    figures = dict(figures)
    several = "workshop" in coded.columns and coded["workshop"].nunique() > 1
    if several:
        parts.append(_comparison(coded, tables, figures.pop("workshop_theme_bars", None), labels))
    if figures:
        parts.append("<h2>Figurer</h2>")
        for name, figure in figures.items():
            parts.append(_figure(figure, name))
    parts.append("<h2>Matriser</h2>")
    for key, heading, percent in (
        ("group_theme", "Gruppe × tema (antall utsagn)", False),
        ("group_theme_share", "Gruppe × tema (andel av gruppens utsagn)", True),
        ("question_theme", "Spørsmål × tema (antall utsagn)", False),
        ("group_subcode", "Gruppe × underkode (antall utsagn)", False),
        ("cooccurrence", "Samforekomst av temaer (utsagn med begge)", False),
    ):
        if key in tables:
            parts.append(f"<h3>{_e(heading)}</h3>{_table(tables[key], labels, percent)}")
    if several:
        parts.extend(_per_workshop(coded, tables, labels))
    elif "framework" in tables:
        parts.append("<h2>Rammematrise: sitater per gruppe og tema</h2>")
        parts.append(_framework(tables["framework"], labels, "Gruppe"))
    parts.append("<h2>Kodebok</h2>")
    parts.append(_table(book.to_frame().set_index("code")[["label", "parent", "definition"]], {"label": "Etikett", "parent": "Overordnet", "definition": "Definisjon", "code": "Kode"}))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="no"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
