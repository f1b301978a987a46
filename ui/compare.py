"""The compare page's controls and body: a category, cities, a measure; one panel per indicator.

State (all in the URL): `category` (default employment), `cities` (default: every city that
reports the category), `mode` (absolute or per_100k), `indicator` (the indicator in focus: the
one shown in presentation mode, or whose bar was selected), `source` (the city whose bar's
source is open) and `more` (the comparisons after the first four are drawn). Changing the
category resets the cities, the focus, the open source and `more`.

Panels come most-reported first (then in catalog order). The first four comparisons are drawn
at once and the others, named, behind an expander drawn only when opened: every Plotly chart
costs the browser about 25 ms before the first one is painted (README, Performance).

Indicators reported by two or more of the chosen cities are compared in charts; one reported
by a single city is not a comparison and is listed in a table instead (presentation mode still
draws it, one indicator per screen). For a quick first paint the script sends the first chart
before anything the browser would need new code for: the widgets are drawn last, into a
container reserved above the panels, and each chart is built just before it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import charts, colors, frames, labels, layout, memo, panels, render, state
from ui.i18n import join, pick, pick_column, t
from ui.layout import View

DEFAULT_CATEGORY = "employment"
SINGLE_SOURCE = "single_source"  # the single-city indicator whose source is open
DEFINITIONS_OPEN = "definitions_open"  # whether the definitions expander is open
MORE = "more"  # whether the comparisons after the first ones are open (in the URL: more=1)
FIRST_CHARTS = 4  # comparisons drawn at once; more than one beyond them wait behind "MORE"
PILLS_UP_TO = 8  # cities as pills up to this many; beyond, a searchable choice by province in a popover
SEARCH_ALL_UP_TO = 300  # cities searchable at once; beyond, the search runs in one province
SEARCH_PROVINCE = "cities_search_province"  # the province the city search runs in
DEFAULT_CITIES = 8  # more cities than this reporting the category: the default choice is this many


LATEST = "latest"  # the period choice "each city's latest report" (the default)


def _on_category_change() -> None:
    for name in ("cities", "indicator", "source", MORE):
        state.forget(name)


def _on_year_change() -> None:
    for name in ("cities", "source", MORE):
        state.forget(name)


def chosen_year() -> int | None:
    """The period choice of this run: None for each city's latest report, else a report year."""
    value = st.session_state.get("year", LATEST)
    return None if value in (None, LATEST) else int(value)


def offer_year(year: int) -> None:
    """A callback: switch to the same-year comparison of `year`."""
    st.session_state["year"] = str(year)
    _on_year_change()


@dataclass
class Controls:
    """The compare page's choices and what their widgets need."""

    category_ids: list[str]
    category_names: dict[str, str]
    default_category: str
    city_ids: list[str]
    names: dict[str, str]
    reporting: list[str]  # cities reporting the chosen category (the default choice)
    category: str
    chosen: list[str]
    mode: str
    years: dict[str, int]  # report year -> how many cities report the category that year
    provinces: dict[str, str] | None = None  # city id -> province name, in the view's language
    default_cities: list[str] | None = None  # the choice before any is made (see default_choice)


