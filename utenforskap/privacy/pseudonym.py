"""Pseudonymisation for exports that leave the research team.

Person names and direct identifiers (e-mail, phone, fødselsnummer, account
numbers, street addresses) are replaced by stable placeholders: the same
person or value gets the same placeholder everywhere (``[PERSON-1]``,
``[EPOST-1]``, ``[TELEFON-1]``, ``[FØDSELSNUMMER-1]``, ``[KONTO-1]``,
``[ADRESSE-1]``), with a key (placeholder -> what it replaced) kept apart from
the export.  Given the key of an earlier run, numbering goes on from it.

Names are found by, in this order of trust:

1. the participant list (``names``): each listed person also matches their
   first name, surname, hyphen parts and genitives, in any case, and gets one
   pseudonym; a listed name wins over the public-figure list;
2. the named-entity recogniser of the spaCy pipeline, where it has one
   (``nb_core_news_sm``);
3. a gazetteer of Norwegian first names and surnames (the package's list
   and Faker's ``no_NO`` names, from Statistics Norway's most common ones)
   with context: a first name and the capitalised words after it, a name after
   a title ("veileder Hansen"), a speaker ("Kari:").

Public figures (``public``) are kept, matched by full name only.  Streets,
foundations and buildings named after people ("Olav Kyrres gate", "Olav Thon
Stiftelsen") are left alone.  What may still be a name is listed by
:func:`unreplaced_names` for the researcher to check before sharing.

The original frame is never changed: the functions return new frames.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import UtenforskapError
from ..lang.nb import (
    FIRST_NAMES,
    LISTED_VERBS,
    NAME_CHECK_TEXT,
    PERSON_TITLES,
    PLACE_WORDS,
    PROJECT_WORDS,
    PUBLIC_FIGURES,
    ROYAL_WORDS,
    SPEECH_VERBS,
    WORD_NAMES,
)
from ..read import segment_id, workshop_id
from ..text import as_statements, get_pipeline, is_known_word
from .identifiers import KINDS, find_identifiers

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from spacy.language import Language

pd = lazy_module("pandas")

__all__ = ["pseudonymise", "unreplaced_names", "read_key", "name_check_path", "FIRST_NAMES", "PUBLIC_FIGURES", "NAME_COLUMNS"]

#: Columns of a statements frame that can hold a name.
NAME_COLUMNS = ("text", "group", "section", "workshop_title", "question_text", "source")

_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_PLACEHOLDER = re.compile(r"\[(?:PERSON|EPOST|TELEFON|FØDSELSNUMMER|MULIG-FØDSELSNUMMER|KONTO|ADRESSE)-\d+\]")


@functools.lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset, frozenset]:
    """(first names, surnames): the package's list plus Faker's no_NO names."""
    first, last = set(FIRST_NAMES), set()
    try:
        from faker.providers.person.no_NO import Provider
    except ImportError:  # pragma: no cover - faker is a dependency
        return frozenset(first), frozenset(last)
    first |= set(Provider.first_names_male) | set(Provider.first_names_female)
    last |= {n for n in Provider.last_names if "-" not in n}
    return frozenset(first), frozenset(last)


def _genitive_base(word: str) -> tuple[str, str]:
    """(name, genitive ending): "Karis" -> ("Kari", "s"), "Hans'" -> ("Hans", "'")."""
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)], ending
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1], "s"
    return word, ""


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word starts a sentence, a bullet or a line (where a capital
    letter says nothing about a name)."""
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?:;-–•"«\n'


@dataclass
class _Person:
    full: str
    parts: set[str] = field(default_factory=set)  # lower-case forms that name this person


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # "person" or an identifier kind
    value: str  # the canonical value (person: full name) for the key
    ending: str = ""  # a genitive kept after the placeholder


