"""Pseudonymisation of person names for exports that leave the research team.

Person names in statements are replaced by stable pseudonyms (``[PERSON-1]``:
the same name gets the same pseudonym everywhere in the export), with a key
(pseudonym -> names) kept apart from the export.  Public figures
("Brundtlands nyttårstale") are kept; organisations and places stay unless
asked for.

Two methods, and the output says which was used:

* ``ner``: the named-entity recogniser of the spaCy pipeline (``PER``
  entities of ``nb_core_news_sm``, or of any pipeline with an ``ner`` or
  ``entity_ruler`` component);
* ``heuristic`` (the embedded default has no NER): capitalised words that are
  common Norwegian first names (with a following capitalised surname), plus
  the names a researcher lists.  Transparent and predictable, but it misses
  rare names: give the participants' names in ``names``.

The original ``text`` is never changed: the functions return new frames.
"""

from __future__ import annotations

import re

from ._lazy import lazy_module
from .errors import UtenforskapError

pd = lazy_module("pandas")

__all__ = ["pseudonymise", "FIRST_NAMES", "PUBLIC_FIGURES"]

#: Common first names in Norway (the heuristic's list; extend it with ``names``).
FIRST_NAMES = frozenset(
    """
    Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Anna Solveig Marianne Randi Ida Nina
    Maria Elisabeth Kristin Bente Heidi Silje Hanne Gerd Linda Tone Grete Camilla Ragnhild Mona Ellen
    Karin Wenche Elin Torill Anita Monica Hege Julie Emma Nora Sofie Sara Thea Ingeborg Maja Emilie Leah
    Olivia Ella Frida Vilde Amalie Hedda Tuva Mathilde Malin Sigrid Aurora Jenny Martine Helene Kaja
    Jan Per Bjørn Ole Lars Kjell Knut Svein Arne Thomas Hans Geir Tor Morten Terje Odd Erik Martin
    Andreas John Anders Rune Trond Tore Jon Harald Olav Nils Magnus Jonas Espen Stian Øyvind Frode
    Kristian Henrik Ivar Gunnar Rolf Leif Einar Helge Sindre Even Marius Eirik Håkon Sander Emil Filip
    Jakob Oliver William Lukas Noah Aksel Elias Isak Henrik Tobias Mathias Sebastian Kristoffer Fredrik
    Mohammed Muhammad Ali Ahmed Fatima Amina Hassan Omar Yusuf Abdi Aisha Mariam Zainab Adam Ibrahim
    Piotr Anna Katarzyna Tomasz Agnieszka Jakub
    """.split()
)

#: Public figures kept by default (their names are part of public debate).
PUBLIC_FIGURES = frozenset(
    """
    Brundtland Støre Solberg Stoltenberg Bondevik Jagland Willoch Nordli Gerhardsen Borten Brende
    Vedum Listhaug Tybring-Gjedde Lysbakken Moxnes Haugland Bergstø Stenseng Brenna
    """.split()
)

_TOKEN = re.compile(r"\b[\wÆØÅæøå][\w\-ÆØÅæøå]*\b")


def _base(word: str) -> str:
    """A name without the genitive s ("Karis" -> "Kari", "Brundtlands" -> "Brundtland")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and word[-2] != "s" else word


def _heuristic_spans(text: str, names: set[str], first_names: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, name) of person names: the listed names and, with
    ``first_names``, capitalised common first names with their surnames."""
    tokens = list(_TOKEN.finditer(text))
    spans = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.group(0)
        base = _base(word)
        listed = word in names or base in names
        common = first_names and word[:1].isupper() and not word.isupper() and (word in FIRST_NAMES or base in FIRST_NAMES)
        if listed or common:
            start, end = token.start(), token.end()
            j = i + 1
            # a following capitalised word (or two) is the surname: "Kari Nordmann", "Gro Harlem Brundtland"
            while j < len(tokens) and j <= i + 2 and tokens[j].start() - end == 1 and tokens[j].group(0)[:1].isupper() and not tokens[j].group(0).isupper():
                end = tokens[j].end()
                j += 1
            sentence_start = token.start() == 0 or re.search(r"[.!?:]\s*$", text[: token.start()]) is not None
            # at the start of a sentence a capital proves nothing for a name that is also a
            # word ("Per i dag", "Liv og helse"): there it counts only with a surname after it
            if listed or not (sentence_start and _is_word(base)) or j > i + 1:
                spans.append((start, end, text[start:end]))
            i = j
            continue
        # a multiword listed name ("Kari Nordmann")
        i += 1
    for name in names:
        if " " in name:
            for m in re.finditer(rf"\b{re.escape(name)}s?\b", text):
                if not any(s <= m.start() < e for s, e, _ in spans):
                    spans.append((m.start(), m.end(), m.group(0)))
    return sorted(spans)


