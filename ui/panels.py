"""Indicator panels: one indicator across cities, as a bar chart or, for one city, a table row.

`build(...)` turns `indicator_values` rows (one per city, report and period) into a `Panel`:
the rows of the selected cities sorted by the chosen measure, the cities that do not report it,
periods, and (unless asked not to) its figure. `figure(...)` draws the bar chart: direct labels
with qualifier and period, hover quotes, and the figure's own title, subtitle and source lines.
`show(...)` draws a chart panel with its notes and, when a bar is selected (clicked), the
source of that bar: quote, report, date and the passage of the article with the quote
highlighted. An indicator that only one city reports is not a comparison: `single_table(...)`
lists such indicators (value as qualified, period, quote, the cities not reporting it) and
`single_source(...)` opens one's source.
Used by the compare page (one panel per indicator) and the indicator page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts, colors, labels, render, sources, state
from ui.i18n import join, pick, t
from ui.layout import View


@dataclass
class Panel:
    """One indicator's values for the selected cities, and what the page says around them.

    Shared between sessions through caches: never modified once built.
    """

    indicator_id: str
    indicator: dict
    records: list[dict]  # the `indicator_values` rows, in drawn order
    figure: go.Figure | None
    not_reported: list[str]  # names of selected cities without a value
    periods: list[str]  # distinct periods of the records
    cumulative: bool
    as_rate: bool  # drawn per 100,000 residents
    rate_refused: bool = False  # per 100,000 asked for, but the indicator is not per capita
    names: dict[str, str] = field(default_factory=dict)  # city id -> name in the view's language
    category_name: str = ""
    rest: list[dict] = field(default_factory=list)  # values of the cities past the first TOP_CITIES

    @property
    def n_cities(self) -> int:
        """How many of the selected cities report it, drawn or listed under the chart."""
        return len(self.city_ids) + len({r["city_id"] for r in self.rest})

    @property
    def reported(self) -> bool:
        return bool(self.records)

    @property
    def city_ids(self) -> list[str]:
        """The reporting cities, in drawn order."""
        return list(dict.fromkeys(str(r["city_id"]) for r in self.records))

    @property
    def single_city(self) -> bool:
        """Only one of the selected cities reports it: nothing to compare."""
        return len(self.city_ids) == 1


TOP_CITIES = 20  # bars of more cities than this: the first ones drawn, the others in a table
NAMES_UP_TO = 12  # cities named in a line; past this many, "…等N市"


def some_names(names: list[str], lang: str, sep: str | None = None, keep: bool = False) -> str:
    """Up to NAMES_UP_TO names joined, then how many there are in all ("淄博市、…等3,000市")."""
    shown = [render.keep(n) for n in names[:NAMES_UP_TO]] if keep else names[:NAMES_UP_TO]
    text = sep.join(shown) if sep is not None else join(shown, lang)
    return text + (t("compare.and_more", lang, n=len(names)) if len(names) > NAMES_UP_TO else "")


def _source_item(row: dict, names: dict[str, str]) -> str:
    """ "City publisher date" for a figure's source line."""
    publisher = str(row["publisher"])
    published = labels.date_text(row["published"]) if labels.has_text(row["published"]) else ""
    return f"{render.keep(names[row['city_id']])} {publisher}{' ' + published if published else ''}"


def _drawn_order(row: dict, measure: str) -> tuple:
    """Largest first; a value without a figure in this measure (no denominator, a running total
    whose start is unknown) after every figure: NaN would leave the order to chance."""
    value = row[measure]
    missing = value is None or value != value
    return (missing, 0.0 if missing else -float(value), str(row["city_id"]))


def build(
    view: View,
    indicator: dict,
    rows: list[dict],
    city_ids: list[str],
    names: dict[str, str],
    mode: str,
    category_name: str,
    *,
    with_figure: bool = True,
    sizes: charts.Sizes | None = None,
) -> Panel:
    """A panel of one indicator for the selected cities (`rows` may hold other cities too).

    `with_figure=False` leaves the figure out (see `figure`), for pages that draw it later or
    not at all.
    """
    lang = view.lang
    per_capita = bool(indicator["per_capita"])
    as_rate = mode == "per_100k" and per_capita
    measure = "per_100k" if as_rate else "value"
    chosen = set(city_ids)
    records = sorted((r for r in rows if r["city_id"] in chosen), key=lambda r: _drawn_order(r, measure))
    reported = {r["city_id"] for r in records}
    # thousands of bars compare nothing: the first TOP_CITIES cities are drawn, the rest listed
    top = set(list(dict.fromkeys(r["city_id"] for r in records))[:TOP_CITIES])
    rest = [r for r in records if r["city_id"] not in top]
    records = [r for r in records if r["city_id"] in top]
    panel = Panel(
        indicator_id=indicator["indicator_id"],
        indicator=indicator,
        records=records,
        figure=None,
        not_reported=[names[c] for c in city_ids if c not in reported],
        periods=list(dict.fromkeys(labels.period_text(r, lang) for r in records)),
        cumulative=any(bool(r["cumulative"]) for r in records),
        as_rate=as_rate,
        rate_refused=mode == "per_100k" and not per_capita,
        names=dict(names),
        category_name=category_name,
        rest=rest,
    )
    if with_figure:
        panel.figure = figure(view, panel, sizes)
    return panel


