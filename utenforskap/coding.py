"""Transparent theme coding with a codebook, and agreement with hand coding.

Coding has two sources of evidence, both recorded for every code:

* **lexical**: the codebook's patterns, matched with spaCy's ``Matcher`` on
  each token's lemma and lowercase form (so inflections and compounds match),
  minus matches inside an exclusion pattern, with negation ("ikke et
  problem") handled as the codebook says;
* **structural**: the sub-heading (``section``) or question a statement
  stands under, as a human coder reads it ("Hindringer:").  A section rule
  wins over a question rule.

A sub-code refines its theme: it is assigned when its words match and its
theme is assigned, unless the codebook marks it ``standalone``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codebook import Codebook, Pattern, glob_regex, load_codebook
from .errors import UtenforskapError
from .nlp import describe_pipeline, get_pipeline
from .normalise import _as_frame, _doc_features, _normalise

__all__ = ["code", "coding_table", "agreement", "code_matrix"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_SENTENCE_END = {".", "!", "?", ";", ":"}


@functools.lru_cache(maxsize=4096)
def _rx(glob: str) -> re.Pattern:
    return re.compile(glob_regex(glob))


def _word_matches(glob: str, form: str, lemma: str) -> bool:
    rx = _rx(glob)
    if glob != glob.lower():
        return bool(rx.match(form))
    return bool(rx.match(form.lower()) or (lemma and rx.match(lemma)))


def _union(globs: list[str]) -> str:
    return "^(?:" + "|".join(glob_regex(g)[1:-1] for g in globs) + ")$"


def _token_specs(words: tuple[str, ...], attr: str) -> list[dict]:
    specs = []
    for w in words:
        if w != w.lower():
            specs.append({"ORTH": {"REGEX": glob_regex(w)}})
        else:
            specs.append({attr: {"REGEX": glob_regex(w)}})
    return specs


@dataclass
class _Compiled:
    matcher: object
    singles: dict[str, list[Pattern]]  # code -> its one-word patterns


def _compile(nlp, book: Codebook) -> _Compiled:
    """One spaCy Matcher for every pattern of the codebook.

    One-word patterns of a code are joined into one regular expression (one
    Matcher entry per code and attribute, fast); which pattern matched is
    found again afterwards for the evidence.  Phrases get an entry each.
    """
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab, validate=True)
    singles: dict[str, list[Pattern]] = {}
    for code in book.codes.values():
        for kind, patterns in (("p", code.patterns), ("x", code.exclude_patterns)):
            one = [p for p in patterns if len(p.words) == 1]
            lower = [p.words[0] for p in one if not p.exact_case[0]]
            exact = [p.words[0] for p in one if p.exact_case[0]]
            entries = []
            if lower:
                entries += [[{"LOWER": {"REGEX": _union(lower)}}], [{"LEMMA": {"REGEX": _union(lower)}}]]
            if exact:
                entries.append([{"ORTH": {"REGEX": _union(exact)}}])
            if entries:
                matcher.add(f"{code.id}|{kind}|", entries)
            if kind == "p":
                singles[code.id] = one
            for i, p in enumerate(patterns):
                if len(p.words) > 1:
                    matcher.add(
                        f"{code.id}|{kind}|{i}",
                        [_token_specs(p.words, "LOWER"), _token_specs(p.words, "LEMMA")],
                    )
    return _Compiled(matcher=matcher, singles=singles)


def _negator(doc, start: int, end: int, book: Codebook) -> str | None:
    """The negating word before (within the window, same clause) or right
    after a match, or None."""
    words = set(book.negation_words)
    if not words:
        return None

    def is_negation(i: int) -> bool:
        token = doc[i]
        if token.lower_ not in words:
            return False
        for exception in book.negation_exceptions:
            if tuple(t.lower_ for t in doc[i : i + len(exception)]) == exception:
                return False
        return True

    i = start - 1
    while i >= 0 and start - i <= book.negation_window:
        if doc[i].text in _SENTENCE_END or doc[i].lower_ in book.negation_scope_breaks:
            break
        if is_negation(i):
            return doc[i].text
        i -= 1
    for j in range(end, min(len(doc), end + book.negation_after)):
        if doc[j].text in _SENTENCE_END:
            break
        if is_negation(j):
            return doc[j].text
    return None


def _contrast_follows(doc, end: int) -> bool:
    """ "ikke X, men Y": a "men" later in the same sentence."""
    for token in doc[end:]:
        if token.text in (".", "!", "?"):
            return False
        if token.lower_ in ("men", "mens"):
            return True
    return False


def _in_question(doc, end: int) -> bool:
    for token in doc[end:]:
        if token.text in ("?", ".", "!"):
            return token.text == "?"
    return doc[-1].text == "?" if len(doc) else False


def _evidence(code_id, method, rule, span=None, kept=True, note="") -> dict:
    return {
        "code": code_id,
        "method": method,
        "rule": rule,
        "matched": span.text if span is not None else "",
        "lemma": " ".join(t.lemma_ for t in span) if span is not None else "",
        "start": span.start_char if span is not None else -1,
        "end": span.end_char if span is not None else -1,
        "kept": kept,
        "note": note,
    }


def _lexical(doc, compiled: _Compiled, book: Codebook) -> list[dict]:
    """Evidence from patterns: kept matches and the ones set aside (and why)."""
    strings = doc.vocab.strings
    found: dict[tuple[str, int, int], set[str]] = {}
    excluded: dict[str, list[tuple[int, int, str]]] = {}
    for match_id, start, end in compiled.matcher(doc):
        code_id, kind, index = strings[match_id].split("|")
        code = book.codes[code_id]
        if index:
            rules = {(code.patterns if kind == "p" else code.exclude_patterns)[int(index)].text}
        else:
            token = doc[start]
            pool = compiled.singles[code_id] if kind == "p" else [p for p in code.exclude_patterns if len(p.words) == 1]
            rules = {p.text for p in pool if _word_matches(p.words[0], token.text, token.lemma_)}
        if kind == "x":
            excluded.setdefault(code_id, []).extend((start, end, r) for r in rules)
        else:
            found.setdefault((code_id, start, end), set()).update(rules)
    out = []
    for (code_id, start, end), rules in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        span = doc[start:end]
        rule = ", ".join(sorted(rules))
        blocked = next((r for s, e, r in excluded.get(code_id, []) if s < end and start < e), None)
        if blocked:
            out.append(_evidence(code_id, "pattern", rule, span, kept=False, note=f"inside exclusion '{blocked}'"))
            continue
        note = "in a question" if _in_question(doc, end) else ""
        negator = _negator(doc, start, end, book)
        if negator is None:
            out.append(_evidence(code_id, "pattern", rule, span, note=note))
            continue
        if _contrast_follows(doc, end):
            out.append(_evidence(code_id, "pattern", rule, span, note=f"'{negator} ..., men ...' is a contrast, kept"))
            continue
        policy = book.codes[code_id].when_negated
        keep = "keep" in policy
        out.append(
            _evidence(code_id, "pattern", rule, span, kept=keep, note=f"negated by '{negator}'" + (", kept" if keep else ""))
        )
        for target in policy:
            if target not in ("drop", "keep"):
                out.append(_evidence(target, "negated", f"{code_id}: {rule}", span, note=f"'{negator}' + '{span.text}'"))
    if book.lack_code:
        # sub-code words are topics ("tid", "informasjon"), not claims a negation can reverse
        claims = [
            (e["start"], e["end"])
            for e in out
            if e["method"] == "pattern" and (book.codes[e["code"]].parent is None or book.codes[e["code"]].standalone)
        ]
        out.extend(_lack(doc, book, claims))
    return out


def _lack(doc, book: Codebook, matched: list[tuple[int, int]]) -> list[dict]:
    """Evidence from a negated declarative sentence whose negation does not
    negate a code's own match ("snakker ikke sammen")."""
    out = []
    for token in doc:
        if token.lower_ not in book.lack_words:
            continue
        if any(tuple(t.lower_ for t in doc[token.i : token.i + len(x)]) == x for x in book.negation_exceptions):
            continue
        if _in_question(doc, token.i + 1):
            continue
        # does this negation reach a code match (then the match's own policy applies)?
        reach = []
        for j in range(token.i + 1, min(len(doc), token.i + 1 + book.negation_window)):
            if doc[j].text in _SENTENCE_END or doc[j].lower_ in book.negation_scope_breaks:
                break
            reach.append(doc[j])
        for j in range(max(0, token.i - book.negation_after), token.i):
            reach.append(doc[j])
        if any(s <= t.idx < e for t in reach for s, e in matched):
            continue
        span = doc[max(0, token.i - 2) : min(len(doc), token.i + 3)]
        out.append(_evidence(book.lack_code, "negation", token.text, span, note="a negated statement describes a lack"))
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


