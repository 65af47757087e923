"""REFI-QDA export (``.qdpx`` project, ``.qdc`` codebook) and read-back.

The REFI-QDA standard (www.qdasoftware.org) is how NVivo, ATLAS.ti, MAXQDA
and QualCoder exchange projects.  The project written here holds:

* one text source per workshop and group (or, with ``layout="workshop"``,
  per workshop): the title, the group, then each question as a heading line
  and every statement on its own line;
* one ``PlainTextSelection`` per statement (named by its ``segment_id``,
  positions in Unicode code points, a description saying where it stands and
  its codes), with one ``Coding`` per assigned code;
* the codebook as nested codes, with the definition, inclusion and exclusion
  notes and examples in each code's ``Description``;
* a case per group (linking its source) and per question (linking the
  statements), so matrices can be rebuilt in the QDA tool, and a
  ``Workshop`` variable;
* sources, selections and codings with their creating user and date (the
  date in the workshop's title, else ``SOURCE_DATE_EPOCH``, else a fixed
  date: never a file's modification time, so a fresh checkout of the same
  input gives the same bytes).

GUIDs are derived from names (UUID 5), so the same input gives the same
project, and the zip entries carry a fixed date.
"""

from __future__ import annotations

import re
import uuid
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .._lazy import lazy_module
from ..coding import Code, Codebook, CodebookLike, codebook_of, load_codebook, register_codebook_reader
from ..errors import CodebookError, InputError, UtenforskapError
from ..lang.nb import QDA_TEXT
from ..read import workshop_date
from .files import atomic_write, source_date_epoch

pd = lazy_module("pandas")

__all__ = [
    "read_qda_codebook",
    "write_qdpx",
    "write_qdc",
    "read_qdpx",
    "project_xml",
    "codebook_xml",
    "PROJECT_NS",
    "CODEBOOK_NS",
    "LAYOUTS",
]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_BASE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/utenforskap")
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def _guid(*parts) -> str:
    return str(uuid.uuid5(_BASE, "\x1f".join(map(str, parts))))


def _description(book: Codebook, code_id: str) -> str:
    code = book.codes[code_id]
    lines = [code.definition]
    if code.include:
        lines.append(f"Inkluder: {code.include}")
    if code.exclude:
        lines.append(f"Ekskluder: {code.exclude}")
    if code.examples:
        lines.append("Eksempler: " + " | ".join(code.examples))
    lines.append(f"Kode-id: {code.id}")
    return "\n".join(line for line in lines if line)


def _codes_element(parent: ET.Element, ns: str, book: Codebook) -> dict[str, str]:
    """Nested ``Codes/Code`` elements; returns code id -> guid."""
    guids = {}
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")

    def add(into: ET.Element, code_id: str, colour: str) -> None:
        guids[code_id] = _guid("code", code_id)
        element = ET.SubElement(
            into, f"{{{ns}}}Code", guid=guids[code_id], name=book.label(code_id), isCodable="true", color=colour
        )
        ET.SubElement(element, f"{{{ns}}}Description").text = _description(book, code_id)
        for child in book.codes[code_id].children:
            add(element, child, colour)

    for i, theme in enumerate(book.themes):
        add(codes, theme, _COLOURS[i % len(_COLOURS)])
    return guids


