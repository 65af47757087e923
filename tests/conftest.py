"""Shared fixtures: the bundled workshop table, its statements, their coding
(one session-scoped frame: tests must not change it), and one analysis of it."""

from pathlib import Path

import pytest

#: The repository, the bundled workshop table, the bundled codebook's themes.
ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "workshop_ungt_utenforskap_2023.txt"
THEMES = ["barriers", "opportunities", "user_participation"]


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def statements(bundled_path):
    from utenforskap import read_workshop

    return read_workshop(bundled_path)


@pytest.fixture(scope="session")
def coded(statements):
    """The bundled statements coded in context by the rules alone (shared:
    copy before changing).  The rules' results are exact and known, so the
    tests of matrices, charts and exports count on them; the model of
    meaning has its own fixture, ``coded_semantic``."""
    from utenforskap import code

    return code(statements, semantic=False)


@pytest.fixture(scope="session")
def coded_text_only(statements):
    """The bundled statements coded by the rules from their text alone (no
    sections or questions: in a replayed review the structure would give the
    answers away)."""
    from utenforskap import code

    return code(statements, context=False, semantic=False)


@pytest.fixture(scope="session")
def coded_semantic(statements):
    """The bundled statements coded in context with the model of meaning (the default)."""
    from utenforskap import code

    return code(statements)


@pytest.fixture(scope="session")
def forked_analysis(tmp_path_factory, bundled_path):
    """The output folder of one ``analyse`` of the bundled table (figures
    rendered in the forked child where the machine allows)."""
    from utenforskap import analyse

    out = tmp_path_factory.mktemp("forked")
    analyse(bundled_path, out, progress=False)
    return out


def chart_files(folder: Path) -> list[str]:
    """The chart files an analysis wrote."""
    return sorted(p.name for p in (folder / "figurer").iterdir())


@pytest.fixture(scope="session")
def charts_in():
    return chart_files


#: Doctests that run a whole analysis, draw every chart or load 50,000 word
#: frequencies (as the pattern tests marked slow do): make test and CI run them, plain pytest not.
SLOW_DOCTESTS = {
    "utenforskap.workflow.analyse",
    "utenforskap.report.figures.render_figures",
    "utenforskap.coding.authoring.pattern_matches",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
