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

from ._lazy import lazy_attributes
from .coding import (
    Codebook,
    RuleCoder,
    agreement,
    code,
    code_matrix,
    codebook_nynorsk_gaps,
    codebook_of,
    codebook_pattern_problems,
    coding_table,
    load_codebook,
    nynorsk_variants,
    pattern_matches,
)
from .errors import CodebookError, InputError, UtenforskapError
from .exchange import (
    codebook_markdown,
    from_quanteda_yaml,
    read_manual_coding,
    read_qdpx,
    read_quanteda_dictionary,
    to_quanteda_yaml,
    to_taguette_csv,
    write_coding_sheet,
    write_parquet,
    write_qdc,
    write_qdpx,
)
from .explore import code_counts, cooccurrence, framework_matrix, keyness, kwic, topics
from .privacy import NAME_COLUMNS, pseudonymise, unreplaced_names
from .read import read_workshop
from .report import build_figures, build_tables, charts, render_figures
from .review import ReviewSession, apply_review, review_queue, review_simulation, simulate_review, write_review_sheet
from .text import describe_pipeline, get_pipeline, normalise, normalise_text
from .workflow import Analysis, analyse

__version__ = "0.1.0"

# scikit-learn is imported only when the supervised coder is first used
_LAZY = {"SuggestCoder": "review", "evaluate": "review", "learning_curve": "review", "code_partitions": "coding"}


__getattr__ = lazy_attributes(__name__, _LAZY)


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
    "apply_review",
    "simulate_review",
    "UtenforskapError",
    "InputError",
    "CodebookError",
]
