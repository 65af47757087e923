"""A pattern checker for codebook authors: which frequent Norwegian words a
pattern catches.

A word glob in the codebook matches a token's lemma or its lowercase form
(see :mod:`utenforskap.coding.codebook`), so ``satse*`` also catches "satsen" (the
rate, lemma "sats").  :func:`pattern_matches` lists the words a pattern
catches among the most frequent Norwegian Bokmål words (``wordfreq``'s
frequency lists) with their lemma, and marks as *unrelated* a word whose
lemma neither contains the pattern's letters nor is the lemma of the
pattern's own word: such a word is caught only through an inflected form
that happens to start the same way.

:func:`nynorsk_variants` derives a pattern's Nynorsk spellings by the regular
Bokmål -> Nynorsk correspondences ("-lig" -> "-leg", "tjeneste" ->
"teneste", "forsker" -> "forskar" ...), kept only where simplemma's Nynorsk
dictionary has words the variant catches and the pattern does not;
:func:`codebook_nynorsk_gaps` lists the variants a codebook lacks.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import UtenforskapError
from ..lang.nb import NYNORSK_SPELLINGS
from ..text import lemmatize_word
from .codebook import glob_regex
from .loading import load_codebook

if TYPE_CHECKING:
    from .codebook import CodebookLike

pd = lazy_module("pandas")

__all__ = ["pattern_matches", "codebook_pattern_problems", "nynorsk_variants", "codebook_nynorsk_gaps"]


@functools.lru_cache(maxsize=4)
def _vocabulary(size: int) -> tuple[tuple[str, float], ...]:
    """The ``size`` most frequent Norwegian Bokmål words with their Zipf
    frequency (wordfreq)."""
    try:
        import wordfreq
    except ImportError:
        raise UtenforskapError("the pattern checker needs wordfreq: pip install 'utenforskap[patterns]'") from None
    return tuple((w, wordfreq.zipf_frequency(w, "nb")) for w in wordfreq.top_n_list("nb", size) if w.isalpha())


def pattern_matches(pattern: str, n: int = 20, vocabulary: int = 50_000) -> pd.DataFrame:
    """The most frequent Norwegian words a one-word codebook pattern catches.

    Parameters
    ----------
    pattern : str
        A word glob as in the codebook (``hindr*``, ``*medvirkning*``).
    n : int
        How many words to list (most frequent first).
    vocabulary : int
        How many of the most frequent Bokmål words to search.

    Returns
    -------
    pandas.DataFrame
        ``word``, ``zipf`` (frequency on the Zipf scale: 6 is "og", 3 a word
        met once in a million), ``lemma``, ``via`` ("form" or "lemma") and
        ``related`` (False where the lemma neither contains the pattern's
        letters nor is the lemma of the pattern's word).

    Examples
    --------
    >>> hits = pattern_matches("satse*")
    >>> row = hits.set_index("word").loc["satsen"]
    >>> row["lemma"], bool(row["related"])
    ('sats', False)
    """
    glob = pattern.strip().lower()
    if not glob or " " in glob:
        raise UtenforskapError(f"pattern_matches takes one word glob, got {pattern!r}")
    regex = re.compile(glob_regex(glob))
    core = glob.replace("*", "").replace("?", "")
    core_lemma = lemmatize_word(core) if core.isalpha() else core
    rows = []
    for word, zipf in _vocabulary(vocabulary):
        lemma = lemmatize_word(word)
        via = "form" if regex.fullmatch(word) else "lemma" if regex.fullmatch(lemma) else None
        if via:
            related = core in lemma or lemma == core_lemma
            rows.append({"word": word, "zipf": round(zipf, 2), "lemma": lemma, "via": via, "related": related})
        if len(rows) >= n:
            break
    return pd.DataFrame(rows, columns=["word", "zipf", "lemma", "via", "related"])


def codebook_pattern_problems(
    codebook: CodebookLike | None = None, min_zipf: float = 3.0, vocabulary: int = 50_000
) -> pd.DataFrame:
    """Frequent words (Zipf >= ``min_zipf``) that a codebook's one-word
    patterns catch only through an unrelated form, pattern by pattern.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``pattern``, ``word``, ``zipf`` and ``lemma``.
    """
    rows = []
    for code, glob in _word_globs(codebook):
        if "*" not in glob:
            continue
        hits = pattern_matches(glob, n=200, vocabulary=vocabulary)
        for hit in hits[(~hits["related"]) & (hits["zipf"] >= min_zipf)].itertuples(index=False):
            rows.append({"code": code.id, "pattern": glob, "word": hit.word, "zipf": hit.zipf, "lemma": hit.lemma})
    return pd.DataFrame(rows, columns=["code", "pattern", "word", "zipf", "lemma"])


def _word_globs(codebook):
    """(code, glob) for every one-word lowercase pattern of a codebook (the
    patterns that match lemmas and lowercase forms)."""
    book = load_codebook(codebook)
    for code in book.codes.values():
        for pattern in code.patterns:
            if len(pattern.words) == 1 and pattern.words[0].islower():
                yield code, pattern.words[0]


@functools.lru_cache(maxsize=1)
def _nynorsk_only_words() -> tuple[str, ...]:
    """Forms and lemmas of simplemma's Nynorsk dictionary that its Bokmål
    dictionary does not list."""
    from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

    nn = DEFAULT_DICTIONARY_FACTORY.get_dictionary("nn")
    nb = DEFAULT_DICTIONARY_FACTORY.get_dictionary("nb")
    words = {w for pair in nn.items() for w in pair if w.isalpha()}
    return tuple(sorted(w for w in words if w not in nb))


def nynorsk_variants(pattern: str, min_letters: int = 4) -> pd.DataFrame:
    """Nynorsk spellings of a one-word Bokmål pattern that catch Nynorsk
    words the pattern misses.

    Parameters
    ----------
    pattern : str
        A word glob as in the codebook.
    min_letters : int
        Variants with fewer letters (globs left out) are not proposed: they
        catch too much.

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``words`` (how many Nynorsk-only words of simplemma's
        dictionary it catches that the pattern does not) and ``examples``.

    Examples
    --------
    >>> nynorsk_variants("tjeneste*")["variant"].tolist()
    ['teneste*']
    """
    glob = pattern.strip().lower()
    if not glob or " " in glob:
        raise UtenforskapError(f"nynorsk_variants takes one word glob, got {pattern!r}")
    own = re.compile(glob_regex(glob))
    rows = []
    candidates = dict.fromkeys(
        glob[: m.start()] + nn + glob[m.end() :] for nb, nn in NYNORSK_SPELLINGS for m in re.finditer(re.escape(nb), glob)
    )
    for variant in candidates:
        if variant == glob or len(variant.replace("*", "").replace("?", "")) < min_letters:
            continue
        rx = re.compile(glob_regex(variant))
        caught = [w for w in _nynorsk_only_words() if rx.fullmatch(w) and not own.fullmatch(w)]
        if caught:
            rows.append({"variant": variant, "words": len(caught), "examples": ", ".join(caught[:5])})
    return pd.DataFrame(rows, columns=["variant", "words", "examples"])


def codebook_nynorsk_gaps(codebook: CodebookLike | None = None) -> pd.DataFrame:
    """The Nynorsk variants (:func:`nynorsk_variants`) of a codebook's
    one-word patterns that the same code does not list.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``pattern``, ``variant``, ``words`` and ``examples``.
    """
    rows = []
    for code, glob in _word_globs(codebook):
        listed = {p.words[0] for p in code.patterns if len(p.words) == 1}
        for hit in nynorsk_variants(glob).itertuples(index=False):
            if hit.variant not in listed:
                rows.append({"code": code.id, "pattern": glob, **hit._asdict()})
    return pd.DataFrame(rows, columns=["code", "pattern", "variant", "words", "examples"])
