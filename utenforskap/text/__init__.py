"""Text: normalisation, the spaCy pipeline, lemmas, tokens and the token worker on the second core."""

from ._worker import TokenWorker, fork_is_safe
from .lemmas import CHECKED_SIMPLEMMA, FAST_AFTER, CompoundLemmas, is_known_word, lemmatize_word
from .normalisation import (
    ABBREVIATIONS,
    NORMALISATION_COLUMNS,
    normalisation_columns,
    normalise,
    normalise_parts,
    normalise_text,
    with_normalisation_columns,
)
from .pipeline import DEFAULT_MODEL, EMBEDDED, describe_pipeline, get_pipeline
from .tokens import (
    Statement,
    Word,
    WordCache,
    as_statements,
    known_words,
    lemma_columns,
    lexeme_flags,
    synthetic_ids,
    wordless,
)

__all__ = [
    "ABBREVIATIONS",
    "CHECKED_SIMPLEMMA",
    "CompoundLemmas",
    "DEFAULT_MODEL",
    "EMBEDDED",
    "FAST_AFTER",
    "NORMALISATION_COLUMNS",
    "Statement",
    "TokenWorker",
    "Word",
    "WordCache",
    "as_statements",
    "describe_pipeline",
    "fork_is_safe",
    "get_pipeline",
    "is_known_word",
    "known_words",
    "lemma_columns",
    "lemmatize_word",
    "lexeme_flags",
    "normalisation_columns",
    "normalise",
    "normalise_parts",
    "normalise_text",
    "synthetic_ids",
    "wordless",
    "with_normalisation_columns",
]
