"""The command line: a thin shell over the library.

``utenforskap parse``, ``code`` and ``analyse``; also ``python -m utenforskap``.
A user error (a bad file, a bad codebook) is printed as one line on stderr and
the exit status is 2; no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path

from .errors import UtenforskapError
from .exchange import write_csv
from .explore import kwic
from .lang.nb import CLI_TEXT
from .privacy import NAME_COLUMNS, name_check_path, pseudonymise, read_key, unreplaced_names
from .read import read_workshop
from .review import ReviewSession
from .text import describe_pipeline, get_pipeline
from .workflow import analyse, check_pseudonymisation, code_files

__all__ = ["main", "run"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("utenforskap")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        from . import __version__

        return __version__


def _reading(args) -> dict:
    """The reading options shared by every command (see read_workshop)."""
    return {"sheet": args.sheet, "table": args.table, "max_part_mb": args.max_part_mb}


_RULES_ONLY = "decide the themes by the codebook's rules alone, without the model of meaning (faster)"


def _cmd_parse(args) -> None:

    frame = read_workshop(args.inputs, **_reading(args))
    write_csv(frame, args.output)
    print(CLI_TEXT["parsed"].format(n=len(frame), files=frame["source"].nunique(), output=args.output))


def _cmd_code(args) -> None:

    counts = code_files(
        args.inputs,
        args.output,
        codebook=args.codebook,
        long_output=args.long,
        context=not args.no_context,
        semantic=not args.rules_only,
        **_reading(args),
    )
    themes = ", ".join(f"{k}={v}" for k, v in counts.items() if k not in ("files", "statements"))
    print(
        CLI_TEXT["coded"].format(
            n=counts["statements"],
            files=counts["files"],
            themes=themes,
            pipeline=describe_pipeline(get_pipeline()),
            output=args.output,
        )
    )


def _listed(path):
    """Names from a file, one per line (None when no file is given)."""
    if path is None:
        return None
    try:
        return [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    except FileNotFoundError:
        raise UtenforskapError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UtenforskapError(f"cannot read the list of names ({exc})", path) from None


def _cmd_analyse(args) -> None:

    check_pseudonymisation(args.pseudonymise, names=args.names, public=args.public, key=args.key, output=args.output)
    if args.pseudonymise:
        print(CLI_TEXT["pseudonymising"].format(key=args.key))
    else:
        print(CLI_TEXT["not_pseudonymised"])
    result = analyse(
        args.inputs,
        args.output,
        codebook=args.codebook,
        context=not args.no_context,
        semantic=not args.rules_only,
        progress=None,
        parquet=args.parquet,
        svg=args.svg,
        review=args.review,
        qdpx_case_codes=args.qualcoder_cases,
        pseudonymise=args.pseudonymise,
        names=_listed(args.names) or (),
        public=_listed(args.public),
        key=args.key,
        **_reading(args),
    )
    themes = ", ".join(f"{k}={v}" for k, v in result.themes.items())
    print(
        CLI_TEXT["analysed"].format(
            n=result.statements, themes=themes, files=len(result.shared()), output=args.output, report=result["report"]
        )
    )
    review = result.metadata.get("review")
    if review:
        print(CLI_TEXT["analysed_review"].format(reviewed=review["reviewed"], statements=review["statements"]))
    if args.pseudonymise:
        print(CLI_TEXT["analysed_key"].format(key=result["key"], check=result["name_check"]))


def _cmd_review(args) -> None:

    folder = args.folder
    if ReviewSession.saved_in(folder):
        if args.inputs:
            raise UtenforskapError(f"a review already lives in {folder}; --from starts a new one (choose another folder)")
        session = ReviewSession.load(folder)
    else:
        if not args.inputs:
            raise UtenforskapError(f"no review in {folder} yet: start one with --from INPUT... (the workshop files)")
        from .coding import code
        from .read import read_workshop

        session = ReviewSession(
            code(
                read_workshop(args.inputs, **_reading(args)),
                codebook=args.codebook,
                context=not args.no_context,
                semantic=not args.rules_only,
            )
        )
        print(CLI_TEXT["review_started"].format(folder=folder, n=len(session.ids)))
    if args.record:
        n = session.record_sheet(args.record)
        print(CLI_TEXT["review_recorded"].format(n=n, sheet=args.record))
    if args.next and session.reviewed >= len(session.ids):
        print(CLI_TEXT["review_all_done"].format(n=session.reviewed))
    elif args.next:
        sheets = sorted(folder.glob("gjennomgang_*.xlsx"))
        path = folder / f"gjennomgang_{len(sheets) + 1:03d}.xlsx"
        session.write_batch_sheet(path, args.next)
        print(CLI_TEXT["review_next"].format(n=args.next, path=path))
    session.save(folder)
    certainty = session.certainty()
    rest = certainty[~certainty["reviewed"]]
    sure = float((rest["certainty"] >= 0.8).mean()) if len(rest) else 1.0
    print(CLI_TEXT["review_status"].format(reviewed=session.reviewed, total=len(certainty), sure=f"{sure:.0%}"))
    expected = session.estimated_agreement()
    kappas = ", ".join(f"{session.book.label(t)} {k:.2f}" for t, k in zip(expected["theme"], expected["kappa"]))
    print(CLI_TEXT["review_kappa"].format(kappas=kappas))


def _cmd_codebook(args) -> None:

    from .coding import codebook_nynorsk_gaps, codebook_pattern_problems, default_codebook_path, load_codebook

    if args.action == "init":
        if args.file.exists():
            raise UtenforskapError("the file exists already; choose a new name (the command never overwrites)", args.file)
        args.file.parent.mkdir(parents=True, exist_ok=True)
        text = default_codebook_path().read_text(encoding="utf-8")
        args.file.write_text(_INIT_HEADER.format(file=args.file.name) + text, encoding="utf-8")
        print(CLI_TEXT["codebook_init"].format(file=args.file))
        return
    book = load_codebook(args.file)  # a broken codebook: one line naming the file, the line and the entry
    subs = sum(1 for c in book.codes.values() if c.parent is not None)
    print(CLI_TEXT["codebook_valid"].format(file=args.file, n=len(book.themes), themes=", ".join(book.themes), subs=subs))
    try:
        problems = codebook_pattern_problems(book)
    except UtenforskapError as exc:  # wordfreq is an optional extra
        print(CLI_TEXT["pattern_skipped"].format(reason=exc))
    else:
        for row in problems.itertuples():
            print(CLI_TEXT["pattern_problem"].format(code=row.code, pattern=row.pattern, word=row.word, lemma=row.lemma))
        print(CLI_TEXT["pattern_count"].format(n=len(problems)))
    gaps = codebook_nynorsk_gaps(book)
    for row in gaps.itertuples():
        print(CLI_TEXT["nynorsk_gap"].format(code=row.code, pattern=row.pattern, variant=row.variant, examples=row.examples))
    print(CLI_TEXT["nynorsk_count"].format(n=len(gaps)))


#: The first lines of a codebook made with ``codebook init``.
_INIT_HEADER = """# {file}: your own codebook, a copy of utenforskap's bundled one to edit.
# Change labels, definitions, examples and patterns; add or remove codes (ids: one word).
# Check it: utenforskap codebook check {file}
# Use it:   utenforskap analyse INPUT -o OUT --codebook {file}
#
"""


def _cmd_kwic(args) -> None:

    hits = kwic(read_workshop(args.inputs, **_reading(args)), args.pattern, window=args.window)
    if args.output:
        write_csv(hits, args.output)
    for row in hits.itertuples(index=False):
        where = f"{getattr(row, 'segment_id', '')}"
        print(f"{where:<45} {row.left[-40:]:>40} [{row.match}] {row.right[:40]}")
    print(f"{len(hits)} matches of {args.pattern!r}", file=sys.stderr)


def _cmd_pseudonymise(args) -> None:

    if args.key.resolve() == args.output.resolve():
        raise UtenforskapError("--key and -o are the same file: the key would overwrite the export", args.key)
    out, key, report = pseudonymise(
        read_workshop(args.inputs, **_reading(args)),
        names=_listed(args.names) or (),
        public=_listed(args.public),
        method=args.method,
        columns=NAME_COLUMNS,
        key=read_key(args.key),
    )
    write_csv(out, args.output)
    write_csv(key, args.key)
    check = write_csv(unreplaced_names(out, columns=NAME_COLUMNS), name_check_path(args.key))
    for row in report.itertuples(index=False):
        found = CLI_TEXT["identifiers"].format(found=row.identifiers) if row.identifiers else ""
        print(CLI_TEXT["pseudonymised_source"].format(source=row.source, n=row.replacements, method=row.method, found=found))
    print(CLI_TEXT["pseudonymised"].format(output=args.output, key=args.key, check=check))


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utenforskap",
        description="Qualitative analysis of workshop tables (arbeidsverksted).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is done")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reading = argparse.ArgumentParser(add_help=False)
    group = reading.add_argument_group("reading Excel and Word files")
    group.add_argument(
        "--sheet",
        metavar="NAME",
        help="the workbook sheet to read, by name or number (default: the one that looks like a workshop)",
    )
    group.add_argument(
        "--table", type=int, metavar="N", help="the Word table to read, from 1 (default: the one that looks like a workshop)"
    )
    group.add_argument(
        "--max-part-mb", type=float, default=200, metavar="MB", help="refuse .xlsx/.docx parts that inflate to more (default 200)"
    )

    p = sub.add_parser("codebook", help="start your own codebook (init) and check one (check)")
    p.add_argument("action", choices=["init", "check"], help="init: a commented copy of the bundled codebook; check: validate it")
    p.add_argument("file", type=Path, metavar="FILE", help="the YAML codebook")
    p.set_defaults(func=_cmd_codebook)

    p = sub.add_parser("parse", parents=[reading], help="read workshop tables into one row per statement (CSV)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.csv")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("code", parents=[reading], help="code statements with a codebook (CSV with evidence)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.csv")
    p.add_argument("--codebook", type=Path, metavar="FILE", help="YAML codebook (default: the bundled one)")
    p.add_argument("--long", type=Path, metavar="LONG.csv", help="also write one row per statement x code")
    p.add_argument("--no-context", action="store_true", help="code the text alone, without sections and questions")
    p.add_argument("--rules-only", action="store_true", help=_RULES_ONLY)
    p.set_defaults(func=_cmd_code)

    p = sub.add_parser(
        "analyse",
        parents=[reading],
        help="the whole job: parse, code, matrices, charts, Excel, HTML and Word report",
        description="The whole job. The outputs hold the statements as written (names included) unless --pseudonymise is given.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="DIR")
    p.add_argument("--codebook", type=Path, metavar="FILE", help="YAML codebook (default: the bundled one)")
    p.add_argument("--no-context", action="store_true", help="code the text alone, without sections and questions")
    p.add_argument("--rules-only", action="store_true", help=_RULES_ONLY)
    p.add_argument("--parquet", action="store_true", help="also write the coded tables as Parquet (needs pyarrow)")
    p.add_argument(
        "--svg", action="store_true", help="also write the charts as SVG (vector graphics), inlined in the HTML report"
    )
    p.add_argument(
        "--qualcoder-cases",
        action="store_true",
        help="write the group and question cases in prosjekt.qdpx also as codes, so QualCoder fills them "
        "(other QDA tools then show them as extra codes)",
    )
    p.add_argument(
        "--review",
        type=Path,
        metavar="FOLDER",
        help="a review of these statements (utenforskap review): every output holds the reviewed codings",
    )
    p.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace names, e-mail addresses, phone numbers and ID numbers in every output (without it the "
        "files hold the text as written)",
    )
    p.add_argument("--names", type=Path, metavar="FILE", help="with --pseudonymise: the participants' names, one per line")
    p.add_argument(
        "--public", type=Path, metavar="FILE", help="with --pseudonymise: public figures to keep, one full name per line"
    )
    p.add_argument(
        "--key",
        type=Path,
        metavar="KEY.csv",
        help="with --pseudonymise: the key file, outside the output folder (read and extended when it exists)",
    )
    p.set_defaults(func=_cmd_analyse)

    p = sub.add_parser(
        "review",
        parents=[reading],
        help="review that learns: the next statements to check, and recording them",
        description="A review lives in FOLDER. Start it with --from INPUT...; --next N writes the next N statements "
        "to review as a coding sheet in FOLDER; --record SHEET records an edited sheet and refits.",
    )
    p.add_argument("folder", type=Path, metavar="FOLDER", help="where the review lives")
    p.add_argument("--from", dest="inputs", nargs="+", metavar="INPUT", help="start a review of these workshop files")
    p.add_argument("--codebook", type=Path, metavar="FILE", help="with --from: YAML codebook (default: the bundled one)")
    p.add_argument("--no-context", action="store_true", help="with --from: code the text alone")
    p.add_argument("--rules-only", action="store_true", help="with --from: " + _RULES_ONLY)
    p.add_argument("--next", type=int, metavar="N", help="write the next N statements to review as a sheet")
    p.add_argument("--record", type=Path, metavar="SHEET", help="record an edited sheet")
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser("kwic", parents=[reading], help="keyword in context: a pattern (as in the codebook) in its context")
    p.add_argument("inputs", metavar="INPUT", help="a workshop file or folder")
    p.add_argument("pattern", metavar="PATTERN", help="e.g. 'hindring*' or 'på tvers'")
    p.add_argument("--window", type=int, default=5, help="words of context on each side (default 5)")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.csv", help="also write the matches as CSV")
    p.set_defaults(func=_cmd_kwic)

    p = sub.add_parser(
        "pseudonymise", parents=[reading], help="replace names and direct identifiers by stable placeholders for an export"
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.csv", help="the pseudonymised statements")
    p.add_argument("--key", required=True, type=Path, metavar="KEY.csv", help="pseudonym -> name (keep it apart)")
    p.add_argument("--names", type=Path, metavar="FILE", help="names to replace, one per line (e.g. the participants)")
    p.add_argument(
        "--public", type=Path, metavar="FILE", help="public figures to keep, one full name per line (replaces the default list)"
    )
    p.add_argument("--method", choices=["auto", "ner", "heuristic"], default="auto")
    p.set_defaults(func=_cmd_pseudonymise)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 user error)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    warnings.simplefilter("default")
    warnings.showwarning = lambda message, *a, **k: print(f"utenforskap: warning: {message}", file=sys.stderr)
    try:
        args.func(args)
    except UtenforskapError as exc:
        print(f"utenforskap: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("utenforskap: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader stopped early (`utenforskap kwic ... | head`): no traceback, and none
        # at exit when Python flushes stdout into the closed pipe (the Python docs' recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def run() -> None:
    """The ``utenforskap`` command: :func:`main`, then exit.

    Before the interpreter shuts down, the objects still alive are frozen
    (``gc.freeze``), so shutdown frees them by reference counting without
    the garbage collector scanning the whole heap again: after ``analyse``
    that scan took 0.4-0.6 s of a 3-4 s command.  Every file is already
    written and closed by then.
    """
    import gc

    status = main()
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
