"""The compare page's layout with 5, 12 and 40 cities and on a phone, in real Chromium.

For each size a server reads a data folder made by tests/many_cities.py. Checked in the browser:
no control (category and period pills, city pills or the city popover) runs past the window, the
period notice stays short, chart footers never break a city name, no two coloured cities share a
colour and none is black; on a 390 px phone the controls fold into one line and the first chart
starts on the first screen. Screenshots go to artifacts/screenshots/layout-*.png for a person to
look at. Skips without Chromium, except under CI.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    SCREENSHOTS,
    StreamlitServer,
    full_page_screenshot,
    open_page,
    wait_charts_drawn,
    wait_idle,
)
from many_cities import make

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    ),
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

# Every control and notice of the page: the right edge of each, and whether it scrolls sideways.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(
      "[data-testid='stPills'], [data-testid='stPopover'], [data-testid='stButtonGroup'], "
      + "[data-testid='stExpander'], [data-testid='stAlert'], [data-testid='stPlotlyChart']")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el.closest("[data-testid='stSidebar']")) continue;  // the sidebar slides away
    if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1) {
      out.push(`${el.dataset.testid} right=${Math.round(box.right)} width=${width} scroll=${el.scrollWidth}/${el.clientWidth}`);
    }
  }
  return out;
}"""

# The footers and bar colours of every drawn chart.
CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => ({
  footer: (plot.layout.annotations || []).map(a => a.text).join('<br>'),
  colours: (plot.data[0].marker.color || []),
  labels: (plot.data[0].y || []),
}))"""


@pytest.fixture(scope="module")
def site(request, tmp_path_factory, chromium):
    """A server reading a data folder of `request.param` cities (tests parametrize it indirectly)."""
    n = request.param
    folder = make(tmp_path_factory.mktemp(f"cities{n}") / "data", n)
    with StreamlitServer("dashboard.py", log_name=f"streamlit-layout-{n}.log", data_dir=folder) as server:
        yield n, server


def _open(browser, server, context_args, path):
    context = browser.new_context(**context_args)
    page = context.new_page()
    open_page(page, f"{server.url}/{path}")
    # a fresh server may run a first pass without charts (pages-folder mode) and rerun: wait for one
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=60_000)
    wait_idle(page)
    wait_charts_drawn(page)
    return context, page


def _split_names(footer: str, names: list[str]) -> list[str]:
    """City names that a footer breaks across two of its lines."""
    lines = [re.sub(r"<[^>]+>", "", line) for line in footer.split("<br>")]
    broken = []
    for name in names:
        if name in footer.replace("<br>", "") and not any(name in line for line in lines):
            broken.append(name)
    return broken


@pytest.mark.parametrize("site", [5, 12, 40], ids=lambda n: f"{n}-cities", indirect=True)
def test_compare_controls_fit_and_names_stay_whole(browser, site):
    n, server = site
    context, page = _open(browser, server, DESKTOP, "compare?category=employment")
    try:
        overflow = page.evaluate(OVERFLOW_JS)
        assert overflow == [], f"{n} cities: {overflow}"
        if n > 8:
            # many cities: one popover states the choice instead of a pill per city
            assert page.locator("[data-testid='stPopover']").filter(has_text=re.compile("城市")).count() >= 1
        notice = page.locator("[data-testid='stAlert']").filter(has_text="时期不同")
        if notice.count():
            height = notice.first.bounding_box()["height"]
            assert height < 160, f"{n} cities: the period notice is {height:.0f} px tall"
        charts = page.evaluate(CHARTS_JS)
        assert charts, "no chart drawn"
        names = [label.split("<br>")[0] for chart in charts for label in chart["labels"]]
        for chart in charts:
            assert _split_names(chart["footer"], sorted(set(names))) == []
            coloured = {}
            for label, colour in zip(chart["labels"], chart["colours"], strict=True):
                city = label.split("<br>")[0]
                assert colour.lower() != "#000000", f"{city} drawn black"
                coloured.setdefault(colour, set()).add(city)
            shared = {c: cities for c, cities in coloured.items() if len(cities) > 1 and c.upper() != "#8A939C"}
            assert shared == {}, f"two cities in one colour: {shared}"
        full_page_screenshot(page, SCREENSHOTS / f"layout-compare-{n}.png")
    finally:
        context.close()


@pytest.mark.parametrize("site", [40], ids=lambda n: f"{n}-cities", indirect=True)
def test_phone_folds_the_controls_and_shows_a_chart_on_the_first_screen(browser, site):
    _, server = site
    context, page = _open(browser, server, PHONE, "compare?category=employment")
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        assert page.evaluate(OVERFLOW_JS) == []
        folded = page.locator("[data-testid='stExpander']").filter(has_text="就业创业")
        assert folded.count() == 1, "the controls fold into one expander that states the choice"
        assert re.search(r"\d+市", folded.first.inner_text()), "the folded line states how many cities"
        top = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()["y"]
        assert top < 844, f"the first chart starts at {top:.0f} px, below the first screen (844 px)"
        assert page.get_by_text("轻点条形").count() >= 1, "hints say tap on a phone"
        page.screenshot(path=str(SCREENSHOTS / "layout-compare-phone.png"))
    finally:
        context.close()


def test_every_first_visitor_of_a_fresh_server_gets_the_navigation(browser, chromium):
    """Six deep links opened together on a just-started server: each gets the app's navigation
    and its language control, not Streamlit's pages-folder mode (file names in the sidebar)."""
    paths = ["compare?category=rights", "city?city=zibo", "indicator", "data", "about", "compare?year=2020"]
    with StreamlitServer("dashboard.py", log_name="streamlit-first-visitors.log") as server:
        contexts = [browser.new_context(**DESKTOP) for _ in paths]
        try:
            pages = [context.new_page() for context in contexts]
            for page, path in zip(pages, paths, strict=True):  # all requested before any is read
                page.goto(f"{server.url}/{path}", wait_until="commit")
            for page, path in zip(pages, paths, strict=True):
                # a visitor first run in pages-folder mode is rerun through the navigation: the
                # language control (drawn by dashboard.py only) arrives; before the fix it never did
                page.get_by_text("语言 Language").wait_for(timeout=60_000)
                wait_idle(page, 60_000)
                nav = page.locator("[data-testid='stSidebarNav']").inner_text()
                assert "分类对比" in nav and "compare" not in nav, f"{path}: pages-folder navigation: {nav!r}"
        finally:
            for context in contexts:
                context.close()
