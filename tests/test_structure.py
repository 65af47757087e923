"""The package's shape: subpackages by stage, imports that go one way, names
that cross a subpackage only through its ``__all__``, no private name across
modules, no function hiding a module, no import cycle.

The checks walk the whole tree (not a list of modules), and each is shown to
fail on a violation planted in a copy of the package."""

import ast
import functools
import importlib
import pkgutil
import shutil
from pathlib import Path

import pytest

import utenforskap as u

PACKAGE = Path(u.__file__).parent

#: Which subpackages each may import from (the stages, lowest first); the
#: top-level modules (errors, _lazy, _overlapping, _progress) are open to all, and the
#: top level (cli, workflow, the package itself) may import everything.
ALLOWED = {
    "lang.nb": set(),
    "read": {"lang.nb"},
    "text": {"lang.nb"},
    "semantic": {"lang.nb"},
    "coding": {"lang.nb", "text", "semantic"},
    "explore": {"lang.nb", "text", "coding"},
    "exchange": {"lang.nb", "read", "text", "coding"},
    "privacy": {"lang.nb", "read", "text"},
    "review": {"lang.nb", "text", "semantic", "coding", "exchange"},
    "report": {"lang.nb", "text", "coding", "explore", "exchange"},
}
SUBPACKAGES = set(ALLOWED) | {"lang"}
BASE = {"errors", "_lazy", "_overlapping", "_progress"}


@functools.cache
def _parse(text: str) -> ast.Module:
    return ast.parse(text)


def _parsed(path: Path) -> ast.Module:
    """A file's syntax tree, parsed once per content (every check walks the whole tree)."""
    return _parse(path.read_text(encoding="utf-8"))


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _subpackage(module: str) -> str:
    """The subpackage a module (dotted, relative to the package) belongs to; '' for the top level."""
    best = ""
    for s in SUBPACKAGES:
        if (module == s or module.startswith(s + ".")) and len(s) > len(best):
            best = s
    return best


def _imports(root: Path):
    """(importer, target module, names, line) for every import inside the package, at any depth."""
    for path in sorted(root.rglob("*.py")):
        importer = _module_name(path, root)
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        package = [p for p in package if p]
        for node in ast.walk(_parsed(path)):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
                yield path, importer, target, [a.name for a in node.names], node.lineno


def _declared(root: Path, module: str) -> set:
    """The names in a module's (or subpackage's) ``__all__``."""
    path = root / module.replace(".", "/")
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for node in _parsed(path).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return {e.value for e in node.value.elts}
    return set()


def layering_problems(root: Path = PACKAGE) -> list[str]:
    """Imports across subpackages that go the wrong way, reach into a
    subpackage instead of through it, or take a name not in its ``__all__``."""
    problems = []
    for path, importer, target, names, line in _imports(root):
        here, there = _subpackage(importer), _subpackage(target)
        where = f"{path.relative_to(root)}:{line}"
        if not here or not there or here == there:
            continue
        if there not in ALLOWED.get(here, set()):
            problems.append(f"{where}: {here} may not import from {there}")
        if target != there:
            problems.append(f"{where}: imports from {target}, not through {there}")
        hidden = sorted(set(names) - _declared(root, there))
        if hidden:
            problems.append(f"{where}: {', '.join(hidden)} not in {there}.__all__")
    return problems


def privacy_problems(root: Path = PACKAGE) -> list[str]:
    """Private names imported from another module; private modules imported
    from outside their subpackage."""
    problems = []
    for path, importer, target, names, line in _imports(root):
        where = f"{path.relative_to(root)}:{line}"
        if target in BASE:
            continue
        if target != importer:
            problems += [f"{where}: private {target}.{n}" for n in names if n.startswith("_") and n != "__version__"]
        private = [p for p in target.split(".") if p.startswith("_")]
        if private and _subpackage(target) != _subpackage(importer):
            problems.append(f"{where}: private module {target} from outside {_subpackage(target) or 'the top level'}")
    return problems


