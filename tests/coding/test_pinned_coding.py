"""What code() gives is pinned: the bundled workshop (in context and text
only) and 3,000 synthetic statements that exercise every rule, coded with a
frozen copy of the codebook, must give the same themes, codes, why, evidence
and lemma columns as when the digests were written (tests/pinned_coding.py).
A faster coder (one match per word type, bit masks) must keep this test green
without writing the digests again."""

import json

import pinned_coding as pinned
import pytest


@pytest.fixture(scope="module")
def pinned_sets():
    return pinned.coded_sets()


def test_coding_is_what_was_pinned(pinned_sets):
    now = pinned.digests(pinned_sets)
    frozen = json.loads(pinned.DIGESTS.read_text(encoding="utf-8"))
    made_with = frozen.pop("versions")
    if made_with != pinned.versions():
        # tokens and lemmas come from these packages: a new release may move them
        pytest.skip(f"the pin was made with {made_with}, this environment has {pinned.versions()}: write it again")
    assert set(now) == set(frozen)
    texts = pinned.synthetic_statements()
    for name in frozen:
        changed = [i for i, (a, b) in enumerate(zip(now[name], frozen[name])) if a != b]
        assert len(now[name]) == len(frozen[name]), name
        shown = [texts[i] if name == "synthetic" else f"row {i}" for i in changed[:5]]
        assert not changed, f"{name}: {len(changed)} statements coded differently, e.g. {shown}"


def test_synthetic_statements_exercise_every_rule(pinned_sets):
    coded = pinned_sets["synthetic"]
    notes = [e["note"] for evidence in coded["evidence"] for e in evidence]
    methods = [e["method"] for evidence in coded["evidence"] for e in evidence]
    n = len(coded)
    assert sum("negated by" in note for note in notes) > 0.05 * n
    assert sum("inside exclusion" in note for note in notes) > 0.02 * n
    assert sum("in a question" in note for note in notes) > 0.02 * n
    assert sum("contrast" in note for note in notes) > 0.005 * n
    assert methods.count("negation") > 0.01 * n  # the lack rule
    assert methods.count("negated") > 0.01 * n  # a negated opportunity counting for barriers
    assert methods.count("sub-code") > 0.01 * n  # standalone sub-codes
    assert sum(" " in e["rule"] for evidence in coded["evidence"] for e in evidence if e["method"] == "pattern") > 0.05 * n
