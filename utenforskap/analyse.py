"""The whole job in one call: parse, normalise, code, matrices, charts,
exports and the HTML report.  This module is an edge: it writes files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from ._lazy import lazy_module
from .codebook import codebook_of, load_codebook
from .coding import code, coding_table
from .display import CHART_FOLDER, OUTPUT_FILES, TABLE_TITLES, chart_file, display_table, why_nb
from .errors import UtenforskapError
from .ingest import read_workshop
from .matrices import code_counts, cooccurrence, framework_matrix, several_workshops

pd = lazy_module("pandas")

__all__ = ["analyse", "build_tables", "build_figures", "code_files"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def build_tables(coded: pd.DataFrame, codebook=None) -> dict[str, pd.DataFrame]:
    """The matrices of a coded frame, by name (pure).

    Returns
    -------
    dict
        With several workshops first ``workshop_theme`` and
        ``workshop_theme_share`` (workshop x theme); then
        ``group_theme``, ``group_theme_share``, ``question_theme``,
        ``question_theme_share``, ``group_subcode``, ``cooccurrence``,
        ``cooccurrence_jaccard``, ``subcode_cooccurrence``, ``framework``
        (group x theme quotes) and ``framework_question``.
    """
    book = codebook_of(coded, codebook)
    tables = {
        "group_theme": code_counts(coded, "group", codebook=book),
        "group_theme_share": code_counts(coded, "group", share=True, codebook=book),
        "question_theme": code_counts(coded, "question", codebook=book),
        "question_theme_share": code_counts(coded, "question", share=True, codebook=book),
        "group_subcode": code_counts(coded, "group", "subcodes", codebook=book),
        "cooccurrence": cooccurrence(coded, codebook=book),
        "cooccurrence_jaccard": cooccurrence(coded, measure="jaccard", codebook=book),
        "subcode_cooccurrence": cooccurrence(coded, "subcodes", codebook=book),
        "framework": framework_matrix(coded, "group", codebook=book),
        "framework_question": framework_matrix(coded, "question", codebook=book),
    }
    if several_workshops(coded):
        tables = {
            "workshop_theme": code_counts(coded, "workshop", codebook=book),
            "workshop_theme_share": code_counts(coded, "workshop", share=True, codebook=book),
            **tables,
        }
    return tables


def _figure_recipes(book) -> dict:
    """Name -> (function of a coded frame returning the Figure, or None
    where the chart does not apply, and its Norwegian caption), in the
    report's order."""
    from . import charts

    recipes = {
        "workshop_theme_bars": (
            lambda coded: charts.workshop_bars(coded, codebook=book) if several_workshops(coded) else None,
            "Andel av hver workshops utsagn som har temaet (n = antall utsagn)",
        ),
        "group_theme_heatmap": (
            lambda coded: charts.group_heatmap(coded, codebook=book),
            "Andel av hver gruppes utsagn som har temaet",
        ),
        "question_theme_bars": (lambda coded: charts.question_bars(coded, codebook=book), "Utsagn per tema og spørsmål"),
        "cooccurrence_heatmap": (
            lambda coded: charts.cooccurrence_heatmap(coded, "subcodes", codebook=book),
            "Underkoder som gis til samme utsagn",
        ),
    }
    for theme in book.themes:
        if book.codes[theme].children:
            recipes[f"subcodes_{theme}"] = (
                lambda coded, theme=theme: charts.subcode_bars(coded, theme, codebook=book),
                f"Underkoder under {book.label(theme)}",
            )
    return recipes


def build_figures(coded: pd.DataFrame, codebook=None) -> dict:
    """The report's charts, by name (each a matplotlib Figure with a
    Norwegian ``_caption``)."""
    out = {}
    for name, (make, caption) in _figure_recipes(codebook_of(coded, codebook)).items():
        figure = make(coded)
        if figure is not None:
            figure._caption = caption
            out[name] = figure
    return out


def _warm_up_matplotlib() -> None:
    """Import matplotlib and the charts, and render a tiny styled figure with
    text to PNG and SVG: that loads the backends, PIL and the fonts, which the
    first real figure would otherwise pay for."""
    import io

    from . import charts

    fig, ax = charts._styled(charts._figure)(1, 1)
    ax.set_title("Å")
    for fmt in ("png", "svg"):
        fig.savefig(io.BytesIO(), format=fmt, dpi=20)