def import_cycles(root: Path = PACKAGE) -> list[list[str]]:
    """Cycles among the modules' top-level imports (an import from a
    subpackage counts as one from its ``__init__``)."""
    graph: dict[str, set] = {}
    for path in sorted(root.rglob("*.py")):
        importer = _module_name(path, root)
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        package = [p for p in package if p]
        edges = graph.setdefault(importer, set())
        for node in _parsed(path).body:  # top level only: what runs on import
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, *([node.module] if node.module else [])])
                for name in node.names:  # `from . import charts` imports a module
                    sub = f"{target}.{name.name}".strip(".")
                    exists = (root / sub.replace(".", "/")).with_suffix(".py").exists() or (root / sub.replace(".", "/")).is_dir()
                    edges.add(sub if exists else target)
                # importing a.b.c from outside a runs a/__init__ (and a/b/__init__) first
                parts = target.split(".") if target else []
                outer = [".".join(parts[:i]) for i in range(1, len(parts))]
                edges.update(o for o in outer if not (importer == o or importer.startswith(o + ".")))
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if nxt == node or nxt not in graph:
                continue
            if state.get(nxt) == "open":
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_stages_are_subpackages():
    folders = {_module_name(p.parent, PACKAGE) for p in PACKAGE.rglob("*/__init__.py")}
    assert folders == SUBPACKAGES
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "__main__", "_lazy", "_overlapping", "_progress", "cli", "errors", "workflow"]


def test_subpackage_imports_go_one_way_through_all():
    assert layering_problems() == []


def test_no_private_name_crosses_a_module():
    assert privacy_problems() == []


def test_no_import_cycle():
    assert import_cycles() == []


@pytest.mark.slow  # checks a copy of the package three times
def test_the_checks_find_planted_violations(tmp_path):
    root = tmp_path / "utenforskap"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "data"))
    assert layering_problems(root) == [] and privacy_problems(root) == [] and import_cycles(root) == []
    tokens = root / "text" / "tokens.py"
    tokens.write_text(
        tokens.read_text(encoding="utf-8")
        + "\n\ndef _planted():\n    from ..report import render_report\n    from ..read.workshop import read_workshop\n"
        + "    from ..lang.nb import _labels\n    from ..read._docx import read_docx\n",
        encoding="utf-8",
    )
    layering = layering_problems(root)
    assert any("text may not import from report" in p for p in layering)
    assert any("imports from read.workshop, not through read" in p for p in layering)
    assert any("_labels not in lang.nb.__all__" in p for p in layering)
    privacy = privacy_problems(root)
    assert any("private lang.nb._labels" in p for p in privacy)
    assert any("private module read._docx" in p for p in privacy)
    # a cycle: the language strings importing the coder at the top
    strings = root / "lang" / "nb" / "strings.py"
    strings.write_text("from ...coding import code  # noqa\n" + strings.read_text(encoding="utf-8"), encoding="utf-8")
    assert any("coding" in c and "lang.nb.strings" in c for c in import_cycles(root))


def test_every_public_module_declares_all():
    missing = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if not p.stem.startswith("_") and p.stem not in ("cli",) and not _declared(PACKAGE, _module_name(p, PACKAGE))
    ]
    assert missing == []


def test_no_public_name_shadows_a_module():
    modules = {m.name for m in pkgutil.iter_modules([str(PACKAGE)])}
    shadowed = [name for name in u.__all__ if name in modules and not isinstance(getattr(u, name), type(u))]
    assert shadowed == []
    # the functions and their modules are both reachable
    assert importlib.import_module("utenforskap.workflow").analyse is u.analyse
    assert importlib.import_module("utenforskap.explore.kwic").kwic is u.kwic
    assert importlib.import_module("utenforskap.text.normalisation").normalise is u.normalise


def test_every_module_says_what_it_is_for():
    undocumented = [str(p.relative_to(PACKAGE)) for p in _modules() if not ast.get_docstring(_parsed(p))]
    assert undocumented == []


