"""The report's figures: rendered on two processes or one, the same files."""

import pytest

from utenforskap.workflow import analyse

DANGEROUS = ['=HYPERLINK("http://x","klikk")', "+1+1", "-Ledelse", "@SUM(A1)", "Vanlig tekst"]


@pytest.mark.parametrize("failure", ["silent child", "child fails after taking a figure"])
@pytest.mark.slow
def test_analyse_figures_same_with_or_without_the_worker_process(
    charts_in, failure, forked_analysis, tmp_path, bundled_path, monkeypatch, caplog
):
    """The figures render in a forked child and in this process; when the
    child gives no answer, or fails on a figure it took, this process renders
    what is missing, and the files are the same."""
    import os

    from utenforskap.report import figures

    assert len(charts_in(forked_analysis)) == 6
    if failure == "silent child":
        monkeypatch.setattr(figures, "_child", lambda conn, parent_end, worker: None)
    else:
        parent, render = os.getpid(), figures.FigureRenderer._render

        def render_only_here(self, name, coded):
            if os.getpid() != parent:
                raise RuntimeError(f"no figures in the child ({name})")
            render(self, name, coded)

        monkeypatch.setattr(figures.FigureRenderer, "_render", render_only_here)
    fallback = tmp_path / "fallback"
    with caplog.at_level("WARNING", logger="utenforskap.report.figures"):
        analyse(bundled_path, fallback, progress=False)
    assert "rendering here" in caplog.text
    assert charts_in(fallback) == charts_in(forked_analysis)
    for name in ("sporsmal_tema.png", "samforekomst_underkoder.png", "underkoder_hindringer.png"):
        assert (fallback / "figurer" / name).read_bytes() == (forked_analysis / "figurer" / name).read_bytes()
    page = (fallback / "rapport.html").read_text(encoding="utf-8")
    assert page.count("<img") == 6
    assert page == (forked_analysis / "rapport.html").read_text(encoding="utf-8")


@pytest.fixture
def started_workers(monkeypatch):
    """The child processes analyse forks, recorded."""
    from utenforskap.report.figures import FigureRenderer as worker_class

    started = []
    original = worker_class.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        started.append(self.process)

    monkeypatch.setattr(worker_class, "__init__", recording)
    return started


def test_analyse_bad_input_leaves_no_worker_behind(tmp_path, started_workers):
    import multiprocessing

    from utenforskap import InputError

    bad = tmp_path / "tom.txt"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        analyse(bad, tmp_path / "out", progress=False)
    assert multiprocessing.active_children() == []
    # the child was forked and left on its own when the pipe closed (not terminated)
    assert len(started_workers) == 1 and started_workers[0] is not None and started_workers[0].exitcode == 0
    assert not (tmp_path / "out" / "figurer").exists()


@pytest.mark.slow  # a whole analysis
def test_analyse_failing_after_coding_stops_the_worker_quietly(tmp_path, bundled_path, started_workers, monkeypatch, capfd):
    """An error while writing (here: the workbook) reaches the caller; the
    child takes no further figure and ends without a traceback of its own."""
    from utenforskap import workflow

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(workflow, "write_excel", full_disk)  # as the workflow imported it
    with pytest.raises(OSError, match="No space"):
        analyse(bundled_path, tmp_path / "out", progress=False)
    assert len(started_workers) == 1 and started_workers[0].exitcode == 0
    assert "Traceback" not in capfd.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no partial output, no staging folder


@pytest.mark.slow
def test_analyse_renders_in_the_child_and_its_helper_not_here(tmp_path, bundled_path, monkeypatch):
    """Where the machine allows a fork, the warmed-up child and a helper
    forked from it draw the figures; this process draws none (its first
    figure would pay matplotlib's start-up)."""
    import os

    from utenforskap.report import figures

    if not (os.cpu_count() or 1) > 1:
        pytest.skip("one core: the figures are drawn in this process")
    marks, render = tmp_path / "marks", figures.FigureRenderer._render
    marks.mkdir()

    def recorded(self, name, coded):
        render(self, name, coded)
        (marks / name).write_text(str(os.getpid()), encoding="utf-8")

    monkeypatch.setattr(figures.FigureRenderer, "_render", recorded)
    analyse(bundled_path, tmp_path / "out", progress=False)
    pids = {p.read_text(encoding="utf-8") for p in marks.iterdir()}
    assert sorted(p.name for p in marks.iterdir()) == sorted(spec.name for spec in figures.figure_specs(None))
    assert str(os.getpid()) not in pids and len(pids) == 2


