"""Files for people and other tools: writers, REFI-QDA, the coding sheet, codebook formats."""

from .codebook_formats import (
    add_patterns,
    codebook_markdown,
    from_quanteda_yaml,
    read_quanteda_dictionary,
    to_quanteda_yaml,
    to_taguette_csv,
)
from .coding_sheet import SHEET, read_manual_coding, write_coding_sheet
from .files import (
    atomic_write,
    csv_rows,
    current_umask,
    flat,
    formula_safe,
    save_figure,
    source_date_epoch,
    write_csv,
    write_excel,
    write_parquet,
    write_svg,
    write_text,
)
from .refiqda import CODEBOOK_NS, LAYOUTS, PROJECT_NS, codebook_xml, project_xml, read_qdpx, write_qdc, write_qdpx

__all__ = [
    "source_date_epoch",
    "CODEBOOK_NS",
    "LAYOUTS",
    "PROJECT_NS",
    "SHEET",
    "add_patterns",
    "atomic_write",
    "codebook_markdown",
    "codebook_xml",
    "csv_rows",
    "current_umask",
    "flat",
    "formula_safe",
    "from_quanteda_yaml",
    "project_xml",
    "read_manual_coding",
    "read_qdpx",
    "read_quanteda_dictionary",
    "save_figure",
    "to_quanteda_yaml",
    "to_taguette_csv",
    "write_coding_sheet",
    "write_csv",
    "write_excel",
    "write_parquet",
    "write_qdc",
    "write_qdpx",
    "write_svg",
    "write_text",
]
