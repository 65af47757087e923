"""A review reaching the outputs: the coded frame with the reviewed codings
in place of the machine's.

Statements a person reviewed get exactly what they recorded (themes,
sub-codes, note); the others get the review's model's themes (which learnt
from the reviews) with the machine's sub-codes under the themes that stay.
Every change is recorded in the evidence, so ``why`` still says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..coding import add_note, copy_evidence, evidence_record, why_text
from ..errors import UtenforskapError

if TYPE_CHECKING:
    from .session import ReviewSession

np = lazy_module("numpy")
pd = lazy_module("pandas")

__all__ = ["apply_review", "REVIEWED_BY_A_PERSON", "OVERRULED_BY_THE_REVIEW"]

#: Evidence notes of a review (translated by ``note_nb``).
REVIEWED_BY_A_PERSON = "reviewed by a person"
OVERRULED_BY_THE_REVIEW = "overruled by the review"


def apply_review(coded: pd.DataFrame, session: ReviewSession) -> pd.DataFrame:
    """The coded frame with a review's codings in place of the machine's.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code` for the statements the review was
        made from (the same segment ids and themes).
    session : ReviewSession
        The review (:meth:`ReviewSession.load` takes up a saved one).

    Returns
    -------
    pandas.DataFrame
        A copy with the themes, ``codes``, ``prob_<theme>``,
        ``decided_<theme>`` (``review`` for a statement a person reviewed,
        ``review model`` where the review's model changed the machine's
        theme), ``evidence`` and ``why`` changed, and two new columns:
        ``reviewed`` (True exactly for the statements a person reviewed) and
        ``review_note`` (their note).  ``attrs["review"]`` holds how many
        statements were reviewed and the review's estimated agreement (kappa
        per theme) for the rest.

    Raises
    ------
    UtenforskapError
        When the review was made from other statements or themes.

    Examples
    --------
    >>> import pandas as pd, utenforskap as u
    >>> coded = u.code(u.read_workshop("data/raw"), semantic=False)
    >>> session = u.ReviewSession(coded)
    >>> first = session.next_batch(1)[0]
    >>> session.record(pd.DataFrame({"segment_id": [first], "barriers": [True], "opportunities": [False],
    ...                                "user_participation": [False], "note": ["sjekket"]}))
    >>> out = apply_review(coded, session).set_index("segment_id")
    >>> int(out["reviewed"].sum()), bool(out.loc[first, "barriers"]), out.loc[first, "review_note"]
    (1, True, 'sjekket')
    """
    book = session.book
    ids = coded["segment_id"].astype(str).tolist()
    unknown = [sid for sid in ids if sid not in session.index]
    if unknown or len(ids) != len(session.ids):
        raise UtenforskapError(
            f"the review was made from other statements: {len(unknown)} of the {len(ids)} statements here are not in it "
            f"(e.g. {unknown[0]!r}), and it holds {len(session.ids)}; review these statements, or analyse the ones it was made from"
            if unknown
            else f"the review holds {len(session.ids)} statements, the analysis {len(ids)}; analyse the ones it was made from"
        )
    themes = [t for t in session.themes if t in coded.columns]
    if themes != [t for t in book.themes if t in coded.columns]:
        raise UtenforskapError(f"the review's themes ({', '.join(session.themes)}) are not the frame's")
    order = {c: k for k, c in enumerate(book.codes)}
    predicted = session.coding().set_index("segment_id")
    out = coded.copy()
    columns = {name: [] for name in ("codes", "evidence", "why", "reviewed", "review_note")}
    decided = {t: [] for t in themes}
    rows = [session.index[sid] for sid in ids]  # each statement's row in the session
    for i, (sid, j) in enumerate(zip(ids, rows)):
        person = sid in session.labels
        machine = set(coded["codes"].iat[i]) if "codes" in coded.columns else set()
        on = {t for t in themes if (session.labels[sid][t] if person else bool(predicted.at[sid, t]))}
        subs = session.subcodes.get(sid, []) if person else [c for c in machine if c not in themes and book.theme_of(c) in on]
        codes = sorted(on | set(subs), key=lambda c: order.get(c, len(order)))
        note = REVIEWED_BY_A_PERSON if person else None
        evidence = _reviewed_evidence(coded["evidence"].iat[i], set(codes), machine, note, session, j, themes)
        columns["codes"].append(codes)
        columns["evidence"].append(evidence)
        columns["why"].append(why_text(evidence))
        columns["reviewed"].append(person)
        columns["review_note"].append(session.notes.get(sid, "") if person else "")
        for t in themes:
            changed = (t in on) != (t in machine)
            old = coded[f"decided_{t}"].iat[i] if f"decided_{t}" in coded.columns else "rules"
            decided[t].append("review" if person else "review model" if changed else old)
    for t in themes:
        out[t] = [t in codes for codes in columns["codes"]]
        out[f"prob_{t}"] = np.round(session.proba[t][rows], 3)
        out[f"decided_{t}"] = decided[t]
    for name, values in columns.items():
        out[name] = values
    expected = session.estimated_agreement()
    out.attrs = {
        **coded.attrs,
        "review": {
            "reviewed": int(sum(columns["reviewed"])),
            "statements": len(ids),
            "estimated_kappa": {t: round(float(k), 2) for t, k in zip(expected["theme"], expected["kappa"])},
        },
    }
    return out


def _reviewed_evidence(evidence, codes: set, machine: set, note: str | None, session, j: int, themes) -> list:
    """The machine's evidence with the review's decisions: records of a code
    the review took away set aside, and a review record for each code the
    review gave that the machine's evidence does not carry."""
    out = []
    for e in evidence:
        e = copy_evidence(e)
        if e["kept"] and e["code"] not in codes:
            e["kept"] = False
            add_note(e, OVERRULED_BY_THE_REVIEW)
        out.append(e)
    carried = {e["code"] for e in out if e["kept"]}
    for code in sorted(codes - carried, key=lambda c: (c not in themes, c)):
        if note is not None:
            out.append(evidence_record(code, "review", "", note=note))
        elif code in themes:
            out.append(evidence_record(code, "review", f"p={session.proba[code][j]:.2f}", note="the review's model"))
        else:  # a machine's sub-code under a theme the review's model gave
            out.append(evidence_record(code, "review", "", note="the review's model"))
    return out
