"""Units as written (场, 人次, 万人, 万元, 亿元, %) and their canonical values.

A unit as written is an optional multiplier (万, 亿) followed by a base: 元 for money, % for
shares, or a measure word for counts. Money is stored in yuan, counts as numbers, shares in
percent. A count indicator lists the measure words it accepts, so 户 is never added to 人.
"""

from __future__ import annotations

from metrics.problems import Refusal

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
# Measure words an indicator may accept that count something other than its own word does (a
# person-time is not a person, a household not a woman): shown as the article writes them, and
# in English with these nouns. Other accepted words (名 or 位 for 人, 场次 or 期 for 场) are the
# same count written another way, shown in English with the indicator's own noun.
OTHER_MEASURES_EN = {"人次": "person-times", "户": "households", "节": "lessons"}
UNIT_KINDS = ("count", "yuan", "percent")

# What an indicator counts (docs/model.md): each measure and the measure words that count it.
# A word may count several measures (个 is a site, an organisation, a project ...); an indicator's
# `accepts` lists words of its own measure only, so 户 (households) never sits beside 人.
MEASURES: dict[str, tuple[str, ...]] = {
    "persons": ("人", "名", "位"),
    "person_times": ("人次",),
    "households": ("户", "家庭", "个家庭"),
    "couples": ("对",),
    "events": ("场", "场次", "次", "批"),
    "courses": ("期", "班"),
    "lessons": ("节", "堂", "课"),
    "cases": ("件", "起", "个"),
    "items": ("件", "份", "张", "本", "套", "册"),
    "media": ("篇", "条", "期", "部"),
    "sites": ("个", "处", "所", "家", "座"),
    "organisations": ("个", "家", "支"),
    "projects": ("个", "项", "笔"),
    "enterprises": ("家", "个"),
    "kinds": ("种", "类", "款"),
    "yuan": ("元",),
    "percent": ("%",),
}
MEASURE_NAMES: dict[str, tuple[str, str]] = {
    "persons": ("人数", "persons"),
    "person_times": ("人次", "person-times"),
    "households": ("户数", "households"),
    "couples": ("对数", "couples"),
    "events": ("场次", "events or sessions"),
    "courses": ("期数", "courses or series"),
    "lessons": ("节数", "lessons"),
    "cases": ("件数", "cases"),
    "items": ("件数", "items"),
    "media": ("篇数", "articles or programmes"),
    "sites": ("个数（阵地、场所）", "sites or units"),
    "organisations": ("个数（组织、团队）", "organisations"),
    "projects": ("项数", "projects"),
    "enterprises": ("家数", "enterprises"),
    "kinds": ("种数", "kinds"),
    "yuan": ("金额", "yuan"),
    "percent": ("比例", "percent"),
}
MEASURE_IDS = tuple(MEASURES)


def measures_of(word: str) -> list[str]:
    """The measures a measure word counts (人次 -> person_times; 个 -> cases, sites, ...)."""
    return [m for m, words in MEASURES.items() if word in words]


class UnitError(Refusal, ValueError):
    """A unit as written that does not fit the indicator (a code of metrics.messages)."""


def parse_unit(unit: str) -> tuple[int, str]:
    """Splits a unit as written into (multiplier, base): 万元 -> (10000, 元), 场 -> (1, 场)."""
    unit = unit.strip()
    if len(unit) > 1 and unit[0] in MULTIPLIERS:
        return MULTIPLIERS[unit[0]], unit[1:]
    return 1, unit


def to_canonical(value: float, unit: str, kind: str, accepts: list[str] | tuple[str, ...] = ()) -> float:
    """Converts a value with its unit as written into the indicator's canonical unit."""
    multiplier, base = parse_unit(unit)
    if kind == "yuan":
        if base != "元":
            raise UnitError("unit_not_money", unit=unit)
        return value * multiplier
    if kind == "percent":
        if unit != "%":
            raise UnitError("unit_not_percent", unit=unit)
        return value
    if base not in accepts:
        raise UnitError("unit_not_fit", unit=unit, expected=list(accepts))
    return value * multiplier
