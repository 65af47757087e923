"""Reading workshop tables (text exports, .docx, .xlsx, .csv) into one tidy row per statement."""

from .workshop import STATEMENT_COLUMNS, SUPPORTED_SUFFIXES, expand_paths, read_workshop, segment_id, workshop_date, workshop_id

__all__ = [
    "workshop_date",
    "STATEMENT_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "expand_paths",
    "read_workshop",
    "segment_id",
    "workshop_id",
]
