"""REFI-QDA export: valid against the schema, and codings round-trip."""

import zipfile
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT

import utenforskap as u
from utenforskap import UtenforskapError, code, read_qdpx, write_qdc, write_qdpx
from utenforskap.exchange.refiqda import CODEBOOK_NS, PROJECT_NS

SCHEMAS = ROOT / "tests" / "fixtures" / "refi-qda"  # vendored (MIT), see its README


@pytest.fixture(scope="module")
def project(coded, tmp_path_factory):
    return write_qdpx(coded, tmp_path_factory.mktemp("qdpx") / "prosjekt.qdpx")


def test_refiqda_archive_layout(project, coded, tmp_path):
    names = zipfile.ZipFile(project).namelist()
    assert names[0] == "project.qde"
    sources = [n for n in names if n != "project.qde"]
    # the default layout: a text source per workshop and group
    assert len(sources) == coded["group"].nunique() == 6
    assert all(n.startswith("sources/") and n.endswith(".txt") for n in sources)
    one = write_qdpx(coded, tmp_path / "verksted.qdpx", layout="workshop")
    assert len([n for n in zipfile.ZipFile(one).namelist() if n.startswith("sources/")]) == 1
    with pytest.raises(UtenforskapError, match="layout must be one of 'group', 'workshop'"):
        write_qdpx(coded, tmp_path / "x.qdpx", layout="statement")


def test_refiqda_elements_and_namespace(project):
    root = ET.fromstring(zipfile.ZipFile(project).read("project.qde"))
    q = f"{{{PROJECT_NS}}}"
    assert root.tag == f"{q}Project" and root.get("name") == "prosjekt"
    assert [child.tag.removeprefix(q) for child in root] == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Description"]
    themes = root.find(f"{q}CodeBook/{q}Codes").findall(f"{q}Code")
    assert [c.get("name") for c in themes] == ["Hindringer", "Muligheter", "Brukermedvirkning"]
    assert themes[0].findtext(f"{q}Description").startswith("Forhold som hindrer")
    assert len(themes[0].findall(f"{q}Code")) == 6  # sub-codes nested
    sources = root.findall(f"{q}Sources/{q}TextSource")
    assert sources[0].get("name") == "workshop_ungt_utenforskap_2023 – Gruppe 1"
    assert all(s.get("plainTextPath").startswith("internal://") for s in sources)
    user = root.find(f"{q}Users/{q}User").get("guid")
    assert all(s.get("creatingUser") == user and s.get("creationDateTime", "").endswith("Z") for s in sources)
    selections = [sel for s in sources for sel in s.findall(f"{q}PlainTextSelection")]
    assert len(selections) == 86
    # every statement says where it stands and what it was coded (an uncoded one too)
    assert all(sel.findtext(f"{q}Description", "").startswith("Utsagn ") for sel in selections)
    assert any(sel.findtext(f"{q}Description").endswith("Koder: ingen.") for sel in selections)


def test_refiqda_cases_link_sources_for_groups_and_selections_for_questions(project):
    root = ET.fromstring(zipfile.ZipFile(project).read("project.qde"))
    q = f"{{{PROJECT_NS}}}"
    cases = {c.get("name"): c for c in root.iter(f"{q}Case")}
    group = cases["workshop_ungt_utenforskap_2023: Gruppe 1"]
    assert len(group.findall(f"{q}SourceRef")) == 1 and not group.findall(f"{q}SelectionRef")
    question = cases["workshop_ungt_utenforskap_2023: Spørsmål 2"]
    assert len(question.findall(f"{q}SelectionRef")) == 41


