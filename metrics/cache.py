"""A cache of validated city files, so that a restart with unchanged files validates nothing.

The pages read one DuckDB file per data folder, a *snapshot*, kept in a cache folder outside
`data/` (FEDERATION_CACHE_DIR, default `.cache/` in the project; a read-only deployment points it
elsewhere or prebuilds it with `python -m metrics build --cache`). A snapshot holds

- every served table, exactly as `load.build_database` makes them (the derived ones included);
- `_files`: one row per city file that validated, keyed by what its validation depended on: the
  SHA-256 of its bytes, of each source text it quotes, of the catalog, the file's name as shown in
  messages, and (in the snapshot's name) the version of the loading code and of DuckDB;
- `_rows_*`: each valid file's own rows, so that a file left out by a cross-file conflict is
  back without re-validation when the conflict is fixed;
- `_meta`: the key of the whole build and the row count of every table, written last.

`open_snapshot(data_dir)` hashes every data file (it reads them; it does not trust modification
times), re-validates only the files whose key changed (and every file that failed: problems are
not cached), re-applies the cross-file rules to all of them, and writes a new snapshot only when
something changed. A snapshot is written under a new name and then named current, so a reader never
sees half of one; a snapshot that cannot be opened, lacks `_meta`, or whose counts differ from
`_meta` is set aside and rebuilt, never served. Two processes starting together take a file lock:
the second reads what the first wrote. When the cache folder cannot be written, the database is
built in memory as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd

from metrics import load, yamlio

log = logging.getLogger(__name__)

ENV_CACHE_DIR = "FEDERATION_CACHE_DIR"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
# What a cached validation depends on besides the files: the code that validates and loads.
_CODE = ("load.py", "schema.py", "units.py", "numbers.py", "text.py", "yamlio.py", "messages.py", "cache.py")
_BASE_TABLES = ("cities", "reports", "observations")


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE_DIR) or DEFAULT_CACHE_DIR)


def code_version() -> str:
    """A digest of the loading code and the DuckDB version: any change invalidates every entry."""
    digest = hashlib.sha256(duckdb.__version__.encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _read(path: Path) -> bytes | None:
    """The file's bytes as they were at one moment (yamlio.read_stable), or None."""
    try:
        return yamlio.read_stable(path)
    except OSError:
        return None


@dataclass
class _Report:
    source: str
    end_year: int

    @property
    def period(self) -> SimpleNamespace:  # merge_conflicts reads report.period.end.year
        return SimpleNamespace(end=SimpleNamespace(year=self.end_year))


@dataclass
class _Header:
    id: str
    reports: dict[str, _Report]


@dataclass
class _Light:
    """What the cross-file rules read of a valid city file (load.merge_conflicts)."""

    path: Path
    header: _Header
    marks: dict[tuple, tuple[int, int]]
    rel: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.header.id,
                "reports": [[r, rep.source, rep.end_year] for r, rep in self.header.reports.items()],
                "marks": [[list(k), *v] for k, v in self.marks.items()],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, path: Path, rel: str) -> _Light:
        raw = json.loads(text)
        reports = {r: _Report(source, year) for r, source, year in raw["reports"]}
        marks = {tuple(k): (line, col) for k, line, col in raw["marks"]}
        return cls(path, _Header(raw["id"], reports), marks, rel)

    @classmethod
    def of(cls, city: load.CityData, rel: str) -> _Light:
        reports = {r: _Report(rep.source, rep.period.end.year) for r, rep in city.header.reports.items()}
        return cls(city.path, _Header(city.header.id, reports), dict(city.marks), rel)


@dataclass
class Snapshot:
    """An open snapshot (or an in-memory database when the cache could not be written)."""

    con: duckdb.DuckDBPyConnection
    path: Path | None
    city_files: tuple[str, ...]
    failed_files: tuple[str, ...]
    validated: int  # files validated by this call (the rest came from the cache)
    written: bool  # whether this call wrote a new snapshot
    notes: list[str] = field(default_factory=list)


