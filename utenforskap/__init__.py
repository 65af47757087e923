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
from .analyse import analyse, build_figures, build_tables
from .codebook import Codebook, load_codebook
from .coding import agreement, code, code_matrix, coding_table
from .errors import CodebookError, InputError, UtenforskapError
from .ingest import read_workshop
from .matrices import code_counts, cooccurrence, framework_matrix
from .nlp import describe_pipeline, get_pipeline
from .normalise import normalise, normalise_text

__version__ = "0.1.0"

__all__ = [
    "read_workshop",
    "normalise",
    "normalise_text",
    "get_pipeline",
    "describe_pipeline",
    "load_codebook",
    "Codebook",
    "code",
    "coding_table",
    "code_matrix",
    "agreement",
    "code_counts",
    "cooccurrence",
    "framework_matrix",
    "charts",
    "analyse",
    "build_tables",
    "build_figures",
    "UtenforskapError",
    "InputError",
    "CodebookError",
]
