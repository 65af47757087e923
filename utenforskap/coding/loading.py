"""Reading a codebook: the YAML parser and validator, and the codebook of a
coded frame.

Errors name the file, the line and the path to the bad entry, e.g.
``codebook.yaml:31: [barriers -> funding -> patterns] empty pattern``.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .._lazy import lazy_module
from ..errors import CodebookError
from .codebook import Code, Codebook, CodebookLike, Pattern, default_codebook_path

pd = lazy_module("pandas")

__all__ = [
    "CODEBOOK_READERS",
    "register_codebook_reader",
    "entry_place",
    "parse_pattern",
    "parse_codebook",
    "load_codebook",
    "codebook_of",
]

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


class _Node:
    """A YAML value with the line it stands on."""

    __slots__ = ("value", "line")

    def __init__(self, value, line):
        self.value = value
        self.line = line


def _compose(text: str, path: str):
    import yaml

    try:
        # libyaml's loader where PyYAML has it: the same nodes and marks, 20x faster than the Python one
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"not valid YAML: {problem}", path, mark.line + 1 if mark else None) from None
    if root is None:
        raise CodebookError("the codebook is empty", path)
    return _convert(root, path, yaml.constructor.SafeConstructor())


def _convert(node, path: str, scalars) -> _Node:
    """A composed YAML node as :class:`_Node` values with their lines;
    ``scalars``: the constructor that turns a scalar that is not a string
    into its value (one for the whole file)."""
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
            converted = _convert(value_node, path, scalars)
            converted.line = key_node.start_mark.line + 1
            out[key] = converted
        return _Node(out, line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_convert(n, path, scalars) for n in node.value], line)
    constructed = scalars.construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value
    return _Node(constructed, line)


def entry_place(trail: list[str]) -> str:
    return "[" + " -> ".join(trail) + "] "


def _check_keys(node: _Node, allowed: set[str], trail: list[str], path: str) -> None:
    if not isinstance(node.value, dict):
        raise CodebookError(f"{entry_place(trail)}expected a mapping of keys", path, node.line)
    for key, value in node.value.items():
        if key not in allowed:
            raise CodebookError(
                f"{entry_place(trail)}unknown key {key!r}; allowed: {', '.join(sorted(allowed))}", path, value.line
            )


def _strings(node: _Node, trail: list[str], path: str) -> list[tuple[str, int]]:
    if not isinstance(node.value, list):
        raise CodebookError(f"{entry_place(trail)}expected a list, got {type(node.value).__name__}", path, node.line)
    out = []
    for item in node.value:
        if not isinstance(item.value, str):
            raise CodebookError(f"{entry_place(trail)}expected text, got {item.value!r}", path, item.line)
        out.append((item.value, item.line))
    return out


def _text(node: _Node | None, trail: list[str], path: str) -> str:
    if node is None:
        return ""
    if not isinstance(node.value, (str, int, float)):
        raise CodebookError(f"{entry_place(trail)}expected text", path, node.line)
    return " ".join(str(node.value).split())


def _pattern(text: str, trail: list[str], path: str, line: int) -> Pattern:
    words = tuple(text.split())
    if not words:
        raise CodebookError(f"{entry_place(trail)}empty pattern", path, line)
    for w in words:
        if not _TOKEN.match(w):
            bad = next(c for c in w if not re.match(r"[\w*?'.\-]", c))
            raise CodebookError(
                f"{entry_place(trail)}broken pattern {text!r}: the character {bad!r} is not allowed; "
                "use letters, digits, - . ' and the wildcards * and ?",
                path,
                line,
            )
    if len(words) == 1 and not words[0].strip("*?"):
        raise CodebookError(f"{entry_place(trail)}broken pattern {text!r}: it matches every word", path, line)
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


@dataclass
class _CodeReader:
    """Reads the codes of one codebook file: the file's path, and the codes
    and their lines read so far (for duplicate ids)."""

    path: str
    codes: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)

    def code(self, code_id: str, node: _Node, parent: str | None, level: int, trail: list[str]) -> None:
        """Read one code and, recursively, its sub-codes."""
        trail = [*trail, code_id]
        code = self._header(code_id, node, parent, level, trail)
        v = node.value
        for key in ("patterns", "exclude_patterns"):
            if key in v:
                setattr(code, key, self._patterns(v[key], [*trail, key]))
        if "weak_patterns" in v:
            code.weak_patterns = self._weak(code, v["weak_patterns"], [*trail, "weak_patterns"])
        if "description_markers" in v:
            code.description_markers = self._markers(code, v["description_markers"], [*trail, "description_markers"])
        self._context_rules(code, v, trail)
        self.codes[code_id] = code
        self.lines[code_id] = node.line
        children = v.get("codes")
        if children is not None:
            if not isinstance(children.value, dict) or not children.value:
                raise CodebookError(f"{entry_place([*trail, 'codes'])}expected a mapping of sub-codes", self.path, children.line)
            for child_id, child in children.value.items():
                code.children.append(child_id)
                self.code(child_id, child, code_id, level + 1, trail)
        if not (code.patterns or code.sections or code.questions or code.children):
            raise CodebookError(
                f"{entry_place(trail)}the code has no patterns, sections, questions or sub-codes", self.path, node.line
            )

    def _header(self, code_id: str, node: _Node, parent: str | None, level: int, trail: list[str]) -> Code:
        """The code with its id checked and its texts (label, definition, notes, examples)."""
        path = self.path
        if not _ID.match(code_id):
            raise CodebookError(f"{entry_place(trail)}code id {code_id!r} must be one word (letters, digits, _)", path, node.line)
        if code_id in self.codes:
            raise CodebookError(
                f"{entry_place(trail)}duplicate code id {code_id!r} (also at line {self.lines[code_id]})", path, node.line
            )
        _check_keys(node, _CODE_KEYS, trail, path)
        v = node.value
        code = Code(
            id=code_id,
            label=_text(v.get("label"), [*trail, "label"], path) or code_id,
            parent=parent,
            level=level,
            line=node.line,
        )
        code.definition = _text(v.get("definition"), [*trail, "definition"], path)
        code.include = _text(v.get("include"), [*trail, "include"], path)
        code.exclude = _text(v.get("exclude"), [*trail, "exclude"], path)
        if "examples" in v:
            code.examples = [" ".join(s.split()) for s, _ in _strings(v["examples"], [*trail, "examples"], path)]
        return code

    def _patterns(self, node: _Node, trail: list[str]) -> list[Pattern]:
        """A list of patterns; a pattern listed twice is warned about and kept once."""
        items = _strings(node, trail, self.path)
        if not items:
            raise CodebookError(f"{entry_place(trail)}empty list of patterns", self.path, node.line)
        seen: dict[str, int] = {}
        for text, line in items:
            norm = _pattern_key(text)
            if norm in seen:
                warnings.warn(
                    f"{self.path}:{line}: {entry_place(trail)}pattern {text!r} is listed twice "
                    f"(first on line {seen[norm]}); the second is ignored",
                    stacklevel=2,
                )
            seen.setdefault(norm, line)
        unique = {_pattern_key(t): (t, line) for t, line in reversed(items)}
        kept = [(t, line) for t, line in items if unique[_pattern_key(t)] == (t, line)]
        return [_pattern(t, trail, self.path, line) for t, line in kept]

    def _weak(self, code: Code, node: _Node, trail: list[str]) -> frozenset:
        """The code's weak patterns: each must be one of its patterns."""
        known = {_pattern_key(p.text): p.text for p in code.patterns}
        weak = []
        for text, line in _strings(node, trail, self.path):
            norm = _pattern_key(text)
            if norm not in known:
                raise CodebookError(f"{entry_place(trail)}{text!r} is not one of the code's patterns", self.path, line)
            weak.append(known[norm])
        return frozenset(weak)

    def _markers(self, code: Code, node: _Node, trail: list[str]) -> list[Pattern]:
        """Description markers: only for a code with weak patterns."""
        if not code.weak_patterns:
            raise CodebookError(
                f"{entry_place(trail)}description markers set aside codings that rest on weak patterns, "
                "but the code has no weak_patterns",
                self.path,
                node.line,
            )
        items = _strings(node, trail, self.path)
        if not items:
            raise CodebookError(f"{entry_place(trail)}empty list of patterns", self.path, node.line)
        return [_pattern(t, trail, self.path, line) for t, line in items]

    def _context_rules(self, code: Code, v: dict, trail: list[str]) -> None:
        """Sections, questions, what a negation does, and whether a sub-code stands alone."""
        path = self.path
        for key in ("sections", "questions"):
            if key in v:
                items = _strings(v[key], [*trail, key], path)
                for s, line in items:
                    if not s.strip(" *?"):
                        raise CodebookError(f"{entry_place([*trail, key])}empty pattern", path, line)
                setattr(code, key, [" ".join(s.lower().split()) for s, _ in items])
        if "when_negated" in v:
            node_wn = v["when_negated"]
            if isinstance(node_wn.value, list):
                code.when_negated = tuple(s for s, _ in _strings(node_wn, [*trail, "when_negated"], path))
            else:
                code.when_negated = (_text(node_wn, [*trail, "when_negated"], path),)
        if "standalone" in v:
            if not isinstance(v["standalone"].value, bool):
                raise CodebookError(f"{entry_place([*trail, 'standalone'])}expected true or false", path, v["standalone"].line)
            code.standalone = v["standalone"].value


