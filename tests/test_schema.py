"""metrics.schema: the pydantic models of the catalog and of a city file, on their own."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics import schema, yamlio

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
SAMPLE_CITY = FIXTURE_DATA / "cities" / "sample.yaml"


def _city() -> dict:
    return yamlio.read(SAMPLE_CITY).data


def _errors(model, data) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(err["loc"], err["msg"]) for err in info.value.errors()]


def test_fixture_city_header_and_observations_validate():
    data = _city()
    header = schema.CityHeader.model_validate(data)
    assert header.id == "sample"
    assert header.population.value == 1_000_000
    assert header.reports["sample-2023"].period == schema.Period(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    observations = [schema.Observation.model_validate(o) for o in header.observations]
    assert [o.qualifier for o in observations[:2]] == ["exact", "more_than"]  # exact is the default
    assert observations[0].tally == "flow" and observations[0].period is None  # flow is the default


def test_fixture_catalog_validates():
    catalog = schema.Catalog.model_validate(yamlio.read(FIXTURE_DATA / "catalog.yaml").data)
    assert catalog.indicators["employment.loans_amount"].unit == "yuan"
    assert catalog.indicators["employment.training_sessions"].accepts == ["场", "场次"]
    assert catalog.indicators["employment.training_sessions"].measure == "events"


def test_bilingual_strips_and_gets():
    name = schema.Bilingual(zh=" 宿迁市 ", en="Suqian")
    assert name.zh == "宿迁市"
    assert (name.get("zh"), name.get("en")) == ("宿迁市", "Suqian")


def test_observation_value_is_a_float_whether_written_12_or_12_5():
    base = _city()["observations"][0]
    assert schema.Observation.model_validate({**base, "value": 12}).value == 12.0
    assert schema.Observation.model_validate({**base, "value": 12.5}).value == 12.5


OBS_CASES = [
    # (field, bad value, expected message fragment)
    ("value", -5, "greater than or equal to 0"),  # negative
    ("value", -0.5, "greater than or equal to 0"),
    ("value", "122", "valid number"),  # text where a number is expected
    ("value", True, "valid number"),  # a YAML boolean is not a number
    ("value", float("nan"), "finite number"),
    ("value", float("inf"), "finite number"),
    ("unit", "", "at least 1 character"),
    ("unit", 12, "valid string"),
    ("quote", False, "valid string"),  # NO read as False where text was expected
    ("quote", "   ", "at least 1 character"),  # white space only
    ("qualifier", "almost", "'exact', 'more_than', 'nearly' or 'about'"),
    ("indicator", "Employment.Training", "should match pattern"),
    ("indicator", "training_sessions", "should match pattern"),  # no category
    ("report", "Sample 2023", "should match pattern"),
    ("tally", "cumulative", "'flow', 'stock' or 'running_total'"),
    ("level", "city", "'national', 'provincial', 'prefecture' or 'county'"),
    ("note", "an English note", "valid dictionary"),  # notes are {zh: ..., en: ...}
    ("note", {"en": "English only"}, "Field required"),  # Chinese first
    (
        "period",
        {"start": dt.date(2023, 12, 31), "end": dt.date(2023, 1, 1)},
        "period starts 2023-12-31 after it ends 2023-01-01",
    ),
    ("period", {"start": "2023-01-01", "end": dt.date(2023, 1, 2)}, "valid date"),  # a quoted date stays text
    ("breakdown", {"zh": "学校"}, "Field required"),
    ("qualifer", "more_than", "Extra inputs are not permitted"),  # typo of a key
]


@pytest.mark.parametrize("field, bad, fragment", OBS_CASES, ids=[f"{c[0]}={c[1]!r}" for c in OBS_CASES])
def test_observation_rejects(field, bad, fragment):
    data = {**_city()["observations"][0], field: bad}
    errors = _errors(schema.Observation, data)
    assert len(errors) == 1, errors
    assert errors[0][0][0] == field
    assert fragment in errors[0][1]


TALLY_CASES = [
    ({"tally": "stock"}, "tally is stock but as_of is missing"),  # a stock stands on a date
    ({"tally": "running_total", "as_of": dt.date(2023, 12, 31)}, "a running total needs since"),
    ({"as_of": dt.date(2023, 12, 31)}, "as_of and since belong to a stock or running total"),  # a flow has none
    (
        {"tally": "stock", "as_of": dt.date(2023, 12, 31), "since": "unknown"},
        "a stock stands on one date and has no since",
    ),
    (
        {
            "tally": "stock",
            "as_of": dt.date(2023, 12, 31),
            "period": {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)},
        },
        "a stock has as_of (and since), not period",
    ),
    (
        {"tally": "running_total", "as_of": dt.date(2020, 12, 31), "since": dt.date(2021, 1, 1)},
        "since 2021-01-01 is after as_of 2020-12-31",
    ),
]


@pytest.mark.parametrize("extra, fragment", TALLY_CASES, ids=[str(c[0]) for c in TALLY_CASES])
def test_observation_tally_needs_its_dates(extra, fragment):
    errors = _errors(schema.Observation, {**_city()["observations"][0], **extra})
    assert len(errors) == 1, errors
    assert fragment in errors[0][1]


def test_population_follows_the_one_denominator_rule():
    good = _city()["population"]
    assert schema.Population.model_validate(good).year == schema.DENOMINATOR_YEAR
    errors = _errors(schema.Population, {**good, "year": 2023, "basis": "resident_year_end"})
    assert len(errors) == 1 and "the denominator rule is the 2020 census for every city" in errors[0][1]


def test_indicator_accepts_only_words_of_its_measure():
    base = {
        "name": {"zh": "培训妇女人数", "en": "Women trained"},
        "definition": {"zh": "人数。", "en": "Persons."},
        "unit": "count",
        "measure": "persons",
        "measure_word": {"zh": "人", "en": "people"},
        "per_capita": True,
    }
    assert schema.Indicator.model_validate({**base, "accepts": ["人", "名"]}).measure == "persons"
    errors = _errors(schema.Indicator, {**base, "accepts": ["人", "人次", "户"]})
    assert len(errors) == 1 and "accepts 人次, 户, which do not count persons" in errors[0][1]
    assert _errors(schema.Indicator, {**base, "accepts": ["人"], "measure": "yuan"})


@pytest.mark.parametrize("missing", ["indicator", "value", "unit", "report", "quote"])
def test_observation_requires(missing):
    data = _city()["observations"][0]
    del data[missing]
    assert _errors(schema.Observation, data) == [((missing,), "Field required")]


CITY_CASES = [
    # (path to the key, bad value, loc of the error, message fragment)
    (("id",), "Sample", ("id",), "should match pattern"),  # ids are lower-case
    (("level",), "province", ("level",), "'prefecture' or 'county_level'"),
    (("name", "zh"), False, ("name", "zh"), "valid string"),
    (("population", "value"), 0, ("population", "value"), "greater than 0"),
    (("population", "value"), 498.6, ("population", "value"), "valid integer"),  # 498.6万 written as a float
    (("population", "year"), 1900, ("population", "year"), "greater than or equal to 1950"),
    (("population", "basis"), "estimate", ("population", "basis"), "'census' or 'resident_year_end'"),
    (("population", "verified"), "yes", ("population", "verified"), "valid boolean"),
    (("reports", "sample-2023", "published"), "unknown", ("reports", "sample-2023"), "add published_note"),
    (
        ("reports", "sample-2023", "published"),
        "2024-01-15",
        ("reports", "sample-2023", "published", "date"),
        "valid date",
    ),
    (
        ("reports", "sample-2023", "source"),
        "../secrets.txt",
        ("reports", "sample-2023", "source"),
        "should match pattern",
    ),
    (
        ("reports", "sample-2023", "source"),
        "sources/a b.txt",
        ("reports", "sample-2023", "source"),
        "should match pattern",
    ),
    (("reports",), {}, ("reports",), "at least 1 item"),
    (
        ("reports", "sample-2023", "period"),
        {"start": dt.date(2024, 1, 1), "end": dt.date(2023, 1, 1)},
        ("reports", "sample-2023", "period"),
        "after it ends",
    ),
]


@pytest.mark.parametrize(
    "path, bad, loc, fragment", CITY_CASES, ids=[".".join(c[0]) + f"={c[1]!r}" for c in CITY_CASES]
)
def test_city_header_rejects(path, bad, loc, fragment):
    data = _city()
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad
    errors = _errors(schema.CityHeader, data)
    assert any(err_loc == loc and fragment in msg for err_loc, msg in errors), errors


def test_published_unknown_with_note_is_fine():
    data = _city()
    report = data["reports"]["sample-2023"]
    report.update(published="unknown", published_note="文中未写发布日期。")
    assert schema.CityHeader.model_validate(data).reports["sample-2023"].published == "unknown"


def _catalog() -> dict:
    return yamlio.read(FIXTURE_DATA / "catalog.yaml").data


def test_catalog_count_indicator_needs_measure_word_and_accepts():
    data = _catalog()
    del data["indicators"]["employment.training_sessions"]["accepts"]
    errors = _errors(schema.Catalog, data)
    assert errors[0][0] == ("indicators", "employment.training_sessions")
    assert "needs measure_word and accepts" in errors[0][1]


def test_catalog_indicator_needs_a_defined_category():
    data = _catalog()
    data["indicators"]["health.women_screened"] = copy.deepcopy(data["indicators"]["employment.women_trained"])
    errors = _errors(schema.Catalog, data)
    assert "names category 'health', which is not defined" in errors[0][1]


@pytest.mark.parametrize(
    "indicator_id",
    ["employment", "Employment.x", "employment.x.y", "employment-x.y"],
)
def test_catalog_indicator_ids_are_category_dot_snake_case(indicator_id):
    data = _catalog()
    data["indicators"][indicator_id] = data["indicators"].pop("employment.funds")
    errors = _errors(schema.Catalog, data)
    assert any("[key]" in loc for loc, _ in errors), errors


def test_catalog_unit_kind_is_closed():
    data = _catalog()
    data["indicators"]["employment.funds"]["unit"] = "dollars"
    errors = _errors(schema.Catalog, data)
    assert errors[0][0] == ("indicators", "employment.funds", "unit")
    assert "'count', 'yuan' or 'percent'" in errors[0][1]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200f"])
def test_direction_controls_in_curated_text_are_refused(char):
    errors = _errors(schema.Bilingual, {"zh": f"样例{char}市", "en": "Sample"})
    assert len(errors) == 1 and errors[0][0] == ("zh",)
    assert "invisible direction control" in errors[0][1] and "character 3" in errors[0][1]


@pytest.mark.parametrize(
    "value, ok",
    [
        ("suqian", True),
        ("lianyungang", True),
        ("a_1", True),
        ("Zibo", False),
        ("1zibo", False),
        ("suqian\n", False),
        ("", False),
        (None, False),
        ("zi-bo", False),
    ],
)
def test_is_id_is_the_schema_s_city_id(value, ok):
    """One pattern (schema.ID) for the model, the CLI's --city and new-city, and the editor's file name."""
    assert schema.is_id(value) is ok
