"""Unit tests of the pure helpers of ui/: labels, chart layout, colours, exports, period groups.

None of these needs a Streamlit runtime: every function is called with its language given, and
an autouse fixture makes any read of the session's language fail the test, so a helper that
quietly falls back to the session (and so to Chinese) is caught. Rows are either plain dicts
with the columns the helpers read (`row(...)`, realistic values) or records of the fixture
data (tests/fixtures/data: the cities `sample` and `twoyears`), never the shipped data/.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import string
import typing
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from metrics import format as fmt
from metrics import load, queries, schema, units
from ui import charts, colors, exports, i18n, labels, render, state

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(autouse=True)
def no_session_language(monkeypatch):
    """Any helper that reads the session's language instead of the `lang` it was given fails."""

    def session_lang() -> str:
        raise AssertionError("read the session's language although a language was passed")

    monkeypatch.setattr(state, "lang", session_lang)


@pytest.fixture(scope="module")
def fixture_db():
    con = load.build_database(load.load_all(FIXTURE_DATA))
    yield con
    con.close()


@pytest.fixture
def values(fixture_db) -> list[dict]:
    """Every `indicator_values` record of the fixture data (as pages get them: DataFrame records)."""
    with fixture_db.cursor() as cur:
        return (
            cur.execute("SELECT * FROM indicator_values ORDER BY city_id, indicator_id, report_id")
            .df()
            .to_dict("records")
        )


def find(records: list[dict], indicator: str, city: str = "twoyears", **where) -> dict:
    """The one record of `indicator` in `city` matching `where` (column == value)."""
    found = [
        r
        for r in records
        if r["indicator_id"] == indicator and r["city_id"] == city and all(r[k] == v for k, v in where.items())
    ]
    assert len(found) == 1, (indicator, city, where, len(found))
    return found[0]


def row(**overrides) -> dict:
    """An `indicator_values` row: 60 training sessions of Huaibei in 2023, a whole-year flow."""
    base = {
        "city_id": "huaibei",
        "city_zh": "淮北市",
        "city_en": "Huaibei",
        "indicator_id": "employment.training_sessions",
        "indicator_zh": "技能培训场次",
        "indicator_en": "Skills training sessions",
        "value": 60.0,
        "qualifier": "exact",
        "unit_kind": "count",
        "measure": "events",
        "measure_word_zh": "场",
        "measure_word_en": "sessions",
        "written_word": "场",
        "is_sum_of_parts": False,
        "n_parts": 1,
        "part_values": [60.0],
        "part_qualifiers": ["exact"],
        "part_words": ["场"],
        "breakdowns_zh": [None],
        "breakdowns_en": [None],
        "quotes": ["开展各类培训活动60场"],
        "period_start": pd.Timestamp("2023-01-01"),
        "period_end": pd.Timestamp("2023-12-31"),
        "tally": "flow",
        "scope_zh": None,
        "scope_en": None,
        "level": None,
        "period_inferred": False,
        "notes": None,
        "notes_en": None,
        "per_100k": 3.05,
        "population": 1970000,
        "population_year": 2020,
        "population_basis": "census",
        "population_verified": True,
        "report_title_zh": "淮北市妇联2023年工作总结",
        "report_title_en": "Huaibei Women's Federation: 2023 in review",
        "title_by": "article",
    }
    unknown = set(overrides) - set(base)
    assert not unknown, f"not a column of indicator_values: {unknown}"
    return {**base, **overrides}


def households(**overrides) -> dict:
    """30 households with a new job (the article's 户)."""
    values = {
        "indicator_id": "employment.households_employed",
        "measure": "households",
        "measure_word_zh": "户",
        "measure_word_en": "households",
        "written_word": "户",
        "value": 30.0,
        "part_values": [30.0],
        "part_words": ["户"],
    }
    return row(**{**values, **overrides})


# --- values and their measure words ---------------------------------------------------------


def test_a_household_count_keeps_hu_in_chinese_and_says_households_in_english():
    assert labels.value_text(households(), "zh") == "30 户"
    assert labels.value_text(households(), "en") == "30 households"


def test_a_household_count_of_the_fixture_reads_the_same(values):
    hh = find(values, "employment.households_employed")
    assert labels.value_text(hh, "zh") == "30 户"
    assert labels.value_text(hh, "en") == "30 households"
    assert labels.measure_word(hh, "en") == "households"


def test_person_times_stay_person_times_in_both_languages(values):
    attendances = find(values, "employment.training_person_times")
    assert labels.value_text(attendances, "zh") == "800 人次"
    assert labels.value_text(attendances, "en") == "800 person-times"


def test_the_article_s_own_measure_word_is_shown_in_chinese(values):
    # The indicator counts cases in 件; the article wrote 起, and the Chinese page says 起.
    disputes = find(values, "rights.disputes_mediated", city="sample")
    assert disputes["measure_word_zh"] == "件" and disputes["written_word"] == "起"
    assert labels.value_text(disputes, "zh") == "≈400 起"
    assert labels.value_text(disputes, "en") == "≈400 disputes", "English uses the indicator's noun"


def test_a_word_of_another_measure_is_translated_as_that_measure_in_english():
    # An indicator of persons whose article counts households: "households", never "people".
    persons = row(measure="persons", measure_word_zh="人", measure_word_en="people", written_word="户")
    assert labels.measure_word(persons, "en") == "households"
    assert labels.measure_word(row(measure_word_zh="人", measure_word_en="people", written_word="人次"), "en") == (
        "person-times"
    )
    # Another word for the indicator's own measure (名 for persons) takes the indicator's noun.
    assert labels.measure_word(row(measure_word_zh="人", measure_word_en="people", written_word="名"), "en") == "people"
    assert labels.measure_word(row(measure_word_zh="人", measure_word_en="people", written_word="名"), "zh") == "名"


def test_a_value_without_a_written_word_takes_the_indicator_s_word():
    for missing in (None, float("nan"), ""):
        assert labels.value_text(row(written_word=missing), "zh") == "60 场"
        assert labels.value_text(row(written_word=missing), "en") == "60 sessions"


