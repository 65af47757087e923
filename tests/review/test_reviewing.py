"""Review that learns: the session's contract, its state across save/load,
and the simulation against the bundled hand coding."""

import re

import pandas as pd
import pytest
from conftest import ROOT, THEMES

import utenforskap as u
from utenforskap import UtenforskapError


@pytest.fixture(scope="module")
def gold():
    return pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")


def answer(gold, ids):
    return gold.set_index("segment_id").loc[ids, THEMES].astype(bool).reset_index()


def test_review_session_contract(coded_text_only, gold):
    session = u.ReviewSession(coded_text_only)
    assert session.themes == THEMES
    before = session.coding()
    assert before.columns.tolist() == ["segment_id", *THEMES] and len(before) == 86
    assert before[THEMES].equals(coded_text_only[THEMES].reset_index(drop=True))  # the rule coding to begin with
    ids = session.next_batch(5)
    assert len(ids) == len(set(ids)) == 5
    certainty = session.certainty().set_index("segment_id")["certainty"]
    assert certainty[ids].max() <= certainty.drop(ids).quantile(0.25)  # among the least certain
    flipped = answer(gold, ids)
    flipped[THEMES] = ~flipped[THEMES]  # deliberately against the gold: a recorded label is never changed
    session.record(flipped)
    after = session.coding().set_index("segment_id")
    assert after.loc[ids, THEMES].equals(flipped.set_index("segment_id")[THEMES])
    assert session.reviewed == 5
    assert not set(session.next_batch(10)) & set(ids)


def test_review_session_bad_labels(coded_text_only):
    session = u.ReviewSession(coded_text_only)
    with pytest.raises(UtenforskapError, match="is not one of the statements"):
        session.record(pd.DataFrame({"segment_id": ["nope"], **{t: [True] for t in THEMES}}))
    with pytest.raises(UtenforskapError, match="missing: user_participation"):
        session.record(
            pd.DataFrame({"segment_id": [coded_text_only["segment_id"].iat[0]], "barriers": [True], "opportunities": [False]})
        )
    with pytest.raises(UtenforskapError, match="n must be 1 or more"):
        session.next_batch(0)


def test_review_session_survives_save_and_load(coded_text_only, gold, tmp_path):
    session = u.ReviewSession(coded_text_only)
    for _ in range(3):
        session.record(answer(gold, session.next_batch(5)))
    session.save(tmp_path / "gjennomgang")
    again = u.ReviewSession.load(tmp_path / "gjennomgang")
    assert again.reviewed == 15 and again.history == session.history
    pd.testing.assert_frame_equal(again.coding(), session.coding())
    assert again.next_batch(5) == session.next_batch(5)
    with pytest.raises(UtenforskapError, match="not a saved review"):
        u.ReviewSession.load(tmp_path / "ingenting")


def test_review_session_starts_from_an_earlier_review(coded_text_only, gold):
    earlier = u.ReviewSession(coded_text_only)
    for _ in range(6):
        earlier.record(answer(gold, earlier.next_batch(5)))
    fresh = u.ReviewSession(coded_text_only, prior=earlier)
    plain = u.ReviewSession(coded_text_only)
    # the earlier review's labels shape the predictions before anything new is reviewed
    kappa = lambda s: u.agreement(s.coding(), gold, THEMES)["kappa"].min()  # noqa: E731
    assert kappa(fresh) > kappa(plain)


@pytest.mark.slow  # end to end / a replayed review
def test_simulate_review_learning_beats_a_random_order(coded_text_only, gold):
    result = u.simulate_review(coded_text_only, gold, batch=5, targets=(0.8,))
    share = result.set_index("order")["reviewed_share"]
    assert share["learning, session order"] <= 0.35
    assert share["learning, session order"] < share["no learning, random order"]