def _assign(evidence: list[dict], book: Codebook) -> tuple[list[str], list[dict]]:
    """Which codes the evidence assigns, in codebook order; sub-code matches
    whose theme is not assigned are set aside with a note."""
    direct = {e["code"] for e in evidence if e["kept"]}
    assigned: set[str] = set()
    for code_id in direct:
        if book.codes[code_id].parent is None or book.codes[code_id].standalone:
            assigned.add(code_id)
            for ancestor in book.ancestors(code_id):
                if ancestor not in assigned and book.codes[code_id].standalone:
                    assigned.add(ancestor)
                    evidence.append(_evidence(ancestor, "sub-code", code_id, note=f"standalone sub-code '{code_id}'"))
    for code in book.codes.values():  # parents come before their children
        if code.parent is not None and code.id in direct and code.parent in assigned:
            assigned.add(code.id)
    for e in evidence:
        if e["kept"] and e["code"] not in assigned:
            e["kept"] = False
            e["note"] = (e["note"] + "; " if e["note"] else "") + f"theme '{book.codes[e['code']].parent}' not coded"
    return [c for c in book.codes if c in assigned], evidence


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
    book = load_codebook(codebook)
    nlp = nlp or get_pipeline()
    compiled = _compile(nlp, book)
    normalised = [_normalise(t) for t in frame["text"].astype(str)]
    rows = frame.to_dict("records") if context else [{} for _ in range(len(frame))]
    docs = nlp.pipe((n for n, _ in normalised), batch_size=batch_size)
    if progress:
        from tqdm.auto import tqdm

        docs = tqdm(docs, total=len(frame), desc="koder utsagn", unit="utsagn")
    features, codes, whys, evidences = [], [], [], []
    for doc, row in zip(docs, rows):
        features.append(_doc_features(doc))
        evidence = _lexical(doc, compiled, book) + _structural(row, book)
        assigned, evidence = _assign(evidence, book)
        codes.append(assigned)
        whys.append(_why(evidence))
        evidences.append(evidence)
    out = frame.copy()
    out["text_norm"] = [n for n, _ in normalised]
    out["abbreviations"] = ["; ".join(found) for _, found in normalised]
    for key in ("lemmas", "content_lemmas", "n_tokens"):
        out[key] = [f[key] for f in features]
    for theme in book.themes:
        out[theme] = [theme in c for c in codes]
    out["codes"] = codes
    out["why"] = whys
    out["evidence"] = evidences
    out.attrs = {
        **frame.attrs,
        "pipeline": describe_pipeline(nlp),
        "codebook": f"{book.name} {book.version}".strip(),
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
    book = load_codebook(codebook)
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
        themes = load_codebook().themes
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
