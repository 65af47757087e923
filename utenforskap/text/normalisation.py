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
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..lang.nb import ABBREVIATIONS, MOJIBAKE
from .pipeline import get_pipeline
from .tokens import WordCache, as_statements, lemma_columns

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.language import Language

pd = lazy_module("pandas")

__all__ = [
    "normalise",
    "normalise_text",
    "normalise_parts",
    "normalisation_columns",
    "with_normalisation_columns",
    "NORMALISATION_COLUMNS",
    "ABBREVIATIONS",
]

_QUOTES = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "´": "'",
        # dashes and minus signs: a hyphen inside a word, an en dash between words
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "–",
        "\u2013": "–",
        "\u2014": "–",
        "\u2015": "–",
        "\u2212": "–",
    }
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
    return normalise_parts(text)[0]


# ftfy (the slowest step) runs only on text that shows mojibake, an HTML
# entity or a control character: on clean text its heuristics can take rare
# but real letter sequences ("åÆÆ") for mojibake.
_NEEDS_REPAIR = re.compile(MOJIBAKE.pattern + r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_parts(text: str) -> tuple[str, list[str]]:
    """The normalised text (:func:`normalise_text`) and the abbreviations
    expanded in it (``"bl.a.=blant annet"``)."""
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


def normalise(data: pd.DataFrame | Sequence[str] | str, nlp: Language | None = None, batch_size: int = 256) -> pd.DataFrame:
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
    frame = as_statements(data, ids=False)
    words = WordCache(nlp or get_pipeline())
    normalised = [normalise_parts(t) for t in frame["text"]]
    features = [lemma_columns(words.words(doc)) for doc in words.pipe((n for n, _ in normalised), batch_size=batch_size)]
    return with_normalisation_columns(frame, normalisation_columns(normalised, features))


#: The columns :func:`normalise` (and coding) add, in this order.
NORMALISATION_COLUMNS = ("text_norm", "abbreviations", "lemmas", "content_lemmas", "n_tokens")


def normalisation_columns(normalised: list[tuple[str, list[str]]], features: list[dict]) -> dict[str, list]:
    """The values of :data:`NORMALISATION_COLUMNS` for statements: their
    :func:`normalise_parts` and their :func:`~utenforskap.text.tokens.lemma_columns`."""
    columns = {"text_norm": [text for text, _ in normalised], "abbreviations": ["; ".join(found) for _, found in normalised]}
    columns.update({key: [f[key] for f in features] for key in ("lemmas", "content_lemmas", "n_tokens")})
    return columns


def with_normalisation_columns(frame: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """A copy of ``frame`` with the normalisation columns (values of
    :data:`NORMALISATION_COLUMNS`, in the frame's row order)."""
    out = frame.copy()
    for key in NORMALISATION_COLUMNS:
        out[key] = columns[key]
    return out