def resolve(view: View) -> Controls:
    """The category, cities and measure of this run, from the URL or the session, before any
    widget is drawn (the widgets read the same session values: see `widgets`)."""
    lang = view.lang
    # copies: the memo's are shared by every session
    category_ids, category_names, city_ids, names, provinces = (
        type(part)(part) for part in _choices(view.key, view.cur, lang)
    )
    default_category = DEFAULT_CATEGORY if DEFAULT_CATEGORY in category_ids else category_ids[0]

    state.claim("category", default_category, state.parse_choice(category_ids), lambda v: v in category_ids)
    state.claim("mode", "absolute", state.parse_choice(state.MODES), lambda v: v in state.MODES)
    category = st.session_state["category"]
    years_frame = frames.report_years(view.key, view.cur, category)
    years = {str(int(y)): int(n) for y, n in zip(years_frame["year"], years_frame["n_cities"], strict=True)}
    state.claim("year", LATEST, state.parse_choice([LATEST, *years]), lambda v: v == LATEST or v in years)
    year = chosen_year()
    reporting, default_cities = (list(part) for part in _reporting(view.key, view.cur, category, year, tuple(city_ids)))
    state.claim(
        "cities",
        default_cities,
        state.parse_choices(city_ids),
        lambda v: isinstance(v, list) and all(c in city_ids for c in v),
    )
    wanted = set(st.session_state["cities"] or ())
    chosen = [c for c in city_ids if c in wanted]  # option order
    mode = st.session_state["mode"]
    state.publish("category", category, default_category)
    state.publish("mode", mode, "absolute")
    state.publish("cities", chosen, default_cities)
    state.publish("year", st.session_state["year"], LATEST)
    view.share.update(category=category, cities=chosen, mode=mode, year=None if year is None else str(year))
    if len(view.colours) > len(colors.PALETTE):
        # more cities than colours: the chosen ones (up to eight) keep one, the others are grey
        view.colours = colors.city_colours(view.colours, chosen)
    return Controls(
        category_ids,
        category_names,
        default_category,
        city_ids,
        names,
        reporting,
        category,
        chosen,
        mode,
        years,
        provinces,
        default_cities,
    )


@memo.shared(256)
def _reporting(key: str, _cur, category: str, year: int | None, city_ids: tuple[str, ...]) -> tuple[tuple, tuple]:
    """The cities reporting the category (in the choice's order) and the default choice, once per
    data version."""
    counts = frames.category_reporting(key, _cur, category, year)
    n_indicators = dict(zip(counts["city_id"].tolist(), counts["n_indicators"].tolist(), strict=True))
    reporting = [c for c in city_ids if c in n_indicators]
    return tuple(reporting), tuple(default_choice(n_indicators, reporting))


def default_choice(n_indicators: dict[str, int], reporting: list[str]) -> list[str]:
    """The cities compared before any is chosen: every city reporting the category, or, when more
    than DEFAULT_CITIES do (a national edition), the DEFAULT_CITIES that report the most of its
    indicators (then in the choice's order): a chart of thousands of bars compares nothing."""
    if len(reporting) <= DEFAULT_CITIES:
        return list(reporting)
    order = {c: n for n, c in enumerate(reporting)}
    best = sorted(reporting, key=lambda c: (-n_indicators.get(c, 0), order[c]))[:DEFAULT_CITIES]
    return sorted(best, key=order.get)


@memo.shared(64)
def _choices(key: str, _cur, lang: str) -> tuple[list[str], dict[str, str], list[str], dict[str, str], dict[str, str]]:
    """The categories (ids, names) and cities (ids by province then id, names, provinces) in view,
    once per data version and language. Shared: never change what it returns."""
    categories = frames.categories(key, _cur)
    cities = frames.cities(key, _cur)
    # by province, then name: the order of the choice, the legend and every list of cities
    cities = cities.sort_values(["province_zh", "city_id"], kind="stable")
    category_ids, city_ids = categories["category_id"].tolist(), cities["city_id"].tolist()

    return (
        category_ids,
        dict(zip(category_ids, pick_column(categories, "name", lang), strict=True)),
        city_ids,
        dict(zip(city_ids, pick_column(cities, "name", lang), strict=True)),
        dict(zip(city_ids, pick_column(cities, "province", lang), strict=True)),
    )


