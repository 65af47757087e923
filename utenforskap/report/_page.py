"""What a report page says about its workshops: the title, each
workshop's number in a series, the questions as asked."""

from __future__ import annotations

from .._lazy import lazy_module

pd = lazy_module("pandas")

__all__ = [
    "workshop_numbers",
    "report_titles",
    "question_lines",
]


def workshop_numbers(coded: pd.DataFrame) -> dict:
    """Workshop -> its number in a series (W1, W2 ...); empty for one workshop."""
    workshops = list(dict.fromkeys(coded["workshop"])) if "workshop" in coded.columns else []
    return {w: i for i, w in enumerate(workshops, start=1)} if len(workshops) > 1 else {}


def report_titles(coded: pd.DataFrame) -> tuple[str, list[str]]:
    """The report's title (the workshop's, or a general one for a series)
    and the further workshop titles to list under it."""
    titles = [t for t in dict.fromkeys(coded.get("workshop_title", pd.Series(dtype=str)).fillna("")) if t]
    if len(titles) == 1:
        return titles[0], []
    return "Analyse av workshopinnspill", titles[1:]


def question_lines(coded: pd.DataFrame, numbers: dict) -> list[str]:
    """One line per question as asked (``W2: Spm. 1: ...`` in a series)."""
    if "question_text" not in coded.columns:
        return []
    keys = ["workshop", "question"] if "workshop" in coded.columns else ["question"]
    lines = []
    for key, text in coded.groupby(keys, sort=False)["question_text"].first().items():
        prefix = f"W{numbers[key[0]]}: " if numbers and isinstance(key, tuple) else ""
        lines.append(f"{prefix}{text}")
    return lines
