"""Display strings: value + qualifier + unit ("2,000+ 人", "≈400 场") and periods ("2023-01 to 06").

Qualifiers travel to every label: more_than is "2,000+", nearly is "≈400" (近), about is
"~400" (约). Money is shown in 万元/亿元 in Chinese and in yuan, thousands or millions in English.
"""

from __future__ import annotations

import datetime as dt
import math

QUALIFIER_MARKS = {"exact": ("", ""), "more_than": ("", "+"), "nearly": ("≈", ""), "about": ("~", "")}
QUALIFIER_WORDS = {
    "zh": {"exact": "确数", "more_than": "余（以上）", "nearly": "近（略少于）", "about": "约"},
    "en": {"exact": "exact", "more_than": "more than", "nearly": "nearly", "about": "about"},
}


def format_number(value: float, digits: int = 2) -> str:
    """1234.5 -> "1,234.5"; 2000.0 -> "2,000"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _money(value: float, lang: str) -> str:
    if lang == "en":
        if value >= 1e6:
            return f"¥{format_number(value / 1e6)} m"
        if value >= 1e3:
            return f"¥{format_number(value / 1e3, 1)} k"
        return f"¥{format_number(value)}"
    if value >= 1e8:
        return f"{format_number(value / 1e8, 4)}亿元"
    if value >= 1e4:
        return f"{format_number(value / 1e4, 2)}万元"
    return f"{format_number(value)}元"


def format_value(value: float, qualifier: str, unit_kind: str, measure_word: str = "", lang: str = "zh") -> str:
    """A value with its qualifier and unit, as a chart label or table cell shows it."""
    prefix, suffix = QUALIFIER_MARKS.get(qualifier, ("", ""))
    if unit_kind == "yuan":
        return f"{prefix}{_money(value, lang)}{suffix}"
    if unit_kind == "percent":
        return f"{prefix}{format_number(value)}%{suffix}"
    unit = f" {measure_word}" if measure_word else ""
    return f"{prefix}{format_number(value)}{suffix}{unit}"


def format_per_100k(value: float | None, qualifier: str, lang: str = "zh") -> str:
    """A per-100,000-residents figure, one decimal, with the qualifier."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    prefix, suffix = QUALIFIER_MARKS.get(qualifier, ("", ""))
    return f"{prefix}{value:,.1f}{suffix}"


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def format_period(start, end, cumulative: bool = False, lang: str = "zh") -> str:
    """"2023", "2023-01 to 06", "2020–2022", or "cumulative to 2023-06"."""
    start, end = _as_date(start), _as_date(end)
    if cumulative:
        return f"累计至{end.year}年{end.month}月" if lang == "zh" else f"cumulative to {end:%Y-%m}"
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


def format_population(value: int, year: int, basis: str, verified: bool, lang: str = "zh") -> str:
    """The denominator of per-resident figures, with its year and basis."""
    if lang == "zh":
        basis_text = "人口普查" if basis == "census" else "年末常住人口"
        note = "" if verified else "（未核实）"
        return f"{value / 1e4:,.2f}万人（{year}年{basis_text}）{note}"
    basis_text = "census" if basis == "census" else "year-end resident population"
    note = "" if verified else " (unverified)"
    return f"{value:,} ({year} {basis_text}){note}"
