"""A frame coded with the researcher's own codebook keeps it downstream:
every function that takes a coded frame uses the frame's codebook when none
is given, and refuses one with other themes."""

import zipfile

import pandas as pd
import pytest

import utenforskap as u
from utenforskap import CodebookError

DICTIONARY = """
tid:
  - tid
  - travel*
  - ventetid*
  - rask: [raskt, fort*]
  - sein: [sein*, sent]
samarbeid:
  - samarbeid*
  - sammen
  - felles
"""


@pytest.fixture(scope="module")
def custom(statements):
    book = u.from_quanteda_yaml(DICTIONARY, name="Tid og samarbeid")
    coded = u.code(statements, codebook=book)
    assert coded["tid"].any() and coded["samarbeid"].any()
    return book, coded


def test_custom_codebook_travels_with_the_frame(custom):
    book, coded = custom
    assert u.codebook_of(coded) is book
    assert u.codebook_of(coded[coded["samarbeid"]].reset_index(drop=True)) is book
    assert u.codebook_of(coded, book) is book


def test_custom_codebook_long_table_and_matrices(custom):
    book, coded = custom
    long = u.coding_table(coded)
    assert set(long["theme"]) == {"tid", "samarbeid"}
    assert list(u.code_counts(coded).columns) == ["n", "tid", "samarbeid"]
    assert u.code_counts(coded).loc["Totalt", "samarbeid"] == coded["samarbeid"].sum()
    assert list(u.cooccurrence(coded).columns) == ["tid", "samarbeid"]
    assert list(u.framework_matrix(coded).columns) == ["tid", "samarbeid"]
    tables = u.build_tables(coded)
    assert list(tables["group_subcode"].columns) == ["n", "rask", "sein"]


def test_custom_codebook_qdpx_has_the_codings(custom, tmp_path):
    _, coded = custom
    path = u.write_qdpx(coded, tmp_path / "p.qdpx")
    project = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    n_codings = project.count("<Coding ")
    assert n_codings == sum(len(c) for c in coded["codes"])
    assert 'name="samarbeid"' in project


def test_custom_codebook_review_and_sheets(custom, tmp_path):
    import openpyxl

    _, coded = custom
    queue = u.review_queue(coded)
    assert len(queue) == len(coded)
    assert u.codebook_of(queue).themes == ["tid", "samarbeid"]
    u.write_review_sheet(queue, tmp_path / "review.xlsx")
    u.write_coding_sheet(coded, tmp_path / "sheet.xlsx")
    header = [c.value for c in openpyxl.load_workbook(tmp_path / "sheet.xlsx").worksheets[0][1]]
    assert any(str(h).startswith("samarbeid") or h == "samarbeid" for h in header if h)
    back = u.read_manual_coding(tmp_path / "sheet.xlsx", coded)
    assert back["codes"].tolist() == coded["codes"].tolist()
    sim = u.review_simulation(queue, coded)
    assert {"tid", "samarbeid"} <= set(sim.columns)


def test_custom_codebook_charts_and_report(custom):
    from utenforskap.report.html import render_report

    _, coded = custom
    figures = u.build_figures(coded)
    assert "subcodes_tid" in figures
    labels = [t.get_text() for t in figures["group_theme_heatmap"].axes[0].get_xticklabels()]
    assert labels == ["tid", "samarbeid"]
    html = render_report(coded, u.build_tables(coded), {})
    assert "Tid og samarbeid" in html


def test_custom_codebook_word_report(custom, tmp_path):
    import docx

    from utenforskap.report.word import write_word_report

    _, coded = custom
    path = write_word_report(coded, u.build_tables(coded), {}, tmp_path / "r.docx")
    headings = [p.text for p in docx.Document(path).paragraphs if p.style.name.startswith("Heading")]
    assert "tid" in headings and "samarbeid" in headings and "Hindringer" not in headings


def test_custom_codebook_agreement_uses_its_themes(custom):
    _, coded = custom
    result = u.agreement(coded, coded)
    assert list(result.index) == ["tid", "samarbeid"]


def test_a_codebook_with_other_themes_is_refused(custom):
    _, coded = custom
    with pytest.raises(
        CodebookError,
        match=r"coded with codebook 'Tid og samarbeid' \(themes tid, samarbeid\), but codebook .* has themes barriers",
    ):
        u.code_counts(coded, codebook=u.load_codebook())
    # read back from a file, the frame has lost its codebook: the bundled one does not fit it
    plain = pd.DataFrame(coded.drop(columns=["evidence"]))
    plain.attrs = {}
    with pytest.raises(CodebookError, match=r"coded with another codebook than the bundled one"):
        u.code_counts(plain)