class _Key:
    """Placeholders per kind and value, numbered on from an earlier key."""

    def __init__(self, earlier=None):
        self.by_value: dict[tuple[str, str], str] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.forms: dict[tuple[str, str], set[str]] = {}
        self.next: dict[str, int] = {}
        if earlier is not None:
            for row in earlier.itertuples(index=False):
                kind = str(row.kind)
                self.by_value[(kind, str(row.value).lower())] = str(row.pseudonym)
                number = int(re.search(r"-(\d+)\]$", str(row.pseudonym)).group(1))
                self.next[kind] = max(self.next.get(kind, 1), number + 1)

    def placeholder(self, kind: str, value: str, form: str) -> str:
        word = "PERSON" if kind == "person" else KINDS[kind]
        k = (word, value.lower())
        if k not in self.by_value:
            number = self.next.get(word, 1)
            self.next[word] = number + 1
            self.by_value[k] = f"[{word}-{number}]"
        self.counts[k] = self.counts.get(k, 0) + 1
        self.forms.setdefault(k, set()).add(form)
        return self.by_value[k]

    def frame(self) -> pd.DataFrame:
        rows = [
            {
                "pseudonym": p,
                "kind": kind,
                "value": value,
                "forms": " | ".join(sorted(self.forms.get((kind, value), ()))),
                "count": self.counts.get((kind, value), 0),
            }
            for (kind, value), p in self.by_value.items()
        ]
        order = {"PERSON": 0, **{w: i + 1 for i, w in enumerate(KINDS.values())}}
        rows.sort(key=lambda r: (order.get(r["kind"], 9), int(re.search(r"(\d+)\]$", r["pseudonym"]).group(1))))
        return pd.DataFrame(rows, columns=["pseudonym", "kind", "value", "forms", "count"])


def _people(names) -> list[_Person]:
    """The listed participants, each with the forms that name them."""
    people = []
    for full in dict.fromkeys(" ".join(n.split()) for n in names if n and n.strip()):
        words = full.split()
        parts = {full.lower(), words[0].lower(), words[-1].lower(), f"{words[0]} {words[-1]}".lower()}
        for w in words:
            parts.update(p.lower() for p in w.split("-") if len(p) > 1)
            parts.add(w.lower())
        people.append(_Person(full=full, parts=parts))
    return people


