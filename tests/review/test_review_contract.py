"""The review loop from the command line, end to end, exactly as the guide
tells a researcher: start a review, read a batch sheet, record it, and make
every output from it (issue 29's contract)."""

import json

import docx
import openpyxl
import pandas as pd
import pytest

import utenforskap as u
from utenforskap.cli import main

pytestmark = pytest.mark.slow  # several analyses and reviews through the command line


def _sheet(path):
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Koding"]
    header = [c.value for c in ws[1]]
    return workbook, ws, header


def test_the_review_reaches_every_output(tmp_path, bundled_path, capsys):
    first, review, final = tmp_path / "ut", tmp_path / "gjennomgang", tmp_path / "ut_gjennomgatt"
    assert main(["analyse", str(bundled_path), "-o", str(first), "--rules-only"]) == 0
    assert main(["review", str(review), "--from", str(bundled_path), "--rules-only"]) == 0
    capsys.readouterr()

    # analyse's review sheet as the machine wrote it: nothing was read, nothing is recorded
    assert main(["review", str(review), "--record", str(first / "gjennomgang.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nothing to record" in err and "'Lest'" in err
    assert u.ReviewSession.load(review).reviewed == 0
    # nor does the coding sheet, which has no Lest column
    assert main(["review", str(review), "--record", str(first / "kodeark.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no column 'Lest'" in err

    assert main(["review", str(review), "--next", "5"]) == 0
    sheet = review / "gjennomgang_001.xlsx"
    workbook, ws, header = _sheet(sheet)
    assert header[header.index("Lest") + 1].endswith("[barriers]")  # Lest stands right before the codes
    assert any(h and h.startswith("Merknad") for h in header)
    evidence = header.index("Belegg for") + 1
    assert any(ws.cell(r, evidence).value for r in range(2, 7))  # the batch sheet says why, as analyse's does
    guide = " ".join(str(c.value) for c in workbook["Veiledning"]["A"])
    assert "review MAPPE --record gjennomgang_001.xlsx" in guide and "read_manual_coding" not in guide
    ids = [ws.cell(r, 1).value for r in range(2, 7)]
    column = {h.rsplit("[", 1)[1].rstrip("]"): k for k, h in enumerate(header, start=1) if h and h.endswith("]")}
    book = u.load_codebook()
    # row 1: read, agreeing with the machine
    ws.cell(2, header.index("Lest") + 1).value = "x"
    # row 2: not marked read, but a theme mark changed
    changed = "user_participation"
    before = ws.cell(3, column[changed]).value
    ws.cell(3, column[changed]).value = None if before else "x"
    # row 3: read, a sub-code ticked under a theme it gets, and a note
    ws.cell(4, header.index("Lest") + 1).value = "x"
    theme = "opportunities"
    sub = next(c for c, code in book.codes.items() if code.parent == theme)
    ws.cell(4, column[theme]).value = "x"
    ws.cell(4, column[sub]).value = "x"
    ws.cell(4, header.index("Merknad") + 1).value = "Tydelig forslag"
    workbook.save(sheet)

    assert main(["review", str(review), "--record", str(sheet)]) == 0
    assert "registrerte 3 utsagn" in capsys.readouterr().out
    saved = pd.read_csv(review / "reviewed.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(saved["segment_id"]) == {ids[0], ids[1], ids[2]}
    assert sub in saved.set_index("segment_id").loc[ids[2], "subcodes"].split(";")

    assert main(["analyse", str(bundled_path), "-o", str(final), "--rules-only", "--review", str(review)]) == 0
    coded = pd.read_csv(final / "utsagn_kodet.csv", encoding="utf-8-sig", dtype={"segment_id": str})
    coded = coded.set_index("segment_id")
    assert set(coded.index[coded["reviewed"]]) == {ids[0], ids[1], ids[2]}
    assert coded.loc[ids[1], changed] == (not before)
    assert coded.loc[ids[2], theme] and sub in coded.loc[ids[2], "codes"]
    assert coded.loc[ids[2], "review_note"] == "Tydelig forslag"
    assert coded.loc[ids[2], "decided_opportunities"] == "review"
    # the matrices count the reviewed coding
    long = pd.read_csv(final / "kodinger.csv", encoding="utf-8-sig", dtype={"segment_id": str})
    assert ((long["segment_id"] == ids[2]) & (long["code"] == sub)).any()
    meta = json.loads((final / "metadata.json").read_text(encoding="utf-8"))
    assert meta["review"]["reviewed"] == 3 and set(meta["review"]["estimated_kappa"]) == set(book.themes)
    sentence = "3 av 86 utsagn er lest og kodet av en person i gjennomgangen"
    assert sentence in (final / "rapport.html").read_text(encoding="utf-8")
    assert any(sentence in p.text for p in docx.Document(final / "rapport.docx").paragraphs)


def test_analyse_refuses_a_review_of_other_statements(tmp_path, bundled_path, capsys):
    other = tmp_path / "annen.csv"
    other.write_text("Gruppe,Spm. 1: Hva hindrer?\n1,- Lange ventelister\n", encoding="utf-8")
    review = tmp_path / "gjennomgang"
    assert main(["review", str(review), "--from", str(other), "--rules-only"]) == 0
    capsys.readouterr()
    assert main(["analyse", str(bundled_path), "-o", str(tmp_path / "ut"), "--rules-only", "--review", str(review)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "the review was made from other statements" in err
    assert main(["analyse", str(bundled_path), "-o", str(tmp_path / "ut"), "--review", str(tmp_path / "ingen")]) == 2
    assert "not a saved review" in capsys.readouterr().err
