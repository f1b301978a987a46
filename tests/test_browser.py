"""The dashboard in real Chromium: pages load, charts draw, links and selections work.

Starts `streamlit run dashboard.py` once for the session (tests/browser_support.py) and drives
it with Playwright through Debian's Chromium. The server reads the frozen snapshot
tests/fixtures/dashboard/ (StreamlitServer's default), and what the tests expect is read from the
same folder through metrics, never from data/. Skips when Chromium is missing, except under CI,
where that is a failure. Saves a full-page screenshot of every page in both languages to
artifacts/screenshots/<page>-<lang>.png (git-ignored).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    DASHBOARD_DATA,
    EXCEPTION,
    SCREENSHOTS,
    StreamlitServer,
    act_and_wait,
    full_page_screenshot,
    open_page,
    sidebar_shown,
    wait_bars_drawn,
    wait_charts_drawn,
)
from playwright.sync_api import expect

from ui import state
from ui.i18n import STRINGS, t

# URL path -> key of the page's title (its h1) in ui/i18n.py; the paths are issue 3's. The
# overview's heading is the app's name.
PAGES = {
    "": "app.title",
    "compare": "compare.title",
    "city": "city.title",
    "indicator": "indicator.title",
    "data": "data.title",
    "about": "about.title",
}
VIEWPORT = {"width": 1280, "height": 900}


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(chromium):
    """The dashboard served by `streamlit run`, stopped at the end of the session."""
    with StreamlitServer("dashboard.py", log_name="streamlit-test.log") as server:
        yield server


@pytest.fixture(scope="session")
def app_url(server):
    return server.url


@pytest.fixture
def new_page(browser, server):
    """Opens pages, each in a fresh browser context (no cookies, no session); all closed after."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.server_log = server.log  # viewers see redacted errors; the log has the traceback
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def url(app_url: str, path: str, **params: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{app_url}/{path}" + (f"?{query}" if query else "")


def assert_healthy(page) -> None:
    """No Streamlit exception box and no uncaught JavaScript error on the page."""
    boxes = page.locator(EXCEPTION)
    assert boxes.count() == 0, (
        f"exception shown on {page.url}:\n" + "\n".join(boxes.all_inner_texts()) + f"\nserver log:\n{page.server_log()}"
    )
    assert not page.js_errors, f"JavaScript errors on {page.url}: {page.js_errors}"


# --- every page ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", state.LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_its_title(app_url, page, path, lang):
    open_page(page, url(app_url, path, lang=lang))
    assert_healthy(page)
    title = t(PAGES[path], lang)
    heading = page.locator("[data-testid='stMain'] h1")
    assert title in heading.all_inner_texts(), f"{title!r} not among the h1 of /{path}: {heading.all_inner_texts()}"
    full_page_screenshot(page, SCREENSHOTS / f"{path or 'overview'}-{lang}.png")
    assert_healthy(page)


def nav_paths(page) -> list[str]:
    """URL paths of the sidebar navigation's links ("" for the default page)."""
    hrefs = page.locator("[data-testid='stSidebarNav'] a").evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(href).path.strip("/") for href in hrefs]


def test_navigation_lists_every_page_and_extra_pages_load(app_url, page):
    """The sidebar links to the six pages of issue 3; any further page (the editor) loads too."""
    open_page(page, url(app_url, "", lang="en"))
    paths = nav_paths(page)
    assert set(PAGES) <= set(paths), f"navigation lacks {sorted(set(PAGES) - set(paths))}: {paths}"
    labels = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert t("nav.compare", "en") in " ".join(labels), labels
    extra = [path for path in paths if path not in PAGES]
    for path in extra:
        for lang in state.LANGS:
            open_page(page, url(app_url, path, lang=lang))
            assert_healthy(page)
            headings = page.locator("[data-testid='stMain'] h1").all_inner_texts()
            assert t(f"nav.{path}", lang) in headings if f"nav.{path}" in STRINGS else headings, (
                f"/{path} does not show its title: {headings}"
            )
            full_page_screenshot(page, SCREENSHOTS / f"{path}-{lang}.png")


