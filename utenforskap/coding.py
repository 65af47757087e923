"""Transparent theme coding with a codebook, and agreement with hand coding.

Coding has two sources of evidence, both recorded for every code:

* **lexical**: the codebook's patterns, matched on each token's lemma and
  lowercase form (so inflections and compounds match), minus matches inside
  an exclusion pattern, with negation ("ikke et problem") handled as the
  codebook says;
* **structural**: the sub-heading (``section``) or question a statement
  stands under, as a human coder reads it ("Hindringer:").  A section rule
  wins over a question rule.

A sub-code refines its theme: it is assigned when its words match and its
theme is assigned, unless the codebook marks it ``standalone``.

Patterns are globs over single words, so which globs a word matches depends
only on the word: it is computed once per distinct word form (the
:class:`_Lexicon`) and phrases are then found by looking up the glob sets of
consecutive tokens.  (spaCy's ``Matcher`` with ``REGEX`` predicates did the
same job about 60 times slower than the tokenizer, measured on 20,000
statements: it evaluates every regular expression at every token.)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re

from ._lazy import lazy_module
from .codebook import Codebook, codebook_of, glob_regex, load_codebook
from .errors import UtenforskapError
from .nlp import describe_pipeline, get_pipeline
from .normalise import _as_frame, _features, _normalise, _with_columns, _Words

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["code", "coding_table", "agreement", "code_matrix"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_SENTENCE_END = {".", "!", "?", ";", ":"}


@functools.lru_cache(maxsize=4096)
def _rx(glob: str) -> re.Pattern:
    return re.compile(glob_regex(glob))


def _literal_prefix(glob: str, n: int = 2) -> str:
    prefix = re.match(r"[^*?]*", glob).group(0)
    return prefix[:n]


class _Lexicon:
    """The codebook's word globs, and which of them each word matches.

    A lowercase glob matches a word's lowercase form or its lemma; a glob with
    capitals matches the exact form.  Globs are bucketed by their literal
    prefix, so a new word is tested against a handful of them.
    """

    def __init__(self, book: Codebook):
        globs: dict[str, int] = {}
        # glob id -> [(code, kind, rule)] for one-word patterns
        self.single: dict[int, list[tuple[str, str, str]]] = {}
        # first glob id -> [(code, kind, rule, glob ids)] for phrases
        self.phrases: dict[int, list[tuple[str, str, str, tuple[int, ...]]]] = {}
        for code in book.codes.values():
            for kind, patterns in (("p", code.patterns), ("x", code.exclude_patterns)):
                for pattern in patterns:
                    ids = tuple(globs.setdefault(w, len(globs)) for w in pattern.words)
                    if len(ids) == 1:
                        self.single.setdefault(ids[0], []).append((code.id, kind, pattern.text))
                    else:
                        self.phrases.setdefault(ids[0], []).append((code.id, kind, pattern.text, ids))
        self.negation_words = frozenset(book.negation_words)
        self.lack_words = frozenset(book.lack_words)
        self.lower_buckets: dict[str, list[tuple[int, re.Pattern]]] = {}
        self.exact_buckets: dict[str, list[tuple[int, re.Pattern]]] = {}
        for glob, i in globs.items():
            exact = glob != glob.lower()
            buckets = self.exact_buckets if exact else self.lower_buckets
            buckets.setdefault(_literal_prefix(glob), []).append((i, _rx(glob)))

    def _candidates(self, buckets, word: str):
        for key in dict.fromkeys(("", word[:1], word[:2])):
            yield from buckets.get(key, ())

    def globs_of(self, word) -> frozenset[int]:
        """Ids of the globs a word matches (cached on the word)."""
        if word.globs is None:
            if word.punct:
                word.globs = frozenset()
            else:
                found = {i for i, rx in self._candidates(self.lower_buckets, word.lower) if rx.match(word.lower)}
                if word.lemma != word.lower:
                    found |= {i for i, rx in self._candidates(self.lower_buckets, word.lemma) if rx.match(word.lemma)}
                found |= {i for i, rx in self._candidates(self.exact_buckets, word.form) if rx.match(word.form)}
                word.globs = frozenset(found)
        return word.globs

    def hits_of(self, word) -> tuple:
        """The one-word patterns a word matches and the phrases it may start,
        in glob order (cached on the word; empty for most words)."""
        if word.hits is None:
            globs = sorted(self.globs_of(word))
            singles = tuple(hit for g in globs for hit in self.single.get(g, ()))
            phrases = tuple(hit for g in globs for hit in self.phrases.get(g, ()))
            word.hits = (singles, phrases) if singles or phrases else ()
        return word.hits


class _Statement:
    """One parsed statement: its normalised text, its words and their
    character offsets; which sentences ask a question is worked out only
    when a statement has a "?"."""

    __slots__ = ("text", "words", "starts", "lowers", "_asks")

    def __init__(self, text, doc, words):
        from spacy.attrs import IDX

        self.text = text  # the string the Doc was made from (doc.text would rebuild it token by token)
        self.words = words
        self.lowers = [w.lower for w in words]
        self.starts = doc.to_array(IDX).tolist()
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
        lemma = self.words[start].lemma if end - start == 1 else " ".join(w.lemma for w in self.words[start:end])
        return self.text[a:b], lemma, a, b


def _is_negation(st: _Statement, i: int, book: Codebook) -> bool:
    if st.lowers[i] not in book.negation_words:
        return False
    return not any(tuple(st.lowers[i : i + len(x)]) == x for x in book.negation_exceptions)


def _negator(st: _Statement, start: int, end: int, book: Codebook) -> str | None:
    """The negating word before (within the window, same clause) or right
    after a match, or None."""
    if not book.negation_words:
        return None
    i = start - 1
    while i >= 0 and start - i <= book.negation_window:
        if st.words[i].form in _SENTENCE_END or st.lowers[i] in book.negation_scope_breaks:
            break
        if _is_negation(st, i, book):
            return st.words[i].form
        i -= 1
    for j in range(end, min(len(st.words), end + book.negation_after)):
        if st.words[j].form in _SENTENCE_END:
            break
        if _is_negation(st, j, book):
            return st.words[j].form
    return None


def _contrast_follows(st: _Statement, end: int) -> bool:
    """ "ikke X, men Y": a "men" later in the same sentence."""
    for word in st.words[end:]:
        if word.form in (".", "!", "?"):
            return False
        if word.lower in ("men", "mens"):
            return True
    return False


def _in_question(st: _Statement, end: int) -> bool:
    """Whether the sentence continuing at token ``end`` ends with "?"."""
    return st.asks(end)


def _evidence(code_id, method, rule, span=None, kept=True, note="") -> dict:
    matched, lemma, start, end = span if span is not None else ("", "", -1, -1)
    return {
        "code": code_id,
        "method": method,
        "rule": rule,
        "matched": matched,
        "lemma": lemma,
        "start": start,
        "end": end,
        "kept": kept,
        "note": note,
    }


def _matches(st: _Statement, lexicon: _Lexicon):
    """(code, kind, start, end, rule) for every pattern match."""
    words = st.words
    n = len(words)
    for i, word in enumerate(words):
        hits = word.hits if word.hits is not None else lexicon.hits_of(word)
        if not hits:
            continue
        singles, phrases = hits
        for code_id, kind, rule in singles:
            yield code_id, kind, i, i + 1, rule
        for code_id, kind, rule, ids in phrases:
            if i + len(ids) <= n and all(ids[k] in lexicon.globs_of(words[i + k]) for k in range(1, len(ids))):
                yield code_id, kind, i, i + len(ids), rule


def _lexical(st: _Statement, lexicon: _Lexicon, book: Codebook) -> list[dict]:
    """Evidence from patterns: kept matches and the ones set aside (and why)."""
    found: dict[tuple[str, int, int], list[str]] = {}
    excluded: dict[str, list[tuple[int, int, str]]] = {}
    for code_id, kind, start, end, rule in _matches(st, lexicon):
        if kind == "x":
            excluded.setdefault(code_id, []).append((start, end, rule))
        else:
            found.setdefault((code_id, start, end), []).append(rule)
    out = []
    # most statements hold no negation at all: then no match needs the window search
    negations = not lexicon.negation_words.isdisjoint(st.lowers)
    for (code_id, start, end), rules in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        span = st.span(start, end)
        rule = rules[0] if len(rules) == 1 else ", ".join(sorted(set(rules)))
        blocked = None
        if code_id in excluded:
            blocked = min((r for s, e, r in excluded[code_id] if s < end and start < e), default=None)
        if blocked:
            out.append(_evidence(code_id, "pattern", rule, span, kept=False, note=f"inside exclusion '{blocked}'"))
            continue
        note = "in a question" if _in_question(st, end) else ""
        negator = _negator(st, start, end, book) if negations else None
        if negator is None:
            out.append(_evidence(code_id, "pattern", rule, span, note=note))
            continue
        if _contrast_follows(st, end):
            out.append(_evidence(code_id, "pattern", rule, span, note=f"'{negator} ..., men ...' is a contrast, kept"))
            continue
        policy = book.codes[code_id].when_negated
        keep = "keep" in policy
        out.append(
            _evidence(code_id, "pattern", rule, span, kept=keep, note=f"negated by '{negator}'" + (", kept" if keep else ""))
        )
        for target in policy:
            if target not in ("drop", "keep"):
                out.append(_evidence(target, "negated", f"{code_id}: {rule}", span, note=f"'{negator}' + '{span[0]}'"))
    if book.lack_code and not lexicon.lack_words.isdisjoint(st.lowers):
        # sub-code words are topics ("tid", "informasjon"), not claims a negation can reverse
        claims = [
            (e["start"], e["end"])
            for e in out
            if e["method"] == "pattern" and (book.codes[e["code"]].parent is None or book.codes[e["code"]].standalone)
        ]
        out.extend(_lack(st, book, claims))
    return out


def _sentence_of(st: _Statement, i: int) -> list[str]:
    """The lowercase words of the sentence token ``i`` stands in."""
    start = i
    while start > 0 and st.words[start - 1].form not in _SENTENCE_END:
        start -= 1
    end = i
    while end < len(st.words) and st.words[end].form not in _SENTENCE_END:
        end += 1
    return st.lowers[start:end]


def _lack(st: _Statement, book: Codebook, claims: list[tuple[int, int]]) -> list[dict]:
    """Evidence from a negated declarative sentence whose negation does not
    negate a code's own match ("snakker ikke sammen")."""
    out = []
    for i, lower in enumerate(st.lowers):
        if lower not in book.lack_words:
            continue
        if any(tuple(st.lowers[i : i + len(x)]) == x for x in book.negation_exceptions):
            continue
        if _in_question(st, i + 1):
            continue
        if book.lack_unless and not book.lack_unless.isdisjoint(_sentence_of(st, i)):
            continue  # "det er ikke nok at ...; de må også ...": a proposal, not a lack
        # does this negation reach a claim of the codebook (then that match's own policy applies)?
        reach = []
        for j in range(i + 1, min(len(st.words), i + 1 + book.negation_window)):
            if st.words[j].form in _SENTENCE_END or st.lowers[j] in book.negation_scope_breaks:
                break
            reach.append(j)
        reach.extend(range(max(0, i - book.negation_after), i))
        if any(s <= st.starts[j] < e for j in reach for s, e in claims):
            continue
        span = st.span(max(0, i - 2), min(len(st.words), i + 3))
        out.append(_evidence(book.lack_code, "negation", st.words[i].form, span, note="a negated statement describes a lack"))
    return out


