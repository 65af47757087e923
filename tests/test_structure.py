"""The package's shape: one home per job, no private names across modules,
no function hiding a module of the same name."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import utenforskap as u

PACKAGE = Path(u.__file__).parent


def _modules():
    return sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


def test_no_private_name_is_imported_from_another_module():
    crossing = []
    for path in [*_modules(), PACKAGE / "__init__.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                crossing += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert crossing == []


def test_no_public_name_shadows_a_module():
    modules = {m.name for m in pkgutil.iter_modules([str(PACKAGE)])}
    shadowed = [name for name in u.__all__ if name in modules and not isinstance(getattr(u, name), type(u))]
    assert shadowed == []
    # the functions and their modules are both reachable
    assert importlib.import_module("utenforskap.workflow").analyse is u.analyse
    assert importlib.import_module("utenforskap.concordance").kwic is u.kwic
    assert importlib.import_module("utenforskap.normalisation").normalise is u.normalise


def test_every_module_says_what_it_is_for():
    undocumented = [p.name for p in _modules() if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
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
        tree = ast.parse(path.read_text(encoding="utf-8"))
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
                    f"{path.name}:{function.name}({a.arg})" for a in args if a.annotation is None and a.arg not in ("self", "cls")
                ]
    assert missing == []


def test_what_a_researcher_reads_comes_from_lang_nb():
    """The modules that write what a researcher reads hold no string with
    Norwegian letters (æ, ø, å) of their own, docstrings aside: such text comes
    from lang_nb.py.  (A guard, not a proof: "Figurer" has none of them.
    Parsers keep the Norwegian they read: ingest's question numbers,
    identifiers' addresses.)"""
    import re

    writers = [
        "report",
        "word_report",
        "charts",
        "manual",
        "refiqda",
        "workflow",
        "export",
        "codebook",
        "review",
        "reviewing",
        "figures",
        "tables",
        "pseudonym",
    ]
    found = []
    for name in writers:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if re.search("[æøåÆØÅ]", node.value) and node.value != "Å":  # "Å": the glyph charts.warm_up renders
                    found.append(f"{name}.py:{node.lineno}: {node.value[:40]!r}")
    # the pseudonymiser's placeholder pattern and its English message name the Norwegian number
    assert [f for f in found if "FØDSELSNUMMER" not in f and "fødselsnummer/D-nummer" not in f] == []
