"""How well the default codebook agrees with hand coding, set by set.

Run: ``make quality`` (or ``.venv/bin/python benchmarks/quality.py``).  Prints,
per set, Cohen's kappa and F1 per theme and the macro-F1 (the mean of the
three themes' F1), and whether the set was used while the
codebook was written ("tuning": its numbers flatter the coder).  The
development set of real public statements is read from ``../shared/dev`` at
run time and never copied into the repository; without it that row says so.

Also printed, for the dev set: a reliability table of the review queue's
confidence (the probability it gives each theme, in bins, beside the share
of statements that really have the theme), and how many of the coder's
errors the least certain quarter of the queue holds, against a quarter in a
random order.

``--readme`` rewrites the tables between the ``quality-table`` and
``reliability-table`` markers of README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev" / "dev_statements.jsonl"
THEMES = ["barriers", "opportunities", "user_participation"]
START, END = "<!-- quality-table:start -->", "<!-- quality-table:end -->"
RSTART, REND = "<!-- reliability-table:start -->", "<!-- reliability-table:end -->"
BINS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0001]


def gold_from_jsonl(path: Path) -> pd.DataFrame:
    """The dev set's statements and hand coding: segment_id, text and a 0/1 column per theme."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame(
        {
            "segment_id": [r["id"] for r in rows],
            "text": [r["text"] for r in rows],
            **{t: [int(t in r["themes"]) for r in rows] for t in THEMES},
        }
    )


def sets() -> list[tuple[str, str, pd.DataFrame | None, pd.DataFrame | None]]:
    """(name, tuning note, coded frame or None, gold) per set."""
    import utenforskap as u

    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    out = [
        ("bundled workshop, in context (86)", "tuning: the codebook was written on it", u.code(statements), manual),
        ("bundled workshop, text only (86)", "tuning", u.code(statements, context=False), manual),
    ]
    if DEV.exists():
        dev = gold_from_jsonl(DEV)
        coded = u.code(dev["text"].tolist(), context=False).assign(segment_id=dev["segment_id"].to_numpy())
        out.append(
            (f"dev set, real public statements ({len(dev)})", "not tuning: measured, classes of misses studied", coded, dev)
        )
    else:
        out.append(("dev set (../shared/dev)", "absent on this machine: not measured", None, None))
    for name, note in (
        ("heldout_statements.csv", "tuning (written here; changed for after its first measurement)"),
        ("unseen_statements.csv", "tuning (written here)"),
        ("final_statements.csv", "tuning (written here; measured once before the last round)"),
    ):
        gold = pd.read_csv(ROOT / "tests" / "fixtures" / name)
        coded = u.code(gold["text"].tolist(), context=False).assign(segment_id=gold["segment_id"].to_numpy())
        out.append((f"{name.removesuffix('_statements.csv')} sentences ({len(gold)})", note, coded, gold))
    return out


def table(measured: list) -> str:
    import utenforskap as u

    lines = [
        "| set | barriers kappa / F1 | opportunities kappa / F1 | user participation kappa / F1 | macro-F1 | used for tuning? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, note, coded, gold in measured:
        if coded is None:
            lines.append(f"| {name} | - | - | - | - | {note} |")
            continue
        result = u.agreement(coded, gold, THEMES)
        cells = [f"{result.loc[t, 'kappa']:.2f} / {result.loc[t, 'f1']:.2f}" for t in THEMES]
        lines.append(f"| {name} | {' | '.join(cells)} | {result['f1'].mean():.2f} | {note} |")
    return "\n".join(lines)


def reliability(measured: list) -> str:
    """The review queue's confidence on the dev set: calibration and how well
    it puts the errors first."""
    import numpy as np

    import utenforskap as u

    found = [(name, coded, gold) for name, _, coded, gold in measured if name.startswith("dev set") and coded is not None]
    if not found:
        return "dev set absent on this machine: not measured"
    _, coded, gold = found[0]
    queue = u.review_queue(coded).set_index("segment_id")
    truth = gold.set_index("segment_id").loc[queue.index]
    lines = [
        "| theme | "
        + " | ".join(f"p {a:.1f}-{min(b, 1):.1f}: n, observed" for a, b in zip(BINS, BINS[1:]))
        + " | errors in the least certain 25% |",
        "| --- | " + " | ".join("---" for _ in BINS[1:]) + " | --- |",
    ]
    quarter = len(queue) // 4
    for t in THEMES:
        p = queue[f"p_{t}"].to_numpy()
        y = truth[t].astype(int).to_numpy()
        cells = []
        for a, b in zip(BINS, BINS[1:]):
            inside = (p >= a) & (p < b)
            cells.append(f"{int(inside.sum())}, {y[inside].mean():.2f}" if inside.any() else "0, -")
        wrong = queue[t].astype(int).to_numpy() != y
        first = np.argsort(np.abs(2 * p - 1), kind="stable")[:quarter]  # this theme's least certain quarter
        lines.append(
            f"| {t} | "
            + " | ".join(cells)
            + f" | {int(wrong[first].sum())} of {int(wrong.sum())} (random: {wrong.sum() / 4:.1f}) |"
        )
    return "\n".join(lines)


def _rewrite(content: str, start: str, end: str, text: str) -> str:
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{text}\n{end}{after}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="rewrite the table in README.md")
    args = parser.parse_args(argv)
    measured = sets()  # every set coded once, for both tables
    text = table(measured)
    print(text)
    calibration = reliability(measured)
    print()
    print(calibration)
    if args.readme:
        readme = ROOT / "README.md"
        content = readme.read_text(encoding="utf-8")
        for start, end in ((START, END), (RSTART, REND)):
            if start not in content or end not in content:
                print(f"README.md has no {start} ... {end} markers", file=sys.stderr)
                return 1
        content = _rewrite(content, START, END, text)
        content = _rewrite(content, RSTART, REND, calibration)
        readme.write_text(content, encoding="utf-8")
        print("README.md tables rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