def _glob_match(globs: list[str], text: str) -> str | None:
    text = " ".join(str(text).lower().split())
    if not text:
        return None
    return next((g for g in globs if _rx(g).match(text)), None)


def _structural(row: dict, book: Codebook) -> list[dict]:
    out = []
    section = row.get("section") or ""
    if book.use_sections and section:
        for code in book.codes.values():
            rule = _glob_match(code.sections, section)
            if rule:
                out.append(_evidence(code.id, "section", rule, note=f'section "{section}"'))
    if not out and book.use_questions and row.get("question_text"):
        question = row["question_text"]
        for code in book.codes.values():
            rule = _glob_match(code.questions, question)
            if rule:
                out.append(_evidence(code.id, "question", rule, note=f'question "{question}"'))
    return out


def _assign(evidence: list[dict], book: Codebook, order: dict[str, int]) -> tuple[list[str], list[dict]]:
    """Which codes the evidence assigns, in codebook order (``order``: code
    id -> position); sub-code matches whose theme is not assigned are set
    aside with a note."""
    # codebook order: the evidence list is reproducible, and parents come before their children
    direct = sorted({e["code"] for e in evidence if e["kept"]}, key=order.__getitem__)
    assigned: set[str] = set()
    for code_id in direct:
        code = book.codes[code_id]
        if code.parent is None or code.standalone:
            assigned.add(code_id)
        if code.standalone:
            # a standalone sub-code is evidence for its theme, whether or not the theme has other evidence
            for ancestor in book.ancestors(code_id):
                assigned.add(ancestor)
                evidence.append(_evidence(ancestor, "sub-code", code_id, note=f"standalone sub-code '{code_id}'"))
    for code_id in direct:
        parent = book.codes[code_id].parent
        if parent is not None and parent in assigned:
            assigned.add(code_id)
    for e in evidence:
        if e["kept"] and e["code"] not in assigned:
            e["kept"] = False
            e["note"] = (e["note"] + "; " if e["note"] else "") + f"theme '{book.codes[e['code']].parent}' not coded"
    return sorted(assigned, key=order.__getitem__), evidence