def widgets(view: View, controls: Controls) -> None:
    """The category, cities and measure widgets, bound to the session values `resolve` read.

    Drawn after the first chart, into a container above it: the browser starts loading the
    chart library before the widgets' code. A change made with them reruns the script, and
    `resolve` reads it from the session before anything is drawn.
    """
    c = controls
    # Every category in view, one click away (and no drop-down code for the browser to load).
    st.pills(
        t("compare.category"),
        c.category_ids,
        key="category",
        required=True,
        format_func=lambda i: render.md(c.category_names[i]),  # pills render Markdown: curated text inert
        on_change=_on_category_change,
    )
    st.pills(
        t("compare.period"),
        [LATEST, *c.years],
        key="year",
        required=True,
        format_func=lambda y: (
            t("compare.period.latest") if y == LATEST else t("compare.period.year", year=y, n=c.years[y])
        ),
        on_change=_on_year_change,
    )
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    if len(c.city_ids) <= PILLS_UP_TO:
        left.pills(
            t("compare.cities"),
            c.city_ids,
            key="cities",
            selection_mode="multi",
            format_func=lambda i: render.md(c.names[i]) + ("" if i in c.reporting else f" · {t('not_reported')}"),
        )
    else:
        with left:
            city_chooser(c)
    layout.mode_control(right)


def folded_label(view: View, c: Controls) -> str:
    """The folded controls' label: "就业创业 · 各市最新报道 · 5市 · 绝对数"."""
    lang = view.lang
    year = chosen_year()
    period = (
        t("compare.period.latest", lang)
        if year is None
        else t("compare.period.year", lang, year=year, n=c.years.get(str(year), 0))
    )
    cities = t("compare.cities.count", lang, n=len(c.chosen))
    return render.md(" · ".join([c.category_names[c.category], period, cities, t(f"mode.{c.mode}", lang)]))


def _set_cities(ids: list[str]) -> None:
    st.session_state["cities"] = list(ids)
    for name in ("source", MORE):
        state.forget(name)


def choice_summary(chosen: list[str], names: dict[str, str], provinces: dict[str, str], lang: str) -> str:
    """The chosen cities in one short line: "5市：淄博市、滨州市…（山东省4、江苏省1）"."""
    if not chosen:
        return t("compare.cities.none", lang)
    by_province: dict[str, int] = {}
    for city in chosen:
        by_province[provinces.get(city, "")] = by_province.get(provinces.get(city, ""), 0) + 1
    if len(chosen) <= 3:
        return t("compare.cities.few", lang, names=join([names[c] for c in chosen], lang))
    ranked = sorted(by_province.items(), key=lambda kv: -kv[1])
    counts = ("、" if lang == "zh" else ", ").join(f"{p}{n}" if lang == "zh" else f"{p} {n}" for p, n in ranked[:3])
    return t("compare.cities.summary", lang, n=len(chosen), provinces=counts + ("…" if len(ranked) > 3 else ""))


def city_chooser(c: Controls) -> None:
    """Many cities: a popover that states the current choice, holding a searchable choice
    ordered by province, and buttons for all, none, only those reporting, or one province."""
    lang = state.lang()
    label = render.md(
        t("compare.cities", lang) + t("colon", lang) + choice_summary(c.chosen, c.names, c.provinces, lang)
    )
    capped = c.default_cities is not None and len(c.reporting) > len(c.default_cities)
    with st.popover(label, icon=":material/location_city:", width="stretch"):
        row = st.container(horizontal=True)
        if capped:
            row.button(
                t("compare.cities.default", n=len(c.default_cities)),
                on_click=_set_cities,
                args=(c.default_cities,),
                key="cities_default",
            )
        row.button(t("compare.cities.all"), on_click=_set_cities, args=(c.city_ids,), key="cities_all")
        row.button(t("compare.cities.reporting"), on_click=_set_cities, args=(c.reporting,), key="cities_reporting")
        row.button(t("compare.cities.clear"), on_click=_set_cities, args=([],), key="cities_none")
        members: dict[str, list[str]] = {}
        for i in c.city_ids:
            members.setdefault(c.provinces[i], []).append(i)
        if len(members) > 1:
            st.caption(t("compare.cities.province"))
            row = st.container(horizontal=True)
            for n, (province, ids) in enumerate(members.items()):
                row.button(
                    render.md(f"{province}（{len(ids)}）" if lang == "zh" else f"{province} ({len(ids)})"),
                    on_click=_set_cities,
                    args=(ids,),
                    key=f"cities_province_{n}",
                )
        options = c.city_ids
        if len(c.city_ids) > SEARCH_ALL_UP_TO and len(members) > 1:
            # a national edition: the search runs in one province at a time (a choice among
            # thousands costs every rerun a third of a second); the chosen cities stay listed
            provinces = list(members)
            first = c.provinces.get(c.chosen[0]) if c.chosen else None
            if st.session_state.get(SEARCH_PROVINCE) not in provinces:
                st.session_state[SEARCH_PROVINCE] = first if first in provinces else provinces[0]
            province = st.selectbox(
                t("compare.cities.search_in"),
                provinces,
                key=SEARCH_PROVINCE,
                format_func=lambda p: render.md(
                    f"{p}（{len(members[p])}）" if lang == "zh" else f"{p} ({len(members[p])})"
                ),
            )
            listed = set(members[province]) | set(c.chosen)
            options = [i for i in c.city_ids if i in listed]
        missing = f" · {t('not_reported')}"
        reporting = set(c.reporting)
        option_labels = {
            # the id is pinyin: searchable in both scripts
            i: f"{c.names[i]} · {c.provinces[i]} · {i}" + ("" if i in reporting else missing)
            for i in options
        }
        st.multiselect(
            t("compare.cities.search"),
            options,
            key="cities",
            format_func=option_labels.__getitem__,
            placeholder=t("compare.cities.placeholder"),
        )
    if capped and c.chosen == c.default_cities:
        st.caption(render.md(t("compare.cities.default_note", n=len(c.default_cities), k=len(c.reporting))))


