"""The command line: a thin shell over the library.

``utenforskap parse``, ``code`` and ``analyse``; also ``python -m utenforskap``.
A user error (a bad file, a bad codebook) is printed as one line on stderr and
the exit status is 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path

from .errors import UtenforskapError

__all__ = ["main"]


def _cmd_parse(args) -> None:
    from .export import write_csv
    from .ingest import read_workshop

    frame = read_workshop(args.inputs)
    write_csv(frame, args.output)
    print(f"{len(frame)} statements from {frame['source'].nunique()} file(s) -> {args.output}")


def _cmd_code(args) -> None:
    from .analyse import code_files
    from .nlp import describe_pipeline, get_pipeline

    counts = code_files(args.inputs, args.output, args.codebook, long_output=args.long, context=not args.no_context)
    themes = ", ".join(f"{k}={v}" for k, v in counts.items() if k not in ("files", "statements"))
    print(
        f"{counts['statements']} statements from {counts['files']} file(s) coded ({themes}) "
        f"with {describe_pipeline(get_pipeline())} -> {args.output}"
    )


def _cmd_analyse(args) -> None:
    from .analyse import analyse

    written = analyse(args.inputs, args.output, args.codebook, context=not args.no_context, progress=None, parquet=args.parquet)
    meta = json.loads(written["metadata"].read_text(encoding="utf-8"))
    themes = ", ".join(f"{k}={v}" for k, v in meta["themes"].items())
    print(f"{meta['statements']} statements ({themes}); {len(written)} files in {args.output}; report: {written['report']}")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utenforskap",
        description="Qualitative analysis of workshop tables (arbeidsverksted).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is done")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="read workshop tables into one row per statement (CSV)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.csv")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("code", help="code statements with a codebook (CSV with evidence)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.csv")
    p.add_argument("--codebook", type=Path, metavar="FILE", help="YAML codebook (default: the bundled one)")
    p.add_argument("--long", type=Path, metavar="LONG.csv", help="also write one row per statement x code")
    p.add_argument("--no-context", action="store_true", help="code the text alone, without sections and questions")
    p.set_defaults(func=_cmd_code)

    p = sub.add_parser("analyse", help="the whole job: parse, code, matrices, charts, Excel, HTML report")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="workshop files or folders")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="DIR")
    p.add_argument("--codebook", type=Path, metavar="FILE", help="YAML codebook (default: the bundled one)")
    p.add_argument("--no-context", action="store_true", help="code the text alone, without sections and questions")
    p.add_argument("--parquet", action="store_true", help="also write the coded tables as Parquet (needs pyarrow)")
    p.set_defaults(func=_cmd_analyse)
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
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
