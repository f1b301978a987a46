"""metrics.queries: the named page queries, on the dashboard's frozen test data.

`cur` reads tests/fixtures/dashboard/ (a snapshot of curated data: nine cities, eleven reports,
Huaibei and Zibo with two years each; see its README.md), never data/, so the values below are the
snapshot's: look them up in tests/fixtures/dashboard/cities/*.yaml. `dashboard` is that snapshot
loaded, for expectations derived from it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import EXPORT_FIRST, EXPORT_SECOND_EDITION  # the export contract

from metrics import load, queries
from metrics.text import SourceText, normalise

# Each city's latest report in the snapshot (the default of comparisons) and its 2020 reports.
LATEST = {
    "binzhou": "binzhou-2020",
    "changyi": "changyi-2023h1",
    "dongying": "dongying-2020",
    "huaibei": "huaibei-2022",
    "huainan": "huainan-2024",
    "jinan": "jinan-2023",
    "lianyungang": "lianyungang-2022",
    "suqian": "suqian-2023",
    "zibo": "zibo-2024",
}
REPORTS_2020 = {"binzhou-2020", "dongying-2020", "huaibei-2020", "zibo-2020"}


def _n_observations(dataset: load.Dataset) -> int:
    return sum(len(c.observations) for c in dataset.cities.values())


# --- compare: one category across cities ----------------------------------------------------


def test_compare_category_rights_has_no_row_for_cities_that_do_not_report(cur):
    frame = queries.compare_category(cur, "rights")
    assert set(frame["category_id"]) == {"rights"}
    resolved = frame[frame["indicator_id"] == "rights.all_disputes_resolved"]
    assert sorted(resolved["city_id"]) == ["changyi", "zibo"]
    events = frame[frame["indicator_id"] == "rights.legal_education_events"]
    assert sorted(events["city_id"]) == ["changyi", "huaibei", "suqian", "zibo"]  # Huaibei: from 2020
    # Lianyungang reports rights, but not these two: no row, not a 0
    assert "lianyungang" in set(frame["city_id"])
    assert (frame["value"] > 0).all()
    assert not frame["value"].isna().any()


def test_compare_category_for_chosen_cities(cur):
    frame = queries.compare_category(cur, "rights", ["suqian", "zibo"])
    assert set(frame["city_id"]) == {"suqian", "zibo"}
    assert list(frame[frame["indicator_id"] == "rights.all_disputes_resolved"]["city_id"]) == ["zibo"]


def test_compare_category_follows_catalog_order(cur):
    frame = queries.compare_category(cur, "rights")
    assert list(frame["indicator_order"]) == sorted(frame["indicator_order"])


def test_compare_category_keeps_scopes_and_tallies_apart(cur):
    # Changyi's 765 disputes are a running total of its vanguard teams, Zibo's 700 a year's flow:
    # two rows of one indicator, each with its tally and scope, never one sum.
    frame = queries.compare_category(cur, "rights", ["changyi", "zibo"])
    rows = frame[frame["indicator_id"] == "rights.all_disputes_resolved"].set_index("city_id")
    assert rows.loc["changyi", "value"] == 765 and rows.loc["zibo", "value"] == 700
    assert rows.loc["changyi", "tally"] == "running_total" and bool(rows.loc["changyi", "since_unknown"])
    assert rows.loc["changyi", "scope_zh"] == "“七彩花”巾帼先锋队（社会治理网格）"
    assert rows.loc["zibo", "tally"] == "flow" and pd.isna(rows.loc["zibo", "scope_zh"])
    # Suqian's people reached by two campaigns: two scopes, two rows
    reached = queries.compare_category(cur, "rights", ["suqian"])
    reached = reached[reached["indicator_id"] == "rights.people_reached"]
    assert sorted(reached["value"]) == [10_000, 26_000] and reached["scope_zh"].nunique() == 2


def test_compare_category_takes_each_citys_latest_report_by_default(cur):
    frame = queries.compare_category(cur, "health")
    zibo = frame[frame["city_id"] == "zibo"]
    assert set(zibo["report_id"]) == {"zibo-2024"}  # not zibo-2020
    assert sorted(zibo["indicator_id"]) == ["health.aid_funds", "health.patients_aided", "health.women_screened"]
    assert zibo.set_index("indicator_id").loc["health.women_screened", "value"] == 48_000
    assert frame["latest"].all()
    for category_id in ("employment", "rights", "child", "health", "outreach", "organisation"):
        frame = queries.compare_category(cur, category_id)
        assert frame.groupby("city_id")["report_id"].nunique().max() == 1, "one report per city"
        for city_id, report_id in set(zip(frame["city_id"], frame["report_id"], strict=True)):
            values = queries.city_values(cur, city_id)
            covering = values[values["category_id"] == category_id]
            newest = covering.sort_values("report_end")["report_id"].iloc[-1]
            assert report_id == newest, (category_id, city_id)  # the latest report that covers it
    # Huaibei's latest report (2022, rural work) has no rights figure: its latest that has one
    # (2020) stands for it, never both years at once
    rights = queries.compare_category(cur, "rights")
    assert set(rights.loc[rights["city_id"] == "huaibei", "report_id"]) == {"huaibei-2020"}
    assert not rights.loc[rights["city_id"] == "huaibei", "latest"].any()


def test_compare_category_of_one_year_shows_only_the_cities_reporting_that_year(cur):
    cities, reports = set(), set()
    for category_id in queries.categories(cur)["category_id"]:
        frame = queries.compare_category(cur, category_id, year=2020)
        assert (frame["report_year"] == 2020).all(), category_id
        cities |= set(frame["city_id"])
        reports |= set(frame["report_id"])
    assert cities == {"binzhou", "dongying", "huaibei", "zibo"}
    assert reports == REPORTS_2020
    health = queries.compare_category(cur, "health", year=2020)
    assert set(health["report_id"]) == {"zibo-2020"}
    # Zibo's two 2020 screenings (cervical, breast) have two scopes: two rows, not summed
    screened = health[health["indicator_id"] == "health.women_screened"]
    assert sorted(screened["value"]) == [149_832, 152_311]
    rights = queries.compare_category(cur, "rights", year=2020)
    assert set(rights["report_id"]) == {"huaibei-2020"}
    assert rights.set_index("indicator_id").loc["rights.disputes_mediated", "value"] == 2200
    assert not queries.compare_category(cur, "rights", ["huaibei"], year=2020).empty
    assert queries.compare_category(cur, "rights", ["suqian"], year=2020).empty
    assert queries.compare_category(cur, "rights", year=2021).empty  # nobody reports 2021


def test_report_years_count_the_cities_of_each_year(cur):
    frame = queries.report_years(cur)
    assert list(frame["year"]) == [2024, 2023, 2022, 2020]  # latest first; no 2021 report
    assert list(frame["n_cities"]) == [2, 3, 2, 4]
    by_year = {r.year: list(r.city_ids) for r in frame.itertuples()}
    assert by_year == {
        2024: ["huainan", "zibo"],
        2023: ["changyi", "jinan", "suqian"],
        2022: ["huaibei", "lianyungang"],
        2020: ["binzhou", "dongying", "huaibei", "zibo"],
    }
    rights = queries.report_years(cur, "rights")
    assert {r.year: list(r.city_ids) for r in rights.itertuples()} == {
        2024: ["zibo"],
        2023: ["changyi", "suqian"],
        2022: ["lianyungang"],
        2020: ["huaibei"],
    }
    assert queries.report_years(cur, "nothing").empty


def test_city_values_holds_every_year_of_a_two_report_city(cur):
    frame = queries.city_values(cur, "zibo")
    assert set(frame["report_id"]) == {"zibo-2020", "zibo-2024"}
    funds = frame[frame["indicator_id"] == "health.aid_funds"]
    assert list(funds["report_id"]) == ["zibo-2020", "zibo-2024"]  # oldest year first
    assert list(funds["value"]) == [400_000, 750_000]
    assert list(funds["latest"]) == [False, True]
    assert list(frame["category_order"]) == sorted(frame["category_order"])
    huaibei = queries.city_values(cur, "huaibei")
    assert set(huaibei["report_year"]) == {2020, 2022}
    assert queries.city_values(cur, "nowhere").empty


def test_changyi_child_friendly_sites_are_a_stock_summed_from_five_parts(cur):
    frame = queries.compare_category(cur, "child", ["changyi"])
    row = frame[frame["indicator_id"] == "child.friendly_sites"].iloc[0]
    assert row["value"] == 29
    assert row["n_parts"] == 5
    assert bool(row["is_sum_of_parts"]) is True
    assert sorted(row["part_values"]) == [1, 5, 5, 8, 10]
    assert set(row["breakdowns_zh"]) == {"儿童友好社区", "儿童友好医院", "儿童友好学校", "儿童友好场馆", "儿童友好公园"}
    assert row["qualifier"] == "exact"
    # built by the date of the article: a stock on 2023-06-19, not a flow of the half-year
    assert row["tally"] == "stock" and bool(row["cumulative"]) is True
    assert str(row["period_start"].date()) == str(row["period_end"].date()) == "2023-06-19"


def test_single_observations_are_not_sums_of_parts(cur):
    frame = queries.indicator_across_cities(cur, "rights.all_disputes_resolved")
    assert list(frame["n_parts"]) == [1, 1]
    assert not frame["is_sum_of_parts"].any()


# --- per 100,000 residents -------------------------------------------------------------------


def test_indicator_across_cities_per_100k_from_the_population(cur, dashboard):
    frame = queries.indicator_across_cities(cur, "rights.legal_education_events")
    assert sorted(frame["city_id"]) == ["changyi", "huaibei", "suqian", "zibo"]  # every year
    assert list(frame["value"]) == sorted(frame["value"], reverse=True)
    for row in frame.itertuples():
        population = dashboard.cities[row.city_id].header.population
        if population is None:  # Changyi: no denominator
            assert pd.isna(row.population) and pd.isna(row.per_100k)
            continue
        assert row.population == population.value
        assert row.population_source == population.source
        assert row.per_100k == pytest.approx(row.value / population.value * 100_000)


def test_a_city_without_population_has_no_per_100k(cur, dashboard):
    assert dashboard.cities["changyi"].header.population is None
    assert all(c.header.population is not None for cid, c in dashboard.cities.items() if cid != "changyi")
    frame = queries.city_values(cur, "changyi")
    per_capita_flows = frame[frame["per_capita"] & (frame["tally"] == "flow")]
    assert len(per_capita_flows) > 0  # figures that would have a rate with a denominator
    assert frame["per_100k"].isna().all() and frame["population"].isna().all()
    profile = queries.city_profile(cur, "changyi")
    assert profile["per_100k"].isna().all()


def test_a_running_total_with_an_unknown_start_has_no_per_100k(cur):
    frame = queries.city_values(cur, "suqian").set_index("indicator_id")
    row = frame.loc["child.activities"]  # 212 group activities 截至目前, no start
    assert row["tally"] == "running_total" and bool(row["since_unknown"])
    assert bool(row["per_capita"]) and row["population"] > 0
    assert pd.isna(row["per_100k"])
    # a running total with a known start has one: Zibo's talks since 2024-11-01
    zibo = queries.city_values(cur, "zibo").set_index("indicator_id").loc["outreach.events"]
    assert zibo["tally"] == "running_total" and not bool(zibo["since_unknown"])
    assert zibo["per_100k"] == pytest.approx(zibo["value"] / zibo["population"] * 100_000)
    # ... and a stock too: Zibo's child-friendly sites on 2024-12-31
    stock = queries.city_values(cur, "zibo").set_index("indicator_id").loc["child.friendly_sites"]
    assert stock["tally"] == "stock" and stock["per_100k"] == pytest.approx(100 / 4_704_138 * 100_000)


def test_indicator_without_per_capita_has_no_per_100k(cur):
    frame = queries.indicator_across_cities(cur, "rights.warning_letter_rate")
    assert len(frame) >= 1
    assert frame["per_100k"].isna().all()


def _without_rights(path) -> None:
    text = path.read_text(encoding="utf-8")
    head, *entries = text.split("\n  - indicator: ")
    kept = [e for e in entries if not e.startswith("rights.")]
    assert len(kept) < len(entries), path.name
    path.write_text("\n  - indicator: ".join([head, *kept]), encoding="utf-8")


def test_indicator_nobody_reports_has_no_rows(data_copy):
    # the fixture cities without their rights observations: rights is reported by no city
    for name in ("sample.yaml", "twoyears.yaml"):
        _without_rights(data_copy / "cities" / name)
    dataset = load.load_all(data_copy)
    assert not dataset.problems and len(dataset.cities) == 2
    con = load.build_database(dataset)
    with con.cursor() as cursor:
        assert queries.indicator_across_cities(cursor, "rights.disputes_mediated").empty
        assert queries.compare_category(cursor, "rights").empty
        assert queries.report_years(cursor, "rights").empty
        coverage = queries.coverage(cursor).set_index(["city_id", "category_id"])
        assert coverage.loc[("sample", "rights"), "n_indicators"] == 0
        assert coverage.loc[("twoyears", "rights"), "n_indicators"] == 0
        assert coverage.loc[("sample", "employment"), "n_indicators"] == 4


def test_coverage_counts_zero_for_unreported_categories(cur, dashboard):
    frame = queries.coverage(cur)
    assert len(frame) == len(dashboard.cities) * len(dashboard.catalog.categories)
    reported: dict[tuple[str, str], set[str]] = {}
    for city_id, city in dashboard.cities.items():
        for obs in city.observations:
            reported.setdefault((city_id, obs.indicator.split(".")[0]), set()).add(obs.indicator)
    expected = {
        (city_id, category_id): len(reported.get((city_id, category_id), ()))
        for city_id in dashboard.cities
        for category_id in dashboard.catalog.categories
    }
    assert {(r.city_id, r.category_id): r.n_indicators for r in frame.itertuples()} == expected
    assert 0 in expected.values()  # at least one city leaves a category out


# --- source passages ------------------------------------------------------------------------


def test_source_passage_highlights_the_quote(cur):
    obs_id = cur.execute(
        "SELECT observation_id FROM observations "
        "WHERE city_id = 'changyi' AND indicator_id = 'rights.all_disputes_resolved'"
    ).fetchone()[0]
    passage = queries.source_passage(cur, obs_id, context=20)
    assert passage["highlighted"] == "化解各类矛盾纠纷765起"
    assert passage["quote"] == "化解各类矛盾纠纷765起"
    assert passage["before"].startswith("…") and len(passage["before"]) == 21
    assert passage["after"].endswith("…")
    assert passage["city_en"] == "Changyi" and passage["report_id"] == "changyi-2023h1"
    assert passage["tally"] == "running_total" and passage["scope_zh"] == "“七彩花”巾帼先锋队（社会治理网格）"
    assert passage["note"].startswith("巾帼先锋队化解的各类矛盾纠纷") and passage["note_en"].startswith(
        "Disputes of all kinds"
    )
    assert passage["title_by"] == "curator"


def test_source_passage_in_a_traditional_article_shows_the_article_as_published(cur):
    row = cur.execute(
        "SELECT observation_id, quote FROM observations WHERE report_id = 'zibo-2024' ORDER BY observation_id LIMIT 1"
    ).fetchone()
    passage = queries.source_passage(cur, row[0])
    assert passage["highlighted"] != row[1]  # traditional characters, pinyin annotations
    assert normalise(passage["highlighted"]) == normalise(row[1])


def test_every_source_passage_is_found_in_its_article(cur):
    rows = cur.execute(
        "SELECT observation_id, quote, source_text FROM observations JOIN reports USING (report_id)"
    ).fetchall()
    for obs_id, quote, source_text in rows:
        passage = queries.source_passage(cur, obs_id, context=30)
        assert normalise(passage["highlighted"]) == normalise(quote), obs_id
        body = SourceText.from_raw(source_text).body
        assert passage["before"].lstrip("…") + passage["highlighted"] + passage["after"].rstrip("…") in body


def test_source_passage_of_an_unknown_observation(cur):
    assert queries.source_passage(cur, 10**9) is None


# --- export ---------------------------------------------------------------------------------


def test_export_rows_columns_and_units(cur, dashboard):
    frame = queries.export_rows(cur)
    assert queries.EXPORT_COLUMNS == EXPORT_FIRST + EXPORT_SECOND_EDITION
    assert list(frame.columns[: len(queries.EXPORT_COLUMNS)]) == queries.EXPORT_COLUMNS
    assert len(frame) == _n_observations(dashboard)
    loans = frame[(frame["unit_as_written"] == "亿元")].iloc[0]
    assert loans["unit"] == "元" and loans["value"] == pytest.approx(loans["value_as_written"] * 1e8)
    assert set(frame["qualifier"]) <= {"exact", "more_than", "nearly", "about"}
    assert set(frame["tally"]) == {"flow", "stock", "running_total"}
    assert (frame["cumulative"] == (frame["tally"] != "flow")).all()
    assert set(frame["level"].dropna()) <= {"national", "provincial", "prefecture", "county"}


def test_export_unit_is_the_articles_measure_word(cur):
    frame = queries.export_rows(cur).set_index(["report_id", "indicator_id"])
    # 服务家庭18.12万户: a households count, in 户 with the 万 applied
    households = frame.loc[("jinan-2023", "employment.domestic_service_households")]
    assert households["unit"] == "户" and households["value"] == pytest.approx(181_200)
    assert households["unit_as_written"] == "万户" and households["measure"] == "households"
    # 为4.8万名妇女: 名 as written, not the indicator's 人
    screened = frame.loc[("zibo-2024", "health.women_screened")]
    assert screened["unit"] == "名" and screened["measure_word_zh"] == "人" and screened["value"] == 48_000
    # 化解各类矛盾纠纷765起: 起, not the indicator's 件
    disputes = frame.loc[("changyi-2023h1", "rights.all_disputes_resolved")]
    assert disputes["unit"] == "起" and disputes["measure_word_zh"] == "件"
    # money and shares keep their canonical unit
    funds = frame.loc[("zibo-2024", "health.aid_funds")]
    assert funds["unit"] == "元" and funds["unit_as_written"] == "万元" and funds["value"] == 750_000


def test_export_rows_carry_tally_scope_level_and_both_notes(cur):
    frame = queries.export_rows(cur)
    row = frame[(frame["city_id"] == "changyi") & (frame["indicator_id"] == "rights.all_disputes_resolved")].iloc[0]
    assert (row["measure"], row["tally"], bool(row["cumulative"])) == ("cases", "running_total", True)
    assert pd.isna(row["period_start"]) and str(row["period_end"].date()) == "2023-06-19"  # since unknown
    assert row["scope_zh"] == "“七彩花”巾帼先锋队（社会治理网格）"
    assert row["scope_en"] == '"Seven-colour flower" women\'s vanguard teams (social-governance grid)'
    assert pd.isna(row["level"]) and pd.isna(row["per_100k"]) and pd.isna(row["population"])
    assert row["note"].startswith("巾帼先锋队") and row["note_en"].startswith("Disputes of all kinds")
    honours = frame[(frame["report_id"] == "lianyungang-2022") & (frame["indicator_id"] == "family.families_commended")]
    assert sorted(honours["level"]) == ["national", "prefecture", "provincial"]
    assert set(honours["population_year"]) == {2020} and set(honours["population_basis"]) == {"census"}
    only_zh = frame[frame["note"].notna() & frame["note_en"].isna()]
    assert len(only_zh) < frame["note"].notna().sum()  # English beside most notes, not required


# --- lists and profiles ---------------------------------------------------------------------


def test_cities(cur, dashboard):
    frame = queries.cities(cur)
    assert list(frame["city_id"]) == sorted(dashboard.cities)
    for row in frame.itertuples():
        city = dashboard.cities[row.city_id]
        assert row.n_observations == len(city.observations)
        assert row.n_indicators == len({o.indicator for o in city.observations})
    zibo = frame.set_index("city_id").loc["zibo"]
    assert str(zibo["period_start"].date()) == "2020-01-01" and str(zibo["period_end"].date()) == "2024-12-31"


def test_categories_in_catalog_order(cur, dashboard):
    frame = queries.categories(cur)
    assert list(frame["category_id"]) == sorted(
        dashboard.catalog.categories, key=lambda c: dashboard.catalog.categories[c].order
    )
    # every year counts: Huaibei reports rights in 2020 only
    assert frame.set_index("category_id").loc["rights", "n_cities"] == 5


def test_indicators_of_one_category(cur, dashboard):
    frame = queries.indicators(cur, "rights")
    assert list(frame["indicator_id"]) == [i for i in dashboard.catalog.indicators if i.startswith("rights.")]
    by_id = frame.set_index("indicator_id")
    assert by_id.loc["rights.disputes_mediated", "n_cities"] == 1  # Huaibei (2020)
    assert by_id.loc["rights.all_disputes_resolved", "n_cities"] == 2  # Changyi, Zibo
    assert len(queries.indicators(cur)) == len(dashboard.catalog.indicators)


def test_city_profile(cur, dashboard):
    frame = queries.city_profile(cur, "suqian")
    assert len(frame) == len(dashboard.cities["suqian"].observations)
    assert list(frame["category_order"]) == sorted(frame["category_order"])
    assert queries.city_profile(cur, "nowhere").empty
    zibo = queries.city_profile(cur, "zibo")
    assert set(zibo["report_id"]) == {"zibo-2020", "zibo-2024"}


def test_observations_filters(cur):
    frame = queries.observations(cur, city_ids=["zibo", "changyi"], category_ids=["rights"])
    assert set(frame["city_id"]) == {"zibo", "changyi"} and set(frame["category_id"]) == {"rights"}
    only = queries.observations(cur, indicator_ids=["child.friendly_sites"])
    assert set(only["indicator_id"]) == {"child.friendly_sites"}


def test_reports(cur, dashboard):
    frame = queries.reports(cur)
    assert "source_text" not in frame.columns
    assert len(frame) == sum(len(c.header.reports) for c in dashboard.cities.values()) == 11
    assert frame["n_observations"].sum() == _n_observations(dashboard)
    by_id = frame.set_index("report_id")
    assert str(by_id.loc["changyi-2023h1", "published"].date()) == "2023-06-19"
    assert pd.isna(by_id.loc["zibo-2024", "published"])  # "unknown" is not a date ...
    assert "2025" in by_id.loc["zibo-2024", "published_note"]  # ... and the note says how it was inferred
    assert by_id.loc["zibo-2024", "title_by"] == "curator" and by_id.loc["zibo-2020", "title_by"] == "article"
    assert bool(by_id.loc["zibo-2020", "excerpt"]) and not bool(by_id.loc["zibo-2024", "excerpt"])
    assert list(frame[frame["city_id"] == "zibo"]["report_id"]) == ["zibo-2020", "zibo-2024"]


def test_article_with_quotes_rebuilds_the_article(cur):
    segments = queries.article_with_quotes(cur, "changyi-2023h1")
    source = cur.execute("SELECT source_text FROM reports WHERE report_id = 'changyi-2023h1'").fetchone()[0]
    assert "".join(text for text, _ in segments) == SourceText.from_raw(source).body
    ids = {obs_id for _, obs_id in segments if obs_id is not None}
    expected = {
        r[0]
        for r in cur.execute("SELECT observation_id FROM observations WHERE report_id = 'changyi-2023h1'").fetchall()
    }
    assert ids and ids <= expected
    assert queries.article_with_quotes(cur, "nothing") == []


def test_problems_is_empty_on_the_dashboard_data(cur):
    assert queries.problems(cur).empty


# --- how rows become frames -------------------------------------------------------------------


def _plain(value):
    """A cell compared by content: a list column's cell (Arrow list or NumPy array) as a list."""
    return list(value) if hasattr(value, "__len__") and not isinstance(value, str) else value


