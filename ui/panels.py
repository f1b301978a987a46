"""Indicator panels: the bar chart of one indicator across cities, and what surrounds it.

`build(...)` turns `indicator_values` rows (one per city, report and period) into a `Panel`:
bars sorted by the chosen measure, direct labels with qualifier and period, hover quotes, the
cities that do not report it, and the figure's own title, subtitle and source lines.
`show(...)` draws a panel with its notices and, when a bar is selected (clicked), the source of
that bar: quote, report, date and the passage of the article with the quote highlighted.
Used by the compare page (one panel per indicator) and the indicator page.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from ui import charts, labels, render, sources, state
from ui.i18n import join, pick, t
from ui.layout import View


@dataclass
class Panel:
    """One indicator's chart and what the page says around it."""

    indicator_id: str
    indicator: dict
    records: list[dict]  # the bars' `indicator_values` rows, in drawn order
    figure: go.Figure | None
    not_reported: list[str]  # names of selected cities without a value
    periods: list[str]  # distinct periods of the bars
    cumulative: bool
    as_rate: bool  # drawn per 100,000 residents
    rate_refused: bool = False  # per 100,000 asked for, but the indicator is not per capita


def _source_item(row: dict, names: dict[str, str]) -> str:
    """"City publisher date" for a figure's source line."""
    publisher = str(row["publisher"])
    published = labels.date_text(row["published"]) if str(row["published"]) not in ("NaT", "None") else ""
    return f"{names[row['city_id']]} {publisher}{' ' + published if published else ''}"


def build(
    view: View,
    indicator: dict,
    rows: list[dict],
    city_ids: list[str],
    names: dict[str, str],
    mode: str,
    category_name: str,
) -> Panel:
    """A panel of one indicator for the selected cities (`rows` may hold other cities too)."""
    lang = view.lang
    per_capita = bool(indicator["per_capita"])
    as_rate = mode == "per_100k" and per_capita
    measure = "per_100k" if as_rate else "value"
    chosen = set(city_ids)
    records = sorted((r for r in rows if r["city_id"] in chosen), key=lambda r: (-float(r[measure]), r["city_id"]))
    reported = {r["city_id"] for r in records}
    not_reported = [names[c] for c in city_ids if c not in reported]
    periods = list(dict.fromkeys(labels.period_text(r, lang) for r in records))
    panel = Panel(
        indicator_id=indicator["indicator_id"], indicator=indicator, records=records, figure=None,
        not_reported=not_reported, periods=periods, cumulative=any(bool(r["cumulative"]) for r in records),
        as_rate=as_rate, rate_refused=mode == "per_100k" and not per_capita,
    )
    if not records:
        return panel

    counts: dict[str, int] = {}
    for r in records:
        counts[r["city_id"]] = counts.get(r["city_id"], 0) + 1
    bars = []
    for row in records:
        dup = counts[row["city_id"]] > 1
        city = names[row["city_id"]]
        period = labels.period_text(row, lang)
        value = labels.rate_text(row, lang, with_unit=False) if as_rate else labels.value_text(row, lang)
        if row["is_sum_of_parts"]:
            value += f"（{t('sum_of_parts', lang, n=int(row['n_parts']))}）" if lang == "zh" \
                else f" ({t('sum_of_parts', lang, n=int(row['n_parts']))})"
        label = f"{city}（{period}）" if (dup and lang == "zh") else (f"{city} ({period})" if dup else city)
        bars.append(charts.Bar(
            label=render.plotly_text(label),
            value=float(row[measure]),
            text=charts.label(render.plotly_text(value), render.plotly_text(period), view.present),
            colour=view.colours.get(row["city_id"], "#7f7f7f"),
            hover=_hover(row, city, period, as_rate, lang),
        ))

    footer: list[str] = []
    width = 120 if view.present else 60
    sep = "；" if lang == "zh" else "; "
    colon = t("colon", lang)
    if not_reported:
        footer += charts.footer_line(t("not_reported", lang).capitalize() + colon, not_reported, width, sep)
    if as_rate:
        denominators = []
        first_rows: dict[str, dict] = {}
        for r in records:
            first_rows.setdefault(r["city_id"], r)
        for row in first_rows.values():
            denominators.append(f"{names[row['city_id']]} {labels.population_text(row, lang)}")
        footer += charts.footer_line(t("compare.denominators", lang) + colon, denominators, width, sep)
    if any(r["qualifier"] != "exact" for r in records):
        footer.append(render.plotly_text(t("footer.marks", lang)))
    items = list(dict.fromkeys(_source_item(r, names) for r in records))
    footer += charts.footer_line(t("source", lang) + colon, items, width, sep)
    footer.append(render.plotly_text(t("footer.source_site", lang)))

    measure_label = t("mode.per_100k", lang) if as_rate else t("mode.absolute", lang)
    if len(periods) == 1:
        period_label = periods[0]
    else:
        period_label = t("compare.periods_vary", lang)
    subtitle = "<br>".join(render.plotly_text(line) for line in (category_name, f"{period_label} · {measure_label}"))
    title = "<br>".join(render.plotly_text(line) for line in render.wrap(pick(indicator, "name", lang), width - 12))
    panel.figure = charts.bar_chart(
        bars, title=title, subtitle=subtitle,
        footer=footer, present=view.present,
    )
    return panel


