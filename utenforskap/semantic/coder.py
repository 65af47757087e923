"""The semantic side of coding: theme probabilities and their explanations.

:class:`SemanticThemes` embeds ``"<context>: <statement>"``, gives each
theme the shipped model knows a calibrated probability, and turns the
model's verdict into evidence records the rule coder merges with its own
(see :func:`utenforskap.code`): where the model is sure it decides, in its
unsure band the rule evidence decides, and every model coding names the
most similar labelled statements.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .embedding import embed
from .encoder import Encoder, EncoderUnavailable, get_encoder
from .model import ThemeModel, load_shipped_model

__all__ = ["SemanticThemes", "semantic_themes"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_NEIGHBOURS = 2
_QUOTE = 90  # characters of a neighbour's text shown


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "…"


class SemanticThemes:
    """An encoder and a fitted :class:`ThemeModel`, for the themes of a codebook.

    Parameters
    ----------
    themes : list of str
        The codebook's themes; the model decides those it was trained on,
        the rules the others.
    encoder : Encoder or str, optional
    model : ThemeModel, optional
        Default: the shipped model for the encoder.

    Attributes
    ----------
    themes : list of str
        The themes the model decides (a subset of those asked for).
    zero_shot : list of str
        The other themes: coded by the rules; a review starts them from
        their definitions (:meth:`definition_vectors`) and learns them.
    note : str
        Empty, or why some or all themes are left to the rules.
    """

    def __init__(self, themes: Sequence[str], *, encoder: Encoder | str | None = None, model: ThemeModel | None = None):
        self.encoder = get_encoder(encoder)
        self.model = model or load_shipped_model(self.encoder.id)
        self._notes: dict[tuple, str] = {}  # neighbours -> their note, shared by every statement they explain
        known = [] if self.model is None else self.model.themes
        self.columns = [j for j, t in enumerate(known) if t in themes]
        self.themes = [known[j] for j in self.columns]
        self.zero_shot = [t for t in themes if t not in self.themes]
        if self.model is None:
            self.note = f"no model trained for encoder {self.encoder.id!r}: themes by the rules"
        elif self.zero_shot:
            self.note = (
                f"themes not in the trained model, coded by the rules: {', '.join(self.zero_shot)} "
                "(a review starts them from their definitions and learns them)"
            )
        else:
            self.note = ""

    def definition_vectors(self, book: Any) -> dict[str, np.ndarray]:
        """Per zero-shot theme, the embedding of ``"<label>: <definition>"``
        (its inclusion criteria too, where the codebook has them)."""
        texts = {}
        for theme in self.zero_shot:
            code = book.codes[theme]
            described = " ".join(part for part in (code.definition, code.include) if part)
            texts[theme] = f"{code.label}: {described}" if described else code.label
        vectors = embed(list(texts.values()), self.encoder) if texts else np.zeros((0, self.encoder.dim))
        return dict(zip(texts, vectors))

    @property
    def lower(self) -> np.ndarray:
        """Per theme, the probability below which the model says no."""
        return self.model.lower[self.columns]

    @property
    def upper(self) -> np.ndarray:
        """Per theme, the probability from which the model says yes."""
        return self.model.upper[self.columns]

    def decide(self, p: np.ndarray, rules: np.ndarray, undecided: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(themes, where the model was sure): sure, the model decides; in
        between, and in the ``undecided`` rows, the rule flags do."""
        return self.model.decide(p, rules, columns=self.columns, undecided=undecided)

    @property
    def id(self) -> str:
        return self.encoder.id

    def probabilities(self, texts: Sequence[str], *, progress: bool = False):
        """(embeddings, calibrated probabilities: one column per theme in
        ``self.themes``) of ``texts`` as embedded (:func:`~.model.statement_texts`)."""
        X = embed(texts, self.encoder, progress=progress)
        if not self.themes:
            return X, np.zeros((len(X), 0))
        return X, self.model.predict_proba(X)[:, self.columns]

    def likeness(self, X: np.ndarray, decisions: np.ndarray, k: int = _NEIGHBOURS) -> list[list[str]]:
        """Per theme and row, "like ..." notes: the ``k`` most similar
        labelled statements that share the decision.  Returns a list per
        theme of a note per row.  The same neighbours give the same string
        object (one note is kept once, however many statements it explains)."""
        model = self.model
        sims = model.similarities(X)  # once for every theme
        out = []
        for col, j in enumerate(self.columns):
            rows = model.neighbours(sims, decisions[:, col], j, k)
            notes = []
            for best in rows:
                key = tuple(best)
                note = self._notes.get(key)
                if note is None:
                    parts = [
                        f"«{_quote(model.ref_texts[r])}» [{model.ref_ids[r]}]"
                        if model.ref_texts[r]
                        else f"{model.ref_ids[r]} ({model.ref_sources[r]})"
                        for r in best
                    ]
                    note = self._notes[key] = "like " + " | ".join(parts) if parts else ""
                notes.append(note)
            out.append(notes)
        return out


_LOADED: dict[str, SemanticThemes | None] = {}


def semantic_themes(themes: Sequence[str], encoder: Encoder | str | None = None) -> SemanticThemes | None:
    """The semantic side for a codebook's themes, or None with one warning
    line when the encoder cannot be loaded (coding goes on by the rules).

    Examples
    --------
    >>> s = semantic_themes(["barriers", "opportunities", "user_participation", "other"])
    >>> s.themes, s.zero_shot
    (['barriers', 'opportunities', 'user_participation'], ['other'])
    """
    key = f"{getattr(encoder, 'id', encoder)}|{'|'.join(themes)}"
    if key not in _LOADED:
        try:
            _LOADED[key] = SemanticThemes(themes, encoder=encoder)
        except EncoderUnavailable as exc:
            warnings.warn(f"{exc}; coding by the rules only", stacklevel=3)
            _LOADED[key] = None
    return _LOADED[key]
