"""REFI-QDA export: valid against the schema, and codings round-trip."""

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from utenforskap import code, read_qdpx, write_qdc, write_qdpx
from utenforskap.refiqda import CODEBOOK_NS, PROJECT_NS

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"


@pytest.fixture(scope="module")
def coded(statements):
    return code(statements)


@pytest.fixture(scope="module")
def project(coded, tmp_path_factory):
    return write_qdpx(coded, tmp_path_factory.mktemp("qdpx") / "prosjekt.qdpx")


def test_refiqda_archive_layout(project):
    names = zipfile.ZipFile(project).namelist()
    assert names[0] == "project.qde"
    sources = [n for n in names if n != "project.qde"]
    assert len(sources) == 1 and sources[0].startswith("sources/") and sources[0].endswith(".txt")


def test_refiqda_elements_and_namespace(project):
    root = ET.fromstring(zipfile.ZipFile(project).read("project.qde"))
    q = f"{{{PROJECT_NS}}}"
    assert root.tag == f"{q}Project" and root.get("name") == "prosjekt"
    assert [child.tag.removeprefix(q) for child in root] == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Description"]
    themes = root.find(f"{q}CodeBook/{q}Codes").findall(f"{q}Code")
    assert [c.get("name") for c in themes] == ["Hindringer", "Muligheter", "Brukermedvirkning"]
    assert themes[0].findtext(f"{q}Description").startswith("Forhold som hindrer")
    assert len(themes[0].findall(f"{q}Code")) == 6  # sub-codes nested
    source = root.find(f"{q}Sources/{q}TextSource")
    assert source.get("plainTextPath").startswith("internal://")
    assert len(source.findall(f"{q}PlainTextSelection")) == 86


def test_refiqda_positions_are_code_points(project, statements):
    archive = zipfile.ZipFile(project)
    root = ET.fromstring(archive.read("project.qde"))
    q = f"{{{PROJECT_NS}}}"
    source = root.find(f"{q}Sources/{q}TextSource")
    text = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    by_id = statements.set_index("segment_id")["text"]
    for selection in source.findall(f"{q}PlainTextSelection"):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == by_id[selection.get("name")]


@pytest.mark.skipif(not (SCHEMAS / "Project-mrt2019.xsd").exists(), reason="REFI-QDA schemas not beside the repository")
def test_refiqda_valid_against_schema(project, tmp_path):
    import xmlschema

    xmlschema.XMLSchema(SCHEMAS / "Project-mrt2019.xsd").validate(zipfile.ZipFile(project).read("project.qde"))
    qdc = write_qdc(tmp_path / "kodebok.qdc")
    xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd").validate(qdc.read_bytes())
    assert ET.parse(qdc).getroot().tag == f"{{{CODEBOOK_NS}}}CodeBook"


def test_refiqda_round_trip_same_codes(project, coded):
    back = read_qdpx(project)
    assert back["segment_id"].tolist() == coded["segment_id"].tolist()
    assert back["codes"].tolist() == coded["codes"].tolist()


def test_refiqda_reads_codings_added_in_a_qda_tool(project, tmp_path, coded):
    """A coder adds a selection inside statement g3-q3-02 and codes it."""
    archive = zipfile.ZipFile(project)
    xml = archive.read("project.qde").decode("utf-8")
    root = ET.fromstring(xml)
    q = f"{{{PROJECT_NS}}}"
    target = next(s for s in root.iter(f"{q}PlainTextSelection") if s.get("name").endswith("g3-q3-02"))
    ux = next(c for c in root.iter(f"{q}Code") if c.get("name") == "Brukermedvirkning").get("guid")
    start = int(target.get("startPosition"))
    new = (
        f'<PlainTextSelection guid="11111111-2222-3333-4444-555555555555" name="ny" '
        f'startPosition="{start}" endPosition="{start + 5}"><Coding guid="11111111-2222-3333-4444-666666666666">'
        f'<CodeRef targetGUID="{ux}"/></Coding></PlainTextSelection>'
    )
    xml = xml.replace("</TextSource>", new + "</TextSource>")
    edited = tmp_path / "redigert.qdpx"
    with zipfile.ZipFile(edited, "w") as out:
        for name in archive.namelist():
            out.writestr(name, xml if name == "project.qde" else archive.read(name))
    back = read_qdpx(edited).set_index("segment_id")
    assert "user_participation" in back.loc[target.get("name"), "codes"]
    assert back.loc[target.get("name"), "codes"][0] == "barriers"


def test_refiqda_export_is_reproducible(coded, tmp_path):
    a = write_qdpx(coded, tmp_path / "a.qdpx", name="x").read_bytes()
    b = write_qdpx(coded, tmp_path / "b.qdpx", name="x").read_bytes()
    assert a == b


def test_refiqda_bad_file(tmp_path):
    from utenforskap import InputError

    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"nope")
    with pytest.raises(InputError, match=r"bad\.qdpx: not a REFI-QDA project"):
        read_qdpx(bad)
