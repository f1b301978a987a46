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
- `_meta`: the key of the whole build, the row count of every table and the folder's *seal*
  (every data file's signature as this build saw it, the catalog's hash), written last.

`open_snapshot(data_dir)` stats every data file; when the folder matches the snapshot's seal
it is served at once (a warm restart parses neither the catalog nor any file; a whole check that
finds the snapshot current though signatures moved, as in a copied folder, leaves a new seal
beside it, `<prefix>.seal`, for the next start). Otherwise a file whose signature (size,
modification and change times, inode, with the catalog's hash and its display path) is the one
recorded is not read at all; any other is hashed, and re-validated when its key changed (as is
every file that failed: problems are not cached). The cross-file rules are re-applied to all files. Many files to validate
(a cold start) are shared with helper processes (FEDERATION_WORKERS, default one per CPU). A few
changed files update a copy of the last snapshot in place: their cities' rows and per-city derived
rows are replaced, the other cities' observations renumbered as a full build numbers them, the
cross-city counts counted again (about 1 s at 3,000 cities); otherwise every table is written
afresh. A snapshot is written under a new name and then named current, so a reader never sees
half of one; a snapshot that cannot be opened, lacks `_meta`, or whose counts differ from `_meta`
is set aside and rebuilt, never served. Two processes starting together take a file lock: the
second reads what the first wrote. When the cache folder cannot be written, the database is built
in memory as before.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import importlib
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pyarrow as pa

from metrics import folder as data_folder
from metrics import yamlio
from metrics.problems import PROBLEM_COLUMNS


class _Lazy:
    """A module imported where it is first used: a warm start serves its snapshot without
    importing the validator (pydantic, the schema, the number reader: a tenth of a second)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


load = _Lazy("metrics.load")

log = logging.getLogger(__name__)

ENV_CACHE_DIR = "FEDERATION_CACHE_DIR"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
# What a cached validation depends on besides the files: the code that validates and loads.
_CODE = (
    "load.py",
    "schema.py",
    "units.py",
    "numbers.py",
    "text.py",
    "yamlio.py",
    "messages.py",
    "problems.py",
    "folder.py",
    "cache.py",
)
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
        rows = con.execute("SELECT key, counts, seal FROM _meta").fetchall()
        if len(rows) != 1:
            raise ValueError("no _meta row")
        key, counts, seal = rows[0]
        counts = json.loads(counts)
        seal = json.loads(seal) if seal else None
        for table, expected in counts.items():
            got = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if got != expected:
                raise ValueError(f"{table} has {got} rows, _meta says {expected}")
        return con, {"key": key, "counts": counts, "seal": seal}, None
    except (duckdb.Error, ValueError, json.JSONDecodeError) as exc:
        con.close()
        return None, None, f"damaged ({exc})"


def open_snapshot(data_dir: Path, folder: Path | None = None, stats: dict[str, str] | None = None) -> Snapshot:
    """The database of a data folder, from its snapshot when that is current (`stats`: the
    folder's file signatures, metrics.folder.stats, when the caller took them already, before
    reading any file).

    Raises load.CatalogError when the catalog is broken (nothing is checked without it)."""
    data_dir = Path(data_dir)
    folder = Path(folder) if folder is not None else cache_dir()
    # The catalog is read once: the entries are keyed by the very bytes that were validated.
    catalog_path = data_dir / "catalog.yaml"
    catalog_raw = _read(catalog_path)
    catalog_sha = _sha(catalog_raw or b"")
    prefix = _prefix(data_dir)

    def catalog():  # raw None (unreadable): load_catalog reads it and raises the located error
        return load.load_catalog(catalog_path, catalog_raw), catalog_sha, catalog_raw

    if not _writable(folder):
        notes = [f"cache folder {folder} cannot be written: database built in memory"]
        log.warning(notes[0])
        stats = data_folder.stats(data_dir) if stats is None else stats
        return _build(data_dir, catalog(), None, None, None, notes, stats, _seal(stats, catalog_sha, data_dir))
    with _locked(folder, prefix):
        current = _current(folder, prefix)
        old, meta, why = _open_checked(current)
        notes = []
        if why:
            notes.append(f"snapshot {current.name} set aside: {why}; rebuilt")
            log.warning(notes[-1])
        stats = data_folder.stats(data_dir) if stats is None else stats  # before any file is read
        folder_seal = _seal(stats, catalog_sha, data_dir)
        for sealed in (meta and meta["seal"], meta and _resealed(folder, prefix, current)):
            if sealed and sealed["folder"] == folder_seal:
                # Not one file of the folder changed since this snapshot was written or last
                # checked whole (nor the catalog, nor the code: the prefix): served as it is.
                return Snapshot(old, current, tuple(sealed["stems"]), tuple(sealed["failed"]), 0, False, notes)
        return _build(data_dir, catalog(), old, meta, (folder, prefix, current), notes, stats, folder_seal)


def _resealed(folder: Path, prefix: str, current: Path) -> dict | None:
    """The seal written beside a snapshot (`<prefix>.seal`) when a whole check found the snapshot
    current though the files' signatures had moved (a copied or touched folder), if it is this
    snapshot's."""
    try:
        raw = json.loads((folder / f"{prefix}.seal").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return raw if isinstance(raw, dict) and raw.get("snapshot") == current.name else None


def _context(catalog_sha: str, data_dir: Path) -> str:
    """What every file's signature shares: the catalog, and the folder as messages name it (a
    file's name in messages follows from its folder's)."""
    return f"{catalog_sha}\0{data_folder.display_path(data_dir / 'cities' / '*')}"


def _seal(stats: dict[str, str], catalog_sha: str, data_dir: Path) -> str:
    """The state of a whole data folder on disk: every city file's and source text's signature
    (size, modification and change times, inode: metrics.folder.stats), the catalog's bytes and the folder as
    messages name it. The same seal, the same bytes everywhere (a write moves the change time)."""
    digest = hashlib.sha256(_context(catalog_sha, data_dir).encode())
    for rel, signature in sorted(stats.items()):
        digest.update(f"\0{rel}={signature}".encode())
    return digest.hexdigest()


def _entries(old: duckdb.DuckDBPyConnection | None) -> dict[str, tuple]:
    if old is None:
        return {}
    rows = old.execute("SELECT rel, key, light, sig FROM _files").fetchall()
    return {rel: (key, light, sig) for rel, key, light, sig in rows}


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


_lights: dict[tuple[str, str, str], _Light] = {}  # (path, rel, JSON) -> decoded, for this process


def _decoded(light_json: str, path: Path, rel: str) -> _Light:
    """_Light.from_json, remembered: a server rebuilding after an edit decodes only what changed
    (3,000 files' marks take a fifth of a second to decode). Never changed once made."""
    key = (str(path), rel, light_json)
    light = _lights.get(key)
    if light is None:
        if len(_lights) > 50_000:
            _lights.clear()
        light = _lights[key] = _Light.from_json(light_json, path, rel)
    return light


def _signature(stats: dict[str, str], rel: str, light: _Light, context: str) -> str:
    """What the file and the sources it quotes looked like on disk (size, modification and change
    times, inode), taken before any of them was read: when it is unchanged, so are their bytes
    (a write always moves the change time, which no program can set back)."""
    parts = [context, stats.get(rel, "missing")]
    parts += [f"{rep.source}={stats.get(rep.source, 'missing')}" for rep in light.header.reports.values()]
    return "|".join(parts)


def _validate(items, catalog, data_dir: Path, catalog_sha: str) -> tuple[list[tuple], dict[str, pd.DataFrame]]:
    """Validates city files: for each (path, rel, bytes or None), (rel, light as JSON or None, key
    or None, problems), and the rows of the valid ones. The key is of the bytes and source texts
    this validation read (a file unreadable here is read by load_city, reported, never cached)."""
    cities: dict[str, load.CityData] = {}
    out = []
    with load.gc_paused():
        for path, rel, raw in items:
            if raw is None:
                raw = _read(path)
            city, problems = load.load_city(path, catalog, data_dir, raw)
            if city is None:
                out.append((rel, None, None, problems))
                continue
            light = _Light.of(city, rel)
            used = {city.header.reports[r].source: _sha(text.encode("utf-8")) for r, text in city.sources.items()}
            sources = [(rep.source, used.get(rep.source)) for rep in light.header.reports.values()]
            key = _file_key(rel, raw, catalog_sha, load.display_path(path), sources) if raw is not None else None
            cities[rel] = city
            out.append((rel, light.to_json(), key, []))
    return out, _frames(cities, catalog)


PARALLEL_MIN = 200  # files: below this, starting a worker costs more than it saves
_CHUNK = 50
_ROOT = str(Path(__file__).resolve().parent.parent)
_WORKER = f"import sys; sys.path.insert(0, {_ROOT!r}); from metrics import cache; cache._serve_worker()"


def workers() -> int:
    """Processes that validate a large batch of files, this one included (FEDERATION_WORKERS;
    default: the CPUs, at most 8)."""
    raw = os.environ.get("FEDERATION_WORKERS", "").strip()
    try:
        return max(1, int(raw)) if raw else max(1, min(os.cpu_count() or 1, 8))
    except ValueError:
        return 1


def _serve_worker() -> None:
    """A helper process (see _parallel): reads the catalog's bytes and folder, then chunks of
    files, and answers each chunk with _validate's result, all pickled over stdin and stdout."""
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but results on the channel
    catalog_path, catalog_raw, data_dir, catalog_sha = pickle.load(channel_in)
    catalog = load.load_catalog(Path(catalog_path), catalog_raw)
    while (chunk := pickle.load(channel_in)) is not None:
        pickle.dump(_validate(chunk, catalog, Path(data_dir), catalog_sha), channel_out, pickle.HIGHEST_PROTOCOL)
        channel_out.flush()


def _parallel(items, helpers: int, catalog, catalog_raw, data_dir: Path, catalog_sha: str, notes: list[str]):
    """_validate over chunks of the items, shared between this process and `helpers` helper
    processes (`python -c`, started afresh: no fork of a threaded server, no import of its main
    module). A chunk a helper could not finish is validated here."""
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    results: list = [None] * len(chunks)
    pending = collections.deque(range(len(chunks)))
    lock = threading.Lock()
    errors: list[str] = []
    helped: list[int] = []

    def take() -> int | None:
        with lock:
            return pending.popleft() if pending else None

    def helper() -> None:
        try:
            with subprocess.Popen(
                [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=os.getcwd()
            ) as proc:
                n = None
                try:
                    pickle.dump((str(data_dir / "catalog.yaml"), catalog_raw, str(data_dir), catalog_sha), proc.stdin)
                    while (n := take()) is not None:
                        pickle.dump(chunks[n], proc.stdin, pickle.HIGHEST_PROTOCOL)
                        proc.stdin.flush()
                        results[n] = pickle.load(proc.stdout)
                        helped.append(n)
                    pickle.dump(None, proc.stdin)
                    proc.stdin.close()
                except BaseException:
                    proc.kill()
                    raise
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=helper, daemon=True) for _ in range(helpers)]
    for thread in threads:
        thread.start()
    while (n := take()) is not None:
        results[n] = _validate(chunks[n], catalog, data_dir, catalog_sha)
    for thread in threads:
        thread.join()
    for n, result in enumerate(results):  # a helper that failed left its chunk undone
        if result is None:
            results[n] = _validate(chunks[n], catalog, data_dir, catalog_sha)
    notes.append(f"{len(helped)} of {len(chunks)} chunks of {_CHUNK} files validated by {helpers} helper process(es)")
    if errors:
        notes.append(f"a validation helper failed ({errors[0]}); its files were validated here")
        log.warning(notes[-1])
    return results


def _validate_all(items, catalog, catalog_raw, data_dir: Path, catalog_sha: str, notes: list[str]):
    """_validate over every item: shared with helper processes when there are many (a cold start
    at 3,000 cities), else here. Results come back in the items' order."""
    n = workers()
    if n > 1 and len(items) >= PARALLEL_MIN:
        return _parallel(items, n - 1, catalog, catalog_raw, data_dir, catalog_sha, notes)
    return [_validate(items, catalog, data_dir, catalog_sha)]


def _build(data_dir, catalog_and_sha, old, meta, target, notes, stats, folder_seal) -> Snapshot:
    catalog, catalog_sha, catalog_raw = catalog_and_sha
    files = load.city_files(data_dir)
    context = _context(catalog_sha, data_dir)
    entries = _entries(old)
    source_memo: dict[str, str | None] = {}
    lights: dict[str, _Light] = {}
    keys: dict[str, str] = {}
    sigs: dict[str, str] = {}
    reused: list[str] = []
    todo: list[tuple[Path, str, bytes | None]] = []
    with load.gc_paused():
        for path in files:
            rel = f"cities/{path.name}"
            entry = entries.get(rel)
            if entry is not None:
                key, light_json, sig = entry
                light = _decoded(light_json, path, rel)
                now = _signature(stats, rel, light, context)
                if sig != now:  # touched or changed: compare the bytes
                    raw = _read(path)
                    sources = _source_shas(data_dir, light, source_memo)
                    if raw is None or _file_key(rel, raw, catalog_sha, load.display_path(path), sources) != key:
                        todo.append((path, rel, raw))
                        continue
                lights[rel], keys[rel], sigs[rel] = light, key, now
                reused.append(rel)
                continue
            todo.append((path, rel, None))
    fresh_frames = []
    fresh: set[str] = set()
    problems: list[load.Problem] = []
    failed: list[str] = []
    for results, frames in _validate_all(todo, catalog, catalog_raw, data_dir, catalog_sha, notes):
        fresh_frames.append(frames)
        for rel, light_json, key, file_problems in results:
            if light_json is None:
                problems += file_problems
                failed.append(load.display_path(data_dir / rel))
                continue
            light = _Light.from_json(light_json, data_dir / rel, rel)
            lights[rel] = light
            fresh.add(rel)
            if key is not None:
                keys[rel], sigs[rel] = key, _signature(stats, rel, light, context)
    with load.gc_paused():
        included: list[_Light] = []
        ordered = [lights[f"cities/{p.name}"] for p in files if f"cities/{p.name}" in lights]
        for light, conflict in load.merge_conflicts(ordered):
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
    stems = tuple(p.stem for p in files)
    # what the next start compares (open_snapshot): the folder as its stats showed it to this build
    seal = {"folder": folder_seal, "stems": stems, "failed": failed}
    stamp = (build_key, json.dumps(seal, ensure_ascii=False))
    if meta is not None and meta["key"] == build_key:
        if target is not None:  # the next start need not look at every file again
            folder, prefix, current = target
            resealed = {"snapshot": current.name, **seal}
            pointer = folder / f"{prefix}.seal.tmp"
            with contextlib.suppress(OSError):
                pointer.write_text(json.dumps(resealed, ensure_ascii=False), encoding="utf-8")
                os.replace(pointer, folder / f"{prefix}.seal")
        return Snapshot(old, target[2], stems, tuple(failed), 0, False, notes)
    changed = (set(entries) - set(reused)) | set(fresh)
    # A few files changed: a copy of the last snapshot is updated in place (an edit shows in about
    # a second at 3,000 cities); many, or a new catalog: every table is written afresh.
    incremental = old is not None and target is not None and reused and len(changed) <= max(20, len(files) // 10)
    if target is None:
        con = duckdb.connect(":memory:")
        path = None
    else:
        folder, prefix, current = target
        path = folder / f"{prefix}-{uuid.uuid4().hex[:12]}.duckdb"
        if incremental:
            old.close()
            old = None
            shutil.copyfile(current, path)
        con = _open_for_writing(path)
    try:
        if incremental:
            _update(con, entries, reused, fresh, fresh_frames, included, problems, keys, sigs, lights, stamp)
        else:
            _write(con, catalog, old, reused, fresh_frames, included, problems, keys, sigs, lights, stamp)
    except BaseException:
        con.close()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if old is not None:
        old.close()
    if path is None:
        return Snapshot(con, None, stems, tuple(failed), len(todo), False, notes)
    con.close()
    folder, prefix, _ = target
    pointer = folder / f"{prefix}.current.tmp"
    pointer.write_text(path.name, encoding="utf-8")
    os.replace(pointer, folder / f"{prefix}.current")
    for stale in folder.glob(f"{prefix}-*.duckdb"):
        if stale != path:
            stale.unlink(missing_ok=True)  # a process still reading it keeps its open file
    return Snapshot(duckdb.connect(str(path), read_only=True), path, stems, tuple(failed), len(todo), True, notes)


# Rows per row group of a snapshot (DuckDB's default is 122,880): a page reads one city, one
# category of a few cities or one indicator, and DuckDB skips the row groups whose min/max rule
# them out; small groups let it skip most of a 300,000-row table (tables are stored in the
# order those pages read them: load._VIEW).
ROW_GROUP_SIZE = 8192


def _open_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a snapshot file, its tables written in ROW_GROUP_SIZE groups
    (the size is an option of the attachment, not of the file: every writer passes it)."""
    con = duckdb.connect(":memory:")
    quoted = path.as_posix().replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS snapshot (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
    con.execute("USE snapshot")
    return con


def _frames(cities: dict[str, load.CityData], catalog) -> dict[str, pa.Table | None]:
    """The rows of freshly validated files as Arrow tables, each row tagged with its file (they
    cross the pipe from a helper cheaply and DuckDB reads them without walking Python objects;
    built from load.base_columns, not through pandas). base_columns keys cities by id, so files
    that share an id (a conflict) go in separate batches."""
    batches: list[dict[str, tuple[str, load.CityData]]] = []
    for rel, city in cities.items():
        for batch in batches:
            if city.header.id not in batch:
                batch[city.header.id] = (rel, city)
                break
        else:
            batches.append({city.header.id: (rel, city)})
    out: dict[str, list[pa.Table]] = {t: [] for t in _BASE_TABLES}
    for batch in batches:
        dataset = load.Dataset(catalog=catalog, cities={cid: city for cid, (_, city) in batch.items()})
        columns = load.base_columns(dataset)
        rel_of = {cid: rel for cid, (rel, _) in batch.items()}
        for table in _BASE_TABLES:
            values = columns[table]
            out[table].append(pa.table({"_file": [rel_of[c] for c in values["city_id"]], **values}))
    # a column a batch left empty is typed null there: _insert_rows casts to the table's types
    return {t: pa.concat_tables(v, promote_options="permissive") if v else None for t, v in out.items()}


def _insert_rows(con, fresh_frames: list[dict[str, pa.Table | None]]) -> None:
    """Adds the rows of freshly validated files (_validate's frames) to the _rows_* tables, one
    insert per table (an insert per chunk of 50 files cost 0.6 s more at 3,000 files)."""
    for name in _BASE_TABLES:
        parts = [frames[name] for frames in fresh_frames if frames[name] is not None and frames[name].num_rows]
        if not parts:
            continue
        # each chunk as the table's columns are typed (a column a chunk left empty is typed null
        # there, an integer one float where a value is missing), then one table for one insert
        schema = con.sql(f"SELECT * FROM _rows_{name} LIMIT 0").to_arrow_table().schema
        con.register("_frame", pa.concat_tables([part.cast(schema) for part in parts]))
        con.execute(f"INSERT INTO _rows_{name} SELECT * FROM _frame")
        con.unregister("_frame")


# After an edit, observations are numbered as a full build numbers them (in city order): each
# city's first id is the count of every observation of the cities before it. _bases holds each
# city's new offset and, for a city whose rows stay, its old one.
_BASES = """
CREATE TEMP TABLE _bases AS
SELECT city_id, old_base,
       coalesce(sum(n) OVER (ORDER BY city_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base
FROM (
    SELECT city_id, count(*) AS n, min(observation_id) - 1 AS old_base FROM observations GROUP BY city_id
    UNION ALL
    SELECT city_id, count(*), NULL FROM _rows_observations WHERE _file IN (SELECT rel FROM _entering)
    GROUP BY city_id
)
"""


def _update(con, entries, reused, fresh, fresh_frames, included, problems, keys, sigs, lights, stamp) -> None:
    """Brings a copy of the last snapshot up to date in place: only the cities of the files that
    changed (or whose place in the cross-file rules changed) are replaced, in their own rows and
    in the per-city derived tables; the others keep theirs (renumbered when an edit changed the
    number of observations before them); the tables counted across cities are counted again.
    Gives the same tables as _write (tested)."""
    changed = (set(entries) - set(reused)) | set(fresh)
    serving = {x.rel: x.header.id for x in included}
    served = dict(con.execute("SELECT rel, city_id FROM _served").fetchall())
    affected = changed | (set(served) ^ set(serving))
    scope = {served[r] for r in affected if r in served} | {serving[r] for r in affected if r in serving}
    entering = [r for r in affected if r in serving]
    con.execute("BEGIN TRANSACTION")
    for name, values in (("_changed", sorted(changed)), ("_entering", sorted(entering))):
        con.register(name + "_frame", pd.DataFrame({"rel": values}, dtype="object"))
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT rel FROM {name}_frame")
        con.unregister(name + "_frame")
    con.register("_scope_frame", pd.DataFrame({"city_id": sorted(scope)}, dtype="object"))
    con.execute("CREATE TEMP TABLE _scope AS SELECT city_id FROM _scope_frame")
    con.unregister("_scope_frame")
    for name in _BASE_TABLES:
        con.execute(f"DELETE FROM _rows_{name} WHERE _file IN (SELECT rel FROM _changed)")
    _insert_rows(con, fresh_frames)
    for name in _BASE_TABLES:
        con.execute(f"DELETE FROM {name} WHERE city_id IN (SELECT city_id FROM _scope)")
    con.execute(_BASES)
    moved = "FROM _bases b WHERE {t}.city_id = b.city_id AND b.old_base IS NOT NULL AND b.base <> b.old_base"
    for table in ("observations", "observations_full"):
        con.execute(
            f"UPDATE {table} SET observation_id = observation_id + (b.base - b.old_base) {moved.format(t=table)}"
        )
    for table in ("indicator_values", "indicator_values_by_indicator"):
        con.execute(
            f"UPDATE {table} SET observation_ids = list_transform(observation_ids, lambda x: x + (b.base - b.old_base)) "
            + moved.format(t=table)
        )
    for name in ("cities", "reports"):
        con.execute(
            f"INSERT INTO {name} SELECT * EXCLUDE (_file) FROM _rows_{name} WHERE _file IN (SELECT rel FROM _entering)"
        )
    con.execute(
        "INSERT INTO observations SELECT r.* EXCLUDE (_file) REPLACE ("
        "CAST(b.base + row_number() OVER (PARTITION BY r.city_id ORDER BY r.observation_id) AS INTEGER) AS observation_id) "
        "FROM _rows_observations r JOIN _bases b ON b.city_id = r.city_id AND b.old_base IS NULL "
        "WHERE r._file IN (SELECT rel FROM _entering) ORDER BY r.city_id, r.observation_id"
    )
    load.derive(con, scoped=True)
    for name in ("_changed", "_entering", "_scope", "_bases"):
        con.execute(f"DROP TABLE {name}")
    _write_tail(con, problems, keys, sigs, lights, included, stamp)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")


def _write(con, catalog, old, reused, fresh_frames, included, problems, keys, sigs, lights, stamp) -> None:
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
    _insert_rows(con, fresh_frames)
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
    load.derive(con)
    con.execute("CREATE TABLE _files (rel VARCHAR, key VARCHAR, light VARCHAR, sig VARCHAR)")
    con.execute("CREATE TABLE _served (rel VARCHAR, city_id VARCHAR)")
    con.execute("CREATE TABLE _meta (key VARCHAR, counts VARCHAR, seal VARCHAR)")
    _write_tail(con, problems, keys, sigs, lights, included, stamp)
    con.execute("CHECKPOINT")


def _replace(con, table: str, frame: pd.DataFrame) -> None:
    """Replaces every row of `table` with the frame's."""
    con.execute(f"DELETE FROM {table}")
    if len(frame):
        con.register("_frame", frame)
        con.execute(f"INSERT INTO {table} SELECT * FROM _frame")
        con.unregister("_frame")


def _problem_frame(problems: list[load.Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [p.row() for p in problems],
        columns=PROBLEM_COLUMNS,
    )


def _write_tail(con, problems, keys, sigs, lights, included, stamp) -> None:
    """The problems and the bookkeeping: the key of each valid file (_files), the file serving
    each city (_served), then _meta with every table's row count, written last."""
    _replace(con, "problems", _problem_frame(problems))
    files = [
        {"rel": x.rel, "key": keys[x.rel], "light": x.to_json(), "sig": sigs[x.rel]}
        for x in lights.values()
        if x.rel in keys
    ]
    _replace(con, "_files", pd.DataFrame(files, columns=["rel", "key", "light", "sig"]))
    served = [{"rel": x.rel, "city_id": x.header.id} for x in included]
    _replace(con, "_served", pd.DataFrame(served, columns=["rel", "city_id"]))
    names = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name <> '_meta'"
    ).fetchall()
    counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for (n,) in names}
    con.execute("DELETE FROM _meta")
    con.execute("INSERT INTO _meta VALUES (?, ?, ?)", [stamp[0], json.dumps(counts), stamp[1]])


def describe(snapshot: Snapshot) -> str:
    where = snapshot.path if snapshot.path is not None else "memory"
    action = "written" if snapshot.written else "read"
    return (
        f"snapshot {action}: {where}; {snapshot.validated} file(s) validated, "
        f"{len(snapshot.city_files) - snapshot.validated} from the cache; "
        f"{len(snapshot.failed_files)} file(s) left out"
    )
