"""The database the pages read: built once per process from the data folder, cached.

Reads the folder named by the environment variable FEDERATION_DATA_DIR (default: the project's
`data/`) through its snapshot in the cache folder (metrics.cache; FEDERATION_CACHE_DIR, default
`.cache/`): a restart with unchanged files validates nothing. `shared_store()` is `st.cache_resource`'d under the folder's fingerprint (file names,
sizes, modification times), so an edited or added file is picked up while ordinary reruns parse
no YAML. The fingerprint stats every data file, so a process takes it at most once every
CHECK_SECONDS (FEDERATION_CHECK_SECONDS, default 1 s), not on every rerun of every session: an
edit shows within that time (issue 10: at 3,000 cities, 6,000 files). Every script run reads through its own cursor
(`with store.cursor() as cur:`): a DuckDB connection shared across Streamlit's threads returns
other sessions' rows.

The editor page may put a *preview* store in `st.session_state["preview_store"]`: any object
with `cursor()`, ideally built with `Store.from_dataset(..., preview_city=<id>)`. While it is
there, `current_store()` returns it, so that every page shows the unsaved city.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from metrics import cache, load

ENV_DATA_DIR = "FEDERATION_DATA_DIR"
ENV_CHECK_SECONDS = "FEDERATION_CHECK_SECONDS"
PREVIEW_KEY = "preview_store"


def _check_seconds() -> float:
    raw = os.environ.get(ENV_CHECK_SECONDS, "").strip()
    try:
        return max(0.0, float(raw)) if raw else 1.0
    except ValueError:
        return 1.0


CHECK_SECONDS = _check_seconds()
_checked: dict[str, tuple[float, str]] = {}  # folder -> (when it was fingerprinted, fingerprint)
_checked_lock = threading.Lock()


def data_dir() -> Path:
    """The data folder the dashboard reads."""
    return Path(os.environ.get(ENV_DATA_DIR) or load.DATA_DIR)


@dataclass
class Store:
    """An in-memory DuckDB built from one data set; read it through `cursor()`."""

    con: duckdb.DuckDBPyConnection
    fingerprint: str
    city_files: tuple[str, ...] = ()  # stems of every city file, loaded or not (stable colours)
    preview_city: str | None = None  # id of an unsaved city this store previews
    failed_files: tuple[str, ...] = ()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor: use it as `with store.cursor() as cur:` for one script run."""
        return self.con.cursor()

    @classmethod
    def from_dataset(
        cls,
        dataset: load.Dataset,
        fingerprint: str | None = None,
        city_files: tuple[str, ...] = (),
        preview_city: str | None = None,
    ) -> Store:
        """Builds the database of a loaded dataset (the editor uses this for a preview)."""
        con = load.build_database(dataset)
        stems = tuple(sorted(set(city_files) | set(dataset.cities)))
        if fingerprint is None:
            # A preview has no files to fingerprint: its whole content is its identity (every
            # cached frame is keyed by it, across sessions): the catalog, and each city's header
            # (name, population, reports), observations and source texts.
            digest = hashlib.sha256(repr(dataset.catalog).encode())
            for city_id, city in sorted(dataset.cities.items()):
                digest.update(repr((city_id, city.header, city.observations, city.lines)).encode())
                for report_id, text in sorted(city.sources.items()):
                    digest.update(f"\0{report_id}\0{text}".encode())
            fingerprint = "preview-" + digest.hexdigest()
        return cls(con, fingerprint, stems, preview_city, tuple(dataset.failed_files))


@st.cache_resource(max_entries=4, show_spinner=False)
def _build(folder: str, fingerprint: str) -> Store:
    # metrics.cache: the folder's snapshot, re-validating only the files that changed since it
    # was written (or built in memory when the cache folder cannot be written).
    snapshot = cache.open_snapshot(Path(folder))
    return Store(snapshot.con, fingerprint, snapshot.city_files, None, snapshot.failed_files)


def folder_fingerprint(folder: Path | None = None) -> str:
    """The data folder's fingerprint (metrics.load.fingerprint), taken at most once every
    CHECK_SECONDS per process; in between, the last one taken."""
    folder = (folder or data_dir()).resolve()
    now = time.monotonic()
    with _checked_lock:
        last = _checked.get(str(folder))
    if last is not None and now - last[0] < CHECK_SECONDS:
        return last[1]
    taken = load.fingerprint(folder)
    with _checked_lock:
        _checked[str(folder)] = (now, taken)
    return taken


def recheck() -> None:
    """Forgets the fingerprints taken: the next read stats the data files again."""
    with _checked_lock:
        _checked.clear()


def shared_store() -> Store:
    """The store of the data folder, rebuilt only when a data file changed (seen within
    CHECK_SECONDS).

    Raises metrics.load.CatalogError when the catalog itself is broken.
    """
    folder = data_dir().resolve()
    return _build(str(folder), folder_fingerprint(folder))


def current_store() -> Any:
    """The preview store when the editor has put one in the session, else the shared store."""
    preview = st.session_state.get(PREVIEW_KEY)
    return preview if preview is not None else shared_store()


def store_key(store: Any) -> str:
    """A cache key for data read from `store`: its fingerprint, or its identity."""
    return getattr(store, "fingerprint", None) or f"object-{id(store)}"


def preview_city(store: Any) -> str | None:
    """The id of the unsaved city a preview store shows, if any."""
    return getattr(store, "preview_city", None)


def city_files(store: Any) -> tuple[str, ...]:
    return tuple(getattr(store, "city_files", ()) or ())
