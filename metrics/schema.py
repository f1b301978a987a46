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

from metrics.numbers import QUALIFIERS
from metrics.units import MEASURE_IDS, MEASURES, UNIT_KINDS

# Unicode's bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F) reverse the
# text around them on screen; in a name or a quote they are mischief, never data.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _no_bidi(value: str) -> str:
    found = _BIDI.search(value)
    if found:
        raise ValueError(
            f"character {found.start() + 1} is the invisible direction control U+{ord(found.group()):04X}, which "
            "reverses the text around it on screen; delete it"
        )
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_bidi)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ReportId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
INDICATOR_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"  # category.lower_case_id
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
                raise ValueError("a count indicator needs measure_word and accepts (the measure words it takes)")
            if self.measure in ("yuan", "percent"):
                raise ValueError(
                    f"measure {self.measure} needs unit {self.measure}; a count counts persons, events, ..."
                )
            foreign = [w for w in self.accepts if w not in MEASURES[self.measure]]
            if foreign:
                raise ValueError(
                    f"accepts {', '.join(foreign)}, which do not count {self.measure}; expected only "
                    f"{', '.join(MEASURES[self.measure])} (one indicator, one measure: docs/model.md)"
                )
        elif self.measure != self.unit:
            raise ValueError(f"unit {self.unit} needs measure {self.unit} (got measure {self.measure})")
        if self.unit == "percent" and self.per_capita:
            raise ValueError("a percentage is not divided by population; expected per_capita: false")
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
            raise ValueError(
                f"the denominator rule is the {DENOMINATOR_YEAR} census for every city (got {self.basis} "
                f"{self.year}); expected year: {DENOMINATOR_YEAR}, basis: {DENOMINATOR_BASIS}, or leave population out"
            )
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
            raise ValueError("published is unknown: add published_note saying how the date was inferred")
        if self.period_inferred and not self.period_note:
            raise ValueError("period_inferred is true: add period_note saying how the period was inferred")
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
                raise ValueError(
                    "as_of and since belong to a stock or running total; expected tally: stock or "
                    "running_total, or no as_of/since for a flow"
                )
        elif self.period is not None:
            raise ValueError(
                f"a {self.tally} has as_of (and since), not period; expected as_of: YYYY-MM-DD"
                + (", since: YYYY-MM-DD or unknown" if self.tally == "running_total" else "")
            )
        elif self.as_of is None:
            raise ValueError(
                f"tally is {self.tally} but as_of is missing; expected as_of: YYYY-MM-DD (the date it stands at)"
            )
        elif self.tally == "stock" and self.since is not None:
            raise ValueError(
                "a stock stands on one date and has no since; expected tally: running_total if it accumulates"
            )
        elif self.tally == "running_total" and self.since is None:
            raise ValueError(
                "a running total needs since: YYYY-MM-DD, or since: unknown when the article gives no start"
            )
        elif isinstance(self.since, dt.date) and self.since > self.as_of:
            raise ValueError(f"since {self.since} is after as_of {self.as_of}; expected since <= as_of")
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
