"""The parser on the bundled report export and on the formats researchers hold."""

import re
import subprocess
import sys

import pandas as pd
import pytest
from _office import tuples

from utenforskap import InputError, read_workshop
from utenforskap.cli import main


def by_id(frame, suffix):
    row = frame[frame["segment_id"].str.endswith(suffix)]
    assert len(row) == 1, suffix
    return row.iloc[0]


# --------------------------------------------------------------------------
# The bundled table, pinned rule by rule
# --------------------------------------------------------------------------


def test_ingest_bundled_counts_per_group_and_question(statements):
    counts = statements.groupby(["group", "question"]).size().unstack(fill_value=0)
    expected = {
        "1": [4, 10, 2],
        "2": [4, 4, 0],
        "3": [3, 7, 4],
        "4": [3, 9, 4],
        "5": [6, 5, 6],
        "6": [7, 6, 2],
    }
    assert {g: counts.loc[g].tolist() for g in counts.index} == expected


def test_ingest_bundled_columns_and_metadata(statements):
    assert statements["segment_id"].is_unique
    assert statements.loc[0, "segment_id"] == "workshop_ungt_utenforskap_2023-g1-q1-01"
    assert statements["source"].unique().tolist() == ["workshop_ungt_utenforskap_2023.txt"]
    assert statements["workshop_title"].iat[0].startswith("Vedlegg 3: Innspill fra workshop")
    assert statements.groupby("question")["question_text"].first().to_dict() == {
        1: "Spm.1: Hva er du opptatt av nå etter å ha hørt innlegg og debatt?",
        2: "Spm. 2: Hvilke mulighetsrom og potensiale ser du i samarbeidet mellom NAV og forskere ved USN?",
        3: "Spm. 3: Hva kan hindre et slikt samarbeid, og hvordan komme forbi eventuelle hindringer?",
    }
    # positions are 1..n within each cell, in reading order
    for _, cell in statements.groupby(["group", "question"]):
        assert cell["position"].tolist() == list(range(1, len(cell) + 1))


def test_ingest_bundled_headings_are_sections_not_statements(statements):
    assert not statements["text"].str.endswith(":").any()
    assert not statements["text"].isin(["Hindringer", "Hindringer:"]).any()
    g5q3 = statements[(statements["group"] == "5") & (statements["question"] == 3)]
    assert g5q3["section"].tolist() == ["Hindringer"] * 2 + ["Hvordan komme forbi hindringene"] * 4
    assert g5q3["text"].tolist()[:2] == ["Lovverket", "Gammelt stigma: teoretisk vs. praktisk utdanning."]
    g1q2 = statements[(statements["group"] == "1") & (statements["question"] == 2)]
    assert g1q2["section"].tolist() == (
        ["Forskere kan hjelpe med å besvare spørsmål som"] * 2
        + ["Forskere kan også bistå med å"] * 3
        + ["Annet som ble nevnt"] * 5
    )
    assert by_id(statements, "g1-q1-01")["section"] == ""
    assert by_id(statements, "g3-q3-01")[["section", "text"]].tolist() == ["Hindringer", "Ledelse"]


def test_ingest_bundled_page_break_continuation_is_joined(statements):
    cut = by_id(statements, "g2-q2-02")
    assert cut["text"].endswith(
        "for å legge grunnlag for tettere samhandling mellom profesjonene barnehage, skole, helse og barnevern?"
    )
    assert cut["continued"]
    assert (cut["line"], cut["line_end"]) == (9, 11)
    assert not statements["text"].str.startswith("mellom profesjonene").any()
    # a continuation row that begins with bullets adds statements to the cell above
    assert by_id(statements, "g2-q1-04")["text"].startswith("Motiverende å presentere")
    assert by_id(statements, "g2-q1-04")["line"] == 11
    assert by_id(statements, "g2-q2-03")["text"].startswith("For brukere av NAVs tjenester")
    # ... and keeps the section heading that stood above the page break
    g4 = by_id(statements, "g4-q2-08")
    assert g4["text"].startswith("Sikre bedre overganger fra elev i VGO")
    assert g4["section"] == "Forslag til hva som trengs/kan gjøres"
    assert g4["line"] == 15
    assert statements["continued"].sum() == 1


def test_ingest_bundled_en_dash_is_not_a_bullet(statements):
    s = by_id(statements, "g5-q3-04")["text"]
    assert s == "Kan man endre tidspunkt, bruke hele døgnet? – utnytte de forskjellige som er i de ulike yrkene."


