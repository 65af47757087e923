"""The whole analysis (analyse) and its command."""

import base64
import json
import re

import openpyxl
import pandas as pd
import pytest

from utenforskap.cli import main
from utenforskap.lang.nb import OUTPUT_FILES
from utenforskap.workflow import OUTPUTS, analyse, check_pseudonymisation

DANGEROUS = ['=HYPERLINK("http://x","klikk")', "+1+1", "-Ledelse", "@SUM(A1)", "Vanlig tekst"]


@pytest.mark.slow  # a whole analysis
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
    # charts as PNG by default (SVG with svg=True / --svg)
    assert (out / "figurer" / "gruppe_tema.png").exists() and not (out / "figurer" / "gruppe_tema.svg").exists()
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
    # the page stays one file: the charts' PNGs are embedded, byte for byte
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 6 and "<svg" not in page
    assert base64.b64decode(images[0]) == (out / "figurer" / "gruppe_tema.png").read_bytes()
    assert "Vedlegg 3: Innspill fra workshop" in page and "Rammematrise" in page
    assert '<span class="sid">g3-q3-01</span>' in page  # quotes carry short segment ids
    assert "workshop_ungt_utenforskap_2023-g3-q3-01" not in page
    # every file in the folder comes from the registry of outputs, named from OUTPUT_FILES
    names = {o.name for o in OUTPUTS}
    assert len(names) == len(OUTPUTS)
    single = {k for k in written if k in names} | {k for k in written if k in OUTPUT_FILES}
    assert {p.name for p in out.iterdir() if p.is_file()} == {OUTPUT_FILES[k] for k in single}
    assert not any(k in written for k in ("coded_parquet", "coded_long_parquet"))  # only with parquet=True


def test_pseudonymisation_options_are_checked_in_one_place(tmp_path, bundled_path, capsys):
    with pytest.raises(ValueError, match=r"work only with pseudonymise=True \(--pseudonymise\)"):
        analyse(bundled_path, tmp_path / "out", names=["Kari Nordmann"], progress=False)
    with pytest.raises(ValueError, match="needs a key file"):
        check_pseudonymisation(True, output=tmp_path / "out")
    with pytest.raises(ValueError, match="outside the output folder"):
        check_pseudonymisation(True, key=tmp_path / "out" / "key.csv", output=tmp_path / "out")
    # the command line says the same, in one line
    names = tmp_path / "navn.txt"
    names.write_text("Kari Nordmann\n", encoding="utf-8")
    assert main(["analyse", str(bundled_path), "-o", str(tmp_path / "out"), "--names", str(names)]) == 2
    err = capsys.readouterr().err.strip()
    assert "work only with pseudonymise=True (--pseudonymise)" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_analyse_rerun_gives_identical_csv(tmp_path, bundled_path):
    first, second = tmp_path / "a", tmp_path / "b"
    analyse(bundled_path, first, progress=False)
    analyse(bundled_path, second, progress=False)
    assert len(list(first.glob("*.csv"))) == 15
    for csv in sorted(first.glob("*.csv")):
        assert csv.read_bytes() == (second / csv.name).read_bytes(), csv.name
    assert (first / "figurer" / "sporsmal_tema.png").read_bytes() == (second / "figurer" / "sporsmal_tema.png").read_bytes()
    assert (first / "rapport.html").read_bytes() == (second / "rapport.html").read_bytes()


@pytest.mark.slow
def test_cli_analyse(tmp_path, bundled_path, capsys):
    assert main(["analyse", str(bundled_path), "-o", str(tmp_path / "out")]) == 0
    assert "86 utsagn" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_analyse_as_a_command(charts_in, tmp_path, bundled_path):
    """The command as users run it (a process of its own: figures on two
    cores, shutdown without a final heap scan) writes everything, exit 0;
    with --svg the charts come as SVG too, inlined in the HTML report."""
    import subprocess
    import sys

    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "utenforskap", "analyse", str(bundled_path), "-o", str(out), "--svg"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "86 utsagn" in result.stdout and result.stderr == ""
    assert len(charts_in(out)) == 12
    assert (out / "rapport.html").read_text(encoding="utf-8").count("<svg") == 6


@pytest.mark.slow  # a whole analysis
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


@pytest.mark.slow
def test_analyse_again_with_the_output_inside_the_input_folder(tmp_path, bundled_path, capsys):
    """`analyse verksted -o verksted/resultater` twice: the folder the tool
    wrote is never read as input (one warning line), and naming it as input
    is one clear error."""
    import shutil

    from utenforskap.cli import main

    folder = tmp_path / "verksted"
    folder.mkdir()
    shutil.copy(bundled_path, folder)
    out = folder / "resultater"
    assert main(["analyse", str(folder), "-o", str(out), "--rules-only"]) == 0
    capsys.readouterr()
    assert main(["analyse", str(folder), "-o", str(out), "--rules-only"]) == 0
    captured = capsys.readouterr()
    assert "resultater: skipped, an output folder of utenforskap" in captured.err
    assert "86 utsagn" in captured.out
    assert main(["analyse", str(out), "-o", str(tmp_path / "annen")]) == 2
    assert "an output folder of utenforskap (it has metadata.json)" in capsys.readouterr().err


def test_analyse_collects_garbage_less_often_and_restores_the_callers_thresholds(tmp_path, monkeypatch):
    """During analyse the collector's young generation is 10,000 objects
    (it was 8% of the run); afterwards, also after a failure, the caller's
    thresholds are back."""
    import gc

    from utenforskap import workflow
    from utenforskap.errors import UtenforskapError

    seen = []

    def failing_read(*args, **kwargs):
        seen.append(gc.get_threshold())
        raise UtenforskapError("no statements", "verksted.txt")

    monkeypatch.setattr(workflow, "read_workshop", failing_read)
    before = gc.get_threshold()
    try:
        gc.set_threshold(500, 7, 9)
        with pytest.raises(UtenforskapError, match="no statements"):
            analyse(tmp_path / "verksted.txt", tmp_path / "ut")
        assert seen == [(10_000, 7, 9)]
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)


def test_overlapping_analyses_restore_the_thresholds_when_the_last_ends():
    """Two analyses in threads: the first to end leaves the raised threshold
    to the other; the last restores the caller's."""
    import gc
    import threading

    from utenforskap.workflow import _collecting_less

    first_inside, second_done = threading.Event(), threading.Event()
    seen = {}

    @_collecting_less
    def first():
        first_inside.set()
        second_done.wait(10)
        seen["first, after the second ended"] = gc.get_threshold()

    @_collecting_less
    def second():
        seen["second"] = gc.get_threshold()

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        thread = threading.Thread(target=first)
        thread.start()
        first_inside.wait(10)
        second()
        second_done.set()
        thread.join(10)
        assert seen == {"second": (10_000, 10, 10), "first, after the second ended": (10_000, 10, 10)}
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
