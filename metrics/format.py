"""Display strings: value + qualifier + unit ("2,000+ 人", "≈400 场") and periods ("2023-01 to 06").

Qualifiers travel to every label: more_than is "2,000+", nearly is "≈400" (近), about is
"~400" (约). Money is shown in 万元/亿元 in Chinese and in yuan, thousands or millions in English;
chart labels may round it to three significant digits ("2.13亿元") while tables keep every digit.
Per-100,000 figures keep enough digits never to read as zero ("0.04", not "0.0"). English
measure words are plurals ("sites"); a value of exactly one takes the singular ("1 site").
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

QUALIFIER_MARKS = {"exact": ("", ""), "more_than": ("", "+"), "nearly": ("≈", ""), "about": ("~", "")}


def format_number(value: float, digits: int = 2) -> str:
    """1234.5 -> "1,234.5"; 2000.0 -> "2,000"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def format_significant(value: float, significant: int = 3) -> str:
    """A number rounded to `significant` digits: 2.1272 -> "2.13", 1429.34 -> "1,430", 8000 -> "8,000"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value == 0 or not math.isfinite(value):
        return format_number(value)
    decimals = significant - 1 - math.floor(math.log10(abs(value)))
    return format_number(round(value, decimals), max(decimals, 0))


def _scaled(value: float, digits: int, significant: int | None) -> str:
    return format_number(value, digits) if significant is None else format_significant(value, significant)


def _money(value: float, lang: str, significant: int | None = None) -> str:
    if lang == "en":
        if value >= 1e6:
            return f"¥{_scaled(value / 1e6, 2, significant)} m"
        if value >= 1e3:
            return f"¥{_scaled(value / 1e3, 1, significant)} k"
        return f"¥{_scaled(value, 2, significant)}"
    if value >= 1e8:
        return f"{_scaled(value / 1e8, 4, significant)}亿元"
    if value >= 1e4:
        return f"{_scaled(value / 1e4, 2, significant)}万元"
    return f"{_scaled(value, 2, significant)}元"


_IRREGULAR_SINGULARS = {"people": "person", "women": "woman", "men": "man", "children": "child"}
_INVARIABLE = {"news", "series", "species", "times"}


def singular(word: str) -> str:
    """The singular of an English measure word: sites -> site, people -> person, families -> family.

    Words of several words, or ones it does not know how to change, come back unchanged.
    """
    lower = word.lower()
    if not word or " " in word or lower in _INVARIABLE:
        return word
    if lower in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us")):
        return word[:-1]
    return word


def measure_word_for(value: float, qualifier: str, measure_word: str, lang: str = "zh") -> str:
    """The measure word as it follows this value: Chinese never changes; English "1 site", "1+ sites"."""
    if lang == "en" and measure_word and value == 1 and qualifier != "more_than":
        return singular(measure_word)
    return measure_word


def format_value(
    value: float,
    qualifier: str,
    unit_kind: str,
    measure_word: str = "",
    lang: str = "zh",
    significant: int | None = None,
) -> str:
    """A value with its qualifier and unit, as a chart label or table cell shows it.

    `significant` rounds money to that many significant digits (chart labels: "2.13亿元" for
    212,720,000 yuan); tables, hovers and exports keep the exact value (the default).
    """
    prefix, suffix = QUALIFIER_MARKS.get(qualifier, ("", ""))
    if unit_kind == "yuan":
        return f"{prefix}{_money(value, lang, significant)}{suffix}"
    if unit_kind == "percent":
        return f"{prefix}{format_number(value)}%{suffix}"
    word = measure_word_for(value, qualifier, measure_word, lang)
    unit = f" {word}" if word else ""
    return f"{prefix}{format_number(value)}{suffix}{unit}"


def format_rate(value: float) -> str:
    """A per-100,000 number with enough digits never to read as zero: 1,234 / 13.1 / 2.45 / 0.52 / 0.04.

    Two significant digits below 1 (0.04 is "0.04" and 0.0123 is "0.012", never "0.0").
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value >= 99.95:
        return f"{value:,.0f}"
    if value >= 9.995:
        return f"{value:,.1f}"
    if value >= 0.9995:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if value <= 0:
        return "0"
    decimals = 1 - math.floor(math.log10(value))  # two significant digits
    rounded = round(value, decimals)
    if rounded >= 0.9995:
        return format_rate(rounded)
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


