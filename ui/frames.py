"""Cached data frames for the pages: metrics.queries results keyed by the store's fingerprint.

Each function takes `key` (ui.store.store_key of the store the cursor belongs to) and the run's
cursor `_cur` (not part of the key). A result is computed once per data version and parameters;
an edited data file changes the fingerprint, and with it every key. Each caller gets its own
copy (ui.memo.copied: a DataFrame's copy costs nothing until it is changed).
"""

from __future__ import annotations

import pandas as pd

from metrics import queries
from ui import memo

_ENTRIES = 256


@memo.copied(_ENTRIES)
def cities(key: str, _cur) -> pd.DataFrame:
    return queries.cities(_cur)


@memo.copied(_ENTRIES)
def categories(key: str, _cur) -> pd.DataFrame:
    return queries.categories(_cur)


@memo.copied(_ENTRIES)
def indicators(key: str, _cur, category_id: str | None = None) -> pd.DataFrame:
    return queries.indicators(_cur, category_id)


@memo.copied(_ENTRIES)
def compare_category(
    key: str, _cur, category_id: str, year: int | None = None, city_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    return queries.compare_category(_cur, category_id, None if city_ids is None else list(city_ids), year)


@memo.copied(_ENTRIES)
def category_reporting(key: str, _cur, category_id: str, year: int | None = None) -> pd.DataFrame:
    return queries.category_reporting(_cur, category_id, year)


@memo.copied(_ENTRIES)
def city_values(key: str, _cur, city_id: str) -> pd.DataFrame:
    return queries.city_values(_cur, city_id)


@memo.copied(_ENTRIES)
def report_years(key: str, _cur, category_id: str | None = None) -> pd.DataFrame:
    return queries.report_years(_cur, category_id)


@memo.copied(_ENTRIES)
def indicator_across_cities(key: str, _cur, indicator_id: str) -> pd.DataFrame:
    return queries.indicator_across_cities(_cur, indicator_id)


@memo.copied(_ENTRIES)
def city_profile(key: str, _cur, city_id: str) -> pd.DataFrame:
    return queries.city_profile(_cur, city_id)


@memo.copied(_ENTRIES)
def coverage(key: str, _cur) -> pd.DataFrame:
    return queries.coverage(_cur)


@memo.copied(_ENTRIES)
def observations(key: str, _cur) -> pd.DataFrame:
    return queries.observations(_cur)


@memo.copied(_ENTRIES)
def export_rows(key: str, _cur) -> pd.DataFrame:
    return queries.export_rows(_cur)


@memo.copied(_ENTRIES)
def reports(key: str, _cur) -> pd.DataFrame:
    return queries.reports(_cur)


@memo.copied(_ENTRIES)
def problems(key: str, _cur) -> pd.DataFrame:
    return queries.problems(_cur)


@memo.copied(_ENTRIES)
def source_passage(key: str, _cur, observation_id: int) -> dict | None:
    return queries.source_passage(_cur, observation_id)


@memo.copied(_ENTRIES)
def article_with_quotes(key: str, _cur, report_id: str) -> list[tuple[str, int | None]]:
    return queries.article_with_quotes(_cur, report_id)


def warm(store) -> None:
    """Reads what every page reads first (the lists of cities, categories, indicators, reports,
    problems), for a store about to be served: the watcher does it before it swaps an edited
    data set in, so the first visitor after an edit does not wait for it (ui.store.on_build)."""
    from ui.store import store_key

    key = store_key(store)
    with store.cursor() as cur:
        for read in (cities, categories, indicators, reports, problems, coverage):
            read(key, cur)


def _register() -> None:
    from ui import store

    if warm not in store.on_build:
        store.on_build.append(warm)


_register()