# --- /compare ----------------------------------------------------------------------------------

CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => ({
  title: g.layout.title.text,
  subtitle: (g.layout.title.subtitle || {}).text || '',
  labels: g.data[0].y,
  texts: g.data[0].text,
  drawn: [...g.querySelectorAll('.bars path')].filter(p => {
    const b = p.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length,
}))"""


def charts(page) -> list[dict]:
    return page.evaluate(CHARTS_JS)


def compare_view(page) -> dict:
    """What a viewer of /compare sees: the controls' values, the headings and every chart."""
    wait_charts_drawn(page)
    return {
        "title": page.locator("[data-testid='stMain'] h1").all_inner_texts(),
        "category": page.locator(".st-key-category button[aria-checked='true']").all_inner_texts(),
        "mode": page.locator(".st-key-mode button[aria-checked='true']").all_inner_texts(),
        "period": page.locator(".st-key-year button[aria-checked='true']").all_inner_texts(),
        "cities": page.locator(".st-key-cities button[aria-pressed='true']").all_inner_texts()
        or [cities_popover(page).locator("button").first.inner_text()],
        "charts": [{k: v for k, v in chart.items() if k != "drawn"} for chart in charts(page)],
    }


def cities_popover(page):
    """The popover that states the chosen cities and holds their choice (more than eight cities)."""
    return page.locator("[data-testid='stPopover']").filter(has_text=t("compare.cities", "en") + ":")


def query(page) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(urlsplit(page.url).query).items()}


@pytest.fixture(scope="module")
def catalog():
    from metrics import load

    return load.load_catalog(DASHBOARD_DATA / "catalog.yaml")


@pytest.fixture(scope="module")
def database():
    """The server's data (the frozen snapshot, never data/), read through metrics, not the UI."""
    from metrics import load

    con = load.build_database(load.load_all(DASHBOARD_DATA))
    yield con
    con.close()


@pytest.fixture(scope="module")
def provinces(database) -> dict[str, str]:
    """City id -> its province in English."""
    from metrics import queries

    with database.cursor() as cur:
        return dict(queries.cities(cur)[["city_id", "province_en"]].itertuples(index=False))


@pytest.fixture(scope="module")
def employment(database):
    """The values /compare opens on: employment, each city's latest report that covers it."""
    from metrics import queries

    with database.cursor() as cur:
        return queries.compare_category(cur, "employment")


def test_compare_draws_bar_charts(app_url, page):
    open_page(page, url(app_url, "compare", lang="en"))
    wait_bars_drawn(page)
    assert_healthy(page)
    assert wait_charts_drawn(page) > 0, "no Plotly chart on /compare"
    drawn = charts(page)
    empty = [chart["title"] for chart in drawn if chart["drawn"] == 0]
    assert not empty, f"charts without a drawn bar: {empty}"
    for chart in drawn:
        assert chart["drawn"] == len(chart["labels"]), f"{chart['title']}: {chart['drawn']} bars for {chart['labels']}"
        assert all(chart["texts"]), f"{chart['title']}: a bar without its label: {chart['texts']}"


def choose_category(page, name: str) -> None:
    act_and_wait(page, page.locator(".st-key-category").get_by_role("radio", name=name, exact=True).click)


def test_deep_link_parameters_open_that_view(app_url, page, catalog):
    open_page(page, url(app_url, "compare", category="rights", mode="per_100k", lang="en"))
    wait_bars_drawn(page)
    assert_healthy(page)
    view = compare_view(page)
    assert view["title"] == [t("compare.title", "en")]
    assert view["category"] == [catalog.categories["rights"].name.en]
    assert view["mode"] == [t("mode.per_100k", "en")]
    assert view["charts"], "no chart for the rights category"
    per_100k = t("mode.per_100k", "en")
    # Indicators that are shares are drawn as reported; every other chart says it is per resident.
    assert any(per_100k in chart["subtitle"] for chart in view["charts"]), [c["subtitle"] for c in view["charts"]]