def figure(
    view: View, panel: Panel, sizes: charts.Sizes | None = None, highlight: str | None = None
) -> go.Figure | None:
    """The panel's bar chart (None when no selected city reports the indicator). `highlight`: a
    city whose grey bar (more cities than colours) is drawn in the highlight colour instead."""
    if not panel.records:
        return None
    lang = view.lang
    sizes = sizes or (charts.PRESENT if view.present else charts.NORMAL)
    esc = render.plotly_text
    names = panel.names
    measure = "per_100k" if panel.as_rate else "value"
    counts: dict[str, int] = {}
    shared: dict[str, set[str]] = {}  # the flags every value of a city carries
    for r in panel.records:
        counts[r["city_id"]] = counts.get(r["city_id"], 0) + 1
        own = set(labels.flags(r, lang, short=True))
        shared[r["city_id"]] = shared[r["city_id"]] & own if r["city_id"] in shared else own
    bars = []
    for row in panel.records:
        city = names[row["city_id"]]
        period = labels.period_flags_text(row, lang)  # what limits the bar, in full for the hover
        on_bar = labels.period_flags_text(row, lang, short=True)  # and in short on its label
        if panel.as_rate:
            value = labels.rate_text(row, lang, with_unit=False, short=True)
        else:
            value = labels.value_text(row, lang, short=True)
        bars.append(
            charts.Bar(
                # A city with several values (periods, levels, scopes) gets them as a small second line.
                label=charts.city_label(
                    esc(city), esc(_second_line(row, shared, lang)) if counts[row["city_id"]] > 1 else "", sizes
                ),
                value=float(row[measure]),
                value_text=esc(value + labels.sum_suffix(row, lang)),
                period_text=esc(on_bar),
                colour=(
                    colors.HIGHLIGHT
                    if highlight == row["city_id"] and view.colours.get(row["city_id"]) == colors.FALLBACK
                    else view.colours.get(row["city_id"], colors.FALLBACK)
                ),
                hover=_hover(row, city, period, panel.as_rate, lang),
            )
        )

    sep = "；" if lang == "zh" else "; "
    colon = t("colon", lang)
    footer: list[str] = []
    if panel.not_reported:
        # city names are never broken across footer lines ("青岛市", not "青/岛市")
        footer.append(
            t("not_reported", lang).capitalize() + colon + some_names(panel.not_reported, lang, sep, keep=True)
        )
    if panel.rest:
        footer.append(t("panel.top", lang, n=len(panel.city_ids), k=panel.n_cities - len(panel.city_ids)))
    if panel.as_rate:
        first_rows: dict[str, dict] = {}
        for r in panel.records:
            first_rows.setdefault(r["city_id"], r)
        denominators = [f"{render.keep(names[c])} {labels.population_text(row, lang)}" for c, row in first_rows.items()]
        footer.append(t("compare.denominators", lang) + colon + sep.join(denominators))
    if any(r["qualifier"] != "exact" for r in panel.records):
        footer.append(t("footer.marks", lang))
    items = list(dict.fromkeys(_source_item(r, names) for r in panel.records))
    footer.append(t("source", lang) + colon + sep.join(items))
    footer.append(t("footer.source_site", lang))

    measure_label = t("mode.per_100k", lang) if panel.as_rate else t("mode.absolute", lang)
    period_label = panel.periods[0] if len(panel.periods) == 1 else t("compare.periods_vary", lang)
    return charts.bar_chart(
        bars,
        title=pick(panel.indicator, "name", lang),
        # A comparison whose bars differ in kind says so above them, in the PNG too.
        subtitle=[
            panel.category_name,
            *charts.one_line_or_each(
                [period_label, t("panel.counts", lang, what=labels.measure_name(panel.indicator, lang)), measure_label],
                sizes,
            ),
            *([kinds] if (kinds := kinds_differ(panel.records, lang)) else []),
        ],
        footer=footer,
        sizes=sizes,
    )


