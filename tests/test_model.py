"""The comparability model (docs/model.md): each rule's located message, cross-file conflicts,
and what the database makes of stocks, running totals, scopes and levels.

Bad input is a mutation of the fixture city twoyears.yaml (two reports, every kind of limit)
written to a copy of the fixture data folder; each case names the message it expects and the
text it must point at. Tests over the shipped data derive what they check from the data.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from metrics import format as fmt
from metrics import load, messages, units
from metrics.numbers import find_mentions
from metrics.text import normalise

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
TWO = (FIXTURE_DATA / "cities" / "twoyears.yaml").read_text(encoding="utf-8")


def replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the fixture should contain {old!r} exactly once"
    return text.replace(old, new)


def position(text: str, anchor: str) -> tuple[int, int]:
    index = text.index(anchor)
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


@dataclass
class Case:
    id: str
    edits: list[tuple[str, str]]
    fragment: str
    anchor: str  # the problem's line is the line of this text in the mutated file


CASES = [
    Case(
        "households-on-an-events-axis",
        [("    unit: 场\n    report: twoyears-2022\n", "    unit: 户\n    report: twoyears-2022\n")],
        "observations.0.unit: 户 counts households, but employment.training_sessions counts events or sessions "
        "(one axis, one kind of thing); use employment.households_employed",
        "户\n    report: twoyears-2022",
    ),
    Case(
        "person-times-on-a-persons-axis",
        [("  - indicator: employment.training_person_times\n", "  - indicator: employment.women_trained\n")],
        "observations.5.unit: 人次 counts person-times, but employment.women_trained counts persons "
        "(one axis, one kind of thing); use employment.training_person_times",
        "人次",
    ),
    Case(
        "stock-without-date",
        [("    tally: stock\n    as_of: 2023-12-31\n", "    tally: stock\n")],
        "observations.6: tally is stock but as_of is missing; expected as_of: YYYY-MM-DD",
        "- indicator: child.care_stations",
    ),
    Case(
        "running-total-without-start",
        [("    since: unknown\n", "")],
        "observations.7: a running total needs since: YYYY-MM-DD, or since: unknown",
        "- indicator: rights.divorce_mediations",
    ),
    Case(
        "old-cumulative-key",
        [("    tally: stock\n    as_of: 2023-12-31\n", "    cumulative: true\n")],
        "observations.6.cumulative: cumulative is replaced by tally: stock (with as_of) or tally: running_total",
        "cumulative: true",
    ),
    Case(
        "honour-without-level",
        [("    level: provincial\n", "")],
        "observations.8.level: employment.projects_honoured is counted by level: add level: national, provincial, "
        "prefecture or county",
        "- indicator: employment.projects_honoured",
    ),
    Case(
        "note-in-english-only",
        [
            (
                "    note: {zh: 一人多次参加按多次计。, en: A woman attending twice counts twice.}\n",
                "    note: A woman attending twice counts twice.\n",
            )
        ],
        "observations.5.note: a note is {zh: 中文说明, en: English note} (zh required, en optional)",
        "A woman attending twice",
    ),
    Case(
        "inferred-period-without-note",
        [("    period_note: 文中只写“今年以来”，年份由测试设定为2023年。\n", "")],
        "reports.twoyears-2023: period_inferred is true: add period_note",
        "title: {zh: 双年市妇联2023年工作",
    ),
    Case(
        "denominator-of-another-rule",
        [
            (
                "parent: null\n",
                "parent: null\npopulation: {value: 1944000, year: 2023, basis: resident_year_end, source: 统计公报, verified: true}\n",
            )
        ],
        "population: the denominator rule is the 2020 census for every city (got resident_year_end 2023)",
        "{value: 1944000",
    ),
    Case(
        "two-reports-one-source",
        [("    source: sources/twoyears-2023.txt\n", "    source: sources/twoyears-2022.txt\n")],
        "reports.twoyears-2023.source: sources/twoyears-2022.txt is already the source of report 'twoyears-2022'",
        "sources/twoyears-2022.txt\n  - indicator",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_rule_is_one_located_problem_in_both_languages(case, data_copy):
    text = TWO
    for old, new in case.edits:
        text = replace(text, old, new)
    path = data_copy / "cities" / "twoyears.yaml"
    path.write_text(text, encoding="utf-8")
    city, problems = load.load_city(path, load.load_catalog(data_copy / "catalog.yaml"), data_copy)
    assert city is None
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert case.fragment in problem.message, problem.message
    if case.id == "two-reports-one-source":
        anchor_line = (
            text.count("\n", 0, text.index("    source: sources/twoyears-2022.txt", text.index("twoyears-2023:"))) + 1
        )
    else:
        anchor_line = position(text, case.anchor)[0]
    assert problem.line == anchor_line, (str(problem), anchor_line)
    assert problem.col >= 1
    assert problem.code in messages.MESSAGES and problem.code != "invalid_value", problem.message
    zh = problem.text("zh")
    assert zh.startswith(f"{problem.path}:{problem.line}:{problem.col}: ") and zh != str(problem)


def test_catalog_accepts_only_words_of_an_indicators_measure(data_copy):
    path = data_copy / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    text = replace(
        text,
        "    accepts: [人, 名]\n    per_capita: true\n  employment.training_person_times",
        "    accepts: [人, 名, 人次]\n    per_capita: true\n  employment.training_person_times",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(load.CatalogError) as info:
        load.load_all(data_copy)
    [problem] = info.value.problems
    assert "accepts 人次, which do not count persons" in problem.message
    block = position(text, "  employment.women_trained:")[0]
    assert block <= problem.line <= position(text, "accepts: [人, 名, 人次]")[0]


# --- cross-file conflicts -------------------------------------------------------------------


def _copy_city(data_dir: Path, city_id: str, keep_report_id: bool = False, keep_source: bool = False) -> Path:
    """A copy of twoyears.yaml under another city id, made newer than the original."""
    text = TWO.replace("id: twoyears", f"id: {city_id}")
    if not keep_report_id:
        text = text.replace("twoyears-20", f"{city_id}-20")
    if keep_source:
        text = text.replace(f"sources/{city_id}-20", "sources/twoyears-20")
    else:
        for year in ("2022", "2023"):
            shutil.copy(data_dir / "sources" / f"twoyears-{year}.txt", data_dir / "sources" / f"{city_id}-{year}.txt")
    path = data_dir / "cities" / f"{city_id}.yaml"
    path.write_text(text, encoding="utf-8")
    older = (data_dir / "cities" / "twoyears.yaml").stat().st_mtime_ns
    os.utime(path, ns=(older + 10**9, older + 10**9))
    return path


@pytest.mark.parametrize(
    "keep_report_id, keep_source, fragment, anchor",
    [
        (True, False, "reports.twoyears-2022: report id 'twoyears-2022' is already used in", "  twoyears-2022:"),
        (
            False,
            True,
            "reports.copycat-2022.source: sources/twoyears-2022.txt is already the source of report 'twoyears-2022' in",
            "sources/twoyears-2022.txt",
        ),
    ],
    ids=["same-report-id", "same-source-file"],
)
def test_a_conflict_across_files_leaves_the_newer_file_out(data_copy, keep_report_id, keep_source, fragment, anchor):
    path = _copy_city(data_copy, "copycat", keep_report_id, keep_source)
    dataset = load.load_all(data_copy)
    assert "twoyears" in dataset.cities and "copycat" not in dataset.cities  # the older file stays
    assert dataset.failed_files == [load.display_path(path)]
    problem = dataset.problems[0]
    assert fragment in problem.message and "twoyears.yaml" in problem.message
    text = path.read_text(encoding="utf-8")
    assert problem.line == position(text, anchor)[0]
    assert problem.code in messages.MESSAGES and problem.code != "invalid_value", problem.message
    load.build_database(dataset)  # and the build goes through: no constraint error


def test_validating_one_file_checks_it_against_the_others(data_copy):
    path = _copy_city(data_copy, "copycat", keep_report_id=True)
    dataset = load.load_all(data_copy, [path])
    assert list(dataset.cities) == [] and dataset.failed_files == [load.display_path(path)]
    alone = load.load_all(data_copy, [data_copy / "cities" / "twoyears.yaml"])
    assert list(alone.cities) == ["twoyears"] and not alone.problems  # the older file is fine


def test_city_id_claimed_twice(data_copy, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    copy = other / "twoyears.yaml"
    copy.write_text(TWO.replace("twoyears-20", "again-20"), encoding="utf-8")
    for year in ("2022", "2023"):
        shutil.copy(data_copy / "sources" / f"twoyears-{year}.txt", data_copy / "sources" / f"again-{year}.txt")
    dataset = load.load_all(data_copy, [data_copy / "cities" / "twoyears.yaml", copy])
    assert list(dataset.cities) == ["twoyears"]
    assert "id: city 'twoyears' is already defined in" in dataset.problems[0].message


# --- what the database makes of it ----------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_db_two():
    con = load.build_database(load.load_all(FIXTURE_DATA))
    yield con
    con.close()


def test_values_of_different_tally_scope_or_level_are_never_summed(fixture_db_two):
    rows = fixture_db_two.execute(
        "SELECT indicator_id, value, n_parts, tally, scope_zh, level, per_100k, report_year, latest "
        "FROM indicator_values WHERE city_id = 'twoyears' ORDER BY indicator_id, report_year, value"
    ).df()
    honours = rows[rows["indicator_id"] == "employment.projects_honoured"]
    assert sorted(honours["level"]) == ["prefecture", "provincial"] and set(honours["n_parts"]) == {1}
    sessions = rows[(rows["indicator_id"] == "employment.training_sessions") & (rows["report_year"] == 2023)]
    assert sorted(sessions["value"]) == [5.0, 60.0]  # the joint campaign's 5 stand apart
    assert sessions["scope_zh"].notna().sum() == 1
    running = rows[rows["tally"] == "running_total"].iloc[0]
    assert running["per_100k"] != running["per_100k"]  # start unknown (and no denominator): no rate
    assert set(rows.loc[rows["report_year"] == 2023, "latest"]) == {True}
    assert set(rows.loc[rows["report_year"] == 2022, "latest"]) == {False}


def test_a_running_total_with_unknown_start_gets_no_rate_even_with_a_denominator(data_copy):
    path = data_copy / "cities" / "twoyears.yaml"
    path.write_text(
        replace(
            TWO,
            "parent: null\n",
            "parent: null\npopulation: {value: 1000000, year: 2020, basis: census, source: 测试, verified: true}\n",
        ),
        encoding="utf-8",
    )
    con = load.build_database(load.load_all(data_copy))
    rates = dict(
        con.execute(
            "SELECT tally, max(per_100k) FROM indicator_values WHERE city_id = 'twoyears' AND per_capita GROUP BY tally"
        ).fetchall()
    )
    assert rates["flow"] > 0 and rates["stock"] == pytest.approx(7.2)  # 72 stations per 1,000,000
    assert rates["running_total"] is None


def test_flags_name_what_limits_a_value():
    assert fmt.format_flags("flow", "2023-01-01", "2023-12-31") == []
    assert fmt.format_flags("flow", "2023-01-01", "2023-06-19") == ["不足一年"]
    assert fmt.format_flags("flow", "2020-01-01", "2022-12-31", lang="en") == ["several years"]
    assert fmt.format_flags("stock", "2024-12-31", "2024-12-31", lang="en") == ["stock on a date"]
    assert fmt.format_flags("running_total", None, "2023-12-31") == ["累计数", "起点不详，不计每10万人"]
    assert fmt.format_flags(
        "flow", "2023-01-01", "2023-12-31", scope="联合五部门", level="provincial", inferred=True
    ) == [
        "范围：联合五部门",
        "省级",
        "年份为推断",
    ]


# --- the shipped data, whatever cities it holds ---------------------------------------------


def test_no_indicator_mixes_measures_in_the_shipped_data(shipped):
    """Every value's written measure word counts its indicator's measure (derived from the data)."""
    for city in shipped.cities.values():
        for obs, line in zip(city.observations, city.lines, strict=True):
            indicator = shipped.catalog.indicators[obs.indicator]
            if indicator.unit != "count":
                continue
            word = units.parse_unit(obs.unit)[1]
            assert indicator.measure in units.measures_of(word), (
                f"{city.path.name}:{line}: {obs.unit} under {obs.indicator} ({indicator.measure})"
            )


def test_catalog_indicators_accept_only_their_measure(shipped):
    for indicator_id, indicator in shipped.catalog.indicators.items():
        for word in indicator.accepts:
            assert indicator.measure in units.measures_of(word), f"{indicator_id} accepts {word}"


def test_every_stock_in_the_shipped_data_is_flagged(shipped):
    """A number the article writes as a state or a running total (现有, 累计, 目前已, 截至 just
    before it) is a stock or running total, or a flow with its own period (近三年), never a plain
    flow of the report's period. Derived from the quotes of whatever cities ship."""
    markers = ("累计", "目前已", "截至", "现有", "已有")
    for city in shipped.cities.values():
        for obs, line in zip(city.observations, city.lines, strict=True):
            if obs.tally != "flow" or obs.period is not None:
                continue
            quote = normalise(obs.quote)
            expected = obs.value * units.parse_unit(obs.unit)[0]
            for mention in find_mentions(quote):
                if abs(mention.value - expected) > 1e-9 * max(1.0, expected):
                    continue
                before = quote[max(0, mention.start - 8) : mention.start]
                note = (obs.note.zh + " " + (obs.note.en or "")) if obs.note else ""
                assert not any(m in before for m in markers) or "累计" in note or "cumulative" in note.lower(), (
                    f"{city.path.name}:{line}: '{before}{mention.written}' reads as a stock or running total "
                    "but tally is flow, and no note says why"
                )