def test_refiqda_positions_are_code_points(project, statements):
    archive = zipfile.ZipFile(project)
    root = ET.fromstring(archive.read("project.qde"))
    q = f"{{{PROJECT_NS}}}"
    by_id = statements.set_index("segment_id")["text"]
    checked = 0
    for source in root.iter(f"{q}TextSource"):
        text = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
        for selection in source.findall(f"{q}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == by_id[selection.get("name")]
            checked += 1
    assert checked == 86


def test_refiqda_read_by_pyrefiqda(project, coded, tmp_path):
    """An independent reader (pyrefiqda's Pydantic models of the standard)
    finds the codes and their hierarchy, every statement's text at its
    position, every coding and the cases."""
    pyrefiqda = pytest.importorskip("pyrefiqda")
    model = pyrefiqda.RefiProject.load(project, extract_dir=tmp_path / "ut")
    book = u.codebook_of(coded)

    def walk(codes, parent=None):
        for c in codes:
            yield c, parent
            yield from walk(c.code, c)

    codes = list(walk(model.code_book.codes.code))
    assert len(codes) == len(book.codes) == 17
    ids = {c.guid: c.description.split("Kode-id: ")[1].strip() for c, _ in codes}
    parents = {ids[c.guid]: (ids[p.guid] if p else None) for c, p in codes}
    assert parents == {c: book.codes[c].parent for c in book.codes}
    texts = coded.set_index("segment_id")["text"]
    expected = coded.set_index("segment_id")["codes"]
    seen, codings = 0, 0
    for source in model.sources.text_source:
        content = pyrefiqda.RefiProject.resolve_source_path(source.plain_text_path, tmp_path / "ut").read_text(encoding="utf-8")
        for selection in source.plain_text_selection:
            assert content[selection.start_position : selection.end_position] == texts[selection.name]
            assert sorted(ids[c.code_ref.target_guid] for c in selection.coding) == sorted(expected[selection.name])
            seen, codings = seen + 1, codings + len(selection.coding)
    assert seen == 86 and codings == sum(len(c) for c in coded["codes"])
    cases = {c.name: c for c in model.cases.case}
    assert len(cases) == 6 + 3
    assert len(cases["workshop_ungt_utenforskap_2023: Gruppe 3"].source_ref) == 1


def test_refiqda_valid_against_schema(project, tmp_path):
    import xmlschema

    schema = xmlschema.XMLSchema(SCHEMAS / "Project-mrt2019.xsd")
    schema.validate(zipfile.ZipFile(project).read("project.qde"))
    one = write_qdpx(code(u.read_workshop("data/raw")), tmp_path / "verksted.qdpx", layout="workshop")
    schema.validate(zipfile.ZipFile(one).read("project.qde"))
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
    # into the source that holds the statement
    source_end = xml.index("</TextSource>", xml.index(f'name="{target.get("name")}"'))
    xml = xml[:source_end] + new + xml[source_end:]
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


def test_refiqda_same_input_same_bytes_on_another_day(tmp_path, bundled_path, monkeypatch):
    """A fresh checkout gives the input a new modification time: the project
    must not change.  Sources are dated by the workshop's title (02.02.23)."""
    import os
    import shutil

    first, second = tmp_path / "a" / bundled_path.name, tmp_path / "b" / bundled_path.name
    for copy, when in ((first, 1_600_000_000), (second, 1_700_000_000)):
        copy.parent.mkdir()
        shutil.copyfile(bundled_path, copy)
        os.utime(copy, (when, when))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = write_qdpx(code(u.read_workshop(first), semantic=False), first.parent / "prosjekt.qdpx").read_bytes()
    b = write_qdpx(code(u.read_workshop(second), semantic=False), second.parent / "prosjekt.qdpx").read_bytes()
    assert a == b
    with zipfile.ZipFile(first.parent / "prosjekt.qdpx") as z:
        root = ET.fromstring(z.read("project.qde"))
    dates = {s.get("creationDateTime") for s in root.iter(f"{{{PROJECT_NS}}}TextSource")}
    assert dates == {"2023-02-02T00:00:00Z"}


def test_refiqda_date_without_one_in_the_title(tmp_path, monkeypatch):
    statements = u.read_workshop(_table(tmp_path))
    assert statements["workshop_title"].iat[0] == "Arbeidsverksted om bolig"

    def dates():
        path = write_qdpx(code(statements, semantic=False), tmp_path / "p.qdpx")
        with zipfile.ZipFile(path) as z:
            root = ET.fromstring(z.read("project.qde"))
        return {s.get("creationDateTime") for s in root.iter(f"{{{PROJECT_NS}}}TextSource")}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert dates() == {"2023-11-14T22:13:20Z"}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert dates() == {"2020-01-01T00:00:00Z"}


def _table(folder):
    path = folder / "bolig.csv"
    path.write_text("Arbeidsverksted om bolig\n\nGruppe,Spm. 1: Hva hindrer?\n1,- Lange ventelister\n", encoding="utf-8")
    return path


def test_refiqda_bad_file(tmp_path):
    from utenforskap import InputError

    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"nope")
    with pytest.raises(InputError, match=r"bad\.qdpx: not a REFI-QDA project"):
        read_qdpx(bad)


