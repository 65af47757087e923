"""Norwegian text normalisation, kept beside the original ``text``.

``normalise_text`` is a pure string function: Unicode repair and NFC, one
form of quotes and dashes, expanded abbreviations and one spelling of NAV.
``normalise`` adds columns to a statements frame: ``text_norm``,
``abbreviations`` (what was expanded), ``lemmas`` (lowercase, space
separated), ``content_lemmas`` (the same without stop words and punctuation)
and ``n_tokens``.  The original ``text`` is never changed.
"""

from __future__ import annotations

import re
import unicodedata

from ._lazy import lazy_module
from .ingest import _MOJIBAKE
from .nlp import get_pipeline

pd = lazy_module("pandas")

__all__ = ["normalise", "normalise_text", "ABBREVIATIONS"]

#: Abbreviations and acronyms common in NAV and welfare notes, with their
#: expansion.  Matched as whole words; the acronyms only in capitals.
ABBREVIATIONS: dict[str, str] = {
    "bl.a.": "blant annet",
    "f.eks.": "for eksempel",
    "feks.": "for eksempel",
    "off.": "offentlig",
    "ref.": "referanse",
    "evt.": "eventuelt",
    "ev.": "eventuelt",
    "mht.": "med hensyn til",
    "dvs.": "det vil si",
    "osv.": "og så videre",
    "o.l.": "og lignende",
    "ca.": "cirka",
    "jf.": "jamfør",
    "vs.": "versus",
    "mtp.": "med tanke på",
    "UH-sektoren": "universitets- og høyskolesektoren",
    "UH-sektor": "universitets- og høyskolesektor",
    "UH": "universitet og høyskole",
    "VGO": "videregående opplæring",
    "VGS": "videregående skole",
    "OT": "Oppfølgingstjenesten",
    "NAV-kontor": "NAV-kontor",
}

_QUOTES = str.maketrans(
    {"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "´": "'",
     # dashes and minus signs: a hyphen inside a word, an en dash between words
     "\u2010": "-", "\u2011": "-", "\u2012": "–", "\u2013": "–", "\u2014": "–", "\u2015": "–", "\u2212": "–"}
)
_QUOTE_CHARS = re.compile("[" + "".join(chr(c) for c, v in _QUOTES.items() if v != chr(c)) + "]")
_NAV = re.compile(r"(?<![\w-])(?:Nav|nav|NAV|N\.A\.V\.)(s?)(?![\w])")


def _abbreviation_pattern() -> re.Pattern:
    keys = sorted(ABBREVIATIONS, key=len, reverse=True)
    parts = []
    for key in keys:
        escaped = re.escape(key)
        flags = "" if key.isupper() or key[0].isupper() else "(?i:"
        parts.append(f"{flags}{escaped}{')' if flags else ''}")
    return re.compile(r"(?<![\w.])(" + "|".join(parts) + r")(?![\w])")


_ABBREV = _abbreviation_pattern()
_LOOKUP = {k.lower(): v for k, v in ABBREVIATIONS.items()}
# substrings without which no abbreviation can match: a few substring tests
# are much cheaper than trying the alternation at every position
_CASED_KEYS = tuple(k for k in ABBREVIATIONS if k.isupper() or k[0].isupper())
_CASELESS_KEYS = tuple(k.lower() for k in ABBREVIATIONS if k not in _CASED_KEYS)


def _may_have_abbreviation(text: str) -> bool:
    if any(k in text for k in _CASED_KEYS):
        return True
    if "." not in text:
        return False
    lower = text.lower()
    return any(k in lower for k in _CASELESS_KEYS)


def _expand(text: str) -> tuple[str, list[str]]:
    found: list[str] = []

    def replace(match: re.Match) -> str:
        key = match.group(1)
        expansion = ABBREVIATIONS.get(key) or _LOOKUP[key.lower()]
        if expansion != key:
            found.append(f"{key}={expansion}")
        return expansion

    return _ABBREV.sub(replace, text), found


def normalise_text(text: str) -> str:
    """Normalise one statement for matching; the meaning stays, the form is one.

    Repairs mojibake and HTML entities (ftfy), NFC, straight quotes, one
    kind of dash, ``NAV`` for every spelling, abbreviations expanded,
    white space collapsed.  Norwegian letters are never folded to ASCII.

    Examples
    --------
    >>> normalise_text("Ønsker mer forskning i off. arbeidshverdag og Nav (bl.a. «VGO»)")
    'Ønsker mer forskning i offentlig arbeidshverdag og NAV (blant annet "videregående opplæring")'
    """
    return _normalise(text)[0]


# ftfy (the slowest step) runs only on text that shows mojibake, an HTML
# entity or a control character: on clean text its heuristics can take rare
# but real letter sequences ("åÆÆ") for mojibake.
_NEEDS_REPAIR = re.compile(
    _MOJIBAKE.pattern + r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)


def _normalise(text: str) -> tuple[str, list[str]]:
    if _NEEDS_REPAIR.search(text):
        import ftfy

        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True, normalization="NFC")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _QUOTE_CHARS.search(text):  # str.translate with a dict visits every character in Python
        text = text.translate(_QUOTES)
    if "av" in text or "N.A.V." in text:  # "NAV" itself needs no change
        text = _NAV.sub(lambda m: "NAV" + m.group(1), text)
    found: list[str] = []
    if _may_have_abbreviation(text):
        text, found = _expand(text)
    return " ".join(text.split()), found


