"""Exports: formula safety, HTML escaping, atomic writes, the whole analysis."""

import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from utenforskap import build_tables, code
from utenforskap.exchange.files import atomic_write, formula_safe, write_csv, write_excel
from utenforskap.report.html import render_report

DANGEROUS = ['=HYPERLINK("http://x","klikk")', "+1+1", "-Ledelse", "@SUM(A1)", "Vanlig tekst"]


def test_export_csv_is_formula_safe(tmp_path):
    path = write_csv(pd.DataFrame({"text": DANGEROUS, "n": [-1, 2, 3, 4, 5]}), tmp_path / "a.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["text"].tolist() == ["'" + t for t in DANGEROUS[:4]] + ["Vanlig tekst"]
    assert back["n"].tolist() == [-1, 2, 3, 4, 5]  # numbers are not text


def test_export_excel_stores_formula_like_text_as_text(tmp_path):
    path = write_excel({"Utsagn": pd.DataFrame({"text": DANGEROUS})}, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["Utsagn"]
    cells = [ws.cell(row=i, column=1) for i in range(2, 7)]
    assert [c.value for c in cells] == DANGEROUS
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].quotePrefix
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold


def test_export_excel_writes_each_kind_of_value_as_pandas_would(tmp_path):
    """Numbers stay numbers (numpy and nullable ones too), missing values
    are empty cells, dates get a date format, lists are joined, a named
    index is written as the first column, shares as percentages; pandas'
    own reader gets the frame back."""
    import datetime

    import numpy as np

    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "x": [0.25, np.nan, np.inf],
            "t": pd.array(["a", None, "c"], dtype="string"),
            "b": [True, False, True],
            "d": [pd.Timestamp("2024-01-02 03:04:05"), pd.NaT, pd.Timestamp("2024-05-06")],
            "codes": [["barriers", "funding_resources"], [], ["opportunities"]],
            "k": pd.Categorical(["x", "y", "x"]),
        },
        index=pd.Index(["g1", "g2", "g3"], name="gruppe"),
    )
    shares = pd.DataFrame({"andel": [0.5, 1.0]}, index=pd.Index(["g1", "g2"], name="gruppe"))
    path = write_excel({"Ark": frame, "Andel": shares}, tmp_path / "a.xlsx", percent={"Andel"})
    ws = openpyxl.load_workbook(path)["Ark"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["gruppe", "n", "x", "t", "b", "d", "codes", "k"]
    assert rows[1] == ["g1", 1, 0.25, "a", True, datetime.datetime(2024, 1, 2, 3, 4, 5), "barriers; funding_resources", "x"]
    assert rows[2] == ["g2", None, None, None, False, None, None, "y"]
    assert rows[3][2] == "inf" and ws["F2"].number_format == "YYYY-MM-DD HH:MM:SS"
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:H4"
    assert openpyxl.load_workbook(path)["Andel"]["B2"].number_format == "0%"
    back = pd.read_excel(path, sheet_name="Ark", index_col=0)
    assert back["n"].tolist()[::2] == [1, 3] and back["b"].tolist() == [True, False, True]


def test_export_formula_safe_does_not_mutate():
    frame = pd.DataFrame({"t": ["=1"]})
    assert formula_safe(frame)["t"].iat[0] == "'=1"
    assert frame["t"].iat[0] == "=1"


def test_export_atomic_write_leaves_no_half_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_report_escapes_statement_text():
    coded = code(["<script>alert('x')</script> er et problem", "Tom & Jerry <b>fet</b> er et problem"]).assign(
        group=["1", "2"],
        question=[1, 1],
        workshop="w",
        question_text="Spm. 1: <i>Hva?</i>",
        workshop_title="Workshop <img src=x onerror=alert(1)>",
    )
    page = render_report(coded, build_tables(coded), {})
    assert "<script>alert" not in page and "<img" not in page and "<b>fet" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; er et problem" in page
    assert "Tom &amp; Jerry &lt;b&gt;fet&lt;/b&gt;" in page
    assert "Spm. 1: &lt;i&gt;Hva?&lt;/i&gt;" in page


def test_export_flat_leaves_the_frame_it_was_given_alone():
    from utenforskap.exchange.files import flat

    frame = pd.DataFrame({"segment_id": ["a", "b"], "codes": [["barriers", "funding_resources"], []]})
    out = flat(frame)
    assert out["codes"].tolist() == ["barriers; funding_resources", ""]
    assert frame["codes"].tolist() == [["barriers", "funding_resources"], []]


def test_export_excel_cell_over_the_limit_is_cut_and_says_so(tmp_path):
    import warnings

    from utenforskap.exchange.files import write_excel

    long = "ord " * 20_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas would cut it silently, with an English warning at most
        write_excel({"Ark": pd.DataFrame({"tekst": [long, "kort"]})}, tmp_path / "a.xlsx")
    value = openpyxl.load_workbook(tmp_path / "a.xlsx")["Ark"]["A2"].value
    assert value.startswith(long[:32_000]) and value.endswith("tegn til står i CSV-filen]")
    assert len(value) <= 32_767


@pytest.mark.slow  # a whole analysis
def test_every_workbook_sheet_prints_on_a4_with_a_filter_and_norwegian_headers(forked_analysis):
    """Read with openpyxl as Excel and LibreOffice do: every sheet a researcher
    opens has a filter on its header row, prints on A4 fitted to the page
    width with the header repeated, and no column headed by a program id."""
    from utenforskap.lang.nb import COLUMN_LABELS

    english = set(COLUMN_LABELS) - {"workshop"}  # "Workshop" is the Norwegian header too
    for name in ("analyse.xlsx", "kodeark.xlsx", "gjennomgang.xlsx"):
        workbook = openpyxl.load_workbook(forked_analysis / name)
        for ws in workbook:
            where = f"{name}/{ws.title}"
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), where
            assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.fitToWidth == 1, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1", where
            visible = [c.value for c in ws[1] if not ws.column_dimensions[c.column_letter].hidden]
            ids = [h for h in visible if h in english or str(h).startswith(("prob_", "decided_"))]
            assert ids == [], where
        wide = workbook[workbook.sheetnames[0]]
        if name == "analyse.xlsx":
            assert wide.page_setup.orientation == "landscape"  # the coded statements are wide


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.slow  # LibreOffice prints the workbook
def test_the_workbook_prints_on_few_a4_pages_in_libreoffice(forked_analysis, tmp_path):
    """Printed as a reader prints it: before the print set-up analyse.xlsx
    came out as 114 pages of overlapping text; fitted to the page width it
    is 16 (measured 2026-12-02)."""
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(forked_analysis / "analyse.xlsx")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pages = len(re.findall(rb"/Type\s*/Page[^s]", (tmp_path / "analyse.pdf").read_bytes()))
    assert 0 < pages <= 25