def test_ingest_bundled_text_is_unaltered(statements):
    # markup gone, wording (quotes, abbreviations, case) as written
    assert by_id(statements, "g1-q1-03")["text"] == (
        "Hvordan kan samfunnet demme opp mot utenforskap? («nabokjerringas betydning» ble nevnt "
        "som eksempel, ref. Brundtlands nyttårstale)."
    )
    assert by_id(statements, "g4-q1-01")["text"] == "Ønsker mer forskning og kunnskap inn i off. arbeidshverdag og NAV."
    assert not statements["text"].str.contains(r"<|>|  ").any()


def _oracle_cell_text(raw_cells):
    """Independent of the parser: strip tags by regex, drop <p>…:</p>
    headings and the " - " bullet markers, collapse white space."""
    text = " ".join(raw_cells)
    text = re.sub(r"<p>[^<]*:</p>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(^|\s)-(\s|$)", " ", text)
    return " ".join(text.split())


def test_ingest_conservation_every_word_in_exactly_one_statement(bundled_path, statements):
    lines = bundled_path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Gruppe\t"))
    raw: dict[tuple[str, int], list[str]] = {}
    group = None
    for line in lines[header + 1 :]:
        if not line.strip():
            continue
        cells = line.split("\t")
        group = cells[0].strip() or group
        for q, cell in enumerate(cells[1:4], start=1):
            raw.setdefault((group, q), []).append(cell)
    checked = 0
    for (group, q), cells in raw.items():
        expected = _oracle_cell_text(cells)
        got = statements[(statements["group"] == group) & (statements["question"] == q)]
        assert " ".join(got.sort_values("position")["text"]) == expected, (group, q)
        checked += 1
    assert checked == 18


# --------------------------------------------------------------------------
# Other formats: same DataFrame out
# --------------------------------------------------------------------------

TITLE = "Workshop om medvirkning"
HEADER = ["Gruppe", "Spm. 1: Hva hindrer?", "Spm. 2: Hva er mulig?"]
ROWS = [
    ["A", "Hindringer:\n- Lovverket\n- Mangel på penger", "- Mer samarbeid\n- Brukermedvirkning – på alvor"],
    ["", "", "- Felles møteplasser"],
    ["B", "- Stigma", "Forslag:\n- Lavterskeltilbud"],
]
EXPECTED = [
    ("A", 1, "Hindringer", "Lovverket"),
    ("A", 1, "Hindringer", "Mangel på penger"),
    ("A", 2, "", "Mer samarbeid"),
    ("A", 2, "", "Brukermedvirkning – på alvor"),
    ("A", 2, "", "Felles møteplasser"),
    ("B", 1, "", "Stigma"),
    ("B", 2, "Forslag", "Lavterskeltilbud"),
]


def test_ingest_csv_semicolon_with_multiline_cells(tmp_path):
    path = tmp_path / "ws.csv"
    pd.DataFrame(ROWS, columns=HEADER).to_csv(path, sep=";", index=False)
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED
    assert frame["question_text"].iat[0] == "Spm. 1: Hva hindrer?"
    assert frame["line"].iat[0] == 2  # the quoted cell of group A starts on line 2


def test_ingest_tsv(tmp_path):
    path = tmp_path / "ws.tsv"
    pd.DataFrame(ROWS, columns=HEADER).to_csv(path, sep="\t", index=False)
    assert tuples(read_workshop(path)) == EXPECTED


def test_ingest_xlsx_with_title_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append([None if c == "" else c for c in row])
    ws.append([3, "- Tall som gruppe"])  # numeric group label, short row padded by Excel
    ws["C7"] = None
    path = tmp_path / "ws.xlsx"
    wb.save(path)
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED + [("3", 1, "", "Tall som gruppe")]
    assert frame["workshop_title"].iat[0] == TITLE
    assert frame["line"].tolist()[:2] == [4, 4]  # Excel row numbers


def test_ingest_docx_table_with_list_paragraphs(tmp_path):
    import docx
    from _office import fill_docx_table

    document = docx.Document()
    document.add_paragraph(TITLE)
    fill_docx_table(document, document.add_table(rows=len(ROWS) + 1, cols=3), [HEADER, *ROWS])
    path = tmp_path / "ws.docx"
    document.save(path)
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED
    assert frame["workshop_title"].iat[0] == TITLE