def _second_line(row: dict, shared: dict[str, set[str]], lang: str) -> str:
    """The axis label's second line of a city with several values: its period and what sets
    this value apart from the city's others (a scope, a level), never what they all share."""
    differs = [f for f in labels.flags(row, lang, short=True) if f not in shared[row["city_id"]]]
    return _short(" · ".join([labels.period_text(row, lang), *differs]))


def _short(text: str, columns: int = 24) -> str:
    """An axis label's second line: at most `columns` display columns (the bar's own label and
    its hover say it all)."""
    lines = render.wrap(text, columns)
    return lines[0] + ("…" if len(lines) > 1 else "")


def _hover(row, city: str, period: str, as_rate: bool, lang: str) -> str:
    esc = render.plotly_text
    lines = [f"<b>{esc(city)}</b>  {esc(labels.value_text(row, lang) + labels.sum_suffix(row, lang))} · {esc(period)}"]
    if as_rate:
        lines.append(esc(f"{labels.rate_text(row, lang)} · {labels.population_text(row, lang)}"))
    part = labels.part_label(row, lang)
    if part:
        lines.append(render.plotly_wrapped(part, 46, 2))
    if labels.is_sum(row):
        lines.append(esc(t("sum_of_parts", lang, n=int(row["n_parts"]))) + ":")
        for label, value, quote in labels.parts(row, lang)[:6]:
            lines.append(f"• {esc(label)} {esc(value)}")
            lines.append("  " + render.plotly_wrapped(f"“{quote}”", 46, 2))
    else:
        lines.append(render.plotly_wrapped(f"“{row['quotes'][0]}”", 46, 5))
    lines.append(esc(f"{row['publisher']} · {labels.published_text(row, lang)}"))
    heading, note = labels.note_text(row, lang)
    if note:
        lines.append(render.plotly_wrapped(f"{heading}{t('colon', lang)}{note}", 46, 3))
    lines.append(f"<i>{esc(t('compare.click_hint', lang))}</i>")
    return "<br>".join(lines)


# --- drawing -----------------------------------------------------------------------------------


