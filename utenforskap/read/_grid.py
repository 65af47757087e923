"""The raw grid every reader produces: rows of cell text with their source lines.

A reader (text, Excel, Word) turns each table it finds into a :class:`Grid`;
``ingest`` picks the grid that is the workshop and assembles statements from
it, so the rules for headers, groups, sections and bullets are the same for
every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    """One row of a table as read.

    ``line`` is the 1-based line (text file), sheet row (Excel) or table row
    (Word) where the row starts; ``line_end`` where it ends.  ``lines`` gives a
    source line per cell when cells of one row come from different lines (a
    transposed table).
    """

    line: int
    line_end: int
    cells: list[str]
    lines: list[int] | None = None


@dataclass
class Grid:
    """One table found in a file.

    ``name`` says where it is (``sheet 'Ark1'``, ``table 2``) for messages;
    ``merged`` lists vertically merged cells as ``(first row, last row,
    column)`` in sheet/table coordinates (the ``line`` numbers of the rows and
    the 0-based column in ``cells``): a merged group cell belongs to every row
    it spans.
    """

    name: str
    rows: list[Row]
    title: str = ""
    merged: list[tuple[int, int, int]] = field(default_factory=list)
    hidden: bool = False
