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

import pandas as pd

from .nlp import get_pipeline

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

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "´": "'"})
# dashes and minus signs of every kind: a hyphen inside a word, an en dash between spaces
_DASH = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
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


def _normalise(text: str) -> tuple[str, list[str]]:
    import ftfy

    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True, normalization="NFC")
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _DASH.sub(lambda m: "-" if m.group(0) in "\u2010\u2011" else "–", text)
    text = _NAV.sub(lambda m: "NAV" + m.group(1), text)
    text, found = _expand(text)
    return " ".join(text.split()), found


# Nynorsk function words that spaCy's Bokmål stop list lacks
_NYNORSK_STOP = frozenset(
    "dei ei eit ikkje kva korleis kvifor eg ho han dykk me oss dykkar deira hjå frå "
    "berre noko nokon kvar kven sjølv vere vore vert vart åt ein".split()
)


def _is_stop(token) -> bool:
    """Stop word by its form, its Nynorsk form, or its lemma ("ei" -> "en")."""
    return token.is_stop or token.lower_ in _NYNORSK_STOP or token.vocab[token.lemma_].is_stop


def _doc_features(doc) -> dict:
    """Lemma columns of one parsed statement."""
    words = [t for t in doc if not (t.is_punct or t.is_space)]
    return {
        "lemmas": " ".join(t.lemma_ or t.lower_ for t in words),
        "content_lemmas": " ".join(t.lemma_ or t.lower_ for t in words if not _is_stop(t) and not t.like_num),
        "n_tokens": len(words),
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
    nlp = nlp or get_pipeline()
    normalised = [_normalise(t) for t in frame["text"]]
    features = [_doc_features(doc) for doc in nlp.pipe((n for n, _ in normalised), batch_size=batch_size)]
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
