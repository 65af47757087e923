"""Manual coding round-trip through an Excel coding sheet."""

import openpyxl
import pytest

from utenforskap import InputError, agreement, read_manual_coding, write_coding_sheet
from utenforskap.exchange.coding_sheet import SHEET


@pytest.fixture
def sheet(coded, tmp_path):
    return write_coding_sheet(coded, tmp_path / "kodeark.xlsx")


def header_column(ws, code_id):
    return next(c.column for c in ws[1] if c.value and c.value.endswith(f"[{code_id}]"))


def test_manual_round_trip_unchanged_gives_same_codes(sheet, coded, statements):
    back = read_manual_coding(sheet, statements)
    assert back["segment_id"].tolist() == coded["segment_id"].tolist()
    assert back["codes"].tolist() == coded["codes"].tolist()
    result = agreement(coded, back)
    assert (result["kappa"] == 1.0).all()


def test_manual_corrections_are_read_and_compared(sheet, coded):
    wb = openpyxl.load_workbook(sheet)
    ws = wb[SHEET]
    col = header_column(ws, "user_participation")
    # row 2 is g1-q1-01: tick user participation; write a note
    ws.cell(2, col).value = "X"
    ws.cell(2, next(c.column for c in ws[1] if c.value == "Merknad")).value = "deltakelse"
    # untick barriers on g1-q1-04 (row 5)
    ws.cell(5, header_column(ws, "barriers")).value = None
    wb.save(sheet)
    # g1-q1-04 keeps its sub-code: said in a warning
    with pytest.warns(
        UserWarning, match=r"row 5 \(.*g1-q1-04\): sub-code 'Organisering og siloer' is marked but its theme 'Hindringer' is not"
    ):
        back = read_manual_coding(sheet).set_index("segment_id")
    assert "user_participation" in back.loc["workshop_ungt_utenforskap_2023-g1-q1-01", "codes"]
    assert back.loc["workshop_ungt_utenforskap_2023-g1-q1-01", "note"] == "deltakelse"
    assert not back.loc["workshop_ungt_utenforskap_2023-g1-q1-04", "barriers"]
    result = agreement(coded, back.reset_index())
    assert result.loc["user_participation", "manual"] == coded["user_participation"].sum() + 1
    assert result.loc["barriers", "precision"] < 1.0


def test_manual_empty_sheet_for_blind_coding(coded, tmp_path):
    path = write_coding_sheet(coded, tmp_path / "blind.xlsx", prefill=False)
    assert read_manual_coding(path)["codes"].map(len).sum() == 0


def edit(path, row, column_name, value):
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    col = next(c.column for c in ws[1] if c.value == column_name or (c.value or "").endswith(column_name))
    ws.cell(row, col).value = value
    wb.save(path)


def test_manual_changed_text_is_an_error(sheet):
    edit(sheet, 4, "Utsagn", "Noe helt annet")
    with pytest.raises(
        InputError, match=r"kodeark\.xlsx:4: sheet 'Koding', row 4 \(.*g1-q1-03\): the statement text was changed"
    ):
        read_manual_coding(sheet)


def test_manual_unknown_code_is_an_error(sheet):
    edit(sheet, 1, "[barriers]", "Hindringer [barrieres]")
    with pytest.raises(InputError, match=r"sheet 'Koding', row 1, column 'Hindringer \[barrieres\]': unknown code 'barrieres'"):
        read_manual_coding(sheet)


def test_manual_bad_mark_is_an_error(sheet):
    edit(sheet, 7, "[opportunities]", "kanskje")
    with pytest.raises(
        InputError, match=r"sheet 'Koding', row 7, column 'Muligheter \[opportunities\]': 'kanskje' is not a mark"
    ):
        read_manual_coding(sheet)


def test_manual_unknown_statement_is_an_error(sheet, statements):
    with pytest.raises(InputError, match=r"row 2: segment_id .* is not one of the statements"):
        read_manual_coding(sheet, statements.iloc[1:])


def test_manual_sheet_is_readable(sheet):
    wb = openpyxl.load_workbook(sheet)
    ws = wb[SHEET]
    headers = [c.value for c in ws[1]]
    text = headers.index("Utsagn") + 1
    # the header row and everything up to the statement stay in view while ticking codes
    assert ws.freeze_panes == f"{openpyxl.utils.get_column_letter(text + 1)}2"
    validation = ws.data_validations.dataValidation[0]  # drop-down for the code cells, with a warning
    assert validation.formula1 == '"x"' and validation.showErrorMessage
    themes = {
        h: ws.cell(1, i + 1)
        for i, h in enumerate(headers)
        if h and h.endswith(("[barriers]", "[funding_resources]", "[opportunities]"))
    }
    theme, sub, other = (
        themes["Hindringer [barriers]"],
        themes["Finansiering og ressurser [funding_resources]"],
        themes["Muligheter [opportunities]"],
    )
    assert sub.alignment.indent == 2 and theme.alignment.indent == 0 and theme.font.bold and not sub.font.bold
    assert theme.fill.fgColor.rgb != other.fill.fgColor.rgb  # a colour per theme
    assert theme.fill.fgColor.rgb != sub.fill.fgColor.rgb  # sub-codes a tint of it
    note = headers.index("Merknad") + 1
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(note)].width >= 40
    hidden = [k for k, d in ws.column_dimensions.items() if d.hidden]
    assert hidden and ws[f"{hidden[0]}1"].value == "kontroll"
    assert set(wb.sheetnames) == {"Koding", "Kodebok", "Veiledning"}


def test_manual_deleted_rows_are_named(sheet, statements):
    wb = openpyxl.load_workbook(sheet)
    wb[SHEET].delete_rows(3, 2)
    wb.save(sheet)
    with pytest.warns(UserWarning, match=r"2 statement\(s\) are not in the sheet \(rows deleted\?\): .*g1-q1-02, .*g1-q1-03"):
        back = read_manual_coding(sheet, statements)
    assert len(back) == len(statements) - 2


def test_manual_sheet_read_back_trains_the_suggest_coder(sheet):
    from utenforskap import SuggestCoder

    back = read_manual_coding(sheet)
    coder = SuggestCoder(codes=["barriers", "opportunities"]).fit(back)
    assert coder.suggest(["Mangel på penger er en hindring"])["suggested"].iat[0]
