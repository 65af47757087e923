"""Lemmas: simplemma's, read from cached tries, and the fast compound path
that must give exactly simplemma's lemmas."""

import os
import random
import re
import subprocess
import sys

import pytest
import simplemma
from conftest import ROOT

from utenforskap.lang.nb.words import LEMMA_OVERRIDES
from utenforskap.text import lemmas
from utenforskap.text.lemmas import CompoundLemmas, is_known_word, lemmatize_word


def reference(word: str) -> str:
    """simplemma's own lemma (its in-memory default), chosen as lemmatize_word chooses."""
    if not simplemma.is_known(word, lang="nb") and simplemma.is_known(word, lang="nn"):
        return simplemma.lemmatize(word, lang="nn").lower()
    return simplemma.lemmatize(word, lang="nb").lower()


@pytest.fixture(scope="module")
def fast():
    found = CompoundLemmas.load()
    if found is None:
        pytest.skip("no lemma tries on this machine (marisa-trie missing, no writable cache or another simplemma)")
    return found


def test_lemma_data_come_from_cached_tries_and_match_simplemma(statements):
    """The trie-backed look-up (fast start-up) gives simplemma's own lemmas:
    compared with the in-memory default on every word of the bundled table,
    on Nynorsk forms and on unknown compounds (affix decomposition)."""
    from simplemma.strategies import TrieDictionaryFactory

    _, lookup, folder = lemmas.simplemma_lemmatizer()
    assert isinstance(lookup._dictionary_factory, TrieDictionaryFactory) and folder is not None
    words = {w.lower() for t in statements["text"] for w in re.findall(r"\w+", t)}
    words |= {"ikkje", "ressursane", "kommunane", "ungdomsarbeidsledighetstiltakene", "brukermedvirkningsprosessane"}
    for word in sorted(words - set(LEMMA_OVERRIDES)):
        assert is_known_word(word) == simplemma.is_known(word, lang="nb"), word
        assert lemmatize_word(word) == reference(word), word


def test_lemma_cache_place_or_in_memory(tmp_path, monkeypatch):
    """The tries live in the user cache when it can be written; where it
    cannot, the in-memory default is used instead of rebuilding tries."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = lemmas.simplemma_tries()
    assert folder is not None and folder.is_dir() and folder.is_relative_to(tmp_path / "cache")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert lemmas.simplemma_tries() is None


def test_compound_lemmas_are_simplemmas_own(fast):
    """Dictionary words of both written standards and made-up compounds (two
    or three words and an ending, the words no dictionary lists): the fast
    path handles nearly all and gives simplemma's lemma for every one.
    (``tools/check_lemmas.py`` does the same for all 704,836 dictionary keys
    and 200,000 compounds.)"""
    rng = random.Random(7)
    nb = sorted(fast.nb.keys("bruk")) + sorted(fast.nb.keys("ung")) + rng.sample(list(fast.nb.iterkeys()), 1500)
    nn = sorted(fast.nn.keys("ungdom")) + rng.sample(list(fast.nn.iterkeys()), 1000)
    words = sorted({w.lower() for w in nb + nn})
    parts = [w for w in words if w.isalpha() and 3 <= len(w) <= 12]
    endings = ["", "en", "ene", "et", "er", "s", "ane", "ar", "ast", "ingane"]
    made = sorted({"".join(rng.sample(parts, rng.choice((2, 3)))) + rng.choice(endings) for _ in range(3000)})
    for group in (words, made):
        got = {w: fast.lemma(w) for w in group}
        handled = {w: g for w, g in got.items() if g is not None}
        assert len(handled) > 0.95 * len(group)
        assert {w: g for w, g in handled.items() if g != reference(w)} == {}
    # the decompositions that matter: a known head with a known tail, a dropped affix, a known tail only
    assert fast.lemma("ungdomsbolighjelpene") == reference("ungdomsbolighjelpene")
    assert fast.lemma("brukermedvirkningsprosessane") == reference("brukermedvirkningsprosessane")


def test_compound_lemmas_leave_other_words_to_simplemma(fast):
    for word in ["covid-19", "nav-kontoret", "o'neill", "straße", "ungdom2023", "Ungdom", "λόγος", ""]:
        assert fast.lemma(word) is None, word
        if word:
            assert lemmatize_word(word) == reference(word.lower()) or word.lower() in LEMMA_OVERRIDES


def test_compound_lemmas_only_for_checked_simplemma(monkeypatch):
    monkeypatch.setattr(lemmas, "CHECKED_SIMPLEMMA", frozenset({"0.0.0"}))
    assert CompoundLemmas.load() is None


@pytest.mark.slow  # a fresh process
def test_a_process_turns_to_the_fast_path_after_many_unknown_words(tmp_path):
    """After FAST_AFTER unknown long words the process builds the tries in
    its user cache (once per machine) and uses them; the lemmas stay the
    same. Run in a fresh interpreter with an empty cache."""
    code = (
        "import json, sys, utenforskap.text.lemmas as L; L.FAST_AFTER = 5; "
        "words = json.loads(sys.stdin.read()); print(json.dumps([L.lemmatize_word(w) for w in words]))"
    )
    words = ["ungdomsbolighjelpene", "kvalifiseringsløpsplanen", "arbeidsinkluderingsarenaene"] * 1 + [
        f"{a}{b}en" for a in ("skole", "bolig", "helse", "fritid") for b in ("tilbud", "arena", "veileder")
    ]
    import json

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(words), capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert json.loads(result.stdout) == [reference(w) for w in words]
    built = sorted(p.name for p in (tmp_path / "utenforskap" / "lemma-tries").rglob("*.marisa"))
    if simplemma.__version__ in lemmas.CHECKED_SIMPLEMMA:
        assert built == ["nb-lower-reversed.marisa", "nb-lower.marisa"]
    else:
        assert built == []