def codebook_xml(codebook: CodebookLike | None = None) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 XML)."""
    book = load_codebook(codebook)
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin="utenforskap")
    _codes_element(root, CODEBOOK_NS, book)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sources(frame: pd.DataFrame, by_group: bool):
    """Each source of a project: ``(key, statements, text, spans)`` per
    workshop and group (``by_group``) or per workshop, in input order."""
    for key, statements in frame.groupby(["workshop", "group"] if by_group else ["workshop"], sort=False):
        text, spans = _source_text(statements, by_group)
        yield (key if isinstance(key, tuple) else (key,)), statements, text, spans


def _source_text(statements: pd.DataFrame, by_group: bool) -> tuple[str, list[tuple[str, int, int]]]:
    """The text of one source (a workshop, or one group of it), and
    (segment_id, start, end) of each statement in code points."""
    parts: list[str] = []
    spans = []
    length = 0

    def add(line: str) -> int:
        nonlocal length
        start = length
        parts.append(line + "\n")
        length += len(line) + 1
        return start

    title = str(statements["workshop_title"].iat[0]) if "workshop_title" in statements.columns else ""
    if title:
        add(title)
    if by_group and "group" in statements.columns:
        add(f"Gruppe {statements['group'].iat[0]}")
    previous = (None, None, None)
    for row in statements.itertuples(index=False):
        group, question = getattr(row, "group", ""), getattr(row, "question", "")
        section = getattr(row, "section", "") or ""
        if (group, question) != previous[:2]:
            add("")
            question_line = getattr(row, "question_text", "") or f"Spm. {question}"
            if by_group:
                add(str(question_line))
            else:
                add(f"Gruppe {group}" + (f" – {question_line}" if question != "" else ""))
            previous = (group, question, None)
        if section and section != previous[2]:
            add(f"{section}:")
        previous = (group, question, section)
        start = add(row.text)
        spans.append((row.segment_id, start, start + len(row.text)))
    return "".join(parts), spans


#: When neither the workshop's title nor SOURCE_DATE_EPOCH gives a date.
_FIXED_DATE = "2020-01-01T00:00:00Z"


def _created(statements: pd.DataFrame) -> str:
    """The creation date of a source, the same for the same input on any
    machine and day: the date in the workshop's title (``02.02.23``,
    ``14. mars 2024``), else ``SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention), else a fixed date.  When the analysis ran is recorded in
    ``metadata.json`` only."""
    titles = statements["workshop_title"] if "workshop_title" in statements.columns else []
    for title in dict.fromkeys(titles):
        day = workshop_date(title)
        if day is not None:
            return f"{day.isoformat()}T00:00:00Z"
    return source_date_epoch() or _FIXED_DATE


def _selection_description(row, book: Codebook) -> str:
    """What a QDA tool shows for a statement's selection (never empty: an
    uncoded statement would otherwise arrive as an empty annotation)."""
    codes = [book.label(c) for c in (getattr(row, "codes", None) or []) if c in book.codes]
    return QDA_TEXT["selection"].format(
        segment_id=row.segment_id,
        group=getattr(row, "group", ""),
        question=getattr(row, "question", ""),
        codes=", ".join(codes) if codes else QDA_TEXT["no_codes"],
    )


#: Layouts of :func:`write_qdpx`.
LAYOUTS = ("group", "workshop")
#: The columns of a coded frame the project is made from.
_PROJECT_COLUMNS = ("segment_id", "workshop", "workshop_title", "group", "question", "question_text", "section", "text", "codes")


def project_xml(
    coded: pd.DataFrame,
    codebook: CodebookLike | None = None,
    name: str = "utenforskap",
    layout: str = "group",
    case_codes: bool = False,
) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` XML and the source texts (file name -> text);
    ``case_codes``: see :func:`write_qdpx`."""
    if layout not in LAYOUTS:
        raise UtenforskapError(f"layout must be one of {', '.join(map(repr, LAYOUTS))}, got {layout!r}")
    book = codebook_of(coded, codebook)
    ET.register_namespace("", PROJECT_NS)
    q = f"{{{PROJECT_NS}}}"
    user = _guid("user", "utenforskap")
    root = ET.Element(f"{q}Project", name=name, origin="utenforskap", creatingUserGUID=user)
    users = ET.SubElement(root, f"{q}Users")
    ET.SubElement(users, f"{q}User", guid=user, name="utenforskap (automatisk koding)", id="utenforskap")
    codebook_element = ET.SubElement(root, f"{q}CodeBook")
    guids = _codes_element(codebook_element, PROJECT_NS, book)
    variables = ET.SubElement(root, f"{q}Variables")
    workshop_var = _guid("variable", "workshop")
    ET.SubElement(variables, f"{q}Variable", guid=workshop_var, name="Workshop", typeOfVariable="Text")
    cases = ET.SubElement(root, f"{q}Cases")
    sources = ET.SubElement(root, f"{q}Sources")
    files: dict[str, str] = {}
    elements: dict[str, ET.Element] = {}  # source and selection guid -> its element
    case_members: dict[tuple, list[tuple[str, str]]] = {}  # (workshop, kind, value) -> [(ref kind, guid)]
    frame = coded if "workshop" in coded.columns else coded.assign(workshop=name)
    frame = frame[[c for c in _PROJECT_COLUMNS if c in frame.columns]]  # rows are read one by one: no more columns than needed
    by_group = layout == "group" and "group" in frame.columns
    for key, statements, text, spans in _sources(frame, by_group):
        workshop = key[0]
        source_guid = _guid("source", *key) if by_group else _guid("source", workshop)
        files[f"{source_guid}.txt"] = text
        title = str(statements["workshop_title"].iat[0]) if "workshop_title" in statements.columns else str(workshop)
        source_name = f"{workshop} – Gruppe {key[1]}" if by_group else str(workshop)
        created = _created(statements)
        source = elements[source_guid] = ET.SubElement(
            sources,
            f"{q}TextSource",
            guid=source_guid,
            name=source_name,
            plainTextPath=f"internal://{source_guid}.txt",
            creatingUser=user,
            creationDateTime=created,
            modifyingUser=user,
            modifiedDateTime=created,
        )
        ET.SubElement(source, f"{q}Description").text = f"{title}" + (
            QDA_TEXT["source_group"].format(group=key[1]) if by_group else ""
        )
        if by_group:
            case_members.setdefault((workshop, QDA_TEXT["group_case"], key[1]), []).append(("SourceRef", source_guid))
        for (segment_id, start, end), row in zip(spans, statements.itertuples(index=False)):
            selection_guid = _guid("selection", segment_id)
            selection = elements[selection_guid] = ET.SubElement(
                source,
                f"{q}PlainTextSelection",
                guid=selection_guid,
                name=segment_id,
                startPosition=str(start),
                endPosition=str(end),
                creatingUser=user,
                creationDateTime=created,
            )
            ET.SubElement(selection, f"{q}Description").text = _selection_description(row, book)
            for code_id in getattr(row, "codes", []) or []:
                if code_id in guids:
                    coding = ET.SubElement(
                        selection,
                        f"{q}Coding",
                        guid=_guid("coding", segment_id, code_id),
                        creatingUser=user,
                        creationDateTime=created,
                    )
                    ET.SubElement(coding, f"{q}CodeRef", targetGUID=guids[code_id])
            if hasattr(row, "group") and not by_group:
                case_members.setdefault((workshop, QDA_TEXT["group_case"], row.group), []).append(
                    ("SelectionRef", selection_guid)
                )
            if hasattr(row, "question"):
                case_members.setdefault((workshop, QDA_TEXT["question_case"], row.question), []).append(
                    ("SelectionRef", selection_guid)
                )
    for (workshop, kind, value), members in case_members.items():
        case = ET.SubElement(cases, f"{q}Case", guid=_guid("case", workshop, kind, value), name=f"{workshop}: {kind} {value}")
        vv = ET.SubElement(case, f"{q}VariableValue")
        ET.SubElement(vv, f"{q}VariableRef", targetGUID=workshop_var)
        ET.SubElement(vv, f"{q}TextValue").text = str(workshop)
        for ref, member in members:
            ET.SubElement(case, f"{q}{ref}", targetGUID=member)
    if case_codes and len(cases):
        _code_the_cases(cases, codebook_element, elements, files, q, user, created)
    if not len(cases):
        root.remove(cases)
    ET.SubElement(root, f"{q}Description").text = QDA_TEXT["project"].format(
        codebook=book.title, pipeline=coded.attrs.get("pipeline", "")
    )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), files


