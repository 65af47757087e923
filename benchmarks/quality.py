"""How well the coder agrees with hand coding, set by set and coder by coder.

Run: ``make quality`` (or ``.venv/bin/python benchmarks/quality.py``).  Prints,
per set and per coder (the rules alone, the model of meaning alone, and the
shipped combination: the model where it is sure, the rules in its unsure
band), Cohen's kappa and F1 per theme and the macro-F1 (the mean of the
three themes' F1), and whether the set was used while the codebook or the
model was made ("tuning": its numbers flatter the coder).  The development
set of real public statements is read from ``../shared/dev`` at run time
and never copied into the repository; without it that row says so.  It is
never used to train, calibrate or choose a constant: the shipped model was
trained on ``../shared/corpus`` and the bundled workshop only.

Also printed: the cross-source estimate on the training corpus (GroupKFold
by source page, from the model card), and the dev set's figures for a model
trained without the corpus (the bundled workshop's 86 statements only), so
the corpus's effect is a number.

Also printed, for the dev set: a reliability table of the review queue's
confidence (the probability it gives each theme, in bins, beside the share
of statements that really have the theme), and how many of the coder's
errors the least certain quarter of the queue holds, against a quarter in a
random order.

``--readme`` rewrites the tables between the ``quality-table`` markers of
docs/meaning.md and the ``reliability-table`` markers of benchmarks/RESULTS.md.
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


CODERS = ("rules", "model", "combined")


def _model_alone(coded: pd.DataFrame) -> pd.DataFrame:
    """The model's own decision (balanced score >= 0, i.e. p >= 0.5 before
    calibration), ignoring the rules: from the calibrated probability."""
    import numpy as np

    from utenforskap.semantic import load_shipped_model

    model = load_shipped_model(coded.attrs["encoder"])
    out = coded.copy()
    for j, t in enumerate(model.themes):
        b = model.platt[j, 1]
        out[t] = coded[f"prob_{t}"].to_numpy(dtype=float) >= 1 / (1 + np.exp(-b))  # the calibrated value of score 0
    return out


def _three(data, gold: pd.DataFrame, **kwargs) -> dict:
    """The set coded by each coder."""
    import utenforskap as u

    combined = u.code(data, **kwargs)
    frames = {"rules": u.code(data, semantic=False, **kwargs), "model": _model_alone(combined), "combined": combined}
    if "segment_id" not in getattr(data, "columns", []):
        frames = {k: v.assign(segment_id=gold["segment_id"].to_numpy()) for k, v in frames.items()}
    return frames


def sets() -> list[tuple[str, str, dict | None, pd.DataFrame | None]]:
    """(name, tuning note, {coder: coded frame} or None, gold) per set."""
    import utenforskap as u

    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    tuned = "tuning: the codebook was written on it, the model trained on it"
    out = [
        ("bundled workshop, in context (86)", tuned, _three(statements, manual), manual),
        ("bundled workshop, text only (86)", "tuning", _three(statements, manual, context=False), manual),
    ]
    if DEV.exists():
        dev = gold_from_jsonl(DEV)
        note = "not tuning for the model (never trained or calibrated on it); the rules' classes of misses were studied on it"
        out.append((f"dev set, real public statements ({len(dev)})", note, _three(dev["text"].tolist(), dev, context=False), dev))
    else:
        out.append(("dev set (../shared/dev)", "absent on this machine: not measured", None, None))
    for name, note in (
        ("heldout_statements.csv", "tuning (written here; changed for after its first measurement)"),
        ("unseen_statements.csv", "tuning (written here)"),
        ("final_statements.csv", "tuning (written here; measured once before the last round)"),
    ):
        gold = pd.read_csv(ROOT / "tests" / "fixtures" / name)
        out.append(
            (
                f"{name.removesuffix('_statements.csv')} sentences ({len(gold)})",
                note,
                _three(gold["text"].tolist(), gold, context=False),
                gold,
            )
        )
    return out


def without_corpus() -> str:
    """The dev set's macro-F1 for a model trained on the bundled workshop
    alone (no corpus), beside the shipped one: the corpus's effect."""

    import utenforskap as u
    from utenforskap.semantic import embed, frame_contexts, load_shipped_model
    from utenforskap.semantic.model import blend_decision, context_texts
    from utenforskap.semantic.training import fit_theme_model

    if not DEV.exists():
        return "dev set absent: the corpus's effect not measured"
    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    ws = statements.merge(manual, on="segment_id")
    X = embed(context_texts(ws["text"], frame_contexts(ws)))
    shipped = load_shipped_model("e5-small-q4")
    small = fit_theme_model(X, ws[THEMES].to_numpy(), themes=THEMES, encoder_id=shipped.encoder_id)
    dev = gold_from_jsonl(DEV)
    Xd = embed(dev["text"].tolist())
    rules = u.code(dev["text"].tolist(), context=False, semantic=False)[THEMES].to_numpy()
    lines = ["| model trained on | model alone macro-F1 | combined with the rules macro-F1 |", "| --- | --- | --- |"]
    for name, model in (("bundled workshop only (86)", small), ("corpus + bundled workshop (shipped)", shipped)):
        scores = model.scores(Xd)
        alone = scores >= 0
        combined = blend_decision(scores, rules)
        f1 = [
            u.agreement(
                pd.DataFrame({"segment_id": dev["segment_id"], **{t: b[:, j] for j, t in enumerate(THEMES)}}), dev, THEMES
            )["f1"].mean()
            for b in (alone, combined)
        ]
        lines.append(f"| {name} | {f1[0]:.2f} | {f1[1]:.2f} |")
    return "\n".join(lines)


