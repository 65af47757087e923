"""Keyword in context, pseudonymisation and the review queue, on the bundled statements."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import spacy

import utenforskap as u
from utenforskap import UtenforskapError, kwic, pseudonymise, review_queue, review_simulation, write_review_sheet
from utenforskap.cli import main

ROOT = Path(__file__).resolve().parents[1]
THEMES = ["barriers", "opportunities", "user_participation"]


# --------------------------------------------------------------------------
# kwic
# --------------------------------------------------------------------------


def test_kwic_phrase_on_bundled(statements):
    hits = kwic(statements, "på tvers", window=3)
    assert len(hits) == 5
    first = hits.iloc[0]
    assert first["segment_id"].endswith("g2-q2-02") and first["group"] == "2" and first["question"] == 2
    assert (first["left"], first["match"], first["right"]) == ("Kan tettere samarbeid", "på tvers", "av utdanningene bidra")
    text = statements.set_index("segment_id").loc[first["segment_id"], "text"]
    assert text[first["start"] : first["end"]] == "på tvers"


def test_kwic_matches_lemmas(statements):
    hits = kwic(statements, "samarbeid*", window=2)
    assert {"samarbeidet", "samarbeid", "samarbeide", "Samarbeid"} <= set(hits["match"])
    found = kwic(["Hindringene er mange, og hindringa er stor."], "hindring*")
    assert found["match"].tolist() == ["Hindringene", "hindringa"]
    assert kwic(statements, "OT")["match"].tolist() == ["OT", "OT"]  # capitals: exact form


def test_kwic_errors_and_cli(bundled_path, tmp_path, capsys):
    with pytest.raises(UtenforskapError, match="broken pattern 'hindr\\[': the character"):
        kwic(["x"], "hindr[")
    assert main(["kwic", str(bundled_path), "lavterskel*", "--window", "2", "-o", str(tmp_path / "k.csv")]) == 0
    out = capsys.readouterr()
    assert "[lavterskeltjeneste]" in out.out and "1 matches" in out.err
    assert pd.read_csv(tmp_path / "k.csv", encoding="utf-8-sig")["match"].tolist() == ["lavterskeltjeneste"]


# --------------------------------------------------------------------------
# Pseudonymisation
# --------------------------------------------------------------------------


@pytest.fixture
def with_names(statements):
    """Bundled statements with participants' names added, as notes often have."""
    frame = statements.copy()
    frame.loc[0, "text"] = "Kari Nordmann sa: " + frame.loc[0, "text"]
    frame.loc[5, "text"] = frame.loc[5, "text"] + " (spurte Kari)"
    frame.loc[9, "text"] = "Ifølge Ahmed og Kari Nordmann: " + frame.loc[9, "text"]
    return frame


def test_pseudonymise_heuristic_keeps_public_figures(statements, with_names):
    out, key, report = pseudonymise(with_names)
    assert out.loc[0, "text"].startswith("[PERSON-1] sa: Flere bør få mulighet")
    assert out.loc[5, "text"].endswith("(spurte [PERSON-1])")  # the only Kari named in full
    assert out.loc[9, "text"].startswith("Ifølge [PERSON-2] og [PERSON-1]:")
    brundtland = statements["text"].str.contains("Brundtlands").idxmax()
    assert "Brundtlands nyttårstale" in out.loc[brundtland, "text"]  # not a person's name by itself
    assert report.to_dict("records") == [
        {"source": "workshop_ungt_utenforskap_2023.txt", "replacements": 4, "method": "heuristic", "identifiers": ""}
    ]
    assert key.set_index("value").loc["kari nordmann", "count"] == 3
    assert with_names.loc[0, "text"].startswith("Kari Nordmann")  # the original is untouched
    assert out["pseudonymised"].sum() == 4


def test_pseudonymise_listed_names_and_sentence_start():
    out, _, _ = pseudonymise(
        ["Per i dag møter Sunniva Berg ungdommene.", "Liv og helse er tema for Per."], names=["Sunniva Berg"]
    )
    assert out["text"].tolist() == ["Per i dag møter [PERSON-1] ungdommene.", "Liv og helse er tema for [PERSON-2]."]


