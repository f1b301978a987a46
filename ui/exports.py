"""Downloadable files: observations as CSV (UTF-8 with BOM) and Excel, with sources and notes.

A CSV opened by Excel is read as the local code page unless it starts with a byte-order mark,
so every CSV here is `utf-8-sig`. The Excel workbook holds three sheets: data, sources (one row
per report, with the city's population denominator) and notes (what each column and qualifier
means). The CSV download comes with the same sources and notes as separate CSV files.
"""

from __future__ import annotations

import io

import pandas as pd

from metrics.queries import EXPORT_COLUMNS
from ui import labels

NOTES: list[tuple[str, str, str]] = [
    (
        "city_id",
        "城市编号（与 data/cities/<id>.yaml 文件名相同）",
        "City id (the name of its file data/cities/<id>.yaml)",
    ),
    ("indicator_id", "指标编号（见 data/catalog.yaml）", "Indicator id (see data/catalog.yaml)"),
    ("category_id", "分类编号", "Category id"),
    (
        "value",
        "标准单位下的数值：计数为个数，金额为元，比例为百分数（0–100）",
        "Value in the canonical unit: counts as numbers, money in yuan, shares in percent (0-100)",
    ),
    (
        "unit",
        "原文的计量单位（户、人次、名；金额为元，比例为%）",
        "The article's measure word (户, 人次, 名; money 元, shares %)",
    ),
    (
        "qualifier",
        "限定：exact 确数；more_than 余/多/超过（以上）；nearly 近（略少于）；about 约",
        "Qualifier: exact; more_than (余/多/超过); nearly (近); about (约)",
    ),
    (
        "value_as_written",
        "原文写法的数值（单位见 unit_as_written）",
        "The number as the article writes it (see unit_as_written)",
    ),
    (
        "unit_as_written",
        "原文写法的单位（如 万元、万人、场）",
        "The unit as the article writes it (万元, 万人, 场 ...)",
    ),
    (
        "period_start / period_end",
        "数值覆盖的时期；默认为报道覆盖的时期",
        "The period the value covers; by default its report's period",
    ),
    (
        "cumulative",
        "true 表示存量或累计数（见 tally），而非当期数",
        "true: a stock or a running total (see tally), not the period's own count",
    ),
    (
        "tally",
        "flow 当期数；stock 某日现有数（period_start = period_end = 截至日期）；running_total 累计数"
        "（period_start 为起点，空则起点不详，不计每10万人）",
        "flow: the period's count; stock: what exists on a date (period_start = period_end = that date); "
        "running_total: a total since period_start (empty: start unknown, no per-100,000 figure)",
    ),
    (
        "measure",
        "指标计数的对象：persons 人数、person_times 人次、households 户数、events 场次、yuan 金额等（docs/model.md）",
        "What the indicator counts: persons, person_times, households, events, yuan ... (docs/model.md)",
    ),
    (
        "scope_zh / scope_en",
        "数值只覆盖部分工作时的范围（如联合五部门举办的活动）",
        "The part of the work a value covers, when it is not all of it (one programme, one joint campaign)",
    ),
    (
        "level",
        "表彰等的级别：national 国家级、provincial 省级、prefecture 市级、county 县级",
        "Level of an honour: national, provincial, prefecture, county",
    ),
    ("note / note_en", "编者注（中文 / 英文）", "Curator's note (Chinese / English)"),
    (
        "flags_shown",
        "界面上各柱标注的限定：不足一年、存量、累计、范围、级别、年份为推断",
        "What the dashboard marks on the bar: part of a year, stock, running total, scope, level, year inferred",
    ),
    ("report_id", "报道编号，见来源表", "Report id, see the sources table"),
    (
        "quote",
        "原文中逐字引用的句子（简体）",
        "The sentence quoted word for word from the article (simplified Chinese)",
    ),
    (
        "breakdown_zh / breakdown_en",
        "分项名称：原文只给出分项时，总数为各分项之和",
        "Part label: where the article gives only parts, the total is their sum",
    ),
    (
        "per_100k",
        "每10万常住人口的数值 = value ÷ population × 100000",
        "Per 100,000 residents = value ÷ population × 100,000",
    ),
    (
        "population, population_year, population_basis, population_verified",
        "人口分母（统一为2020年第七次人口普查常住人口；空表示没有找到有来源的数字）、年份、口径、是否核实",
        "Population denominator, its year, basis (census / resident_year_end) and whether it is verified",
    ),
    (
        "value_shown / period_shown",
        "界面上显示的数值与时期（含限定符号 + ≈ ~）",
        "Value and period as the dashboard shows them (with the marks + ≈ ~)",
    ),
    (
        "未报告 / not reported",
        "某市未报告的指标没有数据行；没有数据不等于零",
        "A city that does not report an indicator has no row; no row is not zero",
    ),
]


def data_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Export rows with the documented columns first, then context and the displayed strings:
    the value, period and flags exactly as the screen shows them (ui.labels, one formatter)."""
    frame = rows.copy()
    records = frame.to_dict("records")
    frame["value_shown"] = [labels.value_text(r, lang) for r in records]
    frame["period_shown"] = [labels.period_text(r, lang) for r in records]
    frame["flags_shown"] = [labels.flags_text(r, lang) for r in records]
    first = [c for c in EXPORT_COLUMNS if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame[first + rest]


def sources_frame(reports: pd.DataFrame, cities: pd.DataFrame, report_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per report (those in `report_ids`, or all), with its city's denominator."""
    frame = reports if report_ids is None else reports[reports["report_id"].isin(report_ids)]
    population = cities[
        ["city_id", "population", "population_year", "population_basis", "population_verified", "population_source"]
    ]
    frame = frame.merge(population, on="city_id", how="left")
    columns = [
        "report_id",
        "city_id",
        "city_zh",
        "city_en",
        "title_zh",
        "title_en",
        "title_by",
        "publisher",
        "published",
        "published_note",
        "published_note_en",
        "period_inferred",
        "period_note",
        "period_note_en",
        "period_start",
        "period_end",
        "source_path",
        "url",
        "excerpt",
        "n_observations",
        "population",
        "population_year",
        "population_basis",
        "population_verified",
        "population_source",
    ]
    return frame[[c for c in columns if c in frame.columns]]


def notes_frame() -> pd.DataFrame:
    return pd.DataFrame(NOTES, columns=["field", "note_zh", "note_en"])


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that Excel reads Chinese correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(data: pd.DataFrame, sources: pd.DataFrame, notes: pd.DataFrame) -> bytes:
    """An .xlsx workbook with the sheets data, sources and notes."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in (("data", data), ("sources", sources), ("notes", notes)):
            frame = frame.copy()
            for column in frame.columns:
                if frame[column].dtype == object:
                    frame[column] = frame[column].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes(1, 0)
            for index, column in enumerate(frame.columns):
                lengths = frame[column].map(lambda v: len(str(v)) if v is not None else 0)
                typical = int(lengths.quantile(0.9)) if len(frame) else 0
                width = min(60, max(8, typical + 2, len(str(column)) + 2))
                sheet.set_column(index, index, width)
    return buffer.getvalue()