def test_ingest_folder_reads_every_table(tmp_path, bundled_path):
    (tmp_path / "a.tsv").write_text("Gruppe\tSpm. 1: X\n1\t- En\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(bundled_path.read_bytes())
    (tmp_path / "notes.md").write_text("ikke en tabell")
    with pytest.warns(UserWarning, match="notes.md: skipped"):
        frame = read_workshop(tmp_path)
    assert frame["workshop"].value_counts().to_dict() == {"b": 86, "a": 1}
    assert frame["segment_id"].is_unique


def test_ingest_html_li_elements_and_entities(tmp_path):
    path = tmp_path / "li.txt"
    path.write_text(
        "Gruppe\tSpm. 1: X\n1\t<p>Hindringer:</p><ul><li>Penger &amp; tid</li><li>Kultur</li></ul><script>alert(1)</script>\n",
        encoding="utf-8",
    )
    frame = read_workshop(path)
    assert frame["text"].tolist() == ["Penger & tid", "Kultur", "alert(1)"]
    assert frame["section"].tolist() == ["Hindringer"] * 3


# --------------------------------------------------------------------------
# Files from the wild: encodings and line endings
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    ["bom", "crlf", "cp1252", "mojibake", "utf16"],
)
def test_ingest_encoding_variants_give_same_statements(tmp_path, bundled_path, statements, variant):
    text = bundled_path.read_text(encoding="utf-8")
    data = {
        "bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf": lambda: text.replace("\n", "\r\n").encode("utf-8"),
        "cp1252": lambda: text.encode("cp1252"),
        "mojibake": lambda: text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
        "utf16": lambda: text.encode("utf-16"),
    }[variant]()
    path = tmp_path / bundled_path.name
    path.write_bytes(data)
    frame = read_workshop(path)
    pd.testing.assert_frame_equal(frame, statements)