def _prefix(data_dir: Path) -> str:
    return hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12] + "-" + code_version()


@contextlib.contextmanager
def _locked(folder: Path, prefix: str):
    handle = open(folder / f"{prefix}.lock", "a+")  # noqa: SIM115 (held for the block)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def _current(folder: Path, prefix: str) -> Path | None:
    try:
        name = (folder / f"{prefix}.current").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return folder / name if name else None


def _open_checked(path: Path | None) -> tuple[duckdb.DuckDBPyConnection | None, dict | None, str | None]:
    """Opens a snapshot read-only and checks it against its _meta; (None, None, why) if it fails."""
    if path is None or not path.exists():
        return None, None, None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return None, None, f"cannot open ({exc})"
    try:
        rows = con.execute("SELECT key, counts FROM _meta").fetchall()
        if len(rows) != 1:
            raise ValueError("no _meta row")
        key, counts = rows[0]
        counts = json.loads(counts)
        for table, expected in counts.items():
            got = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if got != expected:
                raise ValueError(f"{table} has {got} rows, _meta says {expected}")
        return con, {"key": key, "counts": counts}, None
    except (duckdb.Error, ValueError, json.JSONDecodeError) as exc:
        con.close()
        return None, None, f"damaged ({exc})"


def _scan(data_dir: Path) -> list[tuple[Path, str, bytes | None]]:
    return [(path, path.relative_to(data_dir).as_posix(), _read(path)) for path in load.city_files(data_dir)]


def open_snapshot(data_dir: Path, folder: Path | None = None) -> Snapshot:
    """The database of a data folder, from its snapshot when that is current.

    Raises load.CatalogError when the catalog is broken (nothing is checked without it)."""
    data_dir = Path(data_dir)
    folder = Path(folder) if folder is not None else cache_dir()
    # The catalog is read once: the entries are keyed by the very bytes that were validated.
    catalog_path = data_dir / "catalog.yaml"
    catalog_raw = _read(catalog_path)
    # raw None (unreadable): load_catalog reads it itself and raises the located error
    catalog = (load.load_catalog(catalog_path, catalog_raw), _sha(catalog_raw or b""))
    prefix = _prefix(data_dir)
    if not _writable(folder):
        notes = [f"cache folder {folder} cannot be written: database built in memory"]
        log.warning(notes[0])
        return _build(data_dir, catalog, None, None, None, notes)
    with _locked(folder, prefix):
        current = _current(folder, prefix)
        old, meta, why = _open_checked(current)
        notes = []
        if why:
            notes.append(f"snapshot {current.name} set aside: {why}; rebuilt")
            log.warning(notes[-1])
        result = _build(data_dir, catalog, old, meta, (folder, prefix, current), notes)
        return result


def _entries(old: duckdb.DuckDBPyConnection | None) -> dict[str, tuple]:
    if old is None:
        return {}
    rows = old.execute("SELECT rel, key, light FROM _files").fetchall()
    return {rel: (key, light) for rel, key, light in rows}


def _file_key(rel: str, raw: bytes, catalog_sha: str, where: str, sources: list[tuple[str, str | None]]) -> str:
    digest = hashlib.sha256(f"{rel}\0{_sha(raw)}\0{catalog_sha}\0{where}".encode())
    for source, sha in sources:
        digest.update(f"\0{source}\0{sha}".encode())
    return digest.hexdigest()


def _source_shas(data_dir: Path, light: _Light, memo: dict[str, str | None]) -> list[tuple[str, str | None]]:
    out = []
    for report in light.header.reports.values():
        if report.source not in memo:
            raw = _read(data_dir / report.source)
            memo[report.source] = None if raw is None else _sha(raw)
        out.append((report.source, memo[report.source]))
    return out


