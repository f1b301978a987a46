"""The overview page's body: load problems, one card per city, the coverage matrix."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import frames, labels, layout, render
from ui.i18n import pick, t
from ui.layout import View

CARDS_PER_ROW = 3
CARDS_UP_TO = 12  # beyond this many cities, one sortable table instead of cards


def body(view: View) -> None:
    st.caption(render.md(t("app.tagline")))
    layout.problems_box(frames.problems(view.key, view.cur))
    cities = frames.cities(view.key, view.cur)
    if cities.empty:
        st.warning(t("overview.no_cities"))
        return
    reports = frames.reports(view.key, view.cur)
    st.subheader(t("overview.cities"))
    st.caption(
        render.md(t("overview.cities_caption", n=len(cities), k=len(reports), m=int(cities["n_observations"].sum())))
    )
    if len(cities) > CARDS_UP_TO:
        st.dataframe(city_table(view, cities, reports), width="stretch", hide_index=True)
    else:
        # cards by province, in rows of three
        cities = cities.sort_values(["province_zh", "city_id"], kind="stable")
        for start in range(0, len(cities), CARDS_PER_ROW):
            columns = st.columns(CARDS_PER_ROW)
            rows = cities.iloc[start : start + CARDS_PER_ROW].iterrows()
            for column, (_, city) in zip(columns, rows, strict=False):
                with column:
                    card(view, city, reports[reports["city_id"] == city["city_id"]])
    layout.page_link("compare", t("overview.start.compare"), icon=":material/bar_chart:")
    st.subheader(t("overview.coverage"))
    st.caption(render.md(t("overview.coverage_caption")))
    table = coverage_table(view)
    st.dataframe(table.style.map(_shade), width="stretch")


def card(view: View, city, reports: pd.DataFrame) -> None:
    """One city: name, province, level, report period, how much it reports, population."""
    lang = view.lang
    other = "en" if lang == "zh" else "zh"
    # height="stretch": the cards of a row end level, however long their lines are.
    with st.container(border=True, key=f"city_{city['city_id']}", height="stretch"):
        st.markdown(f"#### {render.md(pick(city, 'name', lang))} :gray[{render.md(pick(city, 'name', other))}]")
        st.markdown(render.md(f"{pick(city, 'province', lang)} · {labels.level_text(city, lang)}"))
        periods = [labels.period_text(r, lang) for _, r in reports.sort_values("period_end").iterrows()]
        st.markdown(
            f"**{render.md(t('overview.card.reports'))}**{render.md(t('colon'))}{render.md(' / '.join(periods))}"
        )
        st.markdown(render.md(t("overview.card.counts", n=int(city["n_indicators"]), k=int(city["n_categories"]))))
        st.caption(render.md(t("overview.card.population", population=labels.population_text(city, lang))))
        st.space("stretch")  # the link at the card's foot, level across the row
        layout.page_link("city", t("overview.card.open"), icon=":material/arrow_forward:", city=city["city_id"])


def city_table(view: View, cities: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Many cities as one sortable table: name, province, level, the years it reports, how much,
    and its denominator (click a column heading to sort)."""
    lang = view.lang
    rows = []
    for _, city in cities.iterrows():
        own = reports[reports["city_id"] == city["city_id"]].sort_values("period_end")
        rows.append(
            {
                t("col.city"): pick(city, "name", lang),
                t("col.province"): pick(city, "province", lang),
                t("col.level"): labels.level_text(city, lang),
                t("overview.card.reports"): " / ".join(labels.period_text(r, lang) for _, r in own.iterrows()),
                t("col.n_reports"): len(own),
                t("col.n_indicators"): int(city["n_indicators"]),
                t("col.n_observations"): int(city["n_observations"]),
                t("city.population"): labels.population_text(city, lang),
            }
        )
    return pd.DataFrame(rows)


def _shade(cell: str) -> str:
    """A blue background growing with the number of indicators; none for an empty cell."""
    if not cell:
        return ""
    alpha = min(0.12 + 0.09 * int(cell), 0.75)
    return f"background-color: rgba(0, 114, 178, {alpha:.2f}); text-align: center; font-weight: 600"


def coverage_table(view: View) -> pd.DataFrame:
    """Cities (rows) by categories (columns): indicators reported; empty where none.

    The editor page shows this table too, with its unsaved city among the rows.
    """
    lang = view.lang
    coverage = frames.coverage(view.key, view.cur)
    cities = frames.cities(view.key, view.cur).set_index("city_id")
    categories = frames.categories(view.key, view.cur).set_index("category_id")
    table = coverage.pivot(index="city_id", columns="category_id", values="n_indicators")
    table = table[[c for c in categories.index if c in table.columns]]
    shown = table.map(lambda n: str(int(n)) if n else "")
    shown.index = [pick(cities.loc[c], "name", lang) for c in shown.index]
    shown.columns = [pick(categories.loc[c], "name", lang) for c in shown.columns]
    shown.index.name = t("col.city")
    return shown
