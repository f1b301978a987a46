"""The data page's body: the observation table with filters, downloads, the source articles.

State in the URL: `data_cities`, `data_categories`, `data_indicators` (comma-separated ids;
empty means all) and `q` (text searched in quotes, notes and parts).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import format as fmt
from ui import exports, frames, labels, memo, render, state
from ui.i18n import pick, t
from ui.layout import View


def _multi(name: str, label: str, options: list[str], names: dict[str, str], column) -> list[str]:
    state.claim(name, [], state.parse_choices(options), lambda v: isinstance(v, list) and all(o in options for o in v))
    chosen = column.multiselect(
        label, options, key=name, format_func=lambda o: names.get(o, o), placeholder=t("data.all")
    )
    chosen = [o for o in options if o in chosen]
    state.publish(name, chosen, [])
    return chosen


def filters(view: View) -> tuple[list[str], list[str], list[str], str]:
    lang = view.lang
    cities = frames.cities(view.key, view.cur)
    categories = frames.categories(view.key, view.cur)
    indicators = frames.indicators(view.key, view.cur)
    columns = st.columns([1, 1.3, 1.6, 1.2])
    city_ids = _multi(
        "data_cities",
        t("col.city"),
        list(cities["city_id"]),
        {r["city_id"]: pick(r, "name", lang) for _, r in cities.iterrows()},
        columns[0],
    )
    category_ids = _multi(
        "data_categories",
        t("col.category"),
        list(categories["category_id"]),
        {r["category_id"]: pick(r, "name", lang) for _, r in categories.iterrows()},
        columns[1],
    )
    shown_indicators = indicators if not category_ids else indicators[indicators["category_id"].isin(category_ids)]
    indicator_ids = _multi(
        "data_indicators",
        t("col.indicator"),
        list(shown_indicators["indicator_id"]),
        {r["indicator_id"]: pick(r, "name", lang) for _, r in shown_indicators.iterrows()},
        columns[2],
    )
    state.claim("q", "", lambda raw: raw[:100])
    query = columns[3].text_input(t("data.search"), key="q", max_chars=100)
    state.publish("q", query, "")
    view.share.update(
        data_cities=city_ids, data_categories=category_ids, data_indicators=indicator_ids, q=query or None
    )
    return city_ids, category_ids, indicator_ids, query


def select(rows: pd.DataFrame, city_ids, category_ids, indicator_ids, query: str) -> pd.DataFrame:
    """The observations matching the filters (all, where a filter is empty)."""
    mask = pd.Series(True, index=rows.index)
    if city_ids:
        mask &= rows["city_id"].isin(city_ids)
    if category_ids:
        mask &= rows["category_id"].isin(category_ids)
    if indicator_ids:
        mask &= rows["indicator_id"].isin(indicator_ids)
    if query.strip():
        needle = query.strip().lower()
        text = (
            rows["quote"].fillna("")
            + " "
            + rows["note"].fillna("")
            + " "
            + rows["note_en"].fillna("")
            + " "
            + rows["breakdown_zh"].fillna("")
            + " "
            + rows["breakdown_en"].fillna("")
        ).str.lower()
        mask &= text.str.contains(needle, regex=False)
    return rows[mask]


COLUMNS = (
    "col.city",
    "col.category",
    "col.indicator",
    "col.value",
    "col.period",
    "col.flags",
    "col.breakdown",
    "col.per_100k",
    "col.quote",
    "col.note",
    "col.as_written",
    "col.report",
    "col.published",
    "col.source",
)
MAX_ROWS = 5_000  # rows drawn at once (a national edition has 100,000); downloads hold them all


def table(view: View, rows: pd.DataFrame) -> pd.DataFrame:
    """The observations as shown: names in the current language, values qualified."""
    lang = view.lang

    def text(value) -> str:
        return "" if value is None or str(value) in ("nan", "None") else str(value)

    return pd.DataFrame(
        [
            (
                pick(r, "city", lang),
                pick(r, "category", lang),
                pick(r, "indicator", lang),
                labels.value_text(r, lang),
                labels.period_text(r, lang),
                labels.flags_text(r, lang),
                text(r["breakdown_en" if lang == "en" else "breakdown_zh"]),
                labels.rate_text(r, lang, with_unit=False),
                r["quote"],
                labels.note_cell(r, lang),
                f"{fmt.format_number(float(r['value_as_written']), 4)} {r['unit_as_written']}",
                r["report_id"],
                labels.published_cell(r, lang),
                r["source_path"],
            )
            for r in rows.to_dict("records")
        ],
        columns=[t(c, lang) for c in COLUMNS],
    )


@memo.copied(32)
def _table(key: str, lang: str, choice: tuple, _view: View, _rows: pd.DataFrame) -> pd.DataFrame:
    # once per data version, language and filter choice
    return table(_view, _rows)


def downloads(view: View, shown: pd.DataFrame) -> None:
    """CSV (with BOM) and Excel of the rows shown and of everything, with sources and notes."""
    lang = view.lang
    every = frames.export_rows(view.key, view.cur)
    reports = frames.reports(view.key, view.cur)
    cities = frames.cities(view.key, view.cur)
    notes = exports.notes_frame()
    st.subheader(t("data.download"))
    st.caption(render.md(t("data.download_help")))
    scopes = [
        ("shown", t("data.download.shown", n=len(shown)), every[every["observation_id"].isin(shown["observation_id"])]),
        ("all", t("data.download.all", n=len(every)), every),
    ]
    for name, label, rows in scopes:
        st.markdown(f"**{render.md(label)}**")
        # built when a button is pressed (100,000 rows take seconds), not on every run
        used = exports.sources_frame(reports, cities, list(rows["report_id"].unique()))
        row = st.container(horizontal=True)
        row.download_button(
            t("data.csv"),
            data=lambda r=rows: exports.csv_bytes(exports.data_frame(r, lang)),
            file_name=f"federation_{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"csv_{name}",
            on_click="ignore",
        )
        row.download_button(
            t("data.csv_sources"),
            data=lambda s=used: exports.csv_bytes(s),
            file_name=f"federation_{name}_sources.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"csv_sources_{name}",
            on_click="ignore",
        )
        row.download_button(
            t("data.csv_notes"),
            data=lambda: exports.csv_bytes(notes),
            file_name="federation_notes.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"csv_notes_{name}",
            on_click="ignore",
        )
        row.download_button(
            t("data.excel"),
            data=lambda r=rows, s=used: exports.excel_bytes(exports.data_frame(r, lang), s, notes),
            file_name=f"federation_{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key=f"xlsx_{name}",
            on_click="ignore",
        )


def reports_table(view: View) -> pd.DataFrame:
    lang = view.lang
    reports = frames.reports(view.key, view.cur)
    return pd.DataFrame(
        {
            t("col.city"): [pick(r, "city", lang) for _, r in reports.iterrows()],
            t("col.title"): [labels.report_title(r, lang) for _, r in reports.iterrows()],
            t("col.publisher"): list(reports["publisher"]),
            t("col.published"): [labels.published_cell(r, lang) for _, r in reports.iterrows()],
            t("col.period"): [labels.period_text({**r, "cumulative": False}, lang) for _, r in reports.iterrows()],
            t("col.observations"): list(reports["n_observations"]),
            t("col.source"): list(reports["source_path"]),
            t("col.url"): [
                r["url"] if r["url"] is not None and str(r["url"]) != "nan" else "" for _, r in reports.iterrows()
            ],
            t("col.id"): list(reports["report_id"]),
        }
    )


PUBLISHED_PX = 132  # "2023-06-19" and "发布日期不详" whole


def reports_columns() -> dict:
    """Widths of the source list: the long titles may be cut (hover shows them), the dates never."""
    text = st.column_config.TextColumn
    return {
        t("col.city"): text(width=90),
        t("col.title"): text(width=290),
        t("col.publisher"): text(width=170),
        t("col.published"): text(width=PUBLISHED_PX),
        t("col.period"): text(width=120),
        t("col.observations"): st.column_config.NumberColumn(width=90),
        t("col.url"): text(width=220),
    }


def body(view: View) -> None:
    rows = frames.observations(view.key, view.cur)
    city_ids, category_ids, indicator_ids, query = filters(view)
    shown = select(rows, city_ids, category_ids, indicator_ids, query)
    st.caption(render.md(t("data.rows", n=len(shown), total=len(rows))))
    if len(shown) > MAX_ROWS:
        st.caption(render.md(t("data.rows_cut", n=MAX_ROWS)))
    choice = (tuple(city_ids or ()), tuple(category_ids or ()), tuple(indicator_ids or ()), query)
    st.dataframe(
        _table(view.key, view.lang, choice, view, shown.head(MAX_ROWS)),
        width="stretch",
        hide_index=True,
        height=460,
        column_config={t("col.published"): st.column_config.TextColumn(width=PUBLISHED_PX)},
    )
    downloads(view, shown)
    st.subheader(t("data.reports"))
    st.caption(render.md(t("data.reports_caption")))
    st.dataframe(reports_table(view), width="stretch", hide_index=True, column_config=reports_columns())
