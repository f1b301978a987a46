"""Units as written (场, 人次, 万人, 万元, 亿元, %) and their canonical values.

A unit as written is an optional multiplier (万, 亿) followed by a base: 元 for money, % for
shares, or a measure word for counts. Money is stored in yuan, counts as numbers, shares in
percent. A count indicator lists the measure words it accepts, so 户 is never added to 人.
"""

from __future__ import annotations

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
# Measure words an indicator may accept that count something other than its own word does (a
# person-time is not a person, a household not a woman): shown as the article writes them, and
# in English with these nouns. Other accepted words (名 or 位 for 人, 场次 or 期 for 场) are the
# same count written another way, shown in English with the indicator's own noun.
OTHER_MEASURES_EN = {"人次": "person-times", "户": "households", "节": "lessons"}
UNIT_KINDS = ("count", "yuan", "percent")


class UnitError(ValueError):
    """A unit as written that does not fit the indicator."""


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
            raise UnitError(f"unit '{unit}' is not money; expected 元, 万元 or 亿元")
        return value * multiplier
    if kind == "percent":
        if unit != "%":
            raise UnitError(f"unit '{unit}' is not a percentage; expected %")
        return value
    if base not in accepts:
        listed = ", ".join(accepts)
        raise UnitError(
            f"unit '{unit}' does not fit this indicator; expected one of {listed} (optionally with 万 or 亿)"
        )
    return value * multiplier
