"""Helpers for tests that build Office files: a shared workshop table and a
way to change one XML part of a saved .xlsx/.docx (tuning data, written here)."""

import zipfile
from pathlib import Path

TITLE = "Innspel frå arbeidsverkstad om ungdom og arbeid"
HEADER = ["Gruppe", "Spm. 1: Kva hindrar ungdom?", "Spm. 2: Hva kan vi gjøre bedre?"]
ROWS = [
    ["Raud", "Hindringar:\n- Lange ventetider\n- For lite kontakt med rettleiar", "- Fleire lærlingplassar i kommunen"],
    ["Blå", "- Skolen tar ikke tak i fravær", "Forslag:\n- Et fast kontaktpunkt for hver ungdom\n- Tettere oppfølging"],
    ["Grønn", "- Økonomi: mange har ikke råd", "- Ungdomsrådet bør bli hørt"],
]
EXPECTED = [
    ("Raud", 1, "Hindringar", "Lange ventetider"),
    ("Raud", 1, "Hindringar", "For lite kontakt med rettleiar"),
    ("Raud", 2, "", "Fleire lærlingplassar i kommunen"),
    ("Blå", 1, "", "Skolen tar ikke tak i fravær"),
    ("Blå", 2, "Forslag", "Et fast kontaktpunkt for hver ungdom"),
    ("Blå", 2, "Forslag", "Tettere oppfølging"),
    ("Grønn", 1, "", "Økonomi: mange har ikke råd"),
    ("Grønn", 2, "", "Ungdomsrådet bør bli hørt"),
]


def tuples(frame):
    return list(frame[["group", "question", "section", "text"]].itertuples(index=False, name=None))


def rewrite_part(path: Path, part: str, change) -> None:
    """Replace ``part`` of the zip at ``path`` by ``change(old bytes)``."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info.filename, change(data) if info.filename == part else data)


# a group cell merged over two rows: the second row's paragraph is a statement
# of its own, not the rest of one cut by a page break
MERGED_ROWS = [HEADER, ["Raud", "- Lange ventetider", ""], ["", "- Dyrt å reise", "Vi treng eit ope ungdomshus"]]
MERGED_EXPECTED = [
    ("Raud", 1, "", "Lange ventetider"),
    ("Raud", 1, "", "Dyrt å reise"),
    ("Raud", 2, "", "Vi treng eit ope ungdomshus"),
]


def fill_docx_table(document, table, rows):
    """Write ``rows`` into a python-docx table; lines starting with "- "
    become paragraphs in Word's "List Bullet" style."""
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            for i, line in enumerate(text.split("\n") if text else []):
                para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                if line.startswith("- "):
                    para.text = line[2:]
                    para.style = document.styles["List Bullet"]
                else:
                    para.text = line