def _figure_worker(conn, parent_end, worker: "_FigureWorker") -> None:
    """The forked process of :class:`_FigureWorker`: warm matplotlib up while
    the parent loads spaCy, then render figures from the front of the list
    (the heaviest first) until none is left, and answer with their names (or
    the error)."""
    parent_end.close()  # so that the parent closing its end reaches this one as EOF
    _warm_up_matplotlib()
    try:
        coded = conn.recv()
    except EOFError:  # the analysis stopped before coding finished
        return
    done = []
    try:
        while (name := worker._claim(front=True)) is not None:
            worker._render(name, coded)
            done.append(name)
        answer = ("ok", done)
    except Exception as exc:  # reported to the parent, which renders the figures itself
        answer = ("error", f"{exc.__class__.__name__}: {exc}")
    with contextlib.suppress(OSError):  # the parent stopped listening: it has failed itself
        conn.send(answer)


class _FigureWorker:
    """The report's figures, rendered on both cores.

    Importing matplotlib and rendering PNG and SVG are the slowest steps of
    :func:`analyse`.  Where a fork is safe (Linux, more than one core, no
    other thread in this process) a child is forked before spaCy is loaded:
    it warms matplotlib up meanwhile, receives the coded frame, and renders
    figures, heaviest first, while this process writes tables and workbooks;
    then this process renders from the other end of the list until the two
    meet (a shared counter hands out each figure once).  Elsewhere, or if the
    child fails, the figures are made here: the files are the same.
    """

    _HEAVY_FIRST = ("cooccurrence_heatmap", "group_theme_heatmap", "question_theme_bars")

    def __init__(self, folder: Path, book):
        import contextlib
        import multiprocessing
        import os
        import sys
        import threading

        self.folder, self.coded, self.book = folder, None, book
        self.recipes = _figure_recipes(book)
        heavy = [n for n in self._HEAVY_FIRST if n in self.recipes]
        self.order = heavy + [n for n in self.recipes if n not in heavy]
        self.process, self.conn = None, None
        self.claims, self.lock = [0, len(self.order)], contextlib.nullcontext()
        if sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1:
            pd.DataFrame  # load pandas before the fork: both processes need it, one load serves both
            context = multiprocessing.get_context("fork")
            self.claims = context.Array("i", self.claims, lock=False)
            self.lock = context.Lock()
            self.conn, child = context.Pipe()
            self.process = context.Process(target=_figure_worker, args=(child, self.conn, self), daemon=True)
            self.process.start()
            child.close()

    def _claim(self, front: bool) -> str | None:
        """The next figure nobody has taken: from the front or the back."""
        with self.lock:
            low, high = self.claims[0], self.claims[1]
            if low >= high:
                return None
            if front:
                self.claims[0] = low + 1
                return self.order[low]
            self.claims[1] = high - 1
            return self.order[high - 1]

    def _render(self, name: str, coded: pd.DataFrame) -> None:
        from .export import save_figure

        figure = self.recipes[name][0](coded)
        if figure is not None:
            save_figure(figure, self.folder / chart_file(name, self.book))

    def submit(self, coded: pd.DataFrame) -> None:
        """Start on the figures of ``coded`` (in the child, where there is one)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.coded = coded
        if self.process is not None:
            try:
                # the charts never read the evidence records, the bulk of the pickle
                self.conn.send(coded.drop(columns=["evidence"], errors="ignore"))
            except Exception as exc:  # e.g. a column that cannot be pickled
                self._fail(f"could not send the coded frame ({exc.__class__.__name__}: {exc})")

    def result(self) -> dict[str, str]:
        """Render what the child has not taken, wait for it; name -> caption
        of every figure saved, in the report's order."""
        mine = []
        while (name := self._claim(front=False)) is not None:
            self._render(name, self.coded)
            mine.append(name)
        child_done = False
        if self.process is not None:
            try:
                status, value = self.conn.recv()
            except (EOFError, OSError) as exc:
                status, value = "error", f"the process ended without an answer ({exc.__class__.__name__})"
            self.close()
            child_done = status == "ok"
            if not child_done:
                self._fail(value)
        if not child_done:  # whatever a child took may be missing: make it here
            for name in self.order:
                if name not in mine:
                    self._render(name, self.coded)
        return {
            name: caption
            for name, (_, caption) in self.recipes.items()
            if (self.folder / chart_file(name, self.book)).with_suffix(".svg").exists()
        }

    def _fail(self, why: str) -> None:
        log.warning("figure rendering in a child process failed (%s); rendering here", why)
        self.close()

    def close(self) -> None:
        """Let the child go (no figure is left to take, and it exits when
        the pipe closes) and reap it."""
        if self.process is not None:
            with self.lock:
                self.claims[0] = self.claims[1]
            self.conn.close()
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.process = None