class _Finder:
    """Finds the person names of one text."""

    def __init__(self, people: list[_Person], public: set[str]):
        self.public = {p.lower() for p in public}
        first, last = _gazetteer()
        self.first_lower = {n.lower() for n in first}
        self.last_lower = {n.lower() for n in last}
        # listed forms, longest first, each mapped to its person (the first listed wins a shared form)
        self.forms: dict[str, _Person] = {}
        for person in people:
            for form in sorted(person.parts, key=len, reverse=True):
                self.forms.setdefault(form, person)
        self.listed_full = {p.full.lower() for p in people}
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.listed = re.compile(rf"(?<![\w\[-])({alternatives})('s|’s|'|’|s)?(?![\w-])", re.IGNORECASE) if alternatives else None
        publics = "|".join(re.escape(p) for p in sorted(public, key=len, reverse=True))
        self.public_re = re.compile(rf"(?<![\w-])({publics})('s|’s|'|’|s)?(?![\w-])") if publics else None

    def _next_word(self, text: str, end: int) -> str:
        m = _TOKEN.search(text, end)
        return m.group(0) if m and not text[end : m.start()].strip(" ,") else ""

    def _place(self, text: str, start: int, end: int) -> bool:
        """A street, building or organisation named after a person, or a
        project, programme or service with a name ("prosjektet Storm",
        "«Ung Vilje»")."""
        following = self._next_word(text, end)
        before = text[:start].split()
        previous = before[-1].lower().rstrip(".") if before else ""
        quoted = text[:start].rstrip(" ")[-1:] in ("«", '"', "“") and text[end:].lstrip(" ")[:1] in ("»", '"', "”")
        in_title = text[:start].count("«") > text[:start].count("»")  # inside «...»: a title or a project's name
        return bool(PLACE_WORDS.match(following)) or previous in ROYAL_WORDS or previous in PROJECT_WORDS or quoted or in_title

    def _someone_else(self, text: str, end: int, person: _Person) -> tuple[int, str] | None:
        """After a listed first name, a capitalised surname that is not the
        listed person's: another person ("Per Sandberg" when "Per Hansen" is
        listed).  Returns the surname's end and its genitive ending, or None."""
        m = _TOKEN.match(text, end + 1) if text[end : end + 1] == " " else None
        if m is None:
            return None
        surname, ending = _genitive_base(m.group(0))
        lower = surname.lower()
        parts = surname.split("-")
        if not all(p[:1].isupper() and not p.isupper() for p in parts) or lower in person.parts or PLACE_WORDS.match(surname):
            return None  # "Per Nav-kontoret", "Kari NAV": not a surname
        if lower not in self.last_lower and is_known_word(lower):
            return None  # "Per Nav-kontor", "Kari Til slutt": a word, not a surname
        return m.start() + len(surname), ending

    def _speech_after(self, text: str, end: int, verbs=SPEECH_VERBS) -> bool:
        return self._next_word(text, end).lower() in verbs

    def _listed(self, text: str, free, found: list[_Span]) -> None:
        """The participants' names and their forms, except where the form is a word."""
        if not self.listed:
            return
        for m in self.listed.finditer(text):
            form, ending = m.group(1), m.group(2) or ""
            person = self.forms[form.lower()]
            capitalised = form[:1].isupper()
            other = self._someone_else(text, m.end(), person) if capitalised and " " not in form and not ending else None
            if other is not None:  # another person with the same first name ("Per Sandberg"): in full, unless public
                surname_end, other_ending = other
                full = text[m.start() : surname_end]
                if not (full.lower() in self.public or self._place(text, m.start(), surname_end)) and free(
                    m.start(), surname_end + len(other_ending)
                ):
                    found.append(_Span(m.start(), surname_end, "person", full, other_ending))
                continue
            word = form.lower() in WORD_NAMES
            if (
                word
                and (not capitalised or _sentence_start(text, m.start()))
                and not self._speech_after(text, m.end(), LISTED_VERBS)
            ):
                continue  # "per dag", "Liv og helse": a word, not the person
            if ending == "s" and form.lower() + "s" in self.forms:
                ending = ""
            if self._place(text, m.start(), m.end()) or not free(m.start(), m.end()):
                continue
            found.append(_Span(m.start(), m.end() - len(ending), "person", person.full, ending))

    def _named(self, text: str, free, found: list[_Span]) -> None:
        """First names of the gazetteer with their surnames, names after titles, surnames as speakers."""
        tokens = list(_TOKEN.finditer(text))
        i = 0
        while i < len(tokens):
            token = tokens[i]
            word, ending = _genitive_base(token.group(0))
            lower = word.lower()
            capitalised = word[:1].isupper() and not word.isupper()
            previous = (
                tokens[i - 1].group(0).lower().rstrip(".")
                if i and text[tokens[i - 1].end() : token.start()].strip() in ("", ".")
                else ""
            )
            after_title = previous in PERSON_TITLES
            first = capitalised and (
                lower in self.first_lower
                or token.group(0).lower() in self.first_lower
                or ("-" in lower and all(p in self.first_lower for p in lower.split("-")))  # "Hanne-Marit"
            )
            if first and token.group(0).lower() in self.first_lower:
                word, ending = token.group(0), ""
            # "Hansen: ..." at the start of a line: a surname as the speaker
            speaker = (
                capitalised
                and _sentence_start(text, token.start())
                and text[token.end() : token.end() + 1] == ":"
                and lower in self.last_lower
                and lower not in WORD_NAMES
            )
            titled = after_title and (capitalised or lower in self.first_lower or lower in self.last_lower or lower in self.forms)
            # a common surname on its own as the one who speaks: "Jensen påpekte", "Dahl foreslo"
            speaking = capitalised and lower in self.last_lower and self._speech_after(text, token.end())
            if not (first or titled or speaker or speaking):
                i += 1
                continue
            start, end = token.start(), token.start() + len(word)
            j = i + 1
            # the capitalised words right after it (space-separated) are the surname: "Kari Nordmann", "Gro Harlem"
            while j < len(tokens) and j <= i + 2 and text[end : tokens[j].start()] == " ":
                nxt, nxt_ending = _genitive_base(tokens[j].group(0))
                if not all(p[:1].isupper() and not p.isupper() for p in nxt.split("-")) or PLACE_WORDS.match(nxt):
                    break
                end, ending = tokens[j].start() + len(nxt), nxt_ending
                j += 1
            surname = j > i + 1
            ambiguous = lower in WORD_NAMES and (_sentence_start(text, start) or not capitalised)
            if first and ambiguous and not surname and not self._speech_after(text, end + len(ending)):
                i = j
                continue
            if not self._place(text, start, end + len(ending)) and free(start, end + len(ending)):
                found.append(_Span(start, end, "person", text[start:end], ending))
            i = j

    def spans(self, text: str) -> list[_Span]:
        protected = []
        if self.public_re:
            for m in self.public_re.finditer(text):
                if m.group(1).lower() not in self.listed_full:
                    protected.append((m.start(), m.end()))
        found: list[_Span] = []

        def free(start, end):
            return not any(s < end and start < e for s, e in protected) and not any(
                s.start < end and start < s.end for s in found
            )

        self._listed(text, free, found)  # 1. the participant list
        self._named(text, free, found)  # 2. the gazetteer's first names with their surnames; titled names; speakers
        return sorted(found, key=lambda s: s.start)


