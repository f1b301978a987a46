"""A page left open shows an edit of the data by itself (ui.store.follow), in real Chromium.

A server reads a copy of the tests' data; a city page and an indicator page are open in two
browser tabs; the city's file is rewritten on disk. Both pages show the new name without a
reload, keeping their URL (city, language); the editor page is not rerun under the editor's
hands. Skips without Chromium, except under CI.
"""

from __future__ import annotations

import shutil
import time

import pytest
from browser_support import DASHBOARD_DATA, StreamlitServer, open_page

from metrics import load

MAIN = "[data-testid='stMain']"
# Counts the script runs a tab starts from now on (the app's state turning to "running").
COUNT_RUNS = """() => {
  window.__runs = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


@pytest.fixture
def live(tmp_path, chromium):
    folder = tmp_path / "data"
    shutil.copytree(DASHBOARD_DATA, folder, ignore=shutil.ignore_patterns("README.md"))
    with StreamlitServer("dashboard.py", log_name="streamlit-live.log", data_dir=folder) as server:
        yield folder, server


def _shows(page, text: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in page.inner_text(MAIN):
            return True
        page.wait_for_timeout(100)
    return False


def test_open_pages_show_an_edited_file_without_a_reload(live, browser):
    folder, server = live
    city = load.city_files(folder)[1].stem  # not the default city: its id stays in the URL
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        city_page, english, editor = context.new_page(), context.new_page(), context.new_page()
        open_page(city_page, f"{server.url}/city?city={city}")
        open_page(english, f"{server.url}/city?city={city}&lang=en")
        open_page(editor, f"{server.url}/editor")
        for tab in (city_page, editor):
            tab.evaluate(COUNT_RUNS)
        path = folder / "cities" / f"{city}.yaml"
        text = path.read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if x.startswith("name: "))
        path.write_text(text.replace(line, "name: {zh: 改名后的城市, en: Renamed City}", 1), encoding="utf-8")
        assert _shows(city_page, "改名后的城市"), f"the open city page did not show the edit ({server.log_path})"
        assert _shows(english, "Renamed City"), "the English page did not show the edit in English"
        assert f"city={city}" in city_page.url and "lang=en" in english.url, "the pages kept their URL"
        assert city_page.evaluate("() => window.__runs") >= 1, "the city page was rerun (the count works)"
        editor.wait_for_timeout(1_500)
        assert editor.evaluate("() => window.__runs") == 0, "the editor page was rerun by a data edit"
    finally:
        context.close()
