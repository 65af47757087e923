"""Exploring coded statements: matrices, topics and keyness, keyword in context."""

from .kwic import kwic
from .matrices import TOTAL, code_counts, cooccurrence, framework_matrix, select_codes, several_workshops
from .topics import keyness, topics

__all__ = [
    "TOTAL",
    "code_counts",
    "cooccurrence",
    "framework_matrix",
    "keyness",
    "kwic",
    "select_codes",
    "several_workshops",
    "topics",
]
