"""Every Python example in the README runs as written, in order, in a fresh
folder holding a copy of the repository's data/ (as a newcomer would run them
from a checkout)."""

import re
import shutil

import pytest
from conftest import ROOT

README = ROOT / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_readme_has_python_examples():
    assert len(python_blocks()) >= 8


@pytest.mark.slow
def test_readme_python_examples_run_as_written(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("processed"))
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for number, block in enumerate(python_blocks(), start=1):
        try:
            exec(compile(block, f"README.md python block {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message says which block
            pytest.fail(f"README python block {number} fails: {exc.__class__.__name__}: {exc}\n{block}")
    assert (tmp_path / "ut" / "rapport.html").exists()
    assert (tmp_path / "kodeark.xlsx").exists() and (tmp_path / "prosjekt.qdpx").exists()
