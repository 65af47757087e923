"""The pattern checker: what frequent Norwegian words a codebook pattern catches."""

import pytest

import utenforskap as u
from utenforskap import UtenforskapError

pytest.importorskip("wordfreq")

# catches looked at and kept: the verb of the same word family
ACCEPTED = {("tilbud*", "tilbudt")}


@pytest.mark.slow  # loads 50,000 word frequencies / the Nynorsk dictionary
def test_pattern_matches_lists_frequent_catches_with_their_lemma():
    hits = u.pattern_matches("hindr*", n=10)
    assert hits["zipf"].is_monotonic_decreasing
    assert hits["related"].all() and {"hindre", "hindringer"} <= set(hits["word"])
    satse = u.pattern_matches("satse*").set_index("word")
    assert satse.loc["satser", "related"] and not satse.loc["satsen", "related"]  # "satsen" is the rate, lemma "sats"
    with pytest.raises(UtenforskapError, match="one word glob"):
        u.pattern_matches("for lite")


@pytest.mark.slow
def test_bundled_codebook_globs_catch_no_frequent_unrelated_word():
    problems = u.codebook_pattern_problems()
    left = problems[[(p, w) not in ACCEPTED for p, w in zip(problems["pattern"], problems["word"])]]
    assert left.empty, left.to_string()


@pytest.mark.slow  # loads 50,000 word frequencies / the Nynorsk dictionary
def test_nynorsk_variants_follow_the_spelling_rules():
    variants = u.nynorsk_variants("tilgjengelig*").set_index("variant")
    assert "tilgjengeleg*" in variants.index
    assert "tilgjengelege" in variants.loc["tilgjengeleg*", "examples"]
    # no variant where Nynorsk spells the word the same way
    assert u.nynorsk_variants("samarbeid*").empty


@pytest.mark.slow
def test_bundled_codebook_has_its_nynorsk_variants():
    gaps = u.codebook_nynorsk_gaps()
    assert gaps.empty, gaps.to_string()
