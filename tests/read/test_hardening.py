"""Hardening: fuzzed tables come back statement by statement; bad files give
the package's own error, naming file and line."""

import string

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utenforskap import InputError, UtenforskapError, read_workshop
from utenforskap.cli import main
from utenforskap.read.workshop import STATEMENT_COLUMNS

BAD = ROOT / "tests" / "bad_files"

# --------------------------------------------------------------------------
# Property: generated tables parse back exactly
# --------------------------------------------------------------------------

LETTERS = string.ascii_letters + "æøåÆØÅéü"
word = st.text(alphabet=LETTERS + string.digits, min_size=1, max_size=10)
punctuation = st.sampled_from(["", ".", "?", "!", ",", ")", "»"])
space = st.sampled_from([" ", "  ", "\u00a0", " \u00a0 "])


@st.composite
def statement(draw):
    """A statement: words with punctuation, odd spaces, inline markup and
    an en dash; never a bullet marker, tab, newline, HTML or ending colon."""
    words = draw(st.lists(word, min_size=1, max_size=8))
    parts = []
    for i, w in enumerate(words):
        w = w + draw(punctuation) if i < len(words) - 1 else w
        if draw(st.booleans()) and draw(st.booleans()):
            w = f"<i>{w}</i>"
        parts.append(w)
        if i < len(words) - 1:
            parts.append(draw(st.sampled_from([draw(space), " – "])))
    raw = "".join(parts) + draw(st.sampled_from(["", ".", "?", "!"]))
    plain = " ".join(raw.replace("<i>", "").replace("</i>", "").split())
    return raw, plain


@st.composite
def cell(draw):
    """(raw HTML cell, [(section, text)]): sections with bullets, as the report export writes them."""
    blocks = draw(
        st.lists(st.tuples(st.one_of(st.none(), word), st.lists(statement(), min_size=1, max_size=4)), min_size=0, max_size=3)
    )
    raw, expected, section = [], [], ""
    for heading, bullets in blocks:
        if heading is not None:
            raw.append(f"<p>{heading}:</p> ")
            section = heading
        raw.append('<ul style="list-style-type: none">' + "".join(f"{draw(space)}- {b[0]}" for b in bullets) + draw(space))
        expected.extend((section, b[1]) for b in bullets)
    return "".join(raw), expected


@st.composite
def table(draw):
    n_questions = draw(st.integers(1, 4))
    n_groups = draw(st.integers(1, 5))
    lines = [
        "Tittel på workshop",
        "",
        "Gruppe\t" + "\t".join(f"<i>Spm. {q}: Spørsmål {q}?</i>" for q in range(1, n_questions + 1)),
    ]
    expected = []
    for g in range(1, n_groups + 1):
        cells = [draw(cell()) for _ in range(n_questions)]
        split = draw(st.booleans())
        first, second = [], []
        for q, (raw, exp) in enumerate(cells, start=1):
            expected.extend((str(g), q, section, text) for section, text in exp)
            if split and "<ul" in raw:
                # page break: the cell goes on in a row with an empty group cell
                cut = raw.rfind('<ul style="list-style-type: none">')
                if cut > 0 and draw(st.booleans()):
                    first.append(raw[:cut]), second.append(raw[cut:])
                    continue
                # ... or cut in the middle of the last statement: the rest is a paragraph
                idx = raw.rfind(" ", 0, len(raw.rstrip()))
                tail = raw[idx:].strip()
                head_part = raw[:idx]
                if tail and "<" not in tail and ">" not in tail and not head_part.rstrip().endswith(("-", ">")):
                    first.append(head_part), second.append(f"<p>{tail}</p>")
                    continue
            first.append(raw), second.append("")
        lines.append(f"{g}\t" + "\t".join(first))
        if split and any(second):
            lines.append("")
            lines.append("\t" + "\t".join(second))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(table())
@pytest.mark.slow
def test_property_generated_tables_come_back_exactly(tmp_path_factory, generated):
    text, expected = generated
    path = tmp_path_factory.mktemp("fuzz") / "ws.txt"
    path.write_text(text, encoding="utf-8")
    if not expected:
        with pytest.raises(InputError):
            read_workshop(path)
        return
    frame = read_workshop(path)
    got = list(frame[["group", "question", "section", "text"]].itertuples(index=False, name=None))
    assert got == expected
    assert frame["segment_id"].is_unique


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_property_any_bytes_parse_or_raise_our_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "random.txt"
    path.write_bytes(data)
    try:
        out = read_workshop(path)
    except UtenforskapError as exc:
        assert exc.path == str(path)  # the error names the file
    else:
        assert set(STATEMENT_COLUMNS) <= set(out.columns)
        assert out["text"].str.strip().ne("").all()  # no empty statements
        assert out["segment_id"].is_unique


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("\t\n -–<>/pulib:«»&;x1Gruppe ") + ["<p>", "</p>", "<ul>", "<li>", "Spm. 1"]), max_size=200
    ).map("".join)
)
def test_property_table_like_text_parses_or_raises_our_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "random.tsv"
    path.write_text(text, encoding="utf-8")
    try:
        frame = read_workshop(path)
    except UtenforskapError:
        return
    assert frame["text"].str.len().gt(0).all()


