"""YAML and source texts -> validated records -> DuckDB tables.

Reads `data/catalog.yaml`, `data/cities/*.yaml` and the `data/sources/*.txt` they cite. Every
problem in a file is collected as a located `Problem` (path:line:col: message) instead of
stopping at the first; a city file with any problem is left out whole, and the others load.
Writes nothing to disk: `build_database` fills an in-memory DuckDB (the CLI may save it).
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from pydantic import ValidationError

from metrics import messages, schema, yamlio
from metrics.numbers import find_mentions
from metrics.text import HEADER_END, article_body, normalise
from metrics.units import UnitError, parse_unit, to_canonical

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Problem:
    """One located problem in a data file."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def text(self, lang: str = "en") -> str:
        """`file:line:col: message`, the message in `lang` (metrics.messages: zh or en)."""
        return f"{self.path}:{self.line}:{self.col}: {messages.translate(self.message, lang)}"


class CatalogError(Exception):
    """The catalog itself is broken: nothing can be checked without it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class CityData:
    """A validated city file: the model, its observations as rows, and their canonical values."""

    path: Path
    header: schema.CityHeader
    observations: list[schema.Observation]
    lines: list[int]
    canonical: list[float]
    sources: dict[str, str]  # report id -> source text as published


@dataclass
class Dataset:
    """Everything loaded from a data folder, with the problems of the files left out."""

    catalog: schema.Catalog
    cities: dict[str, CityData] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    """A path as an editor would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _pydantic_problems(exc: ValidationError, doc: yamlio.Document, where: str, prefix: tuple = ()) -> list[Problem]:
    # entries: [line, col, field name, messages, suffix]; the branches of one union (a date or
    # 'unknown') are merged into one problem, since the editor made one mistake.
    entries: list[list] = []
    unions: dict[tuple, list] = {}
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(step for step in err["loc"] if not _is_union_branch(step))
        kind = err["type"]
        message = err["msg"]
        suffix = ""
        if kind == "extra_forbidden":
            line, col = doc.locate_key(loc)
            message = f"unknown key '{loc[-1]}'; check its spelling against data/README.md"
        elif kind == "missing":
            line, col = doc.locate(loc[:-1])
            message = f"missing key '{loc[-1]}'"
        else:
            line, col = doc.locate(loc)
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            got = err.get("input")
            if kind not in ("model_type", "dict_type") and not isinstance(got, (dict, list)):
                suffix = f" (got {got!r})"
        is_branch = len(loc) < len(prefix) + len(err["loc"])
        if is_branch and loc in unions:
            if message not in unions[loc][3]:
                unions[loc][3].append(message)
            continue
        entry = [line, col, ".".join(str(s) for s in loc), [message], suffix]
        entries.append(entry)
        if is_branch:
            unions[loc] = entry
    problems = []
    for line, col, field_name, texts, suffix in entries:
        message = texts[0] + "".join(" or " + m.removeprefix("Input should be ") for m in texts[1:]) + suffix
        problems.append(Problem(where, line, col, f"{field_name}: {message}" if field_name else message))
    return problems


def _is_union_branch(step) -> bool:
    # pydantic names union branches in loc ("float", "int", "date", "literal['unknown']"):
    # they say nothing to an editor.
    return isinstance(step, str) and (
        step in ("float", "int", "date", "constrained-float", "constrained-int")
        or step.startswith(("literal[", "function-", "constrained-"))
    )


def load_catalog(path: Path) -> schema.Catalog:
    """Loads and validates the catalog; raises CatalogError listing every problem."""
    where = display_path(path)
    try:
        doc = yamlio.read(path)
    except (OSError, yamlio.YamlError) as exc:
        line, col = (exc.line, exc.col) if isinstance(exc, yamlio.YamlError) else (1, 1)
        raise CatalogError([Problem(where, line, col, getattr(exc, "message", str(exc)))]) from None
    try:
        return schema.Catalog.model_validate(doc.data)
    except ValidationError as exc:
        raise CatalogError(_pydantic_problems(exc, doc, where)) from None


