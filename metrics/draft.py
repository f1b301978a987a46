"""Drafting a city file from an article: candidate observations for an editor to review.

Reads an article as published (traditional or simplified, pinyin annotations, full- or
half-width forms, spaces) and the catalog. Proposes every number that reads as an outcome, with
its value as written and canonical, its unit, its qualifier, a quote (the clause around it, in
simplified Chinese, which the validator finds again) and an indicator suggested from the
catalog's keywords and measure words, with a confidence, or none when unsure. Leaves out years
and dates, ages, ordinals and ranks, names with numbers, phone numbers, per-head rates and
percent changes, each with the reason, so the editor sees what was skipped.

Writes nothing itself: `to_yaml`, `to_csv` and `city_template` return text; `register_commands`
adds `draft`, `new-city` and `draft-eval` to `python -m metrics`, which write where asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from metrics import messages, preview, schema, yamlio
from metrics.numbers import CN_NUMERAL_CHARS, Mention, find_mentions
from metrics.text import SourceText, article_body, normalise
from metrics.units import parse_unit

CSV_COLUMNS = ("value", "qualifier", "value_as_written", "unit_as_written", "quote", "indicator", "confidence")

# A suggestion below this confidence is left empty: the editor chooses (see docs/draft.md for
# how often suggestions above it are right on the seed articles).
MIN_CONFIDENCE = 0.4

# --- how the article is cut into clauses and sentences -----------------------------------------

_CLAUSE_MARKS = set(",;:!?。，；：！？…|")
_SENTENCE_MARKS = set(";!?。；！？|")
# Quotation marks around short names ("一户一策", 《万家学法》): numbers inside are names.
_NAME_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
_MAX_NAME_LENGTH = 20
# A clause longer than this (normalised characters) is cut into pieces of at most this length,
# never inside a number: the longest clause of the curated articles has 95, and an article
# without punctuation would otherwise be one clause, which makes the work per number grow with
# the article (see `Draft.work`).
MAX_CLAUSE = 160

# --- what is not an outcome -----------------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九"
# Written right after a number without a measure word: dates, durations, ages, ranks, sessions.
_NOT_A_COUNT_AFTER = (
    ("周岁", "an age"),
    ("岁", "an age"),
    ("年度", "a year"),
    ("年", "a year or a duration"),
    ("月", "a date"),
    ("日", "a date"),
    ("号", "a date"),
    ("时", "a time"),
    ("点", "a time"),
    ("分钟", "a duration"),
    ("秒", "a duration"),
    ("小时", "a duration"),
    ("天", "a duration"),
    ("周年", "an anniversary"),
    ("周", "a duration"),
    ("世纪", "a date"),
    ("届", "a session number (二十大, 十九届)"),
    ("中全会", "a session number"),
    ("大", "a name or rank (二十大, 十大)"),
    ("佳", "a rank (十佳)"),
    ("强", "a rank (500强)"),
    ("倍", "a multiple, not a level"),
)
# After a measure word: "3个月" is a duration, "2个百分点" a change.
_NOT_A_COUNT_AFTER_UNIT = (
    ("个月", "a duration"),
    ("个多月", "a duration"),
    ("个小时", "a duration"),
    ("个工作日", "a duration"),
    ("个季度", "a duration"),
    ("个百分点", "a change in percentage points, not a level"),
)
_RATE_BEFORE = re.compile(r"(每(?!年)|人均|户均|平均|场均|月均)[\u4e00-\u9fff]{0,4}$")
_CHANGE_BEFORE = re.compile(r"(增长|下降|提高|提升|增加|减少|上升|降低|同比|环比|增幅|降幅|增速)[了达为至到约近]{0,2}$")
_RANK_BEFORE = re.compile(r"(?<![目此之当提年日以])前$|排名$|排第$|位列$|位居$")
_IDIOMS = (
    "千家万户",
    "千方百计",
    "万众一心",
    "千千万万",
    "百花齐放",
    "万家灯火",
    "千村万户",
    "千百万",
    "万里行",
    "百家讲坛",
    "千人团",
    "十全十美",
    "一心一意",
)
_RANGE_MARKS = "~-—–至到"
_CJK = re.compile(r"[\u3400-\u9fff]")

# --- facts about the article --------------------------------------------------------------------

PROVINCES = {
    "北京": "Beijing",
    "天津": "Tianjin",
    "上海": "Shanghai",
    "重庆": "Chongqing",
    "河北": "Hebei",
    "山西": "Shanxi",
    "辽宁": "Liaoning",
    "吉林": "Jilin",
    "黑龙江": "Heilongjiang",
    "江苏": "Jiangsu",
    "浙江": "Zhejiang",
    "安徽": "Anhui",
    "福建": "Fujian",
    "江西": "Jiangxi",
    "山东": "Shandong",
    "河南": "Henan",
    "湖北": "Hubei",
    "湖南": "Hunan",
    "广东": "Guangdong",
    "海南": "Hainan",
    "四川": "Sichuan",
    "贵州": "Guizhou",
    "云南": "Yunnan",
    "陕西": "Shaanxi",
    "甘肃": "Gansu",
    "青海": "Qinghai",
    "台湾": "Taiwan",
    "内蒙古": "Inner Mongolia",
    "广西": "Guangxi",
    "西藏": "Tibet",
    "宁夏": "Ningxia",
    "新疆": "Xinjiang",
    "香港": "Hong Kong",
    "澳门": "Macao",
}
_MUNICIPALITIES = {"北京", "天津", "上海", "重庆"}
_REGIONS = {
    "内蒙古": "自治区",
    "广西": "壮族自治区",
    "西藏": "自治区",
    "宁夏": "回族自治区",
    "新疆": "维吾尔自治区",
    "香港": "特别行政区",
    "澳门": "特别行政区",
}
_NOT_A_CITY = set("全我本该各城省县区市都每")


@dataclass(frozen=True)
class Candidate:
    """One number of the article proposed as an observation."""

    value: float  # canonical: yuan for money, the count itself, percent for shares
    qualifier: str
    value_as_written: float  # as a city file writes it, with unit_as_written: 2.6 and 万人
    unit_as_written: str  # "" when the article writes no measure word
    quote: str  # simplified, normalised; SourceText.find(quote) locates it
    indicator: str  # "" when unsure
    confidence: float | None  # of the indicator; None when there is no suggestion
    written: str  # the number with its qualifier and unit, as in the normalised text: "2.6万余人"
    start: int  # offsets of the number in the article body as published (for highlighting)
    end: int
    alternatives: tuple[str, ...] = ()  # the next indicators by score, for the editor
    note: str = ""


@dataclass(frozen=True)
class Skipped:
    """A number the draft leaves out, with the reason."""

    written: str
    reason: str
    start: int
    end: int


@dataclass(frozen=True)
class ArticleFacts:
    """What the article (and its source header, when it has one) says about the city and report."""

    city_zh: str | None = None
    province_zh: str | None = None
    province_en: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_note: str | None = None
    title: str | None = None
    period_note_zh: str | None = None  # period_note in Chinese


@dataclass
class Draft:
    """The result of drafting one article."""

    source: SourceText
    facts: ArticleFacts
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Elementary steps the draft took: characters scanned for keywords, keyword comparisons,
    # keyword hits and context characters weighed per number. It grows linearly with the
    # article (at most about WORK_PER_CHARACTER per normalised character); tests bound it.
    work: int = 0


class ArticleTooLarge(preview.UploadError):
    """An article over preview.MAX_ARTICLE_BYTES: refused before any work."""


class DraftStopped(Exception):
    """The draft was stopped by its caller (its session ended)."""


# The bound on `Draft.work` per normalised character of the article, with the catalog's
# keywords (measured on the curated articles: 6 to 7; on an unpunctuated 1 MB article: 36).
WORK_PER_CHARACTER = 60


# --- cutting the text --------------------------------------------------------------------------


def _line_break_before(src: SourceText, i: int) -> bool:
    """Whether the article has a line break between normalised characters i-1 and i."""
    if i == 0:
        return True
    return "\n" in src.body[src.offsets[i - 1] + 1 : src.offsets[i]]


def _is_number_separator(text: str, i: int) -> bool:
    # "10,000" and "2.6": a comma or point between digits belongs to the number.
    ch = text[i]
    if ch not in ",." or i == 0 or i + 1 >= len(text):
        return False
    if ch == ".":
        return text[i - 1].isdigit() and text[i + 1].isdigit()
    return text[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1 :]) is not None


def _in_number(text: str, i: int) -> bool:
    """Whether a cut before character i would split a number (or a number from its 万/亿)."""
    return _is_numeral(text[i - 1]) and (_is_numeral(text[i]) or text[i] in ",.")


def _bounded(text: str, spans: list[tuple[int, int]], limit: int = MAX_CLAUSE) -> list[tuple[int, int]]:
    """The spans with every span longer than `limit` cut into pieces of at most `limit`
    characters, each cut moved back to the nearest place that is not inside a number."""
    out = []
    for start, end in spans:
        while end - start > limit:
            cut = start + limit
            while cut > start + limit // 2 and _in_number(text, cut):
                cut -= 1
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def _spans(src: SourceText, marks: set[str]) -> list[tuple[int, int]]:
    """Cuts the normalised text at the given marks and at line breaks; returns (start, end) spans,
    none longer than MAX_CLAUSE."""
    text = src.normalised
    spans, start = [], 0
    for i, ch in enumerate(text):
        if i > start and _line_break_before(src, i):
            spans.append((start, i))
            start = i
        if (ch in marks or ch == ".") and not _is_number_separator(text, i):
            if i > start:
                spans.append((start, i))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return _bounded(text, [(s, e) for s, e in spans if e > s])


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks short enough to be names, and inside book-title marks."""
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in _NAME_QUOTES:
            stack.append((ch, i))
        elif stack and ch == _NAME_QUOTES[stack[-1][0]]:
            opener, at = stack.pop()
            if opener in "《〈" or i - at - 1 <= _MAX_NAME_LENGTH:
                spans.append((at, i + 1))
    return spans


