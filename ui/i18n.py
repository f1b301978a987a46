"""Every string of the interface, in Chinese (the default) and English.

`t("key", **values)` returns the string in the current language with `{values}` filled in;
`pick(row, "city")` reads the `city_zh` or `city_en` column of a data row. Strings here are
ours, not curated data: page text written as Markdown is safe to render as Markdown.
"""

from __future__ import annotations

import string
from typing import Any

from ui import state

STRINGS: dict[str, tuple[str, str]] = {
    # --- app and navigation ---
    "app.title": ("城市妇联工作成效对比", "Women's federation outcomes, city by city"),
    "app.tagline": (
        "各市妇联工作报道中的数字，逐条人工整理、可追溯到原文句子。",
        "Numbers from city women's federations' reports, curated by hand, each traceable to its sentence.",
    ),
    "nav.overview": ("总览", "Overview"),
    "nav.compare": ("分类对比", "Compare by category"),
    "nav.city": ("城市档案", "City profile"),
    "nav.indicator": ("指标详情", "One indicator"),
    "nav.data": ("数据与来源", "Data and sources"),
    "nav.about": ("方法说明", "Method"),
    "nav.editor": ("编辑预览", "Editor"),
    "sidebar.language": ("语言 Language", "Language 语言"),
    "sidebar.present": ("演示模式", "Presentation mode"),
    "sidebar.present_help": (
        "隐藏侧栏与工具栏，放大字号，每屏一个指标。",
        "Hides the sidebar and toolbar, enlarges type, one indicator per screen.",
    ),
    "share.button": ("复制本页链接", "Copy link to this view"),
    "share.help": (
        "此链接在新浏览器中打开时显示完全相同的视图（页面、分类、城市、口径、语言、指标）。点右上角按钮复制。",
        "This link reopens exactly this view in a new browser (page, category, cities, mode, language, "
        "indicator). Use the button at its top right to copy it.",
    ),
    "present.exit": ("退出演示", "Exit presentation"),
    "present.prev": ("上一个", "Previous"),
    "present.next": ("下一个", "Next"),
    "present.position": ("第 {i} / {n} 个指标", "Indicator {i} of {n}"),
    "preview.notice": (
        "预览：未保存的城市「{city}」。以下页面包含这份尚未保存的数据。",
        "Preview: unsaved city “{city}”. The pages below include this data, which has not been saved.",
    ),
    "catalog.broken": (
        "指标目录 data/catalog.yaml 有错误，无法加载任何数据：",
        "The catalog data/catalog.yaml has errors, so no data can be loaded:",
    ),
    # --- shared words ---
    "not_reported": ("未报告", "not reported"),
    "not_reported.list": ("未报告：{cities}", "Not reported: {cities}"),
    "sep": ("、", ", "),
    "colon": ("：", ": "),
    "level.prefecture": ("地级市", "prefecture-level city"),
    "level.county_level": ("县级市", "county-level city"),
    "level.under": ("{parent}代管", "under {parent}"),
    "published.unknown": ("发布日期不详", "publication date unknown"),
    "published.on": ("发布于 {date}", "published {date}"),
    "cumulative": ("累计数", "running total"),
    "sum_of_parts": ("{n}项之和", "sum of {n} parts"),
    "sum_of_parts.mixed": ("{n}项之和，各项计量单位不同", "sum of {n} parts counted in different units"),
    "sum_of_parts.long": (
        "此数值为原文分项之和，原文未给出总数：",
        "This value is the sum of parts; the article gives no total:",
    ),
    "unverified": ("未核实", "unverified"),
    "source": ("来源", "Source"),
    "period": ("时期", "Period"),
    "value": ("数值", "Value"),
    "city": ("城市", "City"),
    "category": ("分类", "Category"),
    "indicator": ("指标", "Indicator"),
    "quote": ("原文", "Quote"),
    "note": ("说明", "Note"),
    "per_100k": ("每10万人", "per 100,000"),
    "population": ("人口（分母）", "Population (denominator)"),
    "breakdown": ("分项", "Part"),
    "footer.marks": ("+ 余/以上 · ≈ 近 · ~ 约", "+ more than · ≈ nearly · ~ about"),
    "footer.source_site": (
        "数据：各市妇联公开报道，人工整理",
        "Data: city women's federation reports, curated by hand",
    ),
    # --- overview ---
    "overview.cities": ("城市", "Cities"),
    "overview.cities_caption": (
        "{n} 个城市，{k} 份报道，{m} 条数据，每条都可追溯到原文句子。",
        "{n} {n:city|cities}, {k} {k:report|reports}, {m} data {m:point|points}, each traceable to its sentence.",
    ),
    "overview.card.reports": ("报道时期", "Report period"),
    "overview.card.counts": ("{n} 个指标 · {k} 个分类", "{n} {n:indicator|indicators} · {k} {k:category|categories}"),
    "overview.card.population": ("人口 {population}", "Population {population}"),
    "overview.card.open": ("城市档案", "City profile"),
    "overview.coverage": (
        "覆盖情况：各城市在各分类报告的指标数",
        "Coverage: indicators each city reports, by category",
    ),
    "overview.coverage_caption": (
        "空白格表示该市未报告此分类的任何指标（不是零）。",
        "An empty cell means the city reports no indicator in that category (which is not zero).",
    ),
    "overview.start.compare": ("按分类对比各市", "Compare cities by category"),
    "overview.problems": (
        "{n} 个城市文件未能加载，已跳过；其余城市正常显示。请按下列位置修改：",
        "{n} city {n:file|files} failed to load and {n:was|were} left out; every other city is shown. Fix them at these places:",
    ),
    "overview.no_cities": ("没有成功加载的城市。", "No city loaded."),
    # --- compare ---
    "compare.title": ("分类对比", "Compare by category"),
    "compare.category": ("分类", "Category"),
    "compare.cities": ("城市", "Cities"),
    "compare.mode": ("口径", "Measure"),
    "mode.absolute": ("绝对数", "Absolute"),
    "mode.per_100k": ("每10万常住人口", "Per 100,000 residents"),
    "compare.no_cities": ("请至少选择一个城市。", "Select at least one city."),
    "compare.category_empty": (
        "所选城市均未报告「{category}」分类的任何指标。",
        "None of the selected cities reports any indicator in “{category}”.",
    ),
    "compare.periods_differ": (
        "注意：对比的时期不同（{periods}）。各市报道的年份和时段不一，数值不能直接比较高低。",
        "Note: the compared periods differ ({periods}). The cities report different years and spans, "
        "so the values do not compare directly.",
    ),
    "compare.periods_vary": ("时期不同，见各条标签", "periods differ, see each bar"),
    "compare.period": ("时期", "Period"),
    "compare.period.latest": ("各市最新报道", "Each city's latest report"),
    "compare.period.year": ("{year}年（{n}市）", "{year} ({n} cities)"),
    "compare.same_year": ("同年对比：{year}年（{n}市）", "Same year: {year} ({n} cities)"),
    "compare.and_more": ("等{n}市", " and others ({n} cities)"),
    "compare.cities.summary": ("{n}市：{names}（{provinces}）", "{n} cities: {names} ({provinces})"),
    "compare.cities.none": ("未选城市", "no city chosen"),
    "compare.cities.all": ("全选", "All"),
    "compare.cities.reporting": ("报告此类的城市", "Cities reporting this category"),
    "compare.cities.clear": ("清空", "None"),
    "compare.cities.province": ("按省选择：", "By province:"),
    "compare.cities.search": ("搜索并选择城市（可输入中文或拼音）", "Search and choose cities"),
    "compare.cities.placeholder": ("输入城市名…", "Type a city name…"),
    "compare.cumulative": (
        "标有“存量”或“累计”的数值是某日的现有数或累计数，而非当期数。",
        "Values marked “stock” or “running total” stand on a date or add up years, not the period's own count.",
    ),
    "compare.no_per_capita": (
        "此指标为比例或不宜按人口折算，按原值显示。",
        "This indicator is a share or not meaningful per resident; shown as reported.",
    ),
    "compare.click_hint": (
        "悬停查看原文；点击条形查看原文出处与上下文。",
        "Hover a bar for its quote; click it for the source passage.",
    ),
    "compare.unreported_indicators": (
        "所选城市均未报告的指标：{names}",
        "Indicators none of the selected cities reports: {names}",
    ),
    "compare.denominators": ("人口分母", "Denominators"),
    "compare.definition": ("定义", "Definition"),
    "compare.definitions": (
        "本页 {n} 个指标的定义与可比性",
        "Definitions and comparability of the {n} {n:indicator|indicators} shown",
    ),
    "compare.more": ("另外 {n} 个指标的对比图：{names}", "{n} more {n:comparison|comparisons}: {names}"),
    "compare.single_heading": ("仅一个城市报告的指标", "Indicators only one city reports"),
    "compare.single_help": (
        "所选城市中只有一个城市报告以下指标，无从比较，故不画图，直接列出数值、时期与原文；在下方选择指标可查看报道、日期与原文上下文。",
        "Of the selected cities only one reports each of these, so there is nothing to compare and no chart: "
        "the value is listed with its period and quote. Choose an indicator below to open its report, date "
        "and passage.",
    ),
    "compare.comparability": ("可比性", "Comparability"),
    # --- source panel ---
    "source.title": ("原文出处", "Where this number comes from"),
    "source.passage": ("原文上下文（高亮为引用句）", "The passage (the quote highlighted)"),
    "source.report": ("报道", "Report"),
    "source.file": ("原文文件", "Source file"),
    "source.close": ("关闭", "Close"),
    "city.year": ("{year}年", "{year}"),
    "city.years_heading": ("各年对照（{n}个年份）", "Year by year ({n} years)"),
    "city.years_help": (
        "每行一个指标，每列一个报道年份；该年未报告的写“未报告”，不等于零。各年报道的范围可能不同，见各报道说明。",
        "One row per indicator, one column per report year; a year without a value says not reported, "
        "which is not zero. Reports of different years may cover different work: see each report.",
    ),
    "source.title_by_curator": ("原文无标题，编者拟题", "title written by the curator; the article has none"),
    "source.period_inferred": ("年份为推断", "Year inferred"),
    "source.excerpt": (
        "原文为网页存档的开头部分（节选），只整理了节选中的数字",
        "The source is the beginning of the web page as stored (an excerpt); only its numbers are curated",
    ),
    "compare.kinds_differ": (
        "注意：本图各柱口径不同（{kinds}），不宜直接比大小，见各柱标签。",
        "Note: the bars count in different ways ({kinds}); see each bar's label before comparing them.",
    ),
    "kind.flow": ("当期数", "the period's count"),
    "kind.stock": ("存量", "a stock on a date"),
    "kind.running_total": ("累计数", "a running total"),
    "kind.scope": ("部分工作范围", "part of the work only"),
    "kind.level": ("不同级别", "different levels"),
    "source.show": ("查看原文出处", "Open the source of"),
    "note.label": ("编者注", "Editor's note"),
    "note.chinese": ("编者注", "Editor's note (in Chinese)"),
    # --- city ---
    "city.title": ("城市档案", "City profile"),
    "city.choose": ("城市", "City"),
    "city.population": ("人口分母", "Population denominator"),
    "city.reports": ("报道", "Reports"),
    "city.indicators": ("各分类指标", "Indicators by category"),
    "city.article": ("原文与引用（高亮部分已整理为数据）", "The article, with every curated quote highlighted"),
    "city.article_caption": (
        "高亮的句子已整理为数据，方括号内为其指标；未高亮的文字未被采用。",
        "Highlighted sentences became data (their indicator in brackets); the rest of the text was not taken.",
    ),
    "city.quotes_found": ("{n} 处引用", "{n} {n:quote|quotes}"),
    "city.none": ("没有可显示的城市。", "No city to show."),
    "city.not_reported_categories": ("未报告的分类：{names}", "Categories with nothing reported: {names}"),
    # --- indicator ---
    "indicator.title": ("指标详情", "One indicator"),
    "indicator.choose": ("指标", "Indicator"),
    "indicator.unit": ("单位", "Unit"),
    "indicator.per_capita": ("可按人口折算", "Per resident"),
    "indicator.per_capita.yes": ("是", "yes"),
    "indicator.per_capita.no": ("否（比例或不宜折算）", "no (a share, or not meaningful per resident)"),
    "indicator.notes": ("可比性说明", "Comparability notes"),
    "indicator.table": ("各市数值", "Values by city"),
    "indicator.reported_by": ("{n} 个城市报告", "reported by {n} {n:city|cities}"),
    "unit.count": ("计数（{word}）", "count ({word})"),
    "unit.yuan": ("金额（元）", "money (yuan)"),
    "unit.percent": ("百分比", "percent"),
    # --- data ---
    "data.title": ("数据与来源", "Data and sources"),
    "data.search": ("在原文中搜索", "Search the quotes"),
    "data.rows": ("显示 {n} / {total} 条", "Showing {n} of {total} {total:row|rows}"),
    "data.download": ("下载", "Download"),
    "data.download.shown": ("当前显示的 {n} 条", "The {n} {n:row|rows} shown"),
    "data.download.all": ("全部 {n} 条", "All {n} {n:row|rows}"),
    "data.csv": ("CSV 数据", "CSV data"),
    "data.csv_sources": ("CSV 来源", "CSV sources"),
    "data.csv_notes": ("CSV 字段说明", "CSV notes"),
    "data.excel": ("Excel（数据、来源、说明）", "Excel (data, sources, notes)"),
    "data.all": ("全部", "All"),
    "data.download_help": (
        "CSV 为 UTF-8（带 BOM），Excel 可直接打开中文；来源（每篇报道及人口分母）与字段说明为单独的 CSV 文件。"
        "Excel 文件含数据、来源、说明三个工作表。",
        "CSV is UTF-8 with a BOM so Excel opens Chinese text correctly; the sources (each report, with the "
        "population denominator) and the notes on the fields are separate CSV files. The Excel workbook has "
        "three sheets: data, sources, notes.",
    ),
    "data.reports": ("原文列表", "Source articles"),
    "data.reports_caption": (
        "每篇报道的原文保存在 data/sources/ 下，与引用逐字核对。",
        "Each article is kept under data/sources/ and every quote is checked against it word for word.",
    ),
    # --- columns ---
    "col.city": ("城市", "City"),
    "col.level": ("层级", "Level"),
    "col.category": ("分类", "Category"),
    "col.indicator": ("指标", "Indicator"),
    "col.value": ("数值", "Value"),
    "col.qualifier": ("限定", "Qualifier"),
    "col.as_written": ("原文写法", "As written"),
    "col.period": ("时期", "Period"),
    "col.province": ("省份", "Province"),
    "col.n_reports": ("报道数", "Reports"),
    "col.n_indicators": ("指标数", "Indicators"),
    "col.n_observations": ("数值条数", "Values"),
    "indicator.measure": ("计数对象", "Counts"),
    "panel.counts": ("计：{what}", "counts {what}"),
    "col.flags": ("口径限定", "Limits"),
    "col.breakdown": ("分项", "Part"),
    "col.per_100k": ("每10万人", "Per 100,000"),
    "col.population": ("人口分母", "Denominator"),
    "col.quote": ("原文引用", "Quote"),
    "col.note": ("说明", "Note"),
    "col.report": ("报道", "Report"),
    "col.publisher": ("发布者", "Publisher"),
    "col.published": ("发布日期", "Published"),
    "col.source": ("原文文件", "Source file"),
    "col.url": ("网址", "URL"),
    "col.observations": ("数据条数", "Data points"),
    "col.id": ("编号", "ID"),
    "col.title": ("标题", "Title"),
    "col.line": ("行", "Line"),
    "col.parts": ("分项", "Parts"),
    # --- about ---
    "about.title": ("方法说明", "Method"),
    "about.denominators": ("人口分母", "Population denominators"),
}