def test_pseudonymise_ner_path(tmp_path):
    nlp = spacy.blank("nb")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Sunniva Berg"}, {"label": "ORG", "pattern": "Talenhuset"}])
    nlp.to_disk(tmp_path / "ner")
    model = u.get_pipeline(str(tmp_path / "ner"))
    texts = ["Sunniva Berg fortalte om Talenhuset."]
    out, key, report = pseudonymise(texts, nlp=model)
    assert report.loc[0, "method"] == "ner"
    assert out.loc[0, "text"] == "[PERSON-1] fortalte om Talenhuset."
    out, _, _ = pseudonymise(texts, nlp=model, entities=("PER", "ORG"))
    assert out.loc[0, "text"] == "[PERSON-1] fortalte om [PERSON-2]."
    with pytest.raises(UtenforskapError, match="has no named-entity recogniser"):
        pseudonymise(texts, method="ner", nlp=u.get_pipeline("embedded"))


def test_cli_pseudonymise(tmp_path, with_names, capsys):
    source = tmp_path / "ws.csv"
    with_names[["group", "text"]].rename(columns={"group": "Gruppe", "text": "Spm. 1: Innspill"}).to_csv(source, index=False)
    names = tmp_path / "navn.txt"
    names.write_text("Ahmed\n", encoding="utf-8")
    assert (
        main(
            [
                "pseudonymise",
                str(source),
                "-o",
                str(tmp_path / "ut.csv"),
                "--key",
                str(tmp_path / "nokkel.csv"),
                "--names",
                str(names),
            ]
        )
        == 0
    )
    assert "ws.csv: 4 replacement(s) (heuristic)" in capsys.readouterr().out
    exported = pd.read_csv(tmp_path / "ut.csv", encoding="utf-8-sig")["text"]
    assert not exported.str.contains("Kari|Ahmed").any()
    key = pd.read_csv(tmp_path / "nokkel.csv", encoding="utf-8-sig")
    assert set(key["value"]) == {"kari nordmann", "ahmed"} and set(key["forms"]) == {"Kari | Kari Nordmann", "Ahmed"}
    assert (tmp_path / "nokkel_mulige_navn.csv").exists()


# --------------------------------------------------------------------------
# Review queue
# --------------------------------------------------------------------------


def test_review_queue_orders_by_uncertainty(statements):
    queue = review_queue(u.code(statements))
    assert len(queue) == 86 and queue["confidence"].is_monotonic_increasing
    assert set(queue["uncertain"]) <= set(THEMES)
    ledelse = queue.set_index("segment_id").loc["workshop_ungt_utenforskap_2023-g3-q3-01"]
    assert ledelse["p_barriers"] == 0.9 and "Hindringer:" in ledelse["evidence_for"]
    samtale = queue.set_index("segment_id").loc["workshop_ungt_utenforskap_2023-g3-q2-07"]
    assert "innenfor unntaket «" in samtale["evidence_against"]  # the note in Norwegian


def test_review_queue_with_supervised_suggestions(statements):
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    coder = u.SuggestCoder(codes=THEMES).fit(statements.merge(manual, on="segment_id"))
    queue = review_queue(u.code(statements, context=False), coder=coder)
    assert "suggested" in queue.columns and queue["confidence"].is_monotonic_increasing


def test_review_sheet_round_trips(statements, tmp_path):
    coded = u.code(statements)
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
    queue = review_queue(u.code(statements, context=False))
    sim = review_simulation(queue, gold)
    assert sim["reviewed"].tolist() == [0, 17, 34, 52, 69, 86]
    assert sim["barriers"].is_monotonic_increasing and sim["barriers"].iat[-1] == 1.0
    # reviewing the least certain 60 % already brings both themes to near-perfect agreement
    assert sim.loc[sim["share_auto"] == 0.4, ["barriers", "opportunities"]].min(axis=1).iat[0] > 0.9
