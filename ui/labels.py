"""Display strings of data rows in the current language, built on metrics.format.

A row is a record of the `indicator_values` or `observations_full` view (or a query built on
them): `value_text(row)` gives "2,000+ 人", `period_text(row)` "2023年1–6月", `rate_text(row)`
the per-100,000 figure, `population_text(row)` the denominator with its year and basis.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from metrics import format as fmt
from metrics import units
from ui import state
from ui.i18n import pick, t


def _lang(lang: str | None) -> str:
    return lang or state.lang()


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_text(row: Any, lang: str | None = None, short: bool = False) -> str:
    """The value as qualified, with its unit: "2,000+ 人", "≈¥0.3 m".

    `short` rounds money to three significant digits ("2.13亿元"), for chart labels; tables
    and hovers keep the exact value.
    """
    lang = _lang(lang)
    return fmt.format_value(
        float(row["value"]),
        row["qualifier"],
        row["unit_kind"],
        measure_word(row, lang),
        lang,
        significant=3 if short else None,
    )


def measure_word(row: Any, lang: str | None = None, written: Any = None) -> str:
    """The measure word shown with a count: on Chinese pages the article's own (人次, 户, 名...);
    in English the indicator's noun, unless the article counts something else
    (metrics.units.OTHER_MEASURES_EN: person-times, households, lessons). A sum whose parts
    are written with different words shows none (`sum_suffix` says why)."""
    lang = _lang(lang)
    if written is None and mixed_words(row):
        return ""  # no one word fits 600人次 + 300人
    word = _field(row, "written_word") if written is None else written
    if _is_missing(word) or not word:
        return pick(row, "measure_word", lang)
    if lang == "zh":
        return str(word)
    if word != row["measure_word_zh"] and word in units.OTHER_MEASURES_EN:
        return units.OTHER_MEASURES_EN[word]
    return pick(row, "measure_word", lang)


def mixed_words(row: Any) -> bool:
    """Whether a sum adds parts the article counts with different measure words (600人次 + 300人)."""
    words = _field(row, "part_words")  # (an observation row has none)
    return words is not None and is_sum(row) and len({w for w in words if w}) > 1


def sum_suffix(row: Any, lang: str | None = None) -> str:
    """ "（2项之和）" after a value that adds parts ("各项计量单位不同" when they are counted
    differently); "" for any other value."""
    if not is_sum(row):
        return ""
    lang = _lang(lang)
    text = t("sum_of_parts.mixed" if mixed_words(row) else "sum_of_parts", lang, n=int(row["n_parts"]))
    return f"（{text}）" if lang == "zh" else f" ({text})"


def mixed_suffix(row: Any, lang: str | None = None) -> str:
    """`sum_suffix` only for a sum of parts counted differently: where a page already says
    "sum of parts" in its own words, the unitless total still says why it has no unit."""
    return sum_suffix(row, lang) if mixed_words(row) else ""


def _field(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError, TypeError):
        return None


def rate_text(row: Any, lang: str | None = None, with_unit: bool = True, short: bool = False) -> str:
    """The per-100,000-residents figure, qualified, with its unit: "≈20.6 场 每10万人".

    "—" when the indicator is not counted per resident. `with_unit=False` leaves out
    "per 100,000" (for chart labels under a subtitle that says it); `short` rounds money as
    `value_text` does. Small figures keep two significant digits (metrics.format.format_rate).
    """
    lang = _lang(lang)
    value = row.get("per_100k") if hasattr(row, "get") else row["per_100k"]
    if _is_missing(value):
        return "—"
    if row["unit_kind"] == "yuan":
        prefix, suffix = fmt.QUALIFIER_MARKS.get(row["qualifier"], ("", ""))
        number = (
            prefix
            + fmt.format_value(float(value), "exact", "yuan", lang=lang, significant=3 if short else None)
            + suffix
        )
    else:
        word = measure_word(row, lang)
        number = f"{fmt.format_per_100k(float(value), row['qualifier'], lang)} {word}".strip()
    per = f" {t('per_100k', lang)}" if with_unit else ""
    return f"{number}{per}"


def is_sum(row: Any) -> bool:
    """Whether the value adds up several parts (a single part with a label is just a value)."""
    return bool(row["is_sum_of_parts"]) and int(row["n_parts"]) > 1


def part_label(row: Any, lang: str | None = None) -> str:
    """The label of a value that is one labelled part (not a sum), else ""."""
    if not row["is_sum_of_parts"] or is_sum(row):
        return ""
    labels = row["breakdowns_en"] if _lang(lang) == "en" else row["breakdowns_zh"]
    return str(labels[0] or "") if len(labels) else ""


def note_label(note: Any, lang: str | None = None) -> str:
    """The heading of a curator's note: "编者注（英文原文）" when a Chinese page shows an English note.

    Notes are free text in the data, mostly written in English; they are shown as written, never
    machine-translated, and a Chinese reader is told which language to expect.
    """
    lang = _lang(lang)
    text = str(note or "")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    english = latin > 2 * cjk
    return t("note.english" if english and lang == "zh" else "note.label", lang)


def has_text(value: Any) -> bool:
    """Whether an optional text field holds text (not None, NaN or empty)."""
    return value is not None and str(value) not in ("None", "nan", "NaT", "")


def period_text(row: Any, lang: str | None = None) -> str:
    """The row's period: "2023年", "2023-01 to 06", "cumulative to 2023-06"."""
    return fmt.format_period(row["period_start"], row["period_end"], bool(row["cumulative"]), _lang(lang))


