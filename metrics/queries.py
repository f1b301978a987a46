"""Named queries for the pages: one SQL statement each, a cursor in, a DataFrame out.

Every function takes a DuckDB cursor (one per script run: a connection shared across
Streamlit's threads returns other sessions' rows) and parameters, never formatted SQL.
Tables and views are built by load.build_database. Rows reach pandas through Arrow (`_frame`),
as `.df()` would give them but for list cells; the wide tables are stored in the order the pages
read them (load._VIEW, metrics.cache.ROW_GROUP_SIZE), so a page's query reads few row groups.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from metrics.text import SourceText

Cursor = duckdb.DuckDBPyConnection

_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _frame(
    cur: Cursor, sql: str, params: dict | None = None, order: list[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """The rows of a statement as DuckDB's `.df()` gives them (dates as datetime64, integers and
    booleans with NULLs as pandas' nullable types), except that a list column (the quotes and ids
    of a value's parts) holds Arrow lists, each read as a Python list: `.df()` makes a NumPy array
    per cell, which cost the indicator page more than its query at 3,000 cities.

    `order` ((column, "ascending" | "descending"), ...) sorts the rows as ORDER BY would (NULLs
    last, text by code point), in Arrow: DuckDB's sort moves each row's 56 wide columns."""
    table = cur.sql(sql, params=params).to_arrow_table()
    if order:
        table = table.sort_by(order)
    dates = [i for i, f in enumerate(table.schema) if pa.types.is_date(f.type)]
    for i in dates:
        table = table.set_column(i, table.schema[i].name, table.column(i).cast(pa.timestamp("us")))
    lists = lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None  # noqa: E731
    # a block per column: the few columns replaced below are swapped, not copied with the rest
    frame = table.to_pandas(types_mapper=lists, split_blocks=True)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if column.null_count and column.type in _NULLABLE:
            frame[name] = column.to_pandas(types_mapper=_NULLABLE.get)
        elif column.null_count == len(column) and pa.types.is_string(column.type):
            frame[name] = pd.Series([None] * len(column), dtype=object)  # no text at all: None, as .df()
    return frame


def cities(cur: Cursor) -> pd.DataFrame:
    """Every loaded city with its reports' span and how much it reports."""
    return _frame(
        cur,
        """
        SELECT c.*, s.period_start, s.period_end, s.n_indicators, s.n_categories, s.n_observations
        FROM cities c JOIN city_summary s USING (city_id)
        ORDER BY c.city_id
        """,
    )


def categories(cur: Cursor) -> pd.DataFrame:
    """Categories in catalog order, with how many indicators and reporting cities each has."""
    return _frame(
        cur,
        """
        SELECT k.*, s.n_indicators, s.n_cities
        FROM categories k JOIN category_summary s USING (category_id)
        ORDER BY k.sort_order
        """,
    )


def indicators(cur: Cursor, category_id: str | None = None) -> pd.DataFrame:
    """Indicators (of one category, or all) in catalog order, with how many cities report each."""
    return _frame(
        cur,
        """
        SELECT i.*, s.n_cities
        FROM indicators i JOIN indicator_summary s USING (indicator_id)
        WHERE $category IS NULL OR i.category_id = $category
        ORDER BY i.sort_order
        """,
        {"category": category_id},
    )


# One category across cities: each city's rows of the category, kept when their report ends
# last among the city's reports that cover the category (two reports of one period both count);
# with a year, every row of that year. Chosen on three narrow columns; the rows' rowids then
# fetch the wide rows alone (DuckDB filters the chosen cities after its scan, so a wide scan
# would read every row of the category in the row groups it touches: 9,500 rows for 115).
_COMPARE = """
    SELECT rowid AS _row, city_id, indicator_id FROM (
        SELECT rowid, city_id, indicator_id, report_end, max(report_end) OVER (PARTITION BY city_id) AS _last
        FROM indicator_values
        WHERE category_id = $category AND ($year IS NULL OR report_year = $year)
          AND ($cities IS NULL OR city_id = ANY($cities))  -- each city's choice is its own
    ) WHERE $year IS NOT NULL OR report_end = _last
"""