def analyse(
    inputs,
    output_dir,
    codebook=None,
    *,
    context: bool = True,
    progress: bool | None = None,
    parquet: bool = False,
    sheet=None,
    table=None,
    max_part_mb: float = 200,
    pseudonymise: bool = False,
    names=(),
    public=None,
    key=None,
) -> dict[str, Path]:
    """Run the whole analysis and write every output to ``output_dir``.

    Parameters
    ----------
    inputs : str, Path or list
        Workshop files or folders (see :func:`utenforskap.read_workshop`).
    output_dir : str or Path
        Created if needed; files of the same names are replaced, others
        left alone.  Written (names from
        :data:`utenforskap.display.OUTPUT_FILES`): the statements
        ``utsagn.csv``, the coding ``utsagn_kodet.csv`` and ``kodinger.csv``
        (one row per statement x code), one CSV per matrix
        (``gruppe_tema.csv`` ...), the workbook ``analyse.xlsx``, charts in
        ``figurer/`` (PNG and SVG), the report ``rapport.html`` and
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
    progress : bool, optional
        Show a progress bar (default: when writing to a terminal).
    parquet : bool
        Also write ``utsagn_kodet.parquet`` and ``kodinger.parquet`` (needs pyarrow).
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
    dict
        Name -> path of every file written (the key and its check list under
        ``key`` and ``name_check``, outside the output folder).
    """
    from ._progress import progress_bar

    from .codebook import codebook_markdown, to_quanteda_yaml, to_taguette_csv
    from .export import write_csv, write_excel, write_parquet, write_text
    from .manual import write_coding_sheet
    from .refiqda import write_qdc, write_qdpx
    from .report import render_report
    from .review import review_queue, write_review_sheet
    from .pseudonym import name_check_path
    from .word_report import write_word_report

    final = Path(output_dir)
    if final.exists() and not final.is_dir():
        raise UtenforskapError("the output must be a folder, but a file of that name exists", final)
    key_path = _check_key(key, final) if pseudonymise else None
    if not pseudonymise and (names or key):
        raise UtenforskapError("names= and key= are for pseudonymise=True; without it nothing is pseudonymised")
    book = load_codebook(codebook)
    # everything is written into a staging folder beside the output and moved into
    # place only when all of it is done: a failing analysis leaves no partial output
    final.parent.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    worker = _FigureWorker(out / CHART_FOLDER, book)
    try:
        steps = progress_bar(total=6, desc="analyse", unit="steg", disable=None if progress is None else not progress)
        written: dict[str, Path] = {}

        def where(name: str) -> Path:
            return out / OUTPUT_FILES[name]

        steps.set_postfix_str("leser")
        statements = read_workshop(inputs, sheet=sheet, table=table, max_part_mb=max_part_mb)
        if pseudonymise:
            statements, key_frame, name_check = _pseudonymised(statements, names, public, key_path)
        steps.update()
        steps.set_postfix_str("koder")
        coded = code(statements, book, context=context, progress=bool(progress) and len(statements) > 2000)
        worker.submit(coded)
        long = coding_table(coded, book)
        steps.update()
        steps.set_postfix_str("matriser")
        tables = build_tables(coded, book)
        shown = {name: display_table(table, book) for name, table in tables.items()}
        steps.update()

        steps.set_postfix_str("CSV")
        # the statements and codings keep their column ids (data for further
        # analysis); the matrices are written as a researcher reads them
        written["statements"] = write_csv(statements, where("statements"))
        written["coded"] = write_csv(coded, where("coded"))
        written["coded_long"] = write_csv(long, where("coded_long"))
        for name, table in shown.items():
            written[name] = write_csv(table, where(name))
        codebook_frame = book.to_frame()
        written["codebook"] = write_csv(codebook_frame, where("codebook"))
        steps.update()

        steps.set_postfix_str("arbeidsbøker")
        readable = coded.assign(why=[why_nb(e, book) for e in coded["evidence"]]).drop(columns=["evidence"])
        sheets = {
            "Utsagn (kodet)": display_table(readable, book),
            "Kodinger": display_table(long.drop(columns=["evidence"], errors="ignore"), book),
        }
        sheets.update({TABLE_TITLES[k]: v for k, v in shown.items()})
        sheets["Kodebok"] = display_table(codebook_frame, book)
        percent = {TABLE_TITLES[k] for k in tables if k.endswith("_share") or k == "cooccurrence_jaccard"}
        written["workbook"] = write_excel(sheets, where("workbook"), percent=percent)
        written["qdpx"] = write_qdpx(coded, where("qdpx"), book)
        written["qdc"] = write_qdc(where("qdc"), book)
        written["codebook_md"] = write_text(codebook_markdown(book), where("codebook_md"))
        written["codebook_quanteda"] = write_text(to_quanteda_yaml(book), where("codebook_quanteda"))
        written["codebook_taguette"] = write_text(to_taguette_csv(book), where("codebook_taguette"))
        written["coding_sheet"] = write_coding_sheet(coded, where("coding_sheet"), book)
        written["review_sheet"] = write_review_sheet(review_queue(coded, codebook=book), where("review_sheet"), book)
        if parquet:
            written["coded_parquet"] = write_parquet(coded, where("coded_parquet"))
            written["coded_long_parquet"] = write_parquet(long, where("coded_long_parquet"))
        steps.update()

        steps.set_postfix_str("figurer og rapport")
        figures = {}
        for name, caption in worker.result().items():
            stem = out / CHART_FOLDER / chart_file(name, book)
            png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
            written[f"{name}.png"], written[f"{name}.svg"] = png, svg
            figures[name] = (svg.read_text(encoding="utf-8"), caption)
        written["report"] = write_text(render_report(coded, tables, figures, book), where("report"))
        written["report_docx"] = write_word_report(coded, tables, {n: written[f"{n}.png"] for n in figures}, where("report_docx"), book)
        metadata = {
            "inputs": sorted(dict.fromkeys(statements["source"])),
            "statements": len(statements),
            "workshops": sorted(statements["workshop"].unique().tolist()),
            "pipeline": coded.attrs["pipeline"],
            "codebook": book.title,
            "context": context,
            "themes": {t: int(coded[t].sum()) for t in book.themes},
        }
        written["metadata"] = write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", where("metadata"))
        steps.update()
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
    return written


