"""Benchmarks: import time, coding throughput, the bundled analysis, streaming.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``).  Every
figure is measured in this one run, on this machine; ratios compare things
measured side by side.  Nothing here is a test: it prints numbers.

1. ``import utenforskap`` time (median of 5 fresh interpreters).
2. Coding throughput of the embedded default pipeline on 20,000 statements
   of two corpora (the bundled statements recombined; the same with three
   new compound words in each, new in every round), as words/s and as
   ratios to the bare ``spacy.blank("nb")`` tokenizer and to a
   one-regex-per-theme coder on the same texts (median of 5 interleaved
   rounds, with their range), with normalisation alone timed to show where
   the time goes; and the memory that coding 200,000 statements takes.
3. ``analyse`` on the bundled table: time of the call and of the whole
   ``utenforskap analyse`` command, and peak memory (fresh interpreters,
   median of 5 each), the first call on a new machine (empty user cache),
   and the command against a process that only imports what it uses (paired).
4. Streaming: ``utenforskap code`` on folders of 100 and 1,000 workshops
   (copies of the bundled one): time and peak memory; bounded memory means
   the two peaks are close.
5. With ``--semantic-memory``: peak memory of coding 200,000 statements with
   the model of meaning and with the rules alone (embeddings cached).
"""

from __future__ import annotations

