"""What an article says about its city and report: the city, province, publisher, title,
publication date and period, read from the text and from its source header when it has one."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from metrics.text import SourceText, article_body, normalise

_CJK = re.compile(r"[\u3400-\u9fff]")

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