def _why(evidence: list[dict]) -> str:
    parts = []
    for e in evidence:
        if not e["kept"]:
            continue
        if e["method"] == "pattern":
            parts.append(f"{e['code']}: '{e['matched']}' ~ {e['rule']}" + (f" ({e['note']})" if e["note"] else ""))
        elif e["method"] in ("section", "question"):
            parts.append(f"{e['code']}: {e['note']} ~ {e['rule']}")
        else:
            parts.append(f"{e['code']}: {e['method']} {e['rule']} {e['note']}".strip())
    return "; ".join(parts)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while coding builds its many small,
    acyclic objects (evidence dicts, word lists): each collection would scan
    all of them again (measured: a fifth of the coding time on 20,000
    statements).  Reference counting still frees everything; the collector is
    restored as it was, also on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def code(data, codebook=None, *, context: bool = True, nlp=None, batch_size: int = 256, progress: bool = False) -> pd.DataFrame:
    """Code statements with a codebook, saying why for every code.

    Parameters
    ----------
    data : pandas.DataFrame or list of str
        Statements from :func:`read_workshop` (or any frame with a ``text``
        column), or plain texts.
    codebook : str, Path or Codebook, optional
        The codebook; the bundled default when omitted.
    context : bool, default True
        Use the section heading and question (structural coding) where the
        frame has ``section`` / ``question_text`` columns.  ``False`` codes
        the text alone.
    nlp : spacy.language.Language, optional
        The pipeline; :func:`get_pipeline` by default.
    batch_size : int
        Texts per ``nlp.pipe`` batch.
    progress : bool
        Show a progress bar (tqdm) on long work.

    Returns
    -------
    pandas.DataFrame
        A new frame: the input columns, the normalisation columns of
        :func:`normalise`, one boolean column per theme (``barriers``,
        ``opportunities``, ``user_participation`` for the default codebook),
        ``codes`` (list of assigned code ids, sub-codes included), ``why``
        (readable evidence) and ``evidence`` (list of dicts: code, method,
        rule, matched, lemma, start, end, kept, note).  ``attrs`` records the
        pipeline and codebook used.

    Examples
    --------
    >>> coded = code(["Finansieringen er en hindring.", "Brukermedvirkningen bør styrkes."])
    >>> coded[["barriers", "opportunities", "user_participation"]].values.tolist()
    [[True, False, False], [False, True, True]]
    >>> coded.loc[0, "codes"]
    ['barriers', 'funding_resources']
    >>> coded.loc[0, "why"]
    "funding_resources: 'Finansieringen' ~ finansier*; barriers: 'hindring' ~ hindr*"
    """
    frame = _as_frame(data)
    return _Coder(codebook, nlp)(frame, context=context, batch_size=batch_size, progress=progress)


