"""A review queue: the least certain codings first.

Each theme's decision for a statement gets a confidence from the kind of
evidence behind it (a sub-heading, several words, one word, only the
question, a negation) and, where a :class:`~utenforskap.review.suggest.SuggestCoder`
is given, from its probability.  A statement is as uncertain as its least
certain theme; the queue puts the most uncertain first, with the evidence for
and against each code, so a researcher reviews where it matters and lets the
confident rest stand.  The queue is exported as a coding sheet that
:func:`utenforskap.read_manual_coding` reads back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import Codebook, CodebookLike, Evidence, agreement, codebook_of
from ..exchange import write_coding_sheet
from ..lang.nb import SHEET_TEXT, note_nb

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .suggest import SuggestCoder

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["evidence_in_words", "review_queue", "write_review_sheet", "review_simulation"]

# How sure a kind of evidence makes a code, and how sure its absence makes "not this code".
_WEIGHT = {"section": 0.9, "sub-code": 0.75, "pattern": 0.7, "negated": 0.7, "question": 0.65, "negation": 0.6}
_SEVERAL_WORDS = 0.85
_WEAK = 0.55  # coded on one weak word only
_ASIDE = 0.35  # not coded, but evidence was set aside (negated, excluded, theme missing)
_NOTHING = 0.1  # not coded, no evidence, while the statement has other codes
_UNCODED = 0.3  # the statement got no code at all: the likeliest place for a missed code


def is_weak(e: dict, book: Codebook | None) -> bool:
    """Whether an evidence record is a match of weak patterns only (see the
    codebook's ``weak_patterns``)."""
    if book is None or e["method"] != "pattern" or e["code"] not in book.codes:
        return False
    return book.codes[e["code"]].is_weak_rule(e["rule"])


def rule_probability(evidence: list[Evidence], code_id: str, *, codebook: Codebook | None = None) -> float:
    """How likely the rule coder's evidence makes a code (0 to 1), from the
    kind of evidence behind it or set aside.  With the codebook, a code
    that rests on a single weak word (its ``weak_patterns``: "må", "mer",
    "mulighet" ...) is a coin flip."""
    kept = [e for e in evidence if e["code"] == code_id and e["kept"]]
    if kept:
        best = max(_WEIGHT.get(e["method"], 0.6) for e in kept)
        words = {e["matched"].lower() for e in kept if e["method"] == "pattern"}
        if codebook is not None and code_id in codebook.codes and codebook.codes[code_id].rests_on_one_weak_word(kept):
            return _WEAK
        return max(best, _SEVERAL_WORDS if len(words) >= 2 else 0.0)
    if any(e["code"] == code_id and not e["kept"] for e in evidence):
        return _ASIDE
    return _NOTHING if any(e["kept"] for e in evidence) else _UNCODED


def _probability(coded: pd.DataFrame, theme: str, book) -> np.ndarray:
    """How likely each statement has ``theme``: the model of meaning's
    probability where it decided the theme (its unsure band moved to the
    rules' side), else the rule evidence's."""
    if f"prob_{theme}" in coded.columns and f"decided_{theme}" in coded.columns:
        from ..semantic import decision_probability

        sure = (coded[f"decided_{theme}"] == "model").to_numpy()
        return decision_probability(coded[f"prob_{theme}"].to_numpy(dtype=float), sure, coded[theme].to_numpy(dtype=bool))
    return np.array([rule_probability(ev, theme, codebook=book) for ev in coded["evidence"]])


def _describe(evidence: list[Evidence], code_id: str, book) -> tuple[str, str]:
    """The evidence for and against a code, in Norwegian words."""
    kept = [e for e in evidence if e["code"] == code_id and e["kept"]]
    aside = [e for e in evidence if e["code"] == code_id and not e["kept"]]

    def words(items):
        return ", ".join(
            (f"«{e['matched']}»" + (f" ({SHEET_TEXT['weak_word']})" if is_weak(e, book) else ""))
            if e["matched"]
            else note_nb(e["note"], book)
            for e in items
        )

    # a heading, a question or the model has no matched words: its note says it all
    against = [f"«{e['matched']}» ({note_nb(e['note'], book)})" if e["matched"] else note_nb(e["note"], book) for e in aside]
    return words(kept), "; ".join(against)


def evidence_in_words(evidence_lists: Iterable[list[Evidence]], themes: list[str], book: Codebook) -> tuple[list[str], list[str]]:
    """For each statement's evidence, the evidence for and against each theme
    in Norwegian words (``Hindringer: «hindring» | ...``), as the review
    sheets show it."""
    fors, againsts = [], []
    for evidence in evidence_lists:
        f, a = [], []
        for t in themes:
            yes, no = _describe(evidence, t, book)
            if yes:
                f.append(f"{book.label(t)}: {yes}")
            if no:
                a.append(f"{book.label(t)}: {no}")
        fors.append(" | ".join(f))
        againsts.append(" | ".join(a))
    return fors, againsts


def review_queue(coded: pd.DataFrame, coder: SuggestCoder | None = None, *, codebook: CodebookLike | None = None) -> pd.DataFrame:
    """Statements ordered by how uncertain their coding is, most uncertain first.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    coder : SuggestCoder, optional
        A fitted supervised coder; its probability is averaged with the
        rule-based confidence for the codes it knows.

    Returns
    -------
    pandas.DataFrame
        The rows of ``coded`` reordered, with ``confidence`` (0 to 1: how sure
        the least certain theme is), ``uncertain`` (that theme), per theme
        ``p_<theme>`` (the combined probability of the code), and
        ``evidence_for`` / ``evidence_against`` (in words, per theme).

    Examples
    --------
    >>> import utenforskap as u
    >>> queue = review_queue(u.code(["Lovverket er en stor hindring og et problem.", "Møtet var fint."], semantic=False))
    >>> queue["text"].tolist(), queue["confidence"].round(2).tolist()
    (['Møtet var fint.', 'Lovverket er en stor hindring og et problem.'], [0.4, 0.7])
    """
    book = codebook_of(coded, codebook)
    themes = [t for t in book.themes if t in coded.columns]
    probabilities = {t: _probability(coded, t, book) for t in themes}
    if coder is not None:
        suggested = coder.predict_proba(coded)
        for t in themes:
            if t in suggested.columns:
                probabilities[t] = (probabilities[t] + suggested[t].to_numpy()) / 2
    certainty = pd.DataFrame({t: np.abs(2 * probabilities[t] - 1) for t in themes}, index=coded.index)
    out = coded.copy()
    out["confidence"] = certainty.min(axis=1)
    out["uncertain"] = certainty.idxmin(axis=1)
    for t in themes:
        out[f"p_{t}"] = probabilities[t].round(3)
    out["evidence_for"], out["evidence_against"] = evidence_in_words(coded["evidence"], themes, book)
    if coder is not None:
        out["suggested"] = coder.suggest(coded)["suggested"].to_numpy()
    return out.sort_values("confidence", kind="stable").reset_index(drop=True)


def write_review_sheet(queue: pd.DataFrame, path: str | Path, *, codebook: CodebookLike | None = None) -> Path:
    """The queue as a review sheet (most uncertain first), with its
    confidence and evidence beside the codes and a column ``Lest`` where the
    researcher marks the rows read; record it with ``utenforskap review
    FOLDER --record SHEET`` (:meth:`utenforskap.ReviewSession.record_sheet`)
    or read it with :func:`utenforskap.read_manual_coding`."""
    book = codebook_of(queue, codebook)
    headers = SHEET_TEXT["review_headers"]
    extra = {
        headers["confidence"]: queue["confidence"].round(2).tolist(),
        headers["uncertain"]: [book.label(t) if t in book.codes else t for t in queue["uncertain"]],
        headers["evidence_for"]: queue["evidence_for"].tolist(),
        headers["evidence_against"]: queue["evidence_against"].tolist(),
    }
    if "suggested" in queue.columns:
        extra[headers["suggested"]] = ["; ".join(book.label(c) if c in book.codes else c for c in s) for s in queue["suggested"]]
    return write_coding_sheet(queue, path, extra=extra, review=True, codebook=codebook)


def review_simulation(
    queue: pd.DataFrame,
    gold: pd.DataFrame,
    shares: Sequence[float] = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0),
    codebook: CodebookLike | None = None,
) -> pd.DataFrame:
    """How agreement with a gold coding grows when only the most confident
    share is auto-coded and the rest is reviewed (taken from ``gold``).

    A static cut of the :func:`review_queue` (nothing is learnt); the
    learning review is replayed by :func:`utenforskap.simulate_review`.

    Returns
    -------
    pandas.DataFrame
        ``share_auto``, ``reviewed`` (statements), and per theme the kappa
        of the mixed coding against ``gold``.
    """
    book = codebook_of(queue, codebook)
    themes = [t for t in book.themes if t in queue.columns and t in gold.columns]
    gold = gold.set_index("segment_id")
    ordered = queue.sort_values("confidence", ascending=False, kind="stable")
    rows = []
    for share in shares:
        n_auto = int(round(share * len(ordered)))
        mixed = ordered[["segment_id", *themes]].copy().reset_index(drop=True)
        reviewed = mixed.index >= n_auto
        ids = mixed.loc[reviewed, "segment_id"]
        for t in themes:
            mixed.loc[reviewed, t] = gold.loc[ids, t].astype(bool).to_numpy()
        result = agreement(mixed, gold.reset_index(), themes)
        rows.append({"share_auto": share, "reviewed": int(reviewed.sum()), **result["kappa"].to_dict()})
    return pd.DataFrame(rows)
