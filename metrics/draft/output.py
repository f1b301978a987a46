"""The draft as text: a city file to edit (YAML, its comments in Chinese or English), CSV, and a
commented template for a new city. Writes nothing itself: `to_yaml`, `to_csv` and `city_template`
return text, which the commands draft and new-city (metrics/__main__.py) write where asked."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

from metrics import messages, schema
from metrics.draft.candidates import Draft
from metrics.draft.facts import ArticleFacts

CSV_COLUMNS = ("value", "qualifier", "value_as_written", "unit_as_written", "quote", "indicator", "confidence")


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
