"""The whole job in one call: parse, normalise, code, matrices, charts,
exports and the HTML report.  This module is an edge: it writes files.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ._lazy import lazy_module
from ._overlapping import OverlappingSetting
from ._progress import progress_bar
from .coding import Codebook, CodebookLike, RuleCoder, code, coding_table, load_codebook
from .errors import UtenforskapError
from .exchange import (
    atomic_write,
    codebook_markdown,
    csv_rows,
    current_umask,
    source_date_epoch,
    to_quanteda_yaml,
    to_taguette_csv,
    write_coding_sheet,
    write_csv,
    write_excel,
    write_parquet,
    write_qdc,
    write_qdpx,
    write_text,
)
from .lang.nb import CHART_FOLDER, OUTPUT_FILES, PROGRESS_TEXT, TABLE_TITLES, WORKBOOK_SHEETS, chart_file, display_table, why_nb
from .privacy import NAME_COLUMNS, name_check_path, pseudonymise, read_key, unreplaced_names
from .read import expand_paths, read_workshop
from .report import SPECS, FigureRenderer, build_tables, render_report, write_word_report
from .review import ReviewSession, apply_review, review_queue, write_review_sheet

if TYPE_CHECKING:
    from collections.abc import Sequence

pd = lazy_module("pandas")

__all__ = ["analyse", "Analysis", "code_files", "check_pseudonymisation", "OUTPUTS"]


class Analysis(dict):
    """What :func:`analyse` wrote: a dict of output name -> path, with the
    run's metadata (as written to ``metadata.json``).

    Attributes
    ----------
    metadata : dict
        ``inputs``, ``statements``, ``workshops``, ``pipeline``,
        ``codebook``, ``context``, ``themes`` (statements per theme).
    output : Path
        The output folder.
    """

    def __init__(self, files: dict, metadata: dict, output: str | Path):
        super().__init__(files)
        self.metadata = metadata
        self.output = Path(output)

    @property
    def statements(self) -> int:
        """How many statements were analysed."""
        return self.metadata["statements"]

    @property
    def themes(self) -> dict[str, int]:
        """Statements per theme."""
        return self.metadata["themes"]

    def shared(self) -> list[Path]:
        """The files written into the output folder (not the key, which lies outside)."""
        folder = self.output.resolve()
        return [p for p in self.values() if folder in p.resolve().parents]


log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


#: Python's cyclic garbage collector during :func:`analyse`: a young
#: generation of 10,000 objects instead of 700 (see :func:`_collecting_less`).
_GC_YOUNG = 10_000
_GC_THRESHOLDS = OverlappingSetting(gc.get_threshold, lambda thresholds: gc.set_threshold(*thresholds))


def _collecting_less(function):
    """Run ``function`` with Python's cyclic garbage collector called less
    often: its young generation at :data:`_GC_YOUNG` objects, the
    caller's thresholds restored when the last overlapping call ends.

    An analysis imports spaCy, pandas and matplotlib and then makes many
    short-lived objects; with the default thresholds the collector walks
    the long-lived objects of those libraries again and again: 0.13-0.23 s
    of the 1.8 s of ``analyse`` on the bundled workshop (measured with
    ``gc.callbacks``).  Measured with 10,000, the command on 40 workshops
    9.1 -> 7.9 s (3 paired runs; peak memory 365 -> 423 MB: some cycles are
    freed later) and on 200 workshops 36.8 -> 33.1 s (peak 829 and 826 MB:
    it does not grow with the input).  On the bundled workshop alone the
    command is no faster (1.83 and 1.82 s, 21 paired runs): the charts'
    processes, not this one, finish last.  Reference counting still frees everything outside a cycle
    at once, and cycles are still collected, in larger rounds.  Coding alone
    gains nothing (20,000 statements: 4.4 s either way), so only
    :func:`analyse` does this.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _GC_THRESHOLDS.changed(lambda old: (max(old[0], _GC_YOUNG), *old[1:])):
            return function(*args, **kwargs)

    return wrapper