def _code_the_cases(cases, codebook_element, elements: dict, files: dict, q: str, user: str, created: str) -> None:
    """Each case also as a code of the same guid, coding its members (a
    group's whole source, a question's statements): the convention QualCoder
    (and NVivo) use, which QualCoder's import turns into case links and then
    drops the code; other tools show these codes under one parent."""
    codes = codebook_element.find(f"{q}Codes")
    parent = ET.SubElement(codes, f"{q}Code", guid=_guid("case-codes"), name=QDA_TEXT["case_codes"], isCodable="false")
    ET.SubElement(parent, f"{q}Description").text = QDA_TEXT["case_codes_description"]
    for case in cases:
        guid = case.get("guid")
        ET.SubElement(parent, f"{q}Code", guid=guid, name=case.get("name"), isCodable="true")
        for member in case:
            ref = member.get("targetGUID")
            if member.tag == f"{q}SourceRef":  # the whole source
                end = len(files[f"{ref}.txt"])
                target = ET.SubElement(
                    elements[ref],
                    f"{q}PlainTextSelection",
                    guid=_guid("case-selection", ref, guid),
                    name=case.get("name"),
                    startPosition="0",
                    endPosition=str(end),
                    creatingUser=user,
                    creationDateTime=created,
                )
            elif member.tag == f"{q}SelectionRef":
                target = elements[ref]
            else:
                continue
            coding = ET.SubElement(
                target, f"{q}Coding", guid=_guid("case-coding", ref, guid), creatingUser=user, creationDateTime=created
            )
            ET.SubElement(coding, f"{q}CodeRef", targetGUID=guid)


