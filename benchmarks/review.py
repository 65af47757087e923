"""How much reading makes a coded set trustworthy: ``simulate_review`` on the
bundled workshop (text only, so its structure does not give the answers away)
and on the dev set of real statements in ../shared/dev (read at run time,
never copied).  Prints, per order of review, the share of statements reviewed
before every theme reaches kappa 0.70 / 0.80 / 0.90 against the hand coding.

Run: .venv/bin/python benchmarks/review.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev" / "dev_statements.jsonl"
THEMES = ["barriers", "opportunities", "user_participation"]


def main() -> int:
    import utenforskap as u

    sets = []
    statements = u.read_workshop(ROOT / "data" / "raw")
    manual = pd.read_csv(ROOT / "data" / "manual" / "manuell_koding_ungt_utenforskap_2023.csv")
    sets.append(("bundled workshop, text only (86)", u.code(statements, context=False), manual))
    if DEV.exists():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        gold = pd.DataFrame({"segment_id": [r["id"] for r in rows], **{t: [int(t in r["themes"]) for r in rows] for t in THEMES}})
        coded = u.code([r["text"] for r in rows], context=False).assign(segment_id=gold["segment_id"].to_numpy())
        sets.append((f"dev set ({len(rows)})", coded, gold))
    else:
        print("dev set: ../shared/dev absent, not measured", file=sys.stderr)
    print("| set | order | kappa >= 0.70 | >= 0.80 | >= 0.90 |")
    print("| --- | --- | --- | --- | --- |")
    for name, coded, gold in sets:
        table = u.simulate_review(coded, gold, batch=5).pivot(index="order", columns="target", values="reviewed_share")
        for order, row in table.iterrows():
            print(f"| {name} | {order} | " + " | ".join(f"{v:.0%}" for v in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
