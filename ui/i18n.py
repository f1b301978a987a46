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
    "overview.province": ("省份", "Province"),
    "overview.province.all": ("全部省份（{n}市）", "Every province ({n} cities)"),
    "overview.page": ("页码（共{pages}页）", "Page (of {pages})"),
    "overview.page_caption": ("第{start}–{end}个城市，共{n}个", "Cities {start}–{end} of {n}"),
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
    "compare.period.year": ("{year}年（{n}市）", "{year} ({n} {n:city|cities})"),
    "rate.no_denominator": ("无人口分母", "no denominator"),
    "rate.no_start": ("起点不详，不计", "start unknown, none"),
    "compare.and_more": ("等{n}市", " and others ({n} cities)"),
    "compare.cities.summary": ("{n}市（{provinces}）", "{n} cities ({provinces})"),
    "compare.cities.few": ("{names}", "{names}"),
    "compare.same_year_lead": ("同年对比：", "Same-year comparison:"),
    "compare.cities.none": ("未选城市", "no city chosen"),
    "compare.cities.count": ("{n}市", "{n} {n:city|cities}"),
    "compare.tap_hint": (
        "轻点条形查看原文句子、出处与上下文。",
        "Tap a bar for its quote, source and passage.",
    ),
    "compare.cities.default": ("报告最多的{n}市", "The {n} reporting most"),
    "compare.cities.default_note": (
        "共{k}个城市报告此类；默认比较报告此类指标最多的{n}个城市。可在“城市”中搜索、按省选择或全选。",
        "{k} cities report this category; shown by default: the {n} that report most of its indicators. "
        "Search, choose a province or take them all under Cities.",
    ),
    "compare.cities.all": ("全选", "All"),
    "compare.cities.reporting": ("报告此类的城市", "Cities reporting this category"),
    "compare.cities.clear": ("清空", "None"),
    "compare.cities.province": ("按省选择：", "By province:"),
    "compare.cities.search_in": ("在此省份中搜索城市", "Search the cities of"),
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
    "note.in_chinese": ("（中文）", "(in Chinese)"),
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
    "data.rows_cut": (
        "表中显示前{n}行；用上面的筛选缩小范围，或下载全部数据。",
        "The table shows the first {n} rows: narrow them with the filters above, or download them all.",
    ),
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
    "col.rank": ("名次", "Rank"),
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
    "panel.top": (
        "图中为数值最大的前{n}个城市；其余{k}个城市见图下的表格",
        "The chart shows the first {n} cities by value; the other {k} are in the table below it",
    ),
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
有的原文只是网页存档的开头部分（节选），只整理了节选中的数字，并注明“节选”。原文没有标题、
由编辑拟题的，标题后注明“编者拟题”。

### “未报告”不是零
某市的报道没有提到某个指标时，数据中就没有这一项。图表把它列为“未报告”，绝不画成 0。

### 一条坐标轴只放一种东西
每个指标只计一种对象（“计数对象”）：人数、人次、户数、对数、场次、期数、节数、件数、篇数、
个数（阵地）、个数（组织）、项数、金额或比例。原文量词属于别的对象时，程序拒绝加载并指出该用
哪个指标。所以“33户家庭上岗”（户）不会和“204名妇女创业”（人）画在一起，“培训600余人次”
（人次）不会和“培训300余人”（人）相加，“各类矛盾纠纷”不会和“婚姻家庭纠纷”放在一起。
每张图的副标题写明它计的是什么（如“计：人数”）。

### 当期数、存量和累计数
- **当期数**：报道期内做了多少（默认）。
- **存量**：某日现有多少（如“现有儿童关爱服务站72个”），标为“存量”，时期写“截至某日”。
- **累计数**：从某个起点累计至某日（“累计”“目前已”），标为“累计数”；原文没有起点的注明
  “起点不详”，**不计算每10万人折算值**。

### 范围和级别
只覆盖部分工作的数字（某一项目、某次联合活动、只讲农村工作的报道）标出“范围：……”；
表彰注明级别（国家级、省级、市级、县级），不同级别分开画、不相加。可能重叠的分项不相加。

### 每根柱子上的标注
柱子的标签、悬停提示、原文出处、表格和导出文件都带着同样的限定：不足一年、多年合计、存量、
累计数、范围、级别、年份为推断。一张图里各柱口径不同（如当期数与存量并列）时，图的副标题
用一句话提醒。

### 限定词
原文常写“余”“近”“约”。这些限定词是数据的一部分，出现在每个图表标签、表格和导出中：

| 原文 | 限定 | 显示 |
|---|---|---|
| 2000余人、超过2000人 | 以上（more_than） | 2,000+ 人 |
| 近400场 | 略少于（nearly） | ≈400 场 |
| 约400场 | 约（about） | ~400 场 |
| 400场 | 确数（exact） | 400 场 |

分项相加时，只要有一项是“近”或“约”，总数标为“约”；否则有“余”则标为“以上”。
数字后的量词照原文（“人次”“户”“名”）。