@_collecting_less
def analyse(
    inputs: str | Path | Sequence[str | Path],
    output_dir: str | Path,
    *,
    context: bool = True,
    progress: bool | None = None,
    parquet: bool = False,
    svg: bool = False,
    sheet: str | int | None = None,
    table: int | None = None,
    max_part_mb: float = 200,
    pseudonymise: bool = False,
    names: Sequence[str] | str | Path = (),
    public: Sequence[str] | None = None,
    key: str | Path | None = None,
    codebook: CodebookLike | None = None,
    semantic: bool = True,
    review: str | Path | None = None,
    qdpx_case_codes: bool = False,
) -> Analysis:
    """Run the whole analysis and write every output to ``output_dir``.

    Parameters
    ----------
    inputs : str, Path or list
        Workshop files or folders (see :func:`utenforskap.read_workshop`).
    output_dir : str or Path
        Created if needed; files of the same names are replaced, others
        left alone.  Written (names from
        :data:`utenforskap.lang.nb.strings.OUTPUT_FILES`): the statements
        ``utsagn.csv``, the coding ``utsagn_kodet.csv`` and ``kodinger.csv``
        (one row per statement x code), one CSV per matrix
        (``gruppe_tema.csv`` ...), the workbook ``analyse.xlsx``, charts in
        ``figurer/`` (PNG; with ``svg`` also SVG), the report ``rapport.html`` and
        ``rapport.docx``, ``metadata.json``, the REFI-QDA project
        ``prosjekt.qdpx`` and codebook ``kodebok.qdc``, ``kodebok.md``,
        ``kodebok_quanteda.yml``, ``kodebok.csv``, the coding sheet
        ``kodeark.xlsx`` and the review sheet ``gjennomgang.xlsx`` (least
        certain statements first).  Everything is written in a staging
        folder first: a failing analysis leaves nothing behind.
    codebook : optional
        A codebook file; the bundled default when omitted.
    context : bool
        Use sections and questions in coding.
    semantic : bool, default True
        Decide the themes with the model of meaning as well as the rules
        (see :func:`utenforskap.code`); ``False``: the rules alone.
    qdpx_case_codes : bool
        Write the groups and questions in ``prosjekt.qdpx`` also as codes of
        their cases, so that QualCoder fills its cases (other QDA tools then
        show them as extra codes; see :func:`utenforskap.write_qdpx`).
    review : str or Path, optional
        The folder of a review of these statements (``utenforskap review``):
        every output then holds the reviewed codings in place of the
        machine's (:func:`utenforskap.apply_review`): the themes, sub-codes
        and notes a person recorded, the review's model for the rest;
        ``utsagn_kodet.csv`` gets ``reviewed`` and ``review_note``, and the
        reports say how many statements a person read.
    progress : bool, optional
        Show a progress bar (default: when writing to a terminal).
    parquet : bool
        Also write ``utsagn_kodet.parquet`` and ``kodinger.parquet`` (needs pyarrow).
    svg : bool
        Also write the charts as SVG (vector graphics, for print), and inline
        them in ``rapport.html`` as SVG instead of PNG images.
    sheet, table, max_part_mb : optional
        Which sheet of a workbook or table of a Word document to read, and
        the size limit per part, as in :func:`utenforskap.read_workshop`.
    pseudonymise : bool
        Replace names and direct identifiers (see
        :func:`utenforskap.pseudonymise`) in every column that can hold them
        (text, group, section, title, question text, file name) and in the ids
        made from them, before anything is written.  Without it the outputs
        hold the text as written.
    names, public : optional
        The participant list and the public figures to keep, as for
        :func:`utenforskap.pseudonymise`.
    key : str or Path
        Required with ``pseudonymise``: the key file (CSV), outside
        ``output_dir``.  An existing key is read and extended, so the same
        person keeps the same pseudonym across runs.  Beside it,
        ``<key>_mulige_navn.csv`` lists words that may still be names.

    Returns
    -------
    Analysis
        A dict of name -> path of every file written (the key and its check
        list under ``key`` and ``name_check``, outside the output folder),
        with ``metadata``, ``statements`` and ``themes``.

    Examples
    --------
    >>> import tempfile, utenforskap as u
    >>> result = u.analyse("data/raw", tempfile.mkdtemp(), progress=False)
    >>> result.statements, result.themes["barriers"], result["report"].name
    (86, 26, 'rapport.html')
    """
    final = Path(output_dir)
    if final.exists() and not final.is_dir():
        raise UtenforskapError("the output must be a folder, but a file of that name exists", final)
    key_path = check_pseudonymisation(pseudonymise, names=names, public=public, key=key, output=final)
    book = load_codebook(codebook)
    # everything is written into a staging folder beside the output and moved into
    # place only when all of it is done: a failing analysis leaves no partial output
    final.parent.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    worker = FigureRenderer(out / CHART_FOLDER, codebook=book, svg=svg)
    try:
        steps = progress_bar(
            total=6, desc=PROGRESS_TEXT["analyse"], unit=PROGRESS_TEXT["step"], disable=None if progress is None else not progress
        )
        written: dict[str, Path] = {}

        def where(name: str) -> Path:
            return out / OUTPUT_FILES[name]

        steps.set_postfix_str(PROGRESS_TEXT["reading"])
        statements = read_workshop(inputs, sheet=sheet, table=table, max_part_mb=max_part_mb)
        if pseudonymise:
            statements, key_frame, name_check = _pseudonymised(statements, names, public, key_path)
        steps.update()
        steps.set_postfix_str(PROGRESS_TEXT["coding"])
        coded = code(
            statements, codebook=book, context=context, semantic=semantic, progress=bool(progress) and len(statements) > 2000
        )
        if review is not None:
            coded = apply_review(coded, ReviewSession.load(review))
        worker.submit(coded)
        long = coding_table(coded, codebook=book)
        steps.update()
        steps.set_postfix_str(PROGRESS_TEXT["matrices"])
        tables = build_tables(coded, codebook=book)
        worker.submit_word_report(tables, where("report_docx"))  # written after the figures, beside the other files
        shown = {name: display_table(table, book) for name, table in tables.items()}
        steps.update()

        run = _Run(
            statements, coded, long, tables, shown, book, book.to_frame(), context, parquet, svg, worker, out, qdpx_case_codes
        )
        for stage in ("csv", "workbooks", "figures_and_report"):
            steps.set_postfix_str(PROGRESS_TEXT[stage])
            for output in OUTPUTS:
                if output.stage == stage and output.when(run):
                    written.update(output.write(run, where))
            steps.update()
        metadata = run.metadata
        steps.close()
        worker.close()
        written = _publish(out, final, written)
        if pseudonymise:
            # the key and the list of possible names hold personal data: beside the key, never in the output
            written["key"] = write_csv(key_frame, key_path)
            written["name_check"] = write_csv(name_check, name_check_path(key_path))
    finally:
        worker.close()
        shutil.rmtree(out, ignore_errors=True)
    log.info("wrote %d files to %s", len(written), final)
    return Analysis(written, metadata, final)