def _hover(row, city: str, period: str, as_rate: bool, lang: str) -> str:
    esc = render.plotly_text
    lines = [f"<b>{esc(city)}</b>  {esc(labels.value_text(row, lang))} · {esc(period)}"]
    if as_rate:
        lines.append(esc(f"{labels.rate_text(row, lang)} · {labels.population_text(row, lang)}"))
    if row["is_sum_of_parts"]:
        lines.append(esc(t("sum_of_parts", lang, n=int(row["n_parts"]))) + ":")
        for label, value, quote in labels.parts(row, lang)[:6]:
            lines.append(f"• {esc(label)} {esc(value)}")
            lines.append("  " + render.plotly_wrapped(f"“{quote}”", 46, 2))
    else:
        lines.append(render.plotly_wrapped(f"“{row['quotes'][0]}”", 46, 5))
    lines.append(esc(f"{row['publisher']} · {labels.published_text(row, lang)}"))
    lines.append(f"<i>{esc(t('compare.click_hint', lang))}</i>")
    return "<br>".join(lines)


# --- drawing -----------------------------------------------------------------------------------


def show(view: View, panel: Panel, chart_key: str, filename: str, source_city: str | None) -> str | None:
    """Draws a panel; returns the city id of a bar selected in this run, "" if deselected, else None.

    The source of `source_city`'s bar(s) is shown under the chart when that city is in the panel.
    """
    lang = view.lang
    selected = None
    if panel.figure is None:
        st.markdown(f"**{render.md(pick(panel.indicator, 'name', lang))}**")
        st.caption(render.md(t("not_reported.list", cities=join(panel.not_reported))))
        return None
    event = st.plotly_chart(
        panel.figure, key=chart_key, on_select="rerun", selection_mode="points",
        config=charts.config(filename), theme=None, width="stretch",
    )
    points = list(event.selection.point_indices) if event and event.selection else []
    memory = st.session_state.setdefault("_last_selection", {})
    previous = memory.get(chart_key, [])
    if points != previous:
        memory[chart_key] = points
        if points and 0 <= points[0] < len(panel.records):
            selected = str(panel.records[points[0]]["city_id"])
            source_city = selected
        else:
            selected = ""
            source_city = None
    if panel.not_reported:
        st.markdown(f":gray[{render.md(t('not_reported.list', cities=join(panel.not_reported)))}]")
    if len(panel.periods) > 1 and view.present:
        st.caption(":material/schedule: " + render.md(t("compare.periods_differ", periods=join(panel.periods))))
    if panel.cumulative:
        st.caption(":material/functions: " + render.md(t("compare.cumulative")))
    if panel.rate_refused:
        st.caption(render.md(t("compare.no_per_capita")))
    for row in (r for r in panel.records if r["is_sum_of_parts"]):
        parts = ("；" if lang == "zh" else "; ").join(f"{label} {value}" for label, value, _ in labels.parts(row, lang))
        city = pick(row, "city", lang)
        st.caption(render.md(f"{city}{t('colon', lang)}{t('sum_of_parts.long', lang)} {parts}"))
    if source_city:
        chosen = [r for r in panel.records if r["city_id"] == source_city]
        if chosen:
            sources.panel(view, chosen, close_key=f"close_{chart_key}")
    return selected


def on_selection(indicator_id: str, city: str | None) -> None:
    """Puts a selected bar in the URL (indicator and source city), or clears it."""
    if city:
        st.session_state["indicator"] = indicator_id
        st.session_state["source"] = city
    elif st.session_state.get("indicator") == indicator_id:
        state.forget("source")