def _build(data_dir, catalog_and_sha, old, meta, target, notes) -> Snapshot:
    catalog, catalog_sha = catalog_and_sha
    files = _scan(data_dir)
    entries = _entries(old)
    source_memo: dict[str, str | None] = {}
    lights: list[_Light] = []
    keys: dict[str, str] = {}
    reused: list[str] = []
    fresh: dict[str, load.CityData] = {}
    problems: list[load.Problem] = []
    failed: list[str] = []
    with load.gc_paused():
        for path, rel, raw in files:
            where = load.display_path(path)
            entry = entries.get(rel)
            if entry is not None and raw is not None:
                light = _Light.from_json(entry[1], path, rel)
                key = _file_key(rel, raw, catalog_sha, where, _source_shas(data_dir, light, source_memo))
                if key == entry[0]:
                    lights.append(light)
                    keys[rel] = key
                    reused.append(rel)
                    continue
            city, file_problems = load.load_city(path, catalog, data_dir, raw)
            if city is None:
                problems += file_problems
                failed.append(where)
                continue
            light = _Light.of(city, rel)
            # keyed by the source texts the validation read (not read again: they may have changed)
            used = {city.header.reports[r].source: _sha(text.encode("utf-8")) for r, text in city.sources.items()}
            sources = [(rep.source, used.get(rep.source)) for rep in light.header.reports.values()]
            if raw is not None:  # read by load_city itself after a failed read here: not cached
                keys[rel] = _file_key(rel, raw, catalog_sha, where, sources)
            fresh[rel] = city
            lights.append(light)
        included: list[_Light] = []
        for light, conflict in load.merge_conflicts(lights):
            if conflict:
                problems += conflict
                failed.append(load.display_path(light.path))
            else:
                included.append(light)
    build_key = hashlib.sha256(
        json.dumps(
            [catalog_sha, sorted(keys.items()), sorted(x.rel for x in included), [str(p) for p in problems]],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    stems = tuple(p.stem for p, _, _ in files)
    if meta is not None and meta["key"] == build_key:
        return Snapshot(old, target[2], stems, tuple(failed), 0, False, notes)
    if target is None:
        con = duckdb.connect(":memory:")
        path = None
    else:
        folder, prefix, _ = target
        path = folder / f"{prefix}-{uuid.uuid4().hex[:12]}.duckdb"
        con = duckdb.connect(str(path))
    try:
        _write(con, catalog, old, reused, fresh, included, problems, keys, lights, build_key)
    except BaseException:
        con.close()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if old is not None:
        old.close()
    if path is None:
        return Snapshot(con, None, stems, tuple(failed), len(fresh), False, notes)
    con.close()
    folder, prefix, _ = target
    pointer = folder / f"{prefix}.current.tmp"
    pointer.write_text(path.name, encoding="utf-8")
    os.replace(pointer, folder / f"{prefix}.current")
    for stale in folder.glob(f"{prefix}-*.duckdb"):
        if stale != path:
            stale.unlink(missing_ok=True)  # a process still reading it keeps its open file
    return Snapshot(duckdb.connect(str(path), read_only=True), path, stems, tuple(failed), len(fresh), True, notes)


def _frames(cities: dict[str, load.CityData], catalog) -> dict[str, pd.DataFrame]:
    """The rows of freshly validated files, each tagged with its file: tables() keys cities by id,
    so files that share an id (a conflict) go in separate batches."""
    batches: list[dict[str, tuple[str, load.CityData]]] = []
    for rel, city in cities.items():
        for batch in batches:
            if city.header.id not in batch:
                batch[city.header.id] = (rel, city)
                break
        else:
            batches.append({city.header.id: (rel, city)})
    out: dict[str, list[pd.DataFrame]] = {t: [] for t in _BASE_TABLES}
    for batch in batches:
        dataset = load.Dataset(catalog=catalog, cities={cid: city for cid, (_, city) in batch.items()})
        frames = load.tables(dataset)
        rel_of = {cid: rel for cid, (rel, _) in batch.items()}
        for table in _BASE_TABLES:
            frame = frames[table]
            frame.insert(0, "_file", frame["city_id"].map(rel_of))
            out[table].append(frame)
    return {t: pd.concat(v, ignore_index=True) if v else None for t, v in out.items()}


def _write(con, catalog, old, reused, fresh, included, problems, keys, lights, build_key) -> None:
    """Writes every table of a snapshot into `con`: the files' rows, then the served tables."""
    empty = load.tables(load.Dataset(catalog=catalog))
    for name in ("categories", "indicators"):
        con.execute(f"CREATE TABLE {name} ({load._DDL[name]})")
        con.register("_frame", empty[name])
        con.execute(f"INSERT INTO {name} SELECT * FROM _frame")
        con.unregister("_frame")
    for name in _BASE_TABLES:
        con.execute(f"CREATE TABLE _rows_{name} (_file VARCHAR, {load._DDL[name].replace(' PRIMARY KEY', '')})")
    if old is not None and reused:
        with old.cursor() as cur:
            cur.register("_reused", pd.DataFrame({"rel": reused}, dtype="object"))
            for name in _BASE_TABLES:
                rows = cur.sql(f"SELECT * FROM _rows_{name} WHERE _file IN (SELECT rel FROM _reused)").to_arrow_table()
                con.register("_old_rows", rows)
                con.execute(f"INSERT INTO _rows_{name} SELECT * FROM _old_rows")
                con.unregister("_old_rows")
    frames = _frames(fresh, catalog)
    for name in _BASE_TABLES:
        if frames[name] is not None and len(frames[name]):
            con.register("_frame", frames[name])
            con.execute(f"INSERT INTO _rows_{name} SELECT * FROM _frame")
            con.unregister("_frame")
    # The served tables: the rows of the files the cross-file rules kept, observation ids in
    # city order (as load.tables numbers them).
    con.register("_included", pd.DataFrame({"rel": [x.rel for x in included]}, dtype="object"))
    for name in ("cities", "reports"):
        con.execute(f"CREATE TABLE {name} ({load._DDL[name]})")
        con.execute(
            f"INSERT INTO {name} SELECT * EXCLUDE (_file) FROM _rows_{name} WHERE _file IN (SELECT rel FROM _included)"
        )
    con.execute(f"CREATE TABLE observations ({load._DDL['observations']})")
    con.execute(
        "INSERT INTO observations SELECT * EXCLUDE (_file) REPLACE ("
        "CAST(row_number() OVER (ORDER BY city_id, observation_id) AS INTEGER) AS observation_id) "
        "FROM _rows_observations WHERE _file IN (SELECT rel FROM _included) ORDER BY city_id, observation_id"
    )
    con.unregister("_included")
    con.execute(f"CREATE TABLE problems ({load._DDL['problems']})")
    if problems:
        con.register(
            "_frame",
            pd.DataFrame(
                [{"path": p.path, "line": p.line, "col": p.col, "message": p.message} for p in problems],
                columns=["path", "line", "col", "message"],
            ),
        )
        con.execute("INSERT INTO problems SELECT * FROM _frame")
        con.unregister("_frame")
    load.derive(con)
    con.register(
        "_frame",
        pd.DataFrame(
            [{"rel": x.rel, "key": keys[x.rel], "light": x.to_json()} for x in lights if x.rel in keys],
            columns=["rel", "key", "light"],
        ),
    )
    con.execute("CREATE TABLE _files AS SELECT * FROM _frame")
    con.unregister("_frame")
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    con.execute("CREATE TABLE _meta (key VARCHAR, counts VARCHAR)")
    con.execute("INSERT INTO _meta VALUES (?, ?)", [build_key, json.dumps(counts)])
    con.execute("CHECKPOINT")


def describe(snapshot: Snapshot) -> str:
    where = snapshot.path if snapshot.path is not None else "memory"
    action = "written" if snapshot.written else "read"
    return (
        f"snapshot {action}: {where}; {snapshot.validated} file(s) validated, "
        f"{len(snapshot.city_files) - snapshot.validated} from the cache; "
        f"{len(snapshot.failed_files)} file(s) left out"
    )
