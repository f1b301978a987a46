"""Suggesting an indicator for a number: the catalog's keywords found in the text around it,
weighed by distance and by how often the article repeats them, the words of each indicator's name
and definition found in the number's clause (its vocabulary), and the units each indicator takes."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from metrics import schema
from metrics.units import parse_unit

# A suggestion below this confidence is left empty: the editor chooses (see docs/draft.md for
# how often suggestions above it are right on the seed articles).
MIN_CONFIDENCE = 0.4


def _fits(indicator: schema.Indicator, unit: str) -> bool:
    """Whether a unit as written fits an indicator (money, percent, or an accepted measure word)."""
    if indicator.unit == "yuan":
        return parse_unit(unit)[1] == "元" if unit else False
    if indicator.unit == "percent":
        return unit == "%"
    if not unit:
        return True
    return parse_unit(unit)[1] in indicator.accepts


# The vocabulary of an indicator (KeywordIndex.vocabulary): the two-character words of its name,
# its definition and its keywords, each weighed by how few indicators share it. A definition's
# note on what it does not count ("（普法材料另列为“发放普法材料”）", "（…党课不计入）", "（不同于
# 儿童友好阵地单元）") names other things, and is left out; so are pairs with a character that
# says nothing of the thing counted.
_ELSEWHERE = re.compile(r"[（(][^（）()]*(?:另列|不计|不含|不包括|不同于|除外)[^（）()]*[）)]")
_PLAIN_CHARS = set("的等和或与及为对其并在中上下各类个名人次场数量")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Money: what follows the amount in its clause says what it is for (争取资金40万元救助“两癌”患病妇女:
# aid, not the federation's fund raising in general), what precedes it mostly where it came from.
# Of a word after an amount, in its clause: from 1.5 to 4 the same figures on the seed and the
# out-of-sample articles; from 1.5 the purpose sentences of tests/test_draft.py read right.
PURPOSE_WEIGHT = 2.0
VOCABULARY_WEIGHT = 0.5  # of a shared pair against a keyword's characters (the best on the seed articles)


def _pairs(text: str) -> set[str]:
    """The two-character words of the Chinese runs of a text, but those of a plain character."""
    out = set()
    for run in _HAN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair[0] not in _PLAIN_CHARS and pair[1] not in _PLAIN_CHARS:
                out.add(pair)
    return out


def _vocabulary(catalog: schema.Catalog) -> dict[str, tuple[tuple[str, float], ...]]:
    """Pair -> ((indicator, weight), ...): the pairs of each indicator's name, definition (without
    its notes on what is counted elsewhere) and keywords, weighed log(indicators / sharing them)."""
    own: dict[str, set[str]] = {}
    for indicator_id, indicator in catalog.indicators.items():
        definition = _ELSEWHERE.sub("", indicator.definition.zh) if indicator.definition else ""
        own[indicator_id] = _pairs(" ".join([indicator.name.zh, definition, *indicator.keywords]))
    sharing = Counter(pair for pairs in own.values() for pair in pairs)
    n = max(1, len(own))
    by_pair: dict[str, list[tuple[str, float]]] = {}
    for indicator_id, pairs in own.items():
        for pair in pairs:
            weight = math.log(n / sharing[pair])
            if weight > 0:
                by_pair.setdefault(pair, []).append((indicator_id, weight))
    return {pair: tuple(v) for pair, v in by_pair.items()}


@dataclass(frozen=True)
class KeywordIndex:
    """The catalog's keywords, indexed once per draft: by first character, and to their
    indicators; and each indicator's vocabulary (`_vocabulary`), by pair."""

    by_first: dict[str, tuple[str, ...]]
    indicators: dict[str, tuple[str, ...]]
    vocabulary: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: schema.Catalog) -> KeywordIndex:
        by_first: dict[str, list[str]] = {}
        indicators: dict[str, list[str]] = {}
        for indicator_id, indicator in catalog.indicators.items():
            for keyword in indicator.keywords:
                if keyword not in indicators:
                    by_first.setdefault(keyword[0], []).append(keyword)
                indicators.setdefault(keyword, []).append(indicator_id)
        return cls(
            {c: tuple(ks) for c, ks in by_first.items()},
            {k: tuple(v) for k, v in indicators.items()},
            _vocabulary(catalog),
        )

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
    "乳腺癌" beside "争取资金75万元" leans to the health funds. The number's clause is also read
    against each indicator's vocabulary (`_vocabulary`: its name's and definition's words, weighed
    by rarity), at VOCABULARY_WEIGHT of a keyword's characters. Returns (indicator or "",
    confidence or None, alternatives).
    """
    return _suggest(catalog, unit, contexts, rarity or {}, index or KeywordIndex.of(catalog))[0]


def _suggest(
    catalog: schema.Catalog, unit: str, contexts: list[Context], rarity: dict[str, float], index: KeywordIndex
) -> tuple[tuple[str, float | None, tuple[str, ...]], int]:
    """suggest_indicator, and the steps it took (hits weighed and indicators scored)."""
    work = 0
    hits: dict[str, float] = {}
    money = bool(unit) and parse_unit(unit)[1] == "元"
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
                if money and at > ctx.anchor:
                    near *= PURPOSE_WEIGHT
            weight = len(keyword) * ctx.weight * near * rarity.get(keyword, 1.0)
            for indicator_id in index.indicators[keyword]:
                hits[indicator_id] = hits.get(indicator_id, 0.0) + weight
            work += 1 + len(index.indicators[keyword])
    # The clause holding the number, read against the indicators' vocabularies: the words of a
    # definition reach numbers whose article uses none of the keywords (海报 for the posters).
    for ctx in contexts:
        if ctx.anchor is None:
            continue
        for i in range(len(ctx.text) - 1):
            shared = index.vocabulary.get(ctx.text[i : i + 2])
            if shared is None:
                continue
            distance = max(0, ctx.anchor - (i + 2), i - ctx.anchor)
            near = 1.0 / (1.0 + distance / 12) * (PURPOSE_WEIGHT if money and i > ctx.anchor else 1.0)
            for indicator_id, weight in shared:
                hits[indicator_id] = hits.get(indicator_id, 0.0) + VOCABULARY_WEIGHT * weight * ctx.weight * near
            work += 1 + len(shared)
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
