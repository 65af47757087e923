"""The report's figures: one registry and their rendering.

:func:`figure_specs` lists the figures of a codebook in the report's order,
each a :class:`FigureSpec` (name, Norwegian caption, builder, cost);
:func:`build_figures` makes them as matplotlib Figures, and
:func:`render_figures` writes them as PNG and SVG.

Rendering is the slowest part of :func:`utenforskap.analyse`, so
:class:`FigureRenderer` can render on both cores: where a fork is safe
(Linux, more than one core, no other thread in the process) it forks a child
*before* the analysis loads spaCy; the child warms matplotlib up meanwhile
(:func:`utenforskap.report.charts.warm_up`), receives the coded frame, forks a
helper that is as warm as itself, and the two render from the heaviest
figure down while the parent writes tables and workbooks.  The parent draws
no figure: its first one would pay matplotlib's start-up again (measured:
the whole command 2.50 s -> 2.38 s, median of 7 paired runs, against the
parent rendering from the other end).  Once the figures are saved, the child
also writes the Word report (it needs them; python-docx is imported while the
parent still codes), and the parent goes on with the other files (measured:
the whole command 1.93 s -> 1.88 s on the bundled workshop, median of 10 paired
runs; 9.7 s -> 8.1 s on 30 workshops).  Elsewhere, or if the child fails, the
figures and the report are made in the process itself: the files are the same.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._lazy import lazy_module
from ..coding import CodebookLike, codebook_of, load_codebook
from ..exchange import save_figure
from ..explore import several_workshops
from ..lang.nb import FIGURE_CAPTIONS, chart_file
from ..text import fork_is_safe
from . import charts
from .tables import SPECS

pd = lazy_module("pandas")

__all__ = ["FigureSpec", "figure_specs", "build_figures", "render_figures", "FigureRenderer"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the report.

    Attributes
    ----------
    name : str
        Its id (the file stem comes from :func:`utenforskap.lang.nb.strings.chart_file`).
    caption : str
        Norwegian caption.
    build : callable
        Coded frame -> matplotlib Figure, or None where the figure does not
        apply (the workshop comparison for one workshop).
    cost : int
        Relative rendering cost; the heaviest are started first.
    """

    name: str
    caption: str
    build: Callable
    cost: int = 0


def figure_specs(codebook: CodebookLike | None = None) -> list[FigureSpec]:
    """The report's figures for a codebook, in the report's order.

    Examples
    --------
    >>> [spec.name for spec in figure_specs()][:3]
    ['workshop_theme_bars', 'group_theme_heatmap', 'question_theme_bars']
    """
    book = load_codebook(codebook)
    specs = [
        FigureSpec(
            "workshop_theme_bars",
            FIGURE_CAPTIONS["workshop_theme_bars"],
            lambda coded: charts.workshop_bars(coded, codebook=book) if several_workshops(coded) else None,
        ),
        FigureSpec(
            "group_theme_heatmap",
            FIGURE_CAPTIONS["group_theme_heatmap"],
            lambda coded: charts.group_heatmap(coded, codebook=book),
            2,
        ),
        FigureSpec(
            "question_theme_bars",
            FIGURE_CAPTIONS["question_theme_bars"],
            lambda coded: charts.question_bars(coded, codebook=book),
            1,
        ),
        FigureSpec(
            "cooccurrence_heatmap",
            FIGURE_CAPTIONS["cooccurrence_heatmap"],
            lambda coded: charts.cooccurrence_heatmap(coded, "subcodes", codebook=book),
            3,
        ),
    ]
    for theme in book.themes:
        if book.codes[theme].children:
            specs.append(
                FigureSpec(
                    f"subcodes_{theme}",
                    FIGURE_CAPTIONS["subcodes"].format(theme=book.label(theme)),
                    lambda coded, theme=theme: charts.subcode_bars(coded, theme, codebook=book),
                )
            )
    return specs


def build_figures(coded: pd.DataFrame, *, codebook: CodebookLike | None = None) -> dict:
    """The report's charts, by name: each a matplotlib Figure whose label
    (``figure.get_label()``, matplotlib's own attribute) is its Norwegian
    caption."""
    out = {}
    for spec in figure_specs(codebook_of(coded, codebook)):
        figure = spec.build(coded)
        if figure is not None:
            figure.set_label(spec.caption)
            out[spec.name] = figure
    return out