# --- what is an outcome ------------------------------------------------------------------------


def _is_numeral(ch: str) -> bool:
    return bool(ch) and (ch.isdigit() or ch in CN_NUMERAL_CHARS)


def _skip_reason(
    text: str,
    clause: tuple[int, int],
    m: Mention,
    num_start: int,
    num_end: int,
    inside_name: bytearray,
    raw_number: str,
) -> str | None:
    """Why a number is not an outcome, or None when it may be one."""
    cs, ce = clause
    written = m.written
    before = text[cs:num_start]
    after = text[m.end : ce]
    right_after_number = text[num_end:ce]
    arabic = written[0].isdigit()
    prev = text[num_start - 1] if num_start > cs else ""
    prev2 = text[num_start - 2] if num_start - 1 > cs else ""
    nxt = text[m.end] if m.end < ce else ""
    nxt2 = text[m.end + 1] if m.end + 1 < ce else ""

    if inside_name[num_start]:
        return "inside a name or title in quotation marks"
    if any(idiom in text[max(0, num_start - 3) : m.end + 3] and written in idiom for idiom in _IDIOMS):
        return "part of a set phrase"
    if prev == "第" or before.endswith("第"):
        return "an ordinal (第…)"
    if _RANK_BEFORE.search(before):
        return "a rank"
    if arabic:
        if re.search(r"\d\s+\d", raw_number):
            return "digits separated by spaces (page furniture, not a figure)"
        if (prev and prev.isascii() and (prev.isalpha() or prev in "_/#@")) or (
            not m.unit and nxt and nxt.isascii() and nxt.isalpha()
        ):
            return "part of a code or a name with letters"
        if (prev in "-:/" and prev2.isdigit()) or (nxt in "-:/" and nxt2.isdigit()):
            return "a date, a time or a phone number"
        digits = written.replace(",", "").replace(".", "")
        if (len(digits) >= 7 and "." not in written and not m.scale) or (
            written.startswith("0") and len(digits) > 1 and "." not in written
        ):
            return "a phone number or a code"
    if "+" in (prev, nxt):
        return "part of a formula or a name (1+N)"
    if (nxt and nxt in _RANGE_MARKS and _is_numeral(nxt2)) or (prev and prev in _RANGE_MARKS and _is_numeral(prev2)):
        return "a range (0~3岁, 4—5小时)"
    if not arabic:
        if written in ("万", "亿"):
            return "a word, not a number (万家, 亿万)"
        if len(written) == 1 and written in _CN_DIGITS:
            return "a single Chinese digit: names and set phrases write these (一户一策, 四敢, 两癌)"
    if m.value == 0:
        return "zero"
    if not m.unit:
        for word, reason in _NOT_A_COUNT_AFTER:
            if right_after_number.startswith(word) or after.startswith(word):
                return reason
    else:
        rest = text[num_end:ce]
        for word, reason in _NOT_A_COUNT_AFTER_UNIT:
            if rest.startswith(word):
                return reason
    if _RATE_BEFORE.search(before):
        return "a rate per head, household or period (每户, 人均), not a total"
    if m.unit == "%" and _CHANGE_BEFORE.search(before):
        return "a percent change, not a level"
    if not m.unit:
        if not arabic:
            return "no measure word after a Chinese numeral"
        if "." not in written and 1900 <= m.value <= 2100 and not m.scale:
            return "a year"
        if not nxt or not _CJK.match(nxt):
            return "no measure word and no noun after it"
        if len(written.replace(",", "")) >= 5 and not m.scale:
            return "a code or hotline number (12338)"
    return None


