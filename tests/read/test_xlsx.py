"""Excel workbooks as researchers have them: nothing lost, the right sheet,
hostile files refused within bounds."""

import subprocess
import sys
import zipfile

import openpyxl
import pytest
from _office import EXPECTED, HEADER, MERGED_EXPECTED, MERGED_ROWS, ROWS, TITLE, rewrite_part, tuples

from utenforskap import InputError, read_workshop


def workbook(path, sheets=None, at="A3"):
    """Save the shared table in a workbook: the title in A1, the table's
    header at ``at``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Innspill"
    ws["A1"] = TITLE
    col = openpyxl.utils.column_index_from_string(at[0])
    row = int(at[1:])
    for r, values in enumerate([HEADER, *ROWS]):
        for c, value in enumerate(values):
            if value != "":
                ws.cell(row=row + r, column=col + c, value=value)
    for name, rows, state in sheets or []:
        extra = wb.create_sheet(name, 0 if state == "hidden" else None)
        extra.sheet_state = state
        for values in rows:
            extra.append(values)
    wb.save(path)
    return path


def test_xlsx_wrong_declared_dimension_loses_nothing(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<dimension ref="A1:C6"/>', b'<dimension ref="A1:C2"/>'))
    assert b'ref="A1:C2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED
    assert frame["workshop_title"].iat[0] == TITLE


def test_xlsx_hidden_lookup_sheet_is_skipped_and_can_be_chosen(tmp_path):
    lookup = [["Kode", "Tekst"], ["H1", "Hindring"], ["M1", "Mulighet"]]
    path = workbook(tmp_path / "ws.xlsx", sheets=[("Oppslag", lookup, "hidden")])
    assert openpyxl.load_workbook(path).sheetnames[0] == "Oppslag"
    assert tuples(read_workshop(path)) == EXPECTED
    chosen = read_workshop(path, sheet="Oppslag")
    assert tuples(chosen) == [("H1", 1, "", "Hindring"), ("M1", 1, "", "Mulighet")]
    assert tuples(read_workshop(path, sheet=2)) == EXPECTED


def test_xlsx_two_workshop_sheets_are_ambiguous(tmp_path):
    other = [HEADER, *[[g + "2", a, b] for g, a, b in ROWS]]
    path = workbook(tmp_path / "ws.xlsx", sheets=[("Verkstad 2", other, "visible")])
    with pytest.raises(
        InputError,
        match=r"more than one table looks like a workshop: sheet 'Innspill' .*sheet 'Verkstad 2'.*sheet=\.\.\. \(command line: --sheet\)",
    ):
        read_workshop(path)
    assert read_workshop(path, sheet="Verkstad 2")["group"].iat[0] == "Raud2"
    with pytest.raises(InputError, match=r"no sheet 'Nope' in the workbook; its sheets: 'Innspill', 'Verkstad 2'"):
        read_workshop(path, sheet="Nope")


def test_xlsx_table_not_at_a1(tmp_path):
    path = workbook(tmp_path / "ws.xlsx", at="B3")
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED
    assert frame["workshop_title"].iat[0] == TITLE
    assert frame["line"].iat[0] == 4  # the sheet row of group Raud


def test_xlsx_formula_without_stored_value_names_the_cell(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["C6"] = '=CONCATENATE("- ", "Mer tid")'  # openpyxl stores no value
    wb.save(path)
    with pytest.raises(InputError, match=r"ws\.xlsx: sheet 'Innspill', cell C6: a formula without a stored value"):
        read_workshop(path)


def test_xlsx_formula_with_stored_value_is_read(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(
            b"</sheetData>",
            b'<row r="7"><c r="A7" t="str"><f>"Gul"</f><v>Gul</v></c><c r="B7" t="str"><f>B6</f><v>- Formel gir tekst</v></c></row></sheetData>',
        ),
    )
    assert tuples(read_workshop(path))[-1] == ("Gul", 1, "", "Formel gir tekst")


def test_xlsx_transposed_table_is_read_the_other_way(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append([""] + [r[0] for r in ROWS])
    for q in (1, 2):
        ws.append([HEADER[q]] + [r[q] for r in ROWS])
    path = tmp_path / "tr.xlsx"
    wb.save(path)
    frame = read_workshop(path)
    assert sorted(tuples(frame)) == sorted(EXPECTED)
    assert frame["question_text"].iat[0] == HEADER[1]
    assert frame.loc[frame["text"] == "Tettere oppfølging", "line"].item() == 4  # the sheet row of question 2


def test_xlsx_merged_group_cell_belongs_to_every_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in MERGED_ROWS:
        ws.append(row)
    ws.merge_cells("A2:A3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    frame = read_workshop(path)
    assert tuples(frame) == MERGED_EXPECTED
    assert not frame["continued"].any()


def test_xlsx_stray_cell_far_away_is_an_error_not_memory(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    assert len(path.read_bytes()) < 10_000
    with pytest.raises(
        InputError, match=r"ws\.xlsx:1048576: sheet 'Innspill': this row has 4 cells but the header \(line 3\) has 3"
    ):
        read_workshop(path)


def test_xlsx_many_empty_rows_are_skipped(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    empty = b"".join(b'<row r="%d"/>' % r for r in range(7, 300_007))
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", empty + b"</sheetData>"))
    assert tuples(read_workshop(path)) == EXPECTED


def test_xlsx_part_over_the_limit_is_refused(tmp_path):
    path = workbook(tmp_path / "ws.xlsx")
    padding = b" " * (3 * 2**20)
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", b"</sheetData>" + padding))
    with pytest.raises(InputError, match=r"part xl/worksheets/sheet1\.xml inflates to 3 MB, over the limit of 2 MB per part"):
        read_workshop(path, max_part_mb=2)
    assert tuples(read_workshop(path)) == EXPECTED  # under the default limit


@pytest.mark.parametrize(
    "xml, message",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>&lol2;</sheetData></worksheet>',
            r"bomb\.xlsx: part xl/worksheets/sheet1\.xml of the Excel workbook cannot be read: it declares a DTD",
        ),
        (
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">',
            r"bomb\.xlsx: part xl/worksheets/sheet1\.xml of the Excel workbook cannot be read: broken XML",
        ),
    ],
)
@pytest.mark.slow  # the command line in a fresh process
def test_xlsx_hostile_xml_is_an_input_error_on_the_command_line(tmp_path, xml, message):
    path = workbook(tmp_path / "bomb.xlsx")
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda d: xml)
    with pytest.raises(InputError, match=message):
        read_workshop(path)
    result = subprocess.run(
        [sys.executable, "-m", "utenforskap", "parse", str(path), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_xlsx_dates_numbers_and_escapes(tmp_path):
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([3, "- Møte 2. mars\n- Ein til", datetime.date(2023, 2, 2)])
    ws.append([4.5, "Linje_x000D_", True])
    path = tmp_path / "types.xlsx"
    wb.save(path)
    assert tuples(read_workshop(path)) == [
        ("3", 1, "", "Møte 2. mars"),
        ("3", 1, "", "Ein til"),
        ("3", 2, "", "2023-02-02"),
        ("4.5", 1, "", "Linje"),
        ("4.5", 2, "", "TRUE"),
    ]


def test_xlsx_sheet_chosen_on_the_command_line(tmp_path):
    import pandas as pd

    from utenforskap.cli import main

    other = [HEADER, *[[g + "2", a, b] for g, a, b in ROWS]]
    path = workbook(tmp_path / "ws.xlsx", sheets=[("Verkstad 2", other, "visible")])
    assert main(["parse", str(path), "-o", str(tmp_path / "a.csv")]) == 2
    assert main(["parse", str(path), "--sheet", "Verkstad 2", "-o", str(tmp_path / "a.csv")]) == 0
    assert pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")["group"].iat[0] == "Raud2"
    assert main(["code", str(path), "--sheet", "1", "-o", str(tmp_path / "c.csv")]) == 0
    assert pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig")["group"].iat[0] == "Raud"