@pytest.mark.slow  # end to end / a replayed review
def test_simulate_review_reports_the_sessions_own_estimate(coded_text_only, gold):
    result = u.simulate_review(coded_text_only, gold, batch=10, targets=(0.7,)).set_index("order")
    assert result["estimated_kappa"].isna().tolist() == [False, False, True]  # no estimate without learning
    assert result["estimated_kappa"].dropna().between(-1, 1).all()


def test_estimated_agreement_is_certain_once_everything_is_read(coded_text_only, gold):
    session = u.ReviewSession(coded_text_only)
    before = session.estimated_agreement()
    assert before["theme"].tolist() == THEMES
    assert (before["expected_errors"] > 0).all() and (before["kappa"] < 1).all()
    session.record(answer(gold, coded_text_only["segment_id"].tolist()))
    after = session.estimated_agreement()
    assert (after["expected_errors"] == 0).all() and (after["kappa"] == 1).all()


def test_next_batch_reads_where_the_weakest_theme_is_unsure(coded_text_only):
    """A theme whose coding is likely poor gets the reading: here the rule
    coder's user-participation evidence is taken away, so that theme's
    expected kappa is the lowest, while the opportunities coded_text_only on one weak
    word (p = 0.55) are the least certain statements of all."""
    book = u.codebook_of(coded_text_only)
    blind = coded_text_only.copy()
    blind["evidence"] = [
        [e for e in ev if book.theme_of(e["code"]) != "user_participation"] for ev in coded_text_only["evidence"]
    ]
    blind["user_participation"] = False
    blind.attrs = coded_text_only.attrs
    session = u.ReviewSession(blind)
    agreement = session.estimated_agreement().set_index("theme")["kappa"]
    assert agreement.idxmin() == "user_participation"
    certainty = session.certainty().set_index("segment_id")
    assert certainty["p_opportunities"].eq(0.55).any()  # a coin flip elsewhere that the old queue read first
    batch = certainty.loc[session.next_batch(5)]
    # the statements likeliest to have user participation (no code at all), not the coin flips elsewhere
    assert (batch["p_user_participation"] == certainty["p_user_participation"].max()).all()
    assert not batch["p_opportunities"].eq(0.55).any()


@pytest.mark.slow  # writes and reads review sheets, 40 reviews
def test_review_sheets_round_trip_and_suggested_patterns(coded_text_only, gold, tmp_path):
    import openpyxl

    session = u.ReviewSession(coded_text_only)
    path = session.write_batch_sheet(tmp_path / "runde1.xlsx", 6)
    ws = openpyxl.load_workbook(path)["Koding"]
    header = [c.value for c in ws[1]]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert len(ids) == 6 and session.history == [ids]
    # the researcher ticks user participation on the first statement
    column = next(i for i, h in enumerate(header, start=1) if h and h.endswith("[user_participation]"))
    ws.cell(2, column).value = "x"
    # and marks four more rows read, agreeing with the machine; the sixth she has not reached
    read = header.index("Lest") + 1
    for row in range(3, 7):
        ws.cell(row, read).value = "x"
    ws.parent.save(path)
    assert session.record_sheet(path) == 5
    assert set(session.labels) == set(ids[:5])
    assert session.coding().set_index("segment_id").loc[ids[0], "user_participation"]
    for _ in range(8):
        session.record(answer(gold, session.next_batch(5)))
    suggested = session.suggest_patterns()
    assert list(suggested.columns) == ["theme", "pattern", "for", "against"]
    assert (suggested["for"] > 2 * suggested["against"]).all()
    book = u.codebook_of(coded_text_only)
    assert not any(book.catches(r.theme, r.pattern) for r in suggested.itertuples())
    if len(suggested):
        out = session.accept_patterns(suggested.head(1), tmp_path / "min_kodebok.yaml")
        assert u.load_codebook(out).catches(suggested["theme"].iat[0], suggested["pattern"].iat[0])
    with pytest.raises(u.CodebookError, match="the bundled codebook is not changed"):
        session.accept_patterns(suggested.head(1), book.source)