def build_panels(view: View, category: str, chosen: list[str], mode: str) -> list[panels.Panel]:
    """One panel per indicator of the category, without figures (cached per data version and view).

    Figures are built one at a time while the page draws them (`figure_for`), so the first
    chart reaches the browser before the others are built.
    """
    return _panels(
        view.key,
        category,
        tuple(chosen),
        mode,
        view.lang,
        view.present,
        tuple(sorted(view.colours.items())),
        view,
        chosen_year(),
    )


@memo.shared(512)
def _panels(
    key: str,
    category: str,
    chosen: tuple[str, ...],
    mode: str,
    lang: str,
    present: bool,
    colours: tuple,
    _view: View,
    year: int | None = None,
) -> list[panels.Panel]:
    # Shared across sessions: panels are never modified after this returns.
    _, category_names, _, names, _ = _choices(key, _view.cur, lang)
    category_name = category_names[category]
    indicators, by_indicator = _category_rows(key, _view.cur, category, year, chosen)
    return [
        panels.build(
            _view,
            indicator,
            by_indicator.get(indicator["indicator_id"], []),
            list(chosen),
            names,
            mode,
            category_name,
            with_figure=False,
        )
        for indicator in indicators
    ]


@memo.shared(256)
def _category_rows(
    key: str, _cur, category: str, year: int | None, chosen: tuple[str, ...]
) -> tuple[list[dict], dict[str, list[dict]]]:
    """The category's indicators (catalog order) and the chosen cities' values by indicator, as
    records, once per data version and choice (not every city's: 27,000 rows at 3,000 cities).
    Shared by every panel built from them: never change them."""
    by_indicator: dict[str, list[dict]] = {}
    for row in frames.compare_category(key, _cur, category, year, chosen).to_dict("records"):
        by_indicator.setdefault(row["indicator_id"], []).append(row)
    return frames.indicators(key, _cur, category).to_dict("records"), by_indicator


def figure_for(view: View, panel: panels.Panel, category: str, chosen: list[str], mode: str):
    """The panel's chart, built once per data version and view (cached)."""
    return _figure(
        view.key,
        category,
        panel.indicator_id,
        tuple(chosen),
        mode,
        view.lang,
        view.present,
        tuple(sorted(view.colours.items())),
        view,
        panel,
        chosen_year(),
        # among grey bars (more cities than colours) the selected city's is highlighted
        st.session_state.get("source")
        if colors.FALLBACK in view.colours.values() and st.session_state.get("indicator") == panel.indicator_id
        else None,
    )


