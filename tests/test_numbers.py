"""metrics.numbers: numbers as articles write them, with qualifier, unit and scale."""

from __future__ import annotations

import pytest

from metrics.numbers import find_mentions, parse_chinese_numeral
from metrics.text import normalise


@pytest.mark.parametrize(
    "text, value, qualifier, as_written, unit",
    [
        # Arabic numbers, decimals, thousands separators, full width, spaces before the unit
        ("122场", 122, "exact", 122, "场"),
        ("122 场", 122, "exact", 122, "场"),
        ("１２２場", 122, "exact", 122, "场"),
        ("10,000余个", 10_000, "more_than", 10_000, "个"),
        ("10，000余个", 10_000, "more_than", 10_000, "个"),
        ("62.5%", 62.5, "exact", 62.5, "%"),
        ("０．７％", 0.7, "exact", 0.7, "%"),
        # multipliers 万 and 亿, in the number or in the unit
        ("1.5万余人", 15_000, "more_than", 1.5, "万人"),
        ("2.6 萬余人", 26_000, "more_than", 2.6, "万人"),
        ("3.51万人次", 35_100, "exact", 3.51, "万人次"),
        ("230 万元", 2_300_000, "exact", 230, "万元"),
        ("16万余元", 160_000, "more_than", 16, "万元"),
        ("1.07亿元", 107_000_000, "exact", 1.07, "亿元"),
        ("5万余份", 50_000, "more_than", 5, "万份"),
        # Chinese numerals
        ("两万余人", 20_000, "more_than", 2, "万人"),
        ("二十余场", 20, "more_than", 20, "场"),
        ("近四百场", 400, "nearly", 400, "场"),
        ("千名", 1000, "exact", 1000, "名"),
        ("十件", 10, "exact", 10, "件"),
        ("一千二百人", 1200, "exact", 1200, "人"),
        ("十二万元", 120_000, "exact", 12, "万元"),
        # qualifiers before, after the number and after the unit
        ("近400场", 400, "nearly", 400, "场"),
        ("将近400场", 400, "nearly", 400, "场"),
        ("约300人", 300, "about", 300, "人"),
        ("大约300人", 300, "about", 300, "人"),
        ("超过5000人次", 5000, "more_than", 5000, "人次"),
        ("逾百名", 100, "more_than", 100, "名"),
        ("200多名", 200, "more_than", 200, "名"),
        ("1197余场次", 1197, "more_than", 1197, "场次"),
        ("100人以上", 100, "more_than", 100, "人"),
        ("400场左右", 400, "about", 400, "场"),
        # measure words: longest first (人次 before 人, 场次 before 场), and the newer ones
        ("6200余人次", 6200, "more_than", 6200, "人次"),
        ("3支", 3, "exact", 3, "支"),
        ("12条", 12, "exact", 12, "条"),
        # no measure word
        ("387困境妇女", 387, "exact", 387, ""),
    ],
)
def test_number_value_qualifier_and_unit(text, value, qualifier, as_written, unit):
    mentions = find_mentions(normalise(text))
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert m.value == pytest.approx(value)
    assert m.qualifier == qualifier
    assert m.value_as_written == pytest.approx(as_written)
    assert m.unit_as_written == unit


@pytest.mark.parametrize(
    "text, value",
    [("两万", 20_000), ("二十", 20), ("四百", 400), ("一千二百", 1200), ("十", 10), ("千", 1000), ("三亿", 3e8)],
)
def test_chinese_numerals(text, value):
    assert parse_chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["三八", "一二", "十四五", "abc", ""])
def test_not_a_chinese_numeral(text):
    # "三八" (三八红旗手) and "十四五" (the five-year plan) are names: two digits in a row.
    assert parse_chinese_numeral(text) is None


def test_mentions_keep_the_fields_the_validator_uses():
    (m,) = find_mentions("受益群众2.6万余人")
    assert (m.written, m.value, m.qualifier, m.unit) == ("2.6万", 26_000, "more_than", "人")
    assert "受益群众2.6万余人"[m.start : m.end] == "2.6万余人"


@pytest.mark.parametrize(
    "text, unit",
    [
        ("推出巾帼特色产品20种", "种"),  # a count of kinds, not 个 (a new article's 种 was drafted as 个)
        ("发放贴息贷款500笔", "笔"),
        ("开设公益课堂30堂", "堂"),
        ("联合3部门开展行动", ""),  # 3部门 is three departments: 部 is not read as a measure word
        ("累计授课40课时", ""),
    ],
)
def test_measure_words_of_every_measure_follow_their_numbers(text, unit):
    from metrics.units import MEASURES

    (mention,) = find_mentions(normalise(text))
    assert mention.unit == unit
    if unit:
        assert any(unit in words for words in MEASURES.values()), "a word the catalog's measures know"
