"""The codebook: a YAML file researchers read and edit, validated when loaded.

The format follows quanteda's YAML dictionaries where they fit (nested keys,
glob patterns such as ``hindr*``, multiword patterns as phrases) and adds what
a codebook needs: a Norwegian label, a definition, inclusion and exclusion
notes and examples per code, exclusion patterns, negation handling and
context rules on the section heading or question a statement stands under.
The bundled default is ``utenforskap/data/codebook.yaml``.

Errors name the file, the line and the path to the bad entry, e.g.
``codebook.yaml:31: [barriers -> funding -> patterns] empty pattern``.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Union

from ._lazy import lazy_module
from .errors import CodebookError
from .export import write_text
from .lang_nb import REPORT_TEXT

pd = lazy_module("pandas")

__all__ = [
    "codebook_of",
    "Codebook",
    "Code",
    "Pattern",
    "load_codebook",
    "default_codebook_path",
    "glob_regex",
    "parse_pattern",
    "to_quanteda_yaml",
    "from_quanteda_yaml",
    "read_quanteda_dictionary",
    "codebook_markdown",
    "to_taguette_csv",
    "add_patterns",
    "CodebookLike",
]

#: What every ``codebook=`` parameter takes: a loaded :class:`Codebook`, or
#: the path of a YAML codebook (or quanteda dictionary) to load.
CodebookLike = Union["Codebook", str, os.PathLike]

_CODEBOOK_KEYS = {"name", "version", "language", "description", "negation", "context", "codes"}
_CODE_KEYS = {
    "label",
    "definition",
    "include",
    "exclude",
    "examples",
    "patterns",
    "exclude_patterns",
    "weak_patterns",
    "description_markers",
    "sections",
    "questions",
    "when_negated",
    "standalone",
    "codes",
}
_NEGATION_KEYS = {"words", "exceptions", "window", "after", "scope_breaks", "lack"}
_LACK_KEYS = {"words", "code", "unless"}
_CONTEXT_KEYS = {"sections", "questions"}
_ID = re.compile(r"^[^\W\d]\w*$")
_TOKEN = re.compile(r"^[\w*?'.\-]+$")


def glob_regex(glob: str) -> str:
    """Regular expression (anchored) for a glob with ``*`` and ``?``.

    Examples
    --------
    >>> glob_regex("hindr*"), glob_regex("bruker?*")
    ('^hindr.*$', '^bruker..*$')
    """
    return "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob) + "$"


@dataclass(frozen=True)
class Pattern:
    """One pattern as written, split into word globs.

    A word glob in lowercase matches a token's lemma or lowercase form; one
    with capitals matches the token's exact form (``OT``, ``NAV``).
    """

    text: str
    words: tuple[str, ...]


@dataclass
class Code:
    """One code of the codebook (a theme or a sub-code)."""

    id: str
    label: str
    parent: str | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    exclude_patterns: list[Pattern] = field(default_factory=list)
    #: texts of the patterns that code but leave the coding uncertain
    weak_patterns: frozenset[str] = frozenset()
    #: patterns that mark a statement as a description of what happened
    #: ("ble", "har vært"): there a coding that rests on weak patterns alone is set aside
    description_markers: list[Pattern] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    when_negated: tuple[str, ...] = ("drop",)
    standalone: bool = False
    children: list[str] = field(default_factory=list)
    level: int = 0
    line: int | None = None

    def is_weak_rule(self, rule: str) -> bool:
        """Whether an evidence rule (one pattern text, or several joined by
        ", " where they matched the same words) is made of weak patterns only."""
        return bool(self.weak_patterns) and all(r in self.weak_patterns for r in rule.split(", "))

    def rests_on_one_weak_word(self, kept: list[dict]) -> bool:
        """Whether this code's kept evidence records are all matches of its
        weak patterns, on one word (case aside): a coding that is uncertain
        (the review queue) or set aside in a description (the coder)."""
        return (
            bool(kept)
            and all(e["method"] == "pattern" and self.is_weak_rule(e["rule"]) for e in kept)
            and len({e["matched"].lower() for e in kept}) < 2
        )


@dataclass
class Codebook:
    """A validated codebook.  Build it with :func:`load_codebook`."""

    name: str
    codes: dict[str, Code]
    version: str = ""
    language: str = "nb"
    negation_words: tuple[str, ...] = ()
    negation_exceptions: tuple[tuple[str, ...], ...] = ()
    negation_window: int = 3
    negation_after: int = 1
    negation_scope_breaks: frozenset = frozenset()
    lack_words: tuple[str, ...] = ()
    lack_code: str | None = None
    lack_unless: frozenset = frozenset()
    context_sections: bool = True
    context_questions: bool = True
    source: str = ""

    def __deepcopy__(self, memo) -> Codebook:
        # a Codebook is not modified after loading: a coded frame's attrs (which
        # pandas deep-copies on every operation) carry it by reference
        return self

    def __copy__(self) -> Codebook:
        return self

    @property
    def title(self) -> str:
        """Name and version, for reports."""
        return f"{self.name} {self.version}".strip()

    @property
    def themes(self) -> list[str]:
        """Ids of the top-level codes, in file order."""
        return [c.id for c in self.codes.values() if c.parent is None]

    def ancestors(self, code_id: str) -> list[str]:
        """The parent, grandparent ... of a code."""
        out = []
        parent = self.codes[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.codes[parent].parent
        return out

    def theme_of(self, code_id: str) -> str:
        """The top-level code a code belongs to."""
        chain = [code_id, *self.ancestors(code_id)]
        return chain[-1]

    def label(self, code_id: str) -> str:
        return self.codes[code_id].label

    def catches(self, code_id: str, word: str) -> bool:
        """Whether a one-word pattern of the code (or of its sub-codes)
        matches ``word`` (a lowercase lemma or form)."""
        stack = [code_id]
        while stack:
            code = self.codes[stack.pop()]
            stack.extend(code.children)
            for pattern in code.patterns:
                if len(pattern.words) == 1 and re.fullmatch(glob_regex(pattern.words[0]), word, flags=re.IGNORECASE):
                    return True
        return False

    def to_frame(self) -> pd.DataFrame:
        """One row per code: id, parent, theme, level, label, definition,
        include/exclude notes, examples and patterns (readable, for reports
        and exports)."""
        rows = []
        for c in self.codes.values():
            rows.append(
                {
                    "code": c.id,
                    "parent": c.parent or "",
                    "theme": self.theme_of(c.id),
                    "level": c.level,
                    "label": c.label,
                    "definition": c.definition,
                    "include": c.include,
                    "exclude": c.exclude,
                    "examples": " | ".join(c.examples),
                    "patterns": ", ".join(p.text for p in c.patterns),
                    "exclude_patterns": ", ".join(p.text for p in c.exclude_patterns),
                    "sections": ", ".join(c.sections),
                    "questions": ", ".join(c.questions),
                }
            )
        return pd.DataFrame(rows)


def default_codebook_path() -> Path:
    """Path of the bundled default codebook."""
    return Path(str(resources.files("utenforskap") / "data" / "codebook.yaml"))


# --------------------------------------------------------------------------
# YAML with line numbers
# --------------------------------------------------------------------------


class _Node:
    """A YAML value with the line it stands on."""

    __slots__ = ("value", "line")

    def __init__(self, value, line):
        self.value = value
        self.line = line


def _compose(text: str, path: str):
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"not valid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    if root is None:
        raise CodebookError("the codebook is empty", path)
    return _convert(root, path)


def _convert(node, path: str) -> _Node:
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:
                raise CodebookError(
                    f"the key {key!r} appears twice (first at line {out[key].line})", path, key_node.start_mark.line + 1
                )
            converted = _convert(value_node, path)
            converted.line = key_node.start_mark.line + 1
            out[key] = converted
        return _Node(out, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_convert(n, path) for n in node.value], line)
    constructed = yaml.SafeLoader(" ").construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value
    return _Node(constructed, line)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _where(trail: list[str]) -> str:
    return "[" + " -> ".join(trail) + "] "


def _check_keys(node: _Node, allowed: set[str], trail: list[str], path: str) -> None:
    if not isinstance(node.value, dict):
        raise CodebookError(f"{_where(trail)}expected a mapping of keys", path, node.line)
    for key, value in node.value.items():
        if key not in allowed:
            raise CodebookError(f"{_where(trail)}unknown key {key!r}; allowed: {', '.join(sorted(allowed))}", path, value.line)


def _strings(node: _Node, trail: list[str], path: str) -> list[tuple[str, int]]:
    if not isinstance(node.value, list):
        raise CodebookError(f"{_where(trail)}expected a list, got {type(node.value).__name__}", path, node.line)
    out = []
    for item in node.value:
        if not isinstance(item.value, str):
            raise CodebookError(f"{_where(trail)}expected text, got {item.value!r}", path, item.line)
        out.append((item.value, item.line))
    return out


def _text(node: _Node | None, trail: list[str], path: str) -> str:
    if node is None:
        return ""
    if not isinstance(node.value, (str, int, float)):
        raise CodebookError(f"{_where(trail)}expected text", path, node.line)
    return " ".join(str(node.value).split())


def _pattern(text: str, trail: list[str], path: str, line: int) -> Pattern:
    words = tuple(text.split())
    if not words:
        raise CodebookError(f"{_where(trail)}empty pattern", path, line)
    for w in words:
        if not _TOKEN.match(w):
            bad = next(c for c in w if not re.match(r"[\w*?'.\-]", c))
            raise CodebookError(
                f"{_where(trail)}broken pattern {text!r}: the character {bad!r} is not allowed; "
                "use letters, digits, - . ' and the wildcards * and ?",
                path,
                line,
            )
    if len(words) == 1 and not words[0].strip("*?"):
        raise CodebookError(f"{_where(trail)}broken pattern {text!r}: it matches every word", path, line)
    return Pattern(text=" ".join(words), words=words)


def parse_pattern(text: str, where: str = "<pattern>") -> Pattern:
    """One pattern in the codebook's pattern language, checked as when a
    codebook is loaded.

    Raises
    ------
    CodebookError
        For an empty pattern, a character outside the pattern language, or a
        pattern that matches every word (``where`` names its place).

    Examples
    --------
    >>> parse_pattern("på  tvers").words
    ('på', 'tvers')
    """
    return _pattern(text, [], where, None)


def _pattern_key(text: str) -> str:
    """How two pattern texts are compared: lowercase, white space collapsed."""
    return " ".join(text.lower().split())


def _parse_code(
    code_id: str, node: _Node, parent: str | None, level: int, trail: list[str], path: str, out: dict, lines: dict
) -> None:
    trail = [*trail, code_id]
    if not _ID.match(code_id):
        raise CodebookError(f"{_where(trail)}code id {code_id!r} must be one word (letters, digits, _)", path, node.line)
    if code_id in out:
        raise CodebookError(f"{_where(trail)}duplicate code id {code_id!r} (also at line {lines[code_id]})", path, node.line)
    _check_keys(node, _CODE_KEYS, trail, path)
    v = node.value
    code = Code(
        id=code_id, label=_text(v.get("label"), [*trail, "label"], path) or code_id, parent=parent, level=level, line=node.line
    )
    code.definition = _text(v.get("definition"), [*trail, "definition"], path)
    code.include = _text(v.get("include"), [*trail, "include"], path)
    code.exclude = _text(v.get("exclude"), [*trail, "exclude"], path)
    if "examples" in v:
        code.examples = [" ".join(s.split()) for s, _ in _strings(v["examples"], [*trail, "examples"], path)]
    for key in ("patterns", "exclude_patterns"):
        if key in v:
            items = _strings(v[key], [*trail, key], path)
            if not items:
                raise CodebookError(f"{_where([*trail, key])}empty list of patterns", path, v[key].line)
            seen: dict[str, int] = {}
            for text, line in items:
                norm = _pattern_key(text)
                if norm in seen:
                    warnings.warn(
                        f"{path}:{line}: {_where([*trail, key])}pattern {text!r} is listed twice "
                        f"(first on line {seen[norm]}); the second is ignored",
                        stacklevel=2,
                    )
                seen.setdefault(norm, line)
            unique = {_pattern_key(t): (t, line) for t, line in reversed(items)}
            kept = [(t, line) for t, line in items if unique[_pattern_key(t)] == (t, line)]
            setattr(code, key, [_pattern(t, [*trail, key], path, line) for t, line in kept])
    if "weak_patterns" in v:
        known = {_pattern_key(p.text): p.text for p in code.patterns}
        weak = []
        for text, line in _strings(v["weak_patterns"], [*trail, "weak_patterns"], path):
            norm = _pattern_key(text)
            if norm not in known:
                raise CodebookError(f"{_where([*trail, 'weak_patterns'])}{text!r} is not one of the code's patterns", path, line)
            weak.append(known[norm])
        code.weak_patterns = frozenset(weak)
    if "description_markers" in v:
        trail_m = [*trail, "description_markers"]
        if not code.weak_patterns:
            raise CodebookError(
                f"{_where(trail_m)}description markers set aside codings that rest on weak patterns, "
                "but the code has no weak_patterns",
                path,
                v["description_markers"].line,
            )
        items = _strings(v["description_markers"], trail_m, path)
        if not items:
            raise CodebookError(f"{_where(trail_m)}empty list of patterns", path, v["description_markers"].line)
        code.description_markers = [_pattern(t, trail_m, path, line) for t, line in items]
    for key in ("sections", "questions"):
        if key in v:
            items = _strings(v[key], [*trail, key], path)
            for s, line in items:
                if not s.strip(" *?"):
                    raise CodebookError(f"{_where([*trail, key])}empty pattern", path, line)
            setattr(code, key, [" ".join(s.lower().split()) for s, _ in items])
    if "when_negated" in v:
        node_wn = v["when_negated"]
        if isinstance(node_wn.value, list):
            code.when_negated = tuple(s for s, _ in _strings(node_wn, [*trail, "when_negated"], path))
        else:
            code.when_negated = (_text(node_wn, [*trail, "when_negated"], path),)
    if "standalone" in v:
        if not isinstance(v["standalone"].value, bool):
            raise CodebookError(f"{_where([*trail, 'standalone'])}expected true or false", path, v["standalone"].line)
        code.standalone = v["standalone"].value
    out[code_id] = code
    lines[code_id] = node.line
    children = v.get("codes")
    if children is not None:
        if not isinstance(children.value, dict) or not children.value:
            raise CodebookError(f"{_where([*trail, 'codes'])}expected a mapping of sub-codes", path, children.line)
        for child_id, child in children.value.items():
            code.children.append(child_id)
            _parse_code(child_id, child, code_id, level + 1, trail, path, out, lines)
    if not (code.patterns or code.sections or code.questions or code.children):
        raise CodebookError(f"{_where(trail)}the code has no patterns, sections, questions or sub-codes", path, node.line)


def _parse(text: str, path: str) -> Codebook:
    root = _compose(text, path)
    _check_keys(root, _CODEBOOK_KEYS, ["codebook"], path)
    top = root.value
    if "codes" not in top:
        raise CodebookError("[codebook] no 'codes' key: the codebook defines no codes", path, root.line)
    codes_node = top["codes"]
    if not isinstance(codes_node.value, dict) or not codes_node.value:
        raise CodebookError("[codes] expected a mapping of codes", path, codes_node.line)
    codes: dict[str, Code] = {}
    lines: dict[str, int] = {}
    for code_id, node in codes_node.value.items():
        _parse_code(code_id, node, None, 0, [], path, codes, lines)
    for code in codes.values():
        for policy in code.when_negated:
            if policy not in ("drop", "keep") and policy not in codes:
                raise CodebookError(
                    f"[{code.id} -> when_negated] {policy!r} is neither drop, keep nor a code id",
                    path,
                    code.line,
                )
    book = Codebook(
        name=_text(top.get("name"), ["name"], path) or Path(path).stem,
        version=_text(top.get("version"), ["version"], path),
        language=_text(top.get("language"), ["language"], path) or "nb",
        codes=codes,
        source=str(path),
    )
    if "negation" in top:
        neg = top["negation"]
        _check_keys(neg, _NEGATION_KEYS, ["negation"], path)
        nv = neg.value
        if "words" in nv:
            book.negation_words = tuple(s.lower() for s, _ in _strings(nv["words"], ["negation", "words"], path))
        if "exceptions" in nv:
            book.negation_exceptions = tuple(
                tuple(s.lower().split()) for s, _ in _strings(nv["exceptions"], ["negation", "exceptions"], path)
            )
        if "scope_breaks" in nv:
            book.negation_scope_breaks = frozenset(
                s.lower() for s, _ in _strings(nv["scope_breaks"], ["negation", "scope_breaks"], path)
            )
        if "lack" in nv:
            lack = nv["lack"]
            _check_keys(lack, _LACK_KEYS, ["negation", "lack"], path)
            if "words" in lack.value:
                book.lack_words = tuple(s.lower() for s, _ in _strings(lack.value["words"], ["negation", "lack", "words"], path))
            if "unless" in lack.value:
                book.lack_unless = frozenset(
                    s.lower() for s, _ in _strings(lack.value["unless"], ["negation", "lack", "unless"], path)
                )
            code_id = _text(lack.value.get("code"), ["negation", "lack", "code"], path)
            if code_id not in codes:
                raise CodebookError(f"[negation -> lack -> code] {code_id!r} is not a code id", path, lack.line)
            book.lack_code = code_id
        for key in ("window", "after"):
            if key in nv:
                value = nv[key].value
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise CodebookError(f"[negation -> {key}] expected a whole number >= 0, got {value!r}", path, nv[key].line)
                setattr(book, f"negation_{key}", value)
    if "context" in top:
        ctx = top["context"]
        _check_keys(ctx, _CONTEXT_KEYS, ["context"], path)
        for key in ("sections", "questions"):
            if key in ctx.value:
                value = ctx.value[key].value
                if not isinstance(value, bool):
                    raise CodebookError(f"[context -> {key}] expected true or false", path, ctx.value[key].line)
                setattr(book, f"context_{key}", value)
    return book


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    path : str, Path or Codebook, optional
        A YAML codebook file; ``None`` for the bundled default.  A
        :class:`Codebook` is returned as it is.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        For invalid YAML, unknown keys, duplicate ids, empty or broken
        patterns; the message names the file, the line and the entry.

    Examples
    --------
    >>> book = load_codebook()
    >>> book.themes
    ['barriers', 'opportunities', 'user_participation']
    >>> book.label("barriers"), book.codes["funding_resources"].parent
    ('Hindringer', 'barriers')
    """
    if isinstance(path, Codebook):
        return path
    path = default_codebook_path() if path is None else Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise CodebookError("codebook file not found", path) from None
    except OSError as exc:
        raise CodebookError(f"cannot read the codebook ({exc})", path) from None
    # parsed once per file version; a Codebook is not modified after loading
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