def test_shipped_denominators_follow_one_rule(shipped):
    for city in shipped.cities.values():
        population = city.header.population
        if population is not None:
            assert (population.year, population.basis) == (2020, "census"), city.path.name
            assert population.source.strip()


def test_a_report_id_belongs_to_the_city_it_names_whichever_file_is_newer(data_copy):
    # the copy reuses twoyears-2022; then the original is edited (made the newer file): the
    # original keeps its report, the copy is still the one left out
    path = _copy_city(data_copy, "copycat", keep_report_id=True)
    original = data_copy / "cities" / "twoyears.yaml"
    newer = path.stat().st_mtime_ns + 10**9
    os.utime(original, ns=(newer, newer))
    dataset = load.load_all(data_copy)
    assert "twoyears" in dataset.cities and "copycat" not in dataset.cities
    assert dataset.failed_files == [load.display_path(path)]


def test_an_unsaved_preview_is_checked_against_the_saved_cities(data_copy):
    from metrics import preview

    base = load.load_all(data_copy)
    copy = TWO.replace("id: twoyears", "id: copycat")  # report ids still twoyears-20..
    city, problems = preview.validate_city(copy, base.catalog, data_copy, file_name="copycat.yaml")
    assert problems == [] and city is not None  # valid on its own
    found = preview.conflicts(base, city)
    assert found and all("is already used in" in p.message or "is already the source" in p.message for p in found)
    # the saved file of the same city is the one a preview replaces: no conflict
    same, _ = preview.validate_city(TWO, base.catalog, data_copy, file_name="twoyears.yaml")
    assert preview.conflicts(base, same) == []