@pytest.mark.parametrize(
    ("qualifier", "zh", "en"),
    [
        ("exact", "2,000 人", "2,000 people"),
        ("more_than", "2,000+ 人", "2,000+ people"),
        ("nearly", "≈2,000 人", "≈2,000 people"),
        ("about", "~2,000 人", "~2,000 people"),
    ],
)
def test_every_qualifier_travels_with_the_value(qualifier, zh, en):
    persons = row(value=2000.0, qualifier=qualifier, measure_word_zh="人", measure_word_en="people", written_word="人")
    assert labels.value_text(persons, "zh") == zh
    assert labels.value_text(persons, "en") == en


def test_a_value_of_one_takes_the_singular_in_english_unless_it_is_more_than_one():
    assert labels.value_text(row(value=1.0), "en") == "1 session"
    assert labels.value_text(row(value=1.0, qualifier="more_than"), "en") == "1+ sessions"
    assert labels.value_text(households(value=1.0), "en") == "1 household"
    assert labels.value_text(row(value=1.0), "zh") == "1 场", "Chinese never changes"


def test_money_and_shares(values):
    loans = find(values, "employment.loans_amount", city="sample")
    assert labels.value_text(loans, "zh") == "1.2亿元"
    assert labels.value_text(loans, "en") == "¥120 m"
    exact = row(unit_kind="yuan", value=212_720_000.0, measure_word_zh="元", measure_word_en="yuan", written_word=None)
    assert labels.value_text(exact, "zh") == "2.1272亿元", "tables keep every digit"
    assert labels.value_text(exact, "zh", short=True) == "2.13亿元", "chart labels round to 3 digits"
    share = find(values, "organisation.coverage_rate", city="sample")
    assert labels.value_text(share, "zh") == labels.value_text(share, "en") == "98.5%"


def test_a_sum_of_parts_says_so_and_lists_its_parts(values):
    sites = find(values, "child.friendly_sites", city="sample")
    assert labels.is_sum(sites)
    assert labels.value_text(sites, "zh") == "18 个"
    assert labels.sum_suffix(sites, "zh") == "（2项之和）"
    assert labels.sum_suffix(sites, "en") == " (sum of 2 parts)"
    assert labels.mixed_suffix(sites, "zh") == "", "its parts are counted alike"
    assert labels.parts(sites, "zh") == [
        ("儿童友好社区", "8 个", "建成儿童友好社区8个"),
        ("儿童友好学校", "10 个", "儿童友好学校10个"),
    ]
    assert [(label, text) for label, text, _ in labels.parts(sites, "en")] == [
        ("Child-friendly communities", "8 sites"),
        ("Child-friendly schools", "10 sites"),
    ]
    assert labels.sum_suffix(find(values, "employment.training_sessions", city="sample"), "zh") == ""


def test_a_sum_of_parts_counted_differently_has_no_unit_and_says_why():
    mixed = row(
        indicator_id="employment.women_trained",
        measure="persons",
        measure_word_zh="人",
        measure_word_en="people",
        written_word=None,
        value=900.0,
        qualifier="more_than",
        is_sum_of_parts=True,
        n_parts=2,
        part_values=[600.0, 300.0],
        part_qualifiers=["more_than", "more_than"],
        part_words=["人次", "人"],
        breakdowns_zh=["技能培训", "创业培训"],
        breakdowns_en=["Skills training", "Business training"],
        quotes=["技能培训600余人次", "创业培训300余人"],
    )
    assert labels.mixed_words(mixed)
    assert labels.value_text(mixed, "zh") == "900+", "no one word fits 600人次 + 300人"
    assert labels.value_text(mixed, "en") == "900+"
    assert labels.sum_suffix(mixed, "zh") == "（2项之和，各项计量单位不同）"
    assert labels.sum_suffix(mixed, "en") == " (sum of 2 parts counted in different units)"
    assert labels.mixed_suffix(mixed, "en") == labels.sum_suffix(mixed, "en")
    assert [text for _, text, _ in labels.parts(mixed, "zh")] == ["600+ 人次", "300+ 人"]
    assert [text for _, text, _ in labels.parts(mixed, "en")] == ["600+ person-times", "300+ people"]


def test_a_single_labelled_part_is_a_value_not_a_sum():
    part = row(is_sum_of_parts=True, n_parts=1, breakdowns_zh=["线上培训"], breakdowns_en=["Online"])
    assert not labels.is_sum(part)
    assert labels.sum_suffix(part, "zh") == ""
    assert labels.part_label(part, "zh") == "线上培训"
    assert labels.part_label(part, "en") == "Online"


# --- periods and what limits a value --------------------------------------------------------


def test_a_whole_year_flow_has_its_year_and_no_flag():
    flow = row()
    assert labels.period_text(flow, "zh") == "2023年"
    assert labels.period_text(flow, "en") == "2023"
    assert labels.flags(flow, "zh") == []
    assert labels.period_flags_text(flow, "zh") == "2023年", "nothing after the period"


def test_a_stock_stands_on_its_date():
    stock = row(tally="stock", period_start=pd.Timestamp("2024-12-31"), period_end=pd.Timestamp("2024-12-31"))
    assert labels.period_text(stock, "zh") == "截至2024年12月31日"
    assert labels.period_text(stock, "en") == "as of 2024-12-31"
    assert labels.flags(stock, "zh") == ["存量（某日现有数）"]
    assert labels.flags(stock, "en") == ["stock on a date"]


def test_the_fixture_stock_and_its_chinese_only_note(values):
    stations = find(values, "child.care_stations")
    assert labels.period_text(stations, "zh") == "截至2023年12月31日"
    assert labels.period_flags_text(stations, "zh") == "截至2023年12月31日 · 存量（某日现有数）；年份为推断"
    assert labels.note_text(stations, "en") == ("Editor's note (in Chinese)", "截至日期按报道时期末推断。")
    assert labels.note_text(stations, "zh") == ("编者注", "截至日期按报道时期末推断。")


