"""The indicator page's body: definition, unit, comparability, chart and table of every city.

State in the URL: `indicator` (default: the first catalog indicator any city reports), `mode`
(absolute or per_100k) and `source` (the city whose bar's source is open).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, frames, labels, layout, memo, panels, render, state
from ui.i18n import pick, t
from ui.layout import View


def choose(view: View) -> dict | None:
    lang = view.lang
    indicators = frames.indicators(view.key, view.cur)
    categories = frames.categories(view.key, view.cur).set_index("category_id")
    ids = list(indicators["indicator_id"])
    reported = list(indicators.loc[indicators["n_cities"] > 0, "indicator_id"])
    default = reported[0] if reported else ids[0]
    names = {
        r["indicator_id"]: f"{pick(categories.loc[r['category_id']], 'name', lang)} · {pick(r, 'name', lang)}"
        f" ({r['n_cities']})"
        for _, r in indicators.iterrows()
    }
    state.claim("indicator", default, state.parse_choice(ids), lambda v: v in ids)
    state.claim("mode", "absolute", state.parse_choice(state.MODES), lambda v: v in state.MODES)
    if view.present:
        chosen, mode = st.session_state["indicator"], st.session_state["mode"]
    else:
        left, right = st.columns([2.2, 1.2], vertical_alignment="bottom")
        chosen = left.selectbox(
            t("indicator.choose"), ids, key="indicator", format_func=names.get, on_change=state.forget, args=("source",)
        )
        mode = layout.mode_control(right)
    state.publish("indicator", chosen, default)
    state.publish("mode", mode, "absolute")
    view.share.update(indicator=chosen, mode=mode)
    row = indicators.set_index("indicator_id", drop=False).loc[chosen].to_dict()
    row["category_name"] = pick(categories.loc[row["category_id"]], "name", lang)
    return row


def body(view: View) -> None:
    indicator = choose(view)
    if indicator is None:
        return
    lang = view.lang
    mode = st.session_state["mode"]
    describe(view, indicator)
    values = frames.indicator_across_cities(view.key, view.cur, indicator["indicator_id"])
    cities = frames.cities(view.key, view.cur)
    city_ids = list(cities["city_id"])
    names = {r["city_id"]: pick(r, "name", lang) for _, r in cities.iterrows()}
    state.claim("source", None, state.parse_choice(city_ids), lambda v: v is None or v in city_ids)
    panel = panels.build(
        view,
        indicator,
        values.to_dict("records"),
        city_ids,
        names,
        mode,
        indicator["category_name"],
        sizes=charts.PRESENT if view.present else charts.WIDE,
    )
    chart, _ = st.columns([3, 2]) if not view.present else (st.container(), None)
    with chart:
        selected = panels.show(
            view,
            panel,
            f"indicator_chart_{'p' if view.present else 'n'}",
            f"{indicator['indicator_id']}_{mode}",
            st.session_state.get("source"),
            rest_table=False,  # every city is in the table below
        )
    if selected:
        st.session_state["source"] = selected
    elif selected == "":
        state.forget("source")
    state.publish("source", st.session_state.get("source"), None)
    view.share.update(source=st.session_state.get("source"))
    if not values.empty:
        st.subheader(t("indicator.table"))
        st.dataframe(_table(view.key, indicator["indicator_id"], lang, view, values), width="stretch", hide_index=True)


def describe(view: View, indicator: dict) -> None:
    lang = view.lang
    st.markdown(f"### {render.md(pick(indicator, 'name', lang))}")
    facts = [
        f"{t('category')}{t('colon')}{indicator['category_name']}",
        f"{t('indicator.unit')}{t('colon')}{labels.unit_text(indicator, lang)}",
        f"{t('indicator.measure')}{t('colon')}{labels.measure_name(indicator, lang)}",
        f"{t('indicator.per_capita')}{t('colon')}"
        + t("indicator.per_capita.yes" if indicator["per_capita"] else "indicator.per_capita.no"),
        t("indicator.reported_by", n=int(indicator["n_cities"])),
    ]
    # The id matches the schema's pattern (letters, digits, _ and one dot): safe in a code span.
    st.caption(" · ".join(render.md(f) for f in facts) + f" · `{indicator['indicator_id']}`")
    st.markdown(render.md(pick(indicator, "definition", lang)))
    notes = pick(indicator, "notes", lang)
    if notes and notes not in ("nan", "None"):
        st.info(
            f"**{render.md(t('indicator.notes'))}**{render.md(t('colon'))}{render.md(notes)}", icon=":material/info:"
        )


@memo.copied(64)
def _table(key: str, indicator_id: str, lang: str, _view: View, _values: pd.DataFrame) -> pd.DataFrame:
    # once per data version, indicator and language: 3,000 rows take a second to write out
    return table(_view, _values)


def table(view: View, values: pd.DataFrame) -> pd.DataFrame:
    """Every city's value: qualified, period, per 100,000 with its denominator, quotes, source."""
    lang = view.lang
    rows = []
    for _, row in values.iterrows():
        rows.append(
            {
                t("col.city"): pick(row, "city", lang),
                t("col.value"): labels.value_text(row, lang) + labels.mixed_suffix(row, lang),  # parts: own column
                t("col.period"): labels.period_text(row, lang),
                t("col.flags"): labels.flags_text(row, lang),
                t("col.per_100k"): labels.rate_text(row, lang, with_unit=False),
                t("col.population"): labels.population_text(row, lang),
                t("col.parts"): str(int(row["n_parts"])) if labels.is_sum(row) else "",
                t("col.quote"): labels.quote_cell(row, lang),
                t("col.report"): labels.report_title(row, lang),
                t("col.publisher"): row["publisher"],
                t("col.published"): labels.published_text(row, lang),
                t("col.note"): labels.note_cell(row, lang),
            }
        )
    return pd.DataFrame(rows)
