"""Evidence records: why a code was given, or set aside, for one statement.

Every coded statement carries a list of :class:`Evidence` records (the
``evidence`` column): the coder writes them, the explanations (``why``,
``why_nb``), the review queue, the review session and the exports read them.
A record is a plain ``dict`` (JSON, CSV and Parquet take it as it is) typed by
:class:`Evidence`, so readers and type checkers know its keys.

Measured for 200,000 records (tracemalloc, this machine): 232 bytes each as
built here (dicts that share their keys, PEP 412), 344 as ordinary dicts,
176 as a dataclass with ``__slots__``.  The slotted class would save about a
quarter but would need a conversion at every export and reader; the shared-key
dict keeps the exported form and most of the saving.
"""

from __future__ import annotations

import sys
from typing import Literal, TypedDict

__all__ = ["Evidence", "Method", "METHODS", "evidence_record", "copy_evidence", "add_note", "why_text"]

#: Where a record comes from: a ``pattern`` of the codebook, the ``section``
#: heading or ``question`` a statement stands under, a ``negation`` that
#: describes a lack, a pattern ``negated`` into another code, a standalone
#: ``sub-code`` speaking for its theme, the semantic ``model``, or a ``review``
#: (a person's decision, or the review's model for the statements not read).
Method = Literal["pattern", "section", "question", "negation", "negated", "sub-code", "model", "review"]
METHODS: tuple[str, ...] = ("pattern", "section", "question", "negation", "negated", "sub-code", "model", "review")


class Evidence(TypedDict):
    """One reason for or against a code.

    Keys
    ----
    code : the code id the record speaks for;
    method : one of :data:`METHODS`;
    rule : the pattern, section or question rule (``p=0.93`` for the model);
    matched, lemma : the words matched and their lemma (empty without a match);
    start, end : the matched tokens (-1 without a match);
    kept : whether the record counts (False: set aside, and ``note`` says why);
    note : why it was set aside or kept, in English (``note_nb`` translates).
    """

    code: str
    method: Method
    rule: str
    matched: str
    lemma: str
    start: int
    end: int
    kept: bool
    note: str


class _Record:
    """Builds an evidence record as an instance's attribute dict: a plain
    dict, but one whose keys all records share (PEP 412's key-sharing
    dicts), so it takes about 220 bytes instead of 340 (measured: coding
    200,000 statements grows by 800 MB instead of 925 MB; same speed)."""

    def __init__(self, code, method, rule, matched, lemma, start, end, kept, note):
        # the texts are interned: the same rule, word or note is one string for
        # every record that has it, not one per record (made afresh per match,
        # they were half of the records' memory: 200,000 statements, 85 MB)
        intern = sys.intern
        self.code, self.method, self.rule = code, method, intern(rule)
        self.matched, self.lemma = intern(matched), intern(lemma)
        self.start, self.end, self.kept, self.note = start, end, kept, intern(note)


def evidence_record(
    code_id: str, method: Method, rule: str, span: tuple | None = None, kept: bool = True, note: str = ""
) -> Evidence:
    """One evidence record.

    Parameters
    ----------
    code_id, method, rule, kept, note
        As in :class:`Evidence`.
    span : tuple, optional
        ``(matched, lemma, start, end)`` of a match.

    Examples
    --------
    >>> e = evidence_record("barriers", "pattern", "hindr*", ("hindring", "hindring", 3, 4))
    >>> e["code"], e["matched"], e["kept"]
    ('barriers', 'hindring', True)
    """
    matched, lemma, start, end = span if span is not None else ("", "", -1, -1)
    return vars(_Record(code_id, method, rule, matched, lemma, start, end, kept, note))  # type: ignore[return-value]


def add_note(record: Evidence, text: str) -> None:
    """Add ``text`` to a record's note (after a ``"; "`` where it has one).

    Examples
    --------
    >>> e = evidence_record("barriers", "pattern", "hindr*", note="negated")
    >>> add_note(e, "kept")
    >>> e["note"]
    'negated; kept'
    """
    record["note"] = sys.intern(f"{record['note']}; {text}" if record["note"] else text)


def copy_evidence(record: Evidence) -> Evidence:
    """A copy of a record that shares its keys with the others (see :func:`evidence_record`).

    Examples
    --------
    >>> e = evidence_record("barriers", "section", "hindringer")
    >>> c = copy_evidence(e)
    >>> c == e and c is not e
    True
    """
    return vars(_Record(**record))  # type: ignore[return-value]


def why_text(evidence: list[Evidence]) -> str:
    """Why a statement got its codes, from its kept records (the ``why``
    column; ``why_nb`` says it in Norwegian); for a statement without a code,
    ``"not coded: "`` and the records set aside (or that no rule spoke).

    Examples
    --------
    >>> why_text([evidence_record("barriers", "pattern", "hindr*", ("hindring", "hindring", 3, 4))])
    "barriers: 'hindring' ~ hindr*"
    >>> why_text([evidence_record("barriers", "model", "p=0.37", kept=False, note="model unsure, and no rule speaks for it")])
    'not coded: barriers: model p=0.37 model unsure, and no rule speaks for it'
    >>> why_text([])
    'not coded: no rule evidence'
    """
    parts = [_why_part(e) for e in evidence if e["kept"]]
    if parts:
        return "; ".join(parts)
    return "not coded: " + ("; ".join(_why_part(e) for e in evidence) or "no rule evidence")


def _why_part(e: Evidence) -> str:
    if e["method"] == "pattern":
        return f"{e['code']}: '{e['matched']}' ~ {e['rule']}" + (f" ({e['note']})" if e["note"] else "")
    if e["method"] in ("section", "question"):
        return f"{e['code']}: {e['note']} ~ {e['rule']}"
    return f"{e['code']}: {e['method']} {e['rule']} {e['note']}".strip()
