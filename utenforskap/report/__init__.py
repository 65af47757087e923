"""Reports: the tables, charts and figures of an analysis, the HTML and the Word report."""

from . import charts
from ._page import question_lines, report_titles, workshop_numbers
from .charts import (
    PALETTE,
    cooccurrence_heatmap,
    group_heatmap,
    keyness_bars,
    question_bars,
    subcode_bars,
    topic_words,
    warm_up,
    workshop_bars,
)
from .figures import FigureRenderer, FigureSpec, build_figures, figure_specs, render_figures
from .html import figure_svg, render_report
from .tables import SPECS, TABLES, TableSpec, build_tables
from .word import write_word_report

__all__ = [
    "FigureRenderer",
    "FigureSpec",
    "PALETTE",
    "SPECS",
    "TABLES",
    "TableSpec",
    "build_figures",
    "build_tables",
    "charts",
    "cooccurrence_heatmap",
    "figure_specs",
    "figure_svg",
    "group_heatmap",
    "keyness_bars",
    "question_bars",
    "question_lines",
    "render_figures",
    "render_report",
    "report_titles",
    "subcode_bars",
    "topic_words",
    "warm_up",
    "workshop_bars",
    "workshop_numbers",
    "write_word_report",
]
