"""How much reading makes a coded set trustworthy: ``simulate_review`` on the
bundled workshop (text only, so its structure does not give the answers away)
and on the dev set of real statements in ../shared/dev (read at run time,
never copied).  Prints, per order of review, the share of statements reviewed
before every theme reaches kappa 0.70 / 0.80 / 0.90 against the hand coding,
and what the session itself estimated for the weakest theme at that point.

The dev set also runs as a stand-in for a new workshop, where the codebook
lacks words the statements use: the dev set coded with a codebook missing a
random 30% of its patterns (every code, ``--draws`` draws; mean over the
draws).  On the dev set the full codebook starts at kappa 0.8 or more on
every theme, so there is little left for any order to gain.

With ``--corpus`` (needs ../shared/corpus): a replay that chooses nothing
on the dev set.  For each kind of source in the training corpus (workshop
notes, consultation answers, plan participation, councils), the model is
refitted without that kind's statements (as ``make model`` fits it), the
kind's statements are coded in context with it, and the review is replayed
against their coding: how a new kind of text would fare.  This is where the
review's constants are checked (the reviewed statements' weight, the band
where the rules decide).

Run: .venv/bin/python benchmarks/review.py [--draws 8] [--batch 5] [--corpus]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

import numpy as np
import pandas as pd
from quality import DEV, ROOT, THEMES, gold_from_jsonl

MISSING = 0.3
#: The draws of missing patterns start here: draws 0-7 were used to choose the
#: session's focus on the weakest theme, so the table uses others.
FIRST_DRAW = 100


def without_patterns(book, share: float, seed: int):
    """A copy of ``book`` whose codes each lose a random ``share`` of their patterns."""
    rng = np.random.default_rng(seed)
    codes = {
        cid: dataclasses.replace(c, patterns=[p for p in c.patterns if rng.random() >= share]) for cid, c in book.codes.items()
    }
    return dataclasses.replace(book, codes=codes)


def table(name: str, results: list[pd.DataFrame]) -> list[str]:
    """Markdown rows: reviewed share per order and target (mean over results),
    with the session's estimate of the weakest kappa where it learns."""
    frame = pd.concat(results)
    mean = frame.groupby(["order", "target"], sort=False)[["reviewed_share", "estimated_kappa"]].mean()
    lines = []
    for order in frame["order"].unique():
        cells = []
        for target in sorted(frame["target"].unique()):
            share, estimate = mean.loc[(order, target)]
            cells.append(f"{share:.0%}" + ("" if np.isnan(estimate) else f" ({estimate:.2f})"))
        lines.append(f"| {name} | {order} | " + " | ".join(cells) + " |")
    return lines


KINDS = ("workshop_notes", "consultation", "plan_participation", "council")


def corpus_replay(batch: int) -> list[str]:
    """Rows of the held-out-kind replay on the training corpus."""
    sys.path.insert(0, str(ROOT / "tools"))
    import train_model

    import utenforskap as u
    from utenforskap.semantic import coder, embed, model
    from utenforskap.semantic.model import context_texts
    from utenforskap.semantic.training import fit_theme_model

    corpus, workshop = train_model.training_data()
    data = pd.concat([corpus, workshop], ignore_index=True)
    X = embed(context_texts(data["text"], data["context"]))
    Y = data[THEMES].to_numpy()
    shipped = model.load_shipped_model("e5-small-q4")
    lines = []
    try:
        for kind in KINDS:
            held = (data["kind"] == kind).to_numpy()
            fitted = fit_theme_model(
                X[~held],
                Y[~held],
                themes=THEMES,
                encoder_id=shipped.encoder_id,
                groups=data["source"][~held].to_numpy(),
                references={"ids": data["id"][~held].tolist(), "sources": data["source"][~held].tolist()},
            )
            model._SHIPPED[shipped.encoder_id] = fitted  # the coder and the review use the held-out model
            coder._LOADED.clear()
            part = data[held].reset_index(drop=True)
            frame = pd.DataFrame({"segment_id": part["id"], "text": part["text"], "question_text": part["context"]})
            gold = part[["id", *THEMES]].rename(columns={"id": "segment_id"})
            coded = u.code(frame)
            start = u.agreement(coded, gold, THEMES)["kappa"].min()
            lines += table(
                f"corpus, {kind} held out ({len(part)}, starts at {start:.2f})", [u.simulate_review(coded, gold, batch=batch)]
            )
    finally:
        model._SHIPPED[shipped.encoder_id] = shipped
        coder._LOADED.clear()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=8, help="codebooks with missing patterns to average over")
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--corpus", action="store_true", help="also replay held-out kinds of the training corpus")
    args = parser.parse_args()
    import utenforskap as u

    lines = ["| set | order | kappa >= 0.70 | >= 0.80 | >= 0.90 |", "| --- | --- | --- | --- | --- |"]
    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    bundled = u.simulate_review(u.code(statements, context=False), manual, batch=args.batch)
    lines += table(f"bundled workshop, text only ({len(statements)})", [bundled])
    if DEV.exists():
        gold = gold_from_jsonl(DEV)
        texts = gold["text"].tolist()
        book = u.load_codebook()

        def replay(codebook):
            coded = u.code(texts, context=False, codebook=codebook).assign(segment_id=gold["segment_id"].to_numpy())
            start = u.agreement(coded, gold, THEMES)["kappa"].min()
            return u.simulate_review(coded, gold, batch=args.batch), start

        full, start = replay(book)
        lines += table(f"dev set ({len(gold)}), codebook as shipped (starts at {start:.2f})", [full])
        draws = [replay(without_patterns(book, MISSING, seed)) for seed in range(FIRST_DRAW, FIRST_DRAW + args.draws)]
        starts = [s for _, s in draws]
        name = f"dev set, codebook missing {MISSING:.0%} of its patterns ({args.draws} draws, starts at {min(starts):.2f}-{max(starts):.2f})"
        lines += table(name, [d for d, _ in draws])
    else:
        print("dev set: ../shared/dev absent, not measured", file=sys.stderr)
    if args.corpus:
        lines += corpus_replay(args.batch)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