# Long texts of the method page, as Markdown (our own text, not curated data).
ABOUT = {
    "zh": """
### 数字从哪里来
每个数字都来自一篇城市妇联工作报道（原文保存在 `data/sources/`），由编辑逐条整理为数据：
指标、原文写法的数值与单位、限定词、时期，以及**逐字引用的原文句子**。加载时程序会核对：
引用句确实出现在原文中（忽略繁简、拼音注音、全半角和空格的差异），数值确实出现在引用句中，
限定词与原文一致。任何一处不符，整个城市文件不加载，并指出文件、行和列。

### “未报告”不是零
某市的报道没有提到某个指标时，数据中就没有这一项。图表把它列为“未报告”，绝不画成 0。

### 限定词
原文常写“余”“近”“约”。这些限定词是数据的一部分，出现在每个图表标签、表格和导出中：

| 原文 | 限定 | 显示 |
|---|---|---|
| 2000余人、超过2000人 | 以上（more_than） | 2,000+ 人 |
| 近400场 | 略少于（nearly） | ≈400 场 |
| 约400场 | 约（about） | ~400 场 |
| 400场 | 确数（exact） | 400 场 |

分项相加时，只要有一项是“近”或“约”，总数标为“约”；否则有“余”则标为“以上”。
数字后的量词照原文（“人次”“户”“名”）；各分项量词不同（如“600余人次”加“300余人”）时，
总数不标量词，注明“各项计量单位不同”，各分项仍按原文列出。

### 时期
每个数字都有时期：默认是报道覆盖的时期（如“2023年”“2023年1–6月”）；原文写“累计”“近三年”
“截至目前”时，数字带有自己的时期，累计数另加标记。对比图中的每个条形都标出时期；所比较的
时期不同时，页面会提示。

### 每10万常住人口
折算值 = 数值 ÷ 人口 × 100,000。人口分母取自各市统计公报或人口普查，注明年份和口径
（普查或年末常住人口）；连云港的分母来自二手来源、年份未核实，图表脚注注明“未核实”。
比例类指标（如覆盖率、签发率）不做折算。

### 比较这些城市时的注意事项
- **层级不同**：县级市（如潍坊代管的昌邑）与地级市人口规模相差数倍，绝对数不宜直接比较，
  可参考每10万人折算值（见下表）。
- **年份不同**：各市报道覆盖的年份和时段不一（见下表），对比的是各自报道期内的成绩。
- **口径不同**：同一名称的工作各市计法不同（例如调解纠纷有的只计妇联队伍，有的含全市调委会）；
  计数对象不同的，分为同一分类下的不同指标（例如“儿童友好阵地”与“儿童之家”），并在定义中说明。
- **报道不等于全部工作**：报道只写了各市选择宣传的成绩，没有写到的不代表没有做。
""",
    "en": """
### Where the numbers come from
Every number comes from one city women's federation report (the article is kept under
`data/sources/`), curated by an editor into data: the indicator, the value and unit as written,
the qualifier, the period, and **the sentence quoted word for word**. On loading, the program checks
that the quote is in the article (ignoring traditional/simplified characters, pinyin annotations,
full/half-width forms and spaces), that the number is in the quote, and that the qualifier agrees
with it. If anything fails, the whole city file is left out, with the file, line and column named.

### “Not reported” is not zero
When a city's report does not mention an indicator, there is no value. Charts list the city as
“not reported” and never draw it as 0.

### Qualifiers
Articles often write 余 (more than), 近 (nearly) or 约 (about). The qualifier is part of the data and
travels to every chart label, table and export:

| written | qualifier | shown |
|---|---|---|
| 2000余人, 超过2000人 | more_than | 2,000+ people |
| 近400场 | nearly | ≈400 events |
| 约400场 | about | ~400 events |
| 400场 | exact | 400 events |

When parts are added up, the total is “about” if any part is nearly or about, else “more than” if any
part is. The measure word is the article's (person-times, households, people); a total of parts
counted differently (600余人次 plus 300余人) carries no unit and says its parts are counted in
different units, and each part is listed as written.

### Periods
Every number has a period: by default the period its report covers (“2023”, “2023-01 to 06”); where
the article says 累计 (running total), 近三年 (last three years) or 截至目前 (to date), the number carries
its own period and running totals are marked. Every bar of a comparison shows its period, and the page
says so when the compared periods differ.

### Per 100,000 residents
Per-resident value = value ÷ population × 100,000. The denominators come from the cities' statistical
bulletins or the census, with their year and basis (census or year-end resident population).
Lianyungang's denominator comes from a secondary source and its year is not verified; the chart
footnote says “unverified”. Shares (coverage rates, grant rates) are not divided by population.

### Caveats when comparing these cities
- **Different levels**: a county-level city (such as Changyi, under Weifang) has a fraction of a
  prefecture's population; compare per 100,000 residents rather than absolute numbers (see the table).
- **Different years**: the reports cover different years and spans (see the table); each city is
  shown for its own report period.
- **Different definitions**: the same kind of work is counted differently (some cities count only the
  federation's own mediation teams, others every committee in the city). Where cities count
  different things, they are different indicators in one category (child-friendly sites vs
  children's homes), with a definition that says so.
- **A report is not all the work**: each article shows what a city chose to publicise; what it does
  not mention may still have been done.
""",
}


class _Formatter(string.Formatter):
    """str.format, plus "{n:one|many}": the word for one when n == 1, else the word for many.

    English nouns after a count need it ("1 city", "2 cities"); Chinese strings never do.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The string `key` in the current (or given) language, with `{values}` filled in."""
    zh, en = STRINGS[key]
    text = en if (lang or state.lang()) == "en" else zh
    return _FORMATTER.format(text, **values) if values else text


def pick(row: Any, column: str, lang: str | None = None) -> str:
    """The `<column>_zh` or `<column>_en` field of a row (dict or Series)."""
    suffix = "en" if (lang or state.lang()) == "en" else "zh"
    value = row[f"{column}_{suffix}"]
    return "" if value is None else str(value)


def join(items: list[str], lang: str | None = None) -> str:
    """Items joined with the language's list separator."""
    return t("sep", lang).join(items)