NVIVO_WHEEL = ROOT / ".venv" / "fixtures" / "qualitative_coding-1.7.8-py3-none-any.whl"


@pytest.fixture(scope="module")
def nvivo_project(tmp_path_factory):
    """A real NVivo for Mac 15 export, shipped in qualitative-coding's wheel
    (downloaded by make's set-up; read, never copied into the repository)."""
    if not NVIVO_WHEEL.exists():
        pytest.skip("qualitative-coding's wheel is not in .venv/fixtures (make test downloads it)")
    path = tmp_path_factory.mktemp("nvivo") / "nvivo_project.qdpx"
    with zipfile.ZipFile(NVIVO_WHEEL) as wheel:
        path.write_bytes(wheel.read("qualitative_coding/refi_qda/nvivo_project.qdpx"))
    return path


def test_an_nvivo_project_loads_as_a_codebook(nvivo_project):
    book = u.load_codebook(nvivo_project)
    with zipfile.ZipFile(nvivo_project) as z:
        root = ET.fromstring(z.read("project.qde"))
    elements = list(root.iter(f"{{{PROJECT_NS}}}Code"))
    assert len(book.codes) == len(elements) == 262
    assert book.themes == ["rq1_definition", "rq2_curriculum_and_instruction", "rq3_process"]
    # the hierarchy as NVivo has it: every element's children are the code's children
    programming = next(c for c in book.codes.values() if c.label == "programming")
    assert book.codes[programming.parent].label == "competencies" and book.theme_of(programming.id) == "rq1_definition"
    assert max(c.level for c in book.codes.values()) >= 2
    # no patterns: the rules give no codes, and coding says so
    with pytest.warns(UserWarning, match="has no patterns, sections or questions"):
        coded = code(["Programmering er vanskelig for mange elever."], codebook=book, semantic=False)
    assert coded.loc[0, "codes"] == [] and "the rules give no codes" in coded.attrs["rules_note"]


def test_our_own_qdc_reads_back_as_the_same_codebook(tmp_path):
    book = u.load_codebook()
    back = u.load_codebook(write_qdc(tmp_path / "kodebok.qdc"))
    assert list(back.codes) == list(book.codes)
    assert [back.codes[c].parent for c in back.codes] == [book.codes[c].parent for c in book.codes]
    assert back.label("organisation_silos") == book.label("organisation_silos")
    assert back.codes["funding_resources"].examples == book.codes["funding_resources"].examples
    assert back.codes["barriers"].colour.startswith("#")
    with pytest.raises(u.CodebookError, match="not a REFI-QDA codebook"):
        bad = tmp_path / "tom.qdc"
        bad.write_text("ikke xml", encoding="utf-8")
        u.load_codebook(bad)


