"""The pattern matcher: which patterns of the codebook's pattern language
match where in a statement.

Patterns are globs over single words (``hindr*``, ``*medvirkning*``,
``NAV``) or phrases of them (``"på tvers"``).  Which globs a word matches
depends only on the word, so it is worked out once per distinct word
(:class:`~utenforskap.text.tokens.Word`) and phrases are then found by looking up
the glob sets of consecutive tokens.  (spaCy's ``Matcher`` with ``REGEX``
predicates did the same job about 60 times slower than the tokenizer,
measured on 20,000 statements: it evaluates every regular expression at
every token.)

The coder (:mod:`utenforskap.coding.coder`) builds a :class:`Lexicon` from a
codebook; the concordance (:func:`utenforskap.kwic`) from one pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .codebook import Codebook, Pattern, glob_regex

if TYPE_CHECKING:
    from ..text import Statement, Word

__all__ = ["Lexicon", "matches", "glob_rx"]


@functools.lru_cache(maxsize=4096)
def glob_rx(glob: str) -> re.Pattern:
    """The compiled regular expression of one word glob (cached)."""
    return re.compile(glob_regex(glob))


def _literal_prefix(glob: str, n: int = 2) -> str:
    prefix = re.match(r"[^*?]*", glob).group(0)
    return prefix[:n]


def _any_of(bucket: list[tuple[int, str]]) -> re.Pattern:
    """One expression that matches where any of the bucket's globs does."""
    return re.compile("^(?:" + "|".join(glob_regex(glob)[1:-1] for _, glob in bucket) + ")$")


class Lexicon:
    """Patterns, each under a key (a code id) and a kind (``"p"``: a
    pattern, ``"x"``: an exclusion), and which of them each word matches.

    A lowercase glob matches a word's lowercase form or its lemma; a glob with
    capitals matches the exact form.  Globs are bucketed by their literal
    prefix, so a new word is tested against a handful of them; what a word
    matches is kept per word (a :class:`~utenforskap.text.tokens.Word` of one
    :class:`~utenforskap.text.tokens.WordCache`).

    Parameters
    ----------
    entries : iterable of (key, kind, Pattern)
    """

    def __init__(self, entries: Iterable[tuple[str, str, Pattern]]):
        globs: dict[str, int] = {}
        # glob id -> [(key, kind, rule)] for one-word patterns
        self.single: dict[int, list[tuple[str, str, str]]] = {}
        # first glob id -> [(key, kind, rule, glob ids)] for phrases
        self.phrases: dict[int, list[tuple[str, str, str, tuple[int, ...]]]] = {}
        for key, kind, pattern in entries:
            ids = tuple(globs.setdefault(w, len(globs)) for w in pattern.words)
            if len(ids) == 1:
                self.single.setdefault(ids[0], []).append((key, kind, pattern.text))
            else:
                self.phrases.setdefault(ids[0], []).append((key, kind, pattern.text, ids))
        # literal prefix -> [(glob id, glob)]; a glob's own expression is compiled
        # only when its bucket's expression matches a word (most never do)
        self.lower_buckets: dict[str, list[tuple[int, str]]] = {}
        self.exact_buckets: dict[str, list[tuple[int, str]]] = {}
        self.any_word = frozenset(i for glob, i in globs.items() if glob.strip("*") == "")  # "*" matches every word
        # lowercase globs "*tail" and "*part*" (no other wildcard) are string tests, not expressions
        self.lower_ends: dict[str, list[int]] = {}
        self.lower_within: dict[str, list[int]] = {}
        for glob, i in globs.items():
            if i in self.any_word:
                continue
            exact = glob != glob.lower()
            inner = glob[1:].rstrip("*") if glob.startswith("*") else ""
            if not exact and inner and "*" not in inner and "?" not in inner and glob.count("*") <= 2:
                within = glob.endswith("*")
                (self.lower_within if within else self.lower_ends).setdefault(inner, []).append(i)
                continue
            buckets = self.exact_buckets if exact else self.lower_buckets
            buckets.setdefault(_literal_prefix(glob), []).append((i, glob))
        self.ends = tuple(self.lower_ends)
        # one expression per bucket says whether any of its globs matches: most words match none
        self.lower_any = {key: _any_of(bucket) for key, bucket in self.lower_buckets.items()}
        self.exact_any = {key: _any_of(bucket) for key, bucket in self.exact_buckets.items()}
        self._globs: dict = {}  # word -> frozenset of glob ids
        self._hits: dict = {}  # word -> (singles, phrases), or () for none

    @classmethod
    def from_codebook(cls, book: Codebook) -> Lexicon:
        """The patterns (kind ``"p"``), exclusion patterns (``"x"``) and
        description markers (``"d"``) of every code, keyed by code id."""
        return cls(
            (code.id, kind, pattern)
            for code in book.codes.values()
            for kind, patterns in (("p", code.patterns), ("x", code.exclude_patterns), ("d", code.description_markers))
            for pattern in patterns
        )

    @staticmethod
    def _matching(buckets: dict, any_of: dict, word: str) -> list[int]:
        found = []
        for key in ("", word[:1], word[:2]) if len(word) > 1 else ("", word):
            rx = any_of.get(key)
            if rx is not None and rx.match(word):
                found.extend(i for i, glob in buckets[key] if glob_rx(glob).match(word))
        return found

    def _lower_ids(self, word: str, ids: set) -> None:
        """Add the ids of the lowercase globs ``word`` matches."""
        ids.update(self._matching(self.lower_buckets, self.lower_any, word))
        if self.ends and word.endswith(self.ends):
            for tail, found in self.lower_ends.items():
                if word.endswith(tail):
                    ids.update(found)
        for part, found in self.lower_within.items():
            if part in word:
                ids.update(found)

    def globs_of(self, word: Word) -> frozenset[int]:
        """Ids of the globs a word matches."""
        found = self._globs.get(word)
        if found is None:
            if word.punct:
                found = frozenset()
            else:
                ids = set(self.any_word)
                self._lower_ids(word.lower, ids)
                if word.lemma != word.lower:
                    self._lower_ids(word.lemma, ids)
                ids.update(self._matching(self.exact_buckets, self.exact_any, word.form))
                found = frozenset(ids)
            self._globs[word] = found
        return found

    def hits_of(self, word: Word) -> tuple:
        """The one-word patterns a word matches and the phrases it may start,
        in glob order (empty for most words)."""
        hits = self._hits.get(word)
        if hits is None:
            globs = sorted(self.globs_of(word))
            singles = tuple(hit for g in globs for hit in self.single.get(g, ()))
            phrases = tuple(hit for g in globs for hit in self.phrases.get(g, ()))
            hits = (singles, phrases) if singles or phrases else ()
            self._hits[word] = hits
        return hits


def matches(st: Statement, lexicon: Lexicon) -> Iterator[tuple[str, str, int, int, str]]:
    """(key, kind, start, end, rule) for every pattern match in a
    :class:`~utenforskap.text.tokens.Statement`, in token order."""
    words = st.words
    n = len(words)
    known = lexicon._hits
    for i, word in enumerate(words):
        hits = known.get(word)
        if hits is None:
            hits = lexicon.hits_of(word)
        if not hits:
            continue
        singles, phrases = hits
        for key, kind, rule in singles:
            yield key, kind, i, i + 1, rule
        for key, kind, rule, ids in phrases:
            if i + len(ids) <= n and all(ids[k] in lexicon.globs_of(words[i + k]) for k in range(1, len(ids))):
                yield key, kind, i, i + len(ids), rule
