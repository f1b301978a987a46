"""Numbers as Chinese articles write them: "122场", "2.6万余人", "两万余人", "近四百场", "0.7%".

`find_mentions` reads normalised text (see text.normalise) and returns every number with its
value, multiplier, qualifier and the measure word or unit that follows it. The loader uses it to
prove that an observation's number is in its quote, with the right qualifier; the draft command
uses it to propose observations from an article.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from metrics.units import MEASURES

QUALIFIERS = ("exact", "more_than", "nearly", "about")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Measure words and units that may follow a number, longest first so 人次 wins over 人: the
# words of every measure (units.MEASURES: 种 and 类 count kinds, 笔 projects ...), so the draft
# keeps the article's own word rather than the indicator's, and a few more an article writes.
_MORE_WORDS = ("户次", "万元", "亿元", "村", "余", "间")
# 部 (media) and 课 (lessons) are left out: 3部门 is three departments, 40课时 forty class hours.
_NOT_AFTER_NUMBERS = ("部", "课", "家庭", "个家庭")
MEASURE_WORDS = tuple(
    dict.fromkeys([*(w for words in MEASURES.values() for w in words if w not in _NOT_AFTER_NUMBERS), *_MORE_WORDS])
)
_MEASURE = "|".join(re.escape(m) for m in sorted(set(MEASURE_WORDS) - {"余"}, key=len, reverse=True))

_PREFIX_QUALIFIERS = (
    ("将近", "nearly"),
    ("接近", "nearly"),
    ("近", "nearly"),
    ("大约", "about"),
    ("约", "about"),
    ("超过", "more_than"),
    ("逾", "more_than"),
)
_PREFIX = "|".join(p for p, _ in _PREFIX_QUALIFIERS)

_NUMBER = re.compile(
    rf"(?P<prefix>{_PREFIX})?"
    rf"(?P<number>\d+(?:,\d{{3}})*(?:\.\d+)?(?P<mult>[万亿千])?|[{CN_NUMERAL_CHARS}]+)"
    rf"(?P<suffix>余|多)?"
    rf"(?P<unit>{_MEASURE})?"
    rf"(?P<after>以上|左右)?"
)
# Qualifiers written after the unit: "100人以上" is more than 100, "400场左右" about 400.
_AFTER_QUALIFIERS = {"以上": "more_than", "左右": "about"}
_SCALES = {"万": 10_000, "亿": 100_000_000}


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


class Mention(NamedTuple):
    """One number in a text, as written and as a value (a named tuple: the loader reads one per
    quote of every city file, 300,000 at 3,000 cities)."""

    start: int
    end: int
    written: str  # the number as written, without qualifier or unit: "2.6万", "两万", "122"
    value: float  # the number itself, multipliers applied: 26000
    qualifier: str
    unit: str  # the measure word or unit after it ("人", "万元" becomes 元 with the multiplier), or ""
    base: float | None = None  # the number before its scale: 2.6 for "2.6万", 2 for "两万"
    scale: str = ""  # 万 or 亿 when written after the number (in the number or as 万元/亿元)

    @property
    def value_as_written(self) -> float:
        """The value as a city file writes it, beside `unit_as_written`: 2.6 for "2.6万人"."""
        return self.value if self.base is None else self.base

    @property
    def unit_as_written(self) -> str:
        """The unit as a city file writes it: "万人" for "2.6万人", "万元" for "230万元", "" if none."""
        return self.scale + self.unit if self.unit else self.scale


def _split_scale(number: str) -> tuple[float | None, str]:
    """Splits a trailing 万/亿 off a number as written: "2.6万" -> (2.6, "万"), "两万" -> (2, "万")."""
    if len(number) < 2 or number[-1] not in _SCALES:
        return None, ""
    head = number[:-1]
    if head[0].isdigit():
        return float(head.replace(",", "")), number[-1]
    if any(c in _BIG_UNITS for c in head):  # "一万二千万" is not written; keep the whole
        return None, ""
    parsed = parse_chinese_numeral(head)
    return (parsed, number[-1]) if parsed is not None else (None, "")


_PREFIX_OF = dict(_PREFIX_QUALIFIERS)
_MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1000}


def find_mentions(text: str) -> list[Mention]:
    """Finds every number in normalised text, with qualifier and following unit."""
    mentions = []
    for m in _NUMBER.finditer(text):
        prefix, number, mult, suffix, unit, after = m.groups()
        if number[0].isdigit():
            value = float((number[:-1] if mult else number).replace(",", ""))
            if mult:
                value *= _MULTIPLIERS[mult]
        else:
            value = parse_chinese_numeral(number)
            if value is None:
                continue
        base, scale = _split_scale(number)
        unit = unit or ""
        if unit in ("万元", "亿元"):
            base, scale = value, unit[0]
            value *= _SCALES[scale]
            unit = "元"
        qualifier = "exact"
        if prefix:
            qualifier = _PREFIX_OF[prefix]
        if suffix:
            qualifier = "more_than"
        if after:
            qualifier = _AFTER_QUALIFIERS[after]
        mentions.append(Mention(m.start(), m.end(), number, value, qualifier, unit, base, scale))
    return mentions