# --------------------------------------------------------------------------
# The corpus of bad files
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.txt", r"empty\.txt: the file is empty"),
        ("binary.txt", r"binary\.txt: this is binary data"),
        ("ragged_row.tsv", r"ragged_row\.tsv:3: this row has 2 cells but the header \(line 1\) has 3"),
        ("truncated_row.txt", r"truncated_row\.txt:3: this row has 2 cells but the header \(line 1\) has 3"),
    ],
)
def test_bad_files_raise_with_file_and_line(name, message, tmp_path, capsys):
    with pytest.raises(InputError, match=message):
        read_workshop(BAD / name)
    assert main(["parse", str(BAD / name), "-o", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("utenforskap: error: ") and str(BAD / name) in err and err.count("\n") == 1


def test_bad_files_truncated_html_keeps_the_text():
    frame = read_workshop(BAD / "truncated_html.txt")
    assert frame["text"].tolist() == ["Lovverket", "Penger", '<ul style="list', "Stigma", "Hindr"]
    assert frame["section"].tolist() == ["", "", "Forslag", "", ""]


def test_bad_files_two_and_nine_columns():
    two = read_workshop(BAD / "two_columns.tsv")
    assert two["question"].unique().tolist() == [1] and len(two) == 2
    nine = read_workshop(BAD / "nine_columns.tsv")
    assert sorted(nine["question"].unique()) == list(range(1, 9))
    assert nine[nine["group"] == "2"]["text"].tolist() == ["b1", "b8"]


@pytest.mark.slow  # a whole analysis
def test_bad_files_script_is_text_and_escaped(tmp_path):
    frame = read_workshop(BAD / "script.txt")
    assert frame["text"].tolist() == ["Vanlig innspill", 'alert("x")', "Mer tekst"]
    from utenforskap.workflow import analyse

    analyse(BAD / "script.txt", tmp_path, progress=False)
    assert "<script>" not in (tmp_path / "rapport.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_bad_files_hyperlink_formula_is_never_a_formula(tmp_path):
    frame = read_workshop(BAD / "hyperlink.csv")
    assert frame["text"].tolist() == ['=HYPERLINK("http://example.invalid","klikk")', "+47 og @navn"]
    from utenforskap.workflow import analyse

    analyse(BAD / "hyperlink.csv", tmp_path, progress=False)
    csv = pd.read_csv(tmp_path / "utsagn.csv", encoding="utf-8-sig")
    assert csv["text"].tolist() == ["'" + t for t in frame["text"]]
    ws = openpyxl.load_workbook(tmp_path / "analyse.xlsx")["Utsagn (kodet)"]
    column = next(c.column for c in ws[1] if c.value == "Utsagn")
    cell = ws.cell(2, column)
    assert cell.value == frame["text"].iat[0] and cell.data_type == "s"


@pytest.mark.slow
def test_bad_files_20_mb_table(tmp_path):
    bullet = " - Finansiering og manglende kontinuitet i finansiering kan være en hindring for samarbeidet"
    cell_text = '<ul style="list-style-type: none">' + bullet * 40
    rows = ["Gruppe\tSpm. 1: Hva hindrer?\tSpm. 2: Hva er mulig?"]
    group = 0
    size = 0
    while size < 20_000_000:
        group += 1
        row = f"{group}\t{cell_text}\t{cell_text}"
        rows.append(row)
        size += len(row.encode("utf-8")) + 1
    path = tmp_path / "stor.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size >= 20_000_000
    frame = read_workshop(path)
    assert len(frame) == group * 80
    assert frame["segment_id"].is_unique


@pytest.mark.slow
def test_bad_files_10000_questions_charts_are_capped(tmp_path):
    from utenforskap import build_tables, code, render_figures
    from utenforskap.report.charts import MAX_CATEGORIES

    n = 10_000
    path = tmp_path / "brei.tsv"
    path.write_text(
        "Gruppe\t" + "\t".join(f"Spm. {q}: Kva hindrar {q}?" for q in range(1, n + 1)) + "\n"
        "A\t" + "\t".join(f"- Mangel på tid {q}" for q in range(1, n + 1)) + "\n",
        encoding="utf-8",
    )
    # what the cap concerns, and nothing else: the charts (SVG holds their text) and the question matrix
    coded = code(read_workshop(path), semantic=False)
    with pytest.warns(UserWarning, match=f"the chart shows {MAX_CATEGORIES} of {n} questions"):
        render_figures(coded, tmp_path / "figurer", parallel=False, svg=True)
    svg = (tmp_path / "figurer" / "sporsmal_tema.svg").read_text(encoding="utf-8")
    assert f"Viser {MAX_CATEGORIES} av {n} spørsmål" in svg
    assert len(build_tables(coded)["question_theme"]) >= n
