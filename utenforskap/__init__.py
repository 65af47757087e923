"""utenforskap: qualitative analysis of workshop input (arbeidsverksted).

Read workshop tables into tidy statements, normalise Norwegian text, code
statements with a researcher-editable codebook (saying why for every code),
and compare with hand coding.

Examples
--------
>>> import utenforskap as u
>>> statements = u.read_workshop("data/raw/workshop_ungt_utenforskap_2023.txt")
>>> coded = u.code(statements)
>>> int(coded["barriers"].sum()) > 0
True
"""

from . import charts
from .codebook import (
    Codebook,
    codebook_markdown,
    codebook_of,
    from_quanteda_yaml,
    load_codebook,
    read_quanteda_dictionary,
    to_quanteda_yaml,
    to_taguette_csv,
)
from .coding import RuleCoder, code, coding_table
from .concordance import kwic
from .errors import CodebookError, InputError, UtenforskapError
from .explore import keyness, topics
from .export import write_parquet
from .figures import build_figures, render_figures
from .ingest import read_workshop
from .manual import read_manual_coding, write_coding_sheet
from .matrices import code_counts, cooccurrence, framework_matrix
from .nlp import describe_pipeline, get_pipeline
from .normalisation import normalise, normalise_text
from .patterns import codebook_nynorsk_gaps, codebook_pattern_problems, nynorsk_variants, pattern_matches
from .pseudonym import NAME_COLUMNS, pseudonymise, unreplaced_names
from .refiqda import read_qdpx, write_qdc, write_qdpx
from .reliability import agreement, code_matrix
from .review import review_queue, review_simulation, write_review_sheet
from .reviewing import ReviewSession, simulate_review
from .tables import build_tables
from .workflow import Analysis, analyse

__version__ = "0.1.0"

# scikit-learn is imported only when the supervised coder is first used
_LAZY = {"SuggestCoder": "learn", "evaluate": "learn", "learning_curve": "learn", "code_partitions": "scale"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'utenforskap' has no attribute {name!r}")


__all__ = [
    "read_workshop",
    "normalise",
    "normalise_text",
    "get_pipeline",
    "describe_pipeline",
    "load_codebook",
    "codebook_of",
    "Codebook",
    "code",
    "RuleCoder",
    "coding_table",
    "code_matrix",
    "agreement",
    "code_counts",
    "cooccurrence",
    "framework_matrix",
    "charts",
    "analyse",
    "Analysis",
    "build_tables",
    "build_figures",
    "render_figures",
    "write_qdpx",
    "write_qdc",
    "read_qdpx",
    "write_coding_sheet",
    "read_manual_coding",
    "to_quanteda_yaml",
    "to_taguette_csv",
    "from_quanteda_yaml",
    "read_quanteda_dictionary",
    "codebook_markdown",
    "pattern_matches",
    "codebook_pattern_problems",
    "nynorsk_variants",
    "codebook_nynorsk_gaps",
    "write_parquet",
    "SuggestCoder",
    "evaluate",
    "learning_curve",
    "code_partitions",
    "topics",
    "keyness",
    "kwic",
    "pseudonymise",
    "unreplaced_names",
    "NAME_COLUMNS",
    "review_queue",
    "write_review_sheet",
    "review_simulation",
    "ReviewSession",
    "simulate_review",
    "UtenforskapError",
    "InputError",
    "CodebookError",
]
