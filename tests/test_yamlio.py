"""metrics.yamlio: strict YAML parsing, located errors, and node lookup by path."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import yamlio


def test_parse_plain_document():
    doc = yamlio.parse("id: sample\nvalue: 12\nshare: 98.5\nwhen: 2023-06-19\nok: true\nlist: [场, 人次]\n")
    assert doc.data == {
        "id": "sample",
        "value": 12,
        "share": 98.5,
        "when": dt.date(2023, 6, 19),
        "ok": True,
        "list": ["场", "人次"],
    }


def test_parse_empty_document():
    doc = yamlio.parse("# only a comment\n")
    assert doc.data is None
    assert doc.locate(("anything",)) == (1, 1)


def test_quoted_scalars_stay_text():
    # Quoting is the documented way out of every YAML 1.1 surprise below.
    doc = yamlio.parse("a: 'NO'\nb: '012'\nc: '12:30'\nd: 'yes'\ne: \"0x1F\"\n")
    assert doc.data == {"a": "NO", "b": "012", "c": "12:30", "d": "yes", "e": "0x1F"}


@pytest.mark.parametrize(
    "text, fragment, line, col",
    [
        # a second ':' on one line: PyYAML's "mapping values are not allowed here"
        ("a: 1\nb: 2: 3\n", "YAML syntax: mapping values are not allowed", 2, 5),
        # unclosed flow sequence: located where the bracket opened, not where the parser gave up
        ("a: [1, 2\nb: 3\n", "YAML syntax: the [ opened here is not closed before line 2; close it with ]", 1, 4),
        ("a: {k: 1\nb: 3\n", "YAML syntax: the { opened here is not closed before line 2; close it with }", 1, 4),
        # unclosed quote: at the quote, though the parser only notices at the end of the file
        ('a: "text\nb: 3\nc: 4\n', 'YAML syntax: the quote " opened here is never closed (the parser ran on', 1, 4),
        ("a: 1\nb: 'text\nc: 4\n", "YAML syntax: the quote ' opened here is never closed", 2, 4),
        # tab indentation
        ("a:\n\tb: 1\n", "YAML syntax", 2, 1),
        # alias: located at the alias (*x), not at its anchor
        ("a: &x 1\nb: 2\nc: *x\n", "aliases (*name) are not allowed", 3, 4),
        # alias of a mapping, inside a sequence
        ("a: &m {k: 1}\nb:\n  - *m\n", "aliases (*name) are not allowed", 3, 5),
        # merge key
        ("a: &m {k: 1}\nb:\n  <<: *m\n", "merge keys (<<) are not allowed", 3, 3),
        # duplicate key: located at the second one
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3, 1),
        # duplicate key in a nested mapping
        ("top:\n  x: 1\n  y: 2\n  x: 1\n", "duplicate key 'x'", 4, 3),
        # YAML 1.1 booleans where text was meant
        ("publisher: NO\n", "'NO' would be read as a yes/no value", 1, 12),
        ("a: yes\n", "'yes' would be read as a yes/no value", 1, 4),
        ("a: Off\n", "'Off' would be read as a yes/no value", 1, 4),
        # leading zero: YAML 1.1 octal
        ("value: 012\n", "'012' has a leading zero, which YAML 1.1 reads as octal; write 12", 1, 8),
        # sexagesimal: 12:30 would be 750
        ("value: 12:30\n", "'12:30' would be read as a base-60 number", 1, 8),
        # hexadecimal
        ("value: 0x1F\n", "'0x1F': write numbers in decimal", 1, 8),
        # a date that does not exist: PyYAML raised a bare ValueError here
        ("published: 2024-13-01\n", "'2024-13-01' is not a valid date", 1, 12),
        ("published: 2023-02-30\n", "'2023-02-30' is not a valid date", 1, 12),
        # a key that is not a plain word
        ("? [a, b]\n: 1\n", "a key must be a plain word", 1, 3),
        # two documents in one file
        ("a: 1\n---\nb: 2\n", "expected a single document in the stream", 2, 1),
    ],
)
def test_parse_rejects(text, fragment, line, col):
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.parse(text)
    assert fragment in info.value.message
    assert (info.value.line, info.value.col) == (line, col)


def test_parse_rejects_oversized_text(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_BYTES", 100)
    with pytest.raises(yamlio.YamlError, match="file is larger than"):
        yamlio.parse("a: " + "x" * 200)


def test_alias_bomb_is_refused_quickly():
    # A billion-laughs document composes fast; it must be refused at the first alias.
    levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(yamlio.YamlError, match="aliases") as info:
        yamlio.parse("\n".join(levels) + "\n")
    assert info.value.line == 2


def test_read_file(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes("\ufeffname: 宿迁\n".encode("utf-8"))  # a BOM, as Windows editors write it
    assert yamlio.read(path).data == {"name": "宿迁"}


@pytest.mark.parametrize(
    "raw, line, col, byte",
    [
        # GBK: the first Chinese character is the first bad byte
        ("a: 1\nname: 宿迁\n".encode("gbk"), 2, 7, 11),
        # valid UTF-8 up to a stray byte: column counts characters, not bytes
        ("a: 1\nb: 中文".encode() + b"\xff\n", 2, 6, 14),
        # after a BOM, the byte offset is still the file's
        (b"\xef\xbb\xbfa: \xff\n", 1, 4, 6),
    ],
)
def test_read_rejects_non_utf8(tmp_path, raw, line, col, byte):
    path = tmp_path / "a.yaml"
    path.write_bytes(raw)
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.read(path)
    assert info.value.message == f"file is not UTF-8 (byte {byte}); save it as UTF-8"
    assert (info.value.line, info.value.col) == (line, col)


def test_read_rejects_oversized_file(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (yamlio.MAX_BYTES + 1))
    with pytest.raises(yamlio.YamlError, match="file is larger than 2 MB"):
        yamlio.read(path)


DOC = """\
id: sample
reports:
  sample-2023:
    period: {start: 2023-01-01, end: 2023-12-31}