def show(
    view: View,
    panel: Panel,
    chart_key: str,
    filename: str,
    source_city: str | None,
    chart: go.Figure | None = None,
    definition: bool = False,
    rest_table: bool = True,
) -> str | None:
    """Draws a chart panel; returns the city id of a bar selected in this run, "" if deselected, else None.

    `chart` is the figure to draw (default: the panel's own). The source of `source_city`'s
    bar(s) is shown under the chart when that city is in the panel. `definition` puts the
    indicator's definition in the help tooltip of the notes under the chart. The values of the
    cities past the drawn ones are listed in a table under it (`rest_table`; the indicator page
    lists every city below anyway).
    """
    lang = view.lang
    selected = None
    chart = chart if chart is not None else panel.figure
    if chart is None:
        st.markdown(f"**{render.md(pick(panel.indicator, 'name', lang))}**")
        st.caption(render.md(t("not_reported.list", cities=some_names(panel.not_reported, lang))))
        return None
    event = st.plotly_chart(
        chart,
        key=chart_key,
        on_select="rerun",
        selection_mode="points",
        config=charts.config(filename),
        theme=None,
        width="stretch",
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
    _notices(view, panel, definition_text(panel.indicator, lang) if definition else None)
    if panel.rest and rest_table:
        st.dataframe(rest_frame(view, panel), hide_index=True, width="stretch", height=300)
    if source_city:
        chosen = [r for r in panel.records if r["city_id"] == source_city]
        if chosen:
            sources.panel(view, chosen, close_key=f"close_{chart_key}")
    return selected


def rest_frame(view: View, panel: Panel) -> pd.DataFrame:
    """The values of the cities not drawn (past the first TOP_CITIES), in drawn order, ranked on."""
    lang = view.lang
    rank = {c: n for n, c in enumerate(dict.fromkeys(r["city_id"] for r in panel.rest), start=len(panel.city_ids) + 1)}
    rows = []
    for row in panel.rest:
        value = labels.rate_text(row, lang, with_unit=False) if panel.as_rate else labels.value_text(row, lang)
        rows.append(
            {
                t("col.rank"): rank[row["city_id"]],
                t("col.city"): pick(row, "city", lang),
                t("col.province"): pick(row, "province", lang),
                t("mode.per_100k" if panel.as_rate else "col.value"): value + labels.sum_suffix(row, lang),
                t("col.period"): labels.period_text(row, lang),
                t("col.flags"): labels.flags_text(row, lang),
                t("col.quote"): labels.quote_cell(row, lang),  # every number with its source
                t("col.report"): labels.report_title(row, lang),
            }
        )
    return pd.DataFrame(rows)


def _notices(view: View, panel: Panel, definition: str | None = None) -> None:
    """What the panel's reader must know besides the chart, as one element (each element costs
    the browser a render): the cities not reporting it, differing periods, running totals, a
    measure refused, the parts of sums; with the definition, when given, as its help tooltip."""
    lang = view.lang
    lines = []
    if panel.not_reported:
        lines.append(render.md(t("not_reported.list", cities=some_names(panel.not_reported, lang))))
    if panel.rest:
        lines.append(render.md(t("panel.top", n=len(panel.city_ids), k=panel.n_cities - len(panel.city_ids))))
    if len(panel.periods) > 1 and view.present:
        lines.append(":material/schedule: " + render.md(t("compare.periods_differ", periods=join(panel.periods))))
    if panel.cumulative and not kinds_differ(panel.records, lang):  # else the chart's subtitle says it
        lines.append(":material/functions: " + render.md(t("compare.cumulative")))
    if panel.rate_refused:
        lines.append(render.md(t("compare.no_per_capita")))
    for row in (r for r in panel.records if labels.is_sum(r)):
        parts = ("；" if lang == "zh" else "; ").join(f"{label} {value}" for label, value, _ in labels.parts(row, lang))
        city = pick(row, "city", lang)
        lines.append(render.md(f"{city}{t('colon', lang)}{t('sum_of_parts.long', lang)} {parts}"))
    if definition and not lines:
        lines.append(render.md(t("compare.definition")))
    if lines:
        st.caption("\n\n".join(lines), help=definition)


def kinds_differ(records: list[dict], lang: str) -> str:
    """One sentence when the bars of a comparison differ in kind (a flow beside a stock or a
    running total, a partial scope beside the whole work, honours of different levels); "" else."""
    tallies = list(dict.fromkeys(str(r.get("tally") or "flow") for r in records))
    kinds = [t(f"kind.{k}", lang) for k in tallies] if len(tallies) > 1 else []
    if len({labels.has_text(r.get("scope_zh")) and str(r.get("scope_zh")) for r in records}) > 1:
        kinds.append(t("kind.scope", lang))
    if len({str(r.get("level")) for r in records}) > 1:
        kinds.append(t("kind.level", lang))
    if not kinds:
        return ""
    return t("compare.kinds_differ", lang, kinds=("、" if lang == "zh" else ", ").join(kinds))


def definition_text(indicator: dict, lang: str) -> str:
    """An indicator's definition and comparability notes, as (escaped) Markdown."""
    text = render.md(pick(indicator, "definition", lang))
    notes = pick(indicator, "notes", lang)
    if notes and notes not in ("nan", "None"):
        text += f"\n\n**{render.md(t('compare.comparability', lang))}**{render.md(t('colon', lang))}{render.md(notes)}"
    return text


def single_table(view: View, single: list[Panel]) -> str:
    """Indicators only one selected city reports, as one Markdown table (one element for all):
    indicator, city, value as qualified, period, the quote, and the cities not reporting it."""
    lang = view.lang
    columns = [
        t("col.indicator", lang),
        t("col.city", lang),
        t("col.value", lang),
        t("col.period", lang),
        t("col.quote", lang),
        t("not_reported", lang).capitalize(),
    ]
    lines = ["| " + " | ".join(render.md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    for panel in single:
        for row in panel.records:
            if panel.as_rate:
                value = f"{labels.rate_text(row, lang)} ({labels.value_text(row, lang)})"
            else:
                value = labels.value_text(row, lang)
            value += labels.sum_suffix(row, lang)
            if labels.is_sum(row):
                quote = ("；" if lang == "zh" else "; ").join(
                    f"{label} {part}" for label, part, _ in labels.parts(row, lang)
                )
            else:
                quote = f"“{row['quotes'][0]}”"
            cells = [
                f"**{render.md_inline(pick(panel.indicator, 'name', lang))}**",
                render.md_inline(panel.names[row["city_id"]]),
                f"**{render.md_inline(value)}**",
                render.md_inline(labels.period_text(row, lang)),
                f":gray[{render.md_inline(quote)}]",
                render.md_inline(some_names(panel.not_reported, lang)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def single_source(view: View, panel: Panel, key: str) -> None:
    """The open source of a single-city indicator (its box is named `source_close_<key>`, as a chart's)."""
    sources.panel(view, list(panel.records), close_key=f"close_{key}")


def on_selection(indicator_id: str, city: str | None) -> None:
    """Puts a selected bar in the URL (indicator and source city), or clears it."""
    if city:
        st.session_state["indicator"] = indicator_id
        st.session_state["source"] = city
    elif st.session_state.get("indicator") == indicator_id:
        state.forget("source")