# --------------------------------------------------------------------------
# Bad input: one error type, naming the file and the line
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", r"empty\.txt: the file is empty"),
        ("blank.txt", b"\n \n\t\n", r"blank\.txt: the file is empty"),
        ("binary.txt", bytes(range(256)) * 4, r"binary\.txt: this is binary data"),
        ("notable.txt", b"Bare en tittel\n\nog litt tekst\n", r"notable\.txt: no table found"),
        (
            "short.tsv",
            b"Gruppe\tSpm 1\tSpm 2\n1\ta\tb\n2\tc\n",
            r"short\.tsv:3: this row has 2 cells but the header \(line 1\) has 3",
        ),
        ("long.tsv", b"Gruppe\tSpm 1\n1\ta\tb\n", r"long\.tsv:2: this row has 3 cells"),
        ("nogroup.tsv", b"Gruppe\tSpm 1\n\ta\n", r"nogroup\.tsv:2: the first row of the table has no group label"),
        ("fake.xlsx", b"not a zip", r"fake\.xlsx: not a readable Excel workbook"),
        ("fake.docx", b"not a zip", r"fake\.docx: not a readable Word document"),
        ("old.xls", b"\xd0\xcf\x11\xe0", r"old\.xls: old \.xls workbooks are not supported"),
    ],
)
def test_ingest_bad_input_raises_input_error(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_workshop(path)


def test_ingest_repeated_group_label_adds_rows(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Gruppe,Spm. 1: Innspill\n1,Mer samarbeid\n2,Lovverket\n1,Penger\n", encoding="utf-8")
    frame = read_workshop(path)
    assert frame[["group", "position", "text"]].values.tolist() == [
        ["1", 1, "Mer samarbeid"],
        ["1", 2, "Penger"],
        ["2", 1, "Lovverket"],
    ]
    assert not frame["continued"].any()


def test_ingest_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.txt: file not found"):
        read_workshop(tmp_path / "nope.txt")


def test_ingest_heading_without_statements_warns(tmp_path):
    path = tmp_path / "orphan.tsv"
    path.write_text("Gruppe\tSpm 1\n1\tHindringer:\n", encoding="utf-8")
    with (
        pytest.warns(UserWarning, match=r"orphan\.tsv:2: heading 'Hindringer:'"),
        pytest.raises(InputError, match="no statements"),
    ):
        read_workshop(path)


def test_cli_parse_writes_csv(tmp_path, bundled_path, statements):
    out = tmp_path / "out" / "statements.csv"
    assert main(["parse", str(bundled_path), "-o", str(out)]) == 0
    back = pd.read_csv(out, encoding="utf-8-sig", dtype={"group": str})
    assert back["text"].tolist() == statements["text"].tolist()
    assert back["segment_id"].tolist() == statements["segment_id"].tolist()


def test_cli_user_error_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"Gruppe\tSpm 1\tSpm 2\n1\ta\n")
    result = subprocess.run(
        [sys.executable, "-m", "utenforskap", "parse", str(bad), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"utenforskap: error: {bad}:2: this row has 2 cells but the header (line 1) has 3; "
        "every row needs a group cell and one cell per question (leave a cell empty rather than leaving it out)"
    ]
    assert not (tmp_path / "o.csv").exists()


# --------------------------------------------------------------------------
# Wording kept as written; layouts from the wild (tuning data written here)
# --------------------------------------------------------------------------


def _csv(tmp_path, rows, name="ws.csv", sep=","):
    path = tmp_path / name
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(path, sep=sep, index=False)
    return path


def test_ingest_number_is_a_marker_only_in_a_numbered_list(tmp_path):
    path = _csv(
        tmp_path,
        [["Gruppe", "Spm. 1: Kva skjedde?"], ["A", "1. juli 2021 kom nye reglar."], ["B", "1. Fyrst\n2. Så\n3) Til sist"]],
    )
    assert tuples(read_workshop(path)) == [
        ("A", 1, "", "1. juli 2021 kom nye reglar."),
        ("B", 1, "", "Fyrst"),
        ("B", 1, "", "Så"),
        ("B", 1, "", "Til sist"),
    ]


# cells as consultation tables hold them: a list of one, numbering that
# starts again under a sub-heading or without one, a date that is text
LIST_CELLS = [
    ["Gruppe", "Spm. 1: Hva trengs?"],
    ["A", "1. Vi trenger faste kontaktpersoner i kommunen"],
    ["B", "1) Mer tid til hver enkelt"],
    ["C", "1. Ungdom må bli hørt\nEksempler:\n1. ungdomsråd\n2. brukerpanel\n3. Egne møter med Nav"],
    ["D", "1. tett oppfølging\n2. arbeidstrening\n1. bolig først\n2. skole"],
    ["E", "3. mars startet prosjektet.\n12. juni var det slutt."],
]
LIST_EXPECTED = [
    ("A", 1, "", "Vi trenger faste kontaktpersoner i kommunen"),
    ("B", 1, "", "Mer tid til hver enkelt"),
    ("C", 1, "", "Ungdom må bli hørt"),
    ("C", 1, "Eksempler", "ungdomsråd"),
    ("C", 1, "Eksempler", "brukerpanel"),
    ("C", 1, "Eksempler", "Egne møter med Nav"),
    ("D", 1, "", "tett oppfølging"),
    ("D", 1, "", "arbeidstrening"),
    ("D", 1, "", "bolig først"),
    ("D", 1, "", "skole"),
    ("E", 1, "", "3. mars startet prosjektet."),
    ("E", 1, "", "12. juni var det slutt."),
]


@pytest.mark.parametrize("shape", ["xlsx", "csv-cp1252", "csv-utf8"])
def test_ingest_list_numbers_are_markers_in_every_list_shape(tmp_path, shape):
    if shape == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Høringsinnspill 2024"])
        ws.append([])
        for row in LIST_CELLS:
            ws.append(row)
        path = tmp_path / "innspill.xlsx"
        wb.save(path)
    else:
        path = tmp_path / "innspill.csv"
        sep, encoding = (";", "cp1252") if shape == "csv-cp1252" else (",", "utf-8")
        pd.DataFrame(LIST_CELLS[1:], columns=LIST_CELLS[0]).to_csv(path, sep=sep, index=False, encoding=encoding)
    assert tuples(read_workshop(path)) == LIST_EXPECTED


def test_ingest_dash_inside_a_bullet_splits_only_in_the_report_export(tmp_path):
    bullet = "- Ungdom - særleg dei over 18 - treng meir hjelp"
    path = _csv(tmp_path, [["Gruppe", "Spm. 1: Kva trengst?"], ["A", bullet]])
    assert read_workshop(path)["text"].tolist() == ["Ungdom - særleg dei over 18 - treng meir hjelp"]
    txt = tmp_path / "export.txt"
    txt.write_text(f"Gruppe\tSpm. 1: Kva trengst?\nA\t{bullet}\n", encoding="utf-8")
    assert read_workshop(txt)["text"].tolist() == ["Ungdom", "særleg dei over 18", "treng meir hjelp"]


@pytest.mark.parametrize("sign", ["\uf0b7\t", "o\t", "o ", "● ", "▪ ", "•", "– "])
def test_ingest_bullet_signs_pasted_from_word(tmp_path, sign):
    path = _csv(
        tmp_path, [["Gruppe", "Spm. 1: Kva trengst?"], ["A", f"{sign}Fleire lærlingplassar\n{sign}Betre kollektivtilbod"]]
    )
    assert read_workshop(path)["text"].tolist() == ["Fleire lærlingplassar", "Betre kollektivtilbod"]


def test_ingest_heading_followed_by_heading_warns(tmp_path):
    path = _csv(tmp_path, [["Gruppe", "Spm. 1: Kva trengst?"], ["A", "Hindringar:\nTiltak:\n- Meir tid"]])
    with pytest.warns(UserWarning, match=r"ws\.csv:2: heading 'Hindringar:' \(group A\) has no statement under it"):
        frame = read_workshop(path)
    assert tuples(frame) == [("A", 1, "Tiltak", "Meir tid")]


def test_ingest_csv_cell_over_128_kb(tmp_path):
    long = "lang " * 60_000
    path = _csv(tmp_path, [["Gruppe", "Spm. 1: Kva trengst?"], ["A", long.strip()]])
    assert read_workshop(path)["text"].tolist() == [long.strip()]


def test_ingest_csv_sep_line_names_the_delimiter(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\nGruppe;Spm. 1: Kva trengst?\nA;Meir tid, pengar og folk\n", encoding="utf-8")
    frame = read_workshop(path)
    assert frame["text"].tolist() == ["Meir tid, pengar og folk"]
    assert frame["workshop_title"].iat[0] == ""
    assert frame["line"].iat[0] == 3


def test_ingest_csv_semicolon_file_with_commas_in_cells(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text(
        "Gruppe;Spm. 1: Kva hindrar?;Spm. 2: Kva hjelper?\n"
        "A;Tid, pengar, folk;Meir samarbeid, fleire møte\n"
        "B;Ventetid, kø;Ungdomsråd, brukarpanel, høyring\n",
        encoding="utf-8",
    )
    assert read_workshop(path)["text"].tolist() == [
        "Tid, pengar, folk",
        "Meir samarbeid, fleire møte",
        "Ventetid, kø",
        "Ungdomsråd, brukarpanel, høyring",
    ]


def test_ingest_csv_table_right_of_column_a_and_transposed(tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text("Tittel\n,,\n,Gruppe,Spm. 1: Kva hindrar?\n,A,- Tid\n,B,- Pengar\n", encoding="utf-8")
    frame = read_workshop(path)
    assert tuples(frame) == [("A", 1, "", "Tid"), ("B", 1, "", "Pengar")]
    assert frame["workshop_title"].iat[0] == "Tittel"
    transposed = tmp_path / "transposed.csv"
    transposed.write_text(",A,B\nSpm. 1: Kva hindrar?,- Tid,- Pengar\nSpm. 2: Kva hjelper?,- Råd,\n", encoding="utf-8")
    frame = read_workshop(transposed)
    assert tuples(frame) == [("A", 1, "", "Tid"), ("A", 2, "", "Råd"), ("B", 1, "", "Pengar")]
    assert frame["line"].tolist() == [2, 3, 2]


def test_ingest_sheet_option_on_a_text_file_warns(tmp_path):
    path = _csv(tmp_path, [["Gruppe", "Spm. 1: X?"], ["A", "- Tid"]])
    with pytest.warns(UserWarning, match=r"sheet='Ark1' has no effect on a \.csv file"):
        read_workshop(path, sheet="Ark1")


def test_ingest_folder_with_subfolders_links_and_decomposed_names(tmp_path):
    import unicodedata

    table = "Gruppe\tSpm. 1: X?\n1\t- En\n"
    (tmp_path / "vår").mkdir()
    (tmp_path / "vår" / unicodedata.normalize("NFD", "Møte_på_Ås.tsv")).write_text(table, encoding="utf-8")
    (tmp_path / "a.tsv").write_text(table, encoding="utf-8")
    (tmp_path / "vår" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.tsv").symlink_to(tmp_path / "gone.tsv")
    with pytest.warns(UserWarning) as caught:
        frame = read_workshop(tmp_path)
    messages = [str(w.message) for w in caught]
    assert any("dangling.tsv: skipped, a broken symbolic link" in m for m in messages)
    assert any("loop: skipped, a symbolic link loop" in m for m in messages)
    assert frame["workshop"].tolist() == ["a", "møte_på_ås"]
    assert frame["segment_id"].iat[1] == unicodedata.normalize("NFC", "møte_på_ås-g1-q1-01")
    assert frame["source"].iat[1] == unicodedata.normalize("NFC", "Møte_på_Ås.tsv")
    with pytest.raises(InputError, match=r"dangling\.tsv: a broken symbolic link"):
        read_workshop(tmp_path / "dangling.tsv")