class _Coder:
    """A codebook and a pipeline ready to code.  Word forms, the patterns
    they match, the codings of each section and question and the pipeline's
    description are worked out once and reused for every frame coded with
    it: :func:`utenforskap.analyse.code_files` codes many files with one."""

    def __init__(self, codebook=None, nlp=None):
        self.book = load_codebook(codebook)
        self.nlp = nlp or get_pipeline()
        self.words = _Words(self.nlp)
        self.lexicon = _Lexicon(self.book)
        self.order = {c: i for i, c in enumerate(self.book.codes)}
        self.structure: dict[tuple, list[dict]] = {}
        self.pipeline = describe_pipeline(self.nlp)

    def __call__(self, data, *, context: bool = True, batch_size: int = 256, progress: bool = False) -> pd.DataFrame:
        """Code a statements frame (or texts); see :func:`code`."""
        frame = _as_frame(data)
        book, words = self.book, self.words
        normalised = [_normalise(t) for t in frame["text"].astype(str)]
        if context:
            present = [c for c in ("section", "question_text") if c in frame.columns]
            rows = frame[present].to_dict("records") if present else [{}] * len(frame)
        else:
            rows = [{}] * len(frame)
        texts = [n for n, _ in normalised]
        docs = words.pipe(texts, batch_size=batch_size)
        if progress:
            from ._progress import progress_bar

            docs = progress_bar(docs, total=len(frame), desc="koder utsagn", unit="utsagn")
        features, codes, whys, evidences = [], [], [], []
        with _gc_paused():
            for text, doc, row in zip(texts, docs, rows):
                statement = _Statement(text, doc, words.words(doc))
                features.append(_features(statement.words))
                key = (row.get("section"), row.get("question_text"))
                if key not in self.structure:
                    self.structure[key] = _structural(row, book)
                evidence = _lexical(statement, self.lexicon, book) + [dict(e) for e in self.structure[key]]
                assigned, evidence = _assign(evidence, book, self.order)
                codes.append(assigned)
                whys.append(_why(evidence))
                evidences.append(evidence)
        out = _with_columns(frame, normalised, features)
        for theme in book.themes:
            out[theme] = [theme in c for c in codes]
        out["codes"] = codes
        out["why"] = whys
        out["evidence"] = evidences
        out.attrs = {
            **frame.attrs,
            "pipeline": self.pipeline,
            "codebook": book,
            "codebook_source": book.source,
            "context": context,
            "themes": book.themes,
        }
        return out


