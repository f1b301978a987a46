"""Display strings of data rows in the current language, built on metrics.format.

A row is a record of the `indicator_values` or `observations_full` view (or a query built on
them): `value_text(row)` gives "2,000+ 人", `period_text(row)` "2023年1–6月", `rate_text(row)`
the per-100,000 figure, `population_text(row)` the denominator with its year and basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from metrics import format as fmt
from metrics import units
from ui import render, state
from ui.i18n import pick, t


def _lang(lang: str | None) -> str:
    return lang or state.lang()


def _is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (a missing integer, such as a city without a population)."""
    return fmt.is_missing(value)


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
    """Whether a sum adds parts that count different measures (600人次 + 300人). The validator
    keeps every indicator to one measure, so today no shipped value is such a sum; parts written
    with different words of one measure (211个 + 3家 organisations) take the indicator's word."""
    words = _field(row, "part_words")  # (an observation row has none)
    if words is None or not is_sum(row):
        return False
    kinds = [set(units.measures_of(str(w))) for w in words if w]
    return len(kinds) > 1 and not set.intersection(*kinds)


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
        # say why there is none, in words: no denominator, or a running total with no start
        if _field(row, "per_capita") and _is_missing(_field(row, "population")):
            return t("rate.no_denominator", lang)
        if _field(row, "per_capita") and bool(_field(row, "since_unknown")):
            return t("rate.no_start", lang)
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


def note_cell(row: Any, lang: str | None = None) -> str:
    """A curator's note for a table cell: in the page's language, or the Chinese one marked
    "(in Chinese)" on an English page without an English version."""
    lang = _lang(lang)
    heading, text = note_text(row, lang)
    if text and heading == t("note.chinese", lang) and lang == "en":
        return f"{t('note.in_chinese', lang)} {text}"
    return text


def note_text(row: Any, lang: str | None = None) -> tuple[str, str]:
    """A curator's note in the page's language, with its heading: (heading, text), or ("", "").

    Notes are written in Chinese (`note`, or `notes` for a value of several parts) with an
    optional English version (`note_en`, `notes_en`). An English page without an English
    version shows the Chinese one, headed so; notes are never machine-translated.
    """
    lang = _lang(lang)
    zh = _field(row, "note") if _field(row, "notes") is None else _field(row, "notes")
    en = _field(row, "note_en") if _field(row, "notes_en") is None else _field(row, "notes_en")
    if lang == "en" and has_text(en):
        return t("note.label", lang), str(en)
    if has_text(zh):
        return t("note.chinese" if lang == "en" else "note.label", lang), str(zh)
    return "", ""


def report_note(row: Any, name: str, lang: str | None = None) -> str:
    """A report's `published_note` or `period_note` in the page's language; an English page shows
    the Chinese one, headed so, when there is no English; "" when there is none."""
    lang = _lang(lang)
    zh, en = _field(row, name), _field(row, f"{name}_en")
    if lang == "en" and has_text(en):
        return str(en)
    if has_text(zh):
        return (f"{t('note.in_chinese', lang)} " if lang == "en" else "") + str(zh)
    return ""


def flags(row: Any, lang: str | None = None, short: bool = False) -> list[str]:
    """What limits the row's value, in words (metrics.format.format_flags): part of a year, a
    stock, a running total, a partial scope, a level, an inferred year (`short`: for a bar)."""
    lang = _lang(lang)
    scope = _field(row, f"scope_{lang}")
    return fmt.format_flags(
        str(_field(row, "tally") or "flow"),
        _field(row, "period_start"),
        _field(row, "period_end"),
        str(scope) if has_text(scope) else None,
        str(_field(row, "level")) if has_text(_field(row, "level")) else None,
        bool(_field(row, "period_inferred")) if has_text(_field(row, "period_inferred")) else False,
        lang,
        short,
    )


def flags_text(row: Any, lang: str | None = None, short: bool = False) -> str:
    """`flags` joined: "不足一年；范围：联合五部门举办的培训"; "" when nothing limits the value."""
    lang = _lang(lang)
    return fmt.join_flags(flags(row, lang, short), lang)


def period_flags_text(row: Any, lang: str | None = None, short: bool = False) -> str:
    """The period and, after it, what limits the value: "2023年1–6月 · 不足一年；省级".

    `short` (a bar's own label) words the flags briefly and marks each phrase so that wrapping
    never breaks one ("部分范围", not "部分范/围"; see ui.render.keep)."""
    lang = _lang(lang)
    if short:
        said = flags(row, lang, short=True)
        if str(_field(row, "tally") or "flow") == "running_total":
            # the period already says 累计 … （起点不详）: the bar does not repeat it
            said = [f for f in said if f not in fmt.format_flags("running_total", None, None, lang=lang, short=True)]
        parts = [period_text(row, lang), *(render.keep(f) for f in said)]
        return " · ".join(parts[:1]) + (" · " + fmt.join_flags(parts[1:], lang) if len(parts) > 1 else "")
    extra = flags_text(row, lang, short)
    return period_text(row, lang) + (f" · {extra}" if extra else "")


def report_title(row: Any, lang: str | None = None) -> str:
    """A report's title; one the curator wrote (the article has no headline) says so."""
    lang = _lang(lang)
    title = _field(row, f"report_title_{lang}")
    title = _field(row, f"title_{lang}") if title is None else title
    if _field(row, "title_by") == "curator":
        return (
            f"{title}（{t('source.title_by_curator', lang)}）"
            if lang == "zh"
            else f"{title} ({t('source.title_by_curator', lang)})"
        )
    return str(title)


def has_text(value: Any) -> bool:
    """Whether an optional text field holds text (not None, NaN or empty)."""
    return value is not None and str(value) not in ("None", "nan", "NaT", "")


def period_text(row: Any, lang: str | None = None) -> str:
    """The row's period: "2023年", "2023-01 to 06", "截至2024年12月31日", "累计至2023年6月（起点不详）"."""
    return fmt.format_period(row["period_start"], row["period_end"], str(_field(row, "tally") or "flow"), _lang(lang))


def population_text(row: Any, lang: str | None = None) -> str:
    """The denominator: "498.62万人（2020年人口普查）", with "unverified" when it is."""
    if _is_missing(_field(row, "population")):
        return fmt.format_population(None, 0, "", False, _lang(lang))
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


def quote_cell(row: Any, lang: str | None = None) -> str:
    """A table cell with the words a value was read from: its quote, or each part's label, value
    and quote (one line each) when it is a sum of parts."""
    if row["is_sum_of_parts"]:
        return "\n".join(f"{label} {value}: “{q}”" for label, value, q in parts(row, lang))
    return f"“{row['quotes'][0]}”"


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


def measure_name(indicator: Any, lang: str | None = None) -> str:
    """What an indicator counts, in words: "人数" / "persons", "人次" / "person-times"."""
    names = units.MEASURE_NAMES.get(str(_field(indicator, "measure")), ("", ""))
    return names[1] if _lang(lang) == "en" else names[0]


def unit_text(indicator: Any, lang: str | None = None) -> str:
    lang = _lang(lang)
    if indicator["unit"] == "count":
        return t("unit.count", lang, word=pick(indicator, "measure_word", lang))
    return t(f"unit.{indicator['unit']}", lang)