def cross_source() -> str:
    """The model card's cross-source figures on the training corpus."""
    from utenforskap.semantic import load_shipped_model

    info = load_shipped_model("e5-small-q4").info
    f1 = info["cross_source_f1"]
    lines = [
        "| coder (corpus, GroupKFold by source page) | barriers F1 | opportunities F1 | user participation F1 | macro-F1 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for coder in CODERS:
        cells = " | ".join(f"{f1[coder][t]:.2f}" for t in THEMES)
        lines.append(f"| {coder} | {cells} | {info['cross_source_macro_f1'][coder]:.2f} |")
    return "\n".join(lines)


def table(measured: list) -> str:
    import utenforskap as u

    lines = [
        "| set | coder | barriers kappa / F1 | opportunities kappa / F1 | user participation kappa / F1 | macro-F1 | used for tuning? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, note, frames, gold in measured:
        if frames is None:
            lines.append(f"| {name} | - | - | - | - | - | {note} |")
            continue
        for coder in CODERS:
            result = u.agreement(frames[coder], gold, THEMES)
            cells = [f"{result.loc[t, 'kappa']:.2f} / {result.loc[t, 'f1']:.2f}" for t in THEMES]
            shown = "combined (shipped)" if coder == "combined" else coder
            lines.append(f"| {name} | {shown} | {' | '.join(cells)} | {result['f1'].mean():.2f} | {note} |")
    return "\n".join(lines)


def reliability(measured: list) -> str:
    """The review queue's confidence on the dev set: calibration and how well
    it puts the errors first."""
    import numpy as np

    import utenforskap as u

    found = [(name, f["combined"], gold) for name, _, f, gold in measured if name.startswith("dev set") and f is not None]
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
    parser.add_argument("--readme", action="store_true", help="rewrite the tables in docs/meaning.md and benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    measured = sets()  # every set coded once, for both tables
    text = table(measured) + "\n\nCross-source estimate on the training corpus (the model card's):\n\n" + cross_source()
    text += "\n\nThe corpus's effect, on the dev set:\n\n" + without_corpus()
    print(text)
    calibration = reliability(measured)
    print()
    print(calibration)
    if args.readme:
        for name, start, end, new in (
            ("docs/meaning.md", START, END, text),
            ("benchmarks/RESULTS.md", RSTART, REND, calibration),
        ):
            target = ROOT / name
            content = target.read_text(encoding="utf-8")
            if start not in content or end not in content:
                print(f"{name} has no {start} ... {end} markers", file=sys.stderr)
                return 1
            target.write_text(_rewrite(content, start, end, new), encoding="utf-8")
        print("docs/meaning.md and benchmarks/RESULTS.md tables rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
