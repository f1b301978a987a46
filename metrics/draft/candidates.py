"""Candidate observations from an article: every number that reads as an outcome, and the rest left out.

Reads an article as published (traditional or simplified, pinyin annotations, full- or
half-width forms, spaces) and the catalog. Cuts it into clauses and proposes every number that
reads as an outcome, with its value as written and canonical, its unit, its qualifier, a quote
(the clause around it, in simplified Chinese, which the validator finds again) and an indicator
suggested from the catalog's keywords and measure words (suggestion.py), with a confidence, or
none when unsure. Leaves out years and dates, ages, ordinals and ranks, names with numbers, phone
numbers, per-head rates and percent changes, each with the reason, so the editor sees what was
skipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from metrics import preview, schema
from metrics.draft.facts import _CJK, ArticleFacts, read_facts
from metrics.draft.suggestion import Context, KeywordIndex, _suggest
from metrics.numbers import CN_NUMERAL_CHARS, Mention, find_mentions
from metrics.text import SourceText

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
    ("来源", "page furniture (来源: a count beside a web page's source line)"),
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
# A plan or a target stated beside the outcomes: 将为妇女儿童办这20件实事, 将于, 将继续, 力争, 预计.
# 将 as "will" only: 已将1200名妇女纳入 and 将总投资…列入 use it as 把 (done), 将近 is a qualifier.
_PLAN_BEFORE = re.compile(r"(?<![已并共均])将(?:要|于|会|在|为|继续|再)|力争|预计")
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
    if _PLAN_BEFORE.search(before):
        return "a plan or a target, not an outcome (将, 力争, 预计)"
    if text.startswith("目标", m.end) or text.startswith("目标", num_end):
        return "a target, not an outcome (…目标)"
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
    sentence_of_candidate: list[int] = []  # the sentence of each candidate (_drop_repeats)
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
            sentence_of_candidate.append(sentence_of[ci])
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
    _drop_repeats(result, sentence_of_candidate)
    result.work = work
    return result


REPEATED = "a heading repeating a figure of the text (the sentence's is proposed)"
_HEADING_CHARS = 40  # a heading is a line of at most this many characters


def _is_heading(body: str, start: int) -> bool:
    """Whether the line holding body[start] is a heading: a line of its own, short, without the
    punctuation that ends a sentence (◆去年安置妇女就业20.14万人次, 81件实事提升妇女儿童获得感)."""
    first = body.rfind("\n", 0, start) + 1
    last = body.find("\n", start)
    line = body[first : last if last >= 0 else len(body)].strip()
    return 0 < len(line) <= _HEADING_CHARS and line[-1] not in "。！？；.!?;，,"


def _drop_repeats(result: Draft, sentence_of: list[int]) -> None:
    """An article whose heading repeats a figure of its text (◆去年安置妇女就业20.14万人次, then the
    sentence) gives one candidate: a candidate on a heading line is left out, saying why, when a
    later sentence has the same value, qualifier, measure word and suggested indicator. Equal
    figures in two sentences of the text (A区建成5个…。B区建成5个…。) and in one sentence (a list:
    儿童友好场馆5个、儿童友好公园5个) all stay."""
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(result.candidates):
        if c.indicator:
            groups.setdefault((c.value, c.qualifier, c.unit_as_written, c.indicator), []).append(i)
    body = result.source.body
    drop = set()
    for members in groups.values():
        for k, i in enumerate(members[:-1]):
            later = [j for j in members[k + 1 :] if sentence_of[j] != sentence_of[i]]
            if later and _is_heading(body, result.candidates[i].start):
                drop.add(i)
    for i in sorted(drop):
        c = result.candidates[i]
        result.skipped.append(Skipped(c.written, REPEATED, c.start, c.end))
    result.skipped.sort(key=lambda s: s.start)  # in the article's order, as listed
    result.candidates = [c for i, c in enumerate(result.candidates) if i not in drop]