def codebook_of(coded: pd.DataFrame, codebook: CodebookLike | None = None) -> Codebook:
    """The codebook of a coded frame, resolved once.

    ``codebook`` when given, else the one the frame was coded with (carried
    in ``coded.attrs["codebook"]`` by :func:`utenforskap.code`), else the
    bundled default.

    Parameters
    ----------
    coded : pandas.DataFrame
        A coded frame (or any frame derived from one).
    codebook : str, Path or Codebook, optional
        A codebook to use instead of the frame's own; it must have the same
        themes.

    Raises
    ------
    CodebookError
        When ``codebook`` has other themes than the frame was coded with, or
        when a frame without a carried codebook (read back from a file) has
        none of the bundled codebook's theme columns.

    Examples
    --------
    >>> import pandas as pd
    >>> codebook_of(pd.DataFrame({"segment_id": ["a"], "barriers": [True]})).themes[0]
    'barriers'
    """
    carried = getattr(coded, "attrs", {}).get("codebook")
    carried = carried if isinstance(carried, Codebook) else None
    if codebook is None:
        if carried is not None:
            return carried
        book = load_codebook()
        columns = set(getattr(coded, "columns", ()))
        if "codes" in columns and not columns & set(book.themes):
            raise CodebookError(
                "this frame was coded with another codebook than the bundled one (it has none of the "
                f"theme columns {', '.join(book.themes)}) and does not carry it; pass codebook=..."
            )
        return book
    book = load_codebook(codebook)
    if carried is not None and book is not carried and book.themes != carried.themes:
        raise CodebookError(
            f"the frame was coded with codebook {carried.title!r} (themes {', '.join(carried.themes)}), "
            f"but codebook {book.title!r} has themes {', '.join(book.themes)}; pass the codebook the "
            "frame was coded with, or none"
        )
    return book


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> Codebook:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"cannot read the codebook ({exc})", path) from None
    return _parse(text, path)