@memo.shared(2048)
def _figure(
    key: str,
    category: str,
    indicator_id: str,
    chosen: tuple[str, ...],
    mode: str,
    lang: str,
    present: bool,
    colours: tuple,
    _view: View,
    _panel: panels.Panel,
    year: int | None = None,
    highlight: str | None = None,
):
    # Shared across sessions: figures are never modified after this returns.
    return charts.freeze(panels.figure(_view, _panel, highlight=highlight))


def period_notice(view: View, shown: list[panels.Panel]) -> bool:
    """A notice, once per page, when the compared values cover different periods: the cities
    grouped by period on one line. Returns whether it was shown (then `offer_same_year` follows)."""
    records = sorted((r for p in shown for r in p.records), key=lambda r: r["city_id"])
    if not records:
        return False
    lang = view.lang
    by_period: dict[str, list[str]] = {}
    for row in records:
        if str(row.get("tally") or "flow") != "flow":
            continue  # stocks and running totals say so on their bars
        city = pick(row, "city", lang)
        members = by_period.setdefault(labels.period_text(row, lang), [])
        if city not in members:
            members.append(city)
    if len(by_period) <= 1:
        return False
    listing = period_groups(by_period, lang)
    st.info(render.md(t("compare.periods_differ", periods=listing)), icon=":material/schedule:")
    return True


def offer_same_year(view: View) -> None:
    """Buttons to the same-year comparisons the category offers, when each city's latest report is shown."""
    if chosen_year() is None:
        offers = same_year_offers(view)
        if offers:
            row = st.container(horizontal=True, vertical_alignment="center")  # wraps on a narrow screen
            row.markdown(render.md(t("compare.same_year_lead")))
            for year, n in offers:
                row.button(
                    t("compare.period.year", year=year, n=n),
                    key=f"same_year_{year}",
                    on_click=offer_year,
                    args=(year,),
                    icon=":material/compare_arrows:",
                )


