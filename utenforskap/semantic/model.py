"""The model of meaning: one calibrated classifier per theme on sentence embeddings.

A :class:`ThemeModel` holds numbers only: per theme a logistic regression's
weights and intercept, a Platt calibration fitted on cross-source
out-of-fold predictions, and the band of probabilities in which the rules
decide instead of the model; plus reference embeddings of labelled
statements for "som: «…»" explanations.  The shipped parameters are made by
``make model`` (``tools/train_model.py``) from ``../shared/corpus`` and the
bundled hand coding; the model card beside them says how.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ThemeModel",
    "shipped_model_path",
    "load_shipped_model",
    "RULE_WEIGHT",
    "context_texts",
    "frame_contexts",
    "statement_texts",
    "decision_probability",
    "blend_decision",
]

MODELS = Path(__file__).resolve().parents[1] / "data" / "models"

# Rule evidence and model decide together as 0.8 * p + 0.2 * (rule fired) >= 0.5
# on the classifier's balanced score: chosen by cross-source cross-validation
# on the training corpus (never on the dev set); see the model card.
RULE_WEIGHT = 0.2


def shipped_model_path(encoder_id: str) -> Path:
    """Where the shipped parameters for an encoder are kept."""
    return MODELS / f"{encoder_id}.npz"


def context_texts(texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[str]:
    """What is embedded: ``"<context>: <statement>"`` where there is a context.

    Examples
    --------
    >>> context_texts(["Mer tid."], ["Hva kan hjelpe?"])
    ['Hva kan hjelpe?: Mer tid.']
    >>> context_texts(["Mer tid."])
    ['Mer tid.']
    """
    if contexts is None:
        return [str(t) for t in texts]
    return [f"{c}: {t}" if c else str(t) for t, c in zip(texts, contexts)]


_QUESTION_LABEL = re.compile(r"^\s*(?:spm|spørsmål|sp|q)\.?\s*\d+\s*[:.)]\s*", re.IGNORECASE)


def frame_contexts(frame: pd.DataFrame) -> list[str] | None:
    """The context of each statement in a statements frame: its question
    (without a label such as "Spm. 2:") and the sub-heading it stands under,
    or None when the frame has neither column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_contexts(pd.DataFrame({"question_text": ["Spm. 3: Hva hindrer?"], "section": ["Lokalt"]}))
    ['Hva hindrer? Lokalt']
    """
    present = [c for c in ("question_text", "section") if c in frame.columns]
    if not present:
        return None
    questions = frame["question_text"] if "question_text" in frame.columns else [None] * len(frame)
    sections = frame["section"] if "section" in frame.columns else [None] * len(frame)
    out = []
    for question, section in zip(questions, sections):
        question = "" if question is None or question != question else _QUESTION_LABEL.sub("", str(question)).strip()
        section = "" if section is None or section != section else str(section).strip()
        out.append(f"{question} {section}".strip() if section else question)
    return out


def statement_texts(frame: pd.DataFrame, context: bool = True) -> list[str]:
    """What the coder embeds for each statement of a frame: ``"<context>:
    <statement>"`` with its question and sub-heading (:func:`frame_contexts`)
    when ``context`` is on, else the statement alone.

    Examples
    --------
    >>> import pandas as pd
    >>> statement_texts(pd.DataFrame({"text": ["Mer tid."], "question_text": ["Spm. 1: Hva hjelper?"]}))
    ['Hva hjelper?: Mer tid.']
    """
    return context_texts(frame["text"].astype(str).tolist(), frame_contexts(frame) if context else None)


def blend_decision(scores: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """The combination as a blend, on balanced scores (logits):
    ``(1 - RULE_WEIGHT) * p + RULE_WEIGHT * rule >= 0.5``; the same decision
    :meth:`ThemeModel.decide` makes on calibrated probabilities.

    Examples
    --------
    >>> blend_decision(np.array([2.0, 0.0, 0.0]), np.array([0, 1, 0])).tolist()
    [True, True, False]
    """
    return (1 - RULE_WEIGHT) * _sigmoid(np.asarray(scores, dtype=float)) + RULE_WEIGHT * np.asarray(rules) >= 0.5


def decision_probability(p: np.ndarray, sure: np.ndarray, coded: np.ndarray) -> np.ndarray:
    """The probability a coding is right in the terms of its decision: the
    model's where it was sure; where the rules decided, the model's moved
    to the side the rules took (a coin flip at most, never across 0.5).

    Examples
    --------
    >>> decision_probability(np.array([0.9, 0.45, 0.55]), np.array([True, False, False]), np.array([True, True, False]))
    array([0.9   , 0.5   , 0.4999])
    """
    p = np.asarray(p, dtype=float)
    return np.where(sure, p, np.where(coded, np.maximum(p, 0.5), np.minimum(p, 0.4999)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class ThemeModel:
    """Fitted parameters of the semantic coder for one encoder.

    Attributes
    ----------
    encoder_id : str
    themes : list of str
    coef : ndarray (themes x dim)
        Logistic-regression weights on the embeddings (classes balanced).
    intercept : ndarray (themes,)
    platt : ndarray (themes x 2)
        Calibration ``p = sigmoid(a * score + b)`` of the balanced score.
    lower, upper : ndarray (themes,)
        Calibrated probabilities: below ``lower`` the model says no, from
        ``upper`` yes; in between, the rule evidence decides.
    ref_embeddings : ndarray (n x dim), float16
        Labelled statements for explanations (bundled hand coding, training corpus).
    ref_ids, ref_sources, ref_texts : list of str
        Their ids, where they come from, and their text where it may be
        shown (the bundled workshop); "" for corpus statements, which are
        named by id and source only.
    ref_labels : ndarray (n x themes), int8
    info : dict
        What it was trained on and how it measured (the model card's numbers).
    """

    encoder_id: str
    themes: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    platt: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    ref_embeddings: np.ndarray = field(repr=False)
    ref_ids: list[str] = field(repr=False)
    ref_sources: list[str] = field(repr=False)
    ref_texts: list[str] = field(repr=False)
    ref_labels: np.ndarray = field(repr=False)
    info: dict = field(default_factory=dict, repr=False)

    # -- numbers in, numbers out ------------------------------------------------
    def scores(self, X: np.ndarray) -> np.ndarray:
        """The balanced logits, one column per theme."""
        return np.asarray(X, dtype=np.float32) @ self.coef.T.astype(np.float32) + self.intercept.astype(np.float32)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, one column per theme."""
        s = self.scores(X)
        return _sigmoid(s * self.platt[:, 0] + self.platt[:, 1])

    def decide(
        self, p: np.ndarray, rules: np.ndarray, columns: Sequence[int] | None = None, undecided: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The themes and who decided each: True where the model decided
        (sure either way), False where the rules did (the model was unsure).
        ``columns``: the themes ``p`` holds (default all); ``undecided``: per
        row, True where the rules decide whatever the model says (a statement
        without words, whose vector is its question's).

        Examples
        --------
        >>> m = ThemeModel.toy()
        >>> m.decide(np.array([[0.9], [0.5], [0.5], [0.1]]), np.array([[0], [1], [0], [1]]))
        (array([[ True],
               [ True],
               [False],
               [False]]), array([[ True],
               [False],
               [False],
               [ True]]))
        """
        lower = self.lower if columns is None else self.lower[list(columns)]
        upper = self.upper if columns is None else self.upper[list(columns)]
        sure = (p >= upper) | (p < lower)
        if undecided is not None:
            sure &= ~np.asarray(undecided, dtype=bool).reshape(-1, 1)
        return np.where(sure, p >= upper, np.asarray(rules) > 0), sure

    def similarities(self, X: np.ndarray) -> np.ndarray:
        """Cosine similarity of each row of ``X`` to every reference statement."""
        return np.asarray(X, dtype=np.float32) @ self.ref_embeddings.T.astype(np.float32)

    def neighbours(self, sims: np.ndarray, labels: np.ndarray, theme: int, k: int = 2) -> list[list[int]]:
        """For each row of ``sims`` (:meth:`similarities`), the ``k`` most
        similar reference statements whose label for ``theme`` equals
        ``labels[row]``."""
        has = self.ref_labels[:, theme].astype(bool)
        candidates = {True: np.flatnonzero(has), False: np.flatnonzero(~has)}
        out = []
        for row, want in zip(sims, np.asarray(labels, dtype=bool).tolist()):
            pool = candidates[want]
            out.append(pool[np.argsort(-row[pool], kind="stable")[:k]].tolist())
        return out

    # -- files -------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            encoder_id=np.array(self.encoder_id),
            themes=np.array(self.themes),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            platt=self.platt.astype(np.float32),
            lower=self.lower.astype(np.float32),
            upper=self.upper.astype(np.float32),
            ref_embeddings=self.ref_embeddings.astype(np.float16),
            ref_ids=np.array(self.ref_ids),
            ref_sources=np.array(self.ref_sources),
            ref_texts=np.array(self.ref_texts),
            ref_labels=self.ref_labels.astype(np.int8),
            info=np.array(json.dumps(self.info, ensure_ascii=False, sort_keys=True)),
        )
        return path

    @classmethod
    def load(cls, path: str | Path) -> ThemeModel:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                encoder_id=str(z["encoder_id"]),
                themes=[str(t) for t in z["themes"]],
                coef=z["coef"],
                intercept=z["intercept"],
                platt=z["platt"],
                lower=z["lower"],
                upper=z["upper"],
                ref_embeddings=z["ref_embeddings"],
                ref_ids=[str(t) for t in z["ref_ids"]],
                ref_sources=[str(t) for t in z["ref_sources"]],
                ref_texts=[str(t) for t in z["ref_texts"]],
                ref_labels=z["ref_labels"],
                info=json.loads(str(z["info"])),
            )

    @classmethod
    def toy(cls) -> ThemeModel:
        """A one-theme, two-dimensional model for examples."""
        return cls(
            encoder_id="toy",
            themes=["t"],
            coef=np.ones((1, 2)),
            intercept=np.zeros(1),
            platt=np.array([[1.0, 0.0]]),
            lower=np.array([0.375]),
            upper=np.array([0.625]),
            ref_embeddings=np.eye(2, dtype=np.float16),
            ref_ids=["a", "b"],
            ref_sources=["x", "x"],
            ref_texts=["A", "B"],
            ref_labels=np.array([[1], [0]], dtype=np.int8),
        )


_SHIPPED: dict[str, ThemeModel] = {}


def load_shipped_model(encoder_id: str) -> ThemeModel | None:
    """The shipped model for an encoder, or None if none was trained for it."""
    if encoder_id not in _SHIPPED:
        path = shipped_model_path(encoder_id)
        if not path.is_file():
            return None
        _SHIPPED[encoder_id] = ThemeModel.load(path)
    return _SHIPPED[encoder_id]