def _ner_spans(texts: list[str], nlp, entities) -> list[list[tuple[int, int]]]:
    return [[(e.start_char, e.end_char) for e in doc.ents if e.label_ in entities] for doc in nlp.pipe(texts)]


def pseudonymise(
    statements: pd.DataFrame | Sequence[str] | str,
    *,
    names: Sequence[str] | str | Path = (),
    public: Sequence[str] | None = None,
    method: str = "auto",
    entities: bool | None = ("PER",),
    nlp: Language | None = None,
    columns: Sequence[str] | None = NAME_COLUMNS,
    key: str | Path | None = None,
):
    """Replace person names and direct identifiers by stable placeholders.

    Parameters
    ----------
    statements : pandas.DataFrame or list of str
        Statements with ``text`` (``source`` is used for the report).
    names : iterable of str
        The participants (and anyone else to protect), one full name each:
        each also matches their first name, surname, hyphen parts and
        genitives, in any case, with one pseudonym per person.
    public : iterable of str, optional
        Full names to keep (public figures); by default :data:`PUBLIC_FIGURES`.
        A listed participant wins over this list.
    method : {"auto", "ner", "heuristic"}
        ``auto``: the pipeline's named-entity recogniser when it has one,
        beside the gazetteer; ``heuristic``: the gazetteer only.
    entities : tuple of str
        Entity labels to replace with ``ner``.
    columns : iterable of str
        The columns to pseudonymise (those present); by default
        :data:`NAME_COLUMNS`, every column of a statements frame that can hold
        a name.  With ``group`` (and ``source``) the segment ids (and workshop
        ids) are made again from the new labels.
    key : pandas.DataFrame, optional
        The key of an earlier run: the same names get the same pseudonyms and
        new ones are numbered on.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, pandas.DataFrame)
        ``pseudonymised``: a copy with the columns replaced (and
        ``pseudonymised`` = replacements per statement); ``key``:
        ``pseudonym``, ``kind``, ``value`` (the person's full name or the
        identifier), ``forms`` (each written form) and ``count`` — keep it
        apart from the export; ``report``: replacements per ``source``, the
        ``method`` used and the identifiers found.

    Warns
    -----
    UserWarning
        When a fødselsnummer or D-nummer is found: such a number should not be
        in workshop notes at all.

    Examples
    --------
    >>> out, key, report = pseudonymise(["Kari sa at Ola Hansen og Brundtlands tale inspirerte.",
    ...                                  "Skriv til kari.nordmann@nav.no eller ring 912 34 567."])
    >>> out["text"].tolist()
    ['[PERSON-1] sa at [PERSON-2] og Brundtlands tale inspirerte.', 'Skriv til [EPOST-1] eller ring [TELEFON-1].']
    >>> out, key, _ = pseudonymise(["Kari sa at Nordmanns forslag var godt."], names=["Kari Nordmann"])
    >>> out.loc[0, "text"], key["value"].tolist()
    ('[PERSON-1] sa at [PERSON-1]s forslag var godt.', ['kari nordmann'])
    """
    frame = as_statements(statements, ids=False)
    nlp, used = _method(method, nlp)
    finder = _Finder(_people(names), set(PUBLIC_FIGURES if public is None else public))
    book = _Key(key)
    out = frame.copy()
    columns = [c for c in dict.fromkeys(columns) if c in frame.columns]
    found = {
        column: _column_spans(
            frame[column].astype(str).tolist(), finder, nlp, entities if used == "ner" and column == "text" else None
        )
        for column in columns
    }
    linked = _linked_full_names(found)
    counts = [0] * len(frame)
    kinds_found: dict[str, int] = {}
    for column in columns:
        new_values = []
        for row, (text, spans) in enumerate(zip(frame[column].astype(str).tolist(), found[column])):
            new_values.append(_replace(text, spans, finder, linked, book))
            counts[row] += len(spans)
            for span in spans:
                kinds_found[span.kind] = kinds_found.get(span.kind, 0) + 1
        out[column] = pd.Series(new_values, index=frame.index, dtype=object)
    _renew_ids(out, frame, columns)
    out["pseudonymised"] = counts
    numbers = kinds_found.get("fnr", 0) + kinds_found.get("possible_fnr", 0)
    if numbers:
        warnings.warn(
            f"{numbers} fødselsnummer/D-nummer (or 11-digit numbers that may be one) found and replaced; such numbers "
            "should not be in workshop notes: check the source files and where they are stored",
            stacklevel=2,
        )
    source = frame["source"] if "source" in frame.columns else pd.Series(["(tekster)"] * len(frame))
    report = (
        pd.DataFrame({"source": source.to_numpy(), "replacements": counts})
        .groupby("source", sort=False)["replacements"]
        .sum()
        .reset_index()
        .assign(
            method=used,
            identifiers=", ".join(f"{KINDS.get(k, 'PERSON')}={n}" for k, n in sorted(kinds_found.items()) if k != "person"),
        )
    )
    return out, book.frame(), report