def _lowered(node: _Node, trail: list[str], path: str) -> list[str]:
    return [s.lower() for s, _ in _strings(node, trail, path)]


def _read_negation(book: Codebook, neg: _Node, path: str) -> None:
    """The codebook's ``negation`` block: negation words, exceptions, scope, lack."""
    _check_keys(neg, _NEGATION_KEYS, ["negation"], path)
    nv = neg.value
    if "words" in nv:
        book.negation_words = tuple(_lowered(nv["words"], ["negation", "words"], path))
    if "exceptions" in nv:
        book.negation_exceptions = tuple(tuple(s.split()) for s in _lowered(nv["exceptions"], ["negation", "exceptions"], path))
    if "scope_breaks" in nv:
        book.negation_scope_breaks = frozenset(_lowered(nv["scope_breaks"], ["negation", "scope_breaks"], path))
    if "lack" in nv:
        _read_lack(book, nv["lack"], path)
    for key in ("window", "after"):
        if key in nv:
            value = nv[key].value
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise CodebookError(f"[negation -> {key}] expected a whole number >= 0, got {value!r}", path, nv[key].line)
            setattr(book, f"negation_{key}", value)


def _read_lack(book: Codebook, lack: _Node, path: str) -> None:
    """``negation -> lack``: the words of a lack, their exceptions and the code a lack gets."""
    _check_keys(lack, _LACK_KEYS, ["negation", "lack"], path)
    if "words" in lack.value:
        book.lack_words = tuple(_lowered(lack.value["words"], ["negation", "lack", "words"], path))
    if "unless" in lack.value:
        book.lack_unless = frozenset(_lowered(lack.value["unless"], ["negation", "lack", "unless"], path))
    code_id = _text(lack.value.get("code"), ["negation", "lack", "code"], path)
    if code_id not in book.codes:
        raise CodebookError(f"[negation -> lack -> code] {code_id!r} is not a code id", path, lack.line)
    book.lack_code = code_id


