"""Numbers as Chinese articles write them: "122场", "2.6万余人", "两万余人", "近四百场", "0.7%".

`find_mentions` reads normalised text (see text.normalise) and returns every number with its
value, multiplier, qualifier and the measure word or unit that follows it. The loader uses it to
prove that an observation's number is in its quote, with the right qualifier; the draft command
uses it to propose observations from an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUALIFIERS = ("exact", "more_than", "nearly", "about")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Measure words and units that may follow a number, longest first so 人次 wins over 人.
MEASURE_WORDS = (
    "人次", "场次", "万元", "亿元", "元", "%", "人", "名", "位", "场", "次", "期", "户", "个", "处",
    "件", "起", "对", "份", "篇", "节", "项", "家", "所", "张", "村", "对", "余",
)
_MEASURE = "|".join(re.escape(m) for m in sorted(set(MEASURE_WORDS) - {"余"}, key=len, reverse=True))

_PREFIX_QUALIFIERS = (
    ("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"),
    ("大约", "about"), ("约", "about"),
    ("超过", "more_than"), ("逾", "more_than"),
)
_PREFIX = "|".join(p for p, _ in _PREFIX_QUALIFIERS)

_NUMBER = re.compile(
    rf"(?P<prefix>{_PREFIX})?"
    rf"(?P<number>\d+(?:,\d{{3}})*(?:\.\d+)?(?P<mult>[万亿千])?|[{CN_NUMERAL_CHARS}]+)"
    rf"(?P<suffix>余|多)?"
    rf"(?P<unit>{_MEASURE})?"
)


def parse_chinese_numeral(text: str) -> float | None:
    """Parses 两万 -> 20000, 二十 -> 20, 近四百 -> (caller strips 近), 一千二百 -> 1200, 千 -> 1000."""
    if not text or any(c not in CN_NUMERAL_CHARS for c in text):
        return None
    total = 0
    section = 0
    digit = None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None:  # "一二" is not a number in running text
                return None
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * _BIG_UNITS[ch] if ch == "亿" else total + section * _BIG_UNITS[ch]
            section = 0
            digit = None
    return float(total + section + (digit or 0))


@dataclass(frozen=True)
class Mention:
    """One number in a text, as written and as a value."""

    start: int
    end: int
    written: str  # the number as written, without qualifier or unit: "2.6万", "两万", "122"
    value: float  # the number itself, multipliers applied: 26000
    qualifier: str
    unit: str  # the measure word or unit after it ("人", "万元" becomes 元 with the multiplier), or ""

    @property
    def text(self) -> str:
        return self.written


def _unit_multiplier(unit: str) -> tuple[float, str]:
    if unit == "万元":
        return 10_000, "元"
    if unit == "亿元":
        return 100_000_000, "元"
    return 1, unit


def find_mentions(text: str) -> list[Mention]:
    """Finds every number in normalised text, with qualifier and following unit."""
    mentions = []
    for m in _NUMBER.finditer(text):
        number = m.group("number")
        if number[0].isdigit():
            mult = m.group("mult")
            digits = number[:-1] if mult else number
            value = float(digits.replace(",", ""))
            if mult:
                value *= {"万": 10_000, "亿": 100_000_000, "千": 1000}[mult]
        else:
            parsed = parse_chinese_numeral(number)
            if parsed is None:
                continue
            value = parsed
        unit = m.group("unit") or ""
        unit_mult, unit = _unit_multiplier(unit)
        value *= unit_mult
        qualifier = "exact"
        if m.group("prefix"):
            qualifier = dict(_PREFIX_QUALIFIERS)[m.group("prefix")]
        if m.group("suffix"):
            qualifier = "more_than"
        mentions.append(
            Mention(start=m.start(), end=m.end(), written=number, value=value, qualifier=qualifier, unit=unit)
        )
    return mentions
