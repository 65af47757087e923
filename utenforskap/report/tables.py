"""The matrices of an analysis: one registry drives the tables, the
workbook's sheets, the CSV files and the reports' headings.

Each :class:`TableSpec` names a table (its id, also the key of its file name
in :data:`utenforskap.lang.nb.strings.OUTPUT_FILES`, its sheet name in
:data:`~utenforskap.lang.nb.strings.TABLE_TITLES` and its report heading in
:data:`~utenforskap.lang.nb.strings.REPORT_HEADINGS`), how it is built from a coded
frame, whether its values are shares, and in which reports it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._lazy import lazy_module
from ..coding import CodebookLike, codebook_of
from ..explore import code_counts, cooccurrence, framework_matrix, several_workshops

pd = lazy_module("pandas")

__all__ = ["SPECS", "TableSpec", "TABLES", "build_tables"]


@dataclass(frozen=True)
class TableSpec:
    """One matrix of the analysis.

    Attributes
    ----------
    name : str
        Its id.
    build : callable
        (coded frame, codebook) -> DataFrame.
    share : bool
        Values are shares (percentages in the workbook and the reports).
    series : bool
        Only for several workshops.
    reports : tuple of str
        Where it stands besides the CSV files and the workbook: ``"html"``
        (the report's matrices), ``"workshop"`` (each workshop's section of
        a series' report), ``"docx"`` (the Word report).
    """

    name: str
    build: Callable
    share: bool = False
    series: bool = False
    reports: tuple[str, ...] = ()


def _counts(by: str, share: bool = False, codes=None) -> Callable:
    return lambda coded, book: code_counts(coded, by, codes, share=share, codebook=book)


#: The matrices, in the order of the workbook's sheets and the CSV files.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("workshop_theme", _counts("workshop"), series=True, reports=("comparison",)),
    TableSpec("workshop_theme_share", _counts("workshop", share=True), share=True, series=True, reports=("comparison", "docx")),
    TableSpec("group_theme", _counts("group"), reports=("html", "workshop", "docx")),
    TableSpec("group_theme_share", _counts("group", share=True), share=True, reports=("html", "workshop", "docx")),
    TableSpec("question_theme", _counts("question"), reports=("html", "workshop", "docx")),
    TableSpec("question_theme_share", _counts("question", share=True), share=True),
    TableSpec("group_subcode", _counts("group", codes="subcodes"), reports=("html",)),
    TableSpec("cooccurrence", lambda coded, book: cooccurrence(coded, codebook=book), reports=("html",)),
    TableSpec("cooccurrence_jaccard", lambda coded, book: cooccurrence(coded, measure="jaccard", codebook=book), share=True),
    TableSpec("subcode_cooccurrence", lambda coded, book: cooccurrence(coded, "subcodes", codebook=book)),
    TableSpec("framework", lambda coded, book: framework_matrix(coded, "group", codebook=book)),
    TableSpec("framework_question", lambda coded, book: framework_matrix(coded, "question", codebook=book)),
)

SPECS = {spec.name: spec for spec in TABLES}


def build_tables(coded: pd.DataFrame, *, codebook: CodebookLike | None = None) -> dict[str, pd.DataFrame]:
    """The matrices of a coded frame, by name (pure).

    Returns
    -------
    dict
        With several workshops first ``workshop_theme`` and
        ``workshop_theme_share`` (workshop x theme); then
        ``group_theme``, ``group_theme_share``, ``question_theme``,
        ``question_theme_share``, ``group_subcode``, ``cooccurrence``,
        ``cooccurrence_jaccard``, ``subcode_cooccurrence``, ``framework``
        (group x theme quotes) and ``framework_question``
        (:data:`TABLES`).

    Examples
    --------
    >>> import utenforskap as u
    >>> tables = build_tables(u.code(u.read_workshop("data/raw")))
    >>> list(tables)[:3], int(tables["group_theme"].loc["Totalt", "barriers"])
    (['group_theme', 'group_theme_share', 'question_theme'], 26)
    """
    book = codebook_of(coded, codebook)
    several = several_workshops(coded)
    return {spec.name: spec.build(coded, book) for spec in TABLES if several or not spec.series}