def _closest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _quote_problem(quote: str, normalised_source: str) -> str | None:
    """Says where a quote departs from the source, or None when it is found."""
    needle = normalise(quote)
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
        return "quote not found in the source text; copy it from the article (simplified characters are fine)"
    return (
        f"quote not found in the source text: it matches up to '{needle[:lo]}' and then the article differs "
        f"at '{needle[lo : lo + 12]}'; copy the clause verbatim"
    )


_QUALIFIER_WORDS = {"exact": "no qualifier", "more_than": "余/多/超过", "nearly": "近", "about": "约"}


def _number_problems(obs: schema.Observation) -> list[str]:
    """Checks that the number as written is in the quote, with the qualifier the quote gives it.

    The value times the unit's multiplier (2.6 万人 -> 26,000) must equal a number of the quote
    read with its own multiplier (2.6万余人 -> 26,000): 26000 万人 for "2.6万" is caught.
    """
    expected = float(obs.value) * parse_unit(obs.unit)[0]
    mentions = find_mentions(normalise(obs.quote))
    matches = [m for m in mentions if _same(m.value, expected)]
    if not matches:
        written = ", ".join(m.written for m in mentions) or "none"
        return [
            f"value {obs.value:g} {obs.unit} is not in the quote (numbers in the quote: {written}); "
            "expected the number and unit as the article writes them"
        ]
    if any(m.qualifier == obs.qualifier for m in matches):
        return []
    found = matches[0].qualifier
    return [
        f"qualifier is {obs.qualifier} but the quote writes {_QUALIFIER_WORDS[found]} before or after "
        f"{matches[0].written}; expected qualifier: {found}"
    ]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def load_city(path: Path, catalog: schema.Catalog, data_dir: Path) -> tuple[CityData | None, list[Problem]]:
    """Loads and validates one city file; returns its data, or None with every problem found."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(where, 1, 1, f"cannot read the file: {exc.strerror}")]
    if len(raw) > yamlio.MAX_BYTES:
        return None, [
            Problem(where, 1, 1, f"file is larger than {yamlio.MAX_BYTES // 1_000_000} MB; expected a city file")
        ]
    try:
        text = yamlio.decode(raw)
    except yamlio.YamlError as exc:
        return None, [Problem(where, exc.line, exc.col, exc.message)]
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
        return None, [Problem(where, exc.line, exc.col, exc.message)]
    if not isinstance(doc.data, dict):
        return None, [
            Problem(where, 1, 1, "a city file is a mapping with id, name, ..., observations; see data/README.md")
        ]

    problems: list[Problem] = []
    header = None
    try:
        header = schema.CityHeader.model_validate(doc.data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, doc, where)

    city_id = doc.data.get("id")
    if isinstance(city_id, str) and city_id != stem:
        line, col = doc.locate(("id",))
        problems.append(Problem(where, line, col, f"id '{city_id}' differs from the file name; expected '{stem}'"))

    sources: dict[str, str] = {}
    normalised_sources: dict[str, str] = {}
    if header is not None:
        for report_id, report in header.reports.items():
            source_path = data_dir / report.source
            try:
                if extra_sources and report.source in extra_sources:
                    raw = extra_sources[report.source]
                else:
                    raw = source_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                line, col = doc.locate(("reports", report_id, "source"))
                reason = "is not UTF-8" if isinstance(exc, UnicodeDecodeError) else "does not exist"
                problems.append(
                    Problem(where, line, col, f"reports.{report_id}.source: {report.source} {reason} under data/")
                )
                continue
            if HEADER_END not in raw.splitlines()[:20] and f"\n{HEADER_END}\n" not in raw[:2000]:
                line, col = doc.locate(("reports", report_id, "source"))
                problems.append(
                    Problem(
                        where,
                        line,
                        col,
                        f"reports.{report_id}.source: {report.source} has no header ended by a line '---'; see data/README.md",
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
                problems += _pydantic_problems(exc, doc, where, loc)
                continue
            obs_problems: list[tuple[str, str]] = []  # (field, message)
            indicator = catalog.indicators.get(obs.indicator)
            canonical = float(obs.value)
            if indicator is None:
                obs_problems.append(
                    (
                        "indicator",
                        f"unknown indicator '{obs.indicator}'{_closest(obs.indicator, catalog.indicators)} (see data/catalog.yaml)",
                    )
                )
            else:
                try:
                    canonical = to_canonical(obs.value, obs.unit, indicator.unit, indicator.accepts)
                except UnitError as exc:
                    obs_problems.append(("unit", f"{exc} for {obs.indicator}"))
                if indicator.unit == "percent" and obs.value > 100:
                    obs_problems.append(("value", f"a percentage is at most 100 (got {obs.value:g})"))
            if header is not None and obs.report not in header.reports:
                known = ", ".join(header.reports)
                obs_problems.append(("report", f"unknown report '{obs.report}'; this file's reports are: {known}"))
            elif obs.report in normalised_sources:
                message = _quote_problem(obs.quote, normalised_sources[obs.report])
                if message:
                    obs_problems.append(("quote", message))
            obs_problems += [("quote", m) for m in _number_problems(obs)]
            if header is not None and obs.report in header.reports:
                report = header.reports[obs.report]
                period = obs.period or report.period
                key = (
                    obs.indicator,
                    obs.report,
                    period.start,
                    period.end,
                    obs.cumulative,
                    obs.breakdown.zh if obs.breakdown else None,
                )
                if key in seen:
                    obs_problems.append(
                        (
                            "indicator",
                            f"same indicator, report, period and breakdown as the observation at line {seen[key]}; give each part a distinct breakdown or remove one",
                        )
                    )
                else:
                    seen[key] = line
            for field_name, message in obs_problems:
                fline, fcol = doc.locate((*loc, field_name))
                problems.append(Problem(where, fline, fcol, f"observations.{index}.{field_name}: {message}"))
            observations.append(obs)
            lines.append(line)
            canonical_values.append(canonical)

    problems += _mixed_breakdown_problems(observations, lines, header, where)
    if problems or header is None:
        return None, problems
    return CityData(path or Path(where), header, observations, lines, canonical_values, sources), []


def _mixed_breakdown_problems(observations, lines, header, where) -> list[Problem]:
    if header is None:
        return []
    groups: dict[tuple, list[int]] = {}
    for i, obs in enumerate(observations):
        report = header.reports.get(obs.report)
        if report is None:
            continue
        period = obs.period or report.period
        groups.setdefault((obs.indicator, obs.report, period.start, period.end, obs.cumulative), []).append(i)
    problems = []
    for members in groups.values():
        with_parts = [i for i in members if observations[i].breakdown is not None]
        if with_parts and len(with_parts) != len(members):
            lonely = next(i for i in members if observations[i].breakdown is None)
            problems.append(
                Problem(
                    where,
                    lines[lonely],
                    3,
                    f"{observations[lonely].indicator}: a value without breakdown stands beside parts of the same "
                    f"indicator, report and period (line {lines[with_parts[0]]}); give it a breakdown label too, or "
                    "remove it if it is their total",
                )
            )
    return problems


def city_files(data_dir: Path) -> list[Path]:
    """The city files of a data folder, in name order."""
    return sorted((data_dir / "cities").glob("*.yaml"))


def load_all(data_dir: Path = DATA_DIR, paths: list[Path] | None = None) -> Dataset:
    """Loads the catalog and every city file; a broken city file is left out with its problems."""
    catalog = load_catalog(data_dir / "catalog.yaml")
    dataset = Dataset(catalog=catalog)
    for path in paths if paths is not None else city_files(data_dir):
        city, problems = load_city(path, catalog, data_dir)
        if city is None:
            dataset.problems += problems
            dataset.failed_files.append(display_path(path))
        else:
            dataset.cities[city.header.id] = city
    return dataset


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """A digest of every data file's name, size and modification time: changes when data changes."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".txt"):
            stat = path.stat()
            digest.update(f"{path.relative_to(data_dir)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# --- DuckDB ---------------------------------------------------------------------------------

_VIEW = """
CREATE VIEW observations_full AS
SELECT
    o.*,
    i.category_id, i.name_zh AS indicator_zh, i.name_en AS indicator_en, i.unit AS unit_kind,
    i.measure_word_zh, i.measure_word_en, i.per_capita, i.sort_order AS indicator_order,
    c.sort_order AS category_order, c.name_zh AS category_zh, c.name_en AS category_en,
    ct.name_zh AS city_zh, ct.name_en AS city_en, ct.population, ct.population_year,
    ct.population_basis, ct.population_verified,
    r.title_zh AS report_title_zh, r.title_en AS report_title_en, r.publisher, r.published,
    r.published_note, r.source_path,
    CASE WHEN i.per_capita THEN o.value / ct.population * 100000 END AS per_100k
FROM observations o
JOIN indicators i USING (indicator_id)
JOIN categories c USING (category_id)
JOIN cities ct USING (city_id)
JOIN reports r USING (report_id);

-- One value per city, indicator, report and period: the observation itself, or the sum of its
-- breakdown parts (n_parts > 1), with a qualifier that stays honest about approximate parts.
CREATE VIEW indicator_values AS
SELECT
    city_id, indicator_id, report_id, period_start, period_end, cumulative,
    any_value(category_id) AS category_id,
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
    string_agg(note, ' ' ORDER BY observation_id) AS notes,
    any_value(own_period) AS own_period,
    any_value(indicator_zh) AS indicator_zh, any_value(indicator_en) AS indicator_en,
    any_value(unit_kind) AS unit_kind, any_value(measure_word_zh) AS measure_word_zh,
    any_value(measure_word_en) AS measure_word_en, any_value(per_capita) AS per_capita,
    any_value(indicator_order) AS indicator_order, any_value(category_order) AS category_order,
    any_value(city_zh) AS city_zh, any_value(city_en) AS city_en,
    any_value(population) AS population, any_value(population_year) AS population_year,
    any_value(population_basis) AS population_basis, any_value(population_verified) AS population_verified,
    any_value(report_title_zh) AS report_title_zh, any_value(report_title_en) AS report_title_en,
    any_value(publisher) AS publisher, any_value(published) AS published,
    CASE WHEN any_value(per_capita) THEN sum(value) / any_value(population) * 100000 END AS per_100k
FROM observations_full
GROUP BY city_id, indicator_id, report_id, period_start, period_end, cumulative
"""


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
                "measure_word_zh": i.measure_word.zh if i.measure_word else ("元" if i.unit == "yuan" else "%"),
                "measure_word_en": i.measure_word.en if i.measure_word else ("yuan" if i.unit == "yuan" else "%"),
                "per_capita": i.per_capita,
                "notes_zh": i.notes.zh if i.notes else None,
                "notes_en": i.notes.en if i.notes else None,
                "keywords": ",".join(i.keywords),
            }
            for n, (iid, i) in enumerate(catalog.indicators.items())
        ]
    )
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
                "population": h.population.value,
                "population_year": h.population.year,
                "population_basis": h.population.basis,
                "population_source": h.population.source,
                "population_verified": h.population.verified,
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
                    "publisher": r.publisher,
                    "published": r.published if r.published != "unknown" else None,
                    "published_note": r.published_note,
                    "period_start": r.period.start,
                    "period_end": r.period.end,
                    "source_path": f"data/{r.source}",
                    "url": r.url,
                    "source_text": city.sources.get(report_id, ""),
                }
            )
        for obs, line, canonical in zip(city.observations, city.lines, city.canonical, strict=True):
            period = obs.period or h.reports[obs.report].period
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
                period.start,
                period.end,
                obs.period is not None,
                obs.cumulative,
                obs.breakdown.zh if obs.breakdown else None,
                obs.breakdown.en if obs.breakdown else None,
                obs.quote,
                obs.note,
                line,
                parse_unit(obs.unit)[1] if counted else None,
            )
            for key, value in zip(_OBS_COLUMNS, row, strict=True):
                obs_columns[key].append(value)
            next_id += 1
    observations = pd.DataFrame(obs_columns)
    for column in ("period_start", "period_end"):
        observations[column] = (
            pd.to_datetime(observations[column]).dt.date if len(observations) else pd.Series(dtype="object")
        )
    cities = pd.DataFrame(city_rows, columns=_CITY_COLUMNS)
    reports = pd.DataFrame(report_rows, columns=_REPORT_COLUMNS)
    problems = pd.DataFrame(
        [{"path": p.path, "line": p.line, "col": p.col, "message": p.message} for p in dataset.problems],
        columns=["path", "line", "col", "message"],
    )
    return {
        "categories": categories,
        "indicators": indicators,
        "cities": cities,
        "reports": reports,
        "observations": observations,
        "problems": problems,
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
    "cumulative",
    "breakdown_zh",
    "breakdown_en",
    "quote",
    "note",
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
    "publisher",
    "published",
    "published_note",
    "period_start",
    "period_end",
    "source_path",
    "url",
    "source_text",
]