def population_text(row: Any, lang: str | None = None) -> str:
    """The denominator: "498.62万人（2020年人口普查）", with "unverified" when it is."""
    return fmt.format_population(
        int(row["population"]),
        int(row["population_year"]),
        row["population_basis"],
        bool(row["population_verified"]),
        _lang(lang),
    )


def level_text(city: Any, lang: str | None = None) -> str:
    """ "地级市" or "县级市（潍坊市代管）"."""
    lang = _lang(lang)
    level = t(f"level.{city['level']}", lang)
    parent = pick(city, "parent", lang) if not _is_missing(city.get("parent_zh")) else ""
    if parent and parent != "nan":
        under = t("level.under", lang, parent=parent)
        return f"{level}（{under}）" if lang == "zh" else f"{level} ({under})"
    return level


def date_text(value: Any) -> str:
    if _is_missing(value):
        return ""
    if hasattr(value, "date") and not isinstance(value, dt.date):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        return value.isoformat()[:10]
    except AttributeError:
        return str(value)[:10]


def published_text(row: Any, lang: str | None = None) -> str:
    """ "发布于 2023-06-19" or "发布日期不详"."""
    lang = _lang(lang)
    published = row.get("published") if hasattr(row, "get") else row["published"]
    if _is_missing(published) or published is None or str(published) in ("NaT", "None"):
        return t("published.unknown", lang)
    return t("published.on", lang, date=date_text(published))


def published_cell(row: Any, lang: str | None = None) -> str:
    """A table cell under a "published" heading: the date alone, or "发布日期不详"."""
    published = row.get("published") if hasattr(row, "get") else row["published"]
    if not has_text(published) or _is_missing(published):
        return t("published.unknown", _lang(lang))
    return date_text(published)


def parts(row: Any, lang: str | None = None) -> list[tuple[str, str, str]]:
    """The (label, value as qualified, quote) of each part of a sum-of-parts value."""
    lang = _lang(lang)
    labels = row["breakdowns_en"] if lang == "en" else row["breakdowns_zh"]
    out = []
    words = _field(row, "part_words")
    words = list(words) if words is not None else [None] * len(labels)
    for label, value, qualifier, quote, word in zip(
        labels, row["part_values"], row["part_qualifiers"], row["quotes"], words, strict=True
    ):
        text = fmt.format_value(float(value), qualifier, row["unit_kind"], measure_word(row, lang, word or ""), lang)
        out.append((label or "", text, quote))
    return out


def unit_text(indicator: Any, lang: str | None = None) -> str:
    lang = _lang(lang)
    if indicator["unit"] == "count":
        return t("unit.count", lang, word=pick(indicator, "measure_word", lang))
    return t(f"unit.{indicator['unit']}", lang)
