"""The frame of every page: store and cursor for the run, title, share link, notices, styles.

A page script is

    with layout.page("compare", "compare.title") as view:
        ...  # widgets and ui helpers, reading through view.cur
        view.share.update(category=..., cities=...)

`page()` resolves the language and presentation mode, opens one cursor for the run (and marks the
session as showing the shared data, so that an edit of a data file reruns it: ui.store.follow;
never the editor, whose text is the editor's own), draws the
title with a "copy link to this view" popover (filled in last, from `view.share`), the preview
notice when the editor's unsaved city is shown, and the styles: city colours, and in
presentation mode a hidden sidebar and toolbar with larger type. The CSS is ours alone; no
curated text goes into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from metrics.problems import CatalogError, Problem
from ui import colors, entry, frames, render, state, store
from ui.i18n import t

# Page url paths -> their scripts (for st.page_link and the navigation).
PAGES = {
    "": "pages/overview.py",
    "compare": "pages/compare.py",
    "city": "pages/city.py",
    "indicator": "pages/indicator.py",
    "data": "pages/data.py",
    "about": "pages/about.py",
}

_BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; max-width: 1280px; }
.st-key-share_slot { display: flex; justify-content: flex-end; }
[class*="st-key-city_"] { padding-left: 0.9rem !important; }
/* A city's name in the other script stays whole: "连云港市" never breaks between its characters. */
[class*="st-key-city_"] h3, [class*="st-key-city_"] h4 { word-break: keep-all; overflow-wrap: normal; }
/* The table of single-city indicators: city names stay whole, names and values keep some width. */
.st-key-single_table td:nth-child(2) { white-space: nowrap; }
.st-key-single_table td:nth-child(6) { word-break: keep-all; }
.st-key-single_table td:nth-child(1) { min-width: 7em; }
.st-key-single_table td:nth-child(3), .st-key-single_table td:nth-child(4) { min-width: 6em; }
</style>
"""

_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebarNav"] { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; max-width: 1500px; }
</style>
"""


@dataclass
class View:
    """What a page needs for one run."""

    path: str
    lang: str
    present: bool
    store: Any
    key: str
    cur: Any
    colours: dict[str, str]
    preview_city: str | None
    share: dict[str, Any] = field(default_factory=dict)


def _open_store(present: bool) -> Any:
    try:
        return store.current_store()
    except CatalogError as exc:
        st.html(_BASE_CSS + (_PRESENT_CSS if present else ""))
        st.error(t("catalog.broken"))
        st.code("\n".join(p.text(state.lang()) for p in exc.problems), language=None, wrap_lines=True)
        st.stop()


@contextmanager
def page(path: str, title_key: str) -> Iterator[View]:
    """Frames a page: see the module docstring."""
    entry.leave_pages_folder_mode()  # the page scripts call it first; here for any other caller
    lang = state.lang()
    present = state.present()
    data = _open_store(present)
    if path != "editor" and store.preview_city(data) is None and isinstance(data, store.Store):
        store.follow(data)  # an open page of the shared data is rerun when a data file is edited
    else:
        store.unfollow()  # the editor's own text is never rerun under the editor's hands
    key = store.store_key(data)
    with data.cursor() as cur:
        cities = frames.cities(key, cur)
        preview = store.preview_city(data)
        colour_map = colors.city_colours(set(store.city_files(data)) | set(cities["city_id"]))
        # One style element for the page (each st.html is an element the browser renders).
        st.html(_BASE_CSS + (_PRESENT_CSS if present else "") + f"<style>{colors.css_rules(colour_map)}</style>")
        view = View(path, lang, present, data, key, cur, colour_map, preview)
        if present:
            # A row sized by its content: the larger type of presentation mode never wraps the buttons.
            bar = st.container(
                horizontal=True, vertical_alignment="center", horizontal_alignment="distribute", key="present_bar"
            )
            bar.button(
                t("present.exit"),
                icon=":material/close_fullscreen:",
                on_click=state.set_present,
                args=(False,),
                key="exit_present",
            )
            slot = bar.container(key="share_slot", width="content")
        else:
            left, right = st.columns([4, 1.6], vertical_alignment="bottom")
            left.title(t(title_key))
            slot = right.container(key="share_slot")
        if preview:
            names = cities.loc[cities["city_id"] == preview]
            label = preview if names.empty else f"{names.iloc[0]['name_zh']} {names.iloc[0]['name_en']}"
            st.warning(render.md(t("preview.notice", city=label)), icon=":material/visibility:")
        try:
            yield view
        finally:
            with slot:
                share_popover(view)


def mode_control(where) -> str:
    """The absolute / per-100,000 choice (session key and URL parameter `mode`) in a container."""
    return where.segmented_control(
        t("compare.mode"),
        state.MODES,
        key="mode",
        required=True,
        format_func=lambda m: t(f"mode.{m}"),
        width="stretch",
    )


def share_popover(view: View) -> None:
    """The "copy link to this view" control: the full URL in a code box (which has a copy button)."""
    params = {"lang": view.lang, **view.share, "present": view.present}
    url = state.share_url(view.path, params)
    with st.popover(t("share.button"), icon=":material/link:", wrap=False):
        st.caption(t("share.help"))
        st.code(url, language=None, wrap_lines=True)


def page_link(path: str, label: str, icon: str | None = None, **params: Any) -> None:
    """A link to another page carrying the language, presentation mode and `params`."""
    query = state.link_params()
    query.update({k: state.serialise(v) for k, v in params.items() if v is not None})
    try:
        st.page_link(PAGES[path], label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        # The page script runs on its own (no st.navigation): link by URL instead.
        st.markdown(f"[{render.md(label)}]({state.share_url(path, query)})")


def problems_box(problems) -> None:
    """The located errors of the city files that failed to load (file:line:col: message)."""
    if problems is None or problems.empty:
        return
    files = problems["path"].nunique()
    lines = [Problem.from_row(r).text(state.lang()) for r in problems.itertuples()]
    st.error(t("overview.problems", n=files), icon=":material/error:")
    st.code("\n".join(lines), language=None, wrap_lines=True)
