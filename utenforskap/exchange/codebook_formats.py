"""The codebook in other formats: quanteda YAML dictionaries (both ways),
Taguette's codebook CSV and a Markdown codebook for a report; and adding
patterns to a copy of a codebook file (from a review).
"""

from __future__ import annotations

from pathlib import Path

from .._lazy import lazy_module
from ..coding import Codebook, CodebookLike, default_codebook_path, entry_place, load_codebook, parse_codebook
from ..errors import CodebookError
from ..lang.nb import REPORT_TEXT
from .files import write_text

pd = lazy_module("pandas")

__all__ = [
    "to_quanteda_yaml",
    "from_quanteda_yaml",
    "read_quanteda_dictionary",
    "add_patterns",
    "to_taguette_csv",
    "codebook_markdown",
]


def to_quanteda_yaml(codebook: CodebookLike | None = None) -> str:
    """The codebook as a quanteda YAML dictionary: nested keys, glob
    patterns as values.  A code with both patterns and sub-codes is a mapping
    whose empty key ``''`` holds the code's own patterns, beside one key per
    sub-code: quanteda's ``dictionary(file = ...)`` merges values under an
    empty name into the key's own values and keeps every sub-key (a list
    mixing patterns and sub-codes would be collapsed to one key).  Only
    patterns travel: labels, definitions, exclusion patterns and context
    rules have no place in that format.

    Examples
    --------
    >>> print(to_quanteda_yaml().splitlines()[0:3])
    ['barriers:', "  '':", '  - hindr*']
    """
    import yaml

    book = load_codebook(codebook)

    def node(code_id: str):
        code = book.codes[code_id]
        values = [p.text for p in code.patterns]
        if not code.children:
            return values
        children = {child: node(child) for child in code.children}
        return {own: values, **children} if values else children

    own = "\x00own"  # PyYAML would write an empty key as "? ''": write it as "'':" instead
    data = {theme: node(theme) for theme in book.themes}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return text.replace('"\\0own":', "'':")


#: Keys of a quanteda dictionary that hold a key's own values: quanteda reads
#: '' so, and its as.yaml writes them under '__'.
_OWN_KEYS = ("", "__")


def _quanteda_patterns(value, trail: list[str], path: str) -> list[str]:
    """A key's own values as patterns."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and not any(isinstance(v, dict) for v in value):
        return [str(v) for v in value]
    raise CodebookError(f"{entry_place(trail)}a key's own values must be a list of patterns, got {value!r}", path)


def _quanteda_code(value, trail: list[str], path: str) -> dict:
    """One quanteda key as a code of ours: its patterns and sub-codes."""
    code: dict = {}
    if isinstance(value, dict):
        own = [p for k in _OWN_KEYS if k in value for p in _quanteda_patterns(value[k], trail, path)]
        if None in value:  # "? " with no key
            own += _quanteda_patterns(value[None], trail, path)
        if own:
            code["patterns"] = own
        children = {
            str(k): _quanteda_code(v, [*trail, str(k)], path) for k, v in value.items() if k not in _OWN_KEYS and k is not None
        }
        if children:
            code["codes"] = children
    elif isinstance(value, list):
        patterns = [str(v) for v in value if not isinstance(v, dict)]
        children = {
            str(k): _quanteda_code(v, [*trail, str(k)], path) for item in value if isinstance(item, dict) for k, v in item.items()
        }
        if patterns:
            code["patterns"] = patterns
        if children:
            code["codes"] = children
    elif isinstance(value, str):
        code["patterns"] = [value]
    else:
        raise CodebookError(f"{entry_place(trail)}expected patterns, got {value!r}", path)
    return code


def from_quanteda_yaml(text: str, path: str = "<dictionary>", name: str | None = None) -> Codebook:
    """A codebook from a quanteda YAML dictionary (keys become code ids and
    labels; values become patterns).  Validated like any codebook."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CodebookError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path, mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not data:
        raise CodebookError("a quanteda dictionary is a mapping of keys to patterns", path)

    ours = {"name": name or Path(path).stem, "codes": {str(k): _quanteda_code(v, [str(k)], path) for k, v in data.items()}}
    return parse_codebook(yaml.safe_dump(ours, allow_unicode=True, sort_keys=False), path)