def test_a_year_link_draws_only_the_cities_reporting_that_year(app_url, page, database, catalog, employment):
    """/compare?year=2020 opens the same-year comparison: every bar drawn is a city reporting 2020."""
    from metrics import queries

    with database.cursor() as cur:
        values = queries.compare_category(cur, "employment", year=2020)
        years = queries.report_years(cur, "employment").set_index("year")
    cities = set(values["city_en"])
    assert len(cities) >= 2, "the snapshot has several cities reporting employment for 2020"
    assert cities != set(employment["city_en"]), "the default (each city's latest report) shows other cities"
    open_page(page, url(app_url, "compare", year="2020", lang="en"))
    wait_bars_drawn(page)
    assert_healthy(page)
    view = compare_view(page)
    assert view["category"] == [catalog.categories["employment"].name.en]
    assert view["period"] == [t("compare.period.year", "en", year="2020", n=int(years.loc[2020, "n_cities"]))]
    drawn = charts(page)
    assert drawn, "no chart for employment in 2020"
    for chart in drawn:
        assert chart["drawn"] == len(chart["labels"]) >= 2, f"{chart['title']}: {chart['drawn']} bars"
        names = {html.unescape(re.sub(r"<[^>]+>", "", label.split("<br>")[0])) for label in chart["labels"]}
        assert names <= cities, f"{chart['title']}: {names} are not all cities reporting 2020 ({cities})"
        assert "2020" in chart["subtitle"], chart["subtitle"]
    assert query(page).get("year") == "2020", page.url
    full_page_screenshot(page, SCREENSHOTS / "compare-2020-en.png")


def test_changed_view_reopens_from_its_share_link_in_a_new_browser(app_url, new_page, catalog, provinces):
    """A presenter changes category, measure and cities, copies the link; it reopens the same view."""
    page = new_page()
    open_page(page, url(app_url, "compare", lang="en"))
    wait_bars_drawn(page)
    default = compare_view(page)
    choose_category(page, catalog.categories["child"].name.en)
    act_and_wait(page, page.locator(".st-key-mode button", has_text=t("mode.per_100k", "en")).click)
    # Nine cities: the choice is in a popover; choosing one province's cities is one click there.
    act_and_wait(page, cities_popover(page).locator("button").first.click)
    province = page.locator("[class*='st-key-cities_province_']").get_by_role("button", name=re.compile("^Shandong"))
    act_and_wait(page, province.click)
    page.keyboard.press("Escape")
    wait_bars_drawn(page)
    assert_healthy(page)
    changed = compare_view(page)
    assert changed["category"] == [catalog.categories["child"].name.en]
    assert changed["mode"] == [t("mode.per_100k", "en")]
    shandong = {city_id for city_id, province in provinces.items() if province == "Shandong"}
    assert set(query(page).get("cities", "").split(",")) == shandong, page.url
    assert changed != default
    assert query(page).get("category") == "child" and query(page).get("mode") == "per_100k"

    act_and_wait(page, page.get_by_role("button", name=t("share.button", "en")).click)
    link = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode'] code").inner_text().strip()
    assert link.startswith(app_url + "/compare?"), link
    assert {"category": "child", "mode": "per_100k", "lang": "en"}.items() <= {
        k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()
    }.items(), link

    fresh = new_page()
    open_page(fresh, link)
    wait_bars_drawn(fresh)
    assert_healthy(fresh)
    assert compare_view(fresh) == changed