def coding_table(coded: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Long format: one row per statement x assigned code, with evidence.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`code`.
    codebook : optional
        The codebook used (for labels and themes); the default when omitted.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, context columns where present (``workshop``,
        ``group``, ``question``, ``section``), ``code``, ``label``, ``theme``,
        ``level``, ``method`` (pattern / section / question / negated /
        sub-code, joined), ``evidence`` (the matched words and rules) and
        ``text``.

    Examples
    --------
    >>> long = coding_table(code(["Finansieringen er en hindring."]))
    >>> long[["code", "method", "evidence"]].values.tolist()[0]
    ['barriers', 'pattern', "'hindring' ~ hindr*"]
    """
    book = codebook_of(coded, codebook)
    keep = [c for c in ("workshop", "group", "question", "section") if c in coded.columns]
    rows = []
    for record in coded.to_dict("records"):
        for code_id in record["codes"]:
            kept = [e for e in record["evidence"] if e["kept"] and e["code"] == code_id]
            rows.append(
                {
                    "segment_id": record["segment_id"],
                    **{k: record[k] for k in keep},
                    "code": code_id,
                    "label": book.label(code_id) if code_id in book.codes else code_id,
                    "theme": book.theme_of(code_id) if code_id in book.codes else "",
                    "level": book.codes[code_id].level if code_id in book.codes else 0,
                    "method": ", ".join(dict.fromkeys(e["method"] for e in kept)),
                    "evidence": "; ".join(
                        (f"'{e['matched']}' ~ {e['rule']}" if e["matched"] else f"{e['note']} ~ {e['rule']}")
                        for e in kept
                    ),
                    "text": record["text"],
                }
            )
    columns = ["segment_id", *keep, "code", "label", "theme", "level", "method", "evidence", "text"]
    return pd.DataFrame(rows, columns=columns)


def code_matrix(data: pd.DataFrame, codes=None) -> pd.DataFrame:
    """0/1 indicator frame (index ``segment_id``, one column per code) from a
    coded frame: from its columns for the named codes where it has them all,
    else from a ``codes`` column of lists or ``;``-separated ids.

    Examples
    --------
    >>> df = pd.DataFrame({"segment_id": ["a", "b"], "codes": [["barriers"], "opportunities; barriers"]})
    >>> code_matrix(df, ["barriers", "opportunities"]).values.tolist()
    [[1, 0], [1, 1]]
    """
    if "segment_id" not in data.columns:
        raise UtenforskapError("the coding has no 'segment_id' column to align statements on")
    if data["segment_id"].duplicated().any():
        dup = data.loc[data["segment_id"].duplicated(), "segment_id"].iloc[0]
        raise UtenforskapError(f"segment_id {dup!r} appears more than once in the coding")
    index = pd.Index(data["segment_id"], name="segment_id")
    if codes is not None:
        codes = list(codes)
    if codes is not None and all(c in data.columns for c in codes):
        return pd.DataFrame(data[codes].astype(bool).astype(int).values, index=index, columns=codes)
    if "codes" in data.columns:
        lists = [
            [c.strip() for c in v.split(";") if c.strip()] if isinstance(v, str) else list(v) if isinstance(v, (list, tuple, np.ndarray)) else []
            for v in data["codes"]
        ]
        codes = codes or sorted({c for lst in lists for c in lst})
        values = [[int(c in set(lst)) for c in codes] for lst in lists]
        return pd.DataFrame(values, index=index, columns=codes)
    if codes is None:
        raise UtenforskapError("name the codes to compare: the coding has no 'codes' column")
    missing = [c for c in codes if c not in data.columns]
    raise UtenforskapError(f"the coding has neither a 'codes' column nor columns for the codes {missing}")


def agreement(auto: pd.DataFrame, manual: pd.DataFrame, codes=None) -> pd.DataFrame:
    """Per-code agreement between two codings (e.g. this coder and a human).

    Parameters
    ----------
    auto, manual : pandas.DataFrame
        Codings with ``segment_id`` and either boolean columns per code or a
        ``codes`` column (lists or ``;``-separated ids).  Only statements in
        both are compared.
    codes : list of str, optional
        The codes to compare; by default the themes of the default codebook
        when both have them as columns, else every code seen in either.

    Returns
    -------
    pandas.DataFrame
        Index ``code``; columns ``n``, ``auto``, ``manual`` (positives),
        ``agree`` (share of equal decisions), ``kappa`` (Cohen's), and
        ``precision``, ``recall``, ``f1`` (of the positive class, manual as
        truth) and ``macro_f1`` (mean F1 of both classes).  Kappa is NaN where
        it is undefined (one coder used a single value and the other agreed).

    Examples
    --------
    >>> a = pd.DataFrame({"segment_id": list("abcd"), "barriers": [1, 1, 0, 0]})
    >>> m = pd.DataFrame({"segment_id": list("abcd"), "barriers": [1, 0, 0, 0]})
    >>> agreement(a, m, ["barriers"]).loc["barriers", ["kappa", "precision", "recall"]].tolist()
    [0.5, 0.5, 1.0]
    """
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

    if codes is None:
        carried = auto.attrs.get("codebook")
        themes = (carried if isinstance(carried, Codebook) else load_codebook()).themes
        both_have = all(t in auto.columns and t in manual.columns for t in themes)
        codes = themes if both_have else None
    a = code_matrix(auto, codes)
    m = code_matrix(manual, codes)
    if codes is None:
        codes = sorted(set(a.columns) | set(m.columns))
        a, m = a.reindex(columns=codes, fill_value=0), m.reindex(columns=codes, fill_value=0)
    common = a.index.intersection(m.index)
    if common.empty:
        raise UtenforskapError("the two codings share no segment_id")
    a, m = a.loc[common], m.loc[common]
    rows = []
    for c in codes:
        y_true, y_pred = m[c].to_numpy(), a[c].to_numpy()
        undefined = len(set(y_true) | set(y_pred)) < 2
        rows.append(
            {
                "code": c,
                "n": len(common),
                "auto": int(y_pred.sum()),
                "manual": int(y_true.sum()),
                "agree": float((y_true == y_pred).mean()),
                "kappa": float("nan") if undefined else float(cohen_kappa_score(y_true, y_pred)),
                "precision": float(precision_score(y_true, y_pred, zero_division=0)),
                "recall": float(recall_score(y_true, y_pred, zero_division=0)),
                "f1": float(f1_score(y_true, y_pred, zero_division=0)),
                "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=[0, 1], zero_division=0)),
            }
        )
    return pd.DataFrame(rows).set_index("code")