def test_argument_errors_are_value_errors():
    with pytest.raises(ValueError, match="window must be 0 or more"):
        u.kwic(["Et utsagn."], "utsagn", window=-1)
    assert issubclass(u.CodebookError, ValueError) and issubclass(u.InputError, ValueError)


def test_one_id_scheme_for_texts_without_ids():
    texts = ["Mangel på penger.", "Mer samarbeid."]
    coded = u.code(texts, semantic=False)
    assert coded["segment_id"].tolist() == ["s1", "s2"]
    assert u.normalise(texts)["segment_id"].tolist() == ["s1", "s2"]
    assert u.topics(texts * 3, n_topics=2)[1]["segment_id"].isin(["s1", "s2", "s3", "s4", "s5", "s6"]).all()


def test_code_reuses_normalised_text():
    frame = u.normalise(["Hindringene er bl.a. penger."])
    frame.loc[0, "text_norm"] = "Samarbeidet bør styrkes."  # what code() reads when the column is there
    coded = u.code(frame, semantic=False)
    assert coded.loc[0, "opportunities"] and not coded.loc[0, "barriers"]
    assert coded.loc[0, "abbreviations"] == "bl.a.=blant annet"


def test_public_parameters_are_annotated():
    missing = []
    for path in _modules():
        tree = _parsed(path)
        public = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                public = {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
        for node in tree.body:
            functions = [node] if isinstance(node, ast.FunctionDef) and node.name in public else []
            if isinstance(node, ast.ClassDef) and node.name in public:
                functions = [
                    m
                    for m in node.body
                    if isinstance(m, ast.FunctionDef) and (not m.name.startswith("_") or m.name == "__init__")
                ]
            for function in functions:
                args = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
                missing += [
                    f"{path.relative_to(PACKAGE)}:{function.name}({a.arg})"
                    for a in args
                    if a.annotation is None and a.arg not in ("self", "cls")
                ]
    assert missing == []


def test_what_a_researcher_reads_comes_from_lang_nb():
    """The modules that write what a researcher reads (every module of
    report/, exchange/, review/, privacy/, the codebook model and the
    workflow) hold no string with Norwegian letters (æ, ø, å) of their own,
    docstrings aside: such text comes from lang/nb/.  (A guard, not a proof:
    "Figurer" has none of them.  Parsers keep the Norwegian they read:
    read/'s question numbers, privacy's addresses.)"""
    import re

    writers = [p for s in ("report", "exchange", "review") for p in sorted((PACKAGE / s).glob("*.py"))]
    writers += [PACKAGE / "privacy" / "pseudonym.py"]
    writers += [PACKAGE / "workflow.py", PACKAGE / "coding" / "codebook.py", PACKAGE / "coding" / "loading.py"]
    found = []
    for name in writers:
        tree = _parsed(name)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if re.search("[æøåÆØÅ]", node.value) and node.value != "Å":  # "Å": the glyph charts.warm_up renders
                    found.append(f"{name.relative_to(PACKAGE)}:{node.lineno}: {node.value[:40]!r}")
    # the pseudonymiser's placeholder pattern and its English message name the Norwegian number
    assert [f for f in found if "FØDSELSNUMMER" not in f and "fødselsnummer/D-nummer" not in f] == []


def test_tests_mirror_the_stages_and_no_fixture_is_shadowed():
    tests = PACKAGE.parent / "tests"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and any(p.glob("test_*.py"))}
    assert folders == {s.split(".")[0] for s in SUBPACKAGES} - {"lang"}
    names = [p.name for p in tests.rglob("test_*.py")]
    assert len(names) == len(set(names))  # one module name per test file (pytest's prepend import mode)
    fixtures: dict[str, list[str]] = {}
    for path in tests.rglob("*.py"):
        for node in _parsed(path).body:
            if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
                fixtures.setdefault(node.name, []).append(str(path.relative_to(tests)))
    assert {name: where for name, where in fixtures.items() if len(where) > 1} == {}
