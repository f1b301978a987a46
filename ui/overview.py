"""The overview page's body: load problems, one card per city, the coverage matrix."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import frames, labels, layout, render, state
from ui.i18n import pick, t
from ui.layout import View

CARDS_PER_ROW = 3
CARDS_UP_TO = 12  # beyond this many cities, one sortable table instead of cards
PAGE_SIZE = 50  # cities per page of that table and of the coverage table (a national edition)
ALL = ""  # the province choice "every province"


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
    shown = None
    if len(cities) > CARDS_UP_TO:
        shown = choose_page(view, cities)
        st.dataframe(city_table(view, shown, reports), width="stretch", hide_index=True)
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
    table = coverage_table(view, None if shown is None else list(shown["city_id"]))
    st.dataframe(table.style.map(_shade), width="stretch")


def choose_page(view: View, cities: pd.DataFrame) -> pd.DataFrame:
    """Many cities: a province and a page of PAGE_SIZE cities (both in the URL); returns them."""
    lang = view.lang
    cities = cities.sort_values(["province_zh", "city_id"], kind="stable")
    names = dict(zip(cities["province_zh"], cities[f"province_{lang}"], strict=False))
    provinces = list(dict.fromkeys(cities["province_zh"]))
    state.claim("province", ALL, state.parse_choice(provinces), lambda v: v == ALL or v in provinces)
    province = st.session_state["province"]
    chosen = cities if province == ALL else cities[cities["province_zh"] == province]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    state.claim(
        "page", 1, lambda raw: int(raw) if raw.isdigit() else None, lambda v: isinstance(v, int) and 1 <= v <= pages
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    counts = cities.groupby("province_zh").size().to_dict()
    left.selectbox(
        t("overview.province"),
        [ALL, *provinces],
        key="province",
        format_func=lambda p: (
            t("overview.province.all", n=len(cities))
            if p == ALL
            else f"{names[p]}（{counts[p]}）"
            if lang == "zh"
            else f"{names[p]} ({counts[p]})"
        ),
        on_change=state.forget,
        args=("page",),
    )
    right.number_input(t("overview.page", pages=pages), min_value=1, max_value=pages, step=1, key="page")
    page = int(st.session_state["page"])
    state.publish("province", province, ALL)
    state.publish("page", page, 1)
    view.share.update(province=None if province == ALL else province, page=None if page == 1 else str(page))
    start = (page - 1) * PAGE_SIZE
    shown = chosen.iloc[start : start + PAGE_SIZE]
    st.caption(render.md(t("overview.page_caption", start=start + 1, end=start + len(shown), n=len(chosen))))
    return shown


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


def coverage_table(view: View, city_ids: list[str] | None = None) -> pd.DataFrame:
    """Cities (rows; all, or those of `city_ids` in their order) by categories (columns):
    indicators reported; empty where none.

    The editor page shows this table too, with its unsaved city among the rows.
    """
    lang = view.lang
    coverage = frames.coverage(view.key, view.cur)
    if city_ids is not None:
        coverage = coverage[coverage["city_id"].isin(city_ids)]
    cities = frames.cities(view.key, view.cur).set_index("city_id")
    categories = frames.categories(view.key, view.cur).set_index("category_id")
    table = coverage.pivot(index="city_id", columns="category_id", values="n_indicators")
    if city_ids is not None:
        table = table.reindex([c for c in city_ids if c in table.index])
    table = table[[c for c in categories.index if c in table.columns]]
    shown = table.map(lambda n: str(int(n)) if n else "")
    shown.index = [pick(cities.loc[c], "name", lang) for c in shown.index]
    shown.columns = [pick(categories.loc[c], "name", lang) for c in shown.columns]
    shown.index.name = t("col.city")
    return shown
