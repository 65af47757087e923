"""Two revisions of the package side by side: import time, rule coding and the
bundled analysis, measured in fresh processes in interleaved rounds (old, new,
old, new ...), so that a shared machine's drift falls on both alike.

Usage: ``python benchmarks/compare_revisions.py OLD [NEW] [--rounds 7] [--n 20000]``
(NEW defaults to the working tree).  Each revision is checked out with
``git worktree`` into a temporary folder and put first on ``PYTHONPATH``; the
same virtual environment runs both.  Printed: per measure the median of each,
the spread (min-max), and new/old as a ratio.  Used for issue 26 (a move of
every module: figures must stay within noise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What each measure runs in a fresh interpreter; it prints "SECONDS <float>".
MEASURES = {
    "import utenforskap": ("import time; t = time.perf_counter(); import utenforskap; print('SECONDS', time.perf_counter() - t)"),
    "code {n} statements (rules)": (
        "import sys, time; sys.path.insert(0, 'benchmarks'); from run import realistic_statements; "
        "texts = realistic_statements({n}, seed=1); import utenforskap as u; u.code(texts[:50], semantic=False, processes=1); "
        "t = time.perf_counter(); u.code(texts, semantic=False, processes=1); print('SECONDS', time.perf_counter() - t)"
    ),
    "analyse bundled (rules)": (
        "import tempfile, time; import utenforskap as u; t = time.perf_counter(); "
        "u.analyse('data/raw', tempfile.mkdtemp(), progress=False, semantic=False); print('SECONDS', time.perf_counter() - t)"
    ),
}


def seconds(code: str, source: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(source), "PYTHONHASHSEED": "0"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    if run.returncode:
        raise SystemExit(f"failed in {source}:\n{run.stderr[-2000:]}")
    out = run.stdout
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("SECONDS")))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new", nargs="?")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sources = {}
        for label, rev in (("old", args.old), ("new", args.new)):
            if rev is None:
                sources[label] = ROOT
                continue
            folder = Path(tmp) / label
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(folder), rev], cwd=ROOT, check=True)
            sources[label] = folder
        try:
            for name, code in MEASURES.items():
                code = code.replace("{n}", str(args.n))
                times: dict[str, list[float]] = {"old": [], "new": []}
                started = time.perf_counter()
                for _ in range(args.rounds):
                    for label in ("old", "new"):
                        times[label].append(seconds(code, sources[label]))
                old, new = statistics.median(times["old"]), statistics.median(times["new"])
                print(
                    f"{name.format(n=args.n)}: old {old:.3f} s ({min(times['old']):.3f}-{max(times['old']):.3f}), "
                    f"new {new:.3f} s ({min(times['new']):.3f}-{max(times['new']):.3f}), new/old {new / old:.2f} "
                    f"[{args.rounds} interleaved rounds, {time.perf_counter() - started:.0f} s]",
                    flush=True,
                )
        finally:
            for label in ("old", "new"):
                if sources[label] != ROOT:
                    subprocess.run(["git", "worktree", "remove", "--force", str(sources[label])], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
