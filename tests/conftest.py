"""Shared fixtures: the tiny fixture data folder, the dashboard's frozen test data, and the
shipped data loaded once per session.

tests/fixtures/data/ is a complete data folder (catalog, two small cities, their sources) small
enough to read at a glance; tests that break it work on a copy under tmp_path.
tests/fixtures/dashboard/ is a frozen snapshot of real curated data (see its README.md): the
page, query, CLI and draft-evaluation tests read it, so that whatever cities `data/` ships, they
stay green. `shipped` is `data/` itself, for the tests of the shipped data, which derive what
they check from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics import load, yamlio

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
SAMPLE_CITY = FIXTURE_DATA / "cities" / "sample.yaml"
DASHBOARD_DATA = Path(__file__).parent / "fixtures" / "dashboard"

# The export contract of issue 2: exactly these columns first, in this order ...
EXPORT_FIRST = [
    "city_id",
    "indicator_id",
    "category_id",
    "value",
    "unit",
    "qualifier",
    "value_as_written",
    "unit_as_written",
    "period_start",
    "period_end",
    "cumulative",
    "report_id",
    "quote",
]
# ... then the denominator and the second edition's columns (docs/model.md).
EXPORT_SECOND_EDITION = [
    "per_100k",
    "population",
    "population_year",
    "population_basis",
    "note",
    "note_en",
    "measure",
    "tally",
    "scope_zh",
    "scope_en",
    "level",
]


@pytest.fixture(autouse=True)
def files_settle_at_once(monkeypatch):
    """Tests write a file and read it at once: the loader's wait for a just-modified file to keep
    still (yamlio.SETTLE_SECONDS, against half-written files) would only slow them down. The
    check that a file did not change during its read stays on; tests/test_load.py tests the wait."""
    monkeypatch.setattr(yamlio, "SETTLE_SECONDS", 0.0)


@pytest.fixture(scope="session", autouse=True)
def cache_in_tmp(tmp_path_factory):
    """The snapshot cache (metrics.cache) of every test, and of the servers they start, in a
    temporary folder: never the project's .cache/."""
    import os

    from metrics import cache

    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get(cache.ENV_CACHE_DIR)
    os.environ[cache.ENV_CACHE_DIR] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(cache.ENV_CACHE_DIR, None)
    else:
        os.environ[cache.ENV_CACHE_DIR] = before


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data folder (catalog.yaml, cities/sample.yaml, sources/)."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture(scope="session")
def shipped() -> load.Dataset:
    """The project's own data/ folder, loaded and validated once."""
    return load.load_all()


@pytest.fixture(scope="session")
def shipped_db(shipped: load.Dataset):
    """An in-memory DuckDB built from the shipped data; use one cursor per test."""
    con = load.build_database(shipped)
    yield con
    con.close()


@pytest.fixture(scope="session")
def dashboard() -> load.Dataset:
    """The dashboard's frozen test data (tests/fixtures/dashboard), loaded once."""
    return load.load_all(DASHBOARD_DATA)


@pytest.fixture(scope="session")
def dashboard_db(dashboard: load.Dataset):
    con = load.build_database(dashboard)
    yield con
    con.close()


@pytest.fixture
def cur(dashboard_db):
    """A cursor on the dashboard's test database (not data/), closed after the test."""
    with dashboard_db.cursor() as cursor:
        yield cursor


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium for the browser tests; they skip without it, except under CI."""
    import os

    from browser_support import CHROMIUM, CHROMIUM_MISSING

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM_MISSING} (CI is set, so browser tests may not be skipped)")
        pytest.skip(CHROMIUM_MISSING)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for every browser test of the session (Playwright's sync API runs
    one session per thread: each module starting its own would refuse to start)."""
    from browser_support import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def clear_streamlit_caches():
    """Empties Streamlit's caches and the pages' memos around a test: they persist across AppTest
    instances."""
    import streamlit as st

    from ui import memo, store

    for clear in (st.cache_data.clear, st.cache_resource.clear, memo.clear_all, store.forget):
        clear()
    yield
    for clear in (st.cache_data.clear, st.cache_resource.clear, memo.clear_all, store.forget):
        clear()