def _as_a_tool_reexports(ours, out, *, new_code: str | None = None):
    """Our project as a QDA tool writes it back: every selection with a new
    guid and named by its text (as QualCoder's export does), sources renamed,
    and optionally a code made in the tool, given to one selection."""
    import uuid

    with zipfile.ZipFile(ours) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    ET.register_namespace("", PROJECT_NS)
    root = ET.fromstring(entries["project.qde"])
    q = f"{{{PROJECT_NS}}}"
    renamed = {}
    for source in root.iter(f"{q}TextSource"):
        old = source.get("plainTextPath").rsplit("/", 1)[-1]
        fresh = f"{uuid.uuid4()}.txt"
        renamed[f"sources/{old}"] = f"sources/{fresh}"
        source.set("guid", fresh[:-4])
        source.set("plainTextPath", f"internal://{fresh}")
        text = entries[f"sources/{old}"].decode("utf-8")
        for selection in source.iter(f"{q}PlainTextSelection"):
            for description in selection.findall(f"{q}Description"):
                selection.remove(description)  # a tool that keeps no descriptions: the text must find them
            selection.set("guid", str(uuid.uuid4()))
            selection.set("name", text[int(selection.get("startPosition")) : int(selection.get("endPosition"))][:40])
    if new_code:
        codes = next(root.iter(f"{q}Codes"))
        guid = str(uuid.uuid4())
        ET.SubElement(codes, f"{q}Code", guid=guid, name=new_code, isCodable="true")
        selection = next(root.iter(f"{q}PlainTextSelection"))
        coding = ET.SubElement(selection, f"{q}Coding", guid=str(uuid.uuid4()), creatingUser="x")
        ET.SubElement(coding, f"{q}CodeRef", targetGUID=guid)
    entries = {renamed.get(n, n): v for n, v in entries.items()}
    entries["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out


def test_a_reexport_with_new_selection_ids_reads_back_by_text(project, coded, tmp_path):
    """Simulated from our own export as the issue describes QualCoder's (new
    selection ids, selections named by their text); not QualCoder's own file."""
    import pandas as pd

    ours = read_qdpx(project)
    tool = _as_a_tool_reexports(project, tmp_path / "tilbake.qdpx", new_code="Ny kode fra verktøyet")
    with pytest.raises(u.InputError, match="pass statements="):
        read_qdpx(tool)
    with pytest.warns(UserWarning, match="1 code\\(s\\) made in the QDA tool, kept by name: Ny kode fra verktøyet"):
        back = read_qdpx(tool, coded)
    assert len(back) == len(ours) == 86
    merged = ours.merge(back, on="segment_id", suffixes=("_ours", "_tool"))
    extra = merged[merged["codes_ours"] != merged["codes_tool"]]
    assert len(extra) == 1 and extra["codes_tool"].iat[0][-1] == "Ny kode fra verktøyet"
    assert sum(map(len, ours["codes"])) == sum(map(len, back["codes"])) - 1
    # the same from the analysis' CSV, as a researcher has it
    csv = tmp_path / "utsagn_kodet.csv"
    coded.to_csv(csv, index=False, encoding="utf-8-sig")
    with pytest.warns(UserWarning):
        again = read_qdpx(tool, pd.read_csv(csv, encoding="utf-8-sig"))
    assert again["codes"].tolist() == back["codes"].tolist()


def test_qualcoders_own_reexport_reads_back_as_our_project(statements):
    """The file QualCoder's own export wrote (tests/fixtures/refi-qda/README.md):
    every statement and every coding of the project it was given."""
    ours = read_qdpx(SCHEMAS / "qualcoder_input.qdpx")
    with zipfile.ZipFile(SCHEMAS / "qualcoder_reexport.qdpx") as z:
        root = ET.fromstring(z.read("project.qde"))
    assert not any(s.get("name", "").startswith("workshop_") for s in root.iter(f"{{{PROJECT_NS}}}PlainTextSelection"))
    back = read_qdpx(SCHEMAS / "qualcoder_reexport.qdpx", statements)
    assert len(back) == len(ours) == 86 and sum(map(len, back["codes"])) == sum(map(len, ours["codes"])) == 232
    assert back.set_index("segment_id").loc[ours["segment_id"], "codes"].tolist() == ours["codes"].tolist()
    # without the statements: found by the descriptions QualCoder kept, all but the two it dropped (no coding)
    with pytest.warns(UserWarning, match="pass statements= to have them too"):
        alone = read_qdpx(SCHEMAS / "qualcoder_reexport.qdpx")
    assert len(alone) == 84 and sum(map(len, alone["codes"])) == 232


def test_cases_as_codes_for_qualcoder_are_valid_and_read_back_as_no_coding(coded, tmp_path):
    """QualCoder turns a code with a case's guid into a filled case (its
    import of such a project held 92 case links, of the default one 0:
    tests/fixtures/refi-qda/README.md); here: the project stays valid, every
    case is a code coding its members, and read_qdpx leaves those out."""
    import xmlschema

    path = write_qdpx(coded, tmp_path / "qualcoder.qdpx", case_codes=True)
    with zipfile.ZipFile(path) as z:
        xml = z.read("project.qde")
    xmlschema.XMLSchema(SCHEMAS / "Project-mrt2019.xsd").validate(xml)
    root = ET.fromstring(xml)
    q = f"{{{PROJECT_NS}}}"
    cases = {c.get("guid"): c for c in root.iter(f"{q}Case")}
    codes = {c.get("guid"): c for c in root.iter(f"{q}Code")}
    assert len(cases) == 9 and set(cases) <= set(codes)
    coded_by = {}
    for coding in root.iter(f"{q}CodeRef"):
        coded_by[coding.get("targetGUID")] = coded_by.get(coding.get("targetGUID"), 0) + 1
    members = {g: len([m for m in c if m.tag in (f"{q}SourceRef", f"{q}SelectionRef")]) for g, c in cases.items()}
    assert {g: coded_by.get(g, 0) for g in cases} == members and sum(members.values()) == 92
    assert read_qdpx(path)["codes"].tolist() == read_qdpx(write_qdpx(coded, tmp_path / "plain.qdpx"))["codes"].tolist()
