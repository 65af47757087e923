"""The tokens stage: statements as words, shared by coding, concordance,
exploration and learning.

* :func:`as_statements` makes a statements frame of whatever the caller
  gives (a frame with ``text``, a list of texts, one text), with one scheme
  of synthetic ids (``s1`` ... ``s9``, ``s01`` ... ``s10``: zero-padded to
  the width of the count, so they sort as they stand).
* :class:`WordCache` turns a spaCy Doc into :class:`Word` objects, one per
  distinct word form (its lowercase form, lemma, whether it is punctuation
  or a content word), worked out once and reused for every statement.
* :class:`Statement` is one parsed statement: its words and their character
  offsets in the (normalised) text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import UtenforskapError
from ..lang.nb import NYNORSK_STOP
from .lemmas import is_known_word, lemmatize_word
from .pipeline import EMBEDDED

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from spacy.language import Language
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc

pd = lazy_module("pandas")

__all__ = [
    "as_statements",
    "synthetic_ids",
    "wordless",
    "known_words",
    "Word",
    "WordCache",
    "Statement",
    "lemma_columns",
    "lexeme_flags",
]


def wordless(text: str) -> bool:
    """Whether a statement has no letter in it ("!!!", "12345", "–"):
    nothing of its own to code, so neither its question nor the model of
    meaning (whose vector would be the question's) codes it.

    Examples
    --------
    >>> [wordless(t) for t in ["!!!", "12345", "–", "Nav", "3 år"]]
    [True, True, True, False, False]
    """
    return not any(ch.isalpha() for ch in text)


def known_words(words: Iterable[Word]) -> tuple[int, int]:
    """(how many words Norwegian knows, how many words) of a statement's
    :class:`Word` objects: words of letters only, known where the Bokmål or
    Nynorsk dictionary lists them or their lemma.  In the training corpus
    (1,133 real Norwegian statements of four words or more, Bokmål and
    Nynorsk) at most 43% of a statement's words are unknown (99% of them:
    28% or less); in English most are.

    Examples
    --------
    >>> from utenforskap.text import get_pipeline
    >>> cache = WordCache(get_pipeline())
    >>> [known_words(cache.words(doc)) for doc in cache.pipe(["Ungdom mangler arbeid.", "Young people lack jobs."])]
    [(3, 3), (0, 4)]
    """
    known = total = 0
    for word in words:
        if word.punct or not word.lower.isalpha():
            continue
        total += 1
        known += any(is_known_word(w, lang) for w in {word.lower, word.lemma} for lang in ("nb", "nn"))
    return known, total


def synthetic_ids(n: int) -> list[str]:
    """Segment ids for ``n`` statements that came without any.

    Examples
    --------
    >>> synthetic_ids(3), synthetic_ids(10)[:2]
    (['s1', 's2', 's3'], ['s01', 's02'])
    """
    width = len(str(n))
    return [f"s{i:0{width}d}" for i in range(1, n + 1)]


def as_statements(data: pd.DataFrame | Sequence[str] | str, *, ids: bool = True) -> pd.DataFrame:
    """A statements frame from a frame with ``text``, a list of texts or one text.

    A frame is returned as it is (given ``segment_id`` by
    :func:`synthetic_ids` where it has none and ``ids`` is true); texts become
    a frame of ``segment_id`` and ``text``.

    Raises
    ------
    UtenforskapError
        For a frame without a ``text`` column or a list that holds something
        other than strings.
    """
    if isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise UtenforskapError(f"the data has no 'text' column (columns: {list(data.columns)})")
        if ids and "segment_id" not in data.columns:
            return data.assign(segment_id=synthetic_ids(len(data)))
        return data
    if isinstance(data, str):
        data = [data]
    texts = list(data)
    if not all(isinstance(t, str) for t in texts):
        raise UtenforskapError("expected a DataFrame with a 'text' column or a list of strings")
    return pd.DataFrame({"segment_id": synthetic_ids(len(texts)), "text": texts})


class Word:
    """What the analysis needs of one word form, computed once per form."""

    __slots__ = ("form", "lower", "lemma", "punct", "content")

    def __init__(self, form: str, lower: str, lemma: str, punct: bool, content: bool):
        self.form, self.lower, self.lemma, self.punct, self.content = form, lower, lemma, punct, content


class WordCache:
    """Word information for the tokens of a pipeline's Docs, cached per word
    form (and lemma, where a trained model's lemma depends on context).

    With the embedded pipeline the lemma is a function of the form, so the
    lemmatizer component is skipped while parsing and the lemma comes from
    this cache: one simplemma look-up per distinct word, not per token.
    """

    def __init__(self, nlp: Language | None):

        self.nlp = nlp
        self.by_form = nlp.meta.get("name") == EMBEDDED
        self.cache: dict = {}
        self.stop_words = nlp.Defaults.stop_words

    def pipe(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
        """The Docs of ``texts`` (``nlp.pipe``; the lemmatizer skipped where
        this cache supplies the lemmas)."""
        disable = ["utenforskap_lemmatizer"] if self.by_form else []
        return self.nlp.pipe(texts, batch_size=batch_size, disable=disable)

    def words(self, doc: Doc) -> list[Word]:
        """The :class:`Word` of every token of ``doc``."""
        from spacy.attrs import LEMMA, ORTH

        cache = self.cache
        if self.by_form:
            keys = doc.to_array(ORTH).tolist()
            out = [cache.get(key) for key in keys]
            if None in out:
                for i, word in enumerate(out):
                    if word is None:
                        out[i] = self._new(keys[i], doc.vocab)
            return out
        out = []
        for orth, lemma in doc.to_array([ORTH, LEMMA]).tolist():
            word = cache.get((orth, lemma)) or self._new((orth, lemma), doc.vocab)
            out.append(word)
        return out

    def _new(self, key, vocab) -> Word:
        """The word for a form not seen before; ``key`` is its ORTH hash, or
        (ORTH, LEMMA) where a trained model's lemma depends on context."""
        lexeme = vocab[key if self.by_form else key[0]]
        lemma = None if self.by_form else (vocab.strings[key[1]].lower() or lexeme.orth_.lower())
        word = self._make(*lexeme_flags(lexeme), lemma=lemma)
        self.cache[key] = word
        return word

    def _make(self, form: str, punct: bool, is_stop: bool, like_num: bool, lemma: str | None = None) -> Word:
        """A word from its form and its lexeme's flags (:func:`lexeme_flags`);
        the lemma is simplemma's unless given."""
        lower = form.lower()
        if punct:
            return Word(form, lower, lower, True, False)
        if lemma is None:
            lemma = lemmatize_word(form)
        stop = is_stop or lower in NYNORSK_STOP or lemma in self.stop_words
        return Word(form, lower, lemma, False, not stop and not like_num)

    def words_of_keys(self, keys: list[int], flags: dict[int, tuple]) -> list[Word]:
        """The :class:`Word` of every token of a Doc tokenized in another
        process (same pipeline, embedded: the lemma is a function of the
        form), from its ORTH keys and, for keys this cache has not seen, the
        :func:`lexeme_flags` that process sent."""
        cache = self.cache
        out = [cache.get(key) for key in keys]
        if None in out:
            for i, word in enumerate(out):
                if word is None:
                    word = cache.get(keys[i])  # the same new word twice in one statement
                    if word is None:
                        word = cache[keys[i]] = self._make(*flags[keys[i]])
                    out[i] = word
        return out


def lexeme_flags(lexeme: Lexeme) -> tuple[str, bool, bool, bool]:
    """What a :class:`Word` needs of a spaCy lexeme: its form, whether it is
    punctuation or space, a stop word, like a number."""
    return lexeme.orth_, lexeme.is_punct or lexeme.is_space, lexeme.is_stop, lexeme.like_num


def lemma_columns(words: list[Word]) -> dict:
    """Lemma columns of one parsed statement: ``lemmas``, ``content_lemmas``
    (no stop words, numbers or punctuation) and ``n_tokens``."""
    kept = [w for w in words if not w.punct]
    return {
        "lemmas": " ".join(w.lemma for w in kept),
        "content_lemmas": " ".join(w.lemma for w in kept if w.content),
        "n_tokens": len(kept),
    }


class Statement:
    """One parsed statement: its normalised text, its words and their
    character offsets; which sentences ask a question is worked out only
    when a statement has a "?"."""

    __slots__ = ("text", "words", "starts", "lowers", "_asks")

    def __init__(self, text: str, doc: Doc | None, words: list[Word], starts: list[int] | None = None):
        from spacy.attrs import IDX

        self.text = text  # the string the Doc was made from (doc.text would rebuild it token by token)
        self.words = words
        self.lowers = [w.lower for w in words]
        # the tokens' character offsets: from the Doc, or given (a Doc made in another process)
        self.starts = doc.to_array(IDX).tolist() if starts is None else starts
        self._asks = None if "?" in text else False

    def asks(self, i: int) -> bool:
        """Whether the sentence that token ``i`` stands in (or, at the end,
        the statement's last sentence) ends with "?"; an unfinished last
        sentence asks only if the statement ends with "?"."""
        if self._asks is False:
            return False
        if self._asks is None:
            words = self.words
            asks = [False] * (len(words) + 1)
            current = bool(words) and words[-1].form == "?"
            asks[len(words)] = current
            for k in range(len(words) - 1, -1, -1):
                if words[k].form in ("?", ".", "!"):
                    current = words[k].form == "?"
                asks[k] = current
            self._asks = asks
        return self._asks[i]

    def end(self, i: int) -> int:
        """Character offset just after token ``i``."""
        return self.starts[i] + len(self.words[i].form)

    def span(self, start: int, end: int) -> tuple[str, str, int, int]:
        """Text, lemmas and character offsets of tokens start..end."""
        a, b = self.starts[start], self.end(end - 1)
        if end - start == 1:  # the word's own strings, shared by every statement that has it
            word = self.words[start]
            return word.form, word.lemma, a, b
        return self.text[a:b], " ".join(w.lemma for w in self.words[start:end]), a, b
