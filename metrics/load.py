"""YAML and source texts -> validated records -> DuckDB tables.

Reads `data/catalog.yaml`, `data/cities/*.yaml` and the `data/sources/*.txt` they cite. Every
problem in a file is collected as a located `Problem` (path:line:col: message) instead of
stopping at the first; a city file with any problem is left out whole, and the others load.
Writes nothing to disk: `build_database` fills an in-memory DuckDB (the CLI may save it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import errno
import gc
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from pydantic import ValidationError

from metrics import messages, schema, yamlio
from metrics.folder import DATA_DIR, city_files, display_path, fingerprint  # noqa: F401 (re-exported)
from metrics.numbers import find_mentions
from metrics.problems import PROBLEM_COLUMNS, CatalogError, Problem
from metrics.text import HEADER_END, article_body, normalise
from metrics.units import UnitError, measures_of, parse_unit, to_canonical


@dataclass
class CityData:
    """A validated city file: the model, its observations as rows, and their canonical values."""

    path: Path
    header: schema.CityHeader
    observations: list[schema.Observation]
    lines: list[int]
    canonical: list[float]
    sources: dict[str, str]  # report id -> source text as published
    marks: dict[tuple, tuple[int, int]] = field(
        default_factory=dict
    )  # ("id",) / ("reports", rid[, "source"]) -> line, col


@dataclass
class Dataset:
    """Everything loaded from a data folder, with the problems of the files left out."""

    catalog: schema.Catalog
    cities: dict[str, CityData] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)


# pydantic's error types that say what a value should be (metrics.messages.EXPECTED)
_EXPECTED_TYPES = {
    "string_type": "string",
    "float_type": "number",
    "float_parsing": "number",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "dict_type": "mapping",
    "model_type": "mapping",
    "list_type": "list",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "finite_number": "finite_number",
}
_BOUNDS = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}


def _pydantic_entry(err: dict, loc: tuple, doc: yamlio.Document) -> tuple[tuple[int, int], str, dict]:
    """(line, col), code and parameters of one pydantic error."""
    kind, ctx = err["type"], err.get("ctx") or {}
    got = err.get("input")
    shown = None if kind in ("model_type", "dict_type") or isinstance(got, (dict, list)) else repr(got)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return doc.locate_key(loc), RENAMED_KEYS.get(key, "unknown_key"), {"key": key}
    if kind in ("model_type", "dict_type") and loc and loc[-1] == "note":
        return doc.locate(loc), "note_shape", {}
    if kind == "model_type" and ctx.get("class_name") == "Bilingual":
        return doc.locate(loc), "bilingual_shape", {}
    if kind == "missing":
        return doc.locate(loc[:-1]), "missing_key", {"key": str(loc[-1])}
    if kind in messages.MESSAGES:  # a check of metrics.schema, with its own code
        return doc.locate(loc), kind, dict(ctx)
    if kind == "string_pattern_mismatch":
        return doc.locate(loc), "pattern_mismatch", {"pattern": ctx.get("pattern"), "got": shown}
    if kind == "string_too_short":
        return doc.locate(loc), "too_short", {"min": ctx.get("min_length"), "got": shown}
    if kind in _EXPECTED_TYPES:
        return doc.locate(loc), "expected_value", {"expected": [_EXPECTED_TYPES[kind]], "got": shown}
    if kind in _BOUNDS:
        bound, limit = _BOUNDS[kind], ctx.get(_BOUNDS[kind])
        limit = f"{limit:g}" if isinstance(limit, float) else limit
        return doc.locate(loc), "expected_value", {"expected": [f"{bound}:{limit}"], "got": shown}
    if kind == "literal_error":
        return doc.locate(loc), "expected_value", {"expected": [str(ctx.get("expected"))], "got": shown}
    return doc.locate(loc), "invalid_value", {"detail": err["msg"]}


def _pydantic_problems(exc: ValidationError, doc: yamlio.Document, where: str, prefix: tuple = ()) -> list[Problem]:
    """One located, coded problem per mistake: the branches of one union (a date or 'unknown')
    are merged into one problem, since the editor made one mistake."""
    entries: list[list] = []  # [(line, col), field, code, params]
    unions: dict[tuple, list] = {}
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(step for step in err["loc"] if not _is_union_branch(step))
        place, code, params = _pydantic_entry(err, loc, doc)
        is_branch = len(loc) < len(prefix) + len(err["loc"])
        if is_branch and loc in unions:
            merged = unions[loc]
            if merged[2] == code == "expected_value":
                merged[3]["expected"] += [e for e in params["expected"] if e not in merged[3]["expected"]]
            continue
        entry = [place, ".".join(str(s) for s in loc), code, params]
        entries.append(entry)
        if is_branch:
            unions[loc] = entry
    return [Problem.of(where, line, col, code, field, **params) for (line, col), field, code, params in entries]


# Keys of the first edition, with the code of what replaced them.
RENAMED_KEYS = {"cumulative": "renamed_cumulative"}


def _is_union_branch(step) -> bool:
    # pydantic names union branches in loc ("float", "int", "date", "literal['unknown']"):
    # they say nothing to an editor.
    return isinstance(step, str) and (
        step in ("float", "int", "date", "constrained-float", "constrained-int")
        or step.startswith(("literal[", "function-", "constrained-"))
    )


def load_catalog(path: Path, raw: bytes | None = None) -> schema.Catalog:
    """Loads and validates the catalog (from `raw`, its bytes, when the caller read them already);
    raises CatalogError listing every problem."""
    where = display_path(path)
    try:
        doc = yamlio.read(path) if raw is None else yamlio.parse(yamlio.decode(raw))
    except OSError as exc:
        raise CatalogError([Problem.of(where, 1, 1, "cannot_read", reason=yamlio.os_code(exc))]) from None
    except yamlio.YamlError as exc:
        raise CatalogError([Problem.refused(where, exc)]) from None
    try:
        return schema.Catalog.model_validate(doc.data)
    except ValidationError as exc:
        raise CatalogError(_pydantic_problems(exc, doc, where)) from None


def _closest(word: str, options) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def _quote_problem(needle: str, normalised_source: str) -> tuple[str, dict] | None:
    """Says where a quote (normalised) departs from the source, or None when it is found."""
    if needle in normalised_source:
        return None
    # The longest prefix of the quote found in the source shows the editor where it diverges.
    lo, hi = 0, len(needle)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if needle[:mid] in normalised_source:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return "quote_not_found", {}
    return "quote_differs", {"matched": needle[:lo], "differs": needle[lo : lo + 12]}


def _number_problems(obs: schema.Observation, quote: str) -> list[tuple[str, dict]]:
    """Checks that the number as written is in the quote (`quote`: obs.quote normalised), with
    the qualifier the quote gives it.

    The value times the unit's multiplier (2.6 万人 -> 26,000) must equal a number of the quote
    read with its own multiplier (2.6万余人 -> 26,000): 26000 万人 for "2.6万" is caught.
    """
    expected = float(obs.value) * parse_unit(obs.unit)[0]
    mentions = find_mentions(quote)
    matches = [m for m in mentions if _same(m.value, expected)]
    if not matches:
        written = [m.written for m in mentions]
        return [("value_not_in_quote", {"value": obs.value, "unit": obs.unit, "written": written})]
    if any(m.qualifier == obs.qualifier for m in matches):
        return []
    found = matches[0].qualifier
    return [("qualifier_mismatch", {"qualifier": obs.qualifier, "found": found, "written": matches[0].written})]


def _measure_problem(
    obs: schema.Observation, indicator: schema.Indicator, catalog: schema.Catalog
) -> tuple[str, dict] | None:
    """A measure word of another measure than the indicator's: names the indicators to use instead."""
    if indicator.unit != "count":
        return None
    word = parse_unit(obs.unit)[1]
    others = [m for m in measures_of(word) if m not in (indicator.measure, "yuan", "percent")]
    if not others or indicator.measure in measures_of(word):
        return None
    category = obs.indicator.split(".")[0]
    fits = [iid for iid, ind in catalog.indicators.items() if ind.measure in others and word in ind.accepts]
    # the likeliest first: same category, then the name nearest to the indicator written
    near = {iid: difflib.SequenceMatcher(None, obs.indicator, iid).ratio() for iid in fits}
    fits.sort(key=lambda iid: (iid.split(".")[0] != category, -near[iid], iid))
    said = {"word": word, "counted": others, "indicator": obs.indicator, "measure": indicator.measure}
    if fits:
        return "measure_mismatch", {**said, "use": fits[:3]}
    return "measure_mismatch_new", {**said, "add": others[0]}


