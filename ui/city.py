"""The city profile's body: the city, its reports, its indicators by category, the annotated article.

State in the URL: `city` (default: the editor's unsaved preview city if there is one, else the
first city).
"""

from __future__ import annotations

import streamlit as st

from ui import frames, labels, render, state
from ui.i18n import join, pick, t
from ui.layout import View


def choose(view: View) -> str | None:
    lang = view.lang
    cities = frames.cities(view.key, view.cur)
    ids = list(cities["city_id"])
    if not ids:
        st.info(t("city.none"))
        return None
    names = {r["city_id"]: f"{pick(r, 'name', lang)}" for _, r in cities.iterrows()}
    default = view.preview_city if view.preview_city in ids else ids[0]
    state.claim("city", default, state.parse_choice(ids), lambda v: v in ids)
    if view.present:
        city = st.session_state["city"]
    else:
        city = st.selectbox(t("city.choose"), ids, key="city", format_func=names.get)
    state.publish("city", city, default)
    view.share.update(city=city)
    return city


def body(view: View) -> None:
    city_id = choose(view)
    if city_id is None:
        return
    lang = view.lang
    cities = frames.cities(view.key, view.cur).set_index("city_id", drop=False)
    city = cities.loc[city_id]
    header(view, city)
    reports = frames.reports(view.key, view.cur)
    reports = reports[reports["city_id"] == city_id]
    st.subheader(t("city.reports"))
    for _, report in reports.iterrows():
        report_box(view, report)
    st.subheader(t("city.indicators"))
    indicators_by_category(view, city_id)
    st.subheader(t("city.article"))
    st.caption(render.md(t("city.article_caption")))
    profile = frames.city_profile(view.key, view.cur, city_id)
    indicator_of = {int(r["observation_id"]): pick(r, "indicator", lang) for _, r in profile.iterrows()}
    for _, report in reports.iterrows():
        article(view, report, indicator_of)


def header(view: View, city) -> None:
    lang = view.lang
    other = "en" if lang == "zh" else "zh"
    with st.container(border=True, key=f"city_{city['city_id']}"):
        st.markdown(f"### {render.md(pick(city, 'name', lang))} :gray[{render.md(pick(city, 'name', other))}]")
        st.markdown(render.md(f"{pick(city, 'province', lang)} · {labels.level_text(city, lang)}"))
        st.markdown(
            f"**{render.md(t('city.population'))}**{render.md(t('colon'))}"
            f"{render.md(labels.population_text(city, lang))}"
        )
        source = city["population_source"] if labels.has_text(city["population_source"]) else "—"
        st.caption(render.md(f"{t('source')}{t('colon')}{source} · {city['file']}"))


def report_box(view: View, report) -> None:
    lang = view.lang
    title = labels.report_title(report, lang)
    period = labels.period_text(report, lang)
    st.markdown(f"**{render.md(title)}**")
    meta = [
        str(report["publisher"]),
        labels.published_text(report, lang),
        f"{t('period')}{t('colon')}{period}",
        str(report["source_path"]),
        t("city.quotes_found", n=int(report["n_observations"])),
    ]
    st.caption(render.md(" · ".join(meta)))
    notes = [labels.report_note(report, "published_note", lang)]
    if report.get("period_inferred"):
        notes.append(f"{t('source.period_inferred')}{t('colon')}{labels.report_note(report, 'period_note', lang)}")
    if report.get("excerpt"):
        notes.append(t("source.excerpt"))
    for note in notes:
        if labels.has_text(note):
            st.caption(render.md(str(note)))
    url = report.get("url")
    if url is not None and str(url).startswith(("https://", "http://")):
        st.link_button(render.md(str(url)[:80]), str(url), icon=":material/open_in_new:")