def _read_context(book: Codebook, ctx: _Node, path: str) -> None:
    """The codebook's ``context`` block: whether sections and questions code."""
    _check_keys(ctx, _CONTEXT_KEYS, ["context"], path)
    for key in ("sections", "questions"):
        if key in ctx.value:
            value = ctx.value[key].value
            if not isinstance(value, bool):
                raise CodebookError(f"[context -> {key}] expected true or false", path, ctx.value[key].line)
            setattr(book, f"context_{key}", value)


def parse_codebook(text: str, path: str) -> Codebook:
    """A codebook from the text of a YAML codebook file, validated.

    Parameters
    ----------
    text : str
        The YAML text.
    path : str
        Where it was read from (named in errors).

    Raises
    ------
    CodebookError
        Naming the file, the line and the entry.

    Examples
    --------
    >>> parse_codebook("codes:\\n  a:\\n    patterns: [penger]\\n", "x.yaml").themes
    ['a']
    """
    root = _compose(text, path)
    _check_keys(root, _CODEBOOK_KEYS, ["codebook"], path)
    top = root.value
    if "codes" not in top:
        raise CodebookError("[codebook] no 'codes' key: the codebook defines no codes", path, root.line)
    codes_node = top["codes"]
    if not isinstance(codes_node.value, dict) or not codes_node.value:
        raise CodebookError("[codes] expected a mapping of codes", path, codes_node.line)
    reader = _CodeReader(path)
    for code_id, node in codes_node.value.items():
        reader.code(code_id, node, None, 0, [])
    codes = reader.codes
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
        _read_negation(book, top["negation"], path)
    if "context" in top:
        _read_context(book, top["context"], path)
    return book


#: Readers of codebooks in other formats, by file suffix (``.qdc``, ``.qdpx``):
#: the exchange stage registers its REFI-QDA reader here (with
#: :func:`register_codebook_reader`), so that :func:`load_codebook` reads them
#: without the coding stage importing the exchange stage.
CODEBOOK_READERS: dict[str, Callable[[Path], Codebook]] = {}


def register_codebook_reader(suffixes: tuple[str, ...], reader: Callable[[Path], Codebook]) -> None:
    """Let :func:`load_codebook` read files with these suffixes with ``reader``."""
    for suffix in suffixes:
        CODEBOOK_READERS[suffix.lower()] = reader


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    path : str, Path or Codebook, optional
        A YAML codebook file, or a REFI-QDA codebook (``.qdc``) or project
        (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA or QualCoder (its code tree:
        names, hierarchy, descriptions as definitions, colours; such a
        codebook has no patterns); ``None`` for the bundled default.  A
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
    reader = CODEBOOK_READERS.get(path.suffix.lower())
    if reader is not None:  # another format: a QDA tool's codebook or project
        return reader(path)
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
    return parse_codebook(text, path)