# Nynorsk function words and question words that spaCy's Bokmål stop list lacks
_NYNORSK_STOP = frozenset(
    "dei ei eit ikkje kva korleis kvifor eg ho han dykk me oss dykkar deira hjå frå "
    "berre noko nokon kvar kven sjølv vere vore vert vart åt ein "
    # Bokmål question words spaCy's list lacks (the Nynorsk ones are above)
    "hvordan hvorfor hvilke hvilken hvilket hvem".split()
)


class _Word:
    """What the analysis needs of one word form, computed once per form."""

    __slots__ = ("form", "lower", "lemma", "punct", "content", "globs", "hits")

    def __init__(self, form, lower, lemma, punct, content):
        self.form, self.lower, self.lemma, self.punct, self.content = form, lower, lemma, punct, content
        self.globs = self.hits = None  # filled by the coder


class _Words:
    """Word information for the tokens of a pipeline's Docs, cached per word
    form (and lemma, where a trained model's lemma depends on context).

    With the embedded pipeline the lemma is a function of the form, so the
    lemmatizer component is skipped while parsing and the lemma comes from
    this cache: one simplemma look-up per distinct word, not per token.
    """

    def __init__(self, nlp):
        from .nlp import EMBEDDED

        self.nlp = nlp
        self.by_form = nlp.meta.get("name") == EMBEDDED
        self.cache: dict = {}
        self.stop_words = nlp.Defaults.stop_words

    def pipe(self, texts, batch_size: int = 256):
        disable = ["utenforskap_lemmatizer"] if self.by_form else []
        return self.nlp.pipe(texts, batch_size=batch_size, disable=disable)

    def words(self, doc) -> list[_Word]:
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

    def _new(self, key, vocab) -> _Word:
        """The word for a form not seen before; ``key`` is its ORTH hash, or
        (ORTH, LEMMA) where a trained model's lemma depends on context."""
        from .nlp import lemmatize_word

        lexeme = vocab[key if self.by_form else key[0]]
        form = lexeme.orth_
        lower = form.lower()
        if lexeme.is_punct or lexeme.is_space:
            word = _Word(form, lower, lower, True, False)
        else:
            lemma = lemmatize_word(form) if self.by_form else (vocab.strings[key[1]].lower() or lower)
            stop = lexeme.is_stop or lower in _NYNORSK_STOP or lemma in self.stop_words
            word = _Word(form, lower, lemma, False, not stop and not lexeme.like_num)
        self.cache[key] = word
        return word


def _features(words: list[_Word]) -> dict:
    """Lemma columns of one parsed statement."""
    kept = [w for w in words if not w.punct]
    return {
        "lemmas": " ".join(w.lemma for w in kept),
        "content_lemmas": " ".join(w.lemma for w in kept if w.content),
        "n_tokens": len(kept),
    }


def normalise(data, nlp=None, batch_size: int = 256) -> pd.DataFrame:
    """Add normalised text and lemma columns to a statements frame.

    Parameters
    ----------
    data : pandas.DataFrame or list of str
        A frame with a ``text`` column (from :func:`read_workshop`), or texts.
    nlp : spacy.language.Language, optional
        The pipeline; by default :func:`get_pipeline`.

    Returns
    -------
    pandas.DataFrame
        A new frame: the input columns and ``text_norm``, ``abbreviations``,
        ``lemmas``, ``content_lemmas``, ``n_tokens``.

    Examples
    --------
    >>> out = normalise(["Hindringene er bl.a. finansieringen"])
    >>> out.loc[0, ["text_norm", "lemmas"]].tolist()
    ['Hindringene er blant annet finansieringen', 'hindring være blant annen finansiering']
    """
    frame = _as_frame(data)
    words = _Words(nlp or get_pipeline())
    normalised = [_normalise(t) for t in frame["text"]]
    features = [_features(words.words(doc)) for doc in words.pipe((n for n, _ in normalised), batch_size=batch_size)]
    return _with_columns(frame, normalised, features)


def _with_columns(frame: pd.DataFrame, normalised: list[tuple[str, list[str]]], features: list[dict]) -> pd.DataFrame:
    """A copy of ``frame`` with the normalisation columns."""
    out = frame.copy()
    out["text_norm"] = [n for n, _ in normalised]
    out["abbreviations"] = ["; ".join(found) for _, found in normalised]
    for key in ("lemmas", "content_lemmas", "n_tokens"):
        out[key] = [f[key] for f in features]
    return out


def _as_frame(data) -> pd.DataFrame:
    """A statements frame from a frame with ``text`` or from a list of strings."""
    from .errors import UtenforskapError

    if isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise UtenforskapError(f"the data has no 'text' column (columns: {list(data.columns)})")
        return data
    if isinstance(data, str):
        data = [data]
    texts = list(data)
    if not all(isinstance(t, str) for t in texts):
        raise UtenforskapError("expected a DataFrame with a 'text' column or a list of strings")
    width = len(str(len(texts)))
    return pd.DataFrame({"segment_id": [f"s{i:0{width}d}" for i in range(1, len(texts) + 1)], "text": texts})
