"""Direct identifiers in Norwegian text: e-mail addresses, phone numbers,
fødselsnummer and D-nummer, bank account numbers and street addresses.

Each finder gives ``(start, end, kind, value)`` spans.  An 11-digit number
(grouped or not) is an identifier either way: a fødselsnummer or D-nummer
when its date and both MOD11 control digits hold, an account number when its
MOD11 control digit holds, and a *possible* fødselsnummer when only its first
six digits are a date (mistyped or invented, it may still identify someone).  Used by
:func:`utenforskap.pseudonymise`.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..lang.nb import STREET_WORDS

__all__ = ["find_identifiers", "valid_fodselsnummer", "valid_account", "birth_date_digits", "KINDS"]

#: Placeholder word of each kind of identifier.
KINDS = {
    "email": "EPOST",
    "phone": "TELEFON",
    "fnr": "FØDSELSNUMMER",
    "possible_fnr": "MULIG-FØDSELSNUMMER",
    "account": "KONTO",
    "address": "ADRESSE",
}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w@])")
# 11 digits, as "ddmmyynnnnn", "ddmmyy nnnnn", "ddmmyy-nnnnn", "ddmmyy nnn nn", "dd mm yy nnnnn"
# or an account's "nnnn.nn.nnnnn" / "nnnn nn nnnnn"
_ELEVEN = re.compile(
    r"(?<![\d.,])(\d{6}[ -]?\d{5}|\d{6} \d{3} \d{2}|\d{2}[. ]\d{2}[. ]\d{2}[ -]\d{5}|\d{4}[. ]\d{2}[. ]\d{5})(?!\d|[.,]\d)"
)
# Norwegian phone numbers: 8 digits (first 2-9), grouped 2-2-2-2, 3-2-3, 4-4 or not, +47 / 0047 before
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)47[ ]?)?"
    r"([2-9]\d(?:[ ]?\d\d){3}|[2-9]\d\d[ ]\d\d[ ]\d\d\d|[2-9]\d{3}[ ]\d{4})"
    r"(?!\d|[.,]\d)"
)
# "Storgata 12", "Olav Kyrres gate 5B", "Lille Grensen 7, 0159 Oslo": a street with its number
_ADDRESS = re.compile(
    rf"\b(?:[A-ZÆØÅ][\wæøåéü.-]*\s){{0,3}}(?:[A-ZÆØÅ][\wæøåéü-]*(?:{STREET_WORDS})|(?:{STREET_WORDS}))"
    r"\s\d{1,4}\s?[A-Za-z]?\b(?:,?\s\d{4}\s[A-ZÆØÅ][\wæøå-]+)?"
)

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ACCOUNT = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: list[int], weights) -> int | None:
    rest = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
    return 0 if rest == 11 else None if rest == 10 else rest


def birth_date_digits(number: str) -> bool:
    """Whether the first six of 11 digits are a date (``ddmmyy``; the day
    + 40 for a D-nummer, the month + 40 for an H-nummer or a test number).

    Examples
    --------
    >>> birth_date_digits("31129912345"), birth_date_digits("32129912345")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 11:
        return False
    day, month, year = digits[0] * 10 + digits[1], digits[2] * 10 + digits[3], digits[4] * 10 + digits[5]
    if day > 40:
        day -= 40  # D-nummer
    if month > 40:
        month -= 40  # H-nummer / test numbers
    try:
        _dt.date(2000 + year if year < 40 else 1900 + year, month, day)
    except ValueError:
        return False
    return True


def valid_fodselsnummer(number: str) -> bool:
    """Whether 11 digits are a fødselsnummer or D-nummer: a real date of
    birth (day + 40 for a D-nummer) and both MOD11 control digits.

    Examples
    --------
    >>> valid_fodselsnummer("01010012356"), valid_fodselsnummer("01010012357")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    if not birth_date_digits(number):
        return False
    return _mod11(digits[:9], _W1) == digits[9] and _mod11(digits[:10], _W2) == digits[10]


def valid_account(number: str) -> bool:
    """Whether 11 digits are a Norwegian bank account number (MOD11).

    Examples
    --------
    >>> valid_account("1234.56.78903"), valid_account("1234.56.78904")
    (True, False)
    """
    digits = [int(c) for c in number if c.isdigit()]
    return len(digits) == 11 and _mod11(digits[:10], _ACCOUNT) == digits[10]


def find_identifiers(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, kind, value)`` of every direct identifier in ``text``,
    without overlaps, in order.  Kinds: see :data:`KINDS`.

    Examples
    --------
    >>> [k for _, _, k, _ in find_identifiers("Ring 912 34 567 eller skriv til kari@nav.no")]
    ['phone', 'email']
    """
    spans = [(m.start(), m.end(), "email", m.group(0)) for m in _EMAIL.finditer(text)]
    for m in _ELEVEN.finditer(text):
        value = re.sub(r"\D", "", m.group(1))  # one number however it is grouped: one pseudonym
        if valid_fodselsnummer(value) and not re.fullmatch(r"\d{4}\.\d{2}\.\d{5}", m.group(1)):
            spans.append((m.start(1), m.end(1), "fnr", value))
        elif valid_account(value):
            spans.append((m.start(1), m.end(1), "account", value))
        elif birth_date_digits(value):
            spans.append((m.start(1), m.end(1), "possible_fnr", value))
    for m in _PHONE.finditer(text):
        spans.append((m.start(), m.end(), "phone", m.group(0)))
    for m in _ADDRESS.finditer(text):
        spans.append((m.start(), m.end(), "address", m.group(0)))
    out: list[tuple[int, int, str, str]] = []
    priority = {"email": 0, "fnr": 1, "account": 2, "possible_fnr": 3, "address": 4, "phone": 5}
    for span in sorted(spans, key=lambda s: (priority[s[2]], s[0])):
        if not any(s < span[1] and span[0] < e for s, e, _, _ in out):
            out.append(span)
    return sorted(out)
