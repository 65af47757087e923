"""Coding: the codebook model and loader, the pattern matcher, the coder, reliability and checks for codebook authors."""

from .authoring import codebook_nynorsk_gaps, codebook_pattern_problems, nynorsk_variants, pattern_matches
from .codebook import PALETTE, Code, Codebook, CodebookLike, Pattern, default_codebook_path, glob_regex
from .coder import RuleCoder, code, coding_table, rule_flags, uncoded
from .evidence import METHODS, Evidence, Method, add_note, copy_evidence, evidence_record, why_text
from .lexicon import Lexicon, glob_rx, matches
from .loading import (
    CODEBOOK_READERS,
    codebook_of,
    entry_place,
    load_codebook,
    parse_codebook,
    parse_pattern,
    register_codebook_reader,
)
from .reliability import agreement, code_matrix
from .scale import code_partitions

__all__ = [
    "CODEBOOK_READERS",
    "register_codebook_reader",
    "Evidence",
    "Method",
    "METHODS",
    "evidence_record",
    "copy_evidence",
    "add_note",
    "why_text",
    "Code",
    "Codebook",
    "CodebookLike",
    "Lexicon",
    "PALETTE",
    "Pattern",
    "RuleCoder",
    "agreement",
    "code",
    "code_matrix",
    "code_partitions",
    "codebook_nynorsk_gaps",
    "codebook_of",
    "codebook_pattern_problems",
    "coding_table",
    "default_codebook_path",
    "entry_place",
    "glob_regex",
    "glob_rx",
    "load_codebook",
    "matches",
    "nynorsk_variants",
    "parse_codebook",
    "parse_pattern",
    "pattern_matches",
    "rule_flags",
    "uncoded",
]