def test_a_running_total_with_an_unknown_start(values):
    total = find(values, "rights.divorce_mediations")
    assert labels.period_text(total, "zh") == "累计至2023年12月（起点不详）"
    assert labels.period_text(total, "en") == "cumulative to 2023-12, start unknown"
    assert labels.flags(total, "zh")[:2] == ["累计数", "起点不详，不计每10万人"]
    assert labels.flags(total, "en")[:2] == ["running total", "start unknown, no per-100,000 figure"]
    assert labels.rate_text(total, "zh") == "无人口分母"  # twoyears has none: said in words, not "—"
    assert labels.value_text(total, "zh") == "4,600+ 对"


def test_a_running_total_with_an_unknown_start_has_no_rate_even_with_a_denominator(data_copy: Path):
    # Give twoyears a denominator: its stock gets a rate, its running total of unknown start none.
    city = data_copy / "cities" / "twoyears.yaml"
    text = city.read_text(encoding="utf-8")
    population = (
        "population:\n  value: 2000000\n  year: 2020\n  basis: census\n  source: 测试用人口数\n  verified: true\n"
    )
    city.write_text(text.replace("parent: null\n", "parent: null\n" + population, 1), encoding="utf-8")
    con = load.build_database(load.load_all(data_copy))
    try:
        records = con.execute("SELECT * FROM indicator_values").df().to_dict("records")
    finally:
        con.close()
    total = find(records, "rights.divorce_mediations")
    stations = find(records, "child.care_stations")
    assert labels.population_text(total, "zh") == "200.00万人（2020年人口普查）"
    assert math.isnan(total["per_100k"])
    assert labels.rate_text(total, "zh") == "起点不详，不计" and labels.rate_text(total, "en") == "start unknown, none"
    assert labels.rate_text(stations, "zh") == "3.6 个 每10万人"
    assert labels.rate_text(stations, "en") == "3.6 stations per 100,000"


def test_a_running_total_with_a_known_start():
    total = row(tally="running_total", period_start=pd.Timestamp("2019-01-01"), period_end=pd.Timestamp("2023-12-31"))
    assert labels.period_text(total, "zh") == "2019年1月至2023年12月累计"
    assert labels.period_text(total, "en") == "cumulative 2019-01 to 2023-12"
    assert labels.flags(total, "zh") == ["累计数"], "a known start: no 'start unknown'"


def test_flags_of_a_half_year_flow_with_a_scope_and_a_level():
    half = row(
        period_start=pd.Timestamp("2023-01-01"),
        period_end=pd.Timestamp("2023-06-30"),
        scope_zh="联合五部门举办的培训",
        scope_en="training held jointly with five departments",
        level="provincial",
    )
    assert labels.flags(half, "zh") == ["不足一年", "范围：联合五部门举办的培训", "省级"]
    assert labels.flags(half, "en") == [
        "part of a year",
        "scope: training held jointly with five departments",
        "provincial",
    ]
    assert labels.flags_text(half, "zh") == "不足一年；范围：联合五部门举办的培训；省级"
    assert labels.period_flags_text(half, "zh") == "2023年1–6月 · 不足一年；范围：联合五部门举办的培训；省级"
    assert labels.period_flags_text(half, "en") == (
        "2023-01 to 06 · part of a year; scope: training held jointly with five departments; provincial"
    )


def test_several_years_and_an_inferred_year_are_flagged():
    years = row(period_start=pd.Timestamp("2020-01-01"), period_end=pd.Timestamp("2022-12-31"))
    assert labels.period_text(years, "zh") == "2020–2022年"
    assert labels.flags(years, "zh") == ["多年合计"]
    assert labels.flags(row(period_inferred=True), "en") == ["year inferred"]


def test_missing_optional_fields_of_a_data_frame_record_flag_nothing():
    # DataFrame records hold NaN (not None) where a scope or level is missing.
    nan = float("nan")
    assert labels.flags(row(scope_zh=nan, scope_en=nan, level=nan, period_inferred=nan), "zh") == []


def test_scopes_and_levels_of_the_fixture(values):
    scoped = find(values, "employment.training_sessions", report_id="twoyears-2023", value=5.0)
    assert labels.flags(scoped, "zh") == ["范围：联合五部门举办的培训", "年份为推断"]
    assert labels.flags(scoped, "en")[0] == "scope: training held jointly with five departments"
    levels = {
        labels.flags(r, "zh")[0]
        for r in values
        if r["indicator_id"] == "employment.projects_honoured" and r["city_id"] == "twoyears"
    }
    assert levels == {"省级", "市级"}, "two levels of one honour stay apart and say which"


def test_every_level_of_the_schema_has_words_in_both_languages():
    for level in typing.get_args(schema.Level):
        zh, en = fmt.LEVELS[level]
        assert zh and en and zh != level


# --- rates, denominators, titles, notes ---------------------------------------------------


def test_rate_text():
    assert labels.rate_text(row(per_100k=3.05), "zh") == "3.05 场 每10万人"
    assert labels.rate_text(row(per_100k=3.05), "en") == "3.05 sessions per 100,000"
    assert labels.rate_text(row(per_100k=0.04), "en", with_unit=False) == "0.04 sessions", "never reads as 0"
    assert labels.rate_text(row(per_100k=12.0, qualifier="nearly"), "zh") == "≈12.0 场 每10万人"
    assert labels.rate_text(row(per_100k=None), "zh") == "—"
    assert labels.rate_text(row(per_100k=float("nan")), "en") == "—"
    money = row(unit_kind="yuan", qualifier="more_than", per_100k=21_272.0, written_word=None)
    assert labels.rate_text(money, "zh") == "2.13万元+ 每10万人"
    assert labels.rate_text(money, "en", with_unit=False) == "¥21.3 k+"


def test_population_text():
    assert labels.population_text(row(population=4_986_200), "zh") == "498.62万人（2020年人口普查）"
    assert labels.population_text(row(population=4_986_200), "en") == "4,986,200 (2020 census)"
    unverified = row(population=4_986_200, population_verified=False, population_basis="resident_year_end")
    assert labels.population_text(unverified, "zh") == "498.62万人（2020年年末常住人口）（未核实）"
    assert labels.population_text(unverified, "en") == "4,986,200 (2020 year-end resident population) (unverified)"
    assert labels.population_text(row(population=None), "zh") == "无人口分母（未找到有来源的2020年普查数）"