def _is_word(name: str) -> bool:
    from .nlp import is_known_word

    return is_known_word(name)


def _is_public(name: str, public: set[str]) -> bool:
    parts = [_base(p) for p in name.split()]
    return _base(name) in public or name in public or any(p in public for p in parts)


def _canonical(name: str) -> str:
    return " ".join(_base(p) if i == len(name.split()) - 1 else p for i, p in enumerate(name.split()))


def pseudonymise(statements, *, names=(), public=None, method: str = "auto", entities=("PER",), nlp=None):
    """Replace person names by stable pseudonyms.

    Parameters
    ----------
    statements : pandas.DataFrame or list of str
        Statements with ``text`` (``source`` is used for the report).
    names : iterable of str
        Names to replace whatever the method finds (e.g. the participants).
    public : iterable of str, optional
        Names to keep (public figures); by default :data:`PUBLIC_FIGURES`.
    method : {"auto", "ner", "heuristic"}
        ``auto``: ``ner`` when the pipeline recognises entities, else
        ``heuristic``.
    entities : tuple of str
        Entity labels to replace with ``ner`` (add ``"ORG"``, ``"LOC"`` ...
        to replace organisations or places too).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, pandas.DataFrame)
        ``pseudonymised``: a copy with ``text`` replaced (and
        ``pseudonymised`` = number of replacements per statement); ``key``:
        ``pseudonym``, ``name`` (each written form), ``count`` — keep it
        apart from the export; ``report``: replacements per ``source`` and
        the ``method`` used.

    Examples
    --------
    >>> out, key, report = pseudonymise(["Kari sa at Kari Nordmann og Brundtlands tale inspirerte."])
    >>> out.loc[0, "text"]
    '[PERSON-1] sa at [PERSON-2] og Brundtlands tale inspirerte.'
    >>> report.to_dict("records")
    [{'source': '(tekster)', 'replacements': 2, 'method': 'heuristic'}]
    """
    from .nlp import get_pipeline
    from .normalise import _as_frame

    frame = _as_frame(statements)
    names = {n.strip() for n in names if n and n.strip()}
    public = set(PUBLIC_FIGURES if public is None else public)
    if method not in ("auto", "ner", "heuristic"):
        raise UtenforskapError(f"method must be 'auto', 'ner' or 'heuristic', got {method!r}")
    nlp = nlp or get_pipeline()
    has_ner = any(name in nlp.pipe_names for name in ("ner", "entity_ruler", "span_ruler"))
    if method == "ner" and not has_ner:
        raise UtenforskapError(
            f"the spaCy pipeline ({nlp.meta.get('name')}) has no named-entity recogniser; install nb_core_news_sm "
            "or use method='heuristic' with a list of names"
        )
    used = "ner" if (method == "ner" or (method == "auto" and has_ner)) else "heuristic"
    texts = frame["text"].astype(str).tolist()
    if used == "ner":
        found = []
        for text, doc in zip(texts, nlp.pipe(texts)):
            spans = {(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in entities}
            spans |= set(_heuristic_spans(text, names, first_names=False))
            found.append(sorted(spans))
    else:
        found = [_heuristic_spans(text, names) for text in texts]
    pseudonyms: dict[str, str] = {}
    key_rows: dict[tuple[str, str], int] = {}
    new_texts, counts = [], []
    for text, spans in zip(texts, found):
        pieces, last, n = [], 0, 0
        for start, end, name in sorted(spans):
            if start < last or _is_public(name, public):
                continue
            canonical = _canonical(name)
            pseudonym = pseudonyms.setdefault(canonical, f"[PERSON-{len(pseudonyms) + 1}]")
            key_rows[(pseudonym, name)] = key_rows.get((pseudonym, name), 0) + 1
            genitive = "s" if name.endswith("s") and canonical != name else ""
            pieces.append(text[last:start] + pseudonym + genitive)
            last, n = end, n + 1
        pieces.append(text[last:])
        new_texts.append("".join(pieces))
        counts.append(n)
    out = frame.copy()
    out["text"] = new_texts
    out["pseudonymised"] = counts
    key = pd.DataFrame([{"pseudonym": p, "name": nm, "count": c} for (p, nm), c in key_rows.items()],
                       columns=["pseudonym", "name", "count"])
    source = frame["source"] if "source" in frame.columns else pd.Series(["(tekster)"] * len(frame))
    report = (
        pd.DataFrame({"source": source.to_numpy(), "replacements": counts})
        .groupby("source", sort=False)["replacements"].sum().reset_index()
        .assign(method=used)
    )
    return out, key, report
