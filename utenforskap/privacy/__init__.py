"""Privacy: direct identifiers and pseudonymisation for exports that leave the research team."""

from .identifiers import KINDS, find_identifiers, valid_account, valid_fodselsnummer
from .pseudonym import FIRST_NAMES, NAME_COLUMNS, PUBLIC_FIGURES, name_check_path, pseudonymise, read_key, unreplaced_names

__all__ = [
    "FIRST_NAMES",
    "KINDS",
    "NAME_COLUMNS",
    "PUBLIC_FIGURES",
    "find_identifiers",
    "name_check_path",
    "pseudonymise",
    "read_key",
    "unreplaced_names",
    "valid_account",
    "valid_fodselsnummer",
]