def compare_category(
    cur: Cursor, category_id: str, city_ids: list[str] | None = None, year: int | None = None
) -> pd.DataFrame:
    """One category across cities: a value per indicator, city-year (report), period, tally, scope
    and level. `year` None takes, for each city, its latest report that covers the category (a
    city whose newest report is about rural work still shows its last rights figures, from that
    report's year); a year takes the reports of that year (by the end of their period), so only
    the cities reporting that year appear."""
    return _frame(
        cur,
        f"SELECT * FROM indicator_values WHERE rowid IN (SELECT _row FROM ({_COMPARE}))",
        {"category": category_id, "cities": None if city_ids is None else list(city_ids), "year": year},
        order=[("indicator_order", "ascending"), ("value", "descending"), ("city_id", "ascending")],
    )


def category_reporting(cur: Cursor, category_id: str, year: int | None = None) -> pd.DataFrame:
    """The cities compare_category would show (all of them), each with how many of the category's
    indicators it reports there: two narrow columns, not thousands of wide rows."""
    return _frame(
        cur,
        "SELECT city_id, count(DISTINCT indicator_id) AS n_indicators "
        f"FROM ({_COMPARE}) GROUP BY city_id ORDER BY city_id",
        {"category": category_id, "cities": None, "year": year},
    )


def report_years(cur: Cursor, category_id: str | None = None) -> pd.DataFrame:
    """Each report year with how many cities report it (in one category, or in any), latest first."""
    return _frame(
        cur,
        """
        SELECT report_year AS year, count(DISTINCT city_id) AS n_cities,
               list(DISTINCT city_id ORDER BY city_id) AS city_ids
        FROM indicator_values
        WHERE $category IS NULL OR category_id = $category
        GROUP BY report_year
        ORDER BY report_year DESC
        """,
        {"category": category_id},
    )


def indicator_across_cities(cur: Cursor, indicator_id: str) -> pd.DataFrame:
    """One indicator in every city that reports it, absolute and per 100,000 residents."""
    return _frame(
        cur,
        """
        SELECT * FROM indicator_values_by_indicator
        WHERE indicator_id = $indicator
        """,
        {"indicator": indicator_id},
        order=[("value", "descending"), ("city_id", "ascending")],
    )


def city_values(cur: Cursor, city_id: str) -> pd.DataFrame:
    """One city's values in every report (city-years), by category and indicator, oldest year first."""
    return _frame(
        cur,
        """
        SELECT * FROM indicator_values
        WHERE city_id = $city
        ORDER BY category_order, indicator_order, report_year, period_start NULLS FIRST, level, scope_zh
        """,
        {"city": city_id},
    )


def city_profile(cur: Cursor, city_id: str) -> pd.DataFrame:
    """One city's observations, by category and indicator in catalog order."""
    return _frame(
        cur,
        """
        SELECT * FROM observations_full
        WHERE city_id = $city
        ORDER BY category_order, indicator_order, period_start, observation_id
        """,
        {"city": city_id},
    )


def coverage(cur: Cursor) -> pd.DataFrame:
    """Cities by categories: how many indicators each city reports in each category (0 rows absent)."""
    return _frame(
        cur,
        """
        SELECT * FROM coverage
        ORDER BY city_id, category_order
        """,
    )


def observations(
    cur: Cursor,
    city_ids: list[str] | None = None,
    category_ids: list[str] | None = None,
    indicator_ids: list[str] | None = None,
) -> pd.DataFrame:
    """The full observation table, optionally filtered, in a stable order."""
    return _frame(
        cur,
        """
        SELECT * FROM observations_full
        WHERE ($cities IS NULL OR list_contains($cities, city_id))
          AND ($categories IS NULL OR list_contains($categories, category_id))
          AND ($indicators IS NULL OR list_contains($indicators, indicator_id))
        ORDER BY city_id, category_order, indicator_order, observation_id
        """,
        {"cities": city_ids, "categories": category_ids, "indicators": indicator_ids},
    )