def test_a_city_without_a_denominator_says_so(values):
    # twoyears has no population: its records hold pandas' NA, not None.
    assert labels.population_text(find(values, "child.care_stations"), "en") == (
        "no denominator (no sourced 2020 census figure)"
    )


def test_a_curator_written_title_says_so():
    curator = row(title_by="curator")
    assert labels.report_title(curator, "zh") == "淮北市妇联2023年工作总结（原文无标题，编者拟题）"
    assert labels.report_title(curator, "en") == (
        "Huaibei Women's Federation: 2023 in review (title written by the curator; the article has none)"
    )
    assert labels.report_title(row(), "zh") == "淮北市妇联2023年工作总结", "an article's own headline as is"


def test_report_titles_of_the_reports_table(fixture_db):
    with fixture_db.cursor() as cur:
        reports = {r["report_id"]: r for r in queries.reports(cur).to_dict("records")}
    assert labels.report_title(reports["twoyears-2023"], "zh") == "双年市妇联2023年工作（原文无标题，编者拟题）"
    assert labels.report_title(reports["twoyears-2022"], "en") == "Twoyears Women's Federation in 2022"


def test_notes_in_the_page_language():
    both = row(notes="一人多次参加按多次计。", notes_en="A woman attending twice counts twice.")
    assert labels.note_text(both, "zh") == ("编者注", "一人多次参加按多次计。")
    assert labels.note_text(both, "en") == ("Editor's note", "A woman attending twice counts twice.")
    chinese_only = row(notes="截至日期按报道时期末推断。", notes_en=float("nan"))
    assert labels.note_text(chinese_only, "en") == ("Editor's note (in Chinese)", "截至日期按报道时期末推断。")
    assert labels.note_text(row(), "en") == ("", "")
    assert labels.note_text(row(notes=float("nan")), "zh") == ("", "")


def test_an_observation_row_s_note():
    # observations_full has `note` / `note_en` (one observation), not `notes`.
    observation = {"note": "按报道时期末推断。", "note_en": None}
    assert labels.note_text(observation, "en") == ("Editor's note (in Chinese)", "按报道时期末推断。")


def test_measure_names():
    assert labels.measure_name({"measure": "households"}, "zh") == "户数"
    assert labels.measure_name({"measure": "households"}, "en") == "households"
    assert labels.measure_name({"measure": "person_times"}, "en") == "person-times"
    assert labels.measure_name({"measure": "no_such_measure"}, "en") == ""
    for measure in units.MEASURES:
        zh, en = units.MEASURE_NAMES[measure]
        assert zh and en, measure


# --- the interface strings ------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _string_tables():
    from ui import editor

    return {"ui.i18n": i18n.STRINGS, "ui.editor": editor.STRINGS}


@pytest.mark.parametrize("table", ["ui.i18n", "ui.editor"])
def test_every_string_has_both_languages_with_the_same_placeholders(table):
    for key, (zh, en) in _string_tables()[table].items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def _t_keys(path: Path) -> set[str]:
    """The keys of t("...") calls in a file, both keys of t("a" if ... else "b")."""
    text = path.read_text(encoding="utf-8")
    keys = set(re.findall(r'\bt\(\s*"([a-z_.]+)"', text))
    for first, second in re.findall(r'\bt\(\s*"([a-z_.]+)"\s+if\b[^,()]*?\belse\s+"([a-z_.]+)"', text):
        keys |= {first, second}
    return keys