def _analyse_in_pool(args):
    folder, out = args
    return analyse(folder, out, progress=False).statements


@pytest.mark.slow
def test_analyse_in_a_daemon_process_renders_here(tmp_path, bundled_path):
    """A worker of a multiprocessing pool is a daemon, which may not start
    children: analyse renders the figures in it instead of failing."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_analyse_in_pool, [(bundled_path, tmp_path / "out")]) == [86]
    assert len(list((tmp_path / "out" / "figurer").glob("*.png"))) == 6


def _docx_parts(path):
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.slow  # two whole analyses
def test_analyse_writes_the_word_report_in_the_child_and_here_when_it_fails(
    tmp_path, bundled_path, forked_analysis, monkeypatch, caplog
):
    """The child writes the Word report after the figures, while this
    process writes the other files; if it fails there, this process writes
    it, with a warning, and the document is the same part by part."""
    import os

    from utenforskap.report import word

    parent, write = os.getpid(), word.write_word_report
    writers = tmp_path / "writers"
    writers.mkdir()

    def recorded(*args, **kwargs):
        (writers / str(os.getpid())).touch()
        if os.getpid() != parent and failing:
            raise RuntimeError("disk trouble in the child")
        return write(*args, **kwargs)

    monkeypatch.setattr(word, "write_word_report", recorded)
    from utenforskap import workflow

    monkeypatch.setattr(workflow, "write_word_report", recorded)  # as the workflow imported it
    failing = False
    analyse(bundled_path, tmp_path / "child", progress=False)
    assert [p.name for p in writers.iterdir()] != [str(parent)] and len(list(writers.iterdir())) == 1
    assert _docx_parts(tmp_path / "child" / "rapport.docx") == _docx_parts(forked_analysis / "rapport.docx")
    for p in writers.iterdir():
        p.unlink()
    failing = True
    with caplog.at_level("WARNING", logger="utenforskap.report.figures"):
        analyse(bundled_path, tmp_path / "here", progress=False)
    assert "writing it here" in caplog.text and (writers / str(parent)).exists()
    assert _docx_parts(tmp_path / "here" / "rapport.docx") == _docx_parts(forked_analysis / "rapport.docx")


def test_the_word_report_request_does_not_wait_for_a_busy_child(tmp_path, bundled_path, monkeypatch):
    """Asking the child for the Word report while it still renders returns at
    once, however large the tables (through the pipe, a message larger than
    its buffer waited until the child read it after its last figure); only
    the tables the report shows are handed over, and the hand-over file is
    gone when the renderer closes."""
    import glob
    import os
    import tempfile
    import time

    import docx
    import pandas as pd

    import utenforskap as u
    from utenforskap.report import figures

    coded = u.code(u.read_workshop(bundled_path), semantic=False)
    tables = u.build_tables(coded)
    go_on = tmp_path / "go on"
    render = figures.FigureRenderer._render

    def waiting_render(self, name, coded):  # the child renders only once told to go on
        for _ in range(600):
            if go_on.exists():
                break
            time.sleep(0.05)
        render(self, name, coded)

    monkeypatch.setattr(figures.FigureRenderer, "_render", waiting_render)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "utenforskap-word-*")))
    worker = figures.FigureRenderer(tmp_path / "figurer", parallel=True, svg=False)
    try:
        assert worker.process is not None
        worker.submit(coded)
        big = {**tables, "framework": pd.DataFrame({"quotes": ["«" + "x" * 1000 + "»"] * 4000})}  # 4 MB
        start = time.perf_counter()
        worker.submit_word_report(big, tmp_path / "rapport.docx")
        waited = time.perf_counter() - start
        go_on.touch()
        assert waited < 5, f"the request waited {waited:.1f} s for the child"
        handed = worker.handoff
        with open(handed, "rb") as fh:
            assert sorted(pd.read_pickle(fh)[0]) == ["group_theme", "group_theme_share", "question_theme"]
        worker.result()
        path = worker.word_report(lambda: pytest.fail("the child did not write the report"))
    finally:
        go_on.touch()
        worker.close()
    assert len(docx.Document(path).inline_shapes) == 6
    assert not handed.exists()
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "utenforskap-word-*"))) == before
