"""Every Python example in the README and the user guide runs as written, in
order, in a fresh folder holding a copy of the repository's data/ (as a
newcomer would run them from a checkout); the README stays a quick start."""

import re
import shutil

import pytest
from conftest import ROOT

README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "guide.md"


def python_blocks(*paths) -> list[str]:
    found = []
    for path in paths or (README, GUIDE):
        found += re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return found


def test_readme_is_a_quick_start_with_examples():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12_000
    commands = re.search(r"^```bash\n(.*?)^```", text, flags=re.S | re.M).group(1).splitlines()
    assert [c.split()[:2] for c in commands] == [["make", "run"], ["make", "test"]]
    assert python_blocks(README) and len(python_blocks(GUIDE)) >= 8
    for link in re.findall(r"\]\(((?:docs|benchmarks)/[^)#]+)", text):
        assert (ROOT / link).exists(), link


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