# --- suggesting an indicator ---------------------------------------------------------------------


def _fits(indicator: schema.Indicator, unit: str) -> bool:
    """Whether a unit as written fits an indicator (money, percent, or an accepted measure word)."""
    if indicator.unit == "yuan":
        return parse_unit(unit)[1] == "元" if unit else False
    if indicator.unit == "percent":
        return unit == "%"
    if not unit:
        return True
    return parse_unit(unit)[1] in indicator.accepts


@dataclass(frozen=True)
class KeywordIndex:
    """The catalog's keywords, indexed once per draft: by first character, and to their indicators."""

    by_first: dict[str, tuple[str, ...]]
    indicators: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, catalog: schema.Catalog) -> KeywordIndex:
        by_first: dict[str, list[str]] = {}
        indicators: dict[str, list[str]] = {}
        for indicator_id, indicator in catalog.indicators.items():
            for keyword in indicator.keywords:
                if keyword not in indicators:
                    by_first.setdefault(keyword[0], []).append(keyword)
                indicators.setdefault(keyword, []).append(indicator_id)
        return cls({c: tuple(ks) for c, ks in by_first.items()}, {k: tuple(v) for k, v in indicators.items()})

    def find(self, text: str) -> tuple[tuple[tuple[int, str], ...], int]:
        """Every keyword occurrence in text as (offset, keyword), a keyword's occurrences not
        overlapping each other (as repeated `str.find` gives them), and the steps taken."""
        hits: list[tuple[int, str]] = []
        free_from: dict[str, int] = {}
        work = len(text)
        for i, ch in enumerate(text):
            group = self.by_first.get(ch)
            if group is None:
                continue
            work += len(group)
            for keyword in group:
                if text.startswith(keyword, i) and free_from.get(keyword, 0) <= i:
                    hits.append((i, keyword))
                    free_from[keyword] = i + len(keyword)
        return tuple(hits), work


@dataclass(frozen=True)
class Context:
    """Text around a number: the clause holding it (anchor = the number's offset in it) or a
    neighbouring clause of the same sentence (anchor None), with a weight. `hits` are the
    keywords found in it (KeywordIndex.find), when the caller has found them already."""

    text: str
    weight: float
    anchor: int | None = None
    hits: tuple[tuple[int, str], ...] | None = None


def suggest_indicator(
    catalog: schema.Catalog,
    unit: str,
    contexts: list[Context],
    rarity: dict[str, float] | None = None,
    index: KeywordIndex | None = None,
) -> tuple[str, float | None, tuple[str, ...]]:
    """Scores the indicators that take the unit by their keywords in the text around the number.

    A keyword hit counts its length times the context's weight; in the clause holding the number
    it counts more the nearer it is (Chinese writes the thing counted right before or after the
    number: 建成驿站72个, 为2000余名儿童). `rarity` scales keywords down that recur all over the
    article (活动). Hits of other indicators' keywords in the same category add a quarter, so
    "乳腺癌" beside "争取资金75万元" leans to the health funds. Returns (indicator or "",
    confidence or None, alternatives).
    """
    return _suggest(catalog, unit, contexts, rarity or {}, index or KeywordIndex.of(catalog))[0]


def _suggest(
    catalog: schema.Catalog, unit: str, contexts: list[Context], rarity: dict[str, float], index: KeywordIndex
) -> tuple[tuple[str, float | None, tuple[str, ...]], int]:
    """suggest_indicator, and the steps it took (hits weighed and indicators scored)."""
    work = 0
    hits: dict[str, float] = {}
    for ctx in contexts:
        found = ctx.hits
        if found is None:
            found, steps = index.find(ctx.text)
            work += steps
        for at, keyword in found:
            near = 1.0
            if ctx.anchor is not None:
                distance = max(0, ctx.anchor - (at + len(keyword)), at - ctx.anchor)
                near = 1.0 / (1.0 + distance / 12)
            weight = len(keyword) * ctx.weight * near * rarity.get(keyword, 1.0)
            for indicator_id in index.indicators[keyword]:
                hits[indicator_id] = hits.get(indicator_id, 0.0) + weight
            work += 1 + len(index.indicators[keyword])
    by_category: Counter[str] = Counter()
    for indicator_id, score in hits.items():
        by_category[indicator_id.split(".")[0]] += score
    scores = {}
    for indicator_id, own in hits.items():
        indicator = catalog.indicators[indicator_id]
        work += 1
        if own <= 0 or not _fits(indicator, unit):
            continue
        category = by_category[indicator_id.split(".")[0]] - own
        bonus = 0.5 if indicator.measure_word and unit and parse_unit(unit)[1] == indicator.measure_word.zh else 0.0
        scores[indicator_id] = own + 0.25 * category + bonus
    if not scores:
        return ("", None, ()), work
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best, s1 = ranked[0]
    s2 = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(s1 / (s1 + s2 + 1.0), 2)
    alternatives = tuple(i for i, _ in ranked[1:4])
    if confidence < MIN_CONFIDENCE:
        return ("", None, tuple(i for i, _ in ranked[:4])), work
    return (best, confidence, alternatives), work


# --- drafting ------------------------------------------------------------------------------------