def _write_zip(path: Path, entries: dict[str, bytes]) -> Path:

    with atomic_write(path, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def write_qdpx(
    coded: pd.DataFrame,
    path: str | Path,
    name: str | None = None,
    layout: str = "group",
    *,
    case_codes: bool = False,
    codebook: CodebookLike | None = None,
) -> Path:
    """Write a REFI-QDA project (``.qdpx``) of coded statements.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code` (needs ``segment_id``, ``text``
        and ``codes``; uses ``workshop``, ``group``, ``question``, ``section``
        where present).
    path : str or Path
        The ``.qdpx`` file.
    name : str, optional
        Project name; by default the file stem.
    layout : {"group", "workshop"}
        ``group`` (default): one text source per workshop and group, and a
        group case links its source (``SourceRef``); ``workshop``: one text
        source per workshop, group cases link the statements' selections
        (``SelectionRef``).  Question cases always link selections.
        QualCoder's import ignores both kinds of link inside a named case, so
        there the cases arrive empty (see the user guide).
    case_codes : bool
        Also write each case as a code of the same guid that codes its
        members (a group's whole source, a question's statements), under a
        parent code "Tilfeller": QualCoder's import turns such codes into
        filled cases and drops them; other tools show them as extra codes.
        :func:`read_qdpx` leaves them out.

    Examples
    --------
    >>> import tempfile, pathlib, zipfile, utenforskap as u
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "prosjekt.qdpx"
    >>> _ = write_qdpx(u.code(u.read_workshop("data/raw")), out)
    >>> sorted({n.split("/")[0] for n in zipfile.ZipFile(out).namelist()})
    ['project.qde', 'sources']
    """
    path = Path(path)
    xml, files = project_xml(coded, codebook, name or path.stem, layout=layout, case_codes=case_codes)
    entries = {"project.qde": xml}
    entries.update({f"sources/{file}": text.encode("utf-8") for file, text in files.items()})
    return _write_zip(path, entries)


def write_qdc(path: str | Path, *, codebook: CodebookLike | None = None) -> Path:
    """Write the codebook alone as a REFI-QDA ``.qdc`` file."""
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        fh.write(codebook_xml(codebook))
    return path


def read_qdpx(path: str | Path, statements: pd.DataFrame | None = None, *, codebook: CodebookLike | None = None) -> pd.DataFrame:
    """Read the codings back from a ``.qdpx`` project: ours, ours edited in a
    QDA tool, or a tool's own re-export of it.

    The statements are found by the selection ids :func:`write_qdpx` wrote.
    A tool that writes new selection ids on export (QualCoder names
    selections by their text) may keep the selections' descriptions, which
    name each statement's segment id (QualCoder does); else it keeps the
    sources' text: with ``statements`` (the coded frame, or
    ``utsagn_kodet.csv`` read with pandas) each source is matched to the
    source text :func:`write_qdpx` made from them, else line by line to the
    statements' texts.  Every coded selection is mapped
    to the statements it overlaps; codes to code ids by the ``Kode-id`` line
    of their description, else by their name (the codebook label); a code
    made in the tool is kept under its name, with a warning naming it.

    Returns
    -------
    pandas.DataFrame
        ``segment_id`` and ``codes`` (code ids in codebook order, new codes
        after them), one row per statement found.

    Raises
    ------
    InputError
        For a file that is not a project, and when no statement can be found
        in it (saying whether ``statements`` would help).
    """
    path = Path(path)
    book = load_codebook(codebook)
    try:
        with zipfile.ZipFile(path) as archive:
            root = ET.fromstring(archive.read("project.qde"))
            texts = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist() if name.startswith("sources/")}
    except FileNotFoundError:
        raise InputError("file not found", path) from None
    except (zipfile.BadZipFile, KeyError, ET.ParseError, UnicodeDecodeError) as exc:
        raise InputError(f"not a REFI-QDA project ({exc})", path) from None
    q = f"{{{PROJECT_NS}}}"
    code_ids = _project_code_ids(root, q, book)
    for guid in [c.get("guid") for c in root.iter(f"{q}Case")] + [_guid("case-codes")]:
        code_ids.pop(guid, None)  # cases written as codes (case_codes=True) are not codings
    expected = None  # the source texts write_qdpx makes from the statements, made when a source needs them
    order = {c: i for i, c in enumerate(book.codes)}
    rows, renamed = [], 0
    for source in root.iter(f"{q}TextSource"):
        selections = list(source.iter(f"{q}PlainTextSelection"))
        spans = [
            (s.get("name"), int(s.get("startPosition")), int(s.get("endPosition")))
            for s in selections
            if s.get("name") and s.get("guid") == _guid("selection", s.get("name"))
        ]
        if not spans:  # new selection ids: the descriptions we wrote (QualCoder keeps them), and the text
            renamed += 1
            spans = _spans_by_description(selections, q)
            if statements is not None:  # also the statements a tool left without a selection (no code)
                text = texts.get("sources/" + (source.get("plainTextPath") or "").rsplit("/", 1)[-1], "")
                expected = _expected_sources(statements) if expected is None else expected
                described = {sid for sid, _, _ in spans}
                spans += [s for s in _spans_by_text(text, expected, statements) if s[0] not in described]
        codes: dict[str, set[str]] = {sid: set() for sid, _, _ in spans}
        for selection in selections:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            refs = [c.find(f"{q}CodeRef").get("targetGUID") for c in selection.findall(f"{q}Coding")]
            for sid, s, e in spans:
                if s < end and start < e:
                    codes[sid].update(code_ids[ref] for ref in refs if ref in code_ids)
        rows.extend(
            {"segment_id": sid, "codes": sorted(codes[sid], key=lambda c: (order.get(c, len(order)), c))} for sid, _, _ in spans
        )
    if not rows:
        hint = (
            "pass statements= (the coded statements, e.g. utsagn_kodet.csv) to find them by their text"
            if statements is None and renamed
            else "its sources hold none of the statements' texts"
        )
        raise InputError(f"no statement found in the project: the QDA tool wrote new selection ids; {hint}", path)
    if renamed and statements is None:
        warnings.warn(
            f"{path}: the QDA tool wrote new selection ids; the statements were found by the descriptions it kept, "
            "so statements it exported without a coding are missing: pass statements= to have them too",
            stacklevel=2,
        )
    new = sorted({c for r in rows for c in r["codes"] if c not in book.codes})
    if new:
        warnings.warn(f"{path}: {len(new)} code(s) made in the QDA tool, kept by name: {', '.join(new)}", stacklevel=2)
    return pd.DataFrame(rows, columns=["segment_id", "codes"])


