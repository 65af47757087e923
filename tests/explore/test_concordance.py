"""The concordance (kwic): the codebook's pattern language in context."""

import pandas as pd
import pytest

from utenforskap import UtenforskapError, kwic
from utenforskap.cli import main


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
