"""The method page's body: how numbers are curated, qualifiers, periods, denominators, caveats."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import frames, labels
from ui.i18n import ABOUT, pick, t
from ui.layout import View


def body(view: View) -> None:
    st.markdown(ABOUT[view.lang])
    st.subheader(t("about.denominators"))
    st.dataframe(denominators(view), width="stretch", hide_index=True)


def denominators(view: View) -> pd.DataFrame:
    """Each city's level, report period(s) and population denominator with year, basis, source."""
    lang = view.lang
    cities = frames.cities(view.key, view.cur)
    reports = frames.reports(view.key, view.cur)
    rows = []
    for _, city in cities.iterrows():
        own = reports[reports["city_id"] == city["city_id"]]
        rows.append(
            {
                t("col.city"): pick(city, "name", lang),
                t("col.level"): labels.level_text(city, lang),
                t("col.period"): " / ".join(labels.period_text(r, lang) for _, r in own.iterrows()),
                t("city.population"): labels.population_text(city, lang),
                t("source"): city["population_source"] if labels.has_text(city["population_source"]) else "—",
            }
        )
    return pd.DataFrame(rows)