def read_quanteda_dictionary(path: str | Path) -> Codebook:
    """Load a quanteda YAML dictionary file as a codebook."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError("dictionary file not found", path) from None
    return from_quanteda_yaml(text, str(path))


def add_patterns(codebook: CodebookLike, additions: dict, path: str | Path) -> Path:
    """Write a copy of ``codebook`` to ``path`` (YAML) with ``additions``
    (code id -> patterns) appended to the codes' patterns, and return the
    path; loading it validates the result.  The bundled codebook is never
    written: give a path of your own.  Comments of the original file are not
    kept in the copy.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = add_patterns(load_codebook(), {"barriers": ["ventetid*"]}, pathlib.Path(tempfile.mkdtemp()) / "min.yaml")
    >>> load_codebook(out).catches("barriers", "ventetiden")
    True
    """
    import yaml

    book = load_codebook(codebook)
    path = Path(path)
    if path.resolve() == default_codebook_path().resolve():
        raise CodebookError("the bundled codebook is not changed: write the copy to a file of your own", path)
    if not book.source or not Path(book.source).exists():
        raise CodebookError("the codebook has no YAML file to copy (it was built in memory)", book.source or None)
    data = yaml.safe_load(Path(book.source).read_text(encoding="utf-8"))

    def find(codes: dict, code_id: str):
        for key, node in (codes or {}).items():
            if key == code_id:
                return node
            found = find((node or {}).get("codes"), code_id)
            if found is not None:
                return found
        return None

    for code_id, patterns in additions.items():
        node = find(data.get("codes"), code_id)
        if node is None:
            raise CodebookError(f"no code {code_id!r} in the codebook", book.source)
        present = {str(p).lower() for p in node.get("patterns", [])}
        node["patterns"] = [*node.get("patterns", []), *(p for p in patterns if p.lower() not in present)]

    write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), path)
    load_codebook(path)  # validated like any codebook
    return path


def to_taguette_csv(codebook: CodebookLike | None = None) -> str:
    """The codebook as a CSV Taguette imports (*Import codebook*): a ``tag``
    column with the tag path (a sub-code under its theme, joined by ``.``,
    Taguette's hierarchy) and a ``description`` column with the definition
    and the code id.

    Examples
    --------
    >>> to_taguette_csv().splitlines()[2][:36]
    'Hindringer.Finansiering og ressurser'
    """
    import csv
    import io

    book = load_codebook(codebook)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tag", "description"])
    for code_id, code in book.codes.items():
        path = ".".join(book.label(c).replace(".", "") for c in [*reversed(book.ancestors(code_id)), code_id])
        description = " ".join(f"{code.definition} (Kode-id: {code_id})".split())
        writer.writerow([path, description])
    return out.getvalue()


def codebook_markdown(codebook: CodebookLike | None = None) -> str:
    """The codebook as Markdown, for a report appendix: one section per
    theme, a table of its codes with definition, inclusion and exclusion
    notes, examples and patterns.

    Examples
    --------
    >>> codebook_markdown().splitlines()[0]
    '# Kodebok: Ungt utenforskap - standard kodebok (versjon 1.0)'
    """
    book = load_codebook(codebook)

    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")

    lines = [f"# Kodebok: {book.name}" + (f" (versjon {book.version})" if book.version else ""), ""]
    for theme in book.themes:
        t = book.codes[theme]
        lines += [f"## {t.label} (`{t.id}`)", "", cell(t.definition), ""]
        if t.include:
            lines += [f"**{REPORT_TEXT['markdown_include']}:** {cell(t.include)}", ""]
        if t.exclude:
            lines += [f"**{REPORT_TEXT['markdown_exclude']}:** {cell(t.exclude)}", ""]
        lines += [REPORT_TEXT["markdown_header"], "| --- | --- | --- | --- | --- |"]
        for code_id in [theme, *[c for c in book.codes if theme in book.ancestors(c)]]:
            c = book.codes[code_id]
            lines.append(
                f"| `{c.id}` | {cell(c.label)} | {cell(c.definition)} | {cell(' / '.join(c.examples))} | "
                f"{cell(', '.join(p.text for p in c.patterns))} |"
            )
        lines.append("")
    return "\n".join(lines)
