"""Intercoder reliability: 0/1 indicator frames of codes, and per-code
agreement (Cohen's kappa, precision, recall, F1) between two codings, such as
this coder and a human."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import UtenforskapError
from .codebook import Codebook
from .loading import load_codebook

if TYPE_CHECKING:
    from collections.abc import Sequence

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["code_matrix", "agreement"]


def code_matrix(data: pd.DataFrame, codes: str | Sequence[str] | None = None) -> pd.DataFrame:
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
            [c.strip() for c in v.split(";") if c.strip()]
            if isinstance(v, str)
            else list(v)
            if isinstance(v, (list, tuple, np.ndarray))
            else []
            for v in data["codes"]
        ]
        codes = codes or sorted({c for lst in lists for c in lst})
        values = [[int(c in set(lst)) for c in codes] for lst in lists]
        return pd.DataFrame(values, index=index, columns=codes)
    if codes is None:
        raise UtenforskapError("name the codes to compare: the coding has no 'codes' column")
    missing = [c for c in codes if c not in data.columns]
    raise UtenforskapError(f"the coding has neither a 'codes' column nor columns for the codes {missing}")


def agreement(auto: pd.DataFrame, manual: pd.DataFrame, codes: str | Sequence[str] | None = None) -> pd.DataFrame:
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