### 时期和年份
每个数字都有时期：默认是报道覆盖的时期（如“2023年”“2023年1–6月”）；原文写“近三年”时带有
自己的时期。一个城市可以有几篇报道（几个年份）：分类对比默认取各市**最新**一篇报道，也可以选
**某一年**，只比较那一年有报道的城市（同年对比）。所比较的时期不同时，页面按时期分组列出城市，
并提供同年对比的入口。原文没写年份、由编辑推断的，标为“年份为推断”。

### 每10万常住人口
折算值 = 数值 ÷ 人口 × 100,000。**所有城市统一用2020年第七次全国人口普查的常住人口**作分母，
每个数字注明来源；只在二手资料中找到的标为“未核实”，找不到有来源数字的城市不作折算，
注明“无人口分母”（见下表）。比例类指标（如覆盖率）不做折算。

### 比较这些城市时的注意事项
- **层级不同**：县级市（如潍坊代管的昌邑）与地级市人口规模相差数倍，绝对数不宜直接比较。
- **报道不等于全部工作**：报道只写了各市选择宣传的成绩，没有写到的不代表没有做。
- **汇总报道**：有的报道汇总的是各级政府为妇女儿童办的实事（如淄博2020年），不只是妇联的工作，
  这些数字都标出范围。
""",
    "en": """
### Where the numbers come from
Every number comes from one city women's federation report (the article is kept under
`data/sources/`), curated by an editor into data: the indicator, the value and unit as written,
the qualifier, the period, and **the sentence quoted word for word**. On loading, the program checks
that the quote is in the article (ignoring traditional/simplified characters, pinyin annotations,
full/half-width forms and spaces), that the number is in the quote, and that the qualifier agrees
with it. If anything fails, the whole city file is left out, with the file, line and column named.
Some sources are the beginning of a web page as stored (an excerpt): only what the excerpt holds is
curated, and it says so. A title the curator wrote (the article has none) says so too.

### “Not reported” is not zero
When a city's report does not mention an indicator, there is no value. Charts list the city as
“not reported” and never draw it as 0.

### One axis, one kind of thing
Every indicator counts one thing (its measure): persons, person-times, households, couples, events,
courses, lessons, cases, articles, sites, organisations, projects, money or a share. A value whose
measure word counts something else is refused on loading, with the indicator to use instead. So
“33 households back at work” is never drawn beside “204 women who started a business”, “600+
person-times trained” is never added to “300+ women trained”, and disputes of every kind never sit
beside family disputes. Each chart's subtitle says what it counts (“counts persons”).

### Flows, stocks and running totals
- **Flow**: what was done in the report's period (the default).
- **Stock**: what exists on a date (“72 care stations in place”), marked “stock”, its period
  “as of” that date.
- **Running total**: added up since a start (累计, 目前已), marked “running total”; when the article
  gives no start it says “start unknown” and **gets no per-100,000 figure**.

### Scope and level
A number that covers part of the work only (one programme, one joint campaign, a report on rural
work only) is marked “scope: …”. Honours carry their level (national, provincial, prefecture,
county); levels are drawn apart and never added up. Parts that may overlap are never added up.

### What every bar carries
A bar's label, its hover, the source panel, the tables and the downloads all carry the same limits:
part of a year, several years, stock, running total, scope, level, year inferred. When the bars of
one chart differ in kind (a flow beside a stock), its subtitle says so in one sentence.

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
part is. The measure word is the article's (person-times, households, people).

### Periods and years
Every number has a period: by default the period its report covers (“2023”, “2023-01 to 06”); a figure
for 近三年 (the last three years) carries its own. A city may have several reports (years): the compare
page shows each city's **latest** report by default, or **one year**, with only the cities that report
that year (a same-year comparison). When the compared periods differ, the page lists the cities by
period and offers the same-year comparisons there are. A year the curator inferred says so.

### Per 100,000 residents
Per-resident value = value ÷ population × 100,000. **Every city's denominator is its resident
population in the 2020 census** (the seventh national census), each with its source; a figure found
only in secondary sources is marked “unverified”, and a city without a sourced figure gets no
per-resident figures and says “no denominator” (see the table). Shares (coverage rates) are not
divided by population.

### Caveats when comparing these cities
- **Different levels**: a county-level city (such as Changyi, under Weifang) has a fraction of a
  prefecture's population; absolute numbers do not compare directly.
- **A report is not all the work**: each article shows what a city chose to publicise; what it does
  not mention may still have been done.
- **Roll-ups**: some reports sum up what every level of government did for women and children (Zibo
  2020), not the federation's work alone; their numbers carry that scope.
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
    value = row[_suffixed(column, lang)]
    return "" if value is None else str(value)


def pick_column(frame: Any, column: str, lang: str | None = None) -> list[str]:
    """`pick` of every row of a frame, as a list (no row objects: 3,000 cities in a blink)."""
    return ["" if value is None else str(value) for value in frame[_suffixed(column, lang)].tolist()]


def _suffixed(column: str, lang: str | None) -> str:
    return f"{column}_{'en' if (lang or state.lang()) == 'en' else 'zh'}"


def join(items: list[str], lang: str | None = None) -> str:
    """Items joined with the language's list separator."""
    return t("sep", lang).join(items)