@pytest.mark.parametrize(
    "query, args",
    [
        (queries.cities, ()),
        (queries.categories, ()),
        (queries.indicators, ()),
        (queries.coverage, ()),
        (queries.reports, ()),
        (queries.export_rows, ()),
        (queries.observations, ()),
        (queries.report_years, ()),
        (queries.problems, ()),
        (queries.compare_category, ("rights",)),
        (queries.compare_category, ("employment", None, 2020)),
        (queries.category_reporting, ("employment",)),
        (queries.indicator_across_cities, ("employment.women_trained",)),
        (queries.city_values, ("huaibei",)),
        (queries.city_profile, ("zibo",)),
        (queries.report_text, ("zibo-2024",)),
    ],
)
def test_page_frames_hold_what_duckdb_df_gives(cur, monkeypatch, query, args):
    """queries._frame reads rows through Arrow (a list cell stays one Arrow list instead of a
    NumPy array each) and sorts them there; every other column has the dtype and the values
    DuckDB's .df() gives, in ORDER BY's order, so the pages see the same frame: dates as
    datetime64, NULL as None, NaN or <NA> as before."""
    frame = query(cur, *args)

    def as_before(c, sql, params=None, order=None):
        by = ", ".join(f"{column} {'DESC' if way == 'descending' else 'ASC'}" for column, way in order or [])
        return c.execute(f"SELECT * FROM ({sql}) ORDER BY {by}" if by else sql, params or {}).df()

    monkeypatch.setattr(queries, "_frame", as_before)
    reference = query(cur, *args)
    assert list(frame.columns) == list(reference.columns)
    assert len(frame) == len(reference)
    for column in reference.columns:
        if isinstance(frame[column].dtype, pd.ArrowDtype):
            assert frame[column].dtype.pyarrow_dtype.num_fields == 1, column  # a list
            assert reference[column].dtype == object, column
        else:
            assert frame[column].dtype == reference[column].dtype, column
        pd.testing.assert_series_equal(
            frame[column].map(_plain).astype(object), reference[column].map(_plain).astype(object), check_names=False
        )
