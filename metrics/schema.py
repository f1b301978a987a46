"""Pydantic models of the catalog and of a city file.

Strict types throughout: YAML 1.1 turns NO into False and 012 into 10, and a strict model
rejects a boolean where text is expected instead of guessing. Cross-references (indicator ids,
report ids, quotes in sources) are checked in load.py, where the catalog and sources are known.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from metrics import messages
from metrics.numbers import QUALIFIERS
from metrics.units import MEASURE_IDS, MEASURES, UNIT_KINDS

# Unicode's bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F) reverse the
# text around them on screen; in a name or a quote they are mischief, never data.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _refuse(code: str, **params) -> PydanticCustomError:
    """A validator's problem: a code of metrics.messages and its parameters (load.py renders it)."""
    english = messages.render(code, params, "en").replace("{", "{{").replace("}", "}}")
    return PydanticCustomError(code, english, params)  # pydantic's own text: the English message


def _no_bidi(value: str) -> str:
    found = _BIDI.search(value)
    if found:
        raise _refuse("bidi_control", position=found.start() + 1, codepoint=f"U+{ord(found.group()):04X}")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_bidi)]
ID = r"^[a-z][a-z0-9_]*$"  # a city id: lower-case pinyin, digits and _ (suqian, lianyungang)
Id = Annotated[str, StringConstraints(pattern=ID)]
ReportId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
INDICATOR_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"  # category.lower_case_id


def is_id(value: object) -> bool:
    """Whether a value is a city id (ID), as the schema checks it."""
    return isinstance(value, str) and re.fullmatch(ID, value) is not None


IndicatorId = Annotated[str, StringConstraints(pattern=INDICATOR_ID)]
Qualifier = Literal[QUALIFIERS]  # type: ignore[valid-type]
UnitKind = Literal[UNIT_KINDS]  # type: ignore[valid-type]
Measure = Literal[MEASURE_IDS]  # type: ignore[valid-type]
Level = Literal["national", "provincial", "prefecture", "county"]
Tally = Literal["flow", "stock", "running_total"]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Bilingual(Strict):
    zh: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Note(Strict):
    """A curator's note: Chinese first (the product's language), English beside it where useful."""

    zh: Text
    en: Text | None = None


class Period(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise _refuse("period_order", start=str(self.start), end=str(self.end))
        return self


# --- catalog --------------------------------------------------------------------------------


class Category(Strict):
    order: int
    name: Bilingual
    definition: Bilingual


class Indicator(Strict):
    name: Bilingual
    definition: Bilingual
    unit: UnitKind
    measure: Measure
    measure_word: Bilingual | None = None
    accepts: list[Text] = Field(default_factory=list)
    per_capita: bool
    by_level: bool = False  # honours and the like: every value names its level, levels never summed
    notes: Bilingual | None = None
    keywords: list[Text] = Field(default_factory=list)

    def word(self, lang: str) -> str:
        """The word a value is written with: the measure word (场, sessions), 元 / yuan or %."""
        if self.measure_word is not None:
            return self.measure_word.en if lang == "en" else self.measure_word.zh
        return ("yuan" if lang == "en" else "元") if self.unit == "yuan" else "%"

    @model_validator(mode="after")
    def _one_measure(self) -> Indicator:
        if self.unit == "count":
            if self.measure_word is None or not self.accepts:
                raise _refuse("count_needs_words")
            if self.measure in ("yuan", "percent"):
                raise _refuse("measure_needs_unit", measure=self.measure)
            foreign = [w for w in self.accepts if w not in MEASURES[self.measure]]
            if foreign:
                raise _refuse(
                    "accepts_foreign", foreign=foreign, measure=self.measure, expected=list(MEASURES[self.measure])
                )
        elif self.measure != self.unit:
            raise _refuse("unit_needs_measure", unit=self.unit, measure=self.measure)
        if self.unit == "percent" and self.per_capita:
            raise _refuse("percent_per_capita")
        return self


class Catalog(Strict):
    categories: dict[Id, Category]
    indicators: dict[IndicatorId, Indicator]

    @model_validator(mode="after")
    def _categories_exist(self) -> Catalog:
        for indicator_id in self.indicators:
            category = indicator_id.split(".")[0]
            if category not in self.categories:
                raise _refuse("category_undefined", indicator=indicator_id, category=category)
        return self


# --- city file ------------------------------------------------------------------------------


# One denominator rule for every city (data/README.md): the resident population of the 2020
# census, so that per-100,000 figures of different cities divide by the same kind of number.
DENOMINATOR_YEAR = 2020
DENOMINATOR_BASIS = "census"


class Population(Strict):
    value: Annotated[int, Field(gt=0)]
    year: Annotated[int, Field(ge=1950, le=2100)]
    basis: Literal["census", "resident_year_end"]
    source: Text
    verified: bool

    @model_validator(mode="after")
    def _one_rule(self) -> Population:
        if (self.year, self.basis) != (DENOMINATOR_YEAR, DENOMINATOR_BASIS):
            raise _refuse("denominator_rule", year=DENOMINATOR_YEAR, basis=self.basis, got_year=self.year)
        return self


class Report(Strict):
    title: Bilingual
    title_by: Literal["article", "curator"] = "article"  # curator: the article has no headline
    publisher: Text
    published: dt.date | Literal["unknown"]
    published_note: Note | Text | None = None  # {zh, en}, or Chinese text alone
    period: Period
    period_inferred: bool = False  # the article does not state its year: period_note says how it was read
    period_note: Note | Text | None = None
    source: Annotated[str, StringConstraints(pattern=r"^sources/[A-Za-z0-9_.-]+\.txt$")]
    url: Text | None = None
    excerpt: bool = False  # the source holds the beginning of a web page as stored, not the whole article

    @model_validator(mode="after")
    def _unknown_needs_note(self) -> Report:
        if self.published == "unknown" and not self.published_note:
            raise _refuse("published_unknown_note")
        if self.period_inferred and not self.period_note:
            raise _refuse("period_inferred_note")
        return self


class Observation(Strict):
    indicator: IndicatorId
    value: Annotated[float, Field(ge=0, allow_inf_nan=False)]  # strict float takes ints too
    unit: Text
    qualifier: Qualifier = "exact"
    report: ReportId
    quote: Text
    period: Period | None = None
    tally: Tally = "flow"
    as_of: dt.date | None = None
    since: dt.date | Literal["unknown"] | None = None
    scope: Bilingual | None = None
    level: Level | None = None
    breakdown: Bilingual | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _tally_dates(self) -> Observation:
        if self.tally == "flow":
            if self.as_of is not None or self.since is not None:
                raise _refuse("dates_on_flow")
        elif self.period is not None:
            raise _refuse("period_on_tally", tally=self.tally)
        elif self.as_of is None:
            raise _refuse("as_of_missing", tally=self.tally)
        elif self.tally == "stock" and self.since is not None:
            raise _refuse("stock_since")
        elif self.tally == "running_total" and self.since is None:
            raise _refuse("since_missing")
        elif isinstance(self.since, dt.date) and self.since > self.as_of:
            raise _refuse("since_after_as_of", since=str(self.since), as_of=str(self.as_of))
        return self


class CityHeader(Strict):
    """A city file with its observations left raw, so each is validated and reported on its own."""

    id: Id
    name: Bilingual
    province: Bilingual
    level: Literal["prefecture", "county_level"]
    parent: Bilingual | None = None
    population: Population | None = None  # optional: without it, per-100,000 figures say "no denominator"
    reports: Annotated[dict[ReportId, Report], Field(min_length=1)]
    observations: list[dict] = Field(default_factory=list)
