"""Statements and a digest of their coding, for the test that pins what
``code()`` gives (issue: a faster coder must give the same output).

The statements are the bundled workshop (in context and text only) and a few
thousand synthetic ones made from the frozen codebook in
``tests/fixtures/pinned/codebook.yaml``: its patterns turned into words
(globs completed with common endings), phrases, exclusions, negations before
and after, "ikke X, men Y" contrasts, questions, Nynorsk negations, filler
words from the bundled table.  The codebook is a frozen copy, so editing the
bundled codebook does not move the pin; only a change in how coding works
does.

Run ``python tests/pinned_coding.py`` to write the digests again, and only
when a change in the coding is meant (say so in the commit).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODEBOOK = HERE / "fixtures" / "pinned" / "codebook.yaml"
DIGESTS = HERE / "fixtures" / "pinned" / "digests.json"
BUNDLED = HERE.parent / "data" / "raw" / "workshop_ungt_utenforskap_2023.txt"
ENDINGS = ["", "en", "ene", "er", "et", "ing", "ingen", "ane", "e", "s"]
N_SYNTHETIC = 3000


def _word(glob: str, rng: random.Random) -> str:
    word = glob.replace("?", rng.choice("aeiou"))
    if word.startswith("*"):
        word = rng.choice(["bruker", "ung", "sam", "fag", "lokal"]) + word[1:]
    if word.endswith("*"):
        word = word[:-1] + rng.choice(ENDINGS)
    return word.replace("*", "")


def synthetic_statements(n: int = N_SYNTHETIC, seed: int = 17) -> list[str]:
    """``n`` statements that exercise the coder's rules (deterministic)."""
    from utenforskap import load_codebook, read_workshop

    book = load_codebook(CODEBOOK)
    rng = random.Random(seed)
    patterns = sorted({p.text for c in book.codes.values() for p in c.patterns})
    exclusions = sorted({p.text for c in book.codes.values() for p in c.exclude_patterns})
    filler = sorted({w.strip('.,:;?!()«»"') for t in read_workshop(BUNDLED)["text"] for w in t.split()} - {""})
    negations = ["ikke", "ingen", "aldri", "uten", "ikkje", "inga", "ikke bare", "ikke minst"]
    out = []
    for _ in range(n):
        parts = rng.sample(filler, rng.randint(1, 6))
        for _ in range(rng.randint(1, 3)):
            pattern = rng.choice(exclusions if rng.random() < 0.15 else patterns)
            phrase = " ".join(_word(w, rng) for w in pattern.split())
            if rng.random() < 0.3:
                phrase = rng.choice(negations) + " " + phrase
            if rng.random() < 0.05:
                phrase = phrase + " " + rng.choice(["ikke", "ikkje"])
            parts.insert(rng.randrange(len(parts) + 1), phrase)
        if rng.random() < 0.1:
            parts += [",", "men", rng.choice(filler)]
        text = " ".join(parts)
        text = text[:1].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!", ""])
        if rng.random() < 0.1:
            text += (
                " " + rng.choice(filler).capitalize() + " " + rng.choice(["er", "var", "blir"]) + " " + rng.choice(filler) + "."
            )
        out.append(text)
    return out


def digest(row) -> str:
    """A short hash of what coding gave one statement: themes, codes, why,
    evidence and the lemma columns."""
    payload = json.dumps(
        [row["codes"], row["why"], row["evidence"], row["text_norm"], row["lemmas"], row["content_lemmas"]],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def versions() -> dict[str, str]:
    """The versions of what decides tokens and lemmas: spaCy and simplemma."""
    from importlib.metadata import version

    return {"spacy": version("spacy"), "simplemma": version("simplemma")}


def coded_sets() -> dict:
    """Today's coding of each pinned set (frames, by set name)."""
    from utenforskap import code, read_workshop

    statements = read_workshop(BUNDLED)
    return {
        "bundled_in_context": code(statements, codebook=CODEBOOK, semantic=False),
        "bundled_text_only": code(statements, context=False, codebook=CODEBOOK, semantic=False),
        "synthetic": code(synthetic_statements(), context=False, codebook=CODEBOOK, semantic=False),
    }


def digests(sets: dict) -> dict[str, list[str]]:
    """The digests of coded sets, by set."""
    return {name: [digest(row) for row in frame.to_dict("records")] for name, frame in sets.items()}


def current() -> dict[str, list[str]]:
    """The digests of today's coding, by set."""
    return digests(coded_sets())


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    DIGESTS.write_text(json.dumps({"versions": versions(), **current()}, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS}")
