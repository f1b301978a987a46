"""Shared fixtures: the tiny fixture data folder, and the shipped data loaded once per session.

tests/fixtures/data/ is a complete data folder (catalog, one city, its source) small enough to
read at a glance; tests that break it work on a copy under tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics import load

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "data"
SAMPLE_CITY = FIXTURE_DATA / "cities" / "sample.yaml"


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


@pytest.fixture
def cur(shipped_db):
    """A cursor on the shipped database, closed after the test."""
    with shipped_db.cursor() as cursor:
        yield cursor


@pytest.fixture
def clear_streamlit_caches():
    """Empties Streamlit's caches around a test: they persist across AppTest instances."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