def test_a_city_choice_survives_switching_the_language_back_and_forth(app_url, page, employment):
    """The cities chosen stay chosen through zh, en, zh, en: the browser holds a choice as its
    labels, which change with the language (a city picked by hand fell back to the default on
    switching back)."""
    reporting = sorted(set(employment["city_id"]))
    assert len(reporting) >= 3, "the snapshot has at least three cities reporting employment"
    chosen = reporting[:2]
    open_page(page, url(app_url, "compare", lang="en", category="employment", cities=reporting[0]))
    # the second city picked by hand in the popover's search box, as a viewer does
    act_and_wait(page, cities_popover(page).locator("button").first.click)
    search = page.locator(".st-key-cities input")
    search.fill(reporting[1])
    act_and_wait(page, lambda: search.press("Enter"))
    page.keyboard.press("Escape")
    assert sorted(query(page).get("cities", "").split(",")) == chosen, page.url
    for lang in ("zh", "en", "zh", "en"):
        button = page.locator(".st-key-lang button", has_text=state.LANGUAGE_NAMES[lang])
        act_and_wait(page, button.click)
        assert_healthy(page)
        assert query(page).get("lang", state.DEFAULT_LANG) == lang, page.url
        assert sorted(query(page).get("cities", "").split(",")) == chosen, f"after switching to {lang}: {page.url}"


def bar_centre(page, chart: int, bar: int) -> tuple[float, float]:
    """The centre of a bar on the screen, scrolled into view first (a mouse click off the window
    reaches nothing)."""
    path = page.locator(".js-plotly-plot").nth(chart).locator(".bars path").nth(bar)
    path.scroll_into_view_if_needed()
    box = path.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def quotes_of(values, indicator_en: str, bar_label: str) -> list[str]:
    """The curated quotes behind a bar of the view `values` holds: its indicator, and the city its
    label names (the first line of the label; a city with several values has a second line)."""
    rows = values[values["indicator_en"] == indicator_en]
    name = html.unescape(bar_label.split("<br>")[0])
    rows = rows[[name == city or name.startswith(f"{city} (") for city in rows["city_en"]]]
    return [quote for quotes in rows["quotes"] for quote in quotes]


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_selecting_a_bar_shows_its_quote_and_the_link_keeps_it(app_url, new_page, employment):
    page = new_page()
    open_page(page, url(app_url, "compare", lang="en"))
    wait_bars_drawn(page)
    source_box = page.locator("[class*='st-key-source_close_chart_']")
    assert source_box.count() == 0, "a source panel is open before any bar was selected"
    first = charts(page)[0]
    indicator = html.unescape(re.sub(r"<[^>]+>", "", first["title"].replace("<br>", " ")))  # wrapped title
    bar = len(first["labels"]) - 1  # the last bar: not the one a default would pick
    expected = quotes_of(employment, indicator, first["labels"][bar])
    assert expected, f"no observation behind {indicator!r} / {first['labels'][bar]!r}"

    act_and_wait(page, lambda: page.mouse.click(*bar_centre(page, 0, bar)))
    expect(source_box).to_be_visible(timeout=15_000)
    expect(source_box.get_by_role("button", name=t("source.close", "en"))).to_be_visible()
    assert_healthy(page)
    shown = squeeze(source_box.inner_text())
    assert all(squeeze(quote) in shown for quote in expected), f"{expected} not in the source panel:\n{shown}"
    assert query(page).get("source") and query(page).get("indicator"), page.url
    full_page_screenshot(page, SCREENSHOTS / "compare-selected-en.png")

    fresh = new_page()
    open_page(fresh, page.url)
    reopened = fresh.locator("[class*='st-key-source_close_chart_']")
    expect(reopened).to_be_visible(timeout=15_000)
    expect(reopened.get_by_role("button", name=t("source.close", "en"))).to_be_visible()
    assert squeeze(reopened.inner_text()) == shown


def test_more_comparisons_open_drawn_and_kept_in_the_link(app_url, new_page, employment):
    """The first comparisons are drawn at once; the others when their expander is opened."""
    compared = int((employment.groupby("indicator_id")["city_id"].nunique() >= 2).sum())
    assert compared > 5, "the snapshot's employment category has more than five comparisons"
    page = new_page()
    open_page(page, url(app_url, "compare", lang="en"))
    wait_bars_drawn(page)
    assert wait_charts_drawn(page) == 4, "four charts at first"
    act_and_wait(page, page.locator(".st-key-more summary").click)
    assert wait_charts_drawn(page) == compared, "opened, every comparison is drawn"
    assert_healthy(page)
    empty = [chart["title"] for chart in charts(page) if chart["drawn"] == 0]
    assert not empty, f"charts without a drawn bar: {empty}"
    assert query(page).get("more") == "1", page.url
    fresh = new_page()
    open_page(fresh, page.url)
    wait_bars_drawn(fresh)
    assert wait_charts_drawn(fresh) == compared, "the link reopens every chart"