def observation_period(obs: schema.Observation, report: schema.Report) -> tuple[dt.date | None, dt.date]:
    """(start, end) of what an observation counts: its own or its report's period for a flow; the
    as-of date for a stock (start = end); since (None when unknown) to as_of for a running total."""
    if obs.tally == "stock":
        return obs.as_of, obs.as_of
    if obs.tally == "running_total":
        return (obs.since if isinstance(obs.since, dt.date) else None), obs.as_of
    period = obs.period or report.period
    return period.start, period.end


def _value_key(obs: schema.Observation, report: schema.Report) -> tuple:
    """What makes values one bar: indicator, report, period, tally, scope and level."""
    start, end = observation_period(obs, report)
    return (obs.indicator, obs.report, start, end, obs.tally, obs.scope.zh if obs.scope else None, obs.level)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def load_city(
    path: Path, catalog: schema.Catalog, data_dir: Path, raw: bytes | None = None
) -> tuple[CityData | None, list[Problem]]:
    """Loads and validates one city file (from `raw`, its bytes, when the caller read them
    already: metrics.cache validates the very bytes it hashed); returns its data, or None with
    every problem found."""
    where = display_path(path)
    try:
        raw = yamlio.read_stable(path) if raw is None else raw
    except OSError as exc:
        return None, [Problem.of(where, 1, 1, "cannot_read", reason=yamlio.os_code(exc))]
    if len(raw) > yamlio.MAX_BYTES:
        return None, [Problem.of(where, 1, 1, "file_too_large", mb=yamlio.MAX_BYTES // 1_000_000)]
    try:
        text = yamlio.decode(raw)
    except yamlio.YamlError as exc:
        return None, [Problem.refused(where, exc, "pending_file")]
    return load_city_text(text, where, path.stem, catalog, data_dir, path=path)


def load_city_text(
    text: str,
    where: str,
    stem: str,
    catalog: schema.Catalog,
    data_dir: Path,
    extra_sources: dict[str, str] | None = None,
    path: Path | None = None,
) -> tuple[CityData | None, list[Problem]]:
    """Validates a city file given as text (`where` names it in messages, `stem` is its file name
    without .yaml). `extra_sources` maps a report's `source` value (sources/x.txt) to a text not
    yet saved under data/, for previews of uploads."""
    try:
        doc = yamlio.parse(text)
    except yamlio.YamlError as exc:
        return None, [Problem.refused(where, exc, "pending_file")]
    if not isinstance(doc.data, dict):
        return None, [Problem.of(where, 1, 1, "city_not_mapping")]

    problems: list[Problem] = []
    header = None
    try:
        header = schema.CityHeader.model_validate(doc.data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, doc, where)  # first: the header's problems lead

    city_id = doc.data.get("id")
    if isinstance(city_id, str) and city_id != stem:
        line, col = doc.locate(("id",))
        problems.append(Problem.of(where, line, col, "id_differs", id=city_id, stem=stem))

    sources: dict[str, str] = {}
    normalised_sources: dict[str, str] = {}
    if header is not None:
        first_report: dict[str, str] = {}
        for report_id, report in header.reports.items():
            if report.source in first_report:
                line, col = doc.locate(("reports", report_id, "source"))
                problems.append(
                    Problem.of(
                        where,
                        line,
                        col,
                        "source_reused",
                        f"reports.{report_id}.source",
                        source=report.source,
                        report=first_report[report.source],
                    )
                )
                continue
            first_report[report.source] = report_id
            source_path = data_dir / report.source
            try:
                if extra_sources and report.source in extra_sources:
                    raw = extra_sources[report.source]
                else:
                    raw = yamlio.read_stable(source_path).decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                line, col = doc.locate(("reports", report_id, "source"))
                field_name = f"reports.{report_id}.source"
                if isinstance(exc, UnicodeDecodeError):
                    problem = Problem.of(where, line, col, "source_not_utf8", field_name, source=report.source)
                elif exc.errno == errno.ENOENT:
                    problem = Problem.of(where, line, col, "source_missing", field_name, source=report.source)
                else:
                    reason = yamlio.os_code(exc)
                    problem = Problem.of(
                        where, line, col, "source_unreadable", field_name, source=report.source, reason=reason
                    )
                problems.append(problem)
                continue
            if HEADER_END not in raw.splitlines()[:20] and f"\n{HEADER_END}\n" not in raw[:2000]:
                line, col = doc.locate(("reports", report_id, "source"))
                problems.append(
                    Problem.of(
                        where, line, col, "source_no_header", f"reports.{report_id}.source", source=report.source
                    )
                )
            sources[report_id] = raw
            normalised_sources[report_id] = normalise(article_body(raw)[0])

    raw_observations = doc.data.get("observations")
    observations: list[schema.Observation] = []
    lines: list[int] = []
    canonical_values: list[float] = []
    seen: dict[tuple, int] = {}
    if isinstance(raw_observations, list):
        for index, raw_obs in enumerate(raw_observations):
            loc = ("observations", index)
            line, col = doc.locate(loc)
            if not isinstance(raw_obs, dict):
                continue  # reported by the header model
            try:
                obs = schema.Observation.model_validate(raw_obs)
            except ValidationError as exc:
                found = _pydantic_problems(exc, doc, where, loc)
                problems += [*found[:-1], found[-1].waiting("pending_observation")]
                continue
            obs_problems: list[tuple[str, str, dict]] = []  # (field, code, params)
            indicator = catalog.indicators.get(obs.indicator)
            canonical = float(obs.value)
            if indicator is None:
                close = _closest(obs.indicator, catalog.indicators)
                if close:
                    obs_problems.append(
                        ("indicator", "unknown_indicator_close", {"indicator": obs.indicator, "close": close})
                    )
                else:
                    obs_problems.append(("indicator", "unknown_indicator", {"indicator": obs.indicator}))
            else:
                try:
                    canonical = to_canonical(obs.value, obs.unit, indicator.unit, indicator.accepts)
                except UnitError as exc:
                    code, params = _measure_problem(obs, indicator, catalog) or (exc.code, dict(exc.params))
                    obs_problems.append(("unit", code, {**params, "indicator": obs.indicator}))
                if indicator.by_level and obs.level is None:
                    obs_problems.append(("level", "level_needed", {"indicator": obs.indicator}))
                if indicator.unit == "percent" and obs.value > 100:
                    obs_problems.append(("value", "percent_over_100", {"value": obs.value}))
            quote = normalise(obs.quote)  # once: the quote and the number checks read it
            if header is not None and obs.report not in header.reports:
                known = list(header.reports)
                obs_problems.append(("report", "unknown_report", {"report": obs.report, "known": known}))
            elif obs.report in normalised_sources:
                found = _quote_problem(quote, normalised_sources[obs.report])
                if found:
                    obs_problems.append(("quote", *found))
            obs_problems += [("quote", code, params) for code, params in _number_problems(obs, quote)]
            if header is not None and obs.report in header.reports:
                key = (*_value_key(obs, header.reports[obs.report]), obs.breakdown.zh if obs.breakdown else None)
                if key in seen:
                    obs_problems.append(("indicator", "duplicate_observation", {"at_line": seen[key]}))
                else:
                    seen[key] = line
            for field_name, code, params in obs_problems:
                fline, fcol = doc.locate((*loc, field_name))
                problems.append(Problem.of(where, fline, fcol, code, f"observations.{index}.{field_name}", **params))
            observations.append(obs)
            lines.append(line)
            canonical_values.append(canonical)

    problems += _mixed_breakdown_problems(observations, lines, header, where)
    if header is None and observations:
        # the quotes wait for the header: its first problem says so (no surprise after its fix)
        problems[0] = problems[0].waiting("pending_reports", count=len(observations))
    if problems or header is None:
        return None, problems
    marks = {("id",): doc.locate(("id",))}
    for report_id in header.reports:
        marks[("reports", report_id)] = doc.locate_key(("reports", report_id))
        marks[("reports", report_id, "source")] = doc.locate(("reports", report_id, "source"))
    return CityData(path or Path(where), header, observations, lines, canonical_values, sources, marks), []


def _mixed_breakdown_problems(observations, lines, header, where) -> list[Problem]:
    if header is None:
        return []
    groups: dict[tuple, list[int]] = {}
    for i, obs in enumerate(observations):
        report = header.reports.get(obs.report)
        if report is None:
            continue
        groups.setdefault(_value_key(obs, report), []).append(i)
    problems = []
    for members in groups.values():
        with_parts = [i for i in members if observations[i].breakdown is not None]
        if with_parts and len(with_parts) != len(members):
            lonely = next(i for i in members if observations[i].breakdown is None)
            problems.append(
                Problem.of(
                    where,
                    lines[lonely],
                    3,
                    "lonely_total",
                    observations[lonely].indicator,
                    at_line=lines[with_parts[0]],
                )
            )
    return problems


_paused = 0
_reenable = False
_paused_lock = threading.Lock()


@contextlib.contextmanager
def gc_paused():
    """Python's cyclic garbage collector off while a data set is built (reference counting still
    frees what is dropped). Every collection walks every live object, and a loaded data set is
    hundreds of thousands of them: at 3,000 cities, collections took 10 of load_all's 22 s.
    Nested and concurrent uses are counted; the collector is back on when the last one ends."""
    global _paused, _reenable
    with _paused_lock:
        _paused += 1
        if _paused == 1:
            _reenable = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _reenable:
                gc.enable()


def load_all(data_dir: Path = DATA_DIR, paths: list[Path] | None = None) -> Dataset:
    """Loads the catalog and every city file; a broken city file is left out with its problems."""
    with gc_paused():
        return _load_all(data_dir, paths)


def _load_all(data_dir: Path, paths: list[Path] | None) -> Dataset:
    catalog = load_catalog(data_dir / "catalog.yaml")
    dataset = Dataset(catalog=catalog)
    named = paths is not None
    # Cross-file rules need every file: validating named files checks them against the others.
    others = [p for p in city_files(data_dir) if named and p.resolve() not in {q.resolve() for q in paths}]
    loaded: list[CityData] = []
    for path in [*(paths if named else city_files(data_dir)), *others]:
        city, problems = load_city(path, catalog, data_dir)
        if city is None:
            if path not in others:
                dataset.problems += problems
                dataset.failed_files.append(display_path(path))
        else:
            loaded.append(city)
    shown = {p.resolve() for p in paths} if named else None
    for city, problems in merge_conflicts(loaded):
        if problems:
            if shown is None or city.path.resolve() in shown:
                dataset.problems += problems
                dataset.failed_files.append(display_path(city.path))
        elif shown is None or city.path.resolve() in shown:
            dataset.cities[city.header.id] = city
    return dataset


def _age(city: CityData) -> tuple:
    try:
        return (city.path.stat().st_mtime_ns, city.path.name)
    except OSError:
        return (float("inf"), city.path.name)  # a preview or a file gone since: the newest


def merge_conflicts(cities: list[CityData]) -> list[tuple[CityData, list[Problem]]]:
    """Cross-file rules: one file per city id, report ids unique across files, one report per
    source file. A report id or source that names a city (zibo-2020, sources/zibo-2020.txt)
    belongs to that city's file, whichever file is older; otherwise files are taken oldest first
    (modification time, then name). A file that claims what another holds gets located problems
    and is left out; the other stays."""
    city_ids: dict[str, CityData] = {}
    report_ids: dict[str, CityData] = {}
    source_files: dict[str, tuple[CityData, str]] = {}
    # the file a report id or source file belongs to by its name, when one does
    owners: dict[str, CityData] = {}
    for city in cities:
        for report_id, report in city.header.reports.items():
            if report_id.startswith(city.header.id + "-"):
                owners.setdefault(report_id, city)
                if report.source == f"sources/{report_id}.txt":
                    owners.setdefault(report.source, city)
    out = []
    for city in sorted(cities, key=_age):
        problems = []
        older = city_ids.get(city.header.id)
        if older is not None:
            line, col = city.marks.get(("id",), (1, 1))
            problems.append(
                Problem.of(
                    display_path(city.path),
                    line,
                    col,
                    "city_defined",
                    "id",
                    city=city.header.id,
                    other=display_path(older.path),
                )
            )
        for report_id, report in city.header.reports.items():
            holder = report_ids.get(report_id)
            if holder is None and owners.get(report_id, city) is not city:
                holder = owners[report_id]
            if holder is not None:
                line, col = city.marks.get(("reports", report_id), (1, 1))
                problems.append(
                    Problem.of(
                        display_path(city.path),
                        line,
                        col,
                        "report_id_used",
                        f"reports.{report_id}",
                        report=report_id,
                        other=display_path(holder.path),
                        example=f"{city.header.id}-{report.period.end.year}",
                    )
                )
            claim = source_files.get(report.source)
            if claim is None and owners.get(report.source, city) is not city:
                owner = owners[report.source]
                claim = (owner, next(r for r, rep in owner.header.reports.items() if rep.source == report.source))
            if claim is not None:
                line, col = city.marks.get(("reports", report_id, "source"), (1, 1))
                problems.append(
                    Problem.of(
                        display_path(city.path),
                        line,
                        col,
                        "source_claimed",
                        f"reports.{report_id}.source",
                        source=report.source,
                        report=claim[1],
                        other=display_path(claim[0].path),
                    )
                )
        if not problems:
            city_ids[city.header.id] = city
            for report_id, report in city.header.reports.items():
                report_ids[report_id] = city
                source_files[report.source] = (city, report_id)
        out.append((city, problems))
    return out


# --- DuckDB ---------------------------------------------------------------------------------

_VIEW = """
-- Derived tables, materialised once per build: page queries read them, never recompute them.
-- observations_full is stored in city order, so that a city's pages read few row groups: the
-- observations are numbered and stored in that order, and DuckDB keeps a scan's order through
-- the joins (preserve_insertion_order, its default), so no ORDER BY (its sort cost 0.2 s at
-- 3,000 cities; tests/test_load.py checks the order).
CREATE TABLE observations_full AS
SELECT
    o.*,
    i.category_id, i.name_zh AS indicator_zh, i.name_en AS indicator_en, i.unit AS unit_kind,
    i.measure_word_zh, i.measure_word_en, i.per_capita, i.measure, i.by_level,
    i.sort_order AS indicator_order,
    c.sort_order AS category_order, c.name_zh AS category_zh, c.name_en AS category_en,
    ct.name_zh AS city_zh, ct.name_en AS city_en, ct.province_zh, ct.province_en, ct.population,
    ct.population_year, ct.population_basis, ct.population_verified, ct.population_source,
    r.title_zh AS report_title_zh, r.title_en AS report_title_en, r.title_by, r.publisher, r.published,
    r.published_note, r.published_note_en, r.source_path, r.period_inferred, r.period_note, r.period_note_en,
    r.excerpt,
    r.period_start AS report_start, r.period_end AS report_end,
    year(r.period_end) AS report_year,
    -- a running total whose start is unknown, or a city without a denominator: no rate
    CASE WHEN i.per_capita AND NOT o.since_unknown THEN o.value / ct.population * 100000 END AS per_100k
FROM observations o
JOIN indicators i USING (indicator_id)
JOIN categories c USING (category_id)
JOIN cities ct USING (city_id)
JOIN reports r USING (report_id)
WHERE {scope:o.city_id};

-- Each city's latest report (by the end of its period): the default of comparisons.
CREATE TABLE latest_reports AS
SELECT report_id, city_id FROM (
    SELECT report_id, city_id,
           row_number() OVER (PARTITION BY city_id ORDER BY period_end DESC, report_id DESC) AS n
    FROM reports
    WHERE {scope:city_id}
) WHERE n = 1;

-- One value per city, indicator, report, period, tally, scope and level: the observation itself,
-- or the sum of its breakdown parts (n_parts > 1), with a qualifier that stays honest about
-- approximate parts. Values that differ in tally, scope or level are separate rows: never summed.
CREATE TABLE indicator_values AS
WITH k AS (
    -- grouped as load._value_key groups
    SELECT city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level,
           min(observation_id) AS first_id, count(*) AS n_parts, list(observation_id) AS ids
    FROM observations_full
    WHERE {scope:city_id}
    GROUP BY city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level
), g AS (
    -- a value of one part (nearly all of them) is its observation: no ordered aggregate needed
    -- (at 3,000 cities the ordered lists of every group cost half a second of every build)
    SELECT f.city_id, f.indicator_id, f.report_id, f.period_start, f.period_end, f.tally, f.scope_zh, f.level,
           k.first_id, f.value, k.n_parts, f.breakdown_zh IS NOT NULL AS is_sum_of_parts, f.qualifier,
           [f.observation_id] AS observation_ids, [f.quote] AS quotes, [f.breakdown_zh] AS breakdowns_zh,
           [f.breakdown_en] AS breakdowns_en, [f.value] AS part_values, [f.qualifier] AS part_qualifiers,
           [f.written_word] AS part_words, f.written_word, f.note AS notes, f.note_en AS notes_en
    FROM k JOIN observations_full f ON f.observation_id = k.first_id
    WHERE k.n_parts = 1
    UNION ALL
    -- a sum of parts: their lists in observation order
    SELECT
        city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level,
        -- what every part shares (city, indicator, report, measure) is read from the first part
        min(observation_id) AS first_id,
        sum(value) AS value,
        count(*) AS n_parts,
        bool_or(breakdown_zh IS NOT NULL) AS is_sum_of_parts,
        CASE
            WHEN count(*) = 1 THEN any_value(qualifier)
            WHEN bool_or(qualifier IN ('nearly', 'about')) THEN 'about'
            WHEN bool_or(qualifier = 'more_than') THEN 'more_than'
            ELSE 'exact'
        END AS qualifier,
        list(observation_id ORDER BY observation_id) AS observation_ids,
        list(quote ORDER BY observation_id) AS quotes,
        list(breakdown_zh ORDER BY observation_id) AS breakdowns_zh,
        list(breakdown_en ORDER BY observation_id) AS breakdowns_en,
        list(value ORDER BY observation_id) AS part_values,
        list(qualifier ORDER BY observation_id) AS part_qualifiers,
        -- the measure word the article wrote (人次, 户...): the parts' own, or NULL when they differ
        list(written_word ORDER BY observation_id) AS part_words,
        CASE WHEN count(DISTINCT written_word) = 1 THEN any_value(written_word) END AS written_word,
        string_agg(note, '；' ORDER BY observation_id) AS notes,
        string_agg(note_en, ' ' ORDER BY observation_id) AS notes_en
    FROM observations_full
    WHERE observation_id IN (SELECT unnest(ids) FROM k WHERE n_parts > 1)
    GROUP BY city_id, indicator_id, report_id, period_start, period_end, tally, scope_zh, level
)
SELECT
    g.city_id, g.indicator_id, g.report_id, g.period_start, g.period_end, g.tally, g.scope_zh, g.level,
    f.scope_en, f.cumulative, f.since_unknown, f.category_id,
    g.value, g.n_parts, g.is_sum_of_parts, g.qualifier, g.observation_ids, g.quotes, g.breakdowns_zh,
    g.breakdowns_en, g.part_values, g.part_qualifiers, g.part_words, g.written_word, g.notes, g.notes_en,
    f.own_period, f.indicator_zh, f.indicator_en, f.unit_kind, f.measure_word_zh, f.measure_word_en,
    f.per_capita, f.measure, f.indicator_order, f.category_order, f.city_zh, f.city_en, f.province_zh,
    f.province_en, f.population, f.population_year, f.population_basis, f.population_verified,
    f.population_source, f.report_title_zh, f.report_title_en, f.title_by, f.publisher, f.published, f.period_inferred,
    f.excerpt, f.report_start, f.report_end, f.report_year,
    g.report_id IN (SELECT report_id FROM latest_reports) AS latest,
    CASE WHEN f.per_capita AND NOT f.since_unknown THEN g.value / f.population * 100000 END AS per_100k
FROM g JOIN observations_full f ON f.observation_id = g.first_id
ORDER BY g.city_id, g.indicator_id, g.report_id, g.period_start, g.period_end, g.tally, g.scope_zh, g.level;

-- The same rows in indicator order, for the page that ranks every city on one indicator: its
-- rows lie together here (in city order they are spread over the whole table, and reading a few
-- rows of 56 columns from every row group costs more than the rows themselves).
CREATE TABLE indicator_values_by_indicator AS
SELECT * FROM indicator_values
WHERE {scope:city_id}
ORDER BY indicator_id, city_id, report_id;

-- The counts the city, category and indicator lists and the coverage table show, counted once
-- per build (a correlated count per row cost every page query tens of ms at 1,000 cities).
CREATE TABLE city_summary AS
SELECT c.city_id, r.period_start, r.period_end,
       coalesce(o.n_indicators, 0) AS n_indicators, coalesce(o.n_categories, 0) AS n_categories,
       coalesce(o.n_observations, 0) AS n_observations
FROM cities c
LEFT JOIN (SELECT city_id, min(period_start) AS period_start, max(period_end) AS period_end
           FROM reports GROUP BY city_id) r USING (city_id)
LEFT JOIN (SELECT city_id, count(DISTINCT indicator_id) AS n_indicators,
                  count(DISTINCT split_part(indicator_id, '.', 1)) AS n_categories, count(*) AS n_observations
           FROM observations GROUP BY city_id) o USING (city_id)
WHERE {scope:c.city_id};

CREATE TABLE category_summary AS
SELECT k.category_id,
       (SELECT count(*) FROM indicators i WHERE i.category_id = k.category_id) AS n_indicators,
       coalesce(o.n_cities, 0) AS n_cities
FROM categories k
LEFT JOIN (SELECT category_id, count(DISTINCT city_id) AS n_cities FROM observations_full GROUP BY category_id) o
    USING (category_id);

CREATE TABLE indicator_summary AS
SELECT i.indicator_id, coalesce(o.n_cities, 0) AS n_cities
FROM indicators i
LEFT JOIN (SELECT indicator_id, count(DISTINCT city_id) AS n_cities FROM observations GROUP BY indicator_id) o
    USING (indicator_id);

CREATE TABLE coverage AS
SELECT c.city_id, k.category_id, k.sort_order AS category_order,
       count(DISTINCT o.indicator_id) AS n_indicators
FROM cities c CROSS JOIN categories k
LEFT JOIN observations_full o ON o.city_id = c.city_id AND o.category_id = k.category_id
WHERE {scope:c.city_id}
GROUP BY ALL
"""


def _note(note, lang: str) -> str | None:
    """A report's note in one language: Chinese text alone is its Chinese; no English then."""
    if note is None:
        return None
    if isinstance(note, str):
        return note if lang == "zh" else None
    return note.zh if lang == "zh" else note.en


def tables(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The dataset as data frames, one per table."""
    catalog = dataset.catalog
    categories = pd.DataFrame(
        [
            {
                "category_id": cid,
                "sort_order": c.order,
                "name_zh": c.name.zh,
                "name_en": c.name.en,
                "definition_zh": c.definition.zh,
                "definition_en": c.definition.en,
            }
            for cid, c in catalog.categories.items()
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "indicator_id": iid,
                "category_id": iid.split(".")[0],
                "sort_order": n,
                "name_zh": i.name.zh,
                "name_en": i.name.en,
                "definition_zh": i.definition.zh,
                "definition_en": i.definition.en,
                "unit": i.unit,
                "measure_word_zh": i.word("zh"),
                "measure_word_en": i.word("en"),
                "per_capita": i.per_capita,
                "measure": i.measure,
                "by_level": i.by_level,
                "notes_zh": i.notes.zh if i.notes else None,
                "notes_en": i.notes.en if i.notes else None,
                "keywords": ",".join(i.keywords),
            }
            for n, (iid, i) in enumerate(catalog.indicators.items())
        ]
    )
    columns = base_columns(dataset)
    observations = pd.DataFrame(columns["observations"])
    for column in ("period_start", "period_end"):
        observations[column] = (
            pd.to_datetime(observations[column]).dt.date if len(observations) else pd.Series(dtype="object")
        )
    cities = pd.DataFrame(columns["cities"], columns=_CITY_COLUMNS)
    reports = pd.DataFrame(columns["reports"], columns=_REPORT_COLUMNS)
    problems = pd.DataFrame(
        [p.row() for p in dataset.problems],
        columns=PROBLEM_COLUMNS,
    )
    return {
        "categories": categories,
        "indicators": indicators,
        "cities": cities,
        "reports": reports,
        "observations": observations,
        "problems": problems,
    }


def base_columns(dataset: Dataset) -> dict[str, dict[str, list]]:
    """The rows of the cities, reports and observations of a dataset, as columns (name -> values,
    in the tables' order): tables() frames them; metrics.cache makes Arrow tables of them
    without pandas (a tenth of a file's validation at 3,000 files)."""
    catalog = dataset.catalog
    city_rows, report_rows, obs_columns = [], [], {k: [] for k in _OBS_COLUMNS}
    next_id = 1
    for city_id, city in sorted(dataset.cities.items()):
        h = city.header
        city_rows.append(
            {
                "city_id": city_id,
                "name_zh": h.name.zh,
                "name_en": h.name.en,
                "province_zh": h.province.zh,
                "province_en": h.province.en,
                "level": h.level,
                "parent_zh": h.parent.zh if h.parent else None,
                "parent_en": h.parent.en if h.parent else None,
                "population": h.population.value if h.population else None,
                "population_year": h.population.year if h.population else None,
                "population_basis": h.population.basis if h.population else None,
                "population_source": h.population.source if h.population else None,
                "population_verified": h.population.verified if h.population else None,
                "file": display_path(city.path),
            }
        )
        for report_id, r in h.reports.items():
            report_rows.append(
                {
                    "report_id": report_id,
                    "city_id": city_id,
                    "title_zh": r.title.zh,
                    "title_en": r.title.en,
                    "title_by": r.title_by,
                    "publisher": r.publisher,
                    "published": r.published if r.published != "unknown" else None,
                    "published_note": _note(r.published_note, "zh"),
                    "published_note_en": _note(r.published_note, "en"),
                    "period_start": r.period.start,
                    "period_end": r.period.end,
                    "period_inferred": r.period_inferred,
                    "period_note": _note(r.period_note, "zh"),
                    "period_note_en": _note(r.period_note, "en"),
                    "source_path": f"data/{r.source}",
                    "url": r.url,
                    "excerpt": r.excerpt,
                    "source_text": city.sources.get(report_id, ""),
                }
            )
        for obs, line, canonical in zip(city.observations, city.lines, city.canonical, strict=True):
            start, end = observation_period(obs, h.reports[obs.report])
            counted = catalog.indicators[obs.indicator].unit == "count"
            row = (
                next_id,
                city_id,
                obs.indicator,
                obs.report,
                canonical,
                obs.qualifier,
                float(obs.value),
                obs.unit,
                start,
                end,
                obs.period is not None or obs.tally != "flow",
                obs.tally,
                obs.tally != "flow",
                obs.since == "unknown",
                obs.scope.zh if obs.scope else None,
                obs.scope.en if obs.scope else None,
                obs.level,
                obs.breakdown.zh if obs.breakdown else None,
                obs.breakdown.en if obs.breakdown else None,
                obs.quote,
                obs.note.zh if obs.note else None,
                obs.note.en if obs.note else None,
                line,
                parse_unit(obs.unit)[1] if counted else None,
            )
            for key, value in zip(_OBS_COLUMNS, row, strict=True):
                obs_columns[key].append(value)
            next_id += 1
    return {
        "cities": {k: [r[k] for r in city_rows] for k in _CITY_COLUMNS},
        "reports": {k: [r[k] for r in report_rows] for k in _REPORT_COLUMNS},
        "observations": obs_columns,
    }


_OBS_COLUMNS = (
    "observation_id",
    "city_id",
    "indicator_id",
    "report_id",
    "value",
    "qualifier",
    "value_as_written",
    "unit_as_written",
    "period_start",
    "period_end",
    "own_period",
    "tally",
    "cumulative",
    "since_unknown",
    "scope_zh",
    "scope_en",
    "level",
    "breakdown_zh",
    "breakdown_en",
    "quote",
    "note",
    "note_en",
    "line",
    "written_word",
)
_CITY_COLUMNS = [
    "city_id",
    "name_zh",
    "name_en",
    "province_zh",
    "province_en",
    "level",
    "parent_zh",
    "parent_en",
    "population",
    "population_year",
    "population_basis",
    "population_source",
    "population_verified",
    "file",
]
_REPORT_COLUMNS = [
    "report_id",
    "city_id",
    "title_zh",
    "title_en",
    "title_by",
    "publisher",
    "published",
    "published_note",
    "published_note_en",
    "period_start",
    "period_end",
    "period_inferred",
    "period_note",
    "period_note_en",
    "source_path",
    "url",
    "excerpt",
    "source_text",
]

_DDL = {
    "categories": "category_id VARCHAR PRIMARY KEY, sort_order INTEGER, name_zh VARCHAR, name_en VARCHAR, definition_zh VARCHAR, definition_en VARCHAR",
    "indicators": "indicator_id VARCHAR PRIMARY KEY, category_id VARCHAR, sort_order INTEGER, name_zh VARCHAR, name_en VARCHAR, definition_zh VARCHAR, definition_en VARCHAR, unit VARCHAR, measure_word_zh VARCHAR, measure_word_en VARCHAR, per_capita BOOLEAN, measure VARCHAR, by_level BOOLEAN, notes_zh VARCHAR, notes_en VARCHAR, keywords VARCHAR",
    "cities": "city_id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, province_zh VARCHAR, province_en VARCHAR, level VARCHAR, parent_zh VARCHAR, parent_en VARCHAR, population BIGINT, population_year INTEGER, population_basis VARCHAR, population_source VARCHAR, population_verified BOOLEAN, file VARCHAR",
    "reports": "report_id VARCHAR PRIMARY KEY, city_id VARCHAR, title_zh VARCHAR, title_en VARCHAR, title_by VARCHAR, publisher VARCHAR, published DATE, published_note VARCHAR, published_note_en VARCHAR, period_start DATE, period_end DATE, period_inferred BOOLEAN, period_note VARCHAR, period_note_en VARCHAR, source_path VARCHAR, url VARCHAR, excerpt BOOLEAN, source_text VARCHAR",
    "observations": "observation_id INTEGER, city_id VARCHAR, indicator_id VARCHAR, report_id VARCHAR, value DOUBLE, qualifier VARCHAR, value_as_written DOUBLE, unit_as_written VARCHAR, period_start DATE, period_end DATE, own_period BOOLEAN, tally VARCHAR, cumulative BOOLEAN, since_unknown BOOLEAN, scope_zh VARCHAR, scope_en VARCHAR, level VARCHAR, breakdown_zh VARCHAR, breakdown_en VARCHAR, quote VARCHAR, note VARCHAR, note_en VARCHAR, line INTEGER, written_word VARCHAR",
    "problems": "path VARCHAR, line INTEGER, col INTEGER, code VARCHAR, params VARCHAR, field VARCHAR, pending VARCHAR, message VARCHAR",
}


def build_database(dataset: Dataset, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Creates the tables and the joined view in a DuckDB connection (in memory by default)."""
    con = con or duckdb.connect(":memory:")
    with gc_paused():
        frames = tables(dataset)
    for name, frame in frames.items():
        con.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        if len(frame):
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {name} SELECT * FROM _frame")
            con.unregister("_frame")
    derive(con)
    return con


def _statements(scoped: bool) -> list[tuple[str, str, bool]]:
    """The derived tables' statements as (table, SELECT, per_city). A per-city table's rows
    depend on one city's rows alone; with `scoped`, its SELECT reads only the cities listed in the
    table `_scope(city_id)`."""
    out = []
    for statement in _VIEW.split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
        match = re.match(r"CREATE TABLE (\w+) AS\s+(.*)", body, re.S)
        table, select = match.group(1), match.group(2)
        per_city = "{scope:" in select
        select = re.sub(
            r"\{scope:([\w.]+)\}",
            (lambda m: f"{m.group(1)} IN (SELECT city_id FROM _scope)") if scoped else "TRUE",
            select,
        )
        out.append((table, select, per_city))
    return out


DERIVED_TABLES = tuple(table for table, _, _ in _statements(False))


def derive(con: duckdb.DuckDBPyConnection, scoped: bool = False) -> None:
    """Creates the derived tables from the base ones (the cache's snapshots use this too).

    With `scoped`, the tables exist and only the cities in the table `_scope(city_id)` changed:
    their rows of the per-city tables are replaced, and the tables that count across cities are
    counted again (metrics.cache updates a snapshot this way after an edit)."""
    with gc_paused():
        for table, select, per_city in _statements(scoped):
            if not scoped:
                con.execute(f"CREATE TABLE {table} AS {select}")
            elif per_city:
                con.execute(f"DELETE FROM {table} WHERE city_id IN (SELECT city_id FROM _scope)")
                con.execute(f"INSERT INTO {table} {select}")
            else:
                con.execute(f"DELETE FROM {table}")
                con.execute(f"INSERT INTO {table} {select}")