def _method(method: str, nlp: Language | None) -> tuple[Language, str]:
    """The pipeline and the method used: ``ner`` or ``heuristic``."""
    if method not in ("auto", "ner", "heuristic"):
        raise UtenforskapError(f"method must be 'auto', 'ner' or 'heuristic', got {method!r}")
    nlp = nlp or get_pipeline()
    has_ner = any(name in nlp.pipe_names for name in ("ner", "entity_ruler", "span_ruler"))
    if method == "ner" and not has_ner:
        raise UtenforskapError(
            f"the spaCy pipeline ({nlp.meta.get('name')}) has no named-entity recogniser; install nb_core_news_sm "
            "or use method='heuristic' with a list of names"
        )
    return nlp, "ner" if (method == "ner" or (method == "auto" and has_ner)) else "heuristic"


def _column_spans(values: list[str], finder: _Finder, nlp: Language, entities) -> list[list[_Span]]:
    """What to replace in each value: identifiers first, then the gazetteer's
    names, then the recogniser's entities (``entities`` None: none) where they
    do not overlap what was found."""
    ner = _ner_spans(values, nlp, entities) if entities is not None else [[] for _ in values]
    found = []
    for text, extra in zip(values, ner):
        spans: list[_Span] = [_Span(s, e, kind, value) for s, e, kind, value in find_identifiers(text)]
        for s in finder.spans(text):
            if not any(o.start < s.end and s.start < o.end for o in spans):
                spans.append(s)
        for s, e in extra:
            if not any(o.start < e and s < o.end for o in spans) and text[s:e].lower() not in finder.public:
                base, ending = _genitive_base(text[s:e])
                spans.append(_Span(s, s + len(base), "person", base, ending))
        found.append(sorted(spans, key=lambda s: s.start))
    return found


def _linked_full_names(found: dict[str, list[list[_Span]]]) -> dict[str, set[str]]:
    """First name or surname -> the full names found with it: an unlisted
    person named in full somewhere is the same person where only the first
    name or the surname is written, when no other full name shares it."""
    fulls = {
        " ".join(s.value.split())
        for spans in found.values()
        for row in spans
        for s in row
        if s.kind == "person" and " " in s.value.strip()
    }
    linked: dict[str, set[str]] = {}
    for full in fulls:
        for part in (full.split()[0], full.split()[-1]):
            linked.setdefault(part.lower(), set()).add(full.lower())
    return linked


