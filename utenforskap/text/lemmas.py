"""Lemmas of Norwegian words: simplemma's, with a fast path for the many
compounds no dictionary lists.

:func:`lemmatize_word` gives the Bokmål lemma where simplemma's Bokmål
dictionary knows the word, else the Nynorsk one where Nynorsk knows it, else
simplemma's Bokmål guess.  For an unknown compound that guess comes from
simplemma's affix and suffix decomposition, which looks up every prefix and
every suffix of the word in turn (some twenty dictionary look-ups; 2.7 s
for the 56,000 new word types of 20,000 realistic statements, 1.6x the time
spaCy needs to tokenize them).

:class:`CompoundLemmas` gives the same lemma from one look-up per
direction: two extra MARISA tries of the Bokmål dictionary's lowercase keys,
forwards and reversed, list which prefixes and suffixes of a word are
dictionary keys, and only those are looked up, in simplemma's order and with
its rules (0.4 s for the same words).  It handles plain lowercase words of
Norwegian letters and hands everything else (hyphens, digits, apostrophes,
other scripts) to simplemma.  It is used only with the simplemma versions
it was checked against (:data:`CHECKED_SIMPLEMMA`; ``tools/check_lemmas.py``
compares it with simplemma on the dictionary and on made-up compounds), and
only after a process has met :data:`FAST_AFTER` distinct long words, so small
jobs never build the tries; they are built once per machine (about 1 s) into
the user cache and memory-mapped after that.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..lang.nb import LEMMA_OVERRIDES

if TYPE_CHECKING:
    import marisa_trie

__all__ = ["lemmatize_word", "is_known_word", "CompoundLemmas", "CHECKED_SIMPLEMMA", "FAST_AFTER"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: simplemma versions whose Bokmål strategy chain :class:`CompoundLemmas` reproduces.
CHECKED_SIMPLEMMA = frozenset({"2.0.0"})
#: Distinct words longer than eight letters (the ones simplemma may decompose;
#: known or not) a process lemmatizes with simplemma before it turns to
#: :class:`CompoundLemmas` (building its tries if this machine has none yet).
FAST_AFTER = 2000

# Lowercase words of these letters: capitalising one changes its first
# letter only (no "ß" -> "Ss"), it is NFC, and simplemma's apostrophe,
# hyphen, number and clitic strategies do not apply to it.
_PLAIN = re.compile(r"[a-zæøåäöüéèêëóòôáàâíìîúùûç]+").fullmatch
# simplemma's decomposition: words longer than this are decomposed; both
# parts of a compound have at least MIN_PART letters; an affix of up to
# AFFIX letters is dropped (AffixDecompositionStrategy, "nb").
_LONGER_THAN, _MIN_PART, _AFFIX = 8, 4, 2


def _user_cache(app: str, *parts: str) -> Path | None:
    """A folder in the user cache that exists or can be made and written, or None."""
    try:
        from platformdirs import user_cache_dir
    except ImportError:
        return None
    folder = Path(user_cache_dir(app)).joinpath(*parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def simplemma_tries() -> Path | None:
    """Where simplemma keeps its lemma tries (its own default place), if
    the tries are there or can be written there; else None."""
    try:
        import marisa_trie  # noqa: F401 - simplemma's optional dependency
        import simplemma
        from platformdirs import user_cache_dir
    except ImportError:
        return None
    folder = Path(user_cache_dir("simplemma")) / "marisa_trie" / simplemma.__version__
    if all((folder / f"{lang}.dic").is_file() for lang in ("nb", "nn")):
        return folder
    return _user_cache("simplemma", "marisa_trie", simplemma.__version__)


@functools.lru_cache(maxsize=1)
def simplemma_lemmatizer():
    """simplemma's lemmatizer, its dictionary look-up and the folder of its
    tries (None: in memory), loaded once.

    The lemma data are read through simplemma's ``TrieDictionaryFactory``:
    the first use on a machine decodes the shipped Bokmål and Nynorsk data
    once and saves them as memory-mapped MARISA tries in the user cache
    (``~/.cache/simplemma``); later processes open them in milliseconds
    instead of decoding 640,000 entries in Python (~0.8 s) each time.  The
    lemmas are the same.  Without marisa-trie, or where the cache can be
    neither read nor written (building the tries in memory every time would
    be slower than the default), simplemma's in-memory default is used.
    """
    from simplemma import Lemmatizer
    from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY, DefaultStrategy, DictionaryLookupStrategy, TrieDictionaryFactory

    folder = simplemma_tries()
    factory = DEFAULT_DICTIONARY_FACTORY if folder is None else TrieDictionaryFactory(disk_cache_dir=str(folder))
    log.debug("simplemma lemma data: %s", folder or "in memory")
    lemmatizer = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
    return lemmatizer, DictionaryLookupStrategy(factory), folder


class CompoundLemmas:
    """simplemma's lemma of a plain lowercase Norwegian word, from tries.

    Parameters
    ----------
    nb, nn : marisa_trie.BytesTrie
        simplemma's Bokmål and Nynorsk dictionaries (word -> lemma).
    forward, backward : marisa_trie.Trie
        The Bokmål dictionary's keys, lowercased, as they are and reversed.

    Examples
    --------
    >>> fast = CompoundLemmas.load()
    >>> fast is None or fast.lemma("ungdomsbolighjelpene") == lemmatize_word("ungdomsbolighjelpene")
    True
    """

    def __init__(
        self, nb: marisa_trie.BytesTrie, nn: marisa_trie.BytesTrie, forward: marisa_trie.Trie, backward: marisa_trie.Trie
    ):
        self.nb, self.nn, self.forward, self.backward = nb, nn, forward, backward

    @classmethod
    def load(cls) -> CompoundLemmas | None:
        """The tries of this machine (built into the user cache if missing),
        or None where they cannot be had: simplemma without its tries, a
        simplemma version not in :data:`CHECKED_SIMPLEMMA`, no writable cache."""
        import simplemma

        _, lookup, folder = simplemma_lemmatizer()
        if folder is None or simplemma.__version__ not in CHECKED_SIMPLEMMA:
            return None
        import marisa_trie

        lookup.get_lemma("a", "nb"), lookup.get_lemma("a", "nn")  # simplemma writes its tries on first use
        ours = _user_cache("utenforskap", "lemma-tries", simplemma.__version__)
        if ours is None:
            return None
        nb, nn = (marisa_trie.BytesTrie().mmap(str(folder / f"{lang}.dic")) for lang in ("nb", "nn"))
        paths = {"forward": ours / "nb-lower.marisa", "backward": ours / "nb-lower-reversed.marisa"}
        if not all(p.is_file() for p in paths.values()):
            keys = {key.lower() for key in nb.iterkeys()}
            _save(marisa_trie.Trie(keys), paths["forward"])
            _save(marisa_trie.Trie(key[::-1] for key in keys), paths["backward"])
            log.info("built the lemma tries of compounds in %s", ours)
        forward, backward = (marisa_trie.Trie().mmap(str(p)) for p in paths.values())
        return cls(nb, nn, forward, backward)

    @staticmethod
    def _get(trie: marisa_trie.BytesTrie, word: str) -> str | None:
        # simplemma's DictionaryLookupStrategy for a lowercase word: as it is, then capitalised
        value = trie.get(word) or trie.get(word.capitalize())
        return value[0].decode() if value else None

    def lemma(self, lower: str) -> str | None:
        """The lemma :func:`lemmatize_word` gives the lowercase word
        ``lower``, or None for a word this path does not handle."""
        if not _PLAIN(lower):
            return None
        get = self._get
        # the lowercased Bokmål keys say in one look-up whether either Bokmål look-up can succeed
        known = (get(self.nb, lower) if lower in self.forward else None) or get(self.nn, lower)
        if known is not None:
            return known.lower()
        n = len(lower)
        if n <= _LONGER_THAN:
            return lower  # simplemma's fallback: the word itself
        # which suffixes are (lowercased) dictionary keys: a superset of what a look-up finds
        suffixes = {len(k) for k in self.backward.prefixes(lower[::-1])}
        # affix decomposition: the longest known head, with a dropped affix or a known tail
        for head in sorted({len(k) for k in self.forward.prefixes(lower)}, reverse=True):
            tail = n - head
            if head < _MIN_PART or tail < 1:
                continue
            if tail > _AFFIX and tail not in suffixes:
                continue
            first = get(self.nb, lower[:head])
            if first is None:
                continue
            if tail <= _AFFIX:
                return first.lower()
            second = get(self.nb, lower[head:])
            if second is not None and len(second) < tail + _AFFIX:
                return (lower[:head] + second.lower()).lower()
        # suffix decomposition: the longest known tail (looked up capitalised first)
        for tail in sorted(suffixes, reverse=True):
            if tail > n - _MIN_PART or tail < _MIN_PART:
                continue
            word = lower[-tail:]
            value = self.nb.get(word.capitalize()) or self.nb.get(word)
            if value and len(lemma := value[0].decode()) <= tail:
                return (lower[:-tail] + lemma.lower()).lower()
        return lower


def _save(trie: marisa_trie.Trie, path: Path) -> None:
    """Write a trie atomically (another process may be reading the folder)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        trie.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class _Lemmas:
    """The lemmatizer of this process: simplemma, and :class:`CompoundLemmas`
    once enough long words have come (see :data:`FAST_AFTER`)."""

    def __init__(self):
        self.slow_words = 0
        self.fast: CompoundLemmas | None = None
        self.tried = False

    def __call__(self, lower: str) -> str:
        if self.fast is not None:
            found = self.fast.lemma(lower)
            if found is not None:
                return found
        elif not self.tried and len(lower) > _LONGER_THAN:
            self.slow_words += 1
            if self.slow_words > FAST_AFTER:
                self.tried = True
                self.fast = CompoundLemmas.load()
        lemmatizer = simplemma_lemmatizer()[0]
        if not is_known_word(lower, "nb") and is_known_word(lower, "nn"):
            return lemmatizer.lemmatize(lower, lang="nn").lower()
        return lemmatizer.lemmatize(lower, lang="nb").lower()


_LEMMAS = _Lemmas()


def is_known_word(word: str, lang: str = "nb") -> bool:
    """Whether simplemma's dictionary for ``lang`` ("nb" or "nn") lists the
    (lowercased) word.

    Examples
    --------
    >>> is_known_word("hindringene"), is_known_word("ikkje"), is_known_word("ikkje", "nn")
    (True, False, True)
    """
    return simplemma_lemmatizer()[1].get_lemma(word.lower(), lang) is not None


@functools.lru_cache(maxsize=200_000)
def lemmatize_word(word: str) -> str:
    """Lowercase lemma of one word: Bokmål where Bokmål knows the word, else
    Nynorsk where Nynorsk knows it, else simplemma's Bokmål guess.

    Examples
    --------
    >>> [lemmatize_word(w) for w in ["Hindringene", "brukermedvirkningen", "ressursane", "åra"]]
    ['hindring', 'brukermedvirkning', 'ressurs', 'år']
    """
    lower = word.lower()
    if lower in LEMMA_OVERRIDES:
        return LEMMA_OVERRIDES[lower]
    return _LEMMAS(lower)
