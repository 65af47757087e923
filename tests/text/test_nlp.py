"""The pipeline: the embedded default, and the model-loading path."""

import pytest
import spacy
from conftest import ROOT

import utenforskap.text.pipeline as nlp_module
from utenforskap import UtenforskapError, get_pipeline
from utenforskap.text.lemmas import lemmatize_word
from utenforskap.text.pipeline import EMBEDDED, describe_pipeline


def test_nlp_embedded_lemmas_bokmal_and_nynorsk():
    nlp = get_pipeline(EMBEDDED)
    assert [t.lemma_ for t in nlp("Hindringene i tjenestene")] == ["hindring", "i", "tjeneste"]
    # Nynorsk forms fall back to Nynorsk data
    assert lemmatize_word("ressursane") == "ressurs"
    assert lemmatize_word("åra") == "år"
    assert lemmatize_word("utfordringane") == "utfordring"


def test_nlp_pipeline_is_cached():
    assert get_pipeline(EMBEDDED) is get_pipeline(EMBEDDED)


def test_nlp_prefers_nb_core_news_sm_when_installed(monkeypatch, tmp_path):
    small = spacy.blank("nb")
    small.add_pipe("sentencizer")
    small.meta["name"] = "core_news_sm"
    small.to_disk(tmp_path / "fake_model")
    loaded = []
    real_load = spacy.load

    def fake_load(name, *args, **kwargs):
        loaded.append(name)
        return real_load(tmp_path / "fake_model")

    monkeypatch.delenv("UTENFORSKAP_MODEL", raising=False)
    monkeypatch.setattr(spacy.util, "is_package", lambda name: name == "nb_core_news_sm")
    monkeypatch.setattr(spacy, "load", fake_load)
    nlp_module._load.cache_clear()
    try:
        nlp = get_pipeline()
        assert loaded == ["nb_core_news_sm"]
        assert "utenforskap_lemmatizer" in nlp.pipe_names
        assert describe_pipeline(nlp).startswith("nb_core_news_sm")
    finally:
        nlp_module._load.cache_clear()


def test_nlp_loads_a_saved_pipeline_from_disk(tmp_path, monkeypatch):
    small = spacy.blank("nb")
    small.add_pipe("sentencizer")
    path = tmp_path / "pipeline"
    small.to_disk(path)
    monkeypatch.setenv("UTENFORSKAP_MODEL", str(path))
    nlp = get_pipeline()
    assert nlp.pipe_names == ["sentencizer", "utenforskap_lemmatizer"]
    doc = nlp("Brukermedvirkningen er viktig. Hindringene er mange.")
    assert len(list(doc.sents)) == 2
    assert doc[0].lemma_ == "brukermedvirkning"
    from utenforskap import code

    coded = code(["Brukermedvirkningen er viktig."], nlp=nlp)
    assert coded.attrs["pipeline"].startswith("nb_pipeline")
    assert coded.loc[0, "user_participation"]


def test_nlp_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(UtenforskapError, match="cannot load the spaCy pipeline .*nowhere.*install nb_core_news_sm"):
        get_pipeline(str(tmp_path / "nowhere"))


@pytest.mark.slow  # a fresh process
def test_import_is_light():
    """spaCy, scikit-learn and matplotlib load when first used, not on
    import; pandas and numpy are bound but run their code on first use."""
    import subprocess
    import sys

    code = (
        "import sys, types, utenforskap; "
        "print(sorted(m for m in ('spacy', 'sklearn', 'matplotlib', 'openpyxl') if m in sys.modules)); "
        "print(sorted(m for m in ('pandas', 'numpy') if type(sys.modules.get(m)) is types.ModuleType)); "
        "frame = utenforskap.read_workshop('data/raw'); "
        "print(type(sys.modules['pandas']) is types.ModuleType, isinstance(frame, sys.modules['pandas'].DataFrame))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split("\n")
    assert out[:3] == ["[]", "[]", "True True"]