def test_two_reports_of_one_period_are_both_compared(data_copy):
    # a city that publishes two reports on the same period: neither is dropped, by default or by year
    text = TWO.replace(
        "observations:\n",
        "  twoyears-2023b:\n    title: {zh: 双年市妇联2023年工作（二）, en: Twoyears in 2023 (2)}\n"
        "    publisher: 双年市妇联\n    published: 2024-01-10\n    period: {start: 2023-01-01, end: 2023-12-31}\n"
        "    source: sources/twoyears-2023b.txt\nobservations:\n",
        1,
    )
    text = replace(
        text,
        "    value: 60\n    unit: 场\n    report: twoyears-2023\n",
        "    value: 60\n    unit: 场\n    report: twoyears-2023b\n",
    )
    shutil.copy(data_copy / "sources" / "twoyears-2023.txt", data_copy / "sources" / "twoyears-2023b.txt")
    (data_copy / "cities" / "twoyears.yaml").write_text(text, encoding="utf-8")
    dataset = load.load_all(data_copy)
    assert not dataset.problems, [str(p) for p in dataset.problems]
    from metrics import queries

    with load.build_database(dataset).cursor() as cur:
        for year in (None, 2023):
            rows = queries.compare_category(cur, "employment", ["twoyears"], year=year)
            assert {"twoyears-2023", "twoyears-2023b"} <= set(rows["report_id"]), year
