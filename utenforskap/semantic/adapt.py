"""The model of meaning adapted to a researcher's own reviews.

:class:`ReviewModel` holds the embeddings of a review's statements and,
per theme, refits the classifier on the shipped labelled embeddings plus
the statements reviewed so far (each worth ``REVIEW_WEIGHT`` labelled
statements), calibrates its scores with the shipped calibration, and lets
the rule evidence decide where the model is unsure, as the coder does.

A theme the shipped model was not trained on (a researcher's own codebook)
starts from its definition: until the review has labelled it both ways
``ZERO_SHOT_LABELS`` times, the rules decide it and the statements where
similarity to the definition disagrees with the rules come first; from then
on a classifier fitted on the reviewed statements (and the definition, as
one labelled example) decides where it is sure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .coder import SemanticThemes
from .embedding import embed
from .model import decision_probability

__all__ = ["ReviewModel", "REVIEW_WEIGHT"]

#: A reviewed statement counts as this many labelled training statements
#: (the prototype's setting, issue 27; not chosen on the dev set).
REVIEW_WEIGHT = 3.0
#: Reviewed statements with and without a zero-shot theme needed before its classifier decides anything.
ZERO_SHOT_LABELS = 3


class ReviewModel:
    """Per-theme probabilities for the statements of a review.

    Parameters
    ----------
    semantic : SemanticThemes
    embedded : list of str
        The statements as the coder embedded them (``"<context>: <text>"``).
    rules : ndarray (n x themes), bool
        Whether the rule evidence speaks for each theme (the modelled
        themes of ``semantic``, then its zero-shot ones).
    definitions : dict, optional
        Per zero-shot theme, the embedding of its definition
        (:meth:`SemanticThemes.definition_vectors`); without it those themes
        are left out.
    wordless : sequence of bool, optional
        The statements without a letter in them: the rules decide them, as
        the coder leaves them to the rules.
    """

    def __init__(
        self,
        semantic: SemanticThemes,
        embedded: Sequence[str],
        rules: np.ndarray,
        definitions: dict | None = None,
        wordless: Sequence[bool] | None = None,
    ):
        self.semantic = semantic
        self.definitions = dict(definitions or {})
        self.themes = list(semantic.themes) + [t for t in semantic.zero_shot if t in self.definitions]
        self.embedded = list(embedded)
        self.X = embed(self.embedded, semantic.encoder)
        self.rules = np.asarray(rules, dtype=bool).reshape(len(self.X), len(self.themes))
        model = semantic.model
        self.base_X = None if model is None else model.ref_embeddings.astype(np.float32)
        self.base_Y = None if model is None else model.ref_labels.astype(int)
        self._classifiers: dict[str, object] = {}
        self.wordless = np.zeros(len(self.X), bool) if wordless is None else np.asarray(wordless, dtype=bool)

    def _column(self, theme: str) -> tuple[int, int]:
        """(position in this model's themes, position in the shipped model)."""
        k = self.themes.index(theme)
        return k, self.semantic.columns[k]

    def probabilities(
        self, theme: str, rows: Sequence[int], labels: Sequence[bool], extra: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """Calibrated probabilities of ``theme`` for every statement after
        learning from the reviewed ``rows`` (with their ``labels``) and
        ``extra`` (embeddings, labels) of an earlier review; in the model's
        unsure band, moved to the side the rule evidence takes."""
        from sklearn.linear_model import LogisticRegression

        from .training import C

        rows = list(rows)
        X_new, y_new = self.X[rows], np.asarray(labels, dtype=int)
        if extra is not None and len(extra[0]):
            X_new, y_new = np.vstack([X_new, extra[0]]), np.concatenate([y_new, np.asarray(extra[1], dtype=int)])
        if theme in self.definitions:
            return self._from_definition(theme, X_new, y_new)
        k, j = self._column(theme)
        model = self.semantic.model
        if len(y_new):
            X = np.vstack([self.base_X, X_new])
            y = np.concatenate([self.base_Y[:, j], y_new])
            weights = np.concatenate([np.ones(len(self.base_X)), np.full(len(y_new), REVIEW_WEIGHT)])
            clf = self._classifiers.get(theme)
            if clf is None:  # warm-started from one refit to the next: the same optimum, found faster
                clf = self._classifiers[theme] = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, warm_start=True)
            clf.fit(X, y, sample_weight=weights)
            scores = self.X @ clf.coef_[0].astype(np.float32) + np.float32(clf.intercept_[0])
        else:
            scores = model.scores(self.X)[:, j]
        p = 1.0 / (1.0 + np.exp(-(scores * model.platt[j, 0] + model.platt[j, 1])))
        # as the coder decides
        coded, sure = model.decide(p[:, None], self.rules[:, k, None], columns=[j], undecided=self.wordless)
        return decision_probability(p, sure[:, 0], coded[:, 0])

    def _from_definition(self, theme: str, X_new: np.ndarray, y_new: np.ndarray) -> np.ndarray:
        """A zero-shot theme: similarity to its definition orders the review
        while the rules decide; a classifier on the reviewed statements takes
        over where it is sure once both answers have been seen often enough."""
        from sklearn.linear_model import LogisticRegression

        from .training import C, band_scores

        k = self.themes.index(theme)
        rules = self.rules[:, k]
        similarity = self.X @ self.definitions[theme].astype(np.float32)
        spread = float(similarity.std()) or 1.0
        p = 1.0 / (1.0 + np.exp(-(similarity - float(np.median(similarity))) / spread))  # a ranking, not a calibrated probability
        if min(int(y_new.sum()), int(len(y_new) - y_new.sum())) < ZERO_SHOT_LABELS:
            return decision_probability(p, np.zeros(len(p), bool), rules)
        X = np.vstack([X_new, self.definitions[theme][None, :].astype(np.float32)])
        y = np.concatenate([y_new, [1]])
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(X, y)
        scores = self.X @ clf.coef_[0].astype(np.float32) + np.float32(clf.intercept_[0])
        lo, hi = band_scores()
        sure = ((scores >= hi) | (scores < lo)) & ~self.wordless
        learned = 1.0 / (1.0 + np.exp(-scores))
        return decision_probability(learned, sure, np.where(sure, scores >= hi, rules))

    def centred(self) -> np.ndarray:
        """The statements' embeddings with their mean removed, L2-normalised:
        their dot products spread around 0 (e5's raw cosine similarities all
        lie near 0.8), for spreading a batch over different meanings."""
        centred = self.X - self.X.mean(axis=0)
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return centred / norms
