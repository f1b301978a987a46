"""metrics.text: normalisation of articles and quotes, and quote lookup with original offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.text import SourceText, article_body, normalise, normalise_with_map, strip_annotations, to_simplified

SOURCES = sorted((Path(__file__).parent.parent / "data" / "sources").glob("*.txt"))


@pytest.mark.parametrize(
    "text, expected",
    [
        # pinyin annotations: toned, toneless, repeated, full-width brackets
        ("婦聯(lián)", "妇联"),
        ("淮(huai)(huai)北", "淮北"),
        ("淮(huái)(huái)北", "淮北"),
        ("淮（huái）北", "淮北"),
        ("發(fā)展", "发展"),
        ("婦女(nǚ)", "妇女"),
        # traditional -> simplified
        ("開展各類培訓活動", "开展各类培训活动"),
        ("兒童友好", "儿童友好"),
        # full width -> half width
        ("１２２場", "122场"),
        ("覆盖率达９８．５％", "覆盖率达98.5%"),
        ("受益群众2.6万余人，开展652场", "受益群众2.6万余人,开展652场"),
        ("（一）", "(一)"),
        # white space of every kind, including the ideographic space and line breaks
        ("122 场", "122场"),
        ("开展\u3000培训\n122\t场\r\n", "开展培训122场"),
        ("\u00a0122场", "122场"),
        # brackets that are not pinyin stay
        ("活动(第3期)", "活动(第3期)"),
        ("ACWF (China)", "ACWF(China)"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected
    assert normalise_with_map(text)[0] == expected


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_fast_and_mapped_normalisation_agree_on_every_shipped_source(path):
    text = path.read_text(encoding="utf-8")
    normalised, offsets = normalise_with_map(text)
    assert normalise(text) == normalised
    assert len(offsets) == len(normalised)
    assert offsets == sorted(offsets) and offsets[-1] < len(text)


def test_strip_annotations_keeps_traditional_characters():
    assert strip_annotations("婦聯(lián)組織(zǔ)(zhī)") == "婦聯組織"
    assert strip_annotations("活動(第3期)") == "活動(第3期)"


def test_to_simplified():
    assert to_simplified("婦聯與兒童") == "妇联与儿童"


def test_normalise_with_map_points_into_the_original():
    text = "全市婦聯(lián)開展 １２２場"
    normalised, offsets = normalise_with_map(text)
    assert normalised == "全市妇联开展122场"
    assert [text[i] for i in offsets] == list("全市婦聯開展１２２場")


def test_article_body():
    raw = "发布者 Publisher: 测试\n发布日期 Published: 2024-01-15\n---\n正文第一句。\n"
    body, offset = article_body(raw)
    assert body == "正文第一句。\n"
    assert raw[offset:] == body


def test_article_body_without_header_is_the_whole_text():
    assert article_body("只有正文。") == ("只有正文。", 0)


ARTICLE = "发布者 Publisher: 测试\n---\n2023年,全市婦聯(lián)開展各類培訓活動１２２ 場,培訓婦女3000余人。淮(huai)(huai)北市婦女兒童活動中心。\n"


@pytest.mark.parametrize(
    "quote, original",
    [
        ("开展各类培训活动122场", "開展各類培訓活動１２２ 場"),
        ("全市妇联开展", "全市婦聯(lián)開展"),  # the annotation inside the span is kept
        ("培训妇女3000余人", "培訓婦女3000余人"),
        ("淮北市妇女儿童", "淮(huai)(huai)北市婦女兒童"),
        ("2023年, 全市", "2023年,全市"),  # spaces in the quote do not matter
        ("2023年，全市", "2023年,全市"),  # nor full-width punctuation
    ],
)
def test_source_text_find_returns_offsets_in_the_original_body(quote, original):
    source = SourceText.from_raw(ARTICLE)
    start, end = source.find(quote)
    assert source.body[start:end] == original
    assert source.raw[source.body_offset + start : source.body_offset + end] == original


@pytest.mark.parametrize(
    "quote",
    [
        "开展各类培训活动123场",  # another number
        "发布者",  # the header is not searched
        "",
        "   ",
    ],
)
def test_source_text_find_misses(quote):
    assert SourceText.from_raw(ARTICLE).find(quote) is None