def _replace(text: str, spans: list[_Span], finder: _Finder, linked: dict, book: _Key) -> str:
    """The text with each span replaced by its placeholder (a genitive ending kept)."""
    pieces, last = [], 0
    for span in spans:
        form = text[span.start : span.end]
        value = span.value
        if span.kind == "person":
            value = _canonical_person(value, finder)
            if value not in finder.listed_full and len(linked.get(value, ())) == 1:
                value = next(iter(linked[value]))
        pieces.append(text[last : span.start] + book.placeholder(span.kind, value, form) + span.ending)
        last = span.end + len(span.ending)
    pieces.append(text[last:])
    return "".join(pieces)


def _renew_ids(out: pd.DataFrame, frame: pd.DataFrame, columns: list[str]) -> None:
    """Workshop and segment ids made again where a file name or group label held a name."""
    if "source" in columns and "workshop" in frame.columns:
        out["workshop"] = [
            workshop_id(new) if new != old else w for w, old, new in zip(out["workshop"], frame["source"], out["source"])
        ]
    if "segment_id" in frame.columns and {"workshop", "group", "question", "position"} <= set(frame.columns):
        out["segment_id"] = [
            segment_id(w, g, q, p) if (w, g) != (old_w, old_g) else sid
            for sid, w, g, q, p, old_w, old_g in zip(
                frame["segment_id"],
                out["workshop"],
                out["group"],
                out["question"],
                out["position"],
                frame["workshop"],
                frame["group"],
            )
        ]


def read_key(path: str | Path) -> pd.DataFrame | None:
    """The key of an earlier run (None when the file does not exist yet).

    Raises
    ------
    UtenforskapError
        When the file cannot be read or is not a key written by utenforskap.
    """
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return None
    try:
        key = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    except (OSError, ValueError) as exc:
        raise UtenforskapError(f"cannot read the key ({exc})", path) from None
    if not {"pseudonym", "kind", "value"} <= set(key.columns):
        raise UtenforskapError("this is not a key written by utenforskap (columns pseudonym, kind, value)", path)
    return key


def name_check_path(key: str | Path):
    """Where the list of possible names goes: beside the key, as personal as it."""
    from pathlib import Path

    key = Path(key)
    return key.with_name(f"{key.stem}_mulige_navn.csv")


def _canonical_person(name: str, finder: _Finder) -> str:
    """The key value of a person: the listed full name where a form names a
    listed person, else the name without its genitive."""
    lower = " ".join(name.split()).lower()
    if lower in finder.forms:
        return finder.forms[lower].full.lower()
    return lower


def unreplaced_names(pseudonymised: pd.DataFrame, columns: Sequence[str] | None = ("text",)) -> pd.DataFrame:
    """Words that may still be names after :func:`pseudonymise`, for the
    researcher to check before sharing: capitalised words inside a sentence
    that the Norwegian lemma data do not know, and capitalised words right
    beside a placeholder.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``column``, ``word``, ``why`` and ``context``.

    Examples
    --------
    >>> out, _, _ = pseudonymise(["Møtet ledet av Kari Nordmann og Zlatko ble bra."])
    >>> unreplaced_names(out)[["word", "why"]].values.tolist()
    [['Zlatko', 'ukjent ord med stor forbokstav']]
    """
    first, last = _gazetteer()
    rows = []
    ids = pseudonymised["segment_id"] if "segment_id" in pseudonymised.columns else pd.Series(range(len(pseudonymised)))
    for column in [c for c in columns if c in pseudonymised.columns]:
        for sid, text in zip(ids, pseudonymised[column].astype(str)):
            holders = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
            for m in _TOKEN.finditer(text):
                word = m.group(0)
                if not word[:1].isupper() or word.isupper() or any(s <= m.start() < e for s, e in holders):
                    continue
                beside = any(abs(m.start() - e) <= 1 or abs(s - m.end()) <= 1 for s, e in holders)
                base, _ = _genitive_base(word)
                unknown = (
                    not _sentence_start(text, m.start())
                    and not (is_known_word(base) or is_known_word(base, "nn"))
                    and base not in first
                    and base not in last
                )
                if beside or unknown:
                    why = NAME_CHECK_TEXT["beside"] if beside else NAME_CHECK_TEXT["capitalised"]
                    rows.append(
                        {
                            "segment_id": sid,
                            "column": column,
                            "word": word,
                            "why": why,
                            "context": text[max(0, m.start() - 30) : m.end() + 30],
                        }
                    )
    return pd.DataFrame(rows, columns=["segment_id", "column", "word", "why", "context"])
