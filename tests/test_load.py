"""metrics.load: validation of city files with located problems, load_all, and the DuckDB tables.

Every kind of bad input is a mutation of the fixture city (tests/fixtures/data/cities/sample.yaml)
written to a copy of the fixture data folder; each case names the message it expects and the
text the problem must point at (its line and column are computed from the mutated file).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from metrics import folder, load, messages, yamlio

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
BASE = (FIXTURE_DATA / "cities" / "sample.yaml").read_text(encoding="utf-8")
SOURCE = "sources/sample-2023.txt"
LOCATED = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")


def replace(text: str, old: str, new: str) -> str:
    """Replaces a fragment that must occur exactly once, so a changed fixture fails loudly."""
    assert text.count(old) == 1, f"the fixture should contain {old!r} exactly once"
    return text.replace(old, new)


def position(text: str, anchor: str, nth: int = 0) -> tuple[int, int]:
    """The 1-based (line, col) of the nth occurrence of anchor in text."""
    assert text.count(anchor) > nth, f"{anchor!r} occurs {text.count(anchor)} times"
    index = -1
    for _ in range(nth + 1):
        index = text.index(anchor, index + 1)
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


@dataclass
class Case:
    """A mutation of the fixture and the single problem it must produce."""

    id: str
    edits: list[tuple[str, str]]  # (old, new) in the city file
    fragment: str  # expected in the message
    anchor: str | None  # what the problem points at in the mutated file; None: line 1, col 1
    nth: int = 0  # which occurrence of the anchor
    source_edits: list[tuple[str, str]] = field(default_factory=list)
    finish: Callable[[str], str | bytes] | None = None  # a last change to the whole file

    def city_text(self) -> str:
        text = BASE
        for old, new in self.edits:
            text = replace(text, old, new)
        return text


OBS0 = "  - indicator: employment.training_sessions\n    value: 122\n    unit: 场\n    report: sample-2023\n    quote: 开展各类培训活动122场\n"

CASES = [
    Case(
        "yaml-syntax",
        [("    value: 122\n", "    value: 122: 3\n")],
        "YAML syntax: mapping values are not allowed",
        ": 3",
    ),
    Case(
        "yaml-syntax-unclosed-flow",
        [("    unit: 场\n", "    unit: [场\n")],
        "YAML syntax: the [ opened here is not closed before line",
        "[场",  # where the bracket opened (the parser gives up a line later)
    ),
    Case(
        "yaml-syntax-unclosed-quote",
        [("    quote: 开展各类培训活动122场\n", '    quote: "开展各类培训活动122场\n')],
        'YAML syntax: the quote " opened here is never closed',
        '"开展各类',  # at the quote, not at the end of the file where the parser notices
    ),
    # the anchor itself is harmless; the editor is sent to the alias
    Case(
        "alias",
        [
            ("  source: 测试用人口数\n", "  source: &src 测试用人口数\n"),
            ("    quote: 培训妇女1.5万余人\n", "    quote: 培训妇女1.2万余人\n    note: *src\n"),
        ],
        "aliases (*name) are not allowed; write the value out in full",
        "*src",
    ),
    Case(
        "duplicate-key",
        [("    quote: 开展各类培训活动122场\n", "    quote: 开展各类培训活动122场\n    unit: 场\n")],
        "duplicate key 'unit'; each key may appear once",
        "unit: 场",
        nth=1,
    ),
    Case(
        "boolean-no-for-text",
        [("    publisher: 样例市妇联\n", "    publisher: NO\n")],
        "'NO' would be read as a yes/no value; write true or false, or quote it",
        "NO",
    ),
    Case(
        "boolean-yes-for-text",
        [("    quote: 儿童友好学校10个\n", "    quote: yes\n")],
        "'yes' would be read as a yes/no value",
        "yes",
    ),
    Case(
        "leading-zero",
        [("    value: 122\n", "    value: 012\n")],
        "'012' has a leading zero, which YAML 1.1 reads as octal; write 12 or quote it",
        "012",
    ),
    Case(
        "sexagesimal",
        [("    value: 122\n", "    value: 12:30\n")],
        "'12:30' would be read as a base-60 number",
        "12:30",
    ),
    Case(
        "impossible-date",
        [("    published: 2024-01-15\n", "    published: 2024-13-01\n")],
        "'2024-13-01' is not a valid date",
        "2024-13-01",
    ),
    Case(
        "file-too-large",
        [],
        "file is larger than 2 MB",
        None,
        finish=lambda text: text + "# " + "x" * yamlio.MAX_BYTES + "\n",
    ),
    # saved as GBK: located at the first character that is not UTF-8
    Case(
        "not-utf8",
        [],
        "file is not UTF-8 (byte 22); save it as UTF-8",
        "样例市",
        finish=lambda text: text.encode("gbk"),
    ),
    Case(
        "not-a-mapping",
        [],
        "a city file is a mapping with id, name, ..., observations",
        None,
        finish=lambda text: "- sample\n- city\n",
    ),
    Case(
        "unknown-key-typo",
        [("    qualifier: more_than\n", "    qualifer: more_than\n")],
        "observations.1.qualifer: unknown key 'qualifer'; check its spelling",
        "qualifer",
    ),
    Case(
        "unknown-top-level-key",
        [("level: prefecture\n", "level: prefecture\nmayor: 某某\n")],
        "mayor: unknown key 'mayor'",
        "mayor",
    ),
    # missing keys point at the mapping that lacks them
    Case(
        "missing-key",
        [(OBS0, OBS0.replace("    report: sample-2023\n", ""))],
        "observations.0.report: missing key 'report'",
        "indicator: employment.training_sessions",
    ),
    Case(
        "missing-top-level-key",
        [("province: {zh: 测试省, en: Testland}\n", "")],
        "province: missing key 'province'",
        None,
    ),
    Case(
        "unknown-indicator",
        [("indicator: employment.training_sessions", "indicator: employment.trainng_sessions")],
        "unknown indicator 'employment.trainng_sessions'; did you mean 'employment.training_sessions'?",
        "employment.trainng_sessions",
    ),
    Case(
        "unknown-report",
        [(OBS0, OBS0.replace("report: sample-2023", "report: sample-2022"))],
        "observations.0.report: unknown report 'sample-2022'; this file's reports are: sample-2023",
        "sample-2022",
    ),
    Case(
        "bad-qualifier-word",
        [("    qualifier: nearly\n", "    qualifier: almost\n")],
        "Input should be 'exact', 'more_than', 'nearly' or 'about' (got 'almost')",
        "almost",
    ),
    # units that do not convert
    Case(
        "unit-households-for-sessions",
        [("    unit: 场\n", "    unit: 户\n")],
        "observations.0.unit: 户 counts households, but employment.training_sessions counts events or sessions "
        "(one axis, one kind of thing); use employment.households_employed",
        "户",
    ),
    Case(
        "unit-money-for-count",
        [("    unit: 万人\n", "    unit: 万元\n")],
        "observations.1.unit: unit '万元' does not fit this indicator",
        "万元",
    ),
    Case(
        "unit-percent-for-money",
        [("    unit: 元\n", "    unit: '%'\n")],
        "observations.3.unit: unit '%' is not money; expected 元, 万元 or 亿元",
        "'%'",
    ),
    # quotes and numbers
    Case(
        "quote-not-in-source",
        [("quote: 开展各类培训活动122场", "quote: 开展各类讲座活动122场")],
        "quote not found in the source text: it matches up to '开展各类' and then the article differs at '讲座活动122场'",
        "开展各类讲座活动122场",
    ),
    Case(
        "number-not-in-quote",
        [(OBS0, OBS0.replace("value: 122", "value: 123"))],
        "value 123 场 is not in the quote (numbers in the quote: 122)",
        "开展各类培训活动122场",
    ),
    Case(
        "number-without-its-multiplier",
        [("    value: 1.2\n", "    value: 12000\n")],
        "value 12000 亿元 is not in the quote",
        "帮助女企业家争取贷款1.2亿元",
    ),
    # the value times its unit's multiplier must be the quote's number: 15000 万人 is 1.5亿
    Case(
        "number-multiplied-twice",
        [("    value: 1.5\n", "    value: 15000\n")],
        "value 15000 万人 is not in the quote (numbers in the quote: 1.5万)",
        "培训妇女1.5万余人",
    ),
    Case(
        "qualifier-exact-but-quote-has-yu",
        [("    qualifier: more_than\n", "")],
        "qualifier is exact but the quote writes 余/多/超过 before or after 1.5万; expected qualifier: more_than",
        "培训妇女1.5万余人",
    ),
    Case(
        "qualifier-exact-but-quote-has-jin",
        [("    qualifier: nearly\n", "")],
        "qualifier is exact but the quote writes 近 before or after 400; expected qualifier: nearly",
        "调解婚姻家庭纠纷近400起",
    ),
    Case(
        "qualifier-more-than-but-quote-exact",
        [(OBS0, OBS0.replace("    unit: 场\n", "    unit: 场\n    qualifier: more_than\n"))],
        "qualifier is more_than but the quote writes no qualifier before or after 122; expected qualifier: exact",
        "开展各类培训活动122场",
    ),
    # periods and values
    Case(
        "observation-period-reversed",
        [(OBS0, OBS0 + "    period: {start: 2023-12-31, end: 2023-01-01}\n")],
        "observations.0.period: period starts 2023-12-31 after it ends 2023-01-01; expected start <= end",
        "{start: 2023-12-31",
    ),
    Case(
        "report-period-reversed",
        [("period: {start: 2023-01-01, end: 2023-12-31}", "period: {start: 2024-01-01, end: 2023-12-31}")],
        "reports.sample-2023.period: period starts 2024-01-01 after it ends 2023-12-31",
        "{start: 2024-01-01",
    ),
    Case(
        "negative-value",
        [("    value: 122\n", "    value: -5\n")],
        "observations.0.value: Input should be greater than or equal to 0 (got -5)",
        "-5",
    ),
    Case(
        "text-for-value",
        [("    value: 122\n", "    value: '122'\n")],
        "observations.0.value: Input should be a valid number (got '122')",
        "'122'",
    ),
    Case(
        "percent-over-100",
        [("    value: 98.5\n", "    value: 101.5\n"), ("覆盖率达98.5%", "覆盖率达101.5%")],
        "observations.7.value: a percentage is at most 100 (got 101.5)",
        "101.5",
        source_edits=[("覆盖率达98.5%", "覆盖率达101.5%")],
    ),
    Case(
        "id-differs-from-stem",
        [("id: sample\n", "id: other\n")],
        "id 'other' differs from the file name; expected 'sample'",
        "other",
    ),
    # a second copy of the first observation, appended at the end
    Case(
        "duplicate-observation",
        [("    quote: 全市新经济组织妇联覆盖率达98.5%\n", "    quote: 全市新经济组织妇联覆盖率达98.5%\n" + OBS0)],
        "same indicator, report, period and breakdown as the observation at line 20",
        "employment.training_sessions",
        nth=1,
    ),
    Case(
        "breakdown-part-beside-plain-value",
        [("    breakdown: {zh: 儿童友好学校, en: Child-friendly schools}\n", "")],
        "child.friendly_sites: a value without breakdown stands beside parts of the same indicator, report and period (line 47)",
        "- indicator: child.friendly_sites",
        nth=1,
    ),
    Case(
        "source-file-missing",
        [("    source: sources/sample-2023.txt\n", "    source: sources/missing.txt\n")],
        "reports.sample-2023.source: sources/missing.txt does not exist under data/",
        "sources/missing.txt",
    ),
    Case(
        "source-outside-sources",
        [("    source: sources/sample-2023.txt\n", "    source: ../etc/passwd\n")],
        "reports.sample-2023.source: String should match pattern",
        "../etc/passwd",
    ),
    Case(
        "published-unknown-without-note",
        [("    published: 2024-01-15\n", "    published: unknown\n")],
        "reports.sample-2023: published is unknown: add published_note saying how the date was inferred",
        "title: {zh: 样例市妇联2023年工作",
    ),
    Case(
        "published-neither-date-nor-unknown",
        [("    published: 2024-01-15\n", "    published: soon\n")],
        "reports.sample-2023.published: Input should be a valid date or 'unknown' (got 'soon')",
        "soon",
    ),
    Case(
        "observation-not-a-mapping",
        [(OBS0, "  - 开展各类培训活动122场\n")],
        "observations.0: Input should be a valid dictionary",
        "开展各类培训活动122场",
    ),
    Case(
        "population-as-written",
        [("  value: 1000000\n", "  value: 100万\n")],
        "population.value: Input should be a valid integer (got '100万')",
        "100万",
    ),
]


def _write(data_dir: Path, case: Case) -> Path:
    text: str | bytes = case.city_text()
    if case.finish:
        text = case.finish(text)
    path = data_dir / "cities" / "sample.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    source = data_dir / SOURCE
    source_text = source.read_text(encoding="utf-8")
    for old, new in case.source_edits:
        source_text = replace(source_text, old, new)
    source.write_text(source_text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_located_problem(case, data_copy):
    path = _write(data_copy, case)
    catalog = load.load_catalog(data_copy / "catalog.yaml")
    city, problems = load.load_city(path, catalog, data_copy)
    assert city is None
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    line, col = position(case.city_text(), case.anchor, case.nth) if case.anchor else (1, 1)
    assert (problem.line, problem.col) == (line, col), str(problem)
    assert case.fragment in problem.message
    assert str(problem) == f"{load.display_path(path)}:{line}:{col}: {problem.message}"
    assert_in_chinese(problem)


def assert_in_chinese(problem) -> None:
    """The Chinese pages show every message in Chinese (its code's row of metrics.messages, not
    the fallback), keeping its quoted values."""
    message, zh = problem.message, problem.body("zh")
    assert problem.code in messages.MESSAGES and problem.code != "invalid_value", f"no code of its own: {message}"
    assert re.search("[\u4e00-\u9fff]", re.sub("'[^']*'", "", zh)), zh
    for quoted in re.findall("'[^']*'", message):
        assert quoted in zh, f"{quoted} lost in: {zh}"
    assert problem.body("en") == message


def test_fixture_city_is_valid(data_copy):
    catalog = load.load_catalog(data_copy / "catalog.yaml")
    city, problems = load.load_city(data_copy / "cities" / "sample.yaml", catalog, data_copy)
    assert problems == []
    assert city.header.id == "sample"
    by_indicator = {obs.indicator: value for obs, value in zip(city.observations, city.canonical, strict=True)}
    assert by_indicator["employment.loans_amount"] == pytest.approx(120_000_000)  # 1.2亿元
    assert by_indicator["employment.women_trained"] == pytest.approx(15_000)  # 1.5万人
    assert by_indicator["employment.funds"] == 8000
    assert by_indicator["organisation.coverage_rate"] == 98.5
    # each observation's line is its "- indicator:" line
    assert city.lines == [i + 1 for i, line in enumerate(BASE.splitlines()) if line.startswith("  - indicator:")]
    assert city.sources["sample-2023"] == (data_copy / SOURCE).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "quote",
    [
        "開展各類培訓活動122場",  # traditional, as the article writes it
        "開展各類培訓(xùn)活動122場",  # with the article's pinyin annotation
        "开展各类培训活动 122 场",  # spaces
        "开展各类培训活动１２２场",  # full-width digits
    ],
)
def test_quotes_match_after_normalisation(data_copy, quote):
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(replace(BASE, "quote: 开展各类培训活动122场", f"quote: {quote}"), encoding="utf-8")
    city, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert problems == [] and city is not None


def test_qualifier_nearly_is_accepted_for_jin(data_copy):
    # the fixture's 近400起 is nearly; about (约) would be another qualifier
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(replace(BASE, "    qualifier: nearly\n", "    qualifier: about\n"), encoding="utf-8")
    _, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert [p.message for p in problems] == [
        "observations.4.quote: qualifier is about but the quote writes 近 before or after 400; expected qualifier: nearly"
    ]


@pytest.mark.parametrize(
    "source, fragment",
    [
        # no header: a source file starts with publisher and date, ended by ---
        (lambda raw: raw.replace("---\n", ""), "has no header ended by a line '---'"),
        (lambda raw: raw.encode("gbk"), "sources/sample-2023.txt is not UTF-8 under data/"),
    ],
    ids=["no-header", "not-utf8"],
)
def test_bad_source_file(data_copy, source, fragment):
    path = data_copy / SOURCE
    changed = source(path.read_text(encoding="utf-8"))
    path.write_bytes(changed if isinstance(changed, bytes) else changed.encode("utf-8"))
    _, problems = load.load_city(
        data_copy / "cities" / "sample.yaml", load.load_catalog(data_copy / "catalog.yaml"), data_copy
    )
    located = [p for p in problems if fragment in p.message]
    assert len(located) == 1, problems
    assert (located[0].line, located[0].col) == position(BASE, "sources/sample-2023.txt")
    assert_in_chinese(located[0])


def test_deleted_source_file(data_copy):
    (data_copy / SOURCE).unlink()
    _, problems = load.load_city(
        data_copy / "cities" / "sample.yaml", load.load_catalog(data_copy / "catalog.yaml"), data_copy
    )
    assert [(p.line, p.col, p.message) for p in problems] == [
        (
            *position(BASE, "sources/sample-2023.txt"),
            "reports.sample-2023.source: sources/sample-2023.txt does not exist under data/",
        )
    ]


def test_every_problem_in_a_file_is_reported_at_once(data_copy):
    text = replace(BASE, "indicator: employment.training_sessions", "indicator: employment.trainng_sessions")
    text = replace(text, "    qualifier: more_than\n", "    qualifer: more_than\n")
    text = replace(text, "    value: 1.2\n", "    value: 1.3\n")
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert [(p.line, p.col) for p in problems] == [
        position(text, "employment.trainng_sessions"),
        position(text, "qualifer"),
        position(text, "帮助女企业家争取贷款1.2亿元"),
    ]
    assert "did you mean" in problems[0].message
    assert "unknown key 'qualifer'" in problems[1].message
    assert "value 1.3 亿元 is not in the quote" in problems[2].message


def test_problem_format_is_path_line_col_message(data_copy, monkeypatch):
    # paths are shown relative to the working directory, as an editor types them
    monkeypatch.chdir(data_copy.parent)
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(replace(BASE, "    value: 122\n", "    value: -5\n"), encoding="utf-8")
    _, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    line, col = position(path.read_text(encoding="utf-8"), "-5")
    assert (
        str(problems[0])
        == f"data/cities/sample.yaml:{line}:{col}: observations.0.value: Input should be greater than or equal to 0 (got -5)"
        "; this observation's indicator, unit and quote are checked once its fields are valid: more problems may follow"
    )
    assert LOCATED.match(str(problems[0]))


def test_unreadable_city_file(data_copy):
    problems = load.load_city(
        data_copy / "cities" / "nothere.yaml", load.load_catalog(data_copy / "catalog.yaml"), data_copy
    )[1]
    assert [(p.line, p.col) for p in problems] == [(1, 1)]
    assert problems[0].message == "cannot read the file: it does not exist"
    assert problems[0].body("zh") == "无法读取文件：文件不存在"


@pytest.mark.parametrize(
    "error, words, chinese",
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied", "没有读取权限"),
        (IsADirectoryError(errno.EISDIR, "Is a directory"), "it is a folder, not a file", "这是文件夹"),
        (OSError(errno.EIO, "Input/output error"), "the disk reported an input/output error", "磁盘读写出错"),
        (OSError(errno.ENXIO, "No such device or address"), "the system refused (ENXIO)", "系统拒绝（ENXIO）"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_without_system_text(data_copy, monkeypatch, error, words, chinese):
    """Issue 11: no errno text and no absolute server path in what a viewer may see."""
    path = data_copy / "cities" / "sample.yaml"
    catalog = load.load_catalog(data_copy / "catalog.yaml")

    def refuse(self):
        raise type(error)(error.errno, error.strerror, str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    problems = load.load_city(path, catalog, data_copy)[1]
    assert [p.message for p in problems] == [f"cannot read the file: {words}"]
    assert chinese in problems[0].body("zh")
    shown = str(problems[0])
    assert str(data_copy) not in shown and error.strerror not in shown
    assert shown.startswith("…/cities/sample.yaml:1:1: ")


def test_a_city_file_written_while_it_is_read_is_read_again_never_served_half(data_copy, monkeypatch):
    """Issue 11: an editor saving in place (not atomically) while the server reads. The reader
    sees the first half of the file; the writer finishes during the read. Before, the half was
    served as a valid city with fewer observations; now the change is seen and the file re-read."""
    monkeypatch.setattr(yamlio, "SETTLE_SECONDS", 0.05)
    path = data_copy / "cities" / "sample.yaml"
    catalog = load.load_catalog(data_copy / "catalog.yaml")
    full = path.read_bytes()
    whole, _ = load.load_city(path, catalog, data_copy)
    cut = full.index(b"\n  - ", len(full) // 2) + 1  # half the file, cut between two observations
    half = full[:cut]
    half_city, _ = load.load_city_text(half.decode(), "half.yaml", "sample", catalog, data_copy)
    assert half_city is not None and len(half_city.observations) < len(whole.observations)  # valid, but half

    real_read = Path.read_bytes
    reads = []

    def read_while_the_writer_finishes(self):
        if self == path and not reads:
            reads.append("half")
            path.write_bytes(full)  # the rest arrives while the reader holds the half
            return half
        reads.append("whole")
        return real_read(self)

    path.write_bytes(half)
    os.utime(path, (1_700_000_000, 1_700_000_000))  # written a while ago, as far as the reader can tell
    monkeypatch.setattr(Path, "read_bytes", read_while_the_writer_finishes)
    city, problems = load.load_city(path, catalog, data_copy)
    assert problems == []
    assert len(city.observations) == len(whole.observations)
    assert reads[:2] == ["half", "whole"]


def test_a_file_that_never_keeps_still_is_a_located_problem_not_a_half(data_copy, monkeypatch):
    monkeypatch.setattr(yamlio, "SETTLE_SECONDS", 0.0)
    path = data_copy / "cities" / "sample.yaml"
    real_read = Path.read_bytes
    count = []

    def always_growing(self):
        data = real_read(self)
        if self == path:
            count.append(1)
            self.write_bytes(data + b"# more\n")
        return data

    monkeypatch.setattr(Path, "read_bytes", always_growing)
    city, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert city is None and len(count) == yamlio.READ_ATTEMPTS
    assert [(p.line, p.col) for p in problems] == [(1, 1)]
    assert "kept changing while it was read" in problems[0].message
    assert "读取时文件一直在变化" in problems[0].body("zh")


def test_a_just_modified_file_is_read_once_it_keeps_still(data_copy, monkeypatch):
    monkeypatch.setattr(yamlio, "SETTLE_SECONDS", 0.2)
    path = data_copy / "cities" / "sample.yaml"
    path.write_bytes(path.read_bytes())  # modified now
    slept, real_sleep = [], time.sleep
    monkeypatch.setattr(yamlio.time, "sleep", lambda s: (slept.append(s), real_sleep(s)))
    city, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert problems == [] and city is not None
    assert slept and 0 < slept[0] <= 0.2


def test_load_city_text_with_a_source_not_yet_saved(data_copy):
    (data_copy / SOURCE).unlink()
    catalog = load.load_catalog(data_copy / "catalog.yaml")
    raw = (FIXTURE_DATA / SOURCE).read_text(encoding="utf-8")
    city, problems = load.load_city_text(BASE, "upload.yaml", "sample", catalog, data_copy, extra_sources={SOURCE: raw})
    assert problems == [] and len(city.observations) == 8
    _, problems = load.load_city_text(BASE, "upload.yaml", "sample", catalog, data_copy)
    assert [str(p) for p in problems] == [
        f"upload.yaml:{position(BASE, SOURCE)[0]}:{position(BASE, SOURCE)[1]}: reports.sample-2023.source: {SOURCE} does not exist under data/"
    ]


# --- load_all -------------------------------------------------------------------------------


def _add_city(data_dir: Path, city_id: str) -> None:
    """A second valid city: the fixture under another id, citing the same kind of source."""
    text = BASE.replace("sample", city_id)
    (data_dir / "cities" / f"{city_id}.yaml").write_text(text, encoding="utf-8")
    shutil.copy(data_dir / SOURCE, data_dir / "sources" / f"{city_id}-2023.txt")


def test_load_all_keeps_good_cities_and_the_problems_of_a_broken_one(data_copy):
    _add_city(data_copy, "second")
    broken = data_copy / "cities" / "broken.yaml"
    text = BASE.replace("sample", "broken")
    text = replace(text, "    value: 122\n", "    value: 123\n")
    text = replace(text, "    qualifier: nearly\n", "")
    broken.write_text(text, encoding="utf-8")
    shutil.copy(data_copy / SOURCE, data_copy / "sources" / "broken-2023.txt")

    dataset = load.load_all(data_copy)
    assert sorted(dataset.cities) == ["sample", "second", "twoyears"]
    assert dataset.failed_files == [load.display_path(broken)]
    assert [p.path for p in dataset.problems] == [load.display_path(broken)] * 2
    assert [p.line for p in dataset.problems] == [
        position(text, "开展各类培训活动122场")[0],
        position(text, "调解婚姻家庭纠纷近400起")[0],
    ]

    con = load.build_database(dataset)
    with con.cursor() as cur:
        assert cur.execute("SELECT city_id FROM cities ORDER BY 1").fetchall() == [
            ("sample",),
            ("second",),
            ("twoyears",),
        ]
        assert cur.execute("SELECT count(*) FROM problems WHERE path = ?", [load.display_path(broken)]).fetchone() == (
            2,
        )
        assert cur.execute("SELECT count(*) FROM observations WHERE city_id = 'broken'").fetchone() == (0,)


def test_load_all_of_chosen_files(data_copy):
    _add_city(data_copy, "second")
    dataset = load.load_all(data_copy, [data_copy / "cities" / "second.yaml"])
    assert list(dataset.cities) == ["second"]


def test_city_files_are_in_name_order(data_copy):
    _add_city(data_copy, "aaa")
    (data_copy / "cities" / "notes.txt").write_text("not a city", encoding="utf-8")
    assert [p.name for p in load.city_files(data_copy)] == ["aaa.yaml", "sample.yaml", "twoyears.yaml"]


@pytest.mark.parametrize(
    "edit, fragment, anchor",
    [
        (
            (
                "unit: yuan\n    measure: yuan\n    per_capita: true\n  rights",
                "unit: dollars\n    measure: yuan\n    per_capita: true\n  rights",
            ),
            "indicators.employment.funds.unit: Input should be 'count', 'yuan' or 'percent' (got 'dollars')",
            "dollars",
        ),
        (
            ("  rights:\n    order: 2\n", "  rights:\n    order: 2\n  rights:\n    order: 3\n"),
            "duplicate key 'rights'",
            "rights:\n    order: 3",
        ),
        (("categories:\n", "categories: [\n"), "YAML syntax", None),
    ],
    ids=["bad-unit", "duplicate-category", "syntax"],
)
def test_broken_catalog_raises_located_problems(data_copy, edit, fragment, anchor):
    path = data_copy / "catalog.yaml"
    text = replace(path.read_text(encoding="utf-8"), *edit)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(load.CatalogError) as info:
        load.load_all(data_copy)
    problems = info.value.problems
    assert any(fragment in p.message for p in problems), problems
    if anchor:
        assert (problems[0].line, problems[0].col) == position(text, anchor)
    assert all(LOCATED.match(line) for line in str(info.value).splitlines())


def test_missing_catalog(data_copy):
    (data_copy / "catalog.yaml").unlink()
    with pytest.raises(load.CatalogError, match=r"catalog\.yaml:1:1: cannot read the file: it does not exist"):
        load.load_all(data_copy)


# --- DuckDB ---------------------------------------------------------------------------------


@pytest.fixture
def fixture_db(data_copy):
    con = load.build_database(load.load_all(data_copy))
    with con.cursor() as cur:
        yield cur
    con.close()


def test_tables_and_views(fixture_db):
    names = dict(fixture_db.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    # the derived tables are materialised once per build: page queries read them
    assert names == {
        "categories": "BASE TABLE",
        "indicators": "BASE TABLE",
        "cities": "BASE TABLE",
        "reports": "BASE TABLE",
        "observations": "BASE TABLE",
        "problems": "BASE TABLE",
        "observations_full": "BASE TABLE",
        "latest_reports": "BASE TABLE",
        "indicator_values": "BASE TABLE",
        "indicator_values_by_indicator": "BASE TABLE",
        "city_summary": "BASE TABLE",
        "category_summary": "BASE TABLE",
        "indicator_summary": "BASE TABLE",
        "coverage": "BASE TABLE",
    }
    dataset = load.load_all(FIXTURE_DATA)
    counts = {t: fixture_db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in names}
    n_obs = sum(len(c.observations) for c in dataset.cities.values())
    # one value per group of breakdown parts: the fixture's parts are its child-friendly sites
    n_parts = sum(1 for c in dataset.cities.values() for o in c.observations if o.breakdown is not None)
    assert counts == {
        "categories": len(dataset.catalog.categories),
        "indicators": len(dataset.catalog.indicators),
        "cities": len(dataset.cities),
        "reports": sum(len(c.header.reports) for c in dataset.cities.values()),
        "observations": n_obs,
        "problems": 0,
        "observations_full": n_obs,
        "latest_reports": len(dataset.cities),
        "indicator_values": n_obs - n_parts + 1,
        "indicator_values_by_indicator": n_obs - n_parts + 1,  # the same rows, in indicator order
        "city_summary": len(dataset.cities),
        "category_summary": len(dataset.catalog.categories),
        "indicator_summary": len(dataset.catalog.indicators),
        "coverage": len(dataset.cities) * len(dataset.catalog.categories),
    }
    # the summaries count what the observations hold
    assert fixture_db.execute("SELECT sum(n_observations) FROM city_summary").fetchone()[0] == n_obs
    assert fixture_db.execute("SELECT max(n_cities) FROM indicator_summary").fetchone()[0] <= len(dataset.cities)


def test_observations_keep_the_value_as_written_beside_the_canonical_value(fixture_db):
    rows = fixture_db.execute(
        "SELECT indicator_id, value, value_as_written, unit_as_written, qualifier, period_start, period_end, line "
        "FROM observations WHERE indicator_id IN ('employment.loans_amount', 'rights.disputes_mediated') "
        "AND city_id = 'sample' ORDER BY 1"
    ).fetchall()
    loans, disputes = rows
    assert loans[:5] == ("employment.loans_amount", 120_000_000.0, 1.2, "亿元", "exact")
    assert disputes[:5] == ("rights.disputes_mediated", 400.0, 400.0, "起", "nearly")
    assert str(loans[5]) == "2023-01-01" and str(loans[6]) == "2023-12-31"  # the report's period
    assert loans[7] == position(BASE, "- indicator: employment.loans_amount")[0]


def test_per_100k_and_sum_of_parts(fixture_db):
    per_100k = fixture_db.execute(
        "SELECT per_100k FROM observations_full WHERE indicator_id = 'employment.training_sessions'"
    ).fetchone()[0]
    assert per_100k == pytest.approx(122 / 1_000_000 * 100_000)
    # a percentage has no per-resident figure
    assert fixture_db.execute(
        "SELECT per_100k FROM observations_full WHERE indicator_id = 'organisation.coverage_rate'"
    ).fetchone() == (None,)
    value, n_parts, is_sum, breakdowns = fixture_db.execute(
        "SELECT value, n_parts, is_sum_of_parts, breakdowns_zh FROM indicator_values WHERE indicator_id = 'child.friendly_sites'"
    ).fetchone()
    assert (value, n_parts, is_sum, breakdowns) == (18, 2, True, ["儿童友好社区", "儿童友好学校"])


def test_own_period_and_tally(data_copy):
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(
        replace(BASE, OBS0, OBS0 + "    period: {start: 2021-01-01, end: 2023-12-31}\n"),
        encoding="utf-8",
    )
    con = load.build_database(load.load_all(data_copy))
    row = con.execute(
        "SELECT period_start, period_end, own_period, tally, cumulative FROM observations "
        "WHERE indicator_id = 'employment.training_sessions' AND city_id = 'sample'"
    ).fetchone()
    assert tuple(map(str, row)) == ("2021-01-01", "2023-12-31", "True", "flow", "False")  # a multi-year flow


def test_fingerprint_changes_when_a_file_changes(data_copy):
    before = load.fingerprint(data_copy)
    assert load.fingerprint(data_copy) == before
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(BASE + "# an edit\n", encoding="utf-8")
    assert load.fingerprint(data_copy) != before
    # the catalog and a source text count too, and stats taken once serve the fingerprint as well
    after_city = load.fingerprint(data_copy)
    catalog = data_copy / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    assert load.fingerprint(data_copy) != after_city
    source = data_copy / SOURCE
    taken = folder.stats(data_copy)
    assert folder.fingerprint(data_copy, taken) == load.fingerprint(data_copy)
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load.fingerprint(data_copy) != folder.fingerprint(data_copy, taken)


def test_a_broken_header_says_the_quotes_wait_for_it(data_copy):
    # with the header invalid, no quote is checked against its article: the first problem says so
    path = data_copy / "cities" / "sample.yaml"
    path.write_text(replace(BASE, "province: {zh: 测试省, en: Testland}\n", ""), encoding="utf-8")
    _, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    n = BASE.count("\n  - indicator: ")
    assert n > 0 and problems[0].pending == "pending_reports"
    assert f"the quotes and numbers of the {n} observations are checked" in problems[0].message
    assert f"这 {n} 条观测值的引文和数字" in problems[0].body("zh")
    assert all(p.pending != "pending_reports" for p in problems[1:])


# indicator_values as it was derived before a value of one part skipped the ordered aggregates
# (load._VIEW): every group aggregated in observation order. The test's reference, not code.
_ORDERED_AGGREGATES = """
WITH g AS (
    SELECT
        city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level,
        min(observation_id) AS first_id,
        sum(value) AS value,
        count(*) AS n_parts,
        bool_or(breakdown_zh IS NOT NULL) AS is_sum_of_parts,
        CASE
            WHEN count(*) = 1 THEN any_value(qualifier)
            WHEN bool_or(qualifier IN ('nearly', 'about')) THEN 'about'
            WHEN bool_or(qualifier = 'more_than') THEN 'more_than'
            ELSE 'exact'
        END AS qualifier,
        list(observation_id ORDER BY observation_id) AS observation_ids,
        list(quote ORDER BY observation_id) AS quotes,
        list(breakdown_zh ORDER BY observation_id) AS breakdowns_zh,
        list(breakdown_en ORDER BY observation_id) AS breakdowns_en,
        list(value ORDER BY observation_id) AS part_values,
        list(qualifier ORDER BY observation_id) AS part_qualifiers,
        list(written_word ORDER BY observation_id) AS part_words,
        CASE WHEN count(DISTINCT written_word) = 1 THEN any_value(written_word) END AS written_word,
        string_agg(note, '；' ORDER BY observation_id) AS notes,
        string_agg(note_en, ' ' ORDER BY observation_id) AS notes_en
    FROM observations_full
    GROUP BY city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level
)
SELECT
    g.city_id, g.indicator_id, g.report_id, g.period_start, g.period_end, g.tally, g.scope_zh, g.level,
    f.scope_en, f.cumulative, f.since_unknown, f.category_id,
    g.value, g.n_parts, g.is_sum_of_parts, g.qualifier, g.observation_ids, g.quotes, g.breakdowns_zh,
    g.breakdowns_en, g.part_values, g.part_qualifiers, g.part_words, g.written_word, g.notes, g.notes_en,
    f.own_period, f.indicator_zh, f.indicator_en, f.unit_kind, f.measure_word_zh, f.measure_word_en,
    f.per_capita, f.measure, f.indicator_order, f.category_order, f.city_zh, f.city_en, f.province_zh,
    f.province_en, f.population, f.population_year, f.population_basis, f.population_verified,
    f.population_source, f.report_title_zh, f.report_title_en, f.title_by, f.publisher, f.published, f.period_inferred,
    f.excerpt, f.report_start, f.report_end, f.report_year,
    g.report_id IN (SELECT report_id FROM latest_reports) AS latest,
    CASE WHEN f.per_capita AND NOT f.since_unknown THEN g.value / f.population * 100000 END AS per_100k
