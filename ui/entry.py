"""What every script run does first, before a page imports pandas and opens the data.

This module imports streamlit alone (plotly when a chart is prefetched), so that its two steps
cost milliseconds:

- `leave_pages_folder_mode()`: a deep link on a freshly started server runs the page script on
  its own (Streamlit's old pages-folder mode); the run is restarted through dashboard.py at once,
  before the page's imports, rather than after them.
- `prefetch_chart_library()`: the browser loads Plotly's 4 MB bundle only when the first chart
  element arrives, and that takes about a second on this project's machine. On a session's first
  run of a page with charts, dashboard.py draws an empty chart ten pixels high (Plotly's least), so that the bundle
  loads while the server opens the data and runs the page (a first chart about 0.8 s sooner
  after a restart, measured by scripts/bench_scale.py); the slot is emptied when the run ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

_RUN = threading.local()  # per script thread: whether this run came through dashboard.py
_PREFETCHED = "_chart_library_requested"  # session key: the browser was sent a chart already


@contextmanager
def through_navigation() -> Iterator[None]:
    """Marks the script run as dashboard.py's (which wraps its `current.run()` in this)."""
    _RUN.navigated = True
    try:
        yield
    finally:
        _RUN.navigated = False


def leave_pages_folder_mode() -> None:
    """Reruns through dashboard.py when Streamlit ran this page as a "pages/ folder" app.

    Streamlit treats an app with a pages/ folder as a multipage app of the old kind until the
    entry script has called st.navigation once in the process (PagesManager.uses_pages_directory,
    cleared by st.navigation). Until then a deep link such as /compare on a fresh server runs
    pages/compare.py alone, without the entry script's navigation and sidebar. Whether this run
    came through dashboard.py is known per run (`through_navigation`), not from the process-wide
    flag, so that every one of several first visitors arriving together is rerun through the
    navigation, not only the first: clearing the flag makes the rerun execute dashboard.py,
    whose st.navigation resolves the same url path. A page run on its own as the app's main
    script (AppTest of pages/x.py) is left alone.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if getattr(_RUN, "navigated", False):
        return
    ctx = get_script_run_ctx()
    main = getattr(ctx, "main_script_path", "") or ""
    if main.endswith("dashboard.py"):
        PagesManager.uses_pages_directory = False
        st.rerun()


def prefetch_chart_library(where) -> object | None:
    """Once per browser session: an empty, static chart ten pixels high in `where` (a container),
    whose arrival makes the browser load Plotly's bundle. Returns its slot (the caller empties it
    when the run ends), or None when the session was sent one already."""
    if st.session_state.get(_PREFETCHED):
        return None
    import plotly.graph_objects as go  # the pages import it too: here, after the pages-folder exit

    st.session_state[_PREFETCHED] = True
    slot = where.empty()
    try:
        figure = go.Figure(layout={"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        slot.plotly_chart(figure, config={"staticPlot": True, "displayModeBar": False}, theme=None, width="stretch")
    except AttributeError as exc:
        # Plotly looks numpy and pandas up in sys.modules without importing them (to compare and
        # serialise values): while another session's first run is importing them, it finds a
        # module half made (seen with six first visitors at once, in the figure's constructor and
        # in its serialiser). The pages import pandas before they draw, which waits for such an
        # import to finish; the prefetch is only a head start, and this session goes without.
        if "partially initialized module" not in str(exc):
            raise
        slot.empty()
        return None
    return slot