def indicators_by_category(view: View, city_id: str) -> None:
    """Each category's indicators for this city as a readable list, with quotes."""
    lang = view.lang
    categories = frames.categories(view.key, view.cur)
    everything = frames.city_values(view.key, view.cur, city_id)
    years = sorted({int(y) for y in everything["report_year"]})
    if len(years) > 1:
        years_side_by_side(view, everything, years)
    empty = []
    for _, category in categories.iterrows():
        values = everything[everything["category_id"] == category["category_id"]]
        if values.empty:
            empty.append(pick(category, "name", lang))
            continue
        with st.expander(
            f"{render.md(pick(category, 'name', lang))} · {len(values['indicator_id'].unique())}", expanded=True
        ):
            for _, row in values.iterrows():
                line = (
                    f"**{render.md(pick(row, 'indicator', lang))}**{render.md(t('colon'))}"
                    f"{render.md(labels.value_text(row, lang) + labels.mixed_suffix(row, lang))} · "
                    f"{render.md(labels.period_flags_text(row, lang))}"
                )
                if row["per_100k"] == row["per_100k"] and row["per_100k"] is not None:
                    line += f" · :gray[{render.md(labels.rate_text(row, lang))}]"
                st.markdown(line)
                part = labels.part_label(row, lang)
                if part:
                    st.caption(render.md(part))
                if labels.is_sum(row):
                    st.caption(render.md(t("sum_of_parts.long", lang)))
                    for label, value, quote in labels.parts(row, lang):
                        st.markdown(
                            f"- {render.md(label)}{render.md(t('colon'))}{render.md(value)} — "
                            f":gray[{render.md_inline('“' + quote + '”')}]"
                        )
                else:
                    st.markdown(f":gray[{render.md_inline('“' + row['quotes'][0] + '”')}]")
                heading, note = labels.note_text(row, lang)
                if note:
                    st.caption(render.md(f"{heading}{t('colon', lang)}{note}"))
    if empty:
        st.caption(render.md(t("city.not_reported_categories", names=join(empty))))


def article(view: View, report, indicator_of: dict[int, str]) -> None:
    """The article as published, every curated quote highlighted and tagged with its indicator."""
    segments = frames.article_with_quotes(view.key, view.cur, report["report_id"])
    title = labels.report_title(report, view.lang)
    marked = [
        (text, obs_id is not None, indicator_of.get(obs_id) if obs_id is not None else None)
        for text, obs_id in segments
    ]
    with (
        st.expander(f"{render.md(title)} · {render.md(report['source_path'])}", expanded=True),
        st.container(height=640, border=False),
    ):
        st.markdown(render.paragraphs(marked))


def years_side_by_side(view: View, values, years: list[int]) -> None:
    """A city with several reports: each indicator's value in each year, side by side (one table).

    A row is an indicator (with its scope or level when it has one); a year in which the city
    does not report it says so, never 0. Values keep their qualifier, measure word and flags.
    """
    lang = view.lang
    rows: dict[tuple, dict] = {}
    for _, row in values.iterrows():
        # A flow's period is in its cell (a row per indicator, not per span); a running total
        # keeps its start, else its row would say "start unknown" of a known start.
        span = {"period_start": None, "period_end": None} if str(row.get("tally") or "flow") == "flow" else {}
        extra = labels.flags_text({**row, **span, "period_inferred": False}, lang)
        name = pick(row, "indicator", lang) + (
            f"（{extra}）" if extra and lang == "zh" else f" ({extra})" if extra else ""
        )
        key = (row["category_order"], row["indicator_order"], name)
        cells = rows.setdefault(key, {t("col.indicator", lang): name})
        text = labels.value_text(row, lang) + labels.mixed_suffix(row, lang)
        period = labels.period_text(row, lang)
        if period != str(int(row["report_year"])) + ("年" if lang == "zh" else ""):
            text += f" · {period}"
        column = t("city.year", lang, year=int(row["report_year"]))
        cells[column] = f"{cells[column]}{t('sep', lang)}{text}" if column in cells else text
    columns = [t("col.indicator", lang)] + [t("city.year", lang, year=y) for y in years]
    table = [{c: cells.get(c, t("not_reported", lang)) for c in columns} for _, cells in sorted(rows.items())]
    st.markdown(f"**{render.md(t('city.years_heading', n=len(years)))}**")
    st.caption(render.md(t("city.years_help")))
    st.dataframe(table, hide_index=True, width="stretch", column_order=columns)
