"""The supervised coder, its honest evaluation, topics and keyness."""

import pandas as pd
import pytest
from conftest import ROOT, THEMES

import utenforskap as u
from utenforskap import UtenforskapError
from utenforskap.explore.topics import keyness, topics
from utenforskap.review.suggest import SuggestCoder, evaluate, learning_curve


@pytest.fixture(scope="module")
def labelled(statements):
    """206 hand-coded statements from four sources (the workshop and three sets)."""
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    parts = [statements.merge(manual, on="segment_id")[["segment_id", "workshop", "text", *THEMES]]]
    for name in ("unseen", "heldout", "final"):
        part = pd.read_csv(ROOT / "tests" / "fixtures" / f"{name}_statements.csv")
        parts.append(part.assign(workshop=name))
    return pd.concat(parts, ignore_index=True)


def test_learn_beats_majority_baseline_under_grouped_cv(labelled):
    result = evaluate(labelled, codes=THEMES)
    assert (result["folds"] == "GroupKFold(4) by workshop").all()
    assert (result["n"] == 206).all()
    kappa_baseline = result["baseline_kappa"].fillna(0)
    assert (result["kappa"] > kappa_baseline + 0.3).all(), result
    assert result["f1"].mean() > result["baseline_f1"].mean() + 0.2, result
    assert (result["warning"] == "").all()


def test_learn_warns_with_few_labels(labelled):
    few = labelled.iloc[:30]
    result = evaluate(few, codes=THEMES)
    assert result.loc["user_participation", "warning"].startswith("only")
    assert "unreliable" in result.loc["barriers", "warning"]


def test_learn_groups_keep_workshops_apart(labelled, monkeypatch):
    seen = []
    real_fit = SuggestCoder.fit

    def spy(self, data, labels=None):
        seen.append(set(data["workshop"]))
        return real_fit(self, data, labels)

    monkeypatch.setattr(SuggestCoder, "fit", spy)
    evaluate(labelled, codes=THEMES)
    assert len(seen) == 4 and all(len(s) == 3 for s in seen)  # each fold trains on three sources, tests on the fourth


def test_learn_suggest_words_and_no_overwrite(labelled, statements):
    coder = SuggestCoder(codes=THEMES).fit(labelled)
    coded = u.code(statements)
    suggestions = coder.suggest(coded)
    assert suggestions["segment_id"].tolist() == coded["segment_id"].tolist()
    assert "codes" not in suggestions.columns  # the rule codes stay in their own column
    row = coder.suggest(["Det mangler penger og tid til oppfølging."]).iloc[0]
    assert row["suggested"] == ["barriers"]
    assert row["probabilities"]["barriers"] > 0.5 > row["probabilities"]["user_participation"]
    assert "mangle" in row["words"]["barriers"]
    features = coder.get_feature_names_out()
    assert any(f.startswith("words__") for f in features) and any(f.startswith("chars__") for f in features)
    assert coder.top_features("barriers", 5)["weight"].is_monotonic_decreasing


def test_learn_save_load_and_unfitted(labelled, tmp_path):
    coder = SuggestCoder(codes=THEMES).fit(labelled)
    path = coder.save(tmp_path / "coder.joblib")
    loaded = SuggestCoder.load(path)
    texts = ["Brukerne må få medvirke.", "Regelverket hindrer oss."]
    pd.testing.assert_frame_equal(loaded.predict_proba(texts), coder.predict_proba(texts))
    with pytest.raises(UtenforskapError, match="not fitted yet"):
        SuggestCoder().suggest(texts)
    assert SuggestCoder(C=2.0).get_params()["C"] == 2.0  # scikit-learn's estimator contract


def test_learning_curve_grows(labelled):
    curve = learning_curve(labelled, codes=THEMES, fractions=(0.25, 1.0))
    assert curve["n_train"].is_monotonic_increasing
    assert curve["f1"].iat[-1] > curve["f1"].iat[0]


def test_charts_for_exploration(statements):
    words, _ = topics(statements, n_topics=3)
    fig = u.charts.topic_words(words)
    assert [ax.get_title() for ax in fig.axes[:3]] == ["Tema 1", "Tema 2", "Tema 3"]
    fig = u.charts.keyness_bars(keyness(statements, "group"), "5")
    assert fig.axes[0].get_title() == "Særpreget for gruppe 5"
