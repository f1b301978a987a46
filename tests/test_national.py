"""The pages with many cities (issue 10): no page draws thousands of bars, rows or cards at once.

A national edition is made of the tests' data plus copies under new ids and provinces
(tests/many_cities.py), so these tests hold whichever cities ship; the limits are read from the
modules, and lowered where a test would otherwise need thousands of files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from many_cities import make
from streamlit.testing.v1 import AppTest

from metrics import load, queries
from ui import compare, data, overview, panels
from ui.store import ENV_DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    return make(tmp_path_factory.mktemp("national") / "data", 64)


@pytest.fixture(autouse=True)
def _reads_national(national, monkeypatch, clear_streamlit_caches):
    monkeypatch.setenv(ENV_DATA_DIR, str(national))


def page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at.run()


def bars(spec: dict) -> int:
    return sum(len(trace.get("y") or trace.get("x") or []) for trace in spec["data"] if trace.get("type") == "bar")


def reporting(national: Path, category: str) -> dict[str, int]:
    """city id -> indicators of the category it reports, in what the page compares (each city's
    latest report covering the category)."""
    con = load.build_database(load.load_all(national))
    values = queries.compare_category(con.cursor(), category)
    return values.groupby("city_id")["indicator_id"].nunique().to_dict()


def test_compare_chooses_a_few_cities_by_default_and_says_so(national):
    at = page("compare")
    assert not at.exception
    category = at.session_state["category"]
    counts = reporting(national, category)
    assert len(counts) > compare.DEFAULT_CITIES, "the fixture must have more reporting cities than the default"
    chosen = at.session_state["cities"]
    assert len(chosen) == compare.DEFAULT_CITIES
    # the ones reporting the most indicators of the category
    assert min(counts[c] for c in chosen) >= max(n for c, n in counts.items() if c not in chosen)
    note = compare.t("compare.cities.default_note", "zh", n=compare.DEFAULT_CITIES, k=len(counts))
    assert any(note == c.value for c in at.caption)
    assert "cities" not in at.query_params, "the default choice stays out of the URL"


def test_a_chart_of_many_cities_draws_the_first_ones_and_lists_the_rest(national):
    at = page("compare")
    category = at.session_state["category"]
    counts = reporting(national, category)
    at.button(key="cities_reporting").click().run()
    assert not at.exception and len(at.session_state["cities"]) == len(counts) > panels.TOP_CITIES
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert specs and max(bars(s) for s in specs) <= panels.TOP_CITIES * 2  # a city may have two values
    widest = max(specs, key=bars)
    cities_drawn = {text for trace in widest["data"] for text in (trace.get("y") or [])}
    assert len(cities_drawn) <= panels.TOP_CITIES
    # the rest, in a table under the chart, ranked on from the drawn ones
    tables = [frame.value for frame in at.dataframe]
    rest = next(t for t in tables if "名次" in t.columns)
    assert rest["名次"].min() == panels.TOP_CITIES + 1
    assert rest["原文引用"].str.contains("“").all(), "every listed number carries its quote"
    assert any("其余" in c.value and "表格" in c.value for c in [*at.caption, *at.markdown])


def test_the_city_search_runs_in_one_province_when_there_are_very_many(national, monkeypatch):
    monkeypatch.setattr(compare, "SEARCH_ALL_UP_TO", 10)
    at = page("compare", cities="qingdao")
    assert not at.exception
    search = at.selectbox(key=compare.SEARCH_PROVINCE)
    assert search.value == "山东省"  # the first chosen city's province
    options = at.multiselect(key="cities").options
    assert 0 < len(options) < len(load.city_files(national))
    assert all("山东省" in o for o in options)
    search.set_value("江苏省").run()
    options = at.multiselect(key="cities").options
    assert any("江苏省" in o for o in options) and any("qingdao" in o for o in options), "the chosen stay listed"
    assert at.session_state["cities"] == ["qingdao"]


def test_the_overview_pages_its_cities_and_filters_them_by_province(national, monkeypatch):
    monkeypatch.setattr(overview, "PAGE_SIZE", 20)
    n = len(load.city_files(national))
    at = page("overview")
    assert not at.exception
    cities_table, coverage = at.dataframe[0].value, at.dataframe[1].value
    assert len(cities_table) == 20 and len(coverage) == 20
    assert any(f"共{n}个" in c.value for c in at.caption)
    last = -(-n // 20)
    at = page("overview", page=str(last))
    assert len(at.dataframe[0].value) == n - 20 * (last - 1)
    at = page("overview", province="江苏省")
    table = at.dataframe[0].value
    assert 0 < len(table) <= 20 and set(table["省份"]) == {"江苏省"}
    assert at.query_params["province"] == ["江苏省"] or at.query_params["province"] == "江苏省"


def test_the_data_page_draws_a_bounded_table_and_keeps_every_row_for_download(national, monkeypatch):
    monkeypatch.setattr(data, "MAX_ROWS", 25)
    at = page("data")
    assert not at.exception
    assert len(at.dataframe[0].value) == 25
    assert any(data.t("data.rows_cut", "zh", n=25) == c.value for c in at.caption)