def _quote_span(
    text: str, clause: tuple[int, int], mentions_in_clause: int, num_start: int, num_end: int
) -> tuple[int, int]:
    """The clause, or the part of it between 、 marks when the clause lists several numbers."""
    cs, ce = clause
    if mentions_in_clause <= 1:
        return cs, ce
    left = text.rfind("、", cs, num_start)
    right = text.find("、", num_end, ce)
    return (left + 1 if left >= 0 else cs), (right if right >= 0 else ce)


def _rarity(clause_hits: list[tuple[tuple[int, str], ...]]) -> dict[str, float]:
    """Down-weights keywords found in many clauses of this article: there they tell little."""
    df: Counter[str] = Counter()
    for found in clause_hits:
        df.update({keyword for _, keyword in found})
    return {keyword: 1.0 / (1.0 + math.log1p(max(0, n - 1))) for keyword, n in df.items()}


def _canonical(value: float) -> float:
    return float(round(value, 6))


def _in_names(text: str, names: list[tuple[int, int]]) -> bytearray:
    """For each character of text, 1 when it is inside one of the name spans (in linear time)."""
    depth = [0] * (len(text) + 1)
    for start, end in names:
        depth[start] += 1
        depth[end] -= 1
    inside, level = bytearray(len(text) + 1), 0
    for i, d in enumerate(depth):
        level += d
        inside[i] = level > 0
    return inside


def check_size(raw: str) -> None:
    """Raises ArticleTooLarge when the article is over preview.MAX_ARTICLE_BYTES in UTF-8 (a text
    of more characters than that is refused without encoding it)."""
    limit = preview.MAX_ARTICLE_BYTES
    if len(raw) > limit or len(raw.encode("utf-8")) > limit:
        size = len(raw.encode("utf-8")) if len(raw) <= 4 * limit else len(raw)
        raise ArticleTooLarge("upload_too_large", **preview.too_large("article", size, limit))


def draft(raw: str, catalog: schema.Catalog, should_stop=None) -> Draft:
    """Drafts candidate observations from an article (with or without a source header).

    Refuses an article over preview.MAX_ARTICLE_BYTES before any work (ArticleTooLarge). The
    work is linear in the article: clauses are at most MAX_CLAUSE characters, the catalog's
    keywords are indexed once and found once per clause, and each number weighs only its own
    and at most six neighbouring clauses. `should_stop`, a function called between clauses,
    stops the draft (DraftStopped) when it returns true: the editor passes one that tells when
    the visitor's session has ended.
    """
    check_size(raw)
    src = SourceText.from_raw(raw)
    text = src.normalised
    result = Draft(source=src, facts=read_facts(raw, src))
    inside_name = _in_names(text, _name_spans(text))
    sentences = _spans(src, _SENTENCE_MARKS)
    clauses = _spans(src, _CLAUSE_MARKS)
    sentence_of = []
    k = 0
    for cs, _ in clauses:
        while k + 1 < len(sentences) and sentences[k][1] <= cs:
            k += 1
        sentence_of.append(k)

    index = KeywordIndex.of(catalog)
    clause_hits = []
    work = 2 * len(text)  # normalising and cutting
    for ci, (cs, ce) in enumerate(clauses):
        if should_stop is not None and ci % 64 == 0 and should_stop():
            raise DraftStopped()
        found, steps = index.find(text[cs:ce])
        clause_hits.append(found)
        work += steps
    rarity = _rarity(clause_hits)
    for ci, clause in enumerate(clauses):
        if should_stop is not None and ci % 64 == 0 and should_stop():
            raise DraftStopped()
        cs, ce = clause
        work += ce - cs
        mentions = [
            Mention(
                start=m.start + cs,
                end=m.end + cs,
                written=m.written,
                value=m.value,
                qualifier=m.qualifier,
                unit=m.unit,
                base=m.base,
                scale=m.scale,
            )
            for m in find_mentions(text[cs:ce])
        ]
        for m in mentions:
            num_start = text.index(m.written, m.start, m.end)
            num_end = num_start + len(m.written)
            body_start = src.offsets[m.start]
            body_end = src.offsets[m.end - 1] + 1
            raw_number = src.body[src.offsets[num_start] : src.offsets[num_end - 1] + 1]
            work += ce - cs
            reason = _skip_reason(text, clause, m, num_start, num_end, inside_name, raw_number)
            if reason:
                result.skipped.append(Skipped(text[m.start : m.end], reason, body_start, body_end))
                continue
            qs, qe = _quote_span(text, clause, len(mentions), num_start, num_end)
            contexts = [Context(text[cs:ce], 1.2, num_start - cs, clause_hits[ci])]
            for cj in range(max(0, ci - 3), min(len(clauses), ci + 3)):
                if cj != ci and sentence_of[cj] == sentence_of[ci]:
                    contexts.append(
                        Context(text[clauses[cj][0] : clauses[cj][1]], 0.5 ** abs(cj - ci), None, clause_hits[cj])
                    )
            unit = m.unit_as_written
            (indicator, confidence, alternatives), steps = _suggest(catalog, unit, contexts, rarity, index)
            work += steps + sum(len(c.text) for c in contexts)
            result.candidates.append(
                Candidate(
                    value=_canonical(m.value),
                    qualifier=m.qualifier,
                    value_as_written=_canonical(m.value_as_written),
                    unit_as_written=unit,
                    quote=text[qs:qe],
                    indicator=indicator,
                    confidence=confidence,
                    written=text[m.start : m.end],
                    start=body_start,
                    end=body_end,
                    alternatives=alternatives,
                    note="" if m.unit else "the article writes no measure word after this number",
                )
            )
    result.work = work
    return result


# --- facts: city, province, dates ---------------------------------------------------------------


