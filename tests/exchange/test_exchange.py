"""Codebook exchange (quanteda YAML, Markdown) and Parquet output."""

import pandas as pd
import pytest

from utenforskap import (
    CodebookError,
    code,
    codebook_markdown,
    from_quanteda_yaml,
    load_codebook,
    read_quanteda_dictionary,
    to_quanteda_yaml,
    write_parquet,
)


def test_quanteda_round_trip_keeps_tree_and_patterns(tmp_path):
    book = load_codebook()
    path = tmp_path / "dict.yml"
    path.write_text(to_quanteda_yaml(book), encoding="utf-8")
    back = read_quanteda_dictionary(path)
    assert list(back.codes) == list(book.codes)
    for c in book.codes:
        assert back.codes[c].parent == book.codes[c].parent
        assert [p.text for p in back.codes[c].patterns] == [p.text for p in book.codes[c].patterns]
    # the dictionary codes text the same way on patterns alone
    texts = ["Finansieringen er en hindring.", "Brukermedvirkningen må styrkes."]
    assert code(texts, codebook=back, context=False)["codes"].tolist() == [
        ["barriers", "funding_resources"],
        ["opportunities", "user_participation", "involvement"],
    ]


def test_quanteda_reads_a_plain_dictionary():
    text = "hindringer:\n  penger:\n    - penger\n    - finansier*\n  lover: [lov*]\nmuligheter:\n  - mulighet*\n"
    book = from_quanteda_yaml(text)
    assert book.themes == ["hindringer", "muligheter"]
    assert book.codes["penger"].parent == "hindringer"
    assert code(["Muligheter og penger"], codebook=book)["codes"].iat[0] == ["muligheter"]


def test_quanteda_bad_dictionary():
    with pytest.raises(CodebookError, match=r"\[hindringer -> patterns\] broken pattern 'pen\[ger'"):
        from_quanteda_yaml("hindringer:\n  - pen[ger\n")


def test_codebook_markdown():
    text = codebook_markdown()
    assert text.startswith("# Kodebok: Ungt utenforskap")
    assert "## Hindringer (`barriers`)" in text and "## Brukermedvirkning (`user_participation`)" in text
    assert "| `funding_resources` | Finansiering og ressurser |" in text


def test_parquet_round_trip(tmp_path, statements):
    pytest.importorskip("pyarrow")
    coded = code(statements)
    path = write_parquet(coded, tmp_path / "coded.parquet")
    back = pd.read_parquet(path)
    assert back["codes"].map(list).tolist() == coded["codes"].tolist()
    assert back["text"].tolist() == coded["text"].tolist()
    assert back["evidence"].iat[0][0]["code"] == coded["evidence"].iat[0][0]["code"]


def test_quanteda_writes_a_parent_s_own_patterns_under_an_empty_key():
    import yaml

    data = yaml.safe_load(to_quanteda_yaml())
    book = load_codebook()
    assert list(data["barriers"])[0] == ""  # quanteda merges values under an empty name into the key
    assert set(data["barriers"]) - {""} == set(book.codes["barriers"].children)

    # flattened as quanteda does (a key per mapping, values under '' to the key itself): all 17 codes
    def keys(node, prefix=""):
        out = []
        for k, v in node.items():
            if k == "":
                continue
            out.append(prefix + k)
            if isinstance(v, dict):
                out += keys(v, prefix + k + ".")
        return out

    assert len(keys(data)) == len(book.codes) == 17


def test_quanteda_reads_the_shape_quanteda_writes():
    # as.yaml() of a nested dictionary (quanteda's simplify_dictionary): a key's own
    # values after its sub-keys, under '__'; its reader also takes them under ''
    written_by_quanteda = (
        "hindringer:\n  penger:\n    - penger\n    - finansier*\n  __:\n    - hindr*\n    - barriere*\n"
        "muligheter:\n  '':\n    - mulighet*\n  samarbeid:\n    - samarbeid*\n"
    )
    book = from_quanteda_yaml(written_by_quanteda)
    assert list(book.codes) == ["hindringer", "penger", "muligheter", "samarbeid"]
    assert [p.text for p in book.codes["hindringer"].patterns] == ["hindr*", "barriere*"]
    assert [p.text for p in book.codes["muligheter"].patterns] == ["mulighet*"]
    assert code(["Samarbeid er en mulighet, penger en hindring"], codebook=book)["codes"].iat[0] == [
        "hindringer",
        "penger",
        "muligheter",
        "samarbeid",
    ]


def test_codebook_duplicate_pattern_warns(tmp_path):
    path = tmp_path / "bok.yaml"
    path.write_text(
        'name: test\ncodes:\n  hindringer:\n    label: Hindringer\n    patterns: [hindr*, lite på, "lite  på"]\n',
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"bok\.yaml:5: \[hindringer -> patterns\] pattern 'lite  på' is listed twice"):
        book = load_codebook(path)
    assert [p.text for p in book.codes["hindringer"].patterns] == ["hindr*", "lite på"]


def test_taguette_imports_the_codebook_with_its_own_code(tmp_path):
    import io

    taguette = pytest.importorskip("taguette.import_codebook")
    from utenforskap import to_taguette_csv

    book = load_codebook()
    tags = taguette.list_tags(io.BytesIO(to_taguette_csv(book).encode("utf-8")))
    assert len(tags) == len(book.codes) == 17
    by_path = {t["path"]: t["description"] for t in tags}
    assert "Hindringer.Finansiering og ressurser" in by_path and "Brukermedvirkning" in by_path
    assert by_path["Hindringer"].endswith("(Kode-id: barriers)")
    # Taguette's hierarchy: a sub-code's path starts with its theme's
    assert all(p.split(".")[0] in {book.label(t) for t in book.themes} for p in by_path)
