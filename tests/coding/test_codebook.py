"""The codebook: the bundled default and validation errors."""

import textwrap

import pytest

from utenforskap import CodebookError, load_codebook
from utenforskap.coding.codebook import default_codebook_path


def test_codebook_default_themes_and_subcodes():
    book = load_codebook()
    assert book.themes == ["barriers", "opportunities", "user_participation"]
    assert [book.label(t) for t in book.themes] == ["Hindringer", "Muligheter", "Brukermedvirkning"]
    barriers = book.codes["barriers"]
    assert {
        "funding_resources",
        "leadership_culture",
        "laws_regulations",
        "organisation_silos",
        "knowledge_gaps",
        "stigma_exclusion",
    } <= set(barriers.children)
    for code in book.codes.values():
        assert code.definition, code.id
        assert code.examples, code.id
    assert book.theme_of("funding_resources") == "barriers"
    frame = book.to_frame()
    assert frame.loc[frame["code"] == "barriers", "patterns"].iat[0].startswith("hindr*")


def write(tmp_path, text):
    path = tmp_path / "kodebok.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """\
name: test
codes:
  barriers:
    label: Hindringer
    patterns: [hindr*]
    codes:
      funding:
        label: Penger
        patterns: [penger]
"""


@pytest.mark.parametrize(
    "text, message",
    [
        (
            GOOD.replace("    label: Penger", "    labl: Penger"),
            r"kodebok\.yaml:8: \[barriers -> funding\] unknown key 'labl'; allowed: .*label",
        ),
        (
            GOOD.replace("funding:", "barriers:"),
            r"kodebok\.yaml:7: \[barriers -> barriers\] duplicate code id 'barriers' \(also at line 3\)",
        ),
        (
            GOOD.replace("patterns: [penger]", 'patterns: [penger, ""]'),
            r"kodebok\.yaml:9: \[barriers -> funding -> patterns\] empty pattern",
        ),
        (
            GOOD.replace("patterns: [penger]", "patterns: []"),
            r"kodebok\.yaml:9: \[barriers -> funding -> patterns\] empty list of patterns",
        ),
        (
            GOOD.replace("patterns: [hindr*]", 'patterns: ["hindr[ing"]'),
            r"kodebok\.yaml:5: \[barriers -> patterns\] broken pattern 'hindr\[ing': the character '\[' is not allowed",
        ),
        (
            GOOD.replace("patterns: [hindr*]", 'patterns: ["*"]'),
            r"\[barriers -> patterns\] broken pattern '\*': it matches every word",
        ),
        (
            GOOD.replace("patterns: [hindr*]", "patterns: [*medvirkning]"),
            r"kodebok\.yaml:5: not valid YAML: found undefined alias",
        ),
        (GOOD.replace("patterns: [hindr*]", "patterns: hindr*"), r"\[barriers -> patterns\] expected a list, got str"),
        (GOOD + "  barriers:\n    patterns: [x]\n", r"kodebok\.yaml:10: the key 'barriers' appears twice \(first at line 3\)"),
        (
            GOOD.replace("    label: Hindringer\n", "    label: Hindringer\n    when_negated: [nowhere]\n"),
            r"\[barriers -> when_negated\] 'nowhere' is neither drop, keep nor a code id",
        ),
        ("name: x\n", r"\[codebook\] no 'codes' key"),
        (
            GOOD.replace("name: test", "name: test\nnegation:\n  window: -1"),
            r"\[negation -> window\] expected a whole number >= 0",
        ),
        (GOOD.replace("        patterns: [penger]\n", ""), r"\[barriers -> funding\] the code has no patterns"),
        (
            GOOD.replace("patterns: [hindr*]", "patterns: [hindr*]\n    weak_patterns: [problem*]"),
            r"kodebok\.yaml:6: \[barriers -> weak_patterns\] 'problem\*' is not one of the code's patterns",
        ),
        (
            GOOD.replace("patterns: [hindr*]", "patterns: [hindr*]\n    description_markers: [ble]"),
            r"kodebok\.yaml:6: \[barriers -> description_markers\] .* the code has no weak_patterns",
        ),
        (
            GOOD.replace("patterns: [hindr*]", "patterns: [hindr*]\n    weak_patterns: [hindr*]\n    description_markers: [b!e]"),
            r"kodebok\.yaml:7: \[barriers -> description_markers\]",
        ),
    ],
)
def test_codebook_validation_errors(tmp_path, text, message):
    with pytest.raises(CodebookError, match=message):
        load_codebook(write(tmp_path, text))


def test_codebook_missing_file(tmp_path):
    with pytest.raises(CodebookError, match=r"nope\.yaml: codebook file not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_codebook_good_file_loads(tmp_path):
    book = load_codebook(write(tmp_path, GOOD))
    assert book.themes == ["barriers"]
    assert book.codes["funding"].parent == "barriers"
    assert default_codebook_path().name == "codebook.yaml"


def test_codebook_weak_patterns_are_read(tmp_path):
    text = GOOD.replace("patterns: [hindr*]", "patterns: [hindr*, mangel]\n    weak_patterns: [Mangel]")
    book = load_codebook(write(tmp_path, text))
    assert book.codes["barriers"].weak_patterns == frozenset({"mangel"})
    assert load_codebook().codes["opportunities"].weak_patterns >= {"må", "mer", "mulighet*"}


@pytest.mark.slow  # the pattern check loads 50,000 word frequencies
def test_cli_codebook_init_and_check(tmp_path, capsys):
    from utenforskap.cli import main

    own = tmp_path / "koder" / "min_kodebok.yaml"
    assert main(["codebook", "init", str(own)]) == 0
    text = own.read_text(encoding="utf-8")
    assert text.startswith("# min_kodebok.yaml: your own codebook") and "utenforskap codebook check min_kodebok.yaml" in text
    assert load_codebook(own).themes == load_codebook().themes
    assert main(["codebook", "init", str(own)]) == 2  # never overwrites
    assert "exists already" in capsys.readouterr().err
    assert main(["codebook", "check", str(own)]) == 0
    out = capsys.readouterr().out
    assert "gyldig; 3 temaer (barriers, opportunities, user_participation), 14 underkoder" in out
    assert "nynorske skrivemåter som mønstrene ikke fanger" in out
    broken = tmp_path / "brukket.yaml"
    broken.write_text(text.replace("patterns: [hindr*,", "patterns: [hindr*, '*',", 1), encoding="utf-8")
    assert main(["codebook", "check", str(broken)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "brukket.yaml:" in err and "matches every word" in err
