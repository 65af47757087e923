"""Matrices pinned on a small hand-built toy_coded fixture (exact numbers)."""

import numpy as np
import pandas as pd
import pytest

from utenforskap.explore.matrices import TOTAL, code_counts, cooccurrence, framework_matrix

CODES = ["barriers", "opportunities", "user_participation"]


@pytest.fixture
def toy_coded():
    rows = [
        # segment_id, workshop, group, question, text, barriers, opportunities, user_participation, codes
        ("w1-g1-q1-01", "w1", "1", 1, "Lovverket", 1, 0, 0, ["barriers", "laws_regulations"]),
        ("w1-g1-q1-02", "w1", "1", 1, "Mer samarbeid", 0, 1, 0, ["opportunities", "collaboration"]),
        ("w1-g1-q2-01", "w1", "1", 2, "Brukermedvirkning bør styrkes", 0, 1, 1, ["opportunities", "user_participation"]),
        ("w1-g2-q1-01", "w1", "2", 1, "Penger mangler", 1, 0, 0, ["barriers", "funding_resources"]),
        (
            "w1-g2-q2-01",
            "w1",
            "2",
            2,
            "Ingen medvirkning, men potensial",
            1,
            1,
            1,
            ["barriers", "opportunities", "user_participation"],
        ),
        ("w1-g2-q2-02", "w1", "2", 2, "Møtet var fint", 0, 0, 0, []),
    ]
    frame = pd.DataFrame(rows, columns=["segment_id", "workshop", "group", "question", "text", *CODES, "codes"])
    frame[CODES] = frame[CODES].astype(bool)
    return frame


def test_matrices_group_counts_with_totals(toy_coded):
    table = code_counts(toy_coded, "group", CODES)
    assert table.index.tolist() == ["1", "2", TOTAL]
    assert table.to_dict("index") == {
        "1": {"n": 3, "barriers": 1, "opportunities": 2, "user_participation": 1},
        "2": {"n": 3, "barriers": 2, "opportunities": 1, "user_participation": 1},
        TOTAL: {"n": 6, "barriers": 3, "opportunities": 3, "user_participation": 2},
    }


def test_matrices_question_shares(toy_coded):
    table = code_counts(toy_coded, "question", CODES, share=True)
    assert table.index.tolist() == [1, 2, TOTAL]
    assert table.loc[1].tolist() == [3, 2 / 3, 1 / 3, 0.0]
    assert table.loc[2].tolist() == [3, 1 / 3, 2 / 3, 2 / 3]
    assert table.loc[TOTAL].tolist() == [6, 0.5, 0.5, 1 / 3]


def test_matrices_subcodes_from_code_lists(toy_coded):
    table = code_counts(toy_coded, "group", ["funding_resources", "laws_regulations", "collaboration"], totals=False)
    assert table.values.tolist() == [[3, 0, 1, 1], [3, 1, 0, 0]]


def test_matrices_cooccurrence_counts_and_jaccard(toy_coded):
    counts = cooccurrence(toy_coded, CODES)
    assert counts.values.tolist() == [[3, 1, 1], [1, 3, 2], [1, 2, 2]]
    jaccard = cooccurrence(toy_coded, CODES, "jaccard")
    # barriers & opportunities: both 1, either 5
    assert jaccard.loc["barriers", "opportunities"] == pytest.approx(1 / 5)
    assert jaccard.loc["opportunities", "user_participation"] == pytest.approx(2 / 3)
    assert np.allclose(np.diag(jaccard), 1.0)
    unused = toy_coded.assign(user_participation=False)
    assert np.isnan(cooccurrence(unused, CODES, "jaccard").loc["user_participation", "user_participation"])


def test_matrices_framework_quotes_with_ids(toy_coded):
    fm = framework_matrix(toy_coded, "group", CODES)
    assert fm.loc["1", "barriers"] == "[w1-g1-q1-01] Lovverket"
    assert fm.loc["2", "barriers"] == "[w1-g2-q1-01] Penger mangler\n[w1-g2-q2-01] Ingen medvirkning, men potensial"
    assert fm.loc["1", "user_participation"] == "[w1-g1-q2-01] Brukermedvirkning bør styrkes"
    assert fm.loc["2", "opportunities"] == "[w1-g2-q2-01] Ingen medvirkning, men potensial"
    by_question = framework_matrix(toy_coded, "question", CODES)
    assert by_question.index.tolist() == [1, 2]


def test_matrices_several_workshops(toy_coded):
    other = toy_coded.assign(workshop="w2", segment_id=toy_coded["segment_id"].str.replace("w1", "w2"))
    both = pd.concat([toy_coded, other], ignore_index=True)
    table = code_counts(both, "group", CODES)
    assert table.index.names == ["workshop", "group"]
    assert table.loc[("w2", "2"), "barriers"] == 2
    assert table.loc[(TOTAL, TOTAL), "n"] == 12
    assert framework_matrix(both, "group", CODES).loc[("w2", "1"), "barriers"] == "[w2-g1-q1-01] Lovverket"


def test_matrices_bad_arguments(toy_coded):
    from utenforskap import UtenforskapError

    with pytest.raises(UtenforskapError, match="by must be 'group', 'question' or 'workshop'"):
        code_counts(toy_coded, "section", CODES)
    with pytest.raises(UtenforskapError, match="measure must be 'count' or 'jaccard'"):
        cooccurrence(toy_coded, CODES, "cosine")
