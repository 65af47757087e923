"""Charts build without a display and carry Norwegian labels."""

import pytest
from conftest import ROOT
from matplotlib.figure import Figure

from utenforskap import code
from utenforskap.report import charts


def texts(fig):
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()] + [
        ax.get_title(),
        ax.get_xlabel(),
        ax.get_ylabel(),
    ]


def test_charts_group_heatmap(coded):
    fig = charts.group_heatmap(coded)
    assert isinstance(fig, Figure)
    assert {"Hindringer", "Muligheter", "Brukermedvirkning", "Gruppe"} <= set(texts(fig))
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells[0] == "3\n(19%)"  # group 1, barriers: 3 of 16 statements
    assert len(cells) == 6 * 3


def test_charts_question_bars_show_shares_of_each_question(coded):
    themes = ["barriers", "opportunities", "user_participation"]
    fig = charts.question_bars(coded)
    heights = [p.get_height() for p in fig.axes[0].patches]  # theme by theme, question by question
    expected = coded.groupby("question")[themes].mean()
    assert heights == pytest.approx(expected.T.to_numpy().ravel().tolist())
    assert all(0 <= h <= 1 for h in heights)
    n = coded.groupby("question").size()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [f"Spm. {q}\n(n={n[q]})" for q in n.index]
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "Hindringer"


def test_charts_cooccurrence_and_subcodes(coded):
    fig = charts.cooccurrence_heatmap(coded)
    assert [t.get_text() for t in fig.axes[0].texts][0] == "n=22"
    jaccard = charts.cooccurrence_heatmap(coded, measure="jaccard")
    assert jaccard.axes[1].get_ylabel().startswith("Jaccard")
    bars = charts.subcode_bars(coded, "barriers")
    assert bars.axes[0].get_title() == "Hindringer: underkoder"


@pytest.mark.slow  # a fresh process
def test_charts_need_no_display(tmp_path):
    """The charts never touch pyplot or a GUI backend: with no display and an
    interactive backend asked for, a chart still renders to PNG and SVG."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, utenforskap as u; from utenforskap.exchange.files import save_figure; "
        "coded = u.code(u.read_workshop('data/raw')); "
        f"png, svg = save_figure(u.charts.group_heatmap(coded), {str(tmp_path / 'heatmap')!r}); "
        "print('matplotlib.pyplot' in sys.modules, png.read_bytes()[:8] == b'\\x89PNG\\r\\n\\x1a\\n', "
        "'<svg' in svg.read_text(encoding='utf-8'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")} | {"MPLBACKEND": "TkAgg"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_charts_cap_what_they_draw_and_say_so():
    import pandas as pd

    from utenforskap.report import charts

    n = charts.MAX_CATEGORIES + 25
    statements = pd.DataFrame(
        {
            "segment_id": [f"s{q}" for q in range(1, n + 1)],
            "group": [f"G{q}" for q in range(1, n + 1)],
            "question": list(range(1, n + 1)),
            "text": ["Mangel på tid er ei hindring"] * n,
        }
    )
    coded = code(statements, context=False)
    for draw, noun in ((charts.question_bars, "spørsmål"), (charts.group_heatmap, "grupper")):
        with pytest.warns(UserWarning, match=rf"the chart shows {charts.MAX_CATEGORIES} of {n}"):
            fig = draw(coded)
        ax = fig.axes[0]
        ticks = ax.get_xticklabels() if draw is charts.question_bars else ax.get_yticklabels()
        assert len(ticks) == charts.MAX_CATEGORIES
        assert fig._supxlabel.get_text().startswith(f"Viser {charts.MAX_CATEGORIES} av {n} {noun}")
