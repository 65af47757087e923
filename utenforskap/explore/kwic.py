"""Keyword in context (as quanteda's ``kwic``), with the codebook's pattern language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import Lexicon, matches, parse_pattern
from ..errors import UtenforskapError
from ..text import Statement, WordCache, as_statements, get_pipeline

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.language import Language

pd = lazy_module("pandas")

__all__ = ["kwic"]


def kwic(
    statements: pd.DataFrame | Sequence[str] | str, pattern: str, window: int = 5, nlp: Language | None = None
) -> pd.DataFrame:
    """Find a pattern in the statements and show it in its context.

    Parameters
    ----------
    statements : pandas.DataFrame or list of str
        Statements (``text``; ``segment_id``, ``group``, ``question`` are
        carried along where present).
    pattern : str
        As in the codebook: a lemma or word glob (``hindring*``), a phrase
        (``"på tvers"``), capitals for an exact form (``NAV``).  It matches
        lemmas too, so ``hindring*`` finds "hindringene".
    window : int
        Words of context on each side.

    Returns
    -------
    pandas.DataFrame
        One row per match: ``segment_id``, ``group``, ``question`` (where
        present), ``left``, ``match``, ``right`` (text as written, from the
        statement), ``start``, ``end`` (character offsets in ``text``).

    Examples
    --------
    >>> import utenforskap as u
    >>> hits = kwic(u.read_workshop("data/raw"), "hindring*", window=3)
    >>> hits.loc[0, ["left", "match", "right"]].tolist()
    ['kan være en', 'hindring', '.']
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise UtenforskapError("kwic needs a pattern, e.g. 'hindring*' or 'på tvers'")
    if window < 0:
        raise UtenforskapError(f"window must be 0 or more, got {window}")
    lexicon = Lexicon([("kwic", "p", parse_pattern(pattern, "<kwic>"))])
    frame = as_statements(statements, ids=False)
    words = WordCache(nlp or get_pipeline())
    texts = frame["text"].astype(str).tolist()
    carried = [c for c in ("segment_id", "group", "question") if c in frame.columns]
    rows = []
    for record, text, doc in zip(frame[carried].to_dict("records"), texts, words.pipe(texts)):
        st = Statement(text, doc, words.words(doc))
        for _, _, start, end, _ in matches(st, lexicon):
            left_start = st.starts[max(0, start - window)]
            right_end = st.end(min(len(st.words), end + window) - 1)
            rows.append(
                {
                    **record,
                    "left": text[left_start : st.starts[start]].strip(),
                    "match": text[st.starts[start] : st.end(end - 1)],
                    "right": text[st.end(end - 1) : right_end].strip(),
                    "start": st.starts[start],
                    "end": st.end(end - 1),
                }
            )
    return pd.DataFrame(rows, columns=[*carried, "left", "match", "right", "start", "end"])
