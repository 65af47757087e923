"""Learning from researchers' codes: a supervised coder (scikit-learn).

:class:`SuggestCoder` follows scikit-learn's estimator contract: parameters
are stored by ``__init__``, ``fit`` sets attributes ending in ``_``, and an
unfitted coder says so.  It is a ``Pipeline``: lemmatise (the package's spaCy
pipeline), TF-IDF of lemma words and bigrams plus character n-grams within
words (which suit Norwegian compounds), and one logistic regression per code
(one-vs-rest).  Its :meth:`SuggestCoder.suggest` proposes codes with a
probability and the words that weighed most; it never touches the rule-based
codes.

:func:`evaluate` cross-validates it honestly: grouped by workshop (statements
of one workshop never sit on both sides), per code F1 and Cohen's kappa beside
a majority baseline, and a warning where there are too few labelled
statements for the numbers to mean much.  :func:`learning_curve` shows how the
scores grow with the number of labelled statements.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from sklearn.base import BaseEstimator, TransformerMixin

from .._lazy import lazy_module
from ..coding import code_matrix
from ..errors import UtenforskapError
from ..exchange import atomic_write
from ..text import get_pipeline, normalise

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["SuggestCoder", "Lemmatizer", "evaluate", "learning_curve", "labels_from"]

#: Below these numbers the evaluation says its estimates are unreliable.
MIN_POSITIVES = 10
MIN_STATEMENTS = 50


class Lemmatizer(BaseEstimator, TransformerMixin):
    """Texts (or a frame with ``lemmas`` / ``text``) to lowercase lemma strings.

    Stateless; uses :func:`utenforskap.get_pipeline`, which is not pickled
    with a saved model but loaded again where it is used.
    """

    def __init__(self, *, model: str | None = None):
        self.model = model

    def fit(self, X: Any, y: Any = None):
        return self

    def transform(self, X: Any):

        if isinstance(X, pd.DataFrame):
            if "lemmas" in X.columns:
                return X["lemmas"].fillna("").astype(str).tolist()
            X = X["text"]
        texts = [str(t) for t in X]
        return normalise(texts, nlp=get_pipeline(self.model))["lemmas"].tolist()


def labels_from(data: pd.DataFrame, codes: str | Sequence[str] | None = None) -> pd.DataFrame:
    """0/1 labels (rows aligned with ``data``) from boolean code columns or a
    ``codes`` column."""
    if "segment_id" not in data.columns:
        from ..text import synthetic_ids

        data = data.assign(segment_id=synthetic_ids(len(data)))
    return code_matrix(data, codes).reset_index(drop=True)


def _texts(data) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        if "text" not in data.columns and "lemmas" not in data.columns:
            raise UtenforskapError("the statements have neither a 'text' nor a 'lemmas' column")
        return data.reset_index(drop=True)
    if isinstance(data, str):
        data = [data]
    return pd.DataFrame({"text": list(data)})


class SuggestCoder(BaseEstimator):
    """Propose codes for statements, learned from hand-coded statements.

    Parameters
    ----------
    codes : list of str, optional
        The codes to learn; by default every code that has a column (or that
        appears in ``codes`` lists) in the training data.
    C : float
        Inverse regularisation strength of the logistic regressions.
    word_ngrams, char_ngrams : tuple of int
        N-gram ranges of the word and character TF-IDF features.
    min_df : int
        Ignore features seen in fewer statements.
    threshold : float
        Probability from which a code is suggested.
    random_state : int
        Seed of the solvers (results are deterministic).

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"segment_id": list("abcdef"),
    ...     "text": ["Mangel på penger", "Lite penger og tid", "Regelverket hindrer",
    ...              "Mer samarbeid", "Samarbeid på tvers", "Styrke samarbeidet"],
    ...     "barriers": [1, 1, 1, 0, 0, 0]})
    >>> coder = SuggestCoder(codes=["barriers"]).fit(train)
    >>> coder.suggest(["Vi mangler penger"]).loc[0, "suggested"]
    ['barriers']
    """

    def __init__(
        self,
        *,
        codes: str | Sequence[str] | None = None,
        C: float = 4.0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        min_df: int = 1,
        threshold: float = 0.5,
        random_state: int = 0,
    ):
        self.codes = codes
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.threshold = threshold
        self.random_state = random_state

    def _pipeline(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import FeatureUnion, Pipeline

        return Pipeline(
            [
                ("lemmas", Lemmatizer()),
                (
                    "features",
                    FeatureUnion(
                        [
                            (
                                "words",
                                TfidfVectorizer(
                                    ngram_range=tuple(self.word_ngrams),
                                    min_df=self.min_df,
                                    sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w[\w-]*\b",
                                ),
                            ),
                            (
                                "chars",
                                TfidfVectorizer(
                                    analyzer="char_wb", ngram_range=tuple(self.char_ngrams), min_df=self.min_df, sublinear_tf=True
                                ),
                            ),
                        ]
                    ),
                ),
                (
                    "classify",
                    OneVsRestClassifier(
                        LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=self.random_state)
                    ),
                ),
            ]
        )

    def fit(self, data: pd.DataFrame | Sequence[str] | str, labels: pd.DataFrame | None = None):
        """Fit on hand-coded statements.

        Parameters
        ----------
        data : pandas.DataFrame
            Statements with ``text`` (or ``lemmas``) and, unless ``labels`` is
            given, the codes as boolean columns or a ``codes`` column (as
            :func:`utenforskap.read_manual_coding` returns, merged with the
            statements).
        labels : pandas.DataFrame, optional
            0/1 labels, one column per code, rows aligned with ``data``.
        """
        frame = _texts(data)
        if labels is not None and not isinstance(labels, pd.DataFrame):  # an array, e.g. from cross_val_predict
            values = np.asarray(labels)
            values = values.reshape(len(values), -1)
            names = (
                list(self.codes)
                if self.codes is not None and len(self.codes) == values.shape[1]
                else [f"code_{j}" for j in range(values.shape[1])]
            )
            labels = pd.DataFrame(values, columns=names)
        y = labels.reset_index(drop=True) if labels is not None else labels_from(frame, self.codes)
        if self.codes is not None:
            y = y[list(self.codes)]
        if len(frame) != len(y):
            raise UtenforskapError(f"{len(frame)} statements but {len(y)} rows of labels")
        if len(frame) < 2:
            raise UtenforskapError("fit needs at least two hand-coded statements")
        self.codes_ = list(y.columns)
        self.pipeline_ = self._pipeline()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
            warnings.filterwarnings("ignore", message="Label not .* is present in all training examples")
            self.pipeline_.fit(frame, y.to_numpy())
        self.n_statements_ = len(frame)
        self.positives_ = y.sum().astype(int).to_dict()
        return self

    def _check_fitted(self):
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(self, "pipeline_")
        except NotFittedError:
            raise UtenforskapError("this SuggestCoder is not fitted yet: call fit with hand-coded statements first") from None

    def predict(self, statements: pd.DataFrame | Sequence[str] | str) -> pd.DataFrame:
        """Whether each code is suggested for each statement (probability >=
        ``threshold``), one boolean column per code, rows as given."""
        return self.predict_proba(statements) >= self.threshold

    def predict_proba(self, statements: pd.DataFrame | Sequence[str] | str) -> pd.DataFrame:
        """Probability of each code for each statement (rows as given)."""
        self._check_fitted()
        frame = _texts(statements)
        proba = np.asarray(self.pipeline_.predict_proba(frame))
        if len(self.codes_) == 1 and proba.shape[1] == 2:  # one code: scikit-learn sees a binary task
            proba = proba[:, [1]]
        return pd.DataFrame(proba, columns=self.codes_)

    def get_feature_names_out(self) -> np.ndarray:
        """Names of the features: ``words__<lemma n-gram>`` and ``chars__<n-gram>``."""
        self._check_fitted()
        return self.pipeline_.named_steps["features"].get_feature_names_out()

    def top_features(self, code_id: str, n: int = 15) -> pd.DataFrame:
        """The features with the largest positive weight for a code."""
        self._check_fitted()
        estimator = self.pipeline_.named_steps["classify"].estimators_[self.codes_.index(code_id)]
        if not hasattr(estimator, "coef_"):
            return pd.DataFrame(columns=["feature", "weight"])
        weights = estimator.coef_.ravel()
        names = self.get_feature_names_out()
        order = np.argsort(weights)[::-1][:n]
        return pd.DataFrame({"feature": names[order], "weight": weights[order]})

    def suggest(self, statements: pd.DataFrame | Sequence[str] | str, n_words: int = 5) -> pd.DataFrame:
        """Suggested codes per statement, with probabilities and the words
        that weighed most.  Rule-based codes are left as they are: the output
        is a separate frame (join it on ``segment_id``).

        Returns
        -------
        pandas.DataFrame
            ``segment_id`` (where the input has it), ``text``, ``suggested``
            (codes with probability >= threshold), ``probabilities`` (code ->
            probability, all codes) and ``words`` (code -> the features that
            pushed most towards each suggested code).
        """
        self._check_fitted()
        frame = _texts(statements)
        proba = self.predict_proba(frame)
        features = self.pipeline_.named_steps["features"]
        X = features.transform(self.pipeline_.named_steps["lemmas"].transform(frame))
        names = features.get_feature_names_out()
        estimators = self.pipeline_.named_steps["classify"].estimators_
        rows = []
        for i in range(len(frame)):
            suggested = [c for c in self.codes_ if proba.at[i, c] >= self.threshold]
            row_x = X[i]
            words = {}
            for c in suggested:
                estimator = estimators[self.codes_.index(c)]
                if not hasattr(estimator, "coef_"):
                    continue
                contributions = row_x.multiply(estimator.coef_.ravel()).tocsr()
                idx = contributions.indices[np.argsort(contributions.data)[::-1]]
                words[c] = [names[j].split("__", 1)[1].strip() for j in idx if names[j].startswith("words__")][:n_words]
            rows.append(
                {
                    **({"segment_id": frame.at[i, "segment_id"]} if "segment_id" in frame.columns else {}),
                    "text": frame.at[i, "text"] if "text" in frame.columns else "",
                    "suggested": suggested,
                    "probabilities": {c: round(float(proba.at[i, c]), 4) for c in self.codes_},
                    "words": words,
                }
            )
        return pd.DataFrame(rows)

    def save(self, path: str | Path) -> Path:
        """Save the fitted coder (joblib; the spaCy pipeline is not included)."""
        import joblib

        self._check_fitted()
        path = Path(path)
        with atomic_write(path, "wb") as fh:
            joblib.dump(self, fh)
        return path

    @staticmethod
    def load(path: str | Path) -> SuggestCoder:
        """Load a coder saved with :meth:`save`.  Only load files you trust:
        joblib files can run code when loaded."""
        import joblib

        coder = joblib.load(path)
        if not isinstance(coder, SuggestCoder):
            raise UtenforskapError(f"{path} does not hold a SuggestCoder")
        return coder


def _splits(n: int, groups, n_splits: int, random_state: int, by: str = "workshop"):
    from sklearn.model_selection import GroupKFold, KFold

    if groups is not None and len(set(groups)) >= 2:
        k = min(n_splits, len(set(groups)))
        return list(GroupKFold(n_splits=k).split(np.zeros(n), groups=groups)), f"GroupKFold({k}) by {by}"
    k = min(n_splits, n)
    return list(KFold(n_splits=k, shuffle=True, random_state=random_state).split(np.zeros(n))), f"KFold({k}), shuffled"


def _folds(data, labels, codes, groups, n_splits: int, random_state: int):
    """Statements, 0/1 labels, the cross-validation splits and how they were made:
    grouped by ``groups`` (a column name or values), by default by the
    ``workshop`` column when it has two or more values."""
    frame = _texts(data)
    y = labels.reset_index(drop=True) if labels is not None else labels_from(frame, codes)
    if codes is not None:
        y = y[list(codes)]
    by = groups if isinstance(groups, str) else "workshop" if groups is None else "the given groups"
    if isinstance(groups, str):
        groups = frame[groups].to_numpy()
    elif groups is None and "workshop" in frame.columns and frame["workshop"].nunique() >= 2:
        groups = frame["workshop"].to_numpy()
    splits, how = _splits(len(frame), groups, n_splits, random_state, by)
    return frame, y, splits, how


def evaluate(
    data: pd.DataFrame,
    labels: pd.DataFrame | None = None,
    *,
    codes: str | Sequence[str] | None = None,
    groups: str | Sequence | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    **params,
) -> pd.DataFrame:
    """Cross-validated per-code scores of the supervised coder, beside a
    majority baseline.

    Parameters
    ----------
    data : pandas.DataFrame
        Hand-coded statements (as for :meth:`SuggestCoder.fit`).
    groups : str or array, optional
        Column name or values to group the folds by; by default the
        ``workshop`` column when it has two or more values.
    n_splits : int
        Folds.
    **params
        Passed to :class:`SuggestCoder`.

    Returns
    -------
    pandas.DataFrame
        Index ``code``; ``n``, ``positives``, ``f1``, ``kappa``, ``precision``,
        ``recall``, ``baseline_f1`` and ``baseline_kappa`` (always predicting
        the code's majority class in the training folds), ``folds`` (how the
        data were split) and ``warning`` (non-empty where the estimate is
        unreliable: fewer than 10 positives or 50 statements).
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score
    from sklearn.model_selection import cross_val_predict

    frame, y, splits, how = _folds(data, labels, codes, groups, n_splits, random_state)
    coder = SuggestCoder(codes=list(y.columns), random_state=random_state, **params)
    predicted = np.asarray(cross_val_predict(coder, frame, y.to_numpy(), cv=splits)).astype(int)
    # always the code's majority class in the training folds
    baseline = np.asarray(cross_val_predict(DummyClassifier(strategy="most_frequent"), frame, y.to_numpy(), cv=splits)).astype(
        int
    )
    rows = []
    for j, c in enumerate(y.columns):
        truth = y[c].to_numpy()

        def kappa(pred, truth=truth):
            return float("nan") if len(set(truth) | set(pred)) < 2 else float(cohen_kappa_score(truth, pred))

        positives = int(truth.sum())
        warning = []
        if positives < MIN_POSITIVES:
            warning.append(f"only {positives} positive statements")
        if len(frame) < MIN_STATEMENTS:
            warning.append(f"only {len(frame)} labelled statements")
        rows.append(
            {
                "code": c,
                "n": len(frame),
                "positives": positives,
                "f1": float(f1_score(truth, predicted[:, j], zero_division=0)),
                "kappa": kappa(predicted[:, j]),
                "precision": float(precision_score(truth, predicted[:, j], zero_division=0)),
                "recall": float(recall_score(truth, predicted[:, j], zero_division=0)),
                "baseline_f1": float(f1_score(truth, baseline[:, j], zero_division=0)),
                "baseline_kappa": kappa(baseline[:, j]),
                "folds": how,
                "warning": "; ".join(warning) + ("; the estimate is unreliable" if warning else ""),
            }
        )
    return pd.DataFrame(rows).set_index("code")