def render_figures(
    coded: pd.DataFrame,
    folder: str | Path,
    *,
    parallel: bool | None = None,
    svg: bool = True,
    codebook: CodebookLike | None = None,
) -> dict[str, str]:
    """Write the report's figures as PNG and (``svg``) SVG into ``folder``.

    Parameters
    ----------
    coded : pandas.DataFrame
        Output of :func:`utenforskap.code`.
    folder : str or Path
        Created if needed.
    codebook : optional
        The codebook (by default the one the coded frame carries).
    parallel : bool, optional
        Render on two processes (a fork) where that is safe; None: where
        the machine has more than one core.  The files are the same either way.
    svg : bool, default True
        Also write each figure as SVG (vector).

    Returns
    -------
    dict
        Name -> Norwegian caption of every figure written, in the report's order.

    Examples
    --------
    >>> import tempfile, utenforskap as u
    >>> coded = u.code(u.read_workshop("data/raw"))
    >>> list(render_figures(coded, tempfile.mkdtemp(), parallel=False))[:2]
    ['group_theme_heatmap', 'question_theme_bars']
    """
    renderer = FigureRenderer(folder, codebook=codebook_of(coded, codebook), parallel=parallel, svg=svg)
    try:
        renderer.submit(coded)
        return renderer.result()
    finally:
        renderer.close()


def _child(conn, parent_end, worker: FigureRenderer) -> None:
    """The forked process of :class:`FigureRenderer`: warm matplotlib up while
    the parent loads spaCy, then, with a helper forked from itself, render
    figures from the front of the list (the heaviest first) until none is
    left, and answer with the names it rendered (or the error)."""
    parent_end.close()  # so that the parent closing its end reaches this one as EOF
    charts.warm_up()
    with contextlib.suppress(ImportError):  # for the Word report, while the parent still codes
        import docx  # noqa: F401
    try:
        coded = conn.recv()
    except EOFError:  # the analysis stopped before coding finished
        return
    done = []
    # a helper forked from this warmed-up process renders from the same list: two
    # warm renderers, none of them paying matplotlib's first figure again
    helper = os.fork()
    if helper == 0:
        status = 0
        try:
            while (name := worker._claim()) is not None:
                worker._render(name, coded)
        except BaseException:  # the child reports the failure; the parent renders what is missing
            status = 1
        os._exit(status)  # no clean-up of what the child owns
    try:
        while (name := worker._claim()) is not None:
            worker._render(name, coded)
            done.append(name)
        if helper > 0 and os.waitpid(helper, 0)[1] != 0:
            raise RuntimeError("the helper process failed")
        answer = ("ok", done)
    except Exception as exc:  # reported to the parent, which renders the figures itself
        answer = ("error", f"{exc.__class__.__name__}: {exc}")
    with contextlib.suppress(OSError):  # the parent stopped listening: it has failed itself
        conn.send(answer)
        if answer[0] == "ok":
            _child_word_report(conn, coded, worker)


def _child_word_report(conn, coded, worker: FigureRenderer) -> None:
    """In the child, once the figures are saved: write the Word report when
    the parent asks for it (with the tables, which it makes after the fork),
    and answer with its path or the error."""
    try:
        handoff = conn.recv()
    except (EOFError, OSError):  # the parent wrote it itself or stopped
        return
    try:
        from .word import write_word_report

        with open(handoff, "rb") as fh:
            tables, path = pickle.load(fh)

        write_word_report(coded, tables, worker.saved_pngs(), path, codebook=worker.book)
        answer = ("ok", path)
    except Exception as exc:  # reported to the parent, which writes the report itself
        answer = ("error", f"{exc.__class__.__name__}: {exc}")
    conn.send(answer)