def _header_fields(raw: str) -> dict[str, str]:
    _, offset = article_body(raw)
    fields: dict[str, str] = {}
    if not offset:
        return fields
    for line in raw[:offset].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def read_facts(raw: str, src: SourceText | None = None) -> ArticleFacts:
    """Reads the city, province, publisher, dates and period that the article states."""
    src = src or SourceText.from_raw(raw)
    text = src.normalised
    header = _header_fields(raw)
    publisher = next((v for k, v in header.items() if "Publisher" in k or "发布者" in k), None)
    published = None
    for key, value in header.items():
        if "Published" in key or "发布日期" in key:
            match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
            if match:
                published = _date(*match.groups())
    if published is None:
        head = text[:300]
        match = re.search(r"(20\d{2}|19\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})", head)
        if match:
            published = _date(*match.groups())

    title = _title(src)
    city = _city_name(text, title, publisher)
    province_zh = province_en = None
    # "江苏省" names the province; a bare "安徽" (《安徽日报》) counts only when it recurs, and never
    # a municipality's name, which appears in the names of foundations and firms (北京陈江和基金会).
    full = Counter({n: text.count(n + _REGIONS.get(n, "省")) for n in PROVINCES if n not in _MUNICIPALITIES})
    bare = Counter({n: text.count(n) for n in PROVINCES if n not in _MUNICIPALITIES})
    name = None
    if +full:
        name = full.most_common(1)[0][0]
    elif +bare and bare.most_common(1)[0][1] >= 2:
        name = bare.most_common(1)[0][0]
    if name:
        province_zh, province_en = name + _REGIONS.get(name, "省"), PROVINCES[name]

    period_start = period_end = None
    period_note = period_note_zh = None
    years = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年(?!\d)", text))
    if published:
        years.pop(published.year + 1, None)
    if "今年以来" in text and published:
        period_start, period_end = dt.date(published.year, 1, 1), published
        period_note = "今年以来 and the publication date"
        period_note_zh = "“今年以来”和发布日期"
    elif years:
        year, n = years.most_common(1)[0]
        period_start, period_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        period_note = f"{year}年, the year the article names most ({n} times)"
        period_note_zh = f"{year}年，原文提及最多的年份（{n}次）"

    return ArticleFacts(
        city,
        province_zh,
        province_en,
        publisher or (f"{city}妇联" if city else None),
        published,
        period_start,
        period_end,
        period_note,
        title,
        period_note_zh,
    )


_FEDERATION = r"市(?:妇联|妇女联合会)"


def _title(src: SourceText) -> str | None:
    """The article's title: its first line of 6 to 60 characters that is not a byline or a date."""
    for line in src.body.splitlines():
        line = line.strip()
        if (
            6 <= len(line) <= 60
            and not re.search(r"[:：]|来源|记者|通讯员", line)
            and not re.fullmatch(r"[\d\s/年月日-]+", line)
        ):
            return normalise(line)
    return None


def _city_name(text: str, title: str | None = None, publisher: str | None = None) -> str | None:
    """The city the article is about, from what names a women's federation or a place: "XX市妇联"
    (or 妇女联合会) in the byline or the article, else "XX市" in its title, else an "XX市" the
    article writes at least twice; never a verb before 市 ("争取市财政资金" names no city). Two
    characters before 市, three when every occurrence has the same character before them (as in
    连云港市)."""
    headline = title if title and not re.search(r"[。，,]", title) else ""  # a title, not a sentence
    for where, pattern, least, unlike in (
        # 城 ends real names (盐城, 聊城) before 市妇联; elsewhere "文明城市" would read as 明城市
        (f"{publisher or ''}\n{text}", _FEDERATION, 1, _NOT_A_CITY - {"城"}),
        (headline, "市", 1, _NOT_A_CITY),
        (text, "市", 2, _NOT_A_CITY),
    ):
        counts: Counter[str] = Counter()
        for match in re.finditer(rf"(?=([\u4e00-\u9fff]{{2}}){pattern})", where):
            name = match.group(1)
            if not set(name) & unlike:
                counts[name] += 1
        if counts and counts.most_common(1)[0][1] >= least:
            return _extended(counts.most_common(1)[0][0], where)
    return None


def _extended(name: str, text: str) -> str:
    """`name` + 市, with the character before it when every occurrence of name + 市 has it."""
    places = [m.start() for m in re.finditer(re.escape(name + "市"), text)]
    before = Counter(text[i - 1] if i else "" for i in places)
    ch, same = before.most_common(1)[0] if before else ("", 0)
    if ch and _CJK.match(ch) and same == len(places) and len(places) > 1 and ch not in _NOT_A_CITY:
        name = ch + name
    return name + "市"


# --- output -----------------------------------------------------------------------------------


_PLAIN = re.compile(r"[\u3400-\u9fff][^:#'\"{}\[\]\n\\]*")