def learning_curve(
    data: pd.DataFrame,
    labels: pd.DataFrame | None = None,
    *,
    codes: str | Sequence[str] | None = None,
    groups: str | Sequence | None = None,
    fractions: Sequence[float] = (0.25, 0.5, 0.75, 1.0),
    n_splits: int = 5,
    random_state: int = 0,
    **params,
) -> pd.DataFrame:
    """Mean cross-validated F1 and kappa over the codes, by the share of the
    training folds used (same grouped folds as :func:`evaluate`).

    Returns
    -------
    pandas.DataFrame
        ``fraction``, ``n_train`` (mean statements trained on), ``f1`` and
        ``kappa`` (means over codes), ``f1_std`` (over folds).
    """
    from sklearn.metrics import cohen_kappa_score, f1_score

    frame, y, splits, _ = _folds(data, labels, codes, groups, n_splits, random_state)
    rng = np.random.default_rng(random_state)
    rows = []
    for fraction in fractions:
        f1s, kappas, sizes = [], [], []
        for train, test in splits:
            take = np.sort(rng.permutation(train)[: max(2, int(round(fraction * len(train))))])
            coder = SuggestCoder(codes=list(y.columns), random_state=random_state, **params).fit(frame.iloc[take], y.iloc[take])
            pred = (coder.predict_proba(frame.iloc[test]).to_numpy() >= coder.threshold).astype(int)
            truth = y.iloc[test].to_numpy()
            f1s.append(np.mean([f1_score(truth[:, j], pred[:, j], zero_division=0) for j in range(truth.shape[1])]))
            ks = [
                cohen_kappa_score(truth[:, j], pred[:, j])
                for j in range(truth.shape[1])
                if len(set(truth[:, j]) | set(pred[:, j])) > 1
            ]
            kappas.append(np.mean(ks) if ks else np.nan)
            sizes.append(len(take))
        rows.append(
            {
                "fraction": fraction,
                "n_train": float(np.mean(sizes)),
                "f1": float(np.mean(f1s)),
                "kappa": float(np.nanmean(kappas)) if not np.all(np.isnan(kappas)) else float("nan"),
                "f1_std": float(np.std(f1s)),
            }
        )
    return pd.DataFrame(rows)
