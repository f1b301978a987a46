"""Entry point of the dashboard: page config, the explicit page list, the shared sidebar.

Run with `streamlit run dashboard.py`. The sidebar holds the language (zh/en) and presentation
mode, both kept in the URL (`?lang=en&present=1`) by ui.state.
"""

from pathlib import Path

import streamlit as st

from ui import entry, state
from ui.i18n import t

# An emoji icon is drawn in the browser; a :material/...: page icon is fetched from fonts.gstatic.com.
st.set_page_config(page_title=t("app.title"), page_icon="📊", layout="wide")

state.claim("lang", state.DEFAULT_LANG, state.parse_choice(state.LANGS), lambda v: v in state.LANGS)
state.claim("present", False, state.parse_bool, lambda v: isinstance(v, bool))
state.relabel(st.session_state["lang"])  # a new language: the other choices keep their values

pages = [
    st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="", default=True),
    st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/bar_chart:", url_path="compare"),
    st.Page("pages/city.py", title=t("nav.city"), icon=":material/location_city:", url_path="city"),
    st.Page("pages/indicator.py", title=t("nav.indicator"), icon=":material/query_stats:", url_path="indicator"),
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/table_view:", url_path="data"),
    st.Page("pages/about.py", title=t("nav.about"), icon=":material/menu_book:", url_path="about"),
]
if (Path(__file__).parent / "pages" / "editor.py").exists():
    pages.append(st.Page("pages/editor.py", title=t("nav.editor"), icon=":material/edit_note:", url_path="editor"))

current = st.navigation(pages, position="hidden" if state.present() else "sidebar")

state.publish("lang", st.session_state["lang"], state.DEFAULT_LANG)
state.publish("present", st.session_state["present"], False)

# The sidebar's widgets are drawn after the page, into a slot under the navigation: the page's
# own elements (the first chart of /compare) reach the browser first. The page reads the
# language and mode from the session, where the widgets' values are before the script runs.
sidebar = st.sidebar.container()
# The pages that draw charts: on a session's first run, the browser loads Plotly's bundle while
# the page runs (ui.entry), below the sidebar's widgets.
prefetch = entry.prefetch_chart_library(st.sidebar) if current.url_path in ("compare", "indicator") else None
try:
    with entry.through_navigation():  # the page knows it runs inside the navigation
        current.run()
finally:
    if prefetch is not None:
        prefetch.empty()
    with sidebar:
        st.segmented_control(
            t("sidebar.language"),
            state.LANGS,
            key="lang",
            required=True,
            format_func=state.LANGUAGE_NAMES.get,
            width="stretch",
        )
        st.toggle(t("sidebar.present"), key="present", help=t("sidebar.present_help"))