def mark_read(sheet, rows: int) -> None:
    """Mark the first ``rows`` rows of a review sheet read, as a researcher does in Excel."""
    import openpyxl

    workbook = openpyxl.load_workbook(sheet)
    ws = workbook["Koding"]
    column = [c.value for c in ws[1]].index("Lest") + 1
    for row in range(2, rows + 2):
        ws.cell(row, column).value = "x"
    workbook.save(sheet)


@pytest.mark.slow  # end to end / a replayed review
def test_cli_review_next_and_record(tmp_path, bundled_path, capsys):
    from utenforskap.cli import main

    folder = tmp_path / "gjennomgang"
    assert main(["review", str(folder), "--next", "5"]) == 2
    assert "start one with --from" in capsys.readouterr().err
    assert main(["review", str(folder), "--from", str(bundled_path), "--no-context", "--next", "5"]) == 0
    out = capsys.readouterr().out
    assert "gjennomgang startet" in out and "0 av 86 utsagn er gjennomgått" in out
    sheet = folder / "gjennomgang_001.xlsx"
    # the sheet as the machine wrote it: nothing was reviewed, nothing is recorded
    assert main(["review", str(folder), "--record", str(sheet), "--next", "5"]) == 2
    err = capsys.readouterr().err.strip()
    assert "nothing to record" in err and "'Lest'" in err and len(err.splitlines()) == 1
    mark_read(sheet, rows=5)
    assert main(["review", str(folder), "--record", str(sheet), "--next", "5"]) == 0
    out = capsys.readouterr().out
    assert "registrerte 5 utsagn" in out and "5 av 86 utsagn er gjennomgått" in out
    assert re.search(r"forventet kappa mot en full gjennomlesing: Hindringer -?[01]\.\d\d, Muligheter", out)
    assert (folder / "gjennomgang_002.xlsx").exists()
    assert u.ReviewSession.load(folder).reviewed == 5


def test_review_session_learns_how_sure_a_kind_of_evidence_is():
    """Statements coded on one weak word start as a coin flip; when the
    reviewed ones of that kind all have the theme, the rest of that kind
    become likelier, and when none has it, less likely (a workshop where
    "må" proposes, a report where it describes)."""
    texts = [f"Vi må {verb} {thing}." for verb in ("møte", "se", "høre", "kjenne") for thing in ("dem", "naboene", "familien")]
    coded = u.code(texts, context=False, semantic=False)
    weak = u.review_queue(coded).set_index("segment_id")["p_opportunities"]
    assert set(weak) == {0.55}
    for answer_, direction in ((True, 1), (False, -1)):
        session = u.ReviewSession(coded)
        ids = session.next_batch(4)
        labels = pd.DataFrame({"segment_id": ids, **{t: [t == "opportunities" and answer_] * 4 for t in THEMES}})
        session.record(labels)
        rest = session.certainty().set_index("segment_id").drop(index=ids)["p_opportunities"]
        assert ((rest - 0.55) * direction > 0.1).all(), rest


def test_cli_review_next_when_everything_is_reviewed(tmp_path, bundled_path, capsys):
    from utenforskap.cli import main

    folder = tmp_path / "gjennomgang"
    assert main(["review", str(folder), "--from", str(bundled_path), "--rules-only"]) == 0
    session = u.ReviewSession.load(folder)
    manual = pd.read_csv(bundled_path.parents[1] / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    session.record(manual.assign(**{t: manual[t].astype(bool) for t in session.themes}))
    session.save(folder)
    capsys.readouterr()
    assert main(["review", str(folder), "--next", "5"]) == 0
    out = capsys.readouterr().out
    assert "alle utsagnene i gjennomgangen er gjennomgått (86): ikke noe nytt ark" in out
    assert not list(folder.glob("gjennomgang_*.xlsx"))
    with pytest.raises(u.UtenforskapError, match="nothing to write"):
        session.write_batch_sheet(tmp_path / "x.xlsx", 5)
