"""The review queue: least certain first, and its sheet."""

import openpyxl
import pandas as pd
from conftest import ROOT, THEMES

import utenforskap as u
from utenforskap import review_queue, review_simulation, write_review_sheet


def test_review_queue_orders_by_uncertainty(statements):
    queue = review_queue(u.code(statements, semantic=False))
    assert len(queue) == 86 and queue["confidence"].is_monotonic_increasing
    assert set(queue["uncertain"]) <= set(THEMES)
    ledelse = queue.set_index("segment_id").loc["workshop_ungt_utenforskap_2023-g3-q3-01"]
    assert ledelse["p_barriers"] == 0.9 and "Hindringer:" in ledelse["evidence_for"]
    samtale = queue.set_index("segment_id").loc["workshop_ungt_utenforskap_2023-g3-q2-07"]
    assert "innenfor unntaket «" in samtale["evidence_against"]  # the note in Norwegian


def test_review_queue_says_what_a_question_or_the_model_set_aside_without_empty_quotes(statements):
    """Evidence against a theme that matched no word (the question, the
    model) is its note in Norwegian, not an empty quotation «»."""
    queue = review_queue(u.code(statements))
    against = " | ".join(queue["evidence_against"])
    assert "«»" not in against
    assert "spørsmålet nevner flere temaer" in against  # the question of several themes, set aside
    assert "modellen" in against


def test_review_queue_with_supervised_suggestions(statements):
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    coder = u.SuggestCoder(codes=THEMES).fit(statements.merge(manual, on="segment_id"))
    queue = review_queue(u.code(statements, context=False, semantic=False), coder=coder)
    assert "suggested" in queue.columns and queue["confidence"].is_monotonic_increasing


def test_review_sheet_round_trips(statements, tmp_path):
    coded = u.code(statements, semantic=False)
    queue = review_queue(coded)
    path = write_review_sheet(queue, tmp_path / "gjennomgang.xlsx")
    ws = openpyxl.load_workbook(path)["Koding"]
    headers = [c.value for c in ws[1]]
    assert {"Sikkerhet", "Belegg for", "Belegg mot"} <= set(headers)
    back = u.read_manual_coding(path, statements)
    assert back["segment_id"].tolist() == queue["segment_id"].tolist()
    assert back["codes"].tolist() == queue["codes"].tolist()


def test_review_raises_agreement(statements):
    gold = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    queue = review_queue(u.code(statements, context=False, semantic=False))
    sim = review_simulation(queue, gold)
    assert sim["reviewed"].tolist() == [0, 17, 34, 52, 69, 86]
    assert sim["barriers"].is_monotonic_increasing and sim["barriers"].iat[-1] == 1.0
    # reviewing the least certain 60 % already brings both themes to near-perfect agreement
    assert sim.loc[sim["share_auto"] == 0.4, ["barriers", "opportunities"]].min(axis=1).iat[0] > 0.9


def test_review_queue_puts_codings_on_one_weak_word_first(tmp_path):
    """A theme coded on one weak word of the codebook ("må") is a coin flip;
    one strong word ("bør") or two words are not; the sheet says which word
    is weak."""
    texts = [
        "Vi må møtes.",
        "Kommunen bør satse på ungdom.",
        "Vi må ha mer tid.",
        "Det er viktig for oss.",
        "Det er viktig å møtes.",
    ]
    queue = review_queue(u.code(texts, semantic=False)).set_index("text")
    assert queue.loc["Vi må møtes.", "p_opportunities"] == 0.55
    # "viktig" alone is weak, "viktig å" (the proposal form of the coding rules) is not
    assert queue.loc["Det er viktig for oss.", "p_opportunities"] == 0.55
    assert queue.loc["Det er viktig å møtes.", "p_opportunities"] == 0.85
    assert queue.loc["Kommunen bør satse på ungdom.", "p_opportunities"] == 0.85
    assert queue.loc["Vi må ha mer tid.", "p_opportunities"] == 0.85
    assert set(queue.index[:2]) == {"Vi må møtes.", "Det er viktig for oss."}
    assert queue.loc["Vi må møtes.", "evidence_for"] == "Muligheter: «må» (svakt ord)"
    sheet = write_review_sheet(review_queue(u.code(texts, semantic=False)), tmp_path / "r.xlsx")
    cells = [c.value for row in openpyxl.load_workbook(sheet).worksheets[0].iter_rows() for c in row]
    assert "Muligheter: «må» (svakt ord)" in cells
