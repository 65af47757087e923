"""Norwegian normalisation: columns beside the original text."""

import pytest

from utenforskap import normalise, normalise_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ønsker mer forskning i off. arbeidshverdag og Nav", "Ønsker mer forskning i offentlig arbeidshverdag og NAV"),
        ("bl.a. opplæring, f.eks. selvhjelpsgrupper", "blant annet opplæring, for eksempel selvhjelpsgrupper"),
        ("elev i VGO, samarbeid med OT", "elev i videregående opplæring, samarbeid med Oppfølgingstjenesten"),
        ("inkludering i UH-sektoren", "inkludering i universitets- og høyskolesektoren"),
        ("«best practice» og “sitat” – dette", '"best practice" og "sitat" – dette'),
        ("Navs tjenester og navnet", "NAVs tjenester og navnet"),
        ("St\u00f8tte", "Støtte"),
        ("Pa\u030a tvers", "På tvers"),  # decomposed å -> NFC
        ("teoretisk vs. praktisk", "teoretisk versus praktisk"),
        ("Ã¸nsker Ã¥ delta", "ønsker å delta"),  # mojibake repaired
        ("Ã…pen dialog â€“ ja", "Åpen dialog – ja"),  # ... also when every character is an ordinary one
        ("åÆÆ og Ølen", "åÆÆ og Ølen"),  # rare real letter sequences are not "repaired"
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_normalise_keeps_text_and_adds_columns(statements):
    out = normalise(statements)
    assert out["text"].tolist() == statements["text"].tolist()
    assert "text_norm" not in statements.columns  # the input is not mutated
    row = out[out["segment_id"].str.endswith("g2-q1-02")].iloc[0]
    assert row["text"].endswith("(bl.a. opplæring i brukerrettigheter).")
    assert "blant annet" in row["text_norm"]
    assert row["abbreviations"] == "bl.a.=blant annet"
    assert row["lemmas"].split()[:3] == ["retningslinje", "for", "brukermedvirkning"]
    assert "for" not in row["content_lemmas"].split()
    assert "brukermedvirkning" in row["content_lemmas"].split()


def test_normalise_nynorsk_stop_words_and_lemmas():
    out = normalise(["Dei unge i åra framover har ei utfordring"])
    assert out.loc[0, "lemmas"] == "de ung i år framover ha en utfordring"
    assert out.loc[0, "content_lemmas"] == "ung framover utfordring"