def period_groups(by_period: dict[str, list[str]], lang: str, most: int = 3) -> str:
    """ "2020年：淮北市、东营市；2023年：宿迁市": periods with their cities, the longest groups
    first; past `most` cities in a group, "…等12市"."""
    sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
    parts = []
    for period, cities in sorted(by_period.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        names = join(cities[:most], lang) + (t("compare.and_more", lang, n=len(cities)) if len(cities) > most else "")
        parts.append(f"{period}{colon}{names}")
    return sep.join(parts)


def same_year_offers(view: View, most: int = 3) -> list[tuple[int, int]]:
    """Years in which two or more cities report the chosen category: (year, cities), most first."""
    years = frames.report_years(view.key, view.cur, st.session_state.get("category"))
    offers = [(int(y), int(n)) for y, n in zip(years["year"], years["n_cities"], strict=True) if int(n) >= 2]
    return sorted(offers, key=lambda o: (-o[1], -o[0]))[:most]


def body(view: View) -> None:
    """The whole compare page below the title.

    The first chart is sent before anything else that needs new code in the browser: the
    widgets are drawn afterwards, into a container reserved above the panels.
    """
    resolved = resolve(view)
    category, chosen, mode = resolved.category, resolved.chosen, resolved.mode
    slot = st.container() if not view.present else None
    try:
        _body(view, category, chosen, mode)
    finally:
        if slot is not None:
            with slot:
                if state.phone():
                    # a phone: the controls fold into one line that states the current choice,
                    # so that the first chart starts on the first screen
                    with st.expander(folded_label(view, resolved), icon=":material/tune:"):
                        widgets(view, resolved)
                else:
                    widgets(view, resolved)


def _body(view: View, category: str, chosen: list[str], mode: str) -> None:
    if not chosen:
        if frames.category_reporting(view.key, view.cur, category, chosen_year()).empty:
            # nobody reports the category (that year): say so, not "choose a city"
            name = frames.categories(view.key, view.cur).set_index("category_id").loc[category]
            st.info(render.md(t("compare.category_empty", category=pick(name, "name", view.lang))))
        else:
            st.warning(t("compare.no_cities"))
        view.share.update(indicator=None)
        return
    built = build_panels(view, category, chosen, mode)
    # The strongest comparisons first: by how many chosen cities report it, then catalog order.
    shown = sorted((p for p in built if p.reported), key=lambda p: -p.n_cities)
    indicator_ids = [p.indicator_id for p in shown]
    state.claim("indicator", None, state.parse_choice(indicator_ids), lambda v: v is None or v in indicator_ids)
    state.claim("source", None, state.parse_choice(list(chosen)), lambda v: v is None or v in chosen)
    if not shown:
        category_name = frames.categories(view.key, view.cur).set_index("category_id").loc[category]
        st.info(render.md(t("compare.category_empty", category=pick(category_name, "name", view.lang))))
    elif view.present:
        _present(view, shown, category, chosen, mode)
    else:
        _grid(view, shown, category, chosen, mode)
        empty = [p for p in built if not p.reported]
        if empty:
            st.caption(
                render.md(
                    t(
                        "compare.unreported_indicators",
                        names=join([pick(p.indicator, "name", view.lang) for p in empty]),
                    )
                )
            )
    state.publish("indicator", st.session_state.get("indicator"), None)
    state.publish("source", st.session_state.get("source"), None)
    view.share.update(indicator=st.session_state.get("indicator"), source=st.session_state.get("source"))


def _grid(view: View, shown: list[panels.Panel], category: str, chosen: list[str], mode: str) -> None:
    """Comparisons as charts, two a row; then the indicators only one city reports, as a table
    with their sources one click away; then every definition.

    Each chart is built just before it is drawn, so the browser gets the first one early; each
    panel is few elements (chart, one caption whose tooltip holds the definition), since every
    element costs the browser a render before the first chart is painted.
    """
    compared = [p for p in shown if not p.single_city]
    single = [p for p in shown if p.single_city]
    # The same-year offers sit under the period notice but are drawn after the first charts:
    # buttons are code the browser must load before it paints what comes after them.
    offers = st.container() if period_notice(view, shown) else None
    if compared:
        st.caption(
            ":material/touch_app: " + render.md(t("compare.tap_hint" if state.phone() else "compare.click_hint"))
        )
        first, more = _split(compared)
        _chart_grid(view, first, category, chosen, mode)
        if more:
            _more(view, more, category, chosen, mode)
        elif MORE in st.query_params:
            state.forget(MORE)  # fewer comparisons now (cities changed): nothing is behind "more"
    if offers is not None:
        with offers:
            offer_same_year(view)
    if single:
        st.subheader(t("compare.single_heading"))
        st.caption(render.md(t("compare.single_help")))
        with st.container(key="single_table"):  # styled in ui.layout: short cells do not wrap
            st.markdown(panels.single_table(view, single))
        _single_sources(view, single)
    # Drawn only when opened: a closed expander costs the first paint nothing.
    definitions = st.expander(t("compare.definitions", n=len(shown)), key=DEFINITIONS_OPEN, on_change="rerun")
    if definitions.open:
        definitions.markdown(
            "\n\n".join(
                f"**{render.md(pick(p.indicator, 'name', view.lang))}**{render.md(t('colon'))}"
                f"{panels.definition_text(p.indicator, view.lang)}"
                for p in shown
            )
        )


def _split(compared: list[panels.Panel]) -> tuple[list[panels.Panel], list[panels.Panel]]:
    """The comparisons drawn at once and those behind "more" (never just one behind it)."""
    if len(compared) <= FIRST_CHARTS + 1:
        return compared, []
    return compared[:FIRST_CHARTS], compared[FIRST_CHARTS:]


def _chart_grid(view: View, shown: list[panels.Panel], category: str, chosen: list[str], mode: str) -> None:
    columns = st.columns(2, gap="medium")
    for index, panel in enumerate(shown):
        with columns[index % 2], st.container(border=True):
            _draw(view, panel, category, chosen, mode)


def _more(view: View, more: list[panels.Panel], category: str, chosen: list[str], mode: str) -> None:
    """The remaining comparisons in an expander, drawn only when open (every Plotly chart costs
    the browser time before the first one is painted). Open in the URL (`more=1`), and opened
    by a link to one of its indicators."""
    state.claim(MORE, False, state.parse_bool, lambda v: isinstance(v, bool))
    if st.session_state.get("indicator") in {p.indicator_id for p in more}:
        st.session_state[MORE] = True
    names = render.md(join([pick(p.indicator, "name", view.lang) for p in more]))
    box = st.expander(t("compare.more", n=len(more), names=names), key=MORE, on_change="rerun")
    state.publish(MORE, bool(box.open), False)
    view.share.update(more=True if box.open else None)
    if box.open:
        with box:
            _chart_grid(view, more, category, chosen, mode)


def _on_single_source(cities: dict[str, str]) -> None:
    chosen = st.session_state.get(SINGLE_SOURCE)
    if chosen:
        panels.on_selection(chosen, cities[chosen])
    elif st.session_state.get("indicator") in cities:
        state.forget("source")


def _single_sources(view: View, single: list[panels.Panel]) -> None:
    """A choice of single-city indicator whose source (quote, report, passage) to open, and it."""
    cities = {p.indicator_id: p.city_ids[0] for p in single}
    names = {p.indicator_id: pick(p.indicator, "name", view.lang) for p in single}
    indicator = st.session_state.get("indicator")
    open_id = indicator if indicator in cities and st.session_state.get("source") == cities[indicator] else None
    st.session_state[SINGLE_SOURCE] = open_id  # follows the URL: a closed source clears the choice
    st.pills(
        t("source.show"),
        list(cities),
        key=SINGLE_SOURCE,
        format_func=lambda i: render.md(names[i]),
        on_change=_on_single_source,
        args=(cities,),
    )
    if open_id is not None:
        panel = next(p for p in single if p.indicator_id == open_id)
        panels.single_source(view, panel, _chart_key(view, panel))


def _source_for(panel: panels.Panel) -> str | None:
    return st.session_state.get("source") if st.session_state.get("indicator") == panel.indicator_id else None


def _chart_key(view: View, panel: panels.Panel) -> str:
    return f"chart_{panel.indicator_id}_{'p' if view.present else 'n'}"


def _draw(view: View, panel: panels.Panel, category: str, chosen: list[str], mode: str) -> None:
    chart_key = _chart_key(view, panel)
    chart = figure_for(view, panel, category, chosen, mode)
    selected = panels.show(
        view, panel, chart_key, f"{panel.indicator_id}_{mode}", _source_for(panel), chart, definition=True
    )
    if selected is not None:
        panels.on_selection(panel.indicator_id, selected)
    if view.present:  # one indicator per screen: its definition in full under it
        with st.expander(t("compare.definition")):
            st.markdown(panels.definition_text(panel.indicator, view.lang))


def _step(indicator_ids: list[str], current: str, step: int) -> None:
    index = indicator_ids.index(current) if current in indicator_ids else 0
    st.session_state["indicator"] = indicator_ids[(index + step) % len(indicator_ids)]
    state.forget("source")


def _present(view: View, shown: list[panels.Panel], category: str, chosen: list[str], mode: str) -> None:
    """One indicator per screen, with previous and next; every indicator is drawn as a chart."""
    ids = [p.indicator_id for p in shown]
    current = st.session_state.get("indicator") or ids[0]
    st.session_state["indicator"] = current
    index = ids.index(current)
    prev, where, nxt = st.columns([1, 3, 1], vertical_alignment="center")
    prev.button(
        t("present.prev"),
        icon=":material/arrow_back:",
        key="present_prev",
        on_click=_step,
        args=(ids, current, -1),
        width="stretch",
        disabled=len(ids) < 2,
    )
    where.markdown(render.md(t("present.position", i=index + 1, n=len(ids))), text_alignment="center")
    nxt.button(
        t("present.next"),
        icon=":material/arrow_forward:",
        key="present_next",
        on_click=_step,
        args=(ids, current, 1),
        width="stretch",
        disabled=len(ids) < 2,
    )
    _draw(view, shown[index], category, chosen, mode)
