"""A pattern checker for codebook authors: which frequent Norwegian words a
pattern catches.

A word glob in the codebook matches a token's lemma or its lowercase form
(see :mod:`utenforskap.codebook`), so ``satse*`` also catches "satsen" (the
rate, lemma "sats").  :func:`pattern_matches` lists the words a pattern
catches among the most frequent Norwegian Bokmål words (``wordfreq``'s
frequency lists) with their lemma, and marks as *unrelated* a word whose
lemma neither contains the pattern's letters nor is the lemma of the
pattern's own word: such a word is caught only through an inflected form
that happens to start the same way.
"""

from __future__ import annotations

import functools
import re

from ._lazy import lazy_module
from .codebook import glob_regex
from .errors import UtenforskapError

pd = lazy_module("pandas")

__all__ = ["pattern_matches", "codebook_pattern_problems"]


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
    from .nlp import lemmatize_word

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


def codebook_pattern_problems(codebook=None, min_zipf: float = 3.0, vocabulary: int = 50_000) -> pd.DataFrame:
    """Frequent words (Zipf >= ``min_zipf``) that a codebook's one-word
    patterns catch only through an unrelated form, pattern by pattern.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``pattern``, ``word``, ``zipf`` and ``lemma``.
    """
    from .codebook import load_codebook

    book = load_codebook(codebook)
    rows = []
    for code_id, code in book.codes.items():
        for p in code.patterns:
            if len(p.words) != 1 or not p.words[0].islower() or "*" not in p.words[0]:
                continue
            hits = pattern_matches(p.words[0], n=200, vocabulary=vocabulary)
            for hit in hits[(~hits["related"]) & (hits["zipf"] >= min_zipf)].itertuples(index=False):
                rows.append({"code": code_id, "pattern": p.text, "word": hit.word, "zipf": hit.zipf, "lemma": hit.lemma})
    return pd.DataFrame(rows, columns=["code", "pattern", "word", "zipf", "lemma"])