def _project_code_ids(root, q: str, book: Codebook) -> dict[str, str]:
    """Code guid -> code id: the ``Kode-id`` line of its description, else
    the code whose label is its name, else its name."""
    by_label = {book.label(c): c for c in book.codes}
    code_ids = {}
    for element in root.iter(f"{q}Code"):
        description = element.findtext(f"{q}Description") or ""
        tagged = [line.split(":", 1)[1].strip() for line in description.splitlines() if line.startswith("Kode-id:")]
        code_ids[element.get("guid")] = tagged[0] if tagged else by_label.get(element.get("name"), element.get("name"))
    return code_ids


def _expected_sources(statements: pd.DataFrame) -> dict[str, list[tuple[str, int, int]]]:
    """Source text -> its statements' spans, for every source layout
    :func:`write_qdpx` makes from these statements."""
    frame = statements.assign(segment_id=statements["segment_id"].astype(str))
    for column in ("workshop_title", "group", "question_text", "section"):  # as read back from a CSV: empty, not NaN
        if column in frame.columns:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    frame = frame if "workshop" in frame.columns else frame.assign(workshop="utenforskap")
    layouts = (True, False) if "group" in frame.columns else (False,)
    return {text: spans for by_group in layouts for _, _, text, spans in _sources(frame, by_group)}


#: A selection description as write_qdpx writes it ("Utsagn <segment_id> (Gruppe ...").
_DESCRIBED = re.compile("^" + re.escape(QDA_TEXT["selection"].split("{segment_id}")[0]) + r"(\S+) \(")


def _spans_by_description(selections, q: str) -> list[tuple[str, int, int]]:
    """The statements' spans from selections whose description names their
    segment id (ours, kept by a tool that wrote new ids), each once."""
    spans, seen = [], set()
    for selection in selections:
        m = _DESCRIBED.match(selection.findtext(f"{q}Description") or "")
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            spans.append((m.group(1), int(selection.get("startPosition")), int(selection.get("endPosition"))))
    return spans