observations:
  - indicator: a.b
    value: 122
  - indicator: c.d
    value: 3
"""


@pytest.mark.parametrize(
    "path, expected",
    [
        (("id",), (1, 5)),
        (("reports", "sample-2023", "period", "end"), (4, 38)),
        (("observations", 1), (8, 5)),
        (("observations", 1, "value"), (9, 12)),
        # a path that goes further than the document: the deepest node found
        (("observations", 1, "quote"), (8, 5)),
        (("observations", 7, "value"), (6, 3)),
        # an unknown key at the top: the document itself
        (("nothing",), (1, 1)),
    ],
)
def test_locate(path, expected):
    assert yamlio.parse(DOC).locate(path) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        (("reports", "sample-2023", "period"), (4, 5)),
        (("observations", 0, "value"), (7, 5)),
        (("id",), (1, 1)),
        # an absent key falls back to the deepest node on the way
        (("observations", 0, "missing"), (6, 5)),
    ],
)
def test_locate_key(path, expected):
    assert yamlio.parse(DOC).locate_key(path) == expected


@pytest.mark.parametrize(
    "text, line, col",
    [
        # 350 nested mappings in a few KB: every page that walked them used to crash
        (
            "id: x\nobservations:\n" + "".join("  " * (i + 1) + f"a{i}:\n" for i in range(350)) + "  " * 351 + "b: 1\n",
            14,
            25,
        ),
        ("id: x\nobservations: " + "[" * 400 + "]" * 400 + "\n", 2, 26),
        ("id: x\nobservations: " + "{a: " * 300 + "1" + "}" * 300 + "\n", 2, 59),
    ],
    ids=["block-mappings", "flow-sequences", "flow-mappings"],
)
def test_nesting_deeper_than_a_city_file_is_one_located_error(text, line, col):
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.parse(text)
    assert (info.value.line, info.value.col) == (line, col)
    assert info.value.message.startswith(f"nested more than {yamlio.MAX_DEPTH} levels deep here")


def test_a_city_file_is_well_within_the_depth_limit():
    # observations -> an observation -> period -> start: four levels below the document
    doc = yamlio.parse("observations:\n  - period: {start: 2023-01-01, end: 2023-12-31}\n")
    assert doc.data["observations"][0]["period"]["start"] == dt.date(2023, 1, 1)
