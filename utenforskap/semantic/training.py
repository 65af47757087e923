"""Fitting a :class:`~utenforskap.semantic.model.ThemeModel` from labelled embeddings.

Used by ``make model`` (the shipped parameters) and by the review session,
which refits with the researcher's own reviews.  Scikit-learn is imported
here only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .model import RULE_WEIGHT, ThemeModel

__all__ = ["fit_theme_model", "out_of_fold_scores", "C", "band_scores"]

C = 4.0  # inverse regularisation: chosen by cross-source cross-validation on the training corpus


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=5000)


def band_scores() -> tuple[float, float]:
    """The balanced scores between which the rules decide:
    ``(1 - w) * p + w * rule >= 0.5`` with ``w = RULE_WEIGHT``."""
    lo = (0.5 - RULE_WEIGHT) / (1 - RULE_WEIGHT)
    hi = 0.5 / (1 - RULE_WEIGHT)
    return float(np.log(lo / (1 - lo))), float(np.log(hi / (1 - hi)))


def _fit_scores(X, y, w, X_new) -> tuple[np.ndarray, np.ndarray, float]:
    if y.min() == y.max():  # one class only: a constant score on its side
        score = 4.0 if y[0] else -4.0
        return np.zeros(X.shape[1]), np.full(len(X_new), score), score
    clf = _classifier().fit(X, y, sample_weight=w)
    scores = clf.decision_function(X_new) if len(X_new) else np.zeros(0)
    return clf.coef_[0], scores, float(clf.intercept_[0])


def out_of_fold_scores(X: np.ndarray, Y: np.ndarray, groups: Sequence, weights: np.ndarray | None = None, folds: int = 5):
    """Balanced scores of every statement from a model that never saw its
    source (GroupKFold by ``groups``)."""
    from sklearn.model_selection import GroupKFold

    weights = np.ones(len(X)) if weights is None else np.asarray(weights, dtype=float)
    out = np.zeros(Y.shape, dtype=float)
    for train, test in GroupKFold(folds).split(X, groups=np.asarray(groups)):
        for j in range(Y.shape[1]):
            out[test, j] = _fit_scores(X[train], Y[train, j], weights[train], X[test])[1]
    return out


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return 1.0, 0.0
    fit = LogisticRegression(C=1e4, max_iter=5000).fit(scores.reshape(-1, 1), y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def fit_theme_model(
    X: np.ndarray,
    Y: np.ndarray,
    *,
    themes: Sequence[str],
    encoder_id: str,
    groups: Sequence | None = None,
    weights: np.ndarray | None = None,
    calibration_scores: np.ndarray | None = None,
    references: dict | None = None,
    info: dict | None = None,
) -> ThemeModel:
    """Fit one balanced logistic regression per theme and calibrate it.

    Parameters
    ----------
    X : ndarray (n x dim)
        Embeddings.
    Y : ndarray (n x themes), 0/1
    groups : sequence, optional
        Source of each statement: the Platt calibration is fitted on
        out-of-fold scores grouped by source (what a new source would get).
        Without groups (or with fewer than five), scores from a plain
        5-fold split are used.
    calibration_scores : ndarray, optional
        Precomputed out-of-fold scores (skips that step).
    references : dict, optional
        ``ids``, ``sources``, ``texts`` for the rows of ``X`` (explanations);
        default: the rows are not shown.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3)); Y = (X[:, :1] > 0).astype(int)
    >>> m = fit_theme_model(X, Y, themes=["t"], encoder_id="toy")
    >>> bool((m.predict_proba(X)[:, 0] > 0.5).mean() > 0.3)
    True
    """
    X = np.asarray(X, dtype=np.float32)
    Y = np.asarray(Y, dtype=int)
    weights = np.ones(len(X)) if weights is None else np.asarray(weights, dtype=float)
    if calibration_scores is None:
        if groups is None or len(set(groups)) < 5:
            groups = np.arange(len(X)) % 5
        calibration_scores = out_of_fold_scores(X, Y, groups, weights)
    coef = np.zeros((Y.shape[1], X.shape[1]))
    intercept = np.zeros(Y.shape[1])
    platt = np.zeros((Y.shape[1], 2))
    for j in range(Y.shape[1]):
        coef[j], _, intercept[j] = _fit_scores(X, Y[:, j], weights, X[:0])
        platt[j] = _platt(calibration_scores[:, j], Y[:, j])
    lo, hi = band_scores()
    lower = 1 / (1 + np.exp(-(platt[:, 0] * lo + platt[:, 1])))
    upper = 1 / (1 + np.exp(-(platt[:, 0] * hi + platt[:, 1])))
    references = references or {}
    n = len(X)
    return ThemeModel(
        encoder_id=encoder_id,
        themes=list(themes),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        platt=platt.astype(np.float32),
        lower=lower.astype(np.float32),
        upper=upper.astype(np.float32),
        ref_embeddings=X.astype(np.float16),
        ref_ids=list(references.get("ids", [str(i) for i in range(n)])),
        ref_sources=list(references.get("sources", [""] * n)),
        ref_texts=list(references.get("texts", [""] * n)),
        ref_labels=Y.astype(np.int8),
        info=dict(info or {}),
    )
