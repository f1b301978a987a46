"""View state kept in the URL, so that a link reopens exactly the same view.

Every piece of state a view depends on (language, presentation mode, category, cities, mode,
indicator, city...) lives in `st.session_state` under its URL parameter name and is mirrored
into `st.query_params` with language-independent ids (`?category=rights&cities=suqian,zibo`).
Streamlit's own `bind="query-params"` writes a widget's *formatted* label into the URL, which
would change with the language, so the mirroring is done here:

- `claim(name, ...)` before a widget: a URL value that this session did not write itself
  (a deep link, the back button) wins; otherwise the session's value stays. A value is also
  kept across page switches, which drop the query string.
- `publish(name, value, ...)` after the widget: writes the value to the URL, or removes the
  parameter when it equals the default, to keep links short.

`share_url` builds the "copy link to this view" URL with every parameter written out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st

LANGS = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}  # the language control's labels, the same in both
DEFAULT_LANG = "zh"
MODES = ("absolute", "per_100k")

_WRITTEN = "_url_written"  # parameter -> the raw value this session last wrote to the URL
_LANG_DRAWN = "_lang_drawn"  # the language of the session's last run
_KEPT = "_url_kept"  # parameter -> the last value, to restore it after a page switch

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


# --- parsing and writing values ------------------------------------------------------------


def parse_bool(raw: str) -> bool | None:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def parse_choice(options: Sequence[str]) -> Callable[[str], str | None]:
    """A parser accepting one of `options` (ids), or None for anything else."""
    allowed = set(options)
    return lambda raw: raw if raw in allowed else None


def parse_choices(options: Sequence[str]) -> Callable[[str], list[str] | None]:
    """A parser of a comma-separated list of ids; unknown ids are dropped, order kept."""
    allowed = set(options)

    def parse(raw: str) -> list[str] | None:
        picked = []
        for item in raw.split(","):
            item = item.strip()
            if item in allowed and item not in picked:
                picked.append(item)
        return picked or None

    return parse


def serialise(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


# --- claim and publish ---------------------------------------------------------------------


def _memory(name: str) -> dict:
    return st.session_state.setdefault(name, {})


def claim(name: str, default: Any, parse: Callable[[str], Any], valid: Callable[[Any], bool] | None = None) -> Any:
    """Sets `st.session_state[name]` before its widget is drawn; returns the value.

    A URL value this session did not write wins (deep link, history navigation); otherwise the
    session keeps its value; after a page switch the kept value comes back. `valid` drops a
    session value that no longer fits (a city that is no longer loaded).
    """
    written = _memory(_WRITTEN)
    kept = _memory(_KEPT)
    raw = st.query_params.get(name)
    if raw is not None and raw != written.get(name):
        parsed = parse(raw)
        if parsed is not None:
            st.session_state[name] = parsed
            written[name] = raw
    if name not in st.session_state:
        st.session_state[name] = kept.get(name, default)
    if valid is not None and not valid(st.session_state[name]):
        st.session_state[name] = default
    return st.session_state[name]


def publish(name: str, value: Any, default: Any) -> None:
    """Mirrors a value into the URL; a default value is left out of it."""
    written = _memory(_WRITTEN)
    _memory(_KEPT)[name] = value
    raw = None if value == default else serialise(value)
    if raw is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != raw:
        st.query_params[name] = raw
    written[name] = raw


def forget(name: str) -> None:
    """Removes a parameter from the URL and the session (a panel closed, a selection cleared)."""
    _memory(_KEPT).pop(name, None)
    _memory(_WRITTEN)[name] = None
    st.session_state.pop(name, None)
    if name in st.query_params:
        del st.query_params[name]


def relabel(lang: str) -> None:
    """Called once a run, before any widget: when the language differs from the last run's,
    every claimed value is set again in the session.

    A widget's browser-side value is its option *labels*, which change with the language. Read
    before the widgets of the new language are drawn, each value is still the right id; set
    again, it is sent to the browser in the new labels. Left alone, the browser would send the
    old labels with its next change, which match no option of the new language, and the choice
    would fall back to its default (seen on the many-cities search after switching back, by the
    language control or by a link).
    """
    drawn = st.session_state.get(_LANG_DRAWN)
    st.session_state[_LANG_DRAWN] = lang
    if drawn is None or drawn == lang:
        return
    for name in list(_memory(_KEPT)):
        if name not in ("lang", "present") and name in st.session_state:
            st.session_state[name] = st.session_state[name]


# --- state every page shares -----------------------------------------------------------------


_PHONE_MARKS = ("Mobi", "iPhone", "Android", "iPad")


def phone() -> bool:
    """Whether the visitor's browser says it is a phone or tablet (its User-Agent): there the
    compare page folds its controls away and hints say "tap", since there is no hover."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # no request (AppTest, bare mode): not a phone
        return False
    return any(mark in agent for mark in _PHONE_MARKS)


def lang() -> str:
    """The interface language: the sidebar's choice, else the URL's, else Chinese."""
    value = st.session_state.get("lang")
    if value in LANGS:
        return value
    raw = st.query_params.get("lang")
    return raw if raw in LANGS else DEFAULT_LANG


def present() -> bool:
    """Whether presentation mode is on (sidebar toggle, or `?present=1` on a page run alone)."""
    value = st.session_state.get("present")
    if isinstance(value, bool):
        return value
    raw = st.query_params.get("present")
    return bool(raw is not None and parse_bool(raw))


def set_present(on: bool) -> None:
    """Callback for buttons that enter or leave presentation mode."""
    st.session_state["present"] = on


# --- links -----------------------------------------------------------------------------------


def base_url(page_path: str) -> str:
    """The app's root URL as the browser sees it, without the current page's path."""
    url = None
    try:
        url = st.context.url
    except Exception:
        url = None
    if url:
        url = url.split("?")[0].split("#")[0].rstrip("/")
        if page_path and url.endswith("/" + page_path):
            url = url[: -len(page_path) - 1]
        return url + "/"
    host = None
    try:
        host = st.context.headers.get("Host")
    except Exception:
        host = None
    return f"http://{host}/" if host else "/"


def share_url(page_path: str, params: dict[str, Any]) -> str:
    """A link reopening this view: every parameter written out, defaults included."""
    query = {name: serialise(value) for name, value in params.items() if value is not None and value != []}
    encoded = urlencode(query, safe=",.", quote_via=quote)
    return f"{base_url(page_path)}{page_path}" + (f"?{encoded}" if encoded else "")


def link_params() -> dict[str, str]:
    """The shared state (language, presentation mode) as query parameters for a link to another page."""
    params = {}
    if lang() != DEFAULT_LANG:
        params["lang"] = lang()
    if present():
        params["present"] = "1"
    return params