def test_every_key_the_code_asks_for_exists():
    # ui/editor.py has its own `t` and STRINGS; every other module uses ui.i18n's.
    tables = _string_tables()
    files = [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py"]
    checked = 0
    for path in files:
        if path.name == "i18n.py":
            continue  # where `t` is defined (its docstring says t("key"))
        table = tables["ui.editor"] if path.name == "editor.py" else tables["ui.i18n"]
        missing = sorted(_t_keys(path) - set(table))
        assert not missing, f"{path.relative_to(ROOT)}: {missing}"
        checked += len(_t_keys(path))
    assert checked > 100, "the pattern still finds the calls"


def test_every_key_built_from_data_exists():
    # t(f"mode.{m}"), t(f"kind.{tally}"), t(f"level.{city level}"), t(f"unit.{unit}").
    for mode in state.MODES:
        assert f"mode.{mode}" in i18n.STRINGS
    for tally in typing.get_args(schema.Tally):
        assert f"kind.{tally}" in i18n.STRINGS
    for level in typing.get_args(schema.CityHeader.model_fields["level"].annotation):
        assert f"level.{level}" in i18n.STRINGS
    for unit in units.UNIT_KINDS:
        assert f"unit.{unit}" in i18n.STRINGS


def test_t_fills_values_and_english_plurals_without_a_session():
    assert i18n.t("overview.cities_caption", "en", n=1, k=2, m=1) == (
        "1 city, 2 reports, 1 data point, each traceable to its sentence."
    )
    assert (
        i18n.t("overview.cities_caption", "zh", n=1, k=2, m=1)
        == "1 个城市，2 份报道，1 条数据，每条都可追溯到原文句子。"
    )
    assert i18n.join(["淮北市", "东营市"], "zh") == "淮北市、东营市"
    assert i18n.join(["Huaibei", "Dongying"], "en") == "Huaibei, Dongying"


# --- chart text and layout ------------------------------------------------------------------


def test_text_px_counts_cjk_double_and_ignores_tags_and_entities():
    assert charts.text_px("abcd", 10) == pytest.approx(4 * 5.6)
    assert charts.text_px("淮北", 10) == pytest.approx(2 * 10.5)
    assert charts.text_px("&lt;&amp;&gt;", 10) == pytest.approx(3 * 5.6), "an entity is one character"
    assert charts.text_px("<b>ab</b>", 10) == pytest.approx(charts.text_px("ab", 10)), "tags take no room"
    assert charts.text_px("a<br>淮北市", 10) == pytest.approx(3 * 10.5), "the widest line"
    assert charts.text_px("", 10) == 0


def test_columns_has_a_floor():
    assert charts.columns(715, 13) == 100
    assert charts.columns(10, 13) == 12


def test_wrapped_lines_are_escaped_and_fit():
    text = "调解<b>婚姻家庭</b>纠纷 & 维权 " * 8
    lines = charts.wrapped(text, 200, 13)
    assert len(lines) > 1
    for line in lines:
        assert "<" not in line and ">" not in line, line
        assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", line), "no entity cut in two"
        assert charts.text_px(line, 13) <= 200, line
    unescaped = "".join(line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for line in lines)
    assert unescaped.replace(" ", "") == text.replace(" ", ""), "nothing lost"


def test_wrapped_never_breaks_a_kept_city_name():
    names = ["连云港市", "淮北市", "东营市", "滨州市", "Lianyungang", "青岛市", "淄博市", "济南市"]
    text = "未报告：" + "、".join(render.keep(n) for n in names)
    for px in (120, 160, 200, 260):
        lines = charts.wrapped(text, px, 11)
        assert len(lines) > 1, px
        assert not any(render.KEEP in line for line in lines), "the marks are removed"
        for name in names:
            assert any(name in line for line in lines), (px, name, lines)
        assert "".join(lines).replace(" ", "") == text.replace(render.KEEP, "").replace(" ", "")


def test_one_line_or_each_never_breaks_a_phrase():
    short = ["2023年", "计：场次", "绝对数"]
    assert charts.one_line_or_each(short, charts.NORMAL) == ["2023年 · 计：场次 · 绝对数"]
    long = ["periods differ, see each bar", "counts events or sessions", "Per 100,000 residents"]
    assert charts.one_line_or_each(long, charts.NORMAL) == long
    assert charts.one_line_or_each(long, charts.PRESENT) == [" · ".join(long)], "a wide figure has room"


def test_a_two_line_city_label_keeps_the_city_whole():
    city = render.plotly_text("Lianyungang & the districts under it")
    second = render.plotly_text("2023年 · 范围：联合五部门举办的培训；省级")
    label = charts.city_label(city, second, charts.NORMAL)
    first, _, rest = label.partition("<br>")
    assert first == city, "the city's name is the whole first line"
    assert "<br>" not in rest, "two lines, no more"
    assert second in rest and f"font-size:{charts.NORMAL.footer_font}px" in rest
    assert charts.city_label(city, "", charts.NORMAL) == city, "no second line: the city alone"


def bar(label: str = "淮北市", value: float = 60.0, value_text: str = "60 场", period: str = "2023年") -> charts.Bar:
    return charts.Bar(label, value, value_text, period, "#0072B2", f"{label} {value_text}")


def test_a_bar_label_goes_on_two_lines_only_when_one_would_crowd_the_bars():
    assert charts._bar_text(bar(), 300, charts.NORMAL) == "60 场 · 2023年"
    long = bar(period="2023年 · 不足一年；范围：联合五部门举办的培训；省级")
    text = charts._bar_text(long, 300, charts.NORMAL)
    value, *period = text.split("<br>")
    assert value == "60 场" and 1 <= len(period) <= 2, text
    # wrapped to the room a label may take, nothing lost but what the hover carries whole
    assert all(charts.text_px(line, charts.NORMAL.font) <= 300 * 0.6 + charts.NORMAL.font for line in period)
    assert "".join(period).replace("…", "") in long.period_text


def test_layout_x_leaves_room_for_every_label():
    bars = [bar("A", 1000.0), bar("B", 999.0, value_text="999 场 · a long label"), bar("C", 1.0)]
    texts = [charts._bar_text(b, 200, charts.NORMAL) for b in bars]
    x_max, reach = charts._layout_x(bars, texts, 200, charts.NORMAL)
    assert x_max >= 1000
    for b, text in zip(bars, texts, strict=True):
        end = b.value / x_max * 200 + charts.text_px(text, charts.NORMAL.font) + 10
        assert end <= 200 + reach + 1e-9
    assert charts._layout_x([], [], 200, charts.NORMAL) == (1.0, 0.0)


def chart(bars, **kwargs):
    kwargs = {"title": "技能培训场次", "subtitle": ["就业创业", "2023年"], "footer": ["来源：测试"], **kwargs}
    return charts.bar_chart(bars, **kwargs)


def test_bar_chart_height_grows_with_the_number_of_bars():
    heights = [chart([bar(f"城市{i}", 10.0 * (i + 1)) for i in range(n)]).layout.height for n in range(1, 9)]
    assert heights == sorted(heights) and len(set(heights)) == len(heights), heights
    steps = {b - a for a, b in itertools.pairwise(heights)}
    assert steps <= {charts.NORMAL.bar - 1, charts.NORMAL.bar, charts.NORMAL.bar + 1}, "one bar's height per bar"
    present = chart([bar()], sizes=charts.PRESENT).layout.height
    assert present > heights[0], "presentation mode draws taller bars"


def test_two_line_city_labels_make_the_bars_taller():
    plain = chart([bar("淮北市"), bar("宿迁市")]).layout.height
    two = chart([bar(charts.city_label("淮北市", "2022年", charts.NORMAL)), bar("宿迁市")]).layout.height
    assert two > plain


def assert_labels_fit(fig, bars, sizes):
    margin = fig.layout.margin
    plot_width = sizes.width - margin.l - margin.r
    x_max = fig.layout.xaxis.range[1]
    for b, text in zip(bars, fig.data[0].text, strict=True):
        assert b.value / x_max * plot_width + charts.text_px(text, sizes.font) + 10 <= plot_width + margin.r, text


def test_bar_chart_margins_fit_the_labels():
    bars = [
        bar(charts.city_label("连云港市", "2022年", charts.NORMAL), 400.0, "≈400 起"),
        bar("淮北市", 120.0, "120 起", "2022年 · 不足一年；省级"),
        bar("昌邑市", 3.0, "3 起", "2023年"),
    ]
    fig = chart(bars)
    margin = fig.layout.margin
    assert margin.l >= charts.text_px("连云港市", charts.NORMAL.font + 1), "the city label is not cut off"
    assert margin.autoexpand is False
    assert charts.NORMAL.width - margin.l - margin.r >= 80, "the bars keep room"
    assert_labels_fit(fig, bars, charts.NORMAL)
    assert margin.t > 0 and margin.b > 0
    assert fig.layout.height >= margin.t + margin.b + 3 * charts.NORMAL.bar


def fixture_panel(fixture_db, indicator_id: str, lang: str, sizes: charts.Sizes):
    """The compare page's panel of one indicator of the fixture data, built by ui.panels."""
    from ui import panels
    from ui.layout import View

    with fixture_db.cursor() as cur:
        indicator = queries.indicators(cur).set_index("indicator_id").loc[indicator_id].to_dict()
        rows = [
            r
            for r in queries.compare_category(cur, "employment").to_dict("records")
            if r["indicator_id"] == indicator_id
        ]
    indicator["indicator_id"] = indicator_id
    names = {"sample": "样例市", "twoyears": "双年市"} if lang == "zh" else {"sample": "Sample", "twoyears": "Twoyears"}
    view = View("compare", lang, sizes is charts.PRESENT, None, "", None, colors.city_colours(names), None)
    return panels.build(view, indicator, rows, list(names), names, "absolute", "就业创业", sizes=sizes)


@pytest.mark.parametrize(
    ("lang", "sizes"),
    [
        pytest.param("zh", charts.NORMAL, id="zh-compare"),
        pytest.param("en", charts.NORMAL, id="en-compare"),
        pytest.param("zh", charts.WIDE, id="zh-indicator"),
        pytest.param("en", charts.WIDE, id="en-indicator"),
        pytest.param("zh", charts.PRESENT, id="zh-present"),
        pytest.param("en", charts.PRESENT, id="en-present"),
    ],
)
def test_a_scoped_value_beside_a_whole_one_leaves_the_bars_room(fixture_db, lang, sizes):
    # twoyears reports 60 sessions and, of the training held with five departments, 5 (a scope).
    panel = fixture_panel(fixture_db, "employment.training_sessions", lang, sizes)
    assert [r["city_id"] for r in panel.records] == ["sample", "twoyears", "twoyears"]
    margin = panel.figure.layout.margin
    # bar_chart lays the bars out for a plot at least 80 px wide: the margins must leave it.
    assert sizes.width - margin.l - margin.r >= 80, (margin.l, margin.r)


def test_a_panel_s_second_label_lines_name_what_differs(fixture_db):
    panel = fixture_panel(fixture_db, "employment.training_sessions", "zh", charts.PRESENT)
    labels_drawn = list(panel.figure.data[0].y)
    assert labels_drawn[0] == "样例市", "a city with one value: its name alone"
    assert all(label.startswith("双年市<br>") for label in labels_drawn[1:]), "the city whole, then its period"
    assert "范围" in labels_drawn[2]


def test_bar_chart_keeps_bars_in_order_with_their_colours_and_hovers():
    bars = [bar("A", 3.0), charts.Bar("B", 2.0, "2 场", "2023年", "#E69F00", "B hover")]
    trace = chart(bars).data[0]
    assert list(trace.y) == ["A", "B"] and list(trace.x) == [3.0, 2.0]
    assert list(trace.marker.color) == ["#0072B2", "#E69F00"]
    assert list(trace.hovertext) == ["A 60 场", "B hover"]


def test_chart_title_subtitle_and_footer_are_escaped():
    nasty = '<a href="javascript:alert(1)">x</a> & <b>bold</b>'
    fig = chart([bar()], title=nasty, subtitle=[nasty], footer=[nasty, ""])
    title = fig.layout.title.text
    assert "&lt;a href=" in title and "<a " not in title
    assert re.fullmatch(r"(<b>[^<>]*</b>)(<br><b>[^<>]*</b>)*", title), "only our own tags"
    subtitle = fig.layout.title.subtitle.text
    assert "<a " not in subtitle and "&lt;b&gt;" in subtitle and "&amp;" in subtitle
    footer = fig.layout.annotations[0].text
    assert "<a " not in footer and "&lt;a" in footer
    assert len(fig.layout.annotations) == 1, "an empty footer line adds nothing"


def test_a_long_title_wraps_to_the_figure_width():
    title = "帮助妇女获得小额担保贷款及各类创业扶持资金的金额（含市县两级财政贴息）" * 2
    fig = chart([bar()], title=title)
    lines = re.findall(r"<b>([^<]*)</b>", fig.layout.title.text)
    assert len(lines) > 1
    assert "".join(lines) == title
    inner = charts.NORMAL.width - 2 * charts.EDGE
    for line in lines:
        assert charts.text_px(line, charts.NORMAL.title * 1.04) <= inner, line


def test_a_chart_without_bars_still_builds():
    fig = chart([])
    assert fig.layout.height > 0 and list(fig.data[0].x) == []


# --- city colours -----------------------------------------------------------------------------


def _is_black(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return max(r, g, b) < 0x30


def test_eight_cities_get_eight_distinct_colours_none_black():
    ids = ["binzhou", "changyi", "dongying", "huaibei", "huainan", "jinan", "suqian", "zibo"]
    colours = colors.city_colours(ids)
    assert set(colours) == set(ids)
    assert len(set(colours.values())) == 8
    assert set(colours.values()) <= set(colors.PALETTE)
    assert colors.FALLBACK not in colours.values()
    assert not any(_is_black(c) for c in colours.values())


def test_the_palette_has_no_black_and_the_fallback_is_none_of_it():
    assert len(colors.PALETTE) == len(set(colors.PALETTE)) == 8
    assert not any(_is_black(c) for c in (*colors.PALETTE, colors.FALLBACK))
    assert colors.FALLBACK not in colors.PALETTE


@pytest.mark.parametrize("n", range(1, 9))
def test_up_to_eight_cities_never_share_a_colour(n):
    ids = [f"city{i}" for i in range(n)]
    assert len(set(colors.city_colours(ids).values())) == n


def test_colours_depend_on_the_set_of_ids_only():
    ids = ["zibo", "jinan", "huaibei", "suqian", "dongying"]
    colours = colors.city_colours(ids)
    assert colors.city_colours(list(reversed(ids))) == colours, "not on their order"
    assert colors.city_colours(ids + ids) == colours, "nor on repeats"
    assert colors.city_colours(set(ids)) == colours


def test_a_city_s_colour_depends_only_on_the_ids_sorted_before_it():
    # What the slot assignment guarantees (cities are visited in id order): adding a city whose
    # id sorts after a city never changes that city's colour, and the first city in id order
    # always has its preferred colour. (A city sorting *before* may move a later one.)
    ids = ["binzhou", "changyi", "dongying", "huaibei", "huainan", "jinan", "suqian", "zibo"]
    full = colors.city_colours(ids)
    for k in range(1, len(ids) + 1):
        prefix = colors.city_colours(ids[:k])
        assert all(prefix[c] == full[c] for c in ids[:k]), ids[:k]
    for city in ids:
        assert colors.city_colours([city])[city] == colors.PALETTE[colors._preferred_slot(city)]
    assert full["binzhou"] == colors.city_colours(["binzhou"])["binzhou"]


def test_more_than_eight_cities_colour_only_the_chosen_ones():
    ids = [f"city{i:02d}" for i in range(12)]
    chosen = ["city03", "city07", "city11"]
    colours = colors.city_colours(ids, chosen)
    assert set(colours) == set(ids)
    assert all(colours[c] == colors.FALLBACK for c in ids if c not in chosen)
    picked = [colours[c] for c in chosen]
    assert len(set(picked)) == 3 and set(picked) <= set(colors.PALETTE)
    assert colours == colors.city_colours(ids, [*reversed(chosen), "not_a_city"]), "order and strangers ignored"


def test_more_than_eight_cities_with_eight_chosen_colour_all_eight():
    ids = [f"city{i:02d}" for i in range(10)]
    colours = colors.city_colours(ids, ids[:8])
    assert len({colours[c] for c in ids[:8]}) == 8
    assert colours["city08"] == colours["city09"] == colors.FALLBACK


def test_more_than_eight_cities_with_none_or_too_many_chosen_are_all_grey():
    ids = [f"city{i:02d}" for i in range(9)]
    assert set(colors.city_colours(ids).values()) == {colors.FALLBACK}
    assert set(colors.city_colours(ids, []).values()) == {colors.FALLBACK}
    assert set(colors.city_colours(ids, ids).values()) == {colors.FALLBACK}, "nine chosen: all grey"


def test_css_rules_only_for_safe_ids_and_colours():
    css = colors.css_rules({"zibo": "#0072B2", "bad}body{x": "#E69F00", "jinan": "red;}x{", "Upper": "#000001"})
    assert css == ".st-key-city_zibo { border-left: 6px solid #0072B2 !important; }"
    assert colors.css_rules(colors.city_colours(["a", "b"])).count("border-left") == 2
    # beyond eight cities the grey ones share one rule; the chosen keep their own
    many = colors.city_colours([f"c{k}" for k in range(3000)], chosen=["c1", "c2"])
    css = colors.css_rules(many)
    assert css.count("border-left") == 3
    assert f"{colors.FALLBACK} !important" in css.splitlines()[0]  # first: a card's own rule wins
    assert ".st-key-city_c1 " in css and ".st-key-city_c2 " in css and ".st-key-city_c3 " not in css


# --- exports ----------------------------------------------------------------------------------


@pytest.fixture
def export_rows(fixture_db) -> pd.DataFrame:
    with fixture_db.cursor() as cur:
        return queries.export_rows(cur)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_shows_values_periods_and_flags_as_the_screen_does(export_rows, lang):
    frame = exports.data_frame(export_rows, lang)
    assert len(frame) == len(export_rows)
    for record in frame.to_dict("records"):
        assert record["value_shown"] == labels.value_text(record, lang)
        assert record["period_shown"] == labels.period_text(record, lang)
        assert record["flags_shown"] == labels.flags_text(record, lang)
    assert "value_shown" not in export_rows.columns, "the query's frame is left as it was"


def test_export_value_and_period_of_the_fixture(export_rows):
    frame = exports.data_frame(export_rows, "zh").set_index("observation_id")
    by = {(r["city_id"], r["indicator_id"], r["value"]): r for r in frame.reset_index().to_dict("records")}
    assert by[("twoyears", "employment.households_employed", 30.0)]["value_shown"] == "30 户"
    total = by[("twoyears", "rights.divorce_mediations", 4600.0)]
    assert total["value_shown"] == "4,600+ 对"
    assert total["period_shown"] == "累计至2023年12月（起点不详）"
    assert total["flags_shown"].startswith("累计数；起点不详，不计每10万人")
    english = exports.data_frame(export_rows, "en")
    assert "30 households" in set(english["value_shown"])


def test_export_unit_is_the_article_s_measure_word(export_rows):
    frame = exports.data_frame(export_rows, "en")
    for record in frame.to_dict("records"):
        if record["unit_kind"] == "count":
            assert record["unit"] == record["written_word"], record["indicator_id"]
    units_of = {(r["city_id"], r["indicator_id"]): r["unit"] for r in frame.to_dict("records")}
    assert units_of[("twoyears", "employment.households_employed")] == "户"
    assert units_of[("twoyears", "employment.training_person_times")] == "人次"
    assert units_of[("sample", "rights.disputes_mediated")] == "起", "the article's 起, not the indicator's 件"
    assert units_of[("sample", "employment.loans_amount")] == "元"
    assert units_of[("sample", "organisation.coverage_rate")] == "%"


def test_export_columns_come_first_in_the_documented_order(export_rows):
    frame = exports.data_frame(export_rows, "zh")
    assert list(frame.columns[: len(queries.EXPORT_COLUMNS)]) == queries.EXPORT_COLUMNS
    assert {"value_shown", "period_shown", "flags_shown"} <= set(frame.columns)


def test_every_exported_column_is_explained_in_the_notes():
    documented = set()
    for field in exports.notes_frame()["field"]:
        documented |= {part.strip() for part in re.split(r"[/,]", field)}
    missing = [
        c for c in [*queries.EXPORT_COLUMNS, "value_shown", "period_shown", "flags_shown"] if c not in documented
    ]
    assert not missing
    notes = exports.notes_frame()
    assert list(notes.columns) == ["field", "note_zh", "note_en"]
    assert notes["note_zh"].str.len().min() > 0 and notes["note_en"].str.len().min() > 0


def test_csv_has_a_bom_and_keeps_chinese(export_rows):
    frame = exports.data_frame(export_rows, "zh")
    data = exports.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(frame.columns), "the BOM does not stick to the first column's name"
    assert list(back["value_shown"]) == list(frame["value_shown"])
    assert "累计至2023年12月（起点不详）" in set(back["period_shown"])


def test_excel_has_three_sheets_and_joins_lists(export_rows, fixture_db):
    with fixture_db.cursor() as cur:
        reports, cities = queries.reports(cur), queries.cities(cur)
    data = exports.data_frame(export_rows, "zh")
    data["quotes"] = [["甲句", "乙句"]] + [[q] for q in data["quote"].iloc[1:]]
    workbook = exports.excel_bytes(data, exports.sources_frame(reports, cities), exports.notes_frame())
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        book = archive.read("xl/workbook.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert re.findall(r'<sheet name="([^"]+)"', book) == ["data", "sources", "notes"]
    assert "甲句; 乙句" in strings, "a list is written as text, its items joined"
    assert "累计至2023年12月（起点不详）" in strings


def test_sources_have_one_row_per_report_with_the_city_s_denominator(fixture_db):
    with fixture_db.cursor() as cur:
        reports, cities = queries.reports(cur), queries.cities(cur)
    every = exports.sources_frame(reports, cities)
    assert sorted(every["report_id"]) == ["sample-2023", "twoyears-2022", "twoyears-2023"]
    sample = every[every["report_id"] == "sample-2023"].iloc[0]
    assert sample["population"] == 1_000_000 and sample["population_year"] == 2020
    assert pd.isna(every[every["report_id"] == "twoyears-2023"].iloc[0]["population"]), "no denominator: empty"
    some = exports.sources_frame(reports, cities, ["twoyears-2022"])
    assert list(some["report_id"]) == ["twoyears-2022"]
    assert int(some.iloc[0]["n_observations"]) == 3
    assert "source_text" not in every.columns


# --- period groups of the compare page ------------------------------------------------------


@pytest.fixture
def session_lang(monkeypatch):
    """The session's language (what the sidebar chose), for helpers that read it."""

    def use(lang: str) -> None:
        monkeypatch.setattr(state, "lang", lambda: lang)

    return use


def test_period_groups_longest_group_first(session_lang):
    from ui import compare

    session_lang("zh")
    groups = {"2023年": ["宿迁市"], "2020年": ["淮北市", "东营市"], "2022年": ["滨州市"]}
    assert compare.period_groups(groups, "zh") == "2020年：淮北市、东营市；2022年：滨州市；2023年：宿迁市"


def test_period_groups_name_the_first_cities_of_a_long_group(session_lang):
    from ui import compare

    session_lang("zh")
    cities = ["淮北市", "东营市", "宿迁市", "滨州市", "淄博市", "济南市", "淮南市", "昌邑市"]
    assert compare.period_groups({"2023年": cities}, "zh") == "2023年：淮北市、东营市、宿迁市等8市"


def test_period_groups_are_in_the_language_asked_for(session_lang):
    from ui import compare

    session_lang("zh")  # a helper given lang="en" must not depend on the session's language
    groups = {"2023": ["Huaibei", "Dongying"], "2022": ["Suqian"]}
    assert compare.period_groups(groups, "en") == "2023: Huaibei, Dongying; 2022: Suqian"
    many = {"2023": ["A", "B", "C", "D", "E", "F", "G", "H"]}
    assert compare.period_groups(many, "en") == "2023: A, B, C and others (8 cities)"


def test_a_preview_store_is_keyed_by_everything_it_shows():
    """Two unsaved previews with the same observations but another name, population or article
    never share a key (every cached frame is keyed by it, across sessions)."""
    from metrics import load, preview
    from ui.store import Store

    base = load.load_all(FIXTURE_DATA)
    text = (FIXTURE_DATA / "cities" / "sample.yaml").read_text(encoding="utf-8")
    article = (FIXTURE_DATA / "sources" / "sample-2023.txt").read_text(encoding="utf-8")

    def key(city_text: str, article_text: str) -> str:
        city, problems = preview.validate_city(
            city_text.replace("sources/sample-2023.txt", "sources/unsaved-2023.txt"),
            base.catalog,
            FIXTURE_DATA,
            article_text,
        )
        assert problems == [], problems
        return Store.from_dataset(preview.with_city(base, city), preview_city=city.header.id).fingerprint

    first = key(text, article)
    assert key(text, article) == first, "the same content, the same key"
    assert key(text.replace("{zh: 样例市, en: Sample}", "{zh: 阿尔法市, en: Alpha}"), article) != first
    assert key(text.replace("value: 1000000", "value: 3000000"), article) != first
    assert key(text, article + "\n一个只有这篇文章才有的句子。\n") != first


def test_among_grey_bars_the_selected_city_is_highlighted(fixture_db):
    from ui import panels
    from ui.layout import View

    panel = fixture_panel(fixture_db, "employment.training_sessions", "zh", charts.NORMAL)
    grey = dict.fromkeys(["sample", "twoyears"], colors.FALLBACK)  # more cities than colours
    view = View("compare", "zh", False, None, "", None, grey, None)
    plain = panels.figure(view, panel).data[0].marker.color
    assert set(plain) == {colors.FALLBACK}
    lit = panels.figure(view, panel, highlight="sample").data[0].marker.color
    cities = [r["city_id"] for r in panel.records]
    assert [c for c, colour in zip(cities, lit, strict=True) if colour == colors.HIGHLIGHT] == ["sample"]
    coloured = View("compare", "zh", False, None, "", None, colors.city_colours(cities), None)
    assert colors.HIGHLIGHT not in set(panels.figure(coloured, panel, highlight="sample").data[0].marker.color) - {
        colors.city_colours(cities)["sample"]
    }, "a city with a colour of its own keeps it"
