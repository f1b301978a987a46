"""metrics.units: units as written and their canonical values."""

from __future__ import annotations

import pytest

from metrics.units import UnitError, parse_unit, to_canonical

PEOPLE = ("人", "名", "人次")
SESSIONS = ("场", "场次", "期")


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("场", (1, "场")),
        ("人次", (1, "人次")),
        ("万人", (10_000, "人")),
        ("万人次", (10_000, "人次")),
        ("万元", (10_000, "元")),
        ("亿元", (100_000_000, "元")),
        ("元", (1, "元")),
        ("%", (1, "%")),
        (" 万元 ", (10_000, "元")),  # stray spaces
        ("万", (1, "万")),  # a bare multiplier is a base of its own, and fits nothing
    ],
)
def test_parse_unit(unit, expected):
    assert parse_unit(unit) == expected


@pytest.mark.parametrize(
    "value, unit, kind, accepts, expected",
    [
        (122, "场", "count", SESSIONS, 122),
        (2.6, "万人", "count", PEOPLE, 26_000),  # 2.6万余人
        (1.5, "万人次", "count", PEOPLE, 15_000),
        (3000, "名", "count", PEOPLE, 3000),
        (230, "万元", "yuan", (), 2_300_000),
        (1.2, "亿元", "yuan", (), 120_000_000),
        (8000, "元", "yuan", (), 8000),
        (98.5, "%", "percent", (), 98.5),
        (0, "场", "count", SESSIONS, 0),
    ],
)
def test_to_canonical(value, unit, kind, accepts, expected):
    assert to_canonical(value, unit, kind, accepts) == pytest.approx(expected)


@pytest.mark.parametrize(
    "unit, kind, accepts, fragment",
    [
        (
            "户",
            "count",
            SESSIONS,
            "unit '户' does not fit this indicator; expected one of 场, 场次, 期",
        ),  # households for sessions
        ("万元", "count", PEOPLE, "unit '万元' does not fit this indicator"),  # money for a count
        ("元", "count", PEOPLE, "unit '元' does not fit"),
        ("%", "yuan", (), "unit '%' is not money; expected 元, 万元 or 亿元"),  # a share for money
        ("万人", "yuan", (), "unit '万人' is not money"),
        ("万%", "percent", (), "unit '万%' is not a percentage; expected %"),
        ("人", "percent", (), "is not a percentage"),
        ("万", "count", PEOPLE, "unit '万' does not fit"),
    ],
)
def test_to_canonical_rejects(unit, kind, accepts, fragment):
    with pytest.raises(UnitError) as info:
        to_canonical(10, unit, kind, accepts)
    assert fragment in str(info.value)
