"""metrics.queries: the named page queries, on the dashboard's frozen test data.

`cur` reads tests/fixtures/dashboard/ (a snapshot of curated data: nine cities, eleven reports,
Huaibei and Zibo with two years each; see its README.md), never data/, so the values below are the
snapshot's: look them up in tests/fixtures/dashboard/cities/*.yaml. `dashboard` is that snapshot
loaded, for expectations derived from it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import load, queries
from metrics.text import SourceText, normalise

# The export contract of issue 2: exactly these columns first, in this order ...
EXPORT_FIRST = [
    "city_id",
    "indicator_id",
    "category_id",
    "value",
    "unit",
    "qualifier",
    "value_as_written",
    "unit_as_written",
    "period_start",
    "period_end",
    "cumulative",
    "report_id",
    "quote",
]
# ... then the denominator and the second edition's columns (docs/model.md).
EXPORT_SECOND_EDITION = [
    "per_100k",
    "population",
    "population_year",
    "population_basis",
    "note",
    "note_en",
    "measure",
    "tally",
    "scope_zh",
    "scope_en",
    "level",
]


def test_compare_category_rights_has_no_row_for_cities_that_do_not_report(cur):
    frame = queries.compare_category(cur, "rights")
    assert set(frame["category_id"]) == {"rights"}
    disputes = frame[frame["indicator_id"] == "rights.disputes_mediated"]
    assert sorted(disputes["city_id"]) == ["changyi", "huaibei", "zibo"]
    # Suqian and Lianyungang do not report it: no row, not a 0
    assert (disputes["value"] > 0).all()
    assert not frame["value"].isna().any()


def test_compare_category_for_chosen_cities(cur):
    frame = queries.compare_category(cur, "rights", ["suqian", "zibo"])
    assert set(frame["city_id"]) == {"suqian", "zibo"}
    assert list(frame[frame["indicator_id"] == "rights.disputes_mediated"]["city_id"]) == ["zibo"]


def test_compare_category_follows_catalog_order(cur):
    frame = queries.compare_category(cur, "rights")
    assert list(frame["indicator_order"]) == sorted(frame["indicator_order"])


def test_changyi_child_friendly_sites_are_a_sum_of_five_parts(cur):
    frame = queries.compare_category(cur, "child", ["changyi"])
    row = frame[frame["indicator_id"] == "child.friendly_sites"].iloc[0]
    assert row["value"] == 29
    assert row["n_parts"] == 5
    assert bool(row["is_sum_of_parts"]) is True
    assert sorted(row["part_values"]) == [1, 5, 5, 8, 10]
    assert set(row["breakdowns_zh"]) == {"儿童友好社区", "儿童友好医院", "儿童友好学校", "儿童友好场馆", "儿童友好公园"}
    assert row["qualifier"] == "exact"


def test_single_observations_are_not_sums_of_parts(cur):
    frame = queries.indicator_across_cities(cur, "rights.disputes_mediated")
    assert list(frame["n_parts"]) == [1, 1, 1]
    assert not frame["is_sum_of_parts"].any()


def test_indicator_across_cities_per_100k_from_the_population(cur, shipped):
    frame = queries.indicator_across_cities(cur, "rights.disputes_mediated")
    assert list(frame["value"]) == sorted(frame["value"], reverse=True)
    for row in frame.itertuples():
        population = shipped.cities[row.city_id].header.population
        assert row.population == population.value
        assert row.population_source == population.source
        assert row.per_100k == pytest.approx(row.value / population.value * 100_000)


def test_indicator_without_per_capita_has_no_per_100k(cur):
    frame = queries.indicator_across_cities(cur, "rights.warning_letter_rate")
    assert len(frame) >= 1
    assert frame["per_100k"].isna().all()


def test_indicator_nobody_reports_has_no_rows(data_copy):
    # the fixture city without its one rights observation: rights is reported by no city
    path = data_copy / "cities" / "sample.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - indicator: rights.disputes_mediated")
    end = text.index("  - indicator:", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    con = load.build_database(load.load_all(data_copy))
    with con.cursor() as cursor:
        assert queries.indicator_across_cities(cursor, "rights.disputes_mediated").empty
        assert queries.compare_category(cursor, "rights").empty
        coverage = queries.coverage(cursor).set_index("category_id")
        assert coverage.loc["rights", "n_indicators"] == 0
        assert coverage.loc["employment", "n_indicators"] == 4


def test_coverage_counts_zero_for_unreported_categories(cur, shipped):
    frame = queries.coverage(cur)
    assert len(frame) == len(shipped.cities) * len(shipped.catalog.categories)
    reported: dict[tuple[str, str], set[str]] = {}
    for city_id, city in shipped.cities.items():
        for obs in city.observations:
            reported.setdefault((city_id, obs.indicator.split(".")[0]), set()).add(obs.indicator)
    expected = {
        (city_id, category_id): len(reported.get((city_id, category_id), ()))
        for city_id in shipped.cities
        for category_id in shipped.catalog.categories
    }
    assert {(r.city_id, r.category_id): r.n_indicators for r in frame.itertuples()} == expected
    assert 0 in expected.values()  # at least one city leaves a category out


def test_source_passage_highlights_the_quote(cur):
    obs_id = cur.execute(
        "SELECT observation_id FROM observations WHERE city_id = 'changyi' AND indicator_id = 'rights.disputes_mediated'"
    ).fetchone()[0]
    passage = queries.source_passage(cur, obs_id, context=20)
    assert passage["highlighted"] == "化解各类矛盾纠纷765起"
    assert passage["quote"] == "化解各类矛盾纠纷765起"
    assert passage["before"].startswith("…") and len(passage["before"]) == 21
    assert passage["after"].endswith("…")
    assert passage["city_en"] == "Changyi" and passage["report_id"] == "changyi-2023h1"


def test_source_passage_in_a_traditional_article_shows_the_article_as_published(cur):
    row = cur.execute(
        "SELECT observation_id, quote FROM observations WHERE city_id = 'zibo' ORDER BY observation_id LIMIT 1"
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


def test_export_rows_columns_and_units(cur, shipped):
    frame = queries.export_rows(cur)
    assert list(frame.columns[:13]) == EXPORT_FIRST
    assert queries.EXPORT_COLUMNS == EXPORT_FIRST
    assert len(frame) == sum(len(c.observations) for c in shipped.cities.values())
    loans = frame[(frame["unit_as_written"] == "亿元")].iloc[0]
    assert loans["unit"] == "元" and loans["value"] == pytest.approx(loans["value_as_written"] * 1e8)
    assert set(frame["qualifier"]) <= {"exact", "more_than", "nearly", "about"}


def test_cities(cur, shipped):
    frame = queries.cities(cur)
    assert list(frame["city_id"]) == sorted(shipped.cities)
    for row in frame.itertuples():
        city = shipped.cities[row.city_id]
        assert row.n_observations == len(city.observations)
        assert row.n_indicators == len({o.indicator for o in city.observations})


def test_categories_in_catalog_order(cur, shipped):
    frame = queries.categories(cur)
    assert list(frame["category_id"]) == sorted(
        shipped.catalog.categories, key=lambda c: shipped.catalog.categories[c].order
    )
    assert frame.set_index("category_id").loc["rights", "n_cities"] == 5


def test_indicators_of_one_category(cur, shipped):
    frame = queries.indicators(cur, "rights")
    assert list(frame["indicator_id"]) == [i for i in shipped.catalog.indicators if i.startswith("rights.")]
    assert frame.set_index("indicator_id").loc["rights.disputes_mediated", "n_cities"] == 3
    assert len(queries.indicators(cur)) == len(shipped.catalog.indicators)


def test_city_profile(cur, shipped):
    frame = queries.city_profile(cur, "suqian")
    assert len(frame) == len(shipped.cities["suqian"].observations)
    assert list(frame["category_order"]) == sorted(frame["category_order"])
    assert queries.city_profile(cur, "nowhere").empty


def test_observations_filters(cur):
    frame = queries.observations(cur, city_ids=["zibo", "changyi"], category_ids=["rights"])
    assert set(frame["city_id"]) == {"zibo", "changyi"} and set(frame["category_id"]) == {"rights"}
    only = queries.observations(cur, indicator_ids=["child.friendly_sites"])
    assert set(only["indicator_id"]) == {"child.friendly_sites"}


def test_reports(cur, shipped):
    frame = queries.reports(cur)
    assert "source_text" not in frame.columns
    assert frame["n_observations"].sum() == sum(len(c.observations) for c in shipped.cities.values())
    by_id = frame.set_index("report_id")
    assert str(by_id.loc["changyi-2023h1", "published"].date()) == "2023-06-19"
    assert pd.isna(by_id.loc["zibo-2024", "published"])  # "unknown" is not a date ...
    assert "2025" in by_id.loc["zibo-2024", "published_note"]  # ... and the note says how it was inferred


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


def test_problems_is_empty_on_shipped_data(cur):
    assert queries.problems(cur).empty
