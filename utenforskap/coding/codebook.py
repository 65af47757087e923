"""The codebook model: codes, their patterns and rules, and the book.

The format follows quanteda's YAML dictionaries where they fit (nested keys,
glob patterns such as ``hindr*``, multiword patterns as phrases) and adds what
a codebook needs: a Norwegian label, a definition, inclusion and exclusion
notes and examples per code, exclusion patterns, negation handling and
context rules on the section heading or question a statement stands under.
The bundled default is ``utenforskap/data/codebook.yaml``; reading and
validating a file is :mod:`.loading`, other formats are
:mod:`utenforskap.exchange.codebook_formats`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Union

from .._lazy import lazy_module

pd = lazy_module("pandas")

__all__ = [
    "CodebookLike",
    "glob_regex",
    "Pattern",
    "Code",
    "Codebook",
    "default_codebook_path",
    "PALETTE",
]

#: What every ``codebook=`` parameter takes: a loaded :class:`Codebook`, or
#: the path of a YAML codebook (or quanteda dictionary) to load.
CodebookLike = Union["Codebook", str, os.PathLike]


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
    #: the colour a QDA tool gave the code (``#RRGGBB``), when it came from one
    colour: str = ""

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


#: Colours of the themes in charts and sheets (Okabe-Ito, readable with colour blindness), in theme order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