_DDL = {
    "categories": "category_id VARCHAR PRIMARY KEY, sort_order INTEGER, name_zh VARCHAR, name_en VARCHAR, definition_zh VARCHAR, definition_en VARCHAR",
    "indicators": "indicator_id VARCHAR PRIMARY KEY, category_id VARCHAR, sort_order INTEGER, name_zh VARCHAR, name_en VARCHAR, definition_zh VARCHAR, definition_en VARCHAR, unit VARCHAR, measure_word_zh VARCHAR, measure_word_en VARCHAR, per_capita BOOLEAN, notes_zh VARCHAR, notes_en VARCHAR, keywords VARCHAR",
    "cities": "city_id VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, province_zh VARCHAR, province_en VARCHAR, level VARCHAR, parent_zh VARCHAR, parent_en VARCHAR, population BIGINT, population_year INTEGER, population_basis VARCHAR, population_source VARCHAR, population_verified BOOLEAN, file VARCHAR",
    "reports": "report_id VARCHAR PRIMARY KEY, city_id VARCHAR, title_zh VARCHAR, title_en VARCHAR, publisher VARCHAR, published DATE, published_note VARCHAR, period_start DATE, period_end DATE, source_path VARCHAR, url VARCHAR, source_text VARCHAR",
    "observations": "observation_id INTEGER PRIMARY KEY, city_id VARCHAR, indicator_id VARCHAR, report_id VARCHAR, value DOUBLE, qualifier VARCHAR, value_as_written DOUBLE, unit_as_written VARCHAR, period_start DATE, period_end DATE, own_period BOOLEAN, cumulative BOOLEAN, breakdown_zh VARCHAR, breakdown_en VARCHAR, quote VARCHAR, note VARCHAR, line INTEGER, written_word VARCHAR",
    "problems": "path VARCHAR, line INTEGER, col INTEGER, message VARCHAR",
}


def build_database(dataset: Dataset, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """Creates the tables and the joined view in a DuckDB connection (in memory by default)."""
    con = con or duckdb.connect(":memory:")
    for name, frame in tables(dataset).items():
        con.execute(f"CREATE TABLE {name} ({_DDL[name]})")
        if len(frame):
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {name} SELECT * FROM _frame")
            con.unregister("_frame")
    for statement in _VIEW.split(";\n"):
        con.execute(statement)
    return con