# --- presentation mode -----------------------------------------------------------------------


def test_presentation_mode_hides_the_sidebar_and_its_link_keeps_it(app_url, new_page):
    page = new_page()
    open_page(page, url(app_url, "compare", lang="en"))
    assert sidebar_shown(page), "the sidebar should show outside presentation mode"
    assert page.locator("[data-testid='stToolbar']").is_visible(), "the toolbar should show outside presentation mode"
    toggle = page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox']", has_text=t("sidebar.present", "en"))
    act_and_wait(page, toggle.click)
    wait_bars_drawn(page)
    assert_healthy(page)
    assert not sidebar_shown(page), "presentation mode still shows the sidebar"
    assert not page.locator("[data-testid='stToolbar']").is_visible(), "presentation mode still shows the toolbar"
    assert query(page).get("present") == "1", page.url
    expect(page.get_by_role("button", name=t("present.exit", "en"))).to_be_visible()
    full_page_screenshot(page, SCREENSHOTS / "compare-present-en.png")

    fresh = new_page()
    open_page(fresh, url(app_url, "compare", present="1"))
    wait_bars_drawn(fresh)
    assert_healthy(fresh)
    assert not sidebar_shown(fresh), "?present=1 opened in a new browser shows the sidebar"
    full_page_screenshot(fresh, SCREENSHOTS / "compare-present-zh.png")
    act_and_wait(fresh, fresh.get_by_role("button", name=t("present.exit", "zh")).click)
    assert sidebar_shown(fresh), "leaving presentation mode does not bring the sidebar back"


# --- layout: text inside figures, single-city panels, cards, presentation bar -----------------