@dataclass
class _Run:
    """What the outputs of one analysis are written from."""

    statements: pd.DataFrame
    coded: pd.DataFrame
    long: pd.DataFrame
    tables: dict
    shown: dict
    book: Codebook
    codebook_frame: pd.DataFrame
    context: bool
    parquet: bool
    svg: bool
    worker: FigureRenderer
    folder: Path
    qdpx_case_codes: bool = False
    figures: dict = field(default_factory=dict)  # name -> (content, caption), for the HTML report
    pngs: dict = field(default_factory=dict)  # name -> the chart's PNG, for the Word report
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Output:
    """One output of :func:`analyse`: its name (the key in
    :data:`~utenforskap.lang.nb.strings.OUTPUT_FILES`), the progress stage it
    is written in, how it is written (``where(name)`` gives a file's path; it
    returns name -> path of what it wrote) and when."""

    name: str
    stage: str
    write: Callable[[_Run, Callable[[str], Path]], dict[str, Path]]
    when: Callable[[_Run], bool] = lambda run: True


def _file(name: str, stage: str, write: Callable[[_Run, Path], Path], when: Callable[[_Run], bool] | None = None) -> _Output:
    """An output of one file: ``write(run, path)`` writes it where its name says."""
    return _Output(name, stage, lambda run, where: {name: write(run, where(name))}, when or _Output.when)


def _readable_workbook(run: _Run, path: Path) -> Path:
    """The workbook as a researcher reads it: the coding with its reasons in Norwegian, the matrices, the codebook."""
    book = run.book
    readable = run.coded.assign(why=[why_nb(e, book) for e in run.coded["evidence"]]).drop(columns=["evidence"])
    sheets = {
        WORKBOOK_SHEETS["coded"]: display_table(readable, book),
        WORKBOOK_SHEETS["coded_long"]: display_table(run.long.drop(columns=["evidence"], errors="ignore"), book),
    }
    sheets.update({TABLE_TITLES[k]: v for k, v in run.shown.items()})
    sheets[WORKBOOK_SHEETS["codebook"]] = display_table(run.codebook_frame, book)
    percent = {TABLE_TITLES[k] for k in run.tables if SPECS[k].share}
    return write_excel(sheets, path, percent=percent)