# --------------------------------------------------------------------------
# Exchange: quanteda YAML dictionaries and a Markdown codebook
# --------------------------------------------------------------------------


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

    own_keys = ("", "__")  # quanteda reads '' as a key's own values; its as.yaml writes them under '__'

    def patterns_of(value, trail) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and not any(isinstance(v, dict) for v in value):
            return [str(v) for v in value]
        raise CodebookError(f"{_where(trail)}a key's own values must be a list of patterns, got {value!r}", path)

    def convert(value, trail):
        code: dict = {}
        if isinstance(value, dict):
            own = [p for k in own_keys if k in value for p in patterns_of(value[k], trail)]
            if None in value:  # "? " with no key
                own += patterns_of(value[None], trail)
            if own:
                code["patterns"] = own
            children = {str(k): convert(v, [*trail, str(k)]) for k, v in value.items() if k not in own_keys and k is not None}
            if children:
                code["codes"] = children
        elif isinstance(value, list):
            patterns = [str(v) for v in value if not isinstance(v, dict)]
            children = {str(k): convert(v, [*trail, str(k)]) for item in value if isinstance(item, dict) for k, v in item.items()}
            if patterns:
                code["patterns"] = patterns
            if children:
                code["codes"] = children
        elif isinstance(value, str):
            code["patterns"] = [value]
        else:
            raise CodebookError(f"{_where(trail)}expected patterns, got {value!r}", path)
        return code

    ours = {"name": name or Path(path).stem, "codes": {str(k): convert(v, [str(k)]) for k, v in data.items()}}
    return _parse(yaml.safe_dump(ours, allow_unicode=True, sort_keys=False), path)


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