import argparse
import builtins
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "workshop_ungt_utenforskap_2023.txt"
# Peak resident memory of the process, in KB.  On Linux ru_maxrss survives
# exec (a child started by this benchmark would report this process's own
# peak when that is higher), so VmHWM of the process's own address space is
# read instead; elsewhere ru_maxrss.
PEAK = (
    "import pathlib, resource; status = pathlib.Path('/proc/self/status'); "
    "hwm = [l for l in status.read_text().splitlines() if l.startswith('VmHWM:')] if status.exists() else []; "
    "print('PEAK', int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def run_python(code: str, env: dict | None = None) -> tuple[float, dict]:
    """Run code in a fresh interpreter; return wall time and KEY value lines it printed."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env={**os.environ, **(env or {})}
    )
    wall = time.perf_counter() - start
    values = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key.isupper():
            values[key] = float(value)
    return wall, values


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine is right
    now (shared machines vary by up to 2x within minutes), printed at the
    start and the end of the run so the figures between can be read."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    return time.perf_counter() - start


def import_time(module: str = "utenforskap") -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print('IMPORT', time.perf_counter() - t)"
    return statistics.median(run_python(code)[1]["IMPORT"] for _ in range(5))


def statements_for_benchmark(n: int) -> list[str]:
    """n statements recombined from the bundled ones (same vocabulary and
    style, different word order and length), deterministic."""
    import utenforskap as u

    sentences = u.read_workshop(BUNDLED)["text"].tolist()
    words = [w for s in sentences for w in s.split()]
    rng = random.Random(2023)
    out = []
    for i in range(n):
        base = sentences[i % len(sentences)].split()
        extra = rng.sample(words, rng.randint(0, 6))
        mixed = base + extra
        rng.shuffle(mixed)
        out.append(" ".join(mixed))
    return out


def realistic_statements(n: int, seed: int, compounds: int = 3) -> list[str]:
    """The benchmark's statements with ``compounds`` new compound words in
    each, made fresh for every ``seed`` from parts of the bundled words (as a
    real collection brings tens of thousands of word types no cache has seen:
    "ungdomsbolighjelp", "kvalifiseringsløpsplan")."""
    base = statements_for_benchmark(n)
    words = sorted({w.strip(".,:;?!()«»").lower() for t in base for w in t.split() if len(w) > 4 and w.isalpha()})
    rng = random.Random(seed)
    out = []
    for text in base:
        made = ["".join(rng.sample(words, 2)) + rng.choice(["", "en", "ene", "et", "er", "s"]) for _ in range(compounds)]
        parts = text.split()
        for word in made:
            parts.insert(rng.randrange(len(parts) + 1), word)
        out.append(" ".join(parts))
    return out


def regex_coder(book):
    """The simplest coder worth comparing with: one regular expression per
    theme over the lowercase text, made of the theme's own one-word and
    phrase patterns (no lemmas, negation, exclusions or evidence)."""
    import re

    def word(glob: str) -> str:
        return r"\b" + "".join({"*": r"\w*", "?": r"\w"}.get(c) or re.escape(c) for c in glob.lower()) + r"\b"

    expressions = {}
    for theme in book.themes:
        patterns = [r"\W+".join(word(g) for g in p.words) for p in book.codes[theme].patterns]
        expressions[theme] = re.compile("|".join(patterns))

    def run(texts: list[str]) -> list[dict]:
        lowered = [t.lower() for t in texts]
        return [{theme: rx.search(t) is not None for theme, rx in expressions.items()} for t in lowered]

    return run


def spread(values: list[float]) -> str:
    """Median and range of per-round figures, as printed."""
    return f"{statistics.median(values):.2f} (rounds {min(values):.2f}-{max(values):.2f})"


def throughput(n: int, rounds: int = 5, realistic: bool = False) -> dict:
    """Coding against the bare tokenizer and a one-regex-per-theme coder on
    the same texts, in interleaved rounds (this machine's speed varies by up
    to 2x within minutes; each round's ratio compares things timed side by
    side, and the median of the rounds is reported with their range).  On the
    realistic corpus every round has new compound words, so no cache has seen
    them.  Normalisation alone is timed too: the first step of coding."""
    import spacy

    import utenforskap as u
    from utenforskap.text.normalisation import normalise_parts

    texts = realistic_statements(n, seed=0) if realistic else statements_for_benchmark(n)
    n_words = sum(len(t.split()) for t in texts)
    u.code(texts[:50], semantic=False)  # load the pipeline and lemma data before timing
    regex = regex_coder(u.load_codebook())
    times = {"tokenizer": [], "normalise": [], "regex": [], "coding": [], "one_process": []}
    same = []
    for round_ in range(rounds):
        if realistic and round_:
            texts = realistic_statements(n, seed=round_)  # new words each round: no cache has seen them
        bare = spacy.blank("nb")  # a fresh tokenizer each time: its cache starts empty, as coding's does
        start = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=256):
            pass
        times["tokenizer"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            normalise_parts(text)
        times["normalise"].append(time.perf_counter() - start)
        start = time.perf_counter()
        quick = regex(texts)
        times["regex"].append(time.perf_counter() - start)
        start = time.perf_counter()
        coded = u.code(texts, context=False, semantic=False)  # the rule coder: the fast path this measures
        times["coding"].append(time.perf_counter() - start)
        if realistic:  # the same texts again would find every word known: new ones
            texts = realistic_statements(n, seed=100 + round_)
        start = time.perf_counter()
        u.code(texts, context=False, processes=1, semantic=False)
        times["one_process"].append(time.perf_counter() - start)
        themes = coded.attrs["themes"]
        same.append(sum(all(q[t] == bool(c) for t, c in zip(themes, row)) for q, row in zip(quick, coded[themes].to_numpy())) / n)
    median = {k: statistics.median(v) for k, v in times.items()}
    return {
        "statements": len(texts),
        "words": n_words,
        "tokenizer_wps": n_words / median["tokenizer"],
        "coding_wps": n_words / median["coding"],
        "ratio": [t / c for t, c in zip(times["tokenizer"], times["coding"])],
        "one_process_ratio": [t / c for t, c in zip(times["tokenizer"], times["one_process"])],
        "regex_ratio": [r / c for r, c in zip(times["regex"], times["coding"])],
        "regex_same": statistics.median(same),
        "seconds": median,
        "coded_share": float(coded["codes"].map(bool).mean()),
    }


def _coding_memory(setup: str, semantic: bool, report: str = "", env: dict | None = None) -> tuple[float, float, dict]:
    """Memory (MB) of a fresh process that runs ``setup`` (which defines
    ``u`` and ``texts``), warms up on 50 texts, then codes ``texts`` in
    itself (no second process, which would hold the tokenizer's Docs) and
    keeps the frame with its evidence: the peak beyond the process before
    coding, the peak itself, and what ``report`` printed about ``coded``."""
    code = (
        setup + "import pathlib; u.code(texts[:50], semantic=False); status = pathlib.Path('/proc/self/status'); "
        "rss = lambda key: int([l for l in status.read_text().splitlines() if l.startswith(key)][0].split()[1]); "
        f"before = rss('VmRSS:'); coded = u.code(texts, context=False, processes=1, semantic={semantic}); "
        f"{report}print('BEFORE', before); " + PEAK
    )
    _, values = run_python(code, env)
    return (values["PEAK"] - values["BEFORE"]) / 1024, values["PEAK"] / 1024, values


def coding_memory(n: int, realistic: bool = False) -> tuple[float, float]:
    """Memory (MB) of coding ``n`` statements by the rules (:func:`_coding_memory`):
    the peak beyond the process before coding, and the peak itself."""
    corpus = f"realistic_statements({n}, seed=1)" if realistic else f"statements_for_benchmark({n})"
    setup = f"import sys; sys.path.insert(0, 'benchmarks'); import run, utenforskap as u; texts = run.{corpus}; "
    added, peak, _ = _coding_memory(setup, False, "print('EVIDENCE', sum(map(len, coded['evidence']))); ")
    return added, peak


def semantic_memory(n: int = 200_000, distinct: int = 20_000) -> dict:
    """Peak memory (MB) of fresh processes that code ``n`` realistic
    statements drawn from ``distinct`` ones, with the model of meaning and
    with the rules alone.  The embeddings come from a cache of their own in
    the user's cache folder (``bench-embeddings``), filled the first time
    (``distinct`` statements at the encoder's speed: about 12 minutes for
    20,000 here), so what is measured is coding, not the encoder."""
    from platformdirs import user_cache_dir

    cache = Path(user_cache_dir("utenforskap")) / "bench-embeddings"
    draw = (
        "import sys, random; sys.path.insert(0, 'benchmarks'); import run, utenforskap as u; "
        f"pool = run.realistic_statements({distinct}, seed=1); "
        f"texts = random.Random(7).choices(pool, k={n}); "
    )
    env = {"UTENFORSKAP_CACHE": str(cache)}
    warm, _ = run_python(draw + "from utenforskap.semantic import embed; embed(pool)", env)
    out = {"warm_s": warm}
    count = "print('MODEL', int((coded.filter(like='decided_') == 'model').any(axis=1).sum())); "
    for semantic in (True, False):
        added, peak, values = _coding_memory(draw, semantic, count, env)
        out["model" if semantic else "rules"] = {"added_mb": added, "peak_mb": peak, "model_decided": int(values["MODEL"])}
    return out


def bundled_analysis(repeats: int = 5) -> dict:
    """``analyse`` on the bundled table in fresh interpreters: the call
    (median of ``repeats``), the whole ``utenforskap analyse`` command as a
    user runs it (median of ``repeats``), and one call with an empty user
    cache (the first run on a new machine, which builds simplemma's lemma
    tries once)."""

    def call(env=None) -> tuple[float, dict]:
        out = tempfile.mkdtemp(prefix="bench-analyse-")
        code = (
            "import time; t0 = time.perf_counter(); import utenforskap as u; t1 = time.perf_counter(); "
            f"u.analyse({str(BUNDLED)!r}, {out!r}, progress=False); t2 = time.perf_counter(); "
            "print('IMPORT', t1 - t0); print('CALL', t2 - t1); " + PEAK
        )
        try:
            return run_python(code, env)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def command(cold_embeddings: bool = False) -> float:
        """The command; ``cold_embeddings``: with an empty embedding cache (every statement embedded)."""
        out = tempfile.mkdtemp(prefix="bench-command-")
        cache = tempfile.mkdtemp(prefix="bench-embeddings-")
        env = {**os.environ, **({"UTENFORSKAP_CACHE": cache} if cold_embeddings else {})}
        try:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "utenforskap", "analyse", str(BUNDLED), "-o", out],
                capture_output=True,
                check=True,
                cwd=ROOT,
                env=env,
            )
            return time.perf_counter() - start
        finally:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

    def floor() -> float:
        """A process that only imports what analyse uses."""
        return run_python("import pandas, spacy, matplotlib.pyplot, openpyxl")[0]

    call()  # the user cache is warm from here on
    calls, commands, floors, colds = [], [], [], []
    for _ in range(repeats):  # interleaved, so all see the same machine
        calls.append(call()[1])
        floors.append(floor())
        commands.append(command())
        colds.append(command(cold_embeddings=True))
    cache = tempfile.mkdtemp(prefix="bench-cache-")
    try:
        _, cold = call({"XDG_CACHE_HOME": cache})
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "call_s": statistics.median(v["CALL"] for v in calls),
        "call_range": (min(v["CALL"] for v in calls), max(v["CALL"] for v in calls)),
        "command_s": statistics.median(commands),
        "command_range": (min(commands), max(commands)),
        "floor_s": statistics.median(floors),
        "floor_ratio": [c / f for c, f in zip(commands, floors)],
        "cold_embeddings_ratio": [c / f for c, f in zip(colds, floors)],
        "cold_embeddings_s": statistics.median(colds),
        "peak_mb": max(v["PEAK"] for v in calls) / 1024,
        "cold_call_s": cold["CALL"],
    }


def encoder_speed(n: int = 300, rounds: int = 3) -> dict:
    """The default encoder on ``n`` new statements per round (no cache)."""
    from utenforskap.semantic import embed, get_encoder

    encoder = get_encoder()
    rates = []
    for round_ in range(rounds):
        texts = realistic_statements(n, seed=200 + round_)
        start = time.perf_counter()
        embed(texts, encoder, cache=False)
        rates.append(n / (time.perf_counter() - start))
    start = time.perf_counter()
    embed(["Ungdom trenger en fast kontaktperson."], encoder, cache=False)
    one_ms = (time.perf_counter() - start) * 1000
    # real text: the bundled workshop as analyse embeds it ("<question>: <statement>"), and the
    # dev set's statements when ../shared is beside the repository (read here, never kept)
    import utenforskap as u
    from utenforskap.semantic import statement_texts

    real = {"bundled workshop in context": statement_texts(u.read_workshop(BUNDLED))}
    dev = ROOT.parent / "shared" / "dev" / "dev_statements.jsonl"
    if dev.exists():
        import json

        real["dev set"] = [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    real_rates = {}
    for name, texts in real.items():
        rounds_ = []
        for _ in range(rounds):
            start = time.perf_counter()
            embed(texts, encoder, cache=False)
            rounds_.append(len(texts) / (time.perf_counter() - start))
        real_rates[name] = (len(texts), rounds_)
    return {
        "encoder": encoder.id,
        "n": n,
        "per_s": statistics.median(rates),
        "rounds": rates,
        "one_ms": one_ms,
        "real": real_rates,
    }


def streaming(sizes=(100, 1000)) -> dict:
    results = {}
    data = BUNDLED.read_bytes()
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
        for i in range(size):
            (folder / f"workshop_{i:04d}.txt").write_bytes(data)
        out = folder / "coded.csv"
        code = (
            "from utenforskap.workflow import code_files; "
            f"c = code_files({str(folder)!r}, {str(out)!r}, progress=False); print('STATEMENTS', c['statements']); " + PEAK
        )
        wall, values = run_python(code)
        results[size] = {"statements": int(values["STATEMENTS"]), "seconds": wall, "peak_mb": values["PEAK"] / 1024}
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes (2,000 statements, 20,000 for memory; 10 and 100 workshops)"
    )
    parser.add_argument(
        "--results", action="store_true", help="also write what is printed into benchmarks/RESULTS.md (between its bench markers)"
    )
    parser.add_argument(
        "--semantic-memory",
        action="store_true",
        help="also measure the memory of coding 200,000 statements with the model of meaning "
        "(the first time this embeds 20,000 statements for its cache: about 12 minutes)",
    )
    args = parser.parse_args(argv)
    n, sizes = (2_000, (10, 100)) if args.quick else (20_000, (100, 1000))
    lines: list[str] = []

    def print(text: str = "") -> None:  # noqa: A001 - what is printed is also kept for RESULTS.md
        builtins.print(text, flush=True)
        lines.append(text)

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"reference loop (machine speed now): {reference_loop():.3f} s")
    print(
        f"import utenforskap: {import_time():.3f} s (median of 5; goal < 0.5 s); "
        f"import pandas alone, which it needs: {import_time('pandas'):.3f} s"
    )
    for realistic, name, goal in (
        # every word of the recombined statements recurs, so spaCy's tokenizer serves them from its
        # cache, ten times as fast as new text: the goal is about the realistic corpus
        (False, "benchmark corpus (the bundled statements recombined)", "no goal: its words all recur"),
        (True, "realistic corpus (3 new compound words per statement, new in every round)", "goal >= 0.5"),
    ):
        t = throughput(n, realistic=realistic)
        sec = t["seconds"]
        print(
            f"{name}: {t['statements']:,} statements ({t['words']:,} words); median of {len(t['ratio'])} interleaved rounds:\n"
            f"  coding {t['coding_wps']:,.0f} words/s, bare spacy.blank('nb') tokenizer {t['tokenizer_wps']:,.0f} words/s; "
            f"ratio to the tokenizer {spread(t['ratio'])} ({goal}; tokenized in a second process from 4,000 "
            f"statements), in one process {spread(t['one_process_ratio'])}\n"
            f"  ratio to a one-regex-per-theme coder {spread(t['regex_ratio'])} "
            f"(it gives the same three themes for {t['regex_same']:.1%} of statements)\n"
            f"  seconds: tokenizer {sec['tokenizer']:.2f}, normalisation alone {sec['normalise']:.2f}, "
            f"regex coder {sec['regex']:.2f}, coding {sec['coding']:.2f} (in one process {sec['one_process']:.2f}); "
            f"{t['coded_share']:.0%} of statements got a code"
        )
    big = 200_000 if not args.quick else 20_000
    grown, peak = coding_memory(big)
    print(
        f"memory: coding {big:,} statements (frame and evidence kept) adds {grown:.0f} MB; process peak {peak:.0f} MB "
        f"(goal < 500 MB for 200,000)"
    )
    if args.semantic_memory:
        m = semantic_memory(big, 20_000 if not args.quick else 2_000)
        print(
            f"memory with the model of meaning: {big:,} realistic statements drawn from "
            f"{20_000 if not args.quick else 2_000:,} embedded ones (cache filled in {m['warm_s']:.0f} s): "
            f"peak {m['model']['peak_mb']:.0f} MB ({m['model']['added_mb']:.0f} MB added; "
            f"{m['model']['model_decided']:,} statements with a theme the model decided); "
            f"the rules alone peak {m['rules']['peak_mb']:.0f} MB ({m['rules']['added_mb']:.0f} MB added) (goal <= 1 GB peak)"
        )
    a = bundled_analysis()
    print(
        f"analyse on the bundled table: {a['call_s']:.2f} s for the call (median of 5, "
        f"{a['call_range'][0]:.2f}-{a['call_range'][1]:.2f}; goal < 3 s), {a['command_s']:.2f} s for the whole "
        f"'utenforskap analyse' command (median of 5, {a['command_range'][0]:.2f}-{a['command_range'][1]:.2f}); "
        f"peak memory {a['peak_mb']:.0f} MB; first run on a new machine (empty user cache) "
        f"{a['cold_call_s']:.2f} s for the call"
    )
    print(
        f"  the command against a process that only imports pandas, spaCy, matplotlib and openpyxl "
        f"({a['floor_s']:.2f} s, paired runs): {spread(a['floor_ratio'])} with the embeddings cached (goal <= 1.5), "
        f"{spread(a['cold_embeddings_ratio'])} with an empty embedding cache ({a['cold_embeddings_s']:.2f} s; goal <= 2.0)"
    )
    e = encoder_speed()
    print(
        f"sentence encoder ({e['encoder']}): {e['per_s']:.1f} statements/s on {e['n']} distinct realistic statements "
        f"(median of 3 rounds, {spread(e['rounds'])}; goal >= 30); one short sentence {e['one_ms']:.0f} ms"
    )
    for name, (count, rates) in e["real"].items():
        print(f"  on real text, {name} ({count} statements): {spread(rates)} statements/s (3 rounds)")
    s = streaming(sizes)
    small, large = sizes
    print(
        f"streaming code: {small} workshops ({s[small]['statements']:,} statements) {s[small]['seconds']:.1f} s, "
        f"peak {s[small]['peak_mb']:.0f} MB; {large} workshops ({s[large]['statements']:,} statements) "
        f"{s[large]['seconds']:.1f} s, peak {s[large]['peak_mb']:.0f} MB; "
        f"peak ratio {s[large]['peak_mb'] / s[small]['peak_mb']:.2f} for {large // small}x the input"
    )
    print(f"reference loop at the end: {reference_loop():.3f} s")
    if args.results:
        write_results(lines, quick=args.quick)


#: Where make bench writes its report in benchmarks/RESULTS.md.
BENCH_START, BENCH_END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_results(lines: list[str], *, quick: bool) -> None:
    """Put the report between the bench markers of benchmarks/RESULTS.md, dated."""
    import datetime

    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    if BENCH_START not in text:
        text = text.rstrip("\n") + f"\n\n## make bench\n\n{BENCH_START}\n{BENCH_END}\n"
    head, rest = text.split(BENCH_START, 1)
    _, tail = rest.split(BENCH_END, 1)
    stamp = datetime.date.today().isoformat() + (" (--quick)" if quick else "")
    body = f"Last run {stamp}, as printed by `python benchmarks/run.py`:\n\n```\n" + "\n".join(lines) + "\n```\n"
    path.write_text(f"{head}{BENCH_START}\n{body}{BENCH_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
