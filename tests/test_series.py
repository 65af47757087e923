"""Several workshops at once: a series compared (tuning tables written here)."""

import json

import openpyxl
import pandas as pd
import pytest

from utenforskap import analyse
from utenforskap.lang.nb.strings import OUTPUT_FILES

# whole analyses of several workshops: make test and CI run them
pytestmark = pytest.mark.slow

STATEMENTS = [
    "Mangel på penger er en hindring for samarbeidet",
    "Vi trenger flere møteplasser for unge",
    "Brukerne må få være med og bestemme",
    "Lang ventetid hos Nav stopper mange",
    "Kommunen bør satse på lavterskeltilbud",
]


def series(folder, n):
    """``n`` workshops, each with its own groups and a different mix of statements."""
    folder.mkdir()
    for w in range(1, n + 1):
        rows = ["Gruppe\tSpm. 1: Hva hindrer?\tSpm. 2: Hva er mulig?"]
        for g in range(1, w + 1):
            first = "\\n".join(f"- {STATEMENTS[(w + g + k) % 5]} ({w}.{g}.{k})" for k in range(w))
            rows.append(f'G{g}\t"{first}"\t- {STATEMENTS[(w * g) % 5]}')
        (folder / f"verksted_{w}.tsv").write_text(
            f"Verksted nr. {w}\n\n" + "\n".join(rows).replace("\\n", "\n") + "\n", encoding="utf-8"
        )
    return folder


@pytest.mark.parametrize("n", [2, 5])
@pytest.mark.slow
def test_series_analyse_compares_the_workshops(tmp_path, n):
    out = tmp_path / "ut"
    written = analyse(series(tmp_path / "inn", n), out, progress=False, svg=True)  # the SVGs hold the charts' text
    statements = pd.read_csv(out / "utsagn.csv", encoding="utf-8-sig")
    per_workshop = statements.groupby("workshop").size()
    assert len(per_workshop) == n
    # every matrix with groups or questions has the workshop as its first level
    for name in (
        "group_theme",
        "group_theme_share",
        "question_theme",
        "group_subcode",
        "framework",
        "framework_question",
        "cooccurrence",
    ):
        table = pd.read_csv(out / OUTPUT_FILES[name], encoding="utf-8-sig")
        assert table.columns[0] == "Workshop", name
    workshop_theme = pd.read_csv(out / "workshop_tema.csv", encoding="utf-8-sig").set_index("Workshop")
    names = [f"verksted_{w}" for w in range(1, n + 1)]
    assert workshop_theme.loc[names, "Antall utsagn"].tolist() == per_workshop.loc[names].tolist()
    assert workshop_theme.loc["Totalt", "Antall utsagn"] == len(statements)
    # the workbook: a sheet per matrix, with the workshop column
    book = openpyxl.load_workbook(written["workbook"], read_only=True)
    for sheet in ("Workshop x tema", "Workshop x tema (andel)", "Gruppe x tema", "Spørsmål x tema"):
        assert next(book[sheet].iter_rows(max_row=1, values_only=True))[0] == "Workshop", sheet
    # the report: a comparison with a chart and n per workshop, then a section per workshop
    page = (out / "rapport.html").read_text(encoding="utf-8")
    comparison = page.index(">Sammenligning av workshopene</h2>")
    assert page.index("Tema per workshop") > comparison
    for w in range(1, n + 1):
        assert f"W{w} verksted_{w} ({per_workshop[f'verksted_{w}']} utsagn)" in page
        assert f">W{w}: Verksted nr. {w}</h2>" in page
    svg = (out / "figurer" / "workshop_tema.svg").read_text(encoding="utf-8")
    assert all(f"(n={per_workshop[f'verksted_{w}']})" in svg for w in range(1, n + 1))
    # groups of different workshops are never merged: G1 appears once per workshop
    heat = (out / "figurer" / "gruppe_tema.svg").read_text(encoding="utf-8")
    assert all(f"verksted_{w}: G1" in heat for w in range(1, n + 1))
    meta = json.loads(written["metadata"].read_text(encoding="utf-8"))
    assert meta["workshops"] == [f"verksted_{w}" for w in range(1, n + 1)]


def test_series_single_workshop_has_no_comparison(tmp_path):
    out = tmp_path / "ut"
    analyse(series(tmp_path / "inn", 1), out, progress=False)
    assert not (out / "workshop_tema.csv").exists()
    assert not (out / "figurer" / "workshop_tema.png").exists()
    assert "Sammenligning" not in (out / "rapport.html").read_text(encoding="utf-8")


def test_series_group_called_totalt(tmp_path):
    path = tmp_path / "totalt.tsv"
    path.write_text("Gruppe\tSpm. 1: Hva hindrer?\nTotalt\t- Mangel på penger\nB\t- Flere møteplasser\n", encoding="utf-8")
    analyse(path, tmp_path / "ut", progress=False)
    table = pd.read_csv(tmp_path / "ut" / "gruppe_tema.csv", encoding="utf-8-sig")
    assert table["Gruppe"].tolist() == ["Totalt", "B", "Totalt (alle)"]
    assert table["Antall utsagn"].tolist() == [1, 1, 2]


@pytest.mark.slow
def test_series_failing_analyse_leaves_no_partial_output(tmp_path, monkeypatch):
    from utenforskap import workflow

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(workflow, "write_qdpx", broken)  # as the workflow imported it
    with pytest.raises(OSError, match="disk full"):
        analyse(series(tmp_path / "inn", 2), tmp_path / "ut", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inn"]  # no output, no staging folder
    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "notater.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        analyse(tmp_path / "inn", existing, progress=False)
    assert sorted(p.name for p in existing.iterdir()) == ["notater.txt"]


@pytest.mark.slow
def test_series_output_files_follow_the_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        analyse(series(tmp_path / "inn", 2), tmp_path / "ut", progress=False)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "ut").rglob("*")}
    assert modes["rapport.html"] == 0o644 and modes["figurer"] == 0o755
    assert set(modes.values()) <= {0o644, 0o755}


def test_series_figures_of_a_frame_without_a_workshop_column():
    import utenforskap as u

    coded = u.code(["Penger er en hindring.", "Mer samarbeid på tvers."]).assign(group="1", question=1)
    figures = u.build_figures(coded)
    assert "workshop_theme_bars" not in figures and "group_theme_heatmap" in figures