def _check_key(key, output: Path) -> Path:
    """The key path, refused inside the output folder (it would be shared
    with the export) or missing."""
    if key is None:
        raise UtenforskapError("pseudonymise needs a key file (key=... / --key FILE) outside the output folder")
    path = Path(key)
    resolved, folder = path.resolve(), output.resolve()
    if resolved == folder or folder in resolved.parents:
        raise UtenforskapError(
            f"the key must lie outside the output folder {output} (it links pseudonyms to names and must "
            "not be shared with the export); choose another place",
            path,
        )
    if path.is_dir():
        raise UtenforskapError("the key must be a file (CSV), not a folder", path)
    return path


def _pseudonymised(statements, names, public, key_path: Path):
    """The statements with names and identifiers replaced in every column
    that can hold them; the (extended) key; words that may still be names."""
    from .pseudonym import NAME_COLUMNS, pseudonymise, read_key, unreplaced_names

    out, key_frame, _report = pseudonymise(statements, names=names, public=public, columns=NAME_COLUMNS, key=read_key(key_path))
    return out.drop(columns=["pseudonymised"]), key_frame, unreplaced_names(out, columns=NAME_COLUMNS)


def _publish(staging: Path, final: Path, written: dict[str, Path]) -> dict[str, Path]:
    """Move the files written in ``staging`` to ``final`` (a new folder is
    renamed whole; into an existing one each file replaces its namesake,
    other files there are left alone); their new paths, by name."""
    from .export import current_umask

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
    inputs,
    output,
    codebook=None,
    *,
    long_output=None,
    context: bool = True,
    progress: bool | None = None,
    sheet=None,
    table=None,
    max_part_mb: float = 200,
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
        The coded statements (CSV, as :func:`utenforskap.export.write_csv`).
    long_output : str or Path, optional
        Also write one row per statement x code.
    sheet, table, max_part_mb : optional
        As in :func:`utenforskap.read_workshop`.

    Returns
    -------
    dict
        ``files``, ``statements`` and the count per theme.
    """
    from ._progress import progress_bar
    from .coding import _Coder
    from .export import atomic_write, csv_rows
    from .ingest import _expand

    book = load_codebook(codebook)
    coder = _Coder(book)  # one set of word forms and pattern hits for all files
    files = _expand(inputs)
    counts = {"files": 0, "statements": 0, **{t: 0 for t in book.themes}}
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(atomic_write(Path(output), encoding="utf-8-sig"))
        long_out = stack.enter_context(atomic_write(Path(long_output), encoding="utf-8-sig")) if long_output else None
        for i, path in enumerate(progress_bar(files, desc="koder filer", unit="fil", disable=None if progress is None else not progress)):
            coded = coder(read_workshop(path, sheet=sheet, table=table, max_part_mb=max_part_mb), context=context)
            csv_rows(coded, out, header=i == 0)
            if long_out is not None:
                csv_rows(coding_table(coded, book), long_out, header=i == 0)
            counts["files"] += 1
            counts["statements"] += len(coded)
            for t in book.themes:
                counts[t] += int(coded[t].sum())
    return counts
