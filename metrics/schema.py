"""Pydantic models of the catalog and of a city file.

Strict types throughout: YAML 1.1 turns NO into False and 012 into 10, and a strict model
rejects a boolean where text is expected instead of guessing. Cross-references (indicator ids,
report ids, quotes in sources) are checked in load.py, where the catalog and sources are known.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from metrics.numbers import QUALIFIERS
from metrics.units import UNIT_KINDS

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ReportId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
IndicatorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Qualifier = Literal[QUALIFIERS]  # type: ignore[valid-type]
UnitKind = Literal[UNIT_KINDS]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Bilingual(Strict):
    zh: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Period(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise ValueError(f"period starts {self.start} after it ends {self.end}; expected start <= end")
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
    measure_word: Bilingual | None = None
    accepts: list[Text] = Field(default_factory=list)
    per_capita: bool
    notes: Bilingual | None = None
    keywords: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _count_has_measure_word(self) -> Indicator:
        if self.unit == "count" and (self.measure_word is None or not self.accepts):
            raise ValueError("a count indicator needs measure_word and accepts (the measure words it takes)")
        return self


class Catalog(Strict):
    categories: dict[Id, Category]
    indicators: dict[IndicatorId, Indicator]

    @model_validator(mode="after")
    def _categories_exist(self) -> Catalog:
        for indicator_id in self.indicators:
            category = indicator_id.split(".")[0]
            if category not in self.categories:
                raise ValueError(f"indicator {indicator_id} names category '{category}', which is not defined")
        return self


# --- city file ------------------------------------------------------------------------------


class Population(Strict):
    value: Annotated[int, Field(gt=0)]
    year: Annotated[int, Field(ge=1950, le=2100)]
    basis: Literal["census", "resident_year_end"]
    source: Text
    verified: bool


class Report(Strict):
    title: Bilingual
    publisher: Text
    published: dt.date | Literal["unknown"]
    published_note: Text | None = None
    period: Period
    source: Annotated[str, StringConstraints(pattern=r"^sources/[A-Za-z0-9_.-]+\.txt$")]
    url: Text | None = None

    @model_validator(mode="after")
    def _unknown_needs_note(self) -> Report:
        if self.published == "unknown" and not self.published_note:
            raise ValueError("published is unknown: add published_note saying how the date was inferred")
        return self


class Observation(Strict):
    indicator: IndicatorId
    value: Annotated[float, Field(ge=0, allow_inf_nan=False)]  # strict float takes ints too
    unit: Text
    qualifier: Qualifier = "exact"
    report: ReportId
    quote: Text
    period: Period | None = None
    cumulative: bool = False
    breakdown: Bilingual | None = None
    note: Text | None = None


class CityHeader(Strict):
    """A city file with its observations left raw, so each is validated and reported on its own."""

    id: Id
    name: Bilingual
    province: Bilingual
    level: Literal["prefecture", "county_level"]
    parent: Bilingual | None = None
    population: Population
    reports: Annotated[dict[ReportId, Report], Field(min_length=1)]
    observations: list[dict] = Field(default_factory=list)
