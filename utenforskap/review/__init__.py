"""Review: the static queue, the learning review session and the supervised suggestions."""

from .._lazy import lazy_attributes
from .apply import OVERRULED_BY_THE_REVIEW, REVIEWED_BY_A_PERSON, apply_review
from .queue import review_queue, review_simulation, write_review_sheet
from .session import ReviewSession, simulate_review

# scikit-learn is imported only when the supervised coder is first used
_LAZY = {
    "SuggestCoder": "suggest",
    "Lemmatizer": "suggest",
    "evaluate": "suggest",
    "learning_curve": "suggest",
    "labels_from": "suggest",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = [
    "apply_review",
    "REVIEWED_BY_A_PERSON",
    "OVERRULED_BY_THE_REVIEW",
    "Lemmatizer",
    "ReviewSession",
    "SuggestCoder",
    "evaluate",
    "labels_from",
    "learning_curve",
    "review_queue",
    "review_simulation",
    "simulate_review",
    "write_review_sheet",
]
