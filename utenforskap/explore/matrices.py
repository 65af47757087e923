"""Coded matrices: pure functions from a coded frame to tables for reports.

* :func:`code_counts`: group x code or question x code, counts or shares of
  statements, with totals;
* :func:`cooccurrence`: how often two codes are given to the same statement,
  as counts or Jaccard similarity;
* :func:`framework_matrix`: the framework method's matrix (as in NVivo and
  MAXQDA): rows groups (or questions), columns codes, each cell the quotes
  that carry the code, with their segment ids.

With several workshops (a ``workshop`` column with more than one value) the
rows are (workshop, group) or (workshop, question).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import CodebookLike, code_matrix, codebook_of
from ..errors import UtenforskapError

if TYPE_CHECKING:
    from collections.abc import Sequence

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["several_workshops", "code_counts", "cooccurrence", "framework_matrix", "select_codes", "TOTAL"]

#: Label of the totals row and column.
TOTAL = "Totalt"
_BY = {"group": "group", "question": "question", "workshop": "workshop", "gruppe": "group", "spørsmål": "question"}


def select_codes(
    coded: pd.DataFrame, codes: str | Sequence[str] | None = None, *, codebook: CodebookLike | None = None
) -> list[str]:
    """The codes a matrix shows: ``codes`` as given; ``"themes"`` (default) for
    the top-level codes; ``"subcodes"`` for every sub-code; or a theme id for
    that theme's sub-codes.

    Examples
    --------
    >>> select_codes(pd.DataFrame(), "barriers")[:2]
    ['funding_resources', 'leadership_culture']
    """
    book = codebook_of(coded, codebook)
    if codes is None or codes == "themes":
        return list(book.themes)
    if codes == "subcodes":
        return [c for c in book.codes if book.codes[c].parent is not None]
    if isinstance(codes, str):
        if codes not in book.codes:
            raise UtenforskapError(f"unknown code {codes!r}; known: {', '.join(book.codes)}")
        return list(book.codes[codes].children) or [codes]
    return list(codes)


def _row_keys(coded: pd.DataFrame, by: str) -> list[str]:
    column = _BY.get(by)
    if column is None:
        raise UtenforskapError(f"by must be 'group', 'question' or 'workshop', got {by!r}")
    for needed in (column, "segment_id"):
        if needed not in coded.columns:
            raise UtenforskapError(f"the coded frame has no {needed!r} column")
    return ["workshop", column] if several_workshops(coded) and column != "workshop" else [column]


def several_workshops(coded: pd.DataFrame) -> bool:
    """Whether the frame holds more than one workshop."""
    return "workshop" in coded.columns and coded["workshop"].nunique() > 1


def _indicators(coded: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    return code_matrix(coded, codes).reset_index(drop=True)


def _sort_questions(table: pd.DataFrame) -> pd.DataFrame:
    """Questions in number order, within each workshop in the order the
    workshops first appear."""
    if table.index.nlevels == 1:
        return table.sort_index()
    workshops = list(dict.fromkeys(table.index.get_level_values(0)))
    order = sorted(range(len(table)), key=lambda i: (workshops.index(table.index[i][0]), table.index[i][1]))
    return table.iloc[order]


def _total_label(rows: pd.DataFrame) -> str:
    """``Totalt``, or ``Totalt (alle)`` ... when a group is called that: the
    totals row never shares a label with a row of data."""
    taken = {str(v) for column in rows.columns for v in rows[column].unique()}
    label = TOTAL
    while label in taken:
        label = f"{label} (alle)" if label == TOTAL else f"{label}*"
    return label


def code_counts(
    coded: pd.DataFrame,
    by: str = "group",
    codes: str | Sequence[str] | None = None,
    share: bool = False,
    totals: bool = True,
    *,
    codebook: CodebookLike | None = None,
) -> pd.DataFrame:
    """Statements per group (or question) and code.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    by : {"group", "question"}
        The rows.
    codes : None, "themes", "subcodes", a theme id, or a list of code ids
        The columns (see :func:`select_codes`); themes by default.
    share : bool
        Shares of the row's statements (0 to 1) instead of counts.
    totals : bool
        Add a ``Totalt`` row (``Totalt (alle)`` if a group is called
        ``Totalt``); the ``n`` column always gives the number of statements
        in the row.

    Returns
    -------
    pandas.DataFrame
        Index: the group (or question), with the workshop first when there
        are several; columns: ``n`` and one per code.

    Examples
    --------
    >>> coded = pd.DataFrame({"segment_id": list("abc"), "group": ["1", "1", "2"],
    ...     "barriers": [True, False, True], "opportunities": [True, True, False]})
    >>> code_counts(coded, codes=["barriers", "opportunities"])
            n  barriers  opportunities
    group
    1       2         1              2
    2       1         1              0
    Totalt  3         2              2
    """
    codes = select_codes(coded, codes, codebook=codebook)
    keys = _row_keys(coded, by)
    data = pd.concat([coded[keys].reset_index(drop=True), _indicators(coded, codes)], axis=1)
    grouped = data.groupby(keys, sort=False)
    table = grouped[codes].sum()
    table.insert(0, "n", grouped.size())
    if keys[-1] == "question":
        table = _sort_questions(table)
    if totals:
        label = _total_label(data[keys])
        total = pd.DataFrame([[len(data), *data[codes].sum().tolist()]], columns=table.columns)
        total.index = (
            pd.MultiIndex.from_tuples([(label,) * len(keys)], names=keys) if len(keys) > 1 else pd.Index([label], name=keys[0])
        )
        if len(keys) == 1:
            table.index = table.index.astype(object)
        table = pd.concat([table, total])
    if share:
        table[codes] = table[codes].div(table["n"].where(table["n"] > 0), axis=0)
    return table


def cooccurrence(
    coded: pd.DataFrame,
    codes: str | Sequence[str] | None = None,
    measure: str = "count",
    per_workshop: bool | None = None,
    *,
    codebook: CodebookLike | None = None,
) -> pd.DataFrame:
    """How often two codes are given to the same statement.

    Parameters
    ----------
    measure : {"count", "jaccard"}
        ``count``: statements with both codes (the diagonal: statements with
        the code). ``jaccard``: both / either (1 on the diagonal, NaN where
        neither code was used).
    per_workshop : bool, optional
        One block per workshop, the workshop as the first index level
        (default: when the frame holds several workshops).

    Examples
    --------
    >>> coded = pd.DataFrame({"segment_id": list("abc"),
    ...     "barriers": [True, True, False], "opportunities": [True, False, True]})
    >>> cooccurrence(coded, ["barriers", "opportunities"]).values.tolist()
    [[2, 1], [1, 2]]
    >>> cooccurrence(coded, ["barriers", "opportunities"], "jaccard").round(3).values.tolist()
    [[1.0, 0.333], [0.333, 1.0]]
    """
    codes = select_codes(coded, codes, codebook=codebook)
    if measure not in ("count", "jaccard"):
        raise UtenforskapError(f"measure must be 'count' or 'jaccard', got {measure!r}")
    if per_workshop or (per_workshop is None and several_workshops(coded)):
        blocks = {
            w: cooccurrence(part, codes, measure, per_workshop=False, codebook=codebook)
            for w, part in coded.groupby("workshop", sort=False)
        }
        return pd.concat(blocks, names=["workshop"])
    x = _indicators(coded, codes).to_numpy()
    both = x.T @ x
    if measure == "count":
        out = both
    elif measure == "jaccard":
        n = np.diag(both)
        either = n[:, None] + n[None, :] - both
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(either > 0, both / np.where(either > 0, either, 1), np.nan)
    else:
        raise UtenforskapError(f"measure must be 'count' or 'jaccard', got {measure!r}")
    return pd.DataFrame(out, index=pd.Index(codes, name="code"), columns=pd.Index(codes, name="code"))


def framework_matrix(
    coded: pd.DataFrame,
    by: str = "group",
    codes: str | Sequence[str] | None = None,
    sep: str = "\n",
    *,
    codebook: CodebookLike | None = None,
) -> pd.DataFrame:
    """The framework matrix: each cell the quotes (with segment ids) that carry
    the column's code in the row's group (or question).

    Returns
    -------
    pandas.DataFrame
        Rows as in :func:`code_counts` (without totals), columns the codes,
        cells ``"[segment_id] text"`` joined by ``sep`` (empty string when
        no statement has the code).

    Examples
    --------
    >>> coded = pd.DataFrame({"segment_id": ["g1-1", "g1-2"], "group": ["1", "1"],
    ...     "text": ["Lovverket", "Mer samarbeid"], "barriers": [True, False]})
    >>> framework_matrix(coded, codes=["barriers"]).loc["1", "barriers"]
    '[g1-1] Lovverket'
    """
    codes = select_codes(coded, codes, codebook=codebook)
    keys = _row_keys(coded, by)
    x = _indicators(coded, codes)
    base = coded[[*keys, "segment_id", "text"]].reset_index(drop=True)
    quotes = "[" + base["segment_id"].astype(str) + "] " + base["text"].astype(str)
    rows = base.groupby(keys, sort=False).size().index
    if keys[-1] == "question":
        rows = _sort_questions(pd.DataFrame(index=rows)).index
    table = pd.DataFrame("", index=rows, columns=codes)
    for c in codes:
        picked = base.loc[x[c] == 1, keys].assign(quote=quotes[x[c] == 1])
        joined = picked.groupby(keys, sort=False)["quote"].agg(sep.join)
        table.loc[joined.index, c] = joined
    return table
