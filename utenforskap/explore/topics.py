"""Inductive exploration: topics and keyness (what the codebook does not name).

* :func:`topics`: non-negative matrix factorisation (scikit-learn's NMF) of
  TF-IDF on content lemmas; each topic with its top words and the statements
  that carry it most.  Deterministic for a given ``random_state``.
* :func:`keyness`: words characteristic of a group (or question) compared
  with the rest, by log-likelihood (G², Dunning 1993) with the log ratio as
  effect size, as in corpus linguistics (quanteda's ``textstat_keyness``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import UtenforskapError
from ..text import as_statements, normalise, synthetic_ids

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["topics", "keyness"]


def _lemmas(statements) -> pd.DataFrame:

    if isinstance(statements, pd.DataFrame) and "content_lemmas" in statements.columns:  # normalised already
        frame = statements
        if "segment_id" not in frame.columns:
            frame = frame.assign(segment_id=synthetic_ids(len(frame)))
    else:
        frame = normalise(as_statements(statements))
    return frame.reset_index(drop=True)


def topics(
    statements: pd.DataFrame | Sequence[str] | str,
    n_topics: int = 5,
    n_words: int = 8,
    n_examples: int = 3,
    random_state: int = 0,
    min_df: int = 1,
):
    """Topics in the statements (NMF on TF-IDF of content lemmas).

    Parameters
    ----------
    statements : pandas.DataFrame or list of str
        Statements (``content_lemmas`` are computed when missing).
    n_topics, n_words, n_examples : int
        Topics, top words per topic, example statements per topic.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``words``: one row per topic x word (``topic``, ``rank``, ``word``,
        ``weight``); ``examples``: one row per topic x example (``topic``,
        ``segment_id``, ``text``, ``weight``).  The frame of document-topic
        weights is in ``words.attrs["document_topics"]``.

    Examples
    --------
    >>> import utenforskap as u
    >>> words, examples = topics(u.read_workshop("data/raw"), n_topics=3, random_state=1)
    >>> sorted(words["topic"].unique().tolist())
    [1, 2, 3]
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    frame = _lemmas(statements)
    docs = frame["content_lemmas"].fillna("").astype(str)
    if (docs.str.len() > 0).sum() < n_topics:
        raise UtenforskapError(f"{n_topics} topics need at least {n_topics} statements with content words")
    vectorizer = TfidfVectorizer(min_df=min_df, token_pattern=r"(?u)\b\w[\w-]+\b", sublinear_tf=True)
    X = vectorizer.fit_transform(docs)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=random_state, max_iter=1000)
    weights = model.fit_transform(X)
    vocabulary = vectorizer.get_feature_names_out()
    word_rows, example_rows = [], []
    for k, component in enumerate(model.components_, start=1):
        for rank, j in enumerate(np.argsort(component)[::-1][:n_words], start=1):
            word_rows.append({"topic": k, "rank": rank, "word": vocabulary[j], "weight": float(component[j])})
        for i in np.argsort(weights[:, k - 1])[::-1][:n_examples]:
            if weights[i, k - 1] > 0:
                example_rows.append(
                    {
                        "topic": k,
                        "segment_id": frame.at[i, "segment_id"],
                        "text": frame.at[i, "text"] if "text" in frame.columns else "",
                        "weight": float(weights[i, k - 1]),
                    }
                )
    words = pd.DataFrame(word_rows)
    words.attrs["document_topics"] = pd.DataFrame(
        weights, columns=[f"topic_{k}" for k in range(1, n_topics + 1)], index=frame["segment_id"]
    )
    return words, pd.DataFrame(example_rows)


def keyness(
    statements: pd.DataFrame | Sequence[str] | str, by: str = "group", target: Any = None, min_count: int = 2, n: int = 10
) -> pd.DataFrame:
    """Words characteristic of a group (or question) against all the others.

    Parameters
    ----------
    by : str
        The column to compare by (``group``, ``question``, ``workshop``...).
    target : optional
        One value of ``by``; by default every value in turn.
    min_count : int
        Ignore words used fewer times in the target.
    n : int
        Words per target (the highest G² among words over-used in the target).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``word``, ``n_target``, ``n_rest`` (counts of the lemma),
        ``g2`` (log-likelihood), ``log_ratio`` (binary log of the relative
        frequency ratio, with 0.5 added to zero counts), sorted by ``g2``.

    Examples
    --------
    >>> import utenforskap as u
    >>> k = keyness(u.read_workshop("data/raw"), "question", target=3, min_count=2)
    >>> k.loc[:2, ["word", "n_target", "n_rest"]].values.tolist()
    [['endre', 2, 0], ['organisering', 2, 0], ['mangle', 2, 0]]
    """
    from sklearn.feature_extraction.text import CountVectorizer

    frame = _lemmas(statements)
    if by not in frame.columns:
        raise UtenforskapError(f"no column {by!r} to compare by; columns: {list(frame.columns)}")
    vectorizer = CountVectorizer(token_pattern=r"(?u)\b\w[\w-]+\b")
    X = vectorizer.fit_transform(frame["content_lemmas"].fillna("").astype(str))
    vocabulary = vectorizer.get_feature_names_out()
    values = [target] if target is not None else list(dict.fromkeys(frame[by]))
    rows = []
    for value in values:
        mask = (frame[by] == value).to_numpy()
        if not mask.any():
            raise UtenforskapError(f"no statements with {by} = {value!r}")
        a = np.asarray(X[mask].sum(axis=0)).ravel().astype(float)
        b = np.asarray(X[~mask].sum(axis=0)).ravel().astype(float)
        total_a, total_b = a.sum(), b.sum()
        if total_b == 0:
            continue
        expected_a = total_a * (a + b) / (total_a + total_b)
        expected_b = total_b * (a + b) / (total_a + total_b)
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = 2 * (np.where(a > 0, a * np.log(a / expected_a), 0) + np.where(b > 0, b * np.log(b / expected_b), 0))
            log_ratio = np.log2(((np.where(a > 0, a, 0.5)) / total_a) / ((np.where(b > 0, b, 0.5)) / total_b))
        keep = (a >= min_count) & (a > expected_a)
        order = np.argsort(-g2 * keep)[: int(keep.sum())][:n]
        rows.extend(
            {
                "target": value,
                "word": vocabulary[j],
                "n_target": int(a[j]),
                "n_rest": int(b[j]),
                "g2": float(g2[j]),
                "log_ratio": float(log_ratio[j]),
            }
            for j in order
        )
    return pd.DataFrame(rows, columns=["target", "word", "n_target", "n_rest", "g2", "log_ratio"])
