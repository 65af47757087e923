"""Exploration: topics (NMF) and keyness."""

import numpy as np
import pandas as pd
import pytest

import utenforskap as u
from utenforskap.explore.topics import keyness, topics


def test_topics_deterministic_with_seed(statements):
    a_words, a_examples = topics(statements, n_topics=4, random_state=3)
    b_words, b_examples = topics(statements, n_topics=4, random_state=3)
    pd.testing.assert_frame_equal(a_words, b_words)
    pd.testing.assert_frame_equal(a_examples, b_examples)
    assert a_words.groupby("topic").size().tolist() == [8, 8, 8, 8]
    assert set(a_examples["segment_id"]) <= set(statements["segment_id"])
    assert "hvordan" not in set(a_words["word"])  # question words are stop words


def test_keyness_question_three(statements):
    table = keyness(statements, "question", target=3)
    top = table.iloc[0]
    assert top["target"] == 3 and top["n_target"] >= 2 and top["g2"] > 0 and top["log_ratio"] > 0
    # G2 by hand for the top word: a in target, b in the rest
    lemmas = u.normalise(statements)
    counts = lemmas.assign(n=lemmas["content_lemmas"].str.split().map(len))
    total_a = counts.loc[counts["question"] == 3, "n"].sum()
    total_b = counts.loc[counts["question"] != 3, "n"].sum()
    a, b = top["n_target"], top["n_rest"]
    ea, eb = total_a * (a + b) / (total_a + total_b), total_b * (a + b) / (total_a + total_b)
    g2 = 2 * (a * np.log(a / ea) + (b * np.log(b / eb) if b else 0))
    assert top["g2"] == pytest.approx(g2)
