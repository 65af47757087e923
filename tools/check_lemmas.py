"""Check the fast compound lemmas against simplemma, word for word.

Run: .venv/bin/python tools/check_lemmas.py [--compounds N]

Compares :class:`utenforskap.text.lemmas.CompoundLemmas` with simplemma's own
lemmatizer (its in-memory default, the reference) on every key of simplemma's
Bokmål and Nynorsk dictionaries and on N made-up compounds (two or three
dictionary words and an ending), and prints how many words each path handled
and every difference.  Run it before adding a simplemma version to
``CHECKED_SIMPLEMMA`` (the tool checks the installed version even when it is
not listed).  Exit status 1 when any lemma differs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import simplemma

from utenforskap.text import lemmas

ENDINGS = ["", "en", "ene", "et", "er", "s", "a", "ane", "ar", "ast", "ing", "ingane", "heten"]


def reference(word: str) -> str:
    """simplemma's lemma as :func:`utenforskap.text.lemmas.lemmatize_word` chooses it."""
    if not simplemma.is_known(word, lang="nb") and simplemma.is_known(word, lang="nn"):
        return simplemma.lemmatize(word, lang="nn").lower()
    return simplemma.lemmatize(word, lang="nb").lower()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compounds", type=int, default=200_000)
    args = parser.parse_args(argv)
    versions = lemmas.CHECKED_SIMPLEMMA
    lemmas.CHECKED_SIMPLEMMA = frozenset({simplemma.__version__})
    fast = lemmas.CompoundLemmas.load()
    lemmas.CHECKED_SIMPLEMMA = versions
    if fast is None:
        print("no tries on this machine (marisa-trie missing or no writable user cache)")
        return 1
    keys = sorted({k.lower() for trie in (fast.nb, fast.nn) for k in trie.iterkeys()})
    rng = random.Random(2026)
    parts = [k for k in keys if k.isalpha() and 3 <= len(k) <= 12]
    made = sorted({"".join(rng.sample(parts, rng.choice((2, 2, 3)))) + rng.choice(ENDINGS) for _ in range(args.compounds)})
    status = 0
    for name, words in (("dictionary keys", keys), ("made-up compounds", made)):
        start = time.perf_counter()
        mine = [fast.lemma(w) for w in words]
        seconds = time.perf_counter() - start
        handled = [(w, m) for w, m in zip(words, mine) if m is not None]
        differ = [(w, m, r) for w, m in handled if (r := reference(w)) != m]
        print(
            f"simplemma {simplemma.__version__}, {name}: {len(words):,} words, {len(handled):,} on the fast path "
            f"({seconds:.2f} s), {len(differ)} differ from simplemma"
        )
        for word, got, want in differ[:20]:
            print(f"  {word}: {got!r}, simplemma {want!r}")
        status |= bool(differ)
    return status


if __name__ == "__main__":
    sys.exit(main())
