"""Norwegian display strings, in one place.

Data keeps its English ids (columns such as ``group``, code ids such as
``barriers``, evidence notes in the ``evidence`` records) so that code and
analyses can rely on them.  Everything a researcher reads (workbooks, matrix
CSVs, the report, the Word report, review and coding sheets) is translated
here, at the edge, and output files are named from :data:`OUTPUT_FILES`.
A ``book`` parameter is a :class:`~utenforskap.Codebook` (for its labels).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLI_TEXT",
    "PREFIXED_LABELS",
    "COLUMN_LABELS",
    "OUTPUT_FILES",
    "CHART_FILES",
    "CHART_FOLDER",
    "TABLE_TITLES",
    "ascii_slug",
    "REPORT_HEADINGS",
    "REPORT_TEXT",
    "CHART_TEXT",
    "SHEET_TEXT",
    "WORKBOOK_SHEETS",
    "PROGRESS_TEXT",
    "QDA_TEXT",
    "NAME_CHECK_TEXT",
    "FIGURE_CAPTIONS",
    "chart_file",
    "short_id",
    "display_table",
    "note_nb",
    "why_nb",
    "decided_nb",
    "pipeline_nb",
]

#: Column and index names as a researcher reads them.
COLUMN_LABELS = {
    "workshop": "Workshop",
    "workshop_title": "Workshoptittel",
    "source": "Kildefil",
    "group": "Gruppe",
    "question": "Spørsmål",
    "question_text": "Spørsmålstekst",
    "section": "Overskrift",
    "position": "Nr. i cellen",
    "text": "Utsagn",
    "segment_id": "Utsagns-id",
    "n": "Antall utsagn",
    "code": "Kode",
    "label": "Etikett",
    "parent": "Overordnet kode",
    "theme": "Tema",
    "level": "Nivå",
    "definition": "Definisjon",
    "include": "Ta med",
    "exclude": "Ikke ta med",
    "examples": "Eksempler",
    "codes": "Koder",
    "why": "Begrunnelse",
    "line": "Linje",
    "line_end": "Til linje",
    "row": "Rad",
    "column": "Kolonne",
    "continued": "Fortsatt fra forrige side",
    "text_norm": "Normalisert tekst",
    "abbreviations": "Forkortelser",
    "lemmas": "Lemmaer",
    "content_lemmas": "Innholdslemmaer",
    "n_tokens": "Antall ord",
    "method": "Metode",
    "patterns": "Mønstre",
    "exclude_patterns": "Unntaksmønstre",
    "sections": "Overskrifter",
    "questions": "Spørsmål (regler)",
    "reviewed": "Gjennomgått",
    "review_note": "Merknad fra gjennomgangen",
    "note": "Merknad",
}

#: Columns with a theme after a prefix (``prob_barriers``): the prefix's label, then the theme's.
PREFIXED_LABELS = {"prob_": "Sannsynlighet", "decided_": "Avgjort av"}


#: Output file names of :func:`utenforskap.analyse`, by output id: Norwegian,
#: lower case, ASCII, words joined by "_" (charts go in ``figurer/``).
OUTPUT_FILES = {
    "statements": "utsagn.csv",
    "coded": "utsagn_kodet.csv",
    "coded_long": "kodinger.csv",
    "workshop_theme": "workshop_tema.csv",
    "workshop_theme_share": "workshop_tema_andel.csv",
    "group_theme": "gruppe_tema.csv",
    "group_theme_share": "gruppe_tema_andel.csv",
    "question_theme": "sporsmal_tema.csv",
    "question_theme_share": "sporsmal_tema_andel.csv",
    "group_subcode": "gruppe_underkode.csv",
    "cooccurrence": "samforekomst.csv",
    "cooccurrence_jaccard": "samforekomst_jaccard.csv",
    "subcode_cooccurrence": "samforekomst_underkoder.csv",
    "framework": "rammematrise_gruppe.csv",
    "framework_question": "rammematrise_sporsmal.csv",
    "codebook": "kodebok.csv",
    "workbook": "analyse.xlsx",
    "qdpx": "prosjekt.qdpx",
    "qdc": "kodebok.qdc",
    "codebook_md": "kodebok.md",
    "codebook_quanteda": "kodebok_quanteda.yml",
    "codebook_taguette": "kodebok_taguette.csv",
    "coding_sheet": "kodeark.xlsx",
    "review_sheet": "gjennomgang.xlsx",
    "coded_parquet": "utsagn_kodet.parquet",
    "coded_long_parquet": "kodinger.parquet",
    "report": "rapport.html",
    "report_docx": "rapport.docx",
    "metadata": "metadata.json",
}


#: Chart files (without suffix) in ``figurer/``, by chart id.
CHART_FILES = {
    "workshop_theme_bars": "workshop_tema",
    "group_theme_heatmap": "gruppe_tema",
    "question_theme_bars": "sporsmal_tema",
    "cooccurrence_heatmap": "samforekomst_underkoder",
}


CHART_FOLDER = "figurer"


#: Sheet names (in the workbook) and headings of the matrices, by table id.
TABLE_TITLES = {
    "workshop_theme": "Workshop x tema",
    "workshop_theme_share": "Workshop x tema (andel)",
    "group_theme": "Gruppe x tema",
    "group_theme_share": "Gruppe x tema (andel)",
    "question_theme": "Spørsmål x tema",
    "question_theme_share": "Spørsmål x tema (andel)",
    "group_subcode": "Gruppe x underkode",
    "cooccurrence": "Samforekomst",
    "cooccurrence_jaccard": "Samforekomst (Jaccard)",
    "subcode_cooccurrence": "Samforekomst underkoder",
    "framework": "Rammematrise gruppe",
    "framework_question": "Rammematrise spørsmål",
}


def ascii_slug(text: str) -> str:
    """Lower-case ASCII for a file name: "Brukermedvirkning og ønsker" ->
    "brukermedvirkning_og_onsker".

    Examples
    --------
    >>> ascii_slug("Spørsmål om æøå")
    'sporsmal_om_aeoa'
    """
    import unicodedata

    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "x"


#: Headings of the matrices in the HTML report, by table id.
REPORT_HEADINGS = {
    "workshop_theme": "Workshop × tema (antall utsagn)",
    "workshop_theme_share": "Workshop × tema (andel av utsagnene)",
    "group_theme": "Gruppe × tema (antall utsagn)",
    "group_theme_share": "Gruppe × tema (andel av gruppens utsagn)",
    "question_theme": "Spørsmål × tema (antall utsagn)",
    "group_subcode": "Gruppe × underkode (antall utsagn)",
    "cooccurrence": "Samforekomst av temaer (utsagn med begge)",
}


#: Headings and sentences of the HTML and Word reports ({...}: filled in).
REPORT_TEXT = {
    "contents": "Innhold",
    "questions": "Spørsmål",
    "figures": "Figurer",
    "matrices": "Matriser",
    "codebook": "Kodebok",
    "comparison": "Sammenligning av workshopene",
    "workshop_item": "W{number} {name} ({n} utsagn)",
    "comparison_intro": "{n} workshoper: {listed}. Andelene er andelen av hver workshops utsagn "
    "som har temaet; et utsagn kan ha flere temaer.",
    "framework": "Rammematrise: sitater per gruppe og tema",
    "framework_by_theme": "Rammematrise: sitater per tema og gruppe",
    "uncoded": "Utsagn uten kode",
    "all_coded": "Alle utsagn fikk minst én kode.",
    "some_uncoded": "{n} utsagn fikk ingen kode. Les dem: de kan vise hva kodeboken ikke fanger.",
    "no_statements_with_theme": "Ingen utsagn har dette temaet.",
    "workshop_meta": "Workshop {workshop}; {n} utsagn fra {sources}.",
    "texts": "tekster",
    "context_used": "brukt",
    "context_not_used": "ikke brukt",
    "include": "Ta med",
    "exclude": "Ikke ta med",
    "group": "Gruppe",
    "group_in_workshop": "W{number}, gruppe {group}",
    "group_n": "Gruppe {group}",
    "appendix_codebook": "Vedlegg: kodebok",
    "statements_coded_with": "{n} utsagn, kodet med kodeboken «{codebook}» og spaCy-pipelinen {pipeline}.",
    "meta": "{n} utsagn fra {sources}. Kodet med kodeboken «{codebook}» og spaCy-pipelinen {pipeline}. "
    "Kontekst (overskrifter og spørsmål) {context}.",
    "cut_in_excel": " … [forkortet: {n} tegn til står i CSV-filen]",
    "markdown_include": "Inkluder",
    "markdown_exclude": "Ekskluder",
    "markdown_header": "| Kode | Etikett | Definisjon | Eksempler | Mønstre |",
    "decided_semantic": "Temaene {themes} er avgjort av en modell for mening (setningsvektorer, {encoder}, trent på "
    "kodede offentlige utsagn) der den er sikker, og av kodebokens regler der den er usikker.",
    "decided_rules": "Temaene er avgjort av kodebokens regler alene.",
    "contents_hint": "Innholdsfortegnelsen fylles ut når dokumentet åpnes i Word (eller: høyreklikk og velg Oppdater felt).",
    "reviewed": "{reviewed} av {statements} utsagn er lest og kodet av en person i gjennomgangen (temaer, underkoder "
    "og merknader som registrert); de øvrige er kodet av gjennomgangens modell, som har lært av dem. Anslått samsvar "
    "mellom denne kodingen og en full gjennomlesing (kappa): {kappas}.",
}


#: Axis labels, titles and notes of the charts ({...}: filled in).
CHART_TEXT = {
    "capped": "Viser {shown} av {total} {noun} (de med flest utsagn); tabellene har alle.",
    "groups": "grupper",
    "questions": "spørsmål",
    "workshops": "workshoper",
    "share_of_group": "Andel av gruppens utsagn",
    "theme_per_group": "Tema per gruppe (antall utsagn og andel)",
    "share_of_question": "Andel av spørsmålets utsagn",
    "theme_per_question": "Tema per spørsmål",
    "share_of_workshop": "Andel av workshopens utsagn",
    "theme_per_workshop": "Tema per workshop",
    "both_codes": "Utsagn med begge kodene",
    "subcodes_by_theme": "Underkoder gruppert etter tema ({names})",
    "subcode_cooccurrence": "Samforekomst av underkoder",
    "code_cooccurrence": "Samforekomst av koder",
    "statements": "Antall utsagn",
    "subcodes_of": "{theme}: underkoder",
    "topics": "Tema funnet i utsagnene (NMF): viktigste ord",
    "keyness_axis": "G² (log-likelihood); etikett: antall her / i resten",
    "distinctive": "Særpreget for {label} {target}",
    "group": "Gruppe",
}


#: The coding sheet (kodeark.xlsx, gjennomgang.xlsx): sheet names, headers, guide.
SHEET_TEXT = {
    "coding": "Koding",
    "codebook": "Kodebok",
    "guide": "Veiledning",
    "headers": {"segment_id": "Utsagns-id", "group": "Gruppe", "question": "Spørsmål", "section": "Overskrift", "text": "Utsagn"},
    "note": "Merknad",
    "guide_title": "Slik koder du",
    "guide_lines": [
        "Arket «{sheet}» har ett utsagn per rad og én kolonne per kode (id i hakeparentes).",
        "Skriv x der koden passer, og slett x der den ikke passer. Ikke endre utsagnsteksten eller kolonnenavnene.",
        "En underkode gjelder bare sammen med sitt tema. Skriv gjerne en merknad.",
        "Les arket tilbake med utenforskap.read_manual_coding(filen) og sammenlign med utenforskap.agreement.",
    ],
    "review_guide_lines": [
        "Arket «{sheet}» har ett utsagn per rad og én kolonne per kode (id i hakeparentes), fylt ut av maskinen.",
        "Les hvert utsagn. Skriv x i kolonnen «Lest» for hver rad du har lest og vurdert, også der du er enig med maskinen.",
        "Skriv x der en kode passer, og slett x der den ikke passer; en underkode gjelder bare sammen med sitt tema.",
        "Skriv gjerne en merknad. Ikke endre utsagnsteksten eller kolonnenavnene.",
        "Bare rader som er merket «Lest» eller har endrede kryss, telles som gjennomgått.",
        "Registrer arket med: utenforskap review MAPPE --record {file}",
        "Lag rapporten med gjennomgangen: utenforskap analyse INNDATA -o UT --review MAPPE",
    ],
    "read": "Lest",
    "written": "forhåndsutfylt",
    "review_headers": {
        "confidence": "Sikkerhet",
        "uncertain": "Mest usikker",
        "evidence_for": "Belegg for",
        "evidence_against": "Belegg mot",
        "suggested": "Maskinforslag",
    },
    "only_x_title": "Bare x",
    "only_x": "Skriv x der koden passer, ellers la cellen stå tom.",
    "weak_word": "svakt ord",
}


#: Sheet names of the workbook analyse.xlsx besides the matrices (TABLE_TITLES).
WORKBOOK_SHEETS = {"coded": "Utsagn (kodet)", "coded_long": "Kodinger", "codebook": "Kodebok"}


#: Progress bars on the command line.
PROGRESS_TEXT = {
    "analyse": "analyse",
    "step": "steg",
    "reading": "leser",
    "coding": "koder",
    "embedding": "leser meningen (setningsvektorer)",
    "matrices": "matriser",
    "csv": "CSV",
    "workbooks": "arbeidsbøker",
    "figures_and_report": "figurer og rapport",
    "coding_files": "koder filer",
    "file": "fil",
    "coding_statements": "koder utsagn",
    "statement": "utsagn",
}


#: Descriptions in the REFI-QDA project (what NVivo, ATLAS.ti, MAXQDA or QualCoder show).
QDA_TEXT = {
    "selection": "Utsagn {segment_id} (Gruppe {group}, spørsmål {question}). Koder: {codes}.",
    "case_codes": "Tilfeller",
    "case_codes_description": "Gruppene og spørsmålene som koder, slik QualCoder leser tilfeller; ikke tematiske koder.",
    "no_codes": "ingen",
    "group_case": "Gruppe",
    "question_case": "Spørsmål",
    "source_group": " – gruppe {group}",
    "project": "Utsagn fra arbeidsverksted, kodet med {codebook} ({pipeline}).",
}


#: Why a word is on the list of possible names left after pseudonymisation.
NAME_CHECK_TEXT = {"beside": "ved siden av et erstattet navn", "capitalised": "ukjent ord med stor forbokstav"}


#: Captions of the report's figures (``{theme}``: the theme's label).
FIGURE_CAPTIONS = {
    "workshop_theme_bars": "Andel av hver workshops utsagn som har temaet (n = antall utsagn)",
    "group_theme_heatmap": "Andel av hver gruppes utsagn som har temaet",
    "question_theme_bars": "Utsagn per tema og spørsmål",
    "cooccurrence_heatmap": "Underkoder som gis til samme utsagn",
    "subcodes": "Underkoder under {theme}",
}


def chart_file(name: str, book: Any = None) -> str:
    """The file stem of a chart: ``underkoder_<theme label>`` for a theme's
    sub-code chart."""
    if name in CHART_FILES:
        return CHART_FILES[name]
    theme = name.removeprefix("subcodes_")
    label = book.label(theme) if book is not None and theme in book.codes else theme
    return f"underkoder_{ascii_slug(label)}"


def short_id(segment_id: str, workshop: str, number: int | None = None) -> str:
    """A quote id short enough to read: the segment id without its workshop
    prefix, with the workshop's number in a series (``W2 g3-q3-01``).

    Examples
    --------
    >>> short_id("ungt_2023-g3-q3-01", "ungt_2023")
    'g3-q3-01'
    >>> short_id("ungt_2023-g3-q3-01", "ungt_2023", 2)
    'W2 g3-q3-01'
    """
    text = str(segment_id)
    text = text[len(workshop) + 1 :] if text.startswith(f"{workshop}-") else text
    return f"W{number} {text}" if number is not None else text


def _labels(book) -> dict:
    labels = dict(COLUMN_LABELS)
    if book is not None:
        labels.update({c: book.label(c) for c in book.codes})
    return labels


def display_table(frame: pd.DataFrame, book: Any = None) -> pd.DataFrame:
    """A matrix as a researcher reads it: Norwegian column and index names,
    code labels for code ids (in the columns and in a ``code`` index), the
    index written out as columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap import load_codebook
    >>> t = pd.DataFrame({"n": [3], "barriers": [1]}, index=pd.Index(["1"], name="group"))
    >>> display_table(t, load_codebook()).columns.tolist()
    ['Gruppe', 'Antall utsagn', 'Hindringer']
    """
    labels = _labels(book)
    out = frame.copy()
    if "code" in (out.index.names or []):
        level = out.index.names.index("code")
        out.index = (
            out.index.set_levels([labels.get(v, v) for v in out.index.levels[level]], level=level, verify_integrity=False)
            if out.index.nlevels > 1
            else out.index.map(lambda v: labels.get(v, v))
        )
    out = out.reset_index() if any(n is not None for n in out.index.names) else out.reset_index(drop=True)
    return out.rename(columns=lambda c: labels.get(c, _prefixed(c, labels)))


def _prefixed(column, labels: dict):
    """``prob_barriers`` -> ``Sannsynlighet: Hindringer``; other names as they are."""
    for prefix, label in PREFIXED_LABELS.items():
        if isinstance(column, str) and column.startswith(prefix) and column[len(prefix) :] in labels:
            return f"{label}: {labels[column[len(prefix) :]]}"
    return column


_NOTES = [
    (re.compile(r"^inside exclusion '(.*)'$"), "innenfor unntaket «{0}»"),
    (re.compile(r"^in a question$"), "i et spørsmål"),
    (re.compile(r"^'(.*) \.\.\., men \.\.\.' is a contrast, kept$"), "«{0} ..., men ...» er en kontrast, telles"),
    (re.compile(r"^negated by '(.*)', kept$"), "nektet av «{0}», telles likevel"),
    (re.compile(r"^negated by '(.*)'$"), "nektet av «{0}»"),
    (re.compile(r"^a negated statement describes a lack$"), "en nektet setning beskriver en mangel"),
    (re.compile(r'^section "(.*)"$'), "overskriften «{0}»"),
    (re.compile(r'^question "(.*)"$'), "spørsmålet «{0}»"),
    (re.compile(r"^standalone sub-code '(.*)'$"), "selvstendig underkode «{0}»"),
    (re.compile(r"^theme '(.*)' not coded$"), "temaet «{0}» er ikke kodet"),
    (re.compile(r"^a weak word in a description \('(.*)'\)$"), "et svakt ord i en beskrivelse («{0}»)"),
    (re.compile(r"^'(.*)' \+ '(.*)'$"), "«{0}» + «{1}»"),
    (re.compile(r"^like (.*)$"), "som: {0}"),
    (re.compile(r"^model p=(\S+) < (\S+)$"), "modellen sier nei (sannsynlighet {0}, under {1})"),
    (re.compile(r"^model unsure: the rules decide$"), "modellen er usikker: reglene avgjør"),
    (re.compile(r"^reviewed by a person$"), "gjennomgått av en person"),
    (re.compile(r"^the question names several themes$"), "spørsmålet nevner flere temaer: utsagnet avgjør"),
    (re.compile(r"^no words in the statement$"), "ingen ord i utsagnet: spørsmålet alene gir ingen koding"),
    (re.compile(r"^model unsure, and no rule speaks for it$"), "modellen er usikker, og ingen regel taler for det"),
    (re.compile(r"^the model finds no theme$"), "modellen finner ikke noe tema"),
    (re.compile(r"^few Norwegian words \((\d+) of (\d+) known\)$"), "få norske ord ({0} av {1} kjent)"),
    (re.compile(r"^overruled by the review$"), "overstyrt av gjennomgangen"),
    (re.compile(r"^the review's model$"), "gjennomgangens modell"),
]


def note_nb(note: str, book: Any = None) -> str:
    """An evidence note in Norwegian (notes joined by "; " each translated);
    code ids become labels.

    Examples
    --------
    >>> note_nb("negated by 'ingen'; in a question")
    'nektet av «ingen»; i et spørsmål'
    """
    labels = _labels(book)
    out = []
    for part in filter(None, (note or "").split("; ")):
        for pattern, template in _NOTES:
            m = pattern.match(part)
            if m:
                part = template.format(*(labels.get(g, g) for g in m.groups()))
                break
        out.append(part)
    return "; ".join(out)


_METHODS = {
    "pattern": "ord",
    "section": "overskrift",
    "question": "spørsmål",
    "negation": "nektelse",
    "negated": "nektet",
    "sub-code": "underkode",
    "model": "modellen",
    "review": "gjennomgangen",
}


def why_nb(evidence: list[dict], book: Any) -> str:
    """Why a statement got its codes, in Norwegian, from its evidence
    records: the kept evidence per code, with the code's label.

    Examples
    --------
    >>> import utenforskap as u
    >>> coded = u.code(["Penger er en hindring."], semantic=False)
    >>> why_nb(coded["evidence"].iat[0], u.codebook_of(coded))
    'Finansiering og ressurser: «Penger»; Hindringer: «hindring»'
    >>> why_nb([{"code": "barriers", "method": "model", "rule": "p=0.97", "matched": "", "kept": True,
    ...          "note": "like «Mangel på penger.» [g1-q3-02]"}], u.codebook_of(coded))
    'Hindringer: modellen, sannsynlighet 0.97 (som: «Mangel på penger.» [g1-q3-02])'
    """
    parts = [_why_part_nb(e, book) for e in evidence if e["kept"]]
    if parts:
        return "; ".join(parts)
    return "ikke kodet: " + ("; ".join(_why_part_nb(e, book) for e in evidence) or "ingen regel slo til")


def _why_part_nb(e: dict, book: Any) -> str:
    what = f"«{e['matched']}»" if e.get("matched") else _METHODS.get(e["method"], e["method"])
    if e["method"] in ("model", "review") and e["rule"].startswith("p="):
        what += f", sannsynlighet {e['rule'].removeprefix('p=')}"
    note = note_nb(e.get("note", ""), book)
    return f"{book.label(e['code'])}: {what}" + (f" ({note})" if note else "")


def decided_nb(attrs: dict, book: Any) -> str:
    """How the themes of a coded frame were decided, for the reports.

    Examples
    --------
    >>> import utenforskap as u
    >>> decided_nb({"encoder": None}, u.load_codebook())
    'Temaene er avgjort av kodebokens regler alene.'
    """
    themes = attrs.get("semantic_themes") or []
    if not attrs.get("encoder") or not themes:
        text = REPORT_TEXT["decided_rules"]
    else:
        text = REPORT_TEXT["decided_semantic"].format(themes=", ".join(book.label(t) for t in themes), encoder=attrs["encoder"])
    review = attrs.get("review")
    if review:
        kappas = ", ".join(f"{book.label(t)} {k:.2f}".replace(".", ",") for t, k in review["estimated_kappa"].items())
        text += " " + REPORT_TEXT["reviewed"].format(reviewed=review["reviewed"], statements=review["statements"], kappas=kappas)
    return text


def pipeline_nb(description: str) -> str:
    """The pipeline line of :func:`utenforskap.describe_pipeline` in Norwegian.

    Examples
    --------
    >>> pipeline_nb("embedded: spacy.blank('nb') (spaCy 3.8) + simplemma 2.0 lemmas")
    "innebygd: spacy.blank('nb') (spaCy 3.8) + lemmaer fra simplemma 2.0"
    """
    m = re.match(r"^embedded: (.*) \+ simplemma (\S+) lemmas$", description)
    if m:
        return f"innebygd: {m.group(1)} + lemmaer fra simplemma {m.group(2)}"
    return description


#: What the command line tells a researcher (errors stay English, as the guide says).
CLI_TEXT = {
    "parsed": "{n} utsagn fra {files} fil(er) -> {output}",
    "coded": "{n} utsagn fra {files} fil(er) kodet ({themes}) med {pipeline} -> {output}",
    "pseudonymising": "pseudonymiserer navn, e-postadresser, telefonnumre og ID-numre før noe skrives; nøkkel -> {key}",
    "not_pseudonymised": "merk: filene har utsagnene slik de er skrevet, med eventuelle navn, e-postadresser og "
    "telefonnumre; bruk --pseudonymise --key FIL før du deler dem",
    "analysed": "{n} utsagn ({themes}); {files} filer i {output}; rapport: {report}",
    "analysed_review": "gjennomgang: {reviewed} av {statements} utsagn er lest av en person; resten er kodet av "
    "gjennomgangens modell",
    "analysed_key": "nøkkel (hold den atskilt, slett den når den ikke trengs lenger) -> {key}; sjekk disse mulige "
    "navnene før deling -> {check}",
    "review_started": "gjennomgang startet i {folder}: {n} utsagn",
    "review_recorded": "registrerte {n} utsagn fra {sheet}",
    "review_all_done": "alle utsagnene i gjennomgangen er gjennomgått ({n}): ikke noe nytt ark",
    "review_next": "de neste {n} utsagnene å gå gjennom -> {path}",
    "review_status": "{reviewed} av {total} utsagn er gjennomgått; av resten er {sure} kodet med høy sikkerhet",
    "review_kappa": "forventet kappa mot en full gjennomlesing: {kappas}",
    "codebook_init": "kodebok -> {file}: en kopi av den medfølgende å redigere; sjekk den med: utenforskap codebook check {file}",
    "codebook_valid": "{file}: gyldig; {n} temaer ({themes}), {subs} underkoder",
    "pattern_skipped": "mønstersjekken er hoppet over: {reason}",
    "pattern_problem": "  {code}: mønsteret «{pattern}» fanger også det vanlige ordet «{word}» (lemma «{lemma}»)",
    "pattern_count": "{n} mønster/mønstre fanger vanlige ord: se på dem",
    "nynorsk_gap": "  {code}: mønsteret «{pattern}» fanger ikke nynorsk «{variant}» ({examples})",
    "nynorsk_count": "{n} nynorske skrivemåter som mønstrene ikke fanger",
    "pseudonymised_source": "{source}: {n} erstatning(er) ({method}){found}",
    "identifiers": "; identifikatorer: {found}",
    "pseudonymised": "eksport -> {output}; nøkkel (hold den atskilt fra eksporten) -> {key}; mulige navn å sjekke -> {check}",
}