FROM g JOIN observations_full f ON f.observation_id = g.first_id
ORDER BY g.city_id, g.indicator_id, g.report_id
"""


def test_indicator_values_are_those_of_ordered_aggregates_over_every_group(cur):
    """The single-part shortcut of load._VIEW gives the same rows, values and types as
    aggregating every group, sums of parts included."""
    reference = cur.sql(_ORDERED_AGGREGATES).to_arrow_table()
    derived = cur.sql("SELECT * FROM indicator_values").to_arrow_table()
    assert derived.schema == reference.schema
    assert derived.num_rows == reference.num_rows > 0
    cur.register("_reference", reference)
    for a, b in (("indicator_values", "_reference"), ("_reference", "indicator_values")):
        (n,) = cur.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()
        assert n == 0, f"rows of {a} not in {b}"
    assert cur.execute("SELECT count(*) FROM indicator_values WHERE n_parts > 1").fetchone()[0] > 0, (
        "the fixture has sums of parts"
    )


def test_observations_full_is_stored_in_city_and_observation_order(cur):
    """What the pages' row-group skipping relies on (load._VIEW writes it without an ORDER BY)."""
    (disordered,) = cur.execute(
        "SELECT count(*) FROM (SELECT city_id, observation_id, lag(city_id) OVER w AS c, lag(observation_id) OVER w AS o "
        "FROM observations_full WINDOW w AS (ORDER BY rowid)) WHERE c > city_id OR o > observation_id"
    ).fetchone()
    assert disordered == 0
    assert cur.execute("SELECT count(DISTINCT city_id) FROM observations_full").fetchone()[0] > 1
