"""Exports: formula safety, HTML escaping, atomic writes, the whole analysis."""

import json

import openpyxl
import pandas as pd
import pytest

from utenforskap import build_tables, code
from utenforskap.cli import main
from utenforskap.export import atomic_write, formula_safe, write_csv, write_excel
from utenforskap.report import render_report
from utenforskap.workflow import analyse

DANGEROUS = ['=HYPERLINK("http://x","klikk")', "+1+1", "-Ledelse", "@SUM(A1)", "Vanlig tekst"]


def test_export_csv_is_formula_safe(tmp_path):
    path = write_csv(pd.DataFrame({"text": DANGEROUS, "n": [-1, 2, 3, 4, 5]}), tmp_path / "a.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["text"].tolist() == ["'" + t for t in DANGEROUS[:4]] + ["Vanlig tekst"]
    assert back["n"].tolist() == [-1, 2, 3, 4, 5]  # numbers are not text


def test_export_excel_stores_formula_like_text_as_text(tmp_path):
    path = write_excel({"Utsagn": pd.DataFrame({"text": DANGEROUS})}, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["Utsagn"]
    cells = [ws.cell(row=i, column=1) for i in range(2, 7)]
    assert [c.value for c in cells] == DANGEROUS
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].quotePrefix
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold


def test_export_formula_safe_does_not_mutate():
    frame = pd.DataFrame({"t": ["=1"]})
    assert formula_safe(frame)["t"].iat[0] == "'=1"
    assert frame["t"].iat[0] == "=1"


def test_export_atomic_write_leaves_no_half_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_report_escapes_statement_text():
    coded = code(["<script>alert('x')</script> er et problem", "Tom & Jerry <b>fet</b> er et problem"]).assign(
        group=["1", "2"],
        question=[1, 1],
        workshop="w",
        question_text="Spm. 1: <i>Hva?</i>",
        workshop_title="Workshop <img src=x onerror=alert(1)>",
    )
    page = render_report(coded, build_tables(coded), {})
    assert "<script>alert" not in page and "<img" not in page and "<b>fet" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; er et problem" in page
    assert "Tom &amp; Jerry &lt;b&gt;fet&lt;/b&gt;" in page
    assert "Spm. 1: &lt;i&gt;Hva?&lt;/i&gt;" in page


def test_analyse_writes_everything(tmp_path, bundled_path):
    out = tmp_path / "processed"
    written = analyse(bundled_path, out, progress=False)
    expected = {
        "utsagn.csv",
        "utsagn_kodet.csv",
        "kodinger.csv",
        "gruppe_tema.csv",
        "sporsmal_tema.csv",
        "samforekomst.csv",
        "rammematrise_gruppe.csv",
        "analyse.xlsx",
        "rapport.html",
        "rapport.docx",
        "metadata.json",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert (out / "figurer" / "gruppe_tema.png").exists() and (out / "figurer" / "gruppe_tema.svg").exists()
    meta = json.loads(written["metadata"].read_text(encoding="utf-8"))
    assert meta["statements"] == 86 and meta["pipeline"].startswith("embedded")
    group_theme = pd.read_csv(out / "gruppe_tema.csv", encoding="utf-8-sig", dtype={"Gruppe": str})
    assert group_theme.columns.tolist() == ["Gruppe", "Antall utsagn", "Hindringer", "Muligheter", "Brukermedvirkning"]
    assert group_theme["Gruppe"].tolist() == ["1", "2", "3", "4", "5", "6", "Totalt"]
    assert group_theme.loc[6, "Antall utsagn"] == 86
    workbook = openpyxl.load_workbook(out / "analyse.xlsx", read_only=True)
    assert {"Utsagn (kodet)", "Kodinger", "Gruppe x tema", "Samforekomst", "Rammematrise gruppe", "Kodebok"} <= set(
        workbook.sheetnames
    )
    page = (out / "rapport.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 6
    assert "Vedlegg 3: Innspill fra workshop" in page and "Rammematrise" in page
    assert '<span class="sid">g3-q3-01</span>' in page  # quotes carry short segment ids
    assert "workshop_ungt_utenforskap_2023-g3-q3-01" not in page


@pytest.mark.slow
def test_analyse_rerun_gives_identical_csv(tmp_path, bundled_path):
    first, second = tmp_path / "a", tmp_path / "b"
    analyse(bundled_path, first, progress=False)
    analyse(bundled_path, second, progress=False)
    assert len(list(first.glob("*.csv"))) == 15
    for csv in sorted(first.glob("*.csv")):
        assert csv.read_bytes() == (second / csv.name).read_bytes(), csv.name
    assert (first / "figurer" / "sporsmal_tema.svg").read_bytes() == (second / "figurer" / "sporsmal_tema.svg").read_bytes()


def _chart_files(folder):
    return sorted(p.name for p in (folder / "figurer").iterdir())


@pytest.fixture(scope="module")
def forked_analysis(tmp_path_factory, bundled_path):
    out = tmp_path_factory.mktemp("forked")
    analyse(bundled_path, out, progress=False)
    return out


@pytest.mark.parametrize("failure", ["silent child", "child fails after taking a figure"])
@pytest.mark.slow
def test_analyse_figures_same_with_or_without_the_worker_process(
    failure, forked_analysis, tmp_path, bundled_path, monkeypatch, caplog
):
    """The figures render in a forked child and in this process; when the
    child gives no answer, or fails on a figure it took, this process renders
    what is missing, and the files are the same."""
    import os

    from utenforskap import figures

    assert len(_chart_files(forked_analysis)) == 12
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
    with caplog.at_level("WARNING", logger="utenforskap.figures"):
        analyse(bundled_path, fallback, progress=False)
    assert "rendering here" in caplog.text
    assert _chart_files(fallback) == _chart_files(forked_analysis)
    for name in ("sporsmal_tema.svg", "samforekomst_underkoder.svg", "underkoder_hindringer.svg"):
        assert (fallback / "figurer" / name).read_bytes() == (forked_analysis / "figurer" / name).read_bytes()
    page = (fallback / "rapport.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 6
    assert page == (forked_analysis / "rapport.html").read_text(encoding="utf-8")


@pytest.fixture
def started_workers(monkeypatch):
    """The child processes analyse forks, recorded."""
    from utenforskap.figures import FigureRenderer as worker_class

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


def test_analyse_failing_after_coding_stops_the_worker_quietly(tmp_path, bundled_path, started_workers, monkeypatch, capfd):
    """An error while writing (here: the workbook) reaches the caller; the
    child takes no further figure and ends without a traceback of its own."""
    import utenforskap.export

    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(utenforskap.export, "write_excel", full_disk)
    with pytest.raises(OSError, match="No space"):
        analyse(bundled_path, tmp_path / "out", progress=False)
    assert len(started_workers) == 1 and started_workers[0].exitcode == 0
    assert "Traceback" not in capfd.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no partial output, no staging folder


@pytest.mark.slow
def test_cli_analyse(tmp_path, bundled_path, capsys):
    assert main(["analyse", str(bundled_path), "-o", str(tmp_path / "out")]) == 0
    assert "86 statements" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_analyse_as_a_command(tmp_path, bundled_path):
    """The command as users run it (a process of its own: figures on two
    cores, shutdown without a final heap scan) writes everything, exit 0."""
    import subprocess
    import sys

    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "utenforskap", "analyse", str(bundled_path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "86 statements" in result.stdout and result.stderr == ""
    assert len(_chart_files(out)) == 12
    assert (out / "rapport.html").read_text(encoding="utf-8").count("<svg") == 6


def test_export_flat_leaves_the_frame_it_was_given_alone():
    from utenforskap.export import flat

    frame = pd.DataFrame({"segment_id": ["a", "b"], "codes": [["barriers", "funding_resources"], []]})
    out = flat(frame)
    assert out["codes"].tolist() == ["barriers; funding_resources", ""]
    assert frame["codes"].tolist() == [["barriers", "funding_resources"], []]


def test_export_excel_cell_over_the_limit_is_cut_and_says_so(tmp_path):
    import warnings

    from utenforskap.export import write_excel

    long = "ord " * 20_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas would cut it silently, with an English warning at most
        write_excel({"Ark": pd.DataFrame({"tekst": [long, "kort"]})}, tmp_path / "a.xlsx")
    value = openpyxl.load_workbook(tmp_path / "a.xlsx")["Ark"]["A2"].value
    assert value.startswith(long[:32_000]) and value.endswith("tegn til står i CSV-filen]")
    assert len(value) <= 32_767


def test_analyse_workbook_shares_are_percentages_and_types_consistent(forked_analysis):
    wb = openpyxl.load_workbook(forked_analysis / "analyse.xlsx")
    shares = wb["Gruppe x tema (andel)"]
    header = [c.value for c in shares[1]]
    column = header.index("Hindringer") + 1
    assert all(shares.cell(r, column).number_format == "0%" for r in range(2, shares.max_row + 1))
    # group labels are text and question numbers are numbers, in every sheet
    for sheet in wb.worksheets:
        header = [c.value for c in sheet[1]]
        for name, kind in (("Gruppe", str), ("Spørsmål", int)):
            if name in header:
                values = [sheet.cell(r, header.index(name) + 1).value for r in range(2, sheet.max_row + 1)]
                assert all(isinstance(v, kind) for v in values if v not in ("Totalt", None)), (sheet.title, name)


def test_cli_version_and_parse_refuses_its_own_output(tmp_path, bundled_path, capsys):
    import utenforskap

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"utenforskap {utenforskap.__version__}"
    assert main(["parse", str(bundled_path), "-o", str(tmp_path / "utsagn.csv")]) == 0
    assert main(["parse", str(tmp_path / "utsagn.csv"), "-o", str(tmp_path / "igjen.csv")]) == 2
    assert "a table of statements written by utenforskap (it has a segment_id column)" in capsys.readouterr().err
