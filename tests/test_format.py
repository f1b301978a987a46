"""metrics.format: display strings for values, qualifiers, money, periods and denominators."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.format import (
    format_number,
    format_per_100k,
    format_period,
    format_population,
    format_rate,
    format_significant,
    format_value,
    singular,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234.5, "1,234.5"),
        (2000.0, "2,000"),
        (2000, "2,000"),
        (0.7, "0.7"),
        (1.25, "1.25"),
        (1.2, "1.2"),
        (0, "0"),
        (float("nan"), ""),  # not reported renders as nothing, never as 0
        (None, ""),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        # qualifiers travel to every label
        ((2000, "more_than", "count", "人"), "2,000+ 人"),
        ((400, "nearly", "count", "场"), "≈400 场"),
        ((400, "about", "count", "场"), "~400 场"),
        ((122, "exact", "count", "场"), "122 场"),
        ((122, "exact", "count", ""), "122"),
        # money: 万元/亿元 in Chinese, yuan in English
        ((120_000_000, "exact", "yuan", "", "zh"), "1.2亿元"),
        ((2_300_000, "exact", "yuan", "", "zh"), "230万元"),
        ((160_000, "more_than", "yuan", "", "zh"), "16万元+"),
        ((8000, "exact", "yuan", "", "zh"), "8,000元"),
        ((120_000_000, "exact", "yuan", "", "en"), "¥120 m"),
        ((8000, "about", "yuan", "", "en"), "~¥8 k"),
        ((500, "exact", "yuan", "", "en"), "¥500"),
        # percent
        ((98.5, "exact", "percent"), "98.5%"),
        ((0.7, "nearly", "percent"), "≈0.7%"),
        # an unknown qualifier shows the bare value rather than failing
        ((5, "odd", "count", "个"), "5 个"),
        # English measure words are plurals; exactly one takes the singular, "1+" stays plural
        ((1, "exact", "count", "sites", "en"), "1 site"),
        ((1, "exact", "count", "people", "en"), "1 person"),
        ((1, "about", "count", "activities", "en"), "~1 activity"),
        ((1, "more_than", "count", "sites", "en"), "1+ sites"),
        ((2, "exact", "count", "sites", "en"), "2 sites"),
        ((1, "exact", "count", "个", "zh"), "1 个"),  # Chinese measure words never change
        # chart labels round money to 3 significant digits; the default keeps every digit
        ((212_720_000, "exact", "yuan", "", "zh"), "2.1272亿元"),
        ((212_720_000, "exact", "yuan", "", "zh", 3), "2.13亿元"),
        ((14_293_400, "exact", "yuan", "", "zh", 3), "1,430万元"),
        ((80_000_000, "exact", "yuan", "", "zh", 3), "8,000万元"),
        ((212_720_000, "more_than", "yuan", "", "en", 3), "¥213 m+"),
        ((1_786_700, "exact", "yuan", "", "en", 3), "¥1.79 m"),
        ((2000, "more_than", "count", "人", "zh", 3), "2,000+ 人"),  # counts are never rounded
    ],
)
def test_format_value(args, expected):
    assert format_value(*args) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(2.1272, "2.13"), (1429.34, "1,430"), (8000, "8,000"), (0.0456, "0.0456"), (0, "0"), (float("nan"), "")],
)
def test_format_significant(value, expected):
    assert format_significant(value) == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("sites", "site"),
        ("people", "person"),
        ("women", "woman"),
        ("children", "child"),
        ("families", "family"),
        ("copies", "copy"),
        ("couples", "couple"),
        ("bases", "base"),
        ("news", "news"),
        ("pieces of news", "pieces of news"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((12.34, "exact"), "12.3"),
        ((1234.56, "more_than"), "1,235+"),
        ((5.0, "nearly"), "≈5"),
        ((2.45, "exact"), "2.45"),
        # small rates keep two significant digits: 0.04 must not read as zero
        ((0.04, "exact"), "0.04"),
        ((0.0123, "about"), "~0.012"),
        ((0.999, "exact"), "1"),
        ((0.0, "exact"), "0"),
        ((None, "exact"), "—"),
        ((float("nan"), "exact"), "—"),
    ],
)
def test_format_per_100k(args, expected):
    assert format_per_100k(*args) == expected


@pytest.mark.parametrize("value", [0.04, 0.004, 0.00012, 0.3, 0.051])
def test_format_rate_never_reads_as_zero(value):
    shown = format_rate(value)
    assert float(shown) > 0, shown
    assert abs(float(shown) - value) / value < 0.1, (value, shown)


@pytest.mark.parametrize(
    "args, expected",
    [
        (("2023-01-01", "2023-12-31"), "2023年"),
        (("2023-01-01", "2023-12-31", False, "en"), "2023"),
        (("2020-01-01", "2022-12-31"), "2020–2022年"),
        (("2020-01-01", "2022-12-31", False, "en"), "2020–2022"),
        (("2023-01-01", "2023-06-19"), "2023年1–6月"),
        (("2023-01-01", "2023-06-19", False, "en"), "2023-01 to 06"),
        (("2022-07-01", "2023-06-30"), "2022年7月–2023年6月"),
        (("2022-07-01", "2023-06-30", False, "en"), "2022-07 to 2023-06"),
        (("2021-01-01", "2023-06-19", "running_total"), "2021年1月至2023年6月累计"),
        (("2021-01-01", "2023-06-19", "running_total", "en"), "cumulative 2021-01 to 2023-06"),
        ((None, "2023-06-19", "running_total"), "累计至2023年6月（起点不详）"),
        ((None, "2023-06-19", "running_total", "en"), "cumulative to 2023-06, start unknown"),
        (("2024-12-31", "2024-12-31", "stock"), "截至2024年12月31日"),
        (("2024-12-31", "2024-12-31", "stock", "en"), "as of 2024-12-31"),
        # dates, datetimes and strings with a time all work
        ((dt.date(2023, 1, 1), dt.datetime(2023, 12, 31, 0, 0)), "2023年"),
        (("2023-01-01 00:00:00", "2023-12-31 00:00:00", False, "en"), "2023"),
    ],
)
def test_format_period(args, expected):
    assert format_period(*args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((4_986_192, 2020, "census", True), "498.62万人（2020年人口普查）"),
        ((4_594_000, 2023, "resident_year_end", False), "459.40万人（2023年年末常住人口）（未核实）"),
        ((559_700, 2021, "resident_year_end", True, "en"), "559,700 (2021 year-end resident population)"),
        (
            (4_594_000, 2023, "resident_year_end", False, "en"),
            "4,594,000 (2023 year-end resident population) (unverified)",
        ),
        ((4_704_138, 2020, "census", True, "en"), "4,704,138 (2020 census)"),
    ],
)
def test_format_population(args, expected):
    assert format_population(*args) == expected