EXPORT_COLUMNS = [
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


def export_rows(cur: Cursor) -> pd.DataFrame:
    """One row per observation, the documented export columns first, then context."""
    return _frame(
        cur,
        """
        SELECT city_id, indicator_id, category_id, value,
               -- the article's own measure word (33户 is "户", not the indicator's 人)
               CASE unit_kind WHEN 'yuan' THEN '元' WHEN 'percent' THEN '%'
                    ELSE coalesce(written_word, measure_word_zh) END AS unit,
               qualifier, value_as_written, unit_as_written, period_start, period_end, cumulative,
               report_id, quote, per_100k, population, population_year, population_basis, note,
               note_en, measure, tally, scope_zh, scope_en, level, period_inferred,
               unit_kind, written_word, breakdown_zh, breakdown_en, population_verified, city_zh, city_en,
               indicator_zh, indicator_en, measure_word_zh, measure_word_en,
               publisher, published, source_path, report_year, observation_id
        FROM observations_full
        ORDER BY city_id, category_order, indicator_order, observation_id
        """,
    )


def reports(cur: Cursor) -> pd.DataFrame:
    """The source articles, one row per report, without their text."""
    return _frame(
        cur,
        """
        SELECT r.* EXCLUDE (source_text), c.name_zh AS city_zh, c.name_en AS city_en,
               (SELECT count(*) FROM observations o WHERE o.report_id = r.report_id) AS n_observations
        FROM reports r JOIN cities c USING (city_id)
        ORDER BY r.city_id, r.period_start
        """,
    )


def report_text(cur: Cursor, report_id: str) -> pd.DataFrame:
    """The source text of one report, with its quotes (for the annotated article)."""
    return _frame(
        cur,
        """
        SELECT r.report_id, r.source_text, list(o.quote ORDER BY o.observation_id) AS quotes,
               list(o.observation_id ORDER BY o.observation_id) AS observation_ids
        FROM reports r LEFT JOIN observations o USING (report_id)
        WHERE r.report_id = $report
        GROUP BY ALL
        """,
        {"report": report_id},
    )


def problems(cur: Cursor) -> pd.DataFrame:
    """The located problems of the city files that failed to load."""
    return _frame(cur, "SELECT * FROM problems ORDER BY path, line, col")


def source_passage(cur: Cursor, observation_id: int, context: int = 160) -> dict | None:
    """The quote of one observation in its article: report, date, and the passage around it.

    Returns a dict with the passage split into `before`, `quote` and `after` (as published,
    so the quote can be highlighted), or None for an unknown observation.
    """
    result = cur.execute(
        """
        SELECT o.observation_id, o.quote, o.city_zh, o.city_en, o.indicator_zh, o.indicator_en,
               o.report_id, o.report_title_zh, o.report_title_en, o.publisher, o.published,
               o.published_note, o.published_note_en, o.period_note_en, o.source_path, o.period_start, o.period_end, o.cumulative, o.tally,
               o.scope_zh, o.scope_en, o.level, o.title_by, o.period_inferred, o.period_note, o.excerpt,
               o.value, o.qualifier, o.value_as_written, o.unit_as_written, o.note, o.note_en, r.source_text, r.url
        FROM observations_full o JOIN reports r USING (report_id)
        WHERE o.observation_id = $id
        """,
        {"id": int(observation_id)},
    )
    rows = result.fetchall()  # to the end: a result left open blocks the cursor's next statement
    if not rows:
        return None
    row = rows[0]
    names = [d[0] for d in cur.description]
    record = dict(zip(names, row, strict=True))
    source = SourceText.from_raw(record.pop("source_text"))
    body = source.body
    span = source.find(record["quote"])
    if span is None:  # the loader proved the quote is there; keep the page working regardless
        record.update(before="", highlighted=record["quote"], after="")
        return record
    start, end = span
    lo = max(0, start - context)
    hi = min(len(body), end + context)
    record.update(
        before=("…" if lo > 0 else "") + body[lo:start],
        highlighted=body[start:end],
        after=body[end:hi] + ("…" if hi < len(body) else ""),
    )
    return record


def article_with_quotes(cur: Cursor, report_id: str) -> list[tuple[str, int | None]]:
    """A report's article cut into segments; each quoted segment carries its observation id."""
    frame = report_text(cur, report_id)
    if frame.empty:
        return []
    row = frame.iloc[0]
    source = SourceText.from_raw(row["source_text"])
    body = source.body
    spans = []
    for quote, obs_id in zip(row["quotes"], row["observation_ids"], strict=True):
        if quote is None:
            continue
        span = source.find(quote)
        if span:
            spans.append((span[0], span[1], int(obs_id)))
    spans.sort()
    segments: list[tuple[str, int | None]] = []
    at = 0
    for start, end, obs_id in spans:
        if start < at:  # overlapping quotes: extend the previous highlight
            if end > at and segments:
                text, prev = segments[-1]
                segments[-1] = (text + body[at:end], prev)
                at = end
            continue
        if start > at:
            segments.append((body[at:start], None))
        segments.append((body[start:end], obs_id))
        at = end
    if at < len(body):
        segments.append((body[at:], None))
    return segments