# Every piece of text Plotly drew, as its box relative to the figure: nothing may cross an edge.
TEXT_BOXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
  const fig = g.querySelector('.main-svg').getBoundingClientRect();
  const boxes = [...g.querySelectorAll('.annotation-text, .bars text, .ytick text, .gtitle, .gtitle-subtitle')]
    .map(el => { const b = el.getBoundingClientRect();
                 return {text: el.textContent, left: b.left - fig.left, right: b.right - fig.left}; })
    .filter(b => b.text.trim());
  return {title: g.layout.title.text, width: fig.width, boxes};
})"""


@pytest.mark.parametrize(
    "path, params",
    [
        ("compare", {"lang": "zh"}),
        ("compare", {"lang": "en"}),
        ("indicator", {"indicator": "employment.loans_amount", "lang": "zh"}),
        ("indicator", {"indicator": "employment.loans_amount", "lang": "en"}),
        ("compare", {"present": "1", "indicator": "employment.loans_amount", "lang": "en"}),
    ],
)
def test_text_drawn_in_figures_stays_inside_them(app_url, page, path, params):
    """Source lines, titles, bar labels and city labels are not cut at the figure's edges (nor
    in the PNG downloaded from it, which is the figure at twice the scale)."""
    open_page(page, url(app_url, path, **params))
    wait_bars_drawn(page)
    wait_charts_drawn(page)
    assert_healthy(page)
    figures = page.evaluate(TEXT_BOXES_JS)
    assert figures
    for figure in figures:
        assert figure["boxes"], figure["title"]
        for box in figure["boxes"]:
            assert box["left"] >= -1 and box["right"] <= figure["width"] + 1, (
                f"{figure['title']}: {box['text']!r} spans {box['left']:.0f}..{box['right']:.0f} px "
                f"of a {figure['width']:.0f} px figure"
            )


def test_single_city_indicator_shows_its_value_and_opens_its_source(app_url, new_page, employment):
    """An indicator one city reports is a row of values with its quote, not a chart; its source opens."""
    page = new_page()
    open_page(page, url(app_url, "compare", lang="en"))
    wait_bars_drawn(page)
    choices = page.locator(".st-key-single_source button")
    expect(choices.first).to_be_visible(timeout=15_000)  # drawn after the charts
    assert choices.count() > 0, "the employment category has indicators only one city reports"
    name = choices.first.inner_text().strip()
    chart_titles = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c["title"])) for c in charts(page))
    assert name not in chart_titles, f"{name!r} is drawn as a chart too"
    rows = employment[employment["indicator_en"] == name]
    assert rows["city_id"].nunique() == 1, rows
    table = page.locator("[data-testid='stMain'] table", has_text=name)
    row = table.locator("tr", has_text=name).first
    shown = squeeze(row.inner_text())
    quote = rows.iloc[0]["quotes"][0]
    assert squeeze(rows.iloc[0]["city_en"]) in shown and squeeze(quote) in shown, shown

    source_box = page.locator("[class*='st-key-source_close_chart_']")
    assert source_box.count() == 0
    act_and_wait(page, choices.first.click)
    expect(source_box).to_be_visible(timeout=15_000)
    assert_healthy(page)
    assert squeeze(quote) in squeeze(source_box.inner_text())
    assert query(page).get("source") == rows.iloc[0]["city_id"], page.url
    full_page_screenshot(page, SCREENSHOTS / "compare-single-source-en.png")
    act_and_wait(page, source_box.get_by_role("button", name=t("source.close", "en")).click)
    expect(source_box).to_have_count(0)
    assert "source" not in query(page), page.url


@pytest.mark.parametrize("lang", state.LANGS)
def test_overview_cards_of_a_row_are_level(app_url, page, lang):
    open_page(page, url(app_url, "", lang=lang))
    # The page's style element is drawn by a component loaded on demand: wait until it applies.
    page.wait_for_function(
        """() => { const h = document.querySelector("[class*='st-key-city_'] h4");
                                      return h && getComputedStyle(h).wordBreak === 'keep-all'; }""",
        timeout=15_000,
    )
    boxes = page.locator("[class*='st-key-city_']").evaluate_all(
        "cards => cards.map(c => { const b = c.getBoundingClientRect(); return [b.top, b.height]; })"
    )
    assert len(boxes) >= 2
    rows: dict[int, list[float]] = {}
    for top, height in boxes:
        rows.setdefault(round(top), []).append(height)
    for heights in rows.values():
        assert max(heights) - min(heights) <= 1, f"cards of one row differ in height: {heights}"
    # The name in the other script is one span; it may move to a line of its own, never split.
    names = page.locator("[class*='st-key-city_'] h4 span").evaluate_all(
        "spans => spans.filter(s => s.innerText.trim() && !s.querySelector('span'))"
        "  .map(s => [s.innerText, s.getClientRects().length])"
    )
    assert names, "each card's heading names the city in the other script"
    for text, lines in names:
        assert lines == 1, f"{text!r} breaks across {lines} lines"


def test_presentation_bar_keeps_its_buttons_on_one_line(app_url, page):
    open_page(page, url(app_url, "compare", present="1", lang="en"))
    wait_bars_drawn(page)
    share = page.get_by_role("button", name=t("share.button", "en"))
    leave = page.get_by_role("button", name=t("present.exit", "en"))
    expect(share).to_be_visible()
    share_box, leave_box = share.bounding_box(), leave.bounding_box()
    assert abs(share_box["height"] - leave_box["height"]) <= 2, (share_box, leave_box)
    label = share.get_by_text(t("share.button", "en"), exact=True)
    assert label.evaluate("p => p.scrollWidth <= p.clientWidth + 1"), "the label is cut (ellipsis)"
    assert label.evaluate("p => p.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(p).fontSize)"), (
        "the label wraps onto several lines"
    )