def _figures(run: _Run, where: Callable[[str], Path]) -> dict[str, Path]:
    """The charts the renderer drew (PNG, and SVG with ``svg``), kept for the reports."""
    written = {}
    for name, caption in run.worker.result().items():
        stem = run.folder / CHART_FOLDER / chart_file(name, run.book)
        written[f"{name}.png"] = run.pngs[name] = stem.with_suffix(".png")
        if run.svg:
            written[f"{name}.svg"] = stem.with_suffix(".svg")
            run.figures[name] = (written[f"{name}.svg"].read_text(encoding="utf-8"), caption)
        else:
            run.figures[name] = (written[f"{name}.png"].read_bytes(), caption)
    return written


def _word_report(run: _Run, path: Path) -> Path:
    """The Word report: written by the figures' process where it has one, else here."""
    return run.worker.word_report(lambda: write_word_report(run.coded, run.tables, run.pngs, path, codebook=run.book))


def _metadata(run: _Run, path: Path) -> Path:
    """``metadata.json``: what was read, how it was coded, statements per theme."""
    statements, coded, book = run.statements, run.coded, run.book
    run.metadata.update(
        {
            "inputs": sorted(dict.fromkeys(statements["source"])),
            "statements": len(statements),
            "workshops": sorted(statements["workshop"].unique().tolist()),
            "pipeline": coded.attrs["pipeline"],
            "codebook": book.title,
            "context": run.context,
            "encoder": coded.attrs.get("encoder"),
            "semantic_themes": coded.attrs.get("semantic_themes", []),
            "semantic_note": coded.attrs.get("semantic_note", ""),
            "review": coded.attrs.get("review"),
            "themes": {t: int(coded[t].sum()) for t in book.themes},
            # the one place the run's time is kept: the exports date their sources by the workshop
            "analysed_at": _now(),
        }
    )
    return write_text(json.dumps(run.metadata, ensure_ascii=False, indent=2) + "\n", path)


def _now() -> str:
    """When the analysis ran (UTC; ``SOURCE_DATE_EPOCH`` when set, for reproducible runs)."""
    return source_date_epoch() or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Every output of :func:`analyse`, in the order written.  The statements and
#: codings keep their column ids (data for further analysis); the matrices are
#: written as a researcher reads them.
OUTPUTS: tuple[_Output, ...] = (
    _file("statements", "csv", lambda run, path: write_csv(run.statements, path)),
    _file("coded", "csv", lambda run, path: write_csv(run.coded, path)),
    _file("coded_long", "csv", lambda run, path: write_csv(run.long, path)),
    _Output("matrices", "csv", lambda run, where: {name: write_csv(table, where(name)) for name, table in run.shown.items()}),
    _file("codebook", "csv", lambda run, path: write_csv(run.codebook_frame, path)),
    _file("workbook", "workbooks", _readable_workbook),
    _file("qdpx", "workbooks", lambda run, path: write_qdpx(run.coded, path, case_codes=run.qdpx_case_codes, codebook=run.book)),
    _file("qdc", "workbooks", lambda run, path: write_qdc(path, codebook=run.book)),
    _file("codebook_md", "workbooks", lambda run, path: write_text(codebook_markdown(run.book), path)),
    _file("codebook_quanteda", "workbooks", lambda run, path: write_text(to_quanteda_yaml(run.book), path)),
    _file("codebook_taguette", "workbooks", lambda run, path: write_text(to_taguette_csv(run.book), path)),
    _file("coding_sheet", "workbooks", lambda run, path: write_coding_sheet(run.coded, path, codebook=run.book)),
    _file(
        "review_sheet",
        "workbooks",
        lambda run, path: write_review_sheet(review_queue(run.coded, codebook=run.book), path, codebook=run.book),
    ),
    _file("coded_parquet", "workbooks", lambda run, path: write_parquet(run.coded, path), lambda run: run.parquet),
    _file("coded_long_parquet", "workbooks", lambda run, path: write_parquet(run.long, path), lambda run: run.parquet),
    _Output("figures", "figures_and_report", _figures),
    _file(
        "report",
        "figures_and_report",
        lambda run, path: write_text(render_report(run.coded, run.tables, run.figures, codebook=run.book), path),
    ),
    _file("report_docx", "figures_and_report", _word_report),
    _file("metadata", "figures_and_report", _metadata),
)