class FigureRenderer:
    """The report's figures, rendered on both cores where that is safe (see
    the module's description): create it early (before spaCy is loaded),
    :meth:`submit` the coded frame, collect with :meth:`result`, and
    :meth:`close` in all cases.  A shared counter hands out each figure once.
    With :meth:`submit_word_report` the child also writes the Word report
    after the figures, while the parent writes the other files; collect it
    with :meth:`word_report`.
    """

    def __init__(self, folder: Path, *, parallel: bool | None = None, svg: bool = True, codebook: CodebookLike | None = None):
        import multiprocessing

        self.book = load_codebook(codebook)
        self.folder, self.coded, self.svg = Path(folder), None, svg
        self.specs = {spec.name: spec for spec in figure_specs(self.book)}
        # the heaviest first
        self.order = [spec.name for spec in sorted(self.specs.values(), key=lambda spec: -spec.cost)]
        self.process, self.conn = None, None
        self.report: Path | None = None  # the Word report the child was asked to write
        self.handoff: Path | None = None  # the file that hands the child the Word report's tables
        self.taken, self.lock = None, contextlib.nullcontext()  # figures handed out, shared by the child and its helper
        can_fork = fork_is_safe()
        if parallel and not can_fork:
            log.info("figures are rendered in this process: a fork is not safe here")
        if can_fork and parallel is not False:
            _ = pd.DataFrame  # load pandas before the fork: both processes need it, one load serves both
            context = multiprocessing.get_context("fork")
            self.taken = context.Value("i", 0, lock=False)
            self.lock = context.Lock()
            self.conn, child = context.Pipe()
            process = context.Process(target=_child, args=(child, self.conn, self), daemon=True)
            try:
                process.start()
                self.process = process
            except (AssertionError, OSError) as exc:  # e.g. this is a daemon process, which may not have children
                log.info("figures are rendered in this process: no child could be started (%s)", exc)
                self.conn.close()
                self.conn, self.taken, self.lock = None, None, contextlib.nullcontext()
            child.close()

    def _claim(self) -> str | None:
        """The next figure nobody has taken."""
        with self.lock:
            taken = self.taken.value
            if taken >= len(self.order):
                return None
            self.taken.value = taken + 1
            return self.order[taken]

    def _render(self, name: str, coded: pd.DataFrame) -> None:
        figure = self.specs[name].build(coded)
        if figure is not None:
            save_figure(figure, self.folder / chart_file(name, self.book), svg=self.svg)

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
        """Wait for the child, or render here where there is none (or it
        failed); name -> caption of every figure saved, in the report's order."""
        child_done = False
        if self.process is not None:
            try:
                status, value = self.conn.recv()
            except (EOFError, OSError) as exc:
                status, value = "error", f"the process ended without an answer ({exc.__class__.__name__})"
            child_done = status == "ok"
            if not child_done:
                self._fail(value)
            elif self.report is None:
                self.close()
        if not child_done:  # no child, or whatever it took may be missing: make them all here
            for name in self.order:
                self._render(name, self.coded)
        return {name: self.specs[name].caption for name in self.saved_pngs()}

    def saved_pngs(self) -> dict[str, Path]:
        """Name -> PNG file of every figure saved, in the report's order."""
        pngs = {name: (self.folder / chart_file(name, self.book)).with_suffix(".png") for name in self.specs}
        return {name: png for name, png in pngs.items() if png.exists()}

    def submit_word_report(self, tables: dict, path: str | Path) -> None:
        """Ask the child to write the Word report (``tables`` from
        :func:`~utenforskap.build_tables`) once the figures are saved; without
        a child, :meth:`word_report` writes it here.

        Only the tables the report shows are handed over, in a temporary
        file: through the pipe, a message larger than its buffer would hold
        this process until the child reads it after its last figure (measured
        on 40 workshops: 0.68 s of 7.5 s, for a megabyte of framework
        matrices the report does not show)."""
        if self.process is None:
            return
        shown = {name: table for name, table in tables.items() if "docx" in SPECS[name].reports}
        try:
            fd, name = tempfile.mkstemp(prefix="utenforskap-word-", suffix=".pickle")
            self.handoff = Path(name)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((shown, str(path)), fh, protocol=pickle.HIGHEST_PROTOCOL)
            self.conn.send(name)
            self.report = Path(path)
        except Exception as exc:  # e.g. a table that cannot be pickled: written here instead
            log.info("the Word report is written in this process (%s: %s)", exc.__class__.__name__, exc)

    def word_report(self, write: Callable[[], Path]) -> Path:
        """The Word report the child wrote; where there is no child, it was
        not asked or it failed, ``write()`` writes it here (after
        :meth:`result`)."""
        if self.process is not None and self.report is not None:
            try:
                status, value = self.conn.recv()
            except (EOFError, OSError) as exc:
                status, value = "error", f"the process ended without an answer ({exc.__class__.__name__})"
            path = self.report
            self.close()
            if status == "ok":
                return path
            log.warning("the Word report in a child process failed (%s); writing it here", value)
        return write()

    def _fail(self, why: str) -> None:
        log.warning("figure rendering in a child process failed (%s); rendering here", why)
        self.close()

    def close(self) -> None:
        """Let the child go (no figure is left to take, and it exits when
        the pipe closes) and reap it."""
        if self.process is not None:
            with self.lock:
                self.taken.value = len(self.order)
            self.conn.close()
            self.process.join(timeout=30)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()
            self.process = None
        self.report = None
        if self.handoff is not None:
            self.handoff.unlink(missing_ok=True)
            self.handoff = None
