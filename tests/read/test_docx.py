"""Word documents as researchers have them: text outside plain runs kept,
the right table, merged group cells, hostile files refused within bounds."""

import zipfile

import docx
import pytest
from _office import EXPECTED, HEADER, MERGED_EXPECTED, MERGED_ROWS, ROWS, TITLE, fill_docx_table, rewrite_part, tuples
from docx.oxml import parse_xml

from utenforskap import InputError, read_workshop

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def workshop_document(before=None):
    document = docx.Document()
    document.add_paragraph(TITLE)
    if before:
        document.add_paragraph("Deltakarar")
        participants = document.add_table(rows=len(before), cols=len(before[0]))
        fill_docx_table(document, participants, before)
        document.add_paragraph("Innspel")
    table = document.add_table(rows=len(ROWS) + 1, cols=3)
    fill_docx_table(document, table, [HEADER, *ROWS])
    return document, table


def one_cell(paragraph_xml: str, tmp_path, name="cell.docx"):
    """A one-group table whose question cell holds ``paragraph_xml``."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(1, 0).text = "Gruppe", "Spm. 1: Kva hindrar?", "A"
    tc = table.cell(1, 1)._tc
    for p in tc.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        tc.remove(p)
    for element in parse_xml(f"<w:root {NS}>{paragraph_xml}</w:root>"):
        tc.append(element)
    path = tmp_path / name
    document.save(path)
    return path


def run(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


@pytest.mark.parametrize(
    "xml, expected",
    [
        # tracked insertion kept, tracked deletion left out
        (
            f"<w:p>{run('Mangel på ')}<w:ins w:id='1' w:author='x'>{run('tid og ')}</w:ins>"
            f"<w:del w:id='2' w:author='x'><w:r><w:delText>penger og </w:delText></w:r></w:del>{run('ressursar')}</w:p>",
            ["Mangel på tid og ressursar"],
        ),
        # inline content control
        (
            f"<w:p>{run('Ventetid på ')}<w:sdt><w:sdtPr/><w:sdtContent>{run('fire månader')}</w:sdtContent></w:sdt>{run(' for hjelp')}</w:p>",
            ["Ventetid på fire månader for hjelp"],
        ),
        # block content control holding two list paragraphs
        (
            f"<w:sdt><w:sdtPr/><w:sdtContent><w:p>{run('- Fyrste punkt')}</w:p><w:p>{run('- Andre punkt')}</w:p></w:sdtContent></w:sdt>",
            ["Fyrste punkt", "Andre punkt"],
        ),
        # a content control still showing its prompt holds no written text
        (
            f"<w:p>{run('Skrive inn: ')}<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>{run('Klikk her')}</w:sdtContent></w:sdt>{run('ingenting')}</w:p>",
            ["Skrive inn: ingenting"],
        ),
        # simple field: the shown result
        (
            f"<w:p>{run('Møtet ')}<w:fldSimple w:instr=' DATE '>{run('2. mars')}</w:fldSimple>{run(' var nyttig')}</w:p>",
            ["Møtet 2. mars var nyttig"],
        ),
        # complex field: the result, not the instruction
        (
            f"<w:p>{run('Sjå ')}<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText> HYPERLINK \"https://nav.no\" </w:instrText></w:r>"
            f"<w:r><w:fldChar w:fldCharType='separate'/></w:r>{run('nettsida til Nav')}<w:r><w:fldChar w:fldCharType='end'/></w:r>{run(' for meir')}</w:p>",
            ["Sjå nettsida til Nav for meir"],
        ),
        # smart tag and hyperlink
        (
            f"<w:p>{run('Kontoret i ')}<w:smartTag w:uri='x' w:element='place'>{run('Drammen')}</w:smartTag>"
            f"<w:hyperlink>{run(' er for lite')}</w:hyperlink></w:p>",
            ["Kontoret i Drammen er for lite"],
        ),
    ],
)
def test_docx_text_outside_plain_runs_is_kept(tmp_path, xml, expected):
    frame = read_workshop(one_cell(xml, tmp_path))
    assert frame["text"].tolist() == expected


def test_docx_nested_table_and_text_box_in_a_cell(tmp_path):
    textbox = (
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:anchor><a:graphic><a:graphicData>"
        f"<wps:wsp><wps:txbx><w:txbxContent><w:p>{run('Tekst i boks')}</w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p>{run('Tekst i boks')}</w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    nested = f"<w:tbl><w:tr><w:tc><w:p>{run('- Inne i tabell')}</w:p></w:tc><w:tc><w:p>{run('- Andre celle')}</w:p></w:tc></w:tr></w:tbl>"
    xml = f"<w:p>{run('- Før boksen')}{textbox}</w:p>{nested}<w:p>{run('- Etter')}</w:p>"
    frame = read_workshop(one_cell(xml, tmp_path))
    assert frame["text"].tolist() == ["Før boksen", "Tekst i boks", "Inne i tabell", "Andre celle", "Etter"]


def test_docx_embedded_object_is_named_in_a_warning(tmp_path):
    xml = f"<w:p>{run('- Lest')}<w:r><w:object/></w:r></w:p>"
    with pytest.warns(UserWarning, match=r"cell\.docx: table 1, row 2, column 2: an embedded object cannot be read as text"):
        frame = read_workshop(one_cell(xml, tmp_path))
    assert frame["text"].tolist() == ["Lest"]


def test_docx_participants_table_before_the_workshop(tmp_path):
    participants = [["Namn", "Rolle"], ["Kari Nordmann", "Rettleiar"], ["Ola Nordmann", "Forskar"]]
    document, _ = workshop_document(before=participants)
    path = tmp_path / "ws.docx"
    document.save(path)
    frame = read_workshop(path)
    assert tuples(frame) == EXPECTED
    assert frame["workshop_title"].iat[0] == TITLE
    chosen = read_workshop(path, table=1)
    assert chosen["group"].tolist() == ["Kari Nordmann", "Ola Nordmann"]
    with pytest.raises(InputError, match=r"no table 3 in the document; it has 2 table\(s\)"):
        read_workshop(path, table=3)


def test_docx_two_workshop_tables_are_ambiguous(tmp_path):
    document, _ = workshop_document()
    second = document.add_table(rows=len(ROWS) + 1, cols=3)
    fill_docx_table(document, second, [HEADER, *[[g + "2", a, b] for g, a, b in ROWS]])
    path = tmp_path / "two.docx"
    document.save(path)
    with pytest.raises(InputError, match=r"more than one table looks like a workshop: table 1 .*table 2 .*--table"):
        read_workshop(path)
    assert read_workshop(path, table=2)["group"].iat[0] == "Raud2"


def test_docx_vertically_merged_group_cell(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    fill_docx_table(document, table, MERGED_ROWS)
    table.cell(1, 0).merge(table.cell(2, 0))
    path = tmp_path / "merged.docx"
    document.save(path)
    assert b"vMerge" in zipfile.ZipFile(path).read("word/document.xml")
    frame = read_workshop(path)
    assert tuples(frame) == MERGED_EXPECTED
    assert not frame["continued"].any()


def test_docx_numbered_list_and_a_date_line(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    fill_docx_table(
        document, table, [["Gruppe", "Spm. 1: Kva skjedde?"], ["A", "1. juli 2021 kom nye reglar.\n- 2. punkt i lista"]]
    )
    para = table.cell(1, 1).add_paragraph("Tredje")
    para.style = document.styles["List Number"]
    path = tmp_path / "num.docx"
    document.save(path)
    assert read_workshop(path)["text"].tolist() == ["1. juli 2021 kom nye reglar.", "2. punkt i lista", "Tredje"]


@pytest.mark.parametrize(
    "part, data, message",
    [
        (
            "word/document.xml",
            b"<w:document><w:body>",
            r"part word/document\.xml of the Word document cannot be read: broken XML",
        ),
        (
            "word/document.xml",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
            r"part word/document\.xml of the Word document cannot be read: it declares a DTD",
        ),
        ("word/styles.xml", b"<w:styles", r"part word/styles\.xml of the Word document cannot be read: broken XML"),
    ],
)
def test_docx_hostile_parts_are_input_errors(tmp_path, part, data, message):
    document, _ = workshop_document()
    path = tmp_path / "bad.docx"
    document.save(path)
    rewrite_part(path, part, lambda _old: data)
    with pytest.raises(InputError, match=r"bad\.docx: " + message):
        read_workshop(path)


@pytest.mark.slow  # a big file
def test_docx_zip_bomb_is_refused_before_inflating(tmp_path):
    document, _ = workshop_document()
    path = tmp_path / "bomb.docx"
    document.save(path)
    huge = 210 * 2**20
    rewrite_part(path, "word/document.xml", lambda old: old.replace(b"</w:body>", b" " * huge + b"</w:body>"))
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(InputError, match=r"part word/document\.xml inflates to 210 MB, over the limit of 200 MB per part"):
        read_workshop(path)
