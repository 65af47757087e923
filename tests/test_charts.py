"""Charts build without a display and carry Norwegian labels."""

import matplotlib
import pytest
from matplotlib.figure import Figure

from utenforskap import charts, code


@pytest.fixture(scope="module")
def coded(statements):
    return code(statements)


def texts(fig):
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()] + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]


def test_charts_group_heatmap(coded):
    fig = charts.group_heatmap(coded)
    assert isinstance(fig, Figure)
    assert {"Hindringer", "Muligheter", "Brukermedvirkning", "Gruppe"} <= set(texts(fig))
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells[0] == "4\n(25%)"  # group 1, barriers: 4 of 16 statements
    assert len(cells) == 6 * 3


def test_charts_question_bars_stack_counts(coded):
    fig = charts.question_bars(coded)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == coded[["barriers", "opportunities", "user_participation"]].to_numpy().sum()
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "Hindringer"


def test_charts_cooccurrence_and_subcodes(coded):
    fig = charts.cooccurrence_heatmap(coded)
    assert [t.get_text() for t in fig.axes[0].texts][0] == "n=23"
    jaccard = charts.cooccurrence_heatmap(coded, measure="jaccard")
    assert jaccard.axes[1].get_ylabel().startswith("Jaccard")
    bars = charts.subcode_bars(coded, "barriers")
    assert bars.axes[0].get_title() == "Hindringer: underkoder"


def test_charts_need_no_display(coded, tmp_path):
    assert matplotlib.get_backend().lower() == "agg" or not matplotlib.get_backend().lower().startswith(("qt", "tk", "gtk"))
    from utenforskap.export import save_figure

    png, svg = save_figure(charts.group_heatmap(coded), tmp_path / "heatmap")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text(encoding="utf-8")