def _q(text: str | None, flow: bool = False) -> str:
    """A YAML scalar for text: plain when it starts with a Chinese character and holds nothing YAML
    reads as syntax (as an editor would write it), else double-quoted (JSON-compatible); or null."""
    if text is None:
        return "null"
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and not (flow and "," in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _report_id(city_id: str, facts: ArticleFacts) -> str:
    if facts.period_start is None:
        return f"{city_id}-report"
    suffix = "" if (facts.period_end and facts.period_end.month == 12 and facts.period_end.day == 31) else "-partial"
    return f"{city_id}-{facts.period_start.year}{suffix}"


# The comments of a drafted city file, Chinese and English (to_yaml's `lang`).
_COMMENTS = {
    "head": (
        "# 由 `python -m metrics draft` 根据 {article} 生成的城市文件草稿。\n"
        "# 以下内容尚未核对。标有 REVIEW 的每一行都需要人工对照原文：改正指标、数值、单位、限定词和引文，\n"
        "# 删去不属于工作成果的条目；原文写明时补上 breakdown（分项）、period（期间）、tally（stock 存量、\n"
        "# running_total 累计）、scope（范围）或 level（层级）（见 docs/model.md、data/README.md）；\n"
        "# 备注写成 {{zh: ..., en: ...}}；填好每一个 null；把原文存为 data/sources/{source}，\n"
        "# 放在以一行 --- 结尾的文件头之下；然后运行 `python -m metrics validate`，它会逐条指出剩余问题所在的行。",
        "# Draft city file from {article}, written by `python -m metrics draft`.\n"
        "# Nothing here is checked yet. Every line marked REVIEW needs a person: compare it with the\n"
        "# article, fix the indicator, value, unit, qualifier and quote, delete what is not an outcome, add\n"
        "# breakdown, period, tally (stock, running_total), scope or level where the article says so\n"
        "# (docs/model.md, data/README.md), write notes as {{zh: ..., en: ...}}, fill every null,\n"
        "# save the article as data/sources/{source} below a header ended by a line ---,\n"
        "# then run `python -m metrics validate`; it names each remaining problem with its line.",
    ),
    "id": ("REVIEW：城市名的小写拼音，与文件名相同", "REVIEW: the city in lower-case pinyin, equal to the file name"),
    "name": ("REVIEW：中文名取自原文；英文名", "REVIEW: Chinese name from the article; English name"),
    "province": ("REVIEW：原文提到最多的省份", "REVIEW: the province the article names most"),
    "province.none": ("REVIEW：原文中未找到", "REVIEW: not found in the article"),
    "level": (
        "REVIEW：prefecture（地级市）或 county_level（县级市）",
        "REVIEW: prefecture (地级市) or county_level (县级市)",
    ),
    "parent": ("县级市填所属的地级市：{zh: 潍坊市, en: Weifang}", "for a county-level city: {zh: 潍坊市, en: Weifang}"),
    "population": (
        "REVIEW：2020年第七次人口普查的常住人口及其出处；没有就删去这一段",
        "REVIEW: the 2020 census resident population, with its source; or delete this block",
    ),
    "population.value": ("人数，整数", "persons, an integer"),
    "population.year": ("所有城市同一规则：2020年人口普查", "the rule for every city: the 2020 census"),
    "title": ("REVIEW：文章标题", "REVIEW: the article's title"),
    "publisher": ("REVIEW：发布者", "REVIEW"),
    "published": ("REVIEW：取自原文", "REVIEW: found in the article"),
    "published.unknown": ("REVIEW：知道日期时填写日期", "REVIEW: the date, when known"),
    "published_note": (
        "REVIEW：日期如何推断（published 为 unknown 时必填）",
        "REVIEW: how the date was inferred (required while unknown)",
    ),
    "period": ("REVIEW：由{note}推断", "REVIEW: inferred from {note}"),
    "period.none": ("REVIEW：文章涵盖的期间", "REVIEW: the period the article covers"),
    "none": ("草稿未找到数字", "the draft found no figures"),
    "candidate": ("REVIEW {n}/{of}：{written}", "REVIEW {n}/{of}: {written}"),
    "confidence": ("指标置信度 {c}", "indicator confidence {c}"),
    "chosen": ("指标由编辑选定", "indicator chosen by the editor"),
    "no_indicator": ("未建议指标", "no indicator suggested"),
    "closest": ("（最接近：{ids}）", " (closest: {ids})"),
    "or": ("或 {ids}", "or {ids}"),
    "no_word": ("原文没有量词", "no measure word in the article"),
    "word_is": ("；{unit} 是该指标的量词", "; {unit} is the indicator's"),
    "same": (
        "与另一条候选的指标相同：给各分项写 breakdown，或删去其一",
        "same indicator as another candidate: give each part a breakdown, or remove one",
    ),
    "skipped": (
        "# 草稿未采用的数字（不是工作成果）；其中属于成果的请补上：",
        "# Left out by the draft (not outcomes); add any that is one:",
    ),
}


def to_yaml(
    result: Draft,
    catalog: schema.Catalog,
    city_id: str | None = None,
    article_name: str = "the article",
    lang: str = "en",
) -> str:
    """A city file ready to edit: facts filled where the article states them, every observation
    marked REVIEW, its comments in `lang` (zh or en)."""
    zh = lang == "zh"

    def c(key: str, **values) -> str:
        text = _COMMENTS[key][0 if zh else 1]
        return text.format(**values) if values else text

    joiner, listed = ("；", "、") if zh else ("; ", ", ")
    facts = result.facts
    cid = city_id or "new_city"
    report_id = _report_id(cid, facts)
    out = [
        *c("head", article=article_name, source=f"{report_id}.txt").splitlines(),
        f"id: {cid}" + ("" if city_id else f"  # {c('id')}"),
        f"name: {{zh: {_q(facts.city_zh, True)}, en: {_q(cid.replace('_', ' ').title() if city_id else None, True)}}}"
        f"  # {c('name')}",
        f"province: {{zh: {_q(facts.province_zh, True)}, en: {_q(facts.province_en, True)}}}"
        f"  # {c('province' if facts.province_zh else 'province.none')}",
        f"level: null  # {c('level')}",
        f"parent: null  # {c('parent')}",
        f"population:  # {c('population')}",
        f"  value: null  # {c('population.value')}",
        f"  year: 2020  # {c('population.year')}",
        "  basis: census",
        "  source: null",
        "  verified: false",
        "reports:",
        f"  {report_id}:",
        f"    title: {{zh: {_q(facts.title, True)}, en: null}}  # {c('title')}",
        f"    publisher: {_q(facts.publisher)}  # {c('publisher')}",
    ]
    if facts.published:
        out.append(f"    published: {facts.published.isoformat()}  # {c('published')}")
        out.append("    published_note: null")
    else:
        out.append(f"    published: unknown  # {c('published.unknown')}")
        out.append(f"    published_note: null  # {c('published_note')}")
    if facts.period_start:
        note = (facts.period_note_zh or facts.period_note) if zh else facts.period_note
        out.append(
            f"    period: {{start: {facts.period_start.isoformat()}, end: {facts.period_end.isoformat()}}}"
            f"  # {c('period', note=note)}"
        )
    else:
        out.append(f"    period: {{start: null, end: null}}  # {c('period.none')}")
    out += [f"    source: sources/{report_id}.txt", "    url: null", "observations:"]
    if not result.candidates:
        out[-1] = f"observations: []  # {c('none')}"
    by_indicator = Counter(x.indicator for x in result.candidates if x.indicator)
    for n, x in enumerate(result.candidates, 1):
        indicator = catalog.indicators.get(x.indicator)
        unit = x.unit_as_written
        notes = [c("candidate", n=n, of=len(result.candidates), written=x.written)]
        if x.indicator and x.confidence is not None:
            notes.append(c("confidence", c=f"{x.confidence:.2f}"))
        elif x.indicator:
            notes.append(c("chosen"))
        else:
            notes.append(c("no_indicator") + (c("closest", ids=listed.join(x.alternatives)) if x.alternatives else ""))
        if x.alternatives and x.indicator:
            notes.append(c("or", ids=listed.join(x.alternatives)))
        if not unit:
            unit = indicator.measure_word.zh if indicator and indicator.measure_word else None
            notes.append(c("no_word") + (c("word_is", unit=unit) if unit else ""))
        if x.indicator and by_indicator[x.indicator] > 1:
            notes.append(c("same"))
        out.append("  # " + joiner.join(notes))
        out.append(f"  - indicator: {x.indicator or 'null'}")
        out.append(f"    value: {_number(x.value_as_written)}")
        out.append(f"    unit: {_q(unit)}")
        if x.qualifier != "exact":
            out.append(f"    qualifier: {x.qualifier}")
        out.append(f"    report: {report_id}")
        out.append(f"    quote: {_q(x.quote)}")
    if result.skipped:
        out.append("")
        out.append(c("skipped"))
        for skip in result.skipped:
            reason = messages.reason(skip.reason, "zh" if zh else "en")
            out.append(f"# - {skip.written}{'：' if zh else ': '}{reason}")
    return "\n".join(out) + "\n"


def to_csv(result: Draft) -> str:
    """The candidates as CSV with the columns of CSV_COLUMNS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in result.candidates:
        writer.writerow(
            [
                _number(c.value),
                c.qualifier,
                _number(c.value_as_written),
                c.unit_as_written,
                c.quote,
                c.indicator,
                "" if c.confidence is None else f"{c.confidence:.2f}",
            ]
        )
    return buffer.getvalue()


def city_template(city_id: str) -> str:
    """A commented template city file: replace every null and the example, and it validates."""
    report_id = f"{city_id}-2024"
    return f"""\
# City file for {city_id}. Fill in every null (the validator names each one with its line), keep
# the file name equal to the id, and put the article in data/sources/{report_id}.txt below a short
# header ended by a line ---. Field by field help: data/README.md. Check with:
#   python -m metrics validate data/cities/{city_id}.yaml
id: {city_id}
name: {{zh: null, en: null}}             # 宿迁市, Suqian
province: {{zh: null, en: null}}         # 江苏省, Jiangsu
level: null                            # prefecture (地级市) or county_level (县级市)
parent: null                           # only for a county-level city: {{zh: 潍坊市, en: Weifang}}
population:                            # the denominator of every per-100,000 figure (or delete the block)
  value: null                          # persons, an integer: 4986192, not 498.6万
  year: 2020                           # the rule for every city: the 2020 census (第七次人口普查)
  basis: census
  source: null                         # where the figure comes from: publication and date
  verified: false                      # true once checked against an official source
reports:
  {report_id}:                   # <city>-<period>; rename it here and in every observation
    title: {{zh: null, en: null}}
    publisher: null
    published: unknown                 # the date (2024-06-19), or unknown with a published_note
    published_note: null               # how the date was inferred; remove when published is a date
    period: {{start: null, end: null}}   # what the article covers: 2024-01-01 and 2024-12-31
    source: sources/{report_id}.txt
    url: null
observations:
  # One entry per figure of the article. `python -m metrics draft ARTICLE --city {city_id}` proposes them.
  - indicator: null                    # an id from data/catalog.yaml, e.g. employment.training_sessions
    value: null                        # the number as written: 2.6 for "2.6万余人"
    unit: null                         # as written: 万人, 场, 万元, %
    qualifier: exact                   # exact, more_than (余 多 超过), nearly (近), about (约)
    report: {report_id}
    quote: null                        # the clause of the article that holds the number, verbatim
"""


# --- measuring the draft on the curated cities ------------------------------------------------


@dataclass
class CityScore:
    city: str
    curated: int
    proposed: int  # curated observations proposed with the right value and qualifier
    candidates: int
    candidates_curated: int  # candidates that match a curated observation
    indicator_right: int  # proposed curated observations whose suggested indicator is theirs
    suggested: int  # proposed curated observations with any suggestion
    missed: list[str] = field(default_factory=list)
    # candidates matching no curated observation: (report id, number as written, suggested
    # indicator or "", quote), for a person to judge (dates, ordinals, outcomes left out)
    unmatched: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Evaluation:
    cities: list[CityScore]

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.cities)

    @property
    def recall(self) -> float:
        return self._sum("proposed") / max(1, self._sum("curated"))

    @property
    def precision(self) -> float:
        return self._sum("candidates_curated") / max(1, self._sum("candidates"))

    @property
    def indicator_match(self) -> float:
        return self._sum("indicator_right") / max(1, self._sum("proposed"))

    @property
    def suggestion_accuracy(self) -> float:
        return self._sum("indicator_right") / max(1, self._sum("suggested"))

    @property
    def suggestion_coverage(self) -> float:
        return self._sum("suggested") / max(1, self._sum("proposed"))

    def figures(self) -> dict[str, float | int]:
        """The rates and the counts behind them, as `draft-eval --json` prints them."""
        counts = ("curated", "proposed", "candidates", "candidates_curated", "indicator_right", "suggested")
        return {
            "recall": self.recall,
            "precision": self.precision,
            "indicator_match": self.indicator_match,
            "suggestion_accuracy": self.suggestion_accuracy,
            "suggestion_coverage": self.suggestion_coverage,
            **{name: self._sum(name) for name in counts},
            "unmatched": sum(len(c.unmatched) for c in self.cities),
        }

    def describe(self) -> str:
        lines = [f"{'city':<12} {'curated':>7} {'proposed':>8} {'cands':>6} {'cand.cur':>8} {'ind.ok':>6}"]
        for c in self.cities:
            lines.append(
                f"{c.city:<12} {c.curated:>7} {c.proposed:>8} {c.candidates:>6} {c.candidates_curated:>8} "
                f"{c.indicator_right:>6}"
            )
        lines += [
            f"recall (curated observations proposed with the right value and qualifier): "
            f"{self._sum('proposed')}/{self._sum('curated')} = {self.recall:.1%}",
            f"precision (drafted candidates that were curated): "
            f"{self._sum('candidates_curated')}/{self._sum('candidates')} = {self.precision:.1%}",
            f"indicator match (proposed curated observations whose suggested indicator is the curated one): "
            f"{self._sum('indicator_right')}/{self._sum('proposed')} = {self.indicator_match:.1%}",
            f"  suggestions made: {self._sum('suggested')}/{self._sum('proposed')} = {self.suggestion_coverage:.1%}; "
            f"right when made: {self._sum('indicator_right')}/{self._sum('suggested')} = {self.suggestion_accuracy:.1%}",
        ]
        missed = [m for c in self.cities for m in c.missed]
        if missed:
            lines.append("missed:")
            lines += [f"  {m}" for m in missed]
        return "\n".join(lines)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def evaluate(dataset, report_ids=None) -> Evaluation:
    """Drafts every report of a loaded dataset (or only the reports named in `report_ids`, a fixed
    evaluation set) and compares the candidates with the curated observations of those reports.
    Raises ValueError naming any report id the dataset does not hold."""
    wanted = None if report_ids is None else set(report_ids)
    if wanted is not None:
        unknown = wanted - {rid for city in dataset.cities.values() for rid in city.sources}
        if unknown:
            raise ValueError(f"unknown report id(s): {', '.join(sorted(unknown))}; expected reports of loaded cities")
    scores = []
    for city_id, city in sorted(dataset.cities.items()):
        score = CityScore(city_id, 0, 0, 0, 0, 0, 0)
        reports = [(rid, raw) for rid, raw in city.sources.items() if wanted is None or rid in wanted]
        if not reports:
            continue
        for report_id, raw in reports:
            result = draft(raw, dataset.catalog)
            src = result.source
            matched: set[int] = set()
            for obs, canonical in zip(city.observations, city.canonical, strict=True):
                if obs.report != report_id:
                    continue
                score.curated += 1
                span = src.find(obs.quote)
                hits = [
                    i
                    for i, c in enumerate(result.candidates)
                    if span
                    and c.start < span[1]
                    and c.end > span[0]
                    and _same(c.value, canonical)
                    and c.qualifier == obs.qualifier
                ]
                if not hits:
                    score.missed.append(f"{city_id}: {obs.value:g} {obs.unit} {obs.qualifier} in {obs.quote}")
                    continue
                score.proposed += 1
                # One candidate per curated observation: "122个 ... 122个" in one quote is two numbers.
                pick = next((i for i in hits if i not in matched), hits[0])
                matched.add(pick)
                best = result.candidates[pick]
                if best.indicator:
                    score.suggested += 1
                    score.indicator_right += best.indicator == obs.indicator
            score.candidates += len(result.candidates)
            score.candidates_curated += len(matched)
            score.unmatched += [
                (report_id, c.written, c.indicator or "", c.quote)
                for i, c in enumerate(result.candidates)
                if i not in matched
            ]
        scores.append(score)
    return Evaluation(scores)


# --- command line ------------------------------------------------------------------------------


def _fail(where: str, message: str) -> int:
    print(f"{where}:1:1: {message}", file=sys.stderr)
    return 2


def read_article(path: Path) -> str:
    """Reads an article file as UTF-8; raises ValueError (UploadError) with a message for an editor."""
    return preview.decode_upload(path.read_bytes(), preview.MAX_ARTICLE_BYTES, "file")


def _write(text: str, out: str) -> str | None:
    """Writes to a file or standard output; returns an error message instead of raising."""
    if out == "-":
        sys.stdout.write(text)
        return None
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        return f"cannot write the output: {yamlio.os_reason(exc)}; expected a path in an existing folder, or -"
    return None


def _data_dir(args) -> Path:
    from metrics import load

    return Path(args.data).resolve() if getattr(args, "data", None) else load.DATA_DIR


def cmd_draft(args) -> int:
    from metrics import load

    path = Path(args.article)
    try:
        raw = read_article(path)
    except OSError as exc:
        return _fail(args.article, f"cannot read the article: {yamlio.os_reason(exc)}")
    except ValueError as exc:
        return _fail(args.article, str(exc))
    if args.city and not re.fullmatch(r"[a-z][a-z0-9_]*", args.city):
        return _fail(
            "--city", f"'{args.city}' is not a city id; expected lower-case letters, digits and _, e.g. suqian"
        )
    try:
        catalog = load.load_catalog(_data_dir(args) / "catalog.yaml")
    except load.CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    result = draft(raw, catalog)
    text = to_csv(result) if args.format == "csv" else to_yaml(result, catalog, args.city, path.name, args.lang)
    problem = _write(text, args.out)
    if problem:
        return _fail(args.out, problem)
    n_ind = sum(1 for c in result.candidates if c.indicator)
    print(
        f"{len(result.candidates)} candidate(s), {n_ind} with a suggested indicator, "
        f"{len(result.skipped)} number(s) left out" + ("" if args.out == "-" else f"; wrote {args.out}"),
        file=sys.stderr,
    )
    return 0


def cmd_new_city(args) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.id):
        return _fail(
            "new-city", f"'{args.id}' is not a city id; expected lower-case letters, digits and _, e.g. suqian"
        )
    out = args.out or str(_data_dir(args) / "cities" / f"{args.id}.yaml")
    if out != "-" and Path(out).exists():
        return _fail(out, "the file exists already; choose another id or --out")
    problem = _write(city_template(args.id), out)
    if problem:
        return _fail(out, problem)
    if out != "-":
        print(f"wrote {out}; fill in every null, then run python -m metrics validate {out}", file=sys.stderr)
    return 0


def cmd_draft_eval(args) -> int:
    from metrics import load

    try:
        dataset = load.load_all(_data_dir(args))
    except load.CatalogError as exc:
        print(exc, file=sys.stderr)
        return 1
    for problem in dataset.problems:
        print(problem, file=sys.stderr)
    try:
        evaluation = evaluate(dataset, args.reports)
    except ValueError as exc:
        return _fail("--reports", str(exc))
    print(evaluation.describe())
    if args.json:
        print(json.dumps(evaluation.figures()))
    return 0


def register_commands(sub) -> None:
    """Adds draft, new-city and draft-eval to the CLI's subcommands."""
    p = sub.add_parser("draft", help="propose observations from an article, as a city file to edit or CSV")
    p.add_argument("article", help="the article as a UTF-8 text file")
    p.add_argument("--city", help="city id (lower-case pinyin, e.g. suqian)")
    p.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    p.add_argument("--out", required=True, help="PATH, or - for standard output")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the YAML's comments (zh: 中文)")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("new-city", help="write a commented template city file")
    p.add_argument("id", help="city id (lower-case pinyin, e.g. suqian)")
    p.add_argument("--out", help="PATH or - (default: data/cities/ID.yaml; never overwrites)")
    p.set_defaults(func=cmd_new_city)

    p = sub.add_parser("draft-eval", help="measure the draft on the curated cities")
    p.add_argument(
        "--reports", nargs="+", metavar="ID", help="only these report ids (a fixed set; default: every report)"
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    p.set_defaults(func=cmd_draft_eval)
