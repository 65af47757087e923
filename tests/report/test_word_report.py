"""The reports as a reader meets them: the Word report read back with
python-docx (and converted with LibreOffice where installed), the HTML report
printed to PDF by a browser where one is installed."""

import re
import shutil
import subprocess

import docx
import pytest

import utenforskap as u
from utenforskap.coding.coder import uncoded


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, bundled_path):
    out = tmp_path_factory.mktemp("rapport")
    u.analyse(bundled_path, out, progress=False)
    return out


@pytest.mark.slow  # a whole analysis
def test_word_report_reads_back(analysed, statements):
    document = docx.Document(analysed / "rapport.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for wanted in (
        "Spørsmål",
        "Figurer",
        "Matriser",
        "Rammematrise: sitater per tema og gruppe",
        "Utsagn uten kode",
        "Vedlegg: kodebok",
    ):
        assert wanted in headings
    assert document.paragraphs[0].text.startswith("Vedlegg 3: Innspill fra workshop")
    assert len(document.inline_shapes) == 6  # every chart, as a picture
    group_theme = document.tables[0]
    assert [c.text for c in group_theme.rows[0].cells] == [
        "Gruppe",
        "Antall utsagn",
        "Hindringer",
        "Muligheter",
        "Brukermedvirkning",
    ]
    assert [r.cells[0].text for r in group_theme.rows[1:]] == ["1", "2", "3", "4", "5", "6", "Totalt"]
    text = "\n".join(p.text for p in document.paragraphs)
    coded = u.code(statements)
    for row in uncoded(coded).itertuples():
        assert f"{row.text} [{row.segment_id.split('-', 1)[1]}]" in text
    # quotes per theme carry short ids; the codebook appendix has every code's definition
    assert "[g3-q3-01]" in text and "workshop_ungt_utenforskap_2023-g3-q3-01" not in text
    book = u.load_codebook()
    assert all(book.codes[c].definition in text for c in book.codes if book.codes[c].definition)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.slow
def test_word_report_converts_to_pdf_with_libreoffice(analysed, tmp_path):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(analysed / "rapport.docx")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / "rapport.pdf"
    assert pdf.stat().st_size > 50_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Vedlegg: kodebok" in text and "Utsagn uten kode" in text


def _browser():
    return next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


@pytest.mark.skipif(_browser() is None or shutil.which("pdftotext") is None, reason="no headless browser and pdftotext")
@pytest.mark.slow
def test_html_report_prints_every_column(analysed, tmp_path, statements):
    pdf = tmp_path / "rapport.pdf"
    subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            (analysed / "rapport.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    # the widest table, group x sub-code (17 columns), keeps every column on paper:
    # its totals row is there whole (narrow header words wrap, numbers do not)
    coded = u.code(statements)
    totals = u.code_counts(coded, "group", "subcodes").iloc[-1]
    assert len(totals) == 15
    assert "Totalt " + " ".join(str(int(v)) for v in totals) in flat
    assert "Innhold" in flat and "Utsagn uten kode" in flat


@pytest.mark.slow  # a whole analysis
def test_word_report_is_a4_and_its_codebook_appendix_reads_as_written(analysed):
    """Read back with python-docx: the page is A4, and every code's definition,
    inclusion and exclusion text stand in the appendix as the codebook has
    them (not a string taken letter by letter: "Ta med: U; t; s; ...")."""
    from docx.shared import Cm

    document = docx.Document(analysed / "rapport.docx")
    for section in document.sections:
        assert abs(section.page_width - Cm(21.0)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Vedlegg: kodebok")
    appendix = paragraphs[start + 1 :]
    book = u.load_codebook()
    for code in book.codes.values():
        assert book.label(code.id) in appendix
        if code.include:
            assert f"Ta med: {code.include}" in appendix, code.id
        if code.exclude:
            assert f"Ikke ta med: {code.exclude}" in appendix, code.id
    assert not any(re.search(r"(^|: )(\w; ){3}", p) for p in appendix)  # no text spelt out letter by letter
    # a contents field Word fills when the document opens
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and "Innhold" in paragraphs
    assert 'w:updateFields w:val="true"' in document.settings.element.xml
    # table headers readable: each column at least as wide as its longest header word needs at 9 pt bold
    for table in document.tables:
        for cell in table.rows[0].cells:
            longest = max(map(len, cell.text.split()))
            assert cell.width >= Cm(longest * 0.19), cell.text
            assert all(run.font.size.pt == 9 for run in cell.paragraphs[0].runs if run.text)
        assert sum(c.width for c in table.rows[0].cells) <= Cm(17.01)


@pytest.mark.slow  # a whole analysis
def test_html_report_prints_on_a4_with_headers_broken_only_between_words(analysed):
    html = (analysed / "rapport.html").read_text(encoding="utf-8")
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page{size:A4" in css
    printed = css.split("@media print{", 1)[1]
    assert "anywhere" not in css  # 'overflow-wrap:anywhere' broke table headers mid-word ("Grupp e")
    assert re.search(r"(^|\s)th\{overflow-wrap:normal;hyphens:manual\}", printed, re.M)
