"""The shipped data (data/): every city file validates, every quote is in its article, and the
catalog and cities meet the coverage the product promises.

Nothing here names a city: every expectation is derived from the files, so adding a valid city
file (or thirty) keeps these tests green, and a broken one fails them with its own message.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from metrics import load, schema
from metrics.numbers import find_mentions
from metrics.text import SourceText, normalise, strip_annotations, to_simplified
from metrics.units import parse_unit

DATA = Path(__file__).resolve().parent.parent / "data"
CITY_FILES = sorted((DATA / "cities").glob("*.yaml"))
CITY_IDS = [p.stem for p in CITY_FILES]

# The product's categories (DESIGN.md): employment and entrepreneurship; rights protection and family-dispute
# mediation; child-friendly city; family education and values; women's health; care for women
# and children in difficulty; rural revitalisation and beautiful courtyards; outreach and
# ideological guidance; organisation building.
REQUIRED_CATEGORIES = {
    "employment": "就业",
    "rights": "维权",
    "child": "儿童友好",
    "family": "家庭教育",
    "health": "健康",
    "difficulty": "困境",
    "rural": "乡村振兴",
    "outreach": "宣传",
    "organisation": "组织建设",
}


def test_the_whole_data_folder_loads_and_builds(shipped):
    # every file, the cross-file rules included (ids, report ids, source files), and the build
    assert shipped.problems == [], "\n".join(map(str, shipped.problems))
    assert sorted(shipped.cities) == CITY_IDS
    load.build_database(shipped).close()


@pytest.mark.parametrize("path", CITY_FILES, ids=CITY_IDS)
def test_city_file_validates(path, shipped):
    city, problems = load.load_city(path, shipped.catalog, DATA)
    assert problems == [], "\n".join(map(str, problems))
    assert city.header.id == path.stem


@pytest.mark.parametrize("city_id", CITY_IDS)
def test_every_quote_is_in_its_source_with_its_number(city_id, shipped):
    # checked here with SourceText.find (the offsets path the pages use), beside the loader's check
    city = shipped.cities[city_id]
    articles = {rid: SourceText.from_raw(raw) for rid, raw in city.sources.items()}
    for obs, line in zip(city.observations, city.lines, strict=True):
        where = f"{city_id}.yaml:{line}"
        span = articles[obs.report].find(obs.quote)
        assert span is not None, f"{where}: quote not in source: {obs.quote}"
        found = articles[obs.report].body[span[0] : span[1]]
        assert normalise(found) == normalise(obs.quote), where
        expected = obs.value * parse_unit(obs.unit)[0]  # 1.5 万人 -> 15000, as the quote reads 1.5万
        numbers = [m.value for m in find_mentions(normalise(obs.quote))]
        assert any(abs(n - expected) <= 1e-9 * max(1.0, expected) for n in numbers), (
            f"{where}: {expected:g} not in {numbers}"
        )


@pytest.mark.parametrize("city_id", CITY_IDS)
def test_quotes_are_simplified_without_annotations(city_id, shipped):
    for obs, line in zip(shipped.cities[city_id].observations, shipped.cities[city_id].lines, strict=True):
        assert to_simplified(obs.quote) == obs.quote, f"{city_id}.yaml:{line}: write the quote in simplified Chinese"
        assert strip_annotations(obs.quote) == obs.quote, f"{city_id}.yaml:{line}: leave pinyin out of the quote"


def test_catalog_has_the_required_categories(shipped):
    categories = shipped.catalog.categories
    assert set(REQUIRED_CATEGORIES) <= set(categories)
    for category_id, word in REQUIRED_CATEGORIES.items():
        assert word in categories[category_id].name.zh, category_id
    assert sorted(c.order for c in categories.values()) == list(range(1, len(categories) + 1))
    for category_id in categories:
        assert any(i.startswith(category_id + ".") for i in shipped.catalog.indicators), (
            f"{category_id} has no indicator"
        )


def test_at_least_10_indicators_are_reported_by_three_or_more_cities(shipped):
    # the comparisons the product exists for: after every split by measure, ten or more remain
    cities_per_indicator = Counter(
        indicator for city in shipped.cities.values() for indicator in {o.indicator for o in city.observations}
    )
    widely = sorted(i for i, n in cities_per_indicator.items() if n >= 3)
    assert len(widely) >= 10, widely


def test_every_report_has_observations(shipped):
    for city_id, city in shipped.cities.items():
        for report_id in city.header.reports:
            assert any(o.report == report_id for o in city.observations), f"{city_id}: report {report_id} is empty"


@pytest.mark.parametrize("path", CITY_FILES, ids=CITY_IDS)
def test_file_stem_equals_id(path):
    match = re.search(r"^id: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match and match[1] == path.stem


def test_every_catalog_indicator_is_used(shipped):
    used = {o.indicator for city in shipped.cities.values() for o in city.observations}
    unused = sorted(set(shipped.catalog.indicators) - used)
    assert unused == [], f"indicators no city reports: {unused} (remove them, or curate a value)"


def test_every_source_belongs_to_a_report(shipped):
    cited = {report.source for city in shipped.cities.values() for report in city.header.reports.values()}
    shipped_sources = {f"sources/{p.name}" for p in (DATA / "sources").glob("*.txt")}
    assert shipped_sources == cited


def test_every_catalog_indicator_has_both_languages_and_keywords(shipped):
    for indicator_id, indicator in shipped.catalog.indicators.items():
        assert indicator.name.zh and indicator.name.en and indicator.definition.zh and indicator.definition.en
        assert indicator.keywords, f"{indicator_id} has no keywords"


def test_data_readme_documents_every_field():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    models = (schema.CityHeader, schema.Population, schema.Report, schema.Period, schema.Observation)
    undocumented = sorted({f for m in models for f in m.model_fields if not re.search(rf"\b{f}\b", readme)})
    assert undocumented == []