def check_pseudonymisation(
    pseudonymise: bool,
    *,
    names: Sequence[str] | str | Path | None = (),
    public: Sequence[str] | str | Path | None = None,
    key: str | Path | None = None,
    output: str | Path,
) -> Path | None:
    """The options of a pseudonymised analysis, checked in one place (for
    :func:`analyse` and the command line): the key path with ``pseudonymise``
    (required, outside the output folder, not a folder), else None; names,
    public figures or a key without ``pseudonymise`` are refused, so that no
    one believes an export pseudonymised that is not.

    Raises
    ------
    UtenforskapError
        With what to do, naming both the keyword and the command-line option.

    Examples
    --------
    >>> check_pseudonymisation(False, output="ut") is None
    True
    >>> check_pseudonymisation(True, key="nokkel.csv", output="ut").name
    'nokkel.csv'
    """
    if not pseudonymise:
        if names or public or key:
            raise UtenforskapError(
                "names, public and key (--names, --public, --key) work only with pseudonymise=True (--pseudonymise); "
                "without it nothing is pseudonymised"
            )
        return None
    if key is None:
        raise UtenforskapError("pseudonymise needs a key file (key=... / --key FILE) outside the output folder")
    path, folder = Path(key), Path(output)
    resolved, folder_resolved = path.resolve(), folder.resolve()
    if resolved == folder_resolved or folder_resolved in resolved.parents:
        raise UtenforskapError(
            f"the key must lie outside the output folder {folder} (it links pseudonyms to names and must "
            "not be shared with the export); choose another place",
            path,
        )
    if path.is_dir():
        raise UtenforskapError("the key must be a file (CSV), not a folder", path)
    return path


def _pseudonymised(statements, names, public, key_path: Path):
    """The statements with names and identifiers replaced in every column
    that can hold them; the (extended) key; words that may still be names."""
    out, key_frame, _report = pseudonymise(statements, names=names, public=public, columns=NAME_COLUMNS, key=read_key(key_path))
    return out.drop(columns=["pseudonymised"]), key_frame, unreplaced_names(out, columns=NAME_COLUMNS)


def _publish(staging: Path, final: Path, written: dict[str, Path]) -> dict[str, Path]:
    """Move the files written in ``staging`` to ``final`` (a new folder is
    renamed whole; into an existing one each file replaces its namesake,
    other files there are left alone); their new paths, by name."""
    moved = {name: final / path.relative_to(staging) for name, path in written.items()}
    if not final.exists():
        for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o777 & ~current_umask())  # mkdtemp made it 0700
        os.replace(staging, final)
        return moved
    for name, path in written.items():
        moved[name].parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, moved[name])
    return moved


def code_files(
    inputs: str | Path | Sequence[str | Path],
    output: str | Path,
    *,
    long_output: str | Path | None = None,
    context: bool = True,
    progress: bool | None = None,
    sheet: str | int | None = None,
    table: int | None = None,
    max_part_mb: float = 200,
    codebook: CodebookLike | None = None,
    semantic: bool = True,
) -> dict:
    """Code workshop files one at a time, streaming the rows to CSV.

    Memory stays bounded by the largest single workshop, whatever the number
    of files: each file is read, coded (``nlp.pipe`` in batches) and written
    before the next is read; what is kept between files is one entry per
    distinct word form (its lemma and the patterns it matches, worked out
    once).  The CSV files appear atomically when all is done.

    Parameters
    ----------
    inputs : str, Path or list
        Workshop files or folders.
    output : str or Path
        The coded statements (CSV, as :func:`utenforskap.exchange.files.write_csv`).
    long_output : str or Path, optional
        Also write one row per statement x code.
    sheet, table, max_part_mb : optional
        As in :func:`utenforskap.read_workshop`.
    semantic : bool, default True
        The model of meaning with the rules; ``False``: the rules alone.

    Returns
    -------
    dict
        ``files``, ``statements`` and the count per theme.
    """
    book = load_codebook(codebook)
    coder = RuleCoder(codebook=book, semantic=semantic)  # one set of word forms and pattern hits for all files
    files = expand_paths(inputs)
    counts = {"files": 0, "statements": 0, **{t: 0 for t in book.themes}}
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(atomic_write(Path(output), encoding="utf-8-sig"))
        long_out = stack.enter_context(atomic_write(Path(long_output), encoding="utf-8-sig")) if long_output else None
        for i, path in enumerate(
            progress_bar(
                files,
                desc=PROGRESS_TEXT["coding_files"],
                unit=PROGRESS_TEXT["file"],
                disable=None if progress is None else not progress,
            )
        ):
            coded = coder(read_workshop(path, sheet=sheet, table=table, max_part_mb=max_part_mb), context=context)
            csv_rows(coded, out, header=i == 0)
            if long_out is not None:
                csv_rows(coding_table(coded, codebook=book), long_out, header=i == 0)
            counts["files"] += 1
            counts["statements"] += len(coded)
            for t in book.themes:
                counts[t] += int(coded[t].sum())
    return counts