def format_per_100k(value: float | None, qualifier: str, lang: str = "zh") -> str:
    """A per-100,000-residents figure with the qualifier ("1,235+", "≈5", "0.04"); see format_rate."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    prefix, suffix = QUALIFIER_MARKS.get(qualifier, ("", ""))
    return f"{prefix}{format_rate(float(value))}{suffix}"


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def format_period(start, end, tally: str | bool = "flow", lang: str = "zh") -> str:
    """What a value covers: "2023年", "2023-01 to 06", "2020–2022"; a stock "截至2024年12月31日"
    ("as of 2024-12-31"); a running total "2019年1月至2023年12月累计" or, when its start is unknown
    (`start` None), "累计至2023年12月（起点不详）" ("cumulative to 2023-12, start unknown")."""
    if tally is True:
        tally = "running_total"
    elif tally is False:
        tally = "flow"
    end = _as_date(end)
    if tally == "stock":
        return f"截至{end.year}年{end.month}月{end.day}日" if lang == "zh" else f"as of {end:%Y-%m-%d}"
    start = None if _missing(start) else _as_date(start)
    if tally == "running_total":
        if start is None:
            return (
                f"累计至{end.year}年{end.month}月（起点不详）"
                if lang == "zh"
                else f"cumulative to {end:%Y-%m}, start unknown"
            )
        return (
            f"{start.year}年{start.month}月至{end.year}年{end.month}月累计"
            if lang == "zh"
            else f"cumulative {start:%Y-%m} to {end:%Y-%m}"
        )
    whole_years = start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31
    if whole_years and start.year == end.year:
        return f"{start.year}年" if lang == "zh" else str(start.year)
    if whole_years:
        return f"{start.year}–{end.year}年" if lang == "zh" else f"{start.year}–{end.year}"
    if start.year == end.year:
        if lang == "zh":
            return f"{start.year}年{start.month}–{end.month}月"
        return f"{start:%Y-%m} to {end:%m}"
    if lang == "zh":
        return f"{start.year}年{start.month}月–{end.year}年{end.month}月"
    return f"{start:%Y-%m} to {end:%Y-%m}"


def is_missing(value) -> bool:
    """None, NaN, NaT, pandas' NA or empty text: a value that is not there."""
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return False
    try:
        if bool(pd.isna(value)):
            return True
    except (TypeError, ValueError):
        return False
    return str(value) in ("NaT", "None", "nan", "<NA>", "")


_missing = is_missing


LEVELS = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "prefecture": ("市级", "prefecture level"),
    "county": ("县级", "county level"),
}


def format_flags(
    tally: str = "flow",
    start=None,
    end=None,
    scope: str | None = None,
    level: str | None = None,
    inferred: bool = False,
    lang: str = "zh",
    short: bool = False,
) -> list[str]:
    """What limits a value, in words, for its bar, hover, tables and exports: part of a year,
    several years, a stock, a running total (start unknown), a partial scope, a level, an
    inferred year. A whole calendar year's flow has no flag. `short` words them for a bar's own
    label ("部分范围" for the scope, whose words the hover and the tables give in full)."""
    zh = lang == "zh"
    if short:
        # a short scope is named on the bar itself; a long one is named in the hover and tables
        fits = scope and len(scope) <= (10 if zh else 24)
        named = (f"范围：{scope}" if zh else f"scope: {scope}") if fits else ("部分范围" if zh else "part of the work")
        flags = [_SHORT.get(flag, flag) for flag in format_flags(tally, start, end, None, level, inferred, lang)]
        return flags + ([named] if scope else [])
    flags = []
    if tally == "stock":
        flags.append("存量（某日现有数）" if zh else "stock on a date")
    elif tally == "running_total":
        flags.append("累计数" if zh else "running total")
        if _missing(start):
            flags.append("起点不详，不计每10万人" if zh else "start unknown, no per-100,000 figure")
    elif not _missing(start) and not _missing(end):
        first, last = _as_date(start), _as_date(end)
        days = (last - first).days + 1
        if days < 360:
            flags.append("不足一年" if zh else "part of a year")
        elif days > 370:
            flags.append("多年合计" if zh else "several years")
    if scope:
        flags.append(f"范围：{scope}" if zh else f"scope: {scope}")
    if level:
        flags.append(LEVELS.get(level, (level, level))[0 if zh else 1])
    if inferred:
        flags.append("年份为推断" if zh else "year inferred")
    return flags


_SHORT = {
    "存量（某日现有数）": "存量",
    "stock on a date": "stock",
    "起点不详，不计每10万人": "起点不详",
    "start unknown, no per-100,000 figure": "start unknown",
}


def join_flags(flags: list[str], lang: str = "zh") -> str:
    return ("；" if lang == "zh" else "; ").join(flags)


def format_population(value: int | None, year: int, basis: str, verified: bool, lang: str = "zh") -> str:
    """The denominator of per-resident figures, with its year and basis ("no denominator" without one)."""
    if _missing(value):
        return (
            "无人口分母（未找到有来源的2020年普查数）"
            if lang == "zh"
            else "no denominator (no sourced 2020 census figure)"
        )
    if lang == "zh":
        basis_text = "人口普查" if basis == "census" else "年末常住人口"
        note = "" if verified else "（未核实）"
        return f"{value / 1e4:,.2f}万人（{year}年{basis_text}）{note}"
    basis_text = "census" if basis == "census" else "year-end resident population"
    note = "" if verified else " (unverified)"
    return f"{value:,} ({year} {basis_text}){note}"