def _spans_by_text(text: str, expected: dict, statements: pd.DataFrame) -> list[tuple[str, int, int]]:
    """The statements' spans in one source's text: the whole text as
    :func:`write_qdpx` made it, else each line that is a statement's text
    (each statement once, in order)."""
    if text in expected:
        return expected[text]
    waiting: dict[str, list[str]] = {}
    for sid, statement in zip(statements["segment_id"].astype(str), statements["text"].astype(str)):
        waiting.setdefault(" ".join(statement.split()), []).append(sid)
    spans, position = [], 0
    for line in text.splitlines(keepends=True):
        key = " ".join(line.split())
        if waiting.get(key):
            start = position + (len(line) - len(line.lstrip()))
            spans.append((waiting[key].pop(0), start, start + len(line.strip())))
        position += len(line)
    return spans


def read_qda_codebook(path: str | Path) -> Codebook:
    """The code tree of a REFI-QDA codebook (``.qdc``) or project
    (``.qdpx``), as written by NVivo, ATLAS.ti, MAXQDA, QualCoder or
    :func:`write_qdc`: names as labels, the hierarchy, descriptions as
    definitions, colours.  :func:`utenforskap.load_codebook` calls it for
    these suffixes.

    Code ids are made from the names (``Stigma og utenforskap`` ->
    ``stigma_og_utenforskap``), unique; a description with a ``Kode-id:``
    line (ours) gives back the id and the include, exclude and example notes.
    Such a codebook has no patterns: the rules give no codes, the model of
    meaning knows only the themes it was trained on, and a review
    (:class:`utenforskap.ReviewSession`) learns the rest.

    Raises
    ------
    CodebookError
        For a file that is not a REFI-QDA codebook or holds no codes.
    """
    from defusedxml.ElementTree import fromstring

    path = Path(path)
    try:
        if path.suffix.lower() == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                data = archive.read("project.qde")
        else:
            data = path.read_bytes()
        root = fromstring(data)
    except FileNotFoundError:
        raise CodebookError("codebook file not found", path) from None
    except Exception as exc:  # zip damage, XML errors, entities refused by defusedxml
        raise CodebookError(f"not a REFI-QDA codebook or project ({exc.__class__.__name__}: {exc})", path) from None
    codes_element = next((e for e in root.iter() if _local(e.tag) == "Codes"), None)
    codes: dict[str, Code] = {}
    if codes_element is not None:
        for element in codes_element:
            if _local(element.tag) == "Code":
                _qda_code(element, None, 0, codes)
    if not codes:
        raise CodebookError("the file holds no codes (no CodeBook/Codes/Code elements)", path)
    return Codebook(name=root.get("name") or path.stem, codes=codes, source=str(path))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _qda_code(element, parent: str | None, level: int, codes: dict) -> str:
    """One ``Code`` element and its children as codes; returns its id."""
    name = " ".join((element.get("name") or "").split()) or "kode"
    description = next((c.text or "" for c in element if _local(c.tag) == "Description"), "")
    notes = _description_notes(description)
    code_id = _unique_id(notes.pop("id", None) or _code_id(name), codes)
    code = Code(id=code_id, label=name, parent=parent, level=level, colour=element.get("color") or "", **notes)
    codes[code_id] = code
    for child in element:
        if _local(child.tag) == "Code":
            code.children.append(_qda_code(child, code_id, level + 1, codes))
    return code_id


#: The note lines of a description written by :func:`write_qdc` (see ``_description``).
_NOTE_LINES = {"Inkluder": "include", "Ekskluder": "exclude", "Eksempler": "examples", "Kode-id": "id"}


def _description_notes(description: str) -> dict:
    """A description as a code's definition, and its include, exclude,
    examples and id when written as ours writes them."""
    notes: dict = {}
    rest = []
    for line in description.strip().splitlines():
        key, _, value = line.partition(":")
        if key in _NOTE_LINES and value.strip():
            notes[_NOTE_LINES[key]] = value.strip()
        else:
            rest.append(line)
    if "examples" in notes:
        notes["examples"] = [e.strip() for e in notes["examples"].split(" | ") if e.strip()]
    notes["definition"] = " ".join(" ".join(rest).split())
    return notes


def _code_id(name: str) -> str:
    slug = re.sub(r"\W+", "_", name.lower()).strip("_") or "kode"
    return slug if slug[0].isalpha() else f"kode_{slug}"


def _unique_id(code_id: str, codes: dict) -> str:
    candidate, n = code_id, 2
    while candidate in codes:
        candidate, n = f"{code_id}_{n}", n + 1
    return candidate


register_codebook_reader((".qdc", ".qdpx"), read_qda_codebook)
