"""The database the pages read: built once per process from the data folder, kept current.

Reads the folder named by the environment variable FEDERATION_DATA_DIR (default: the project's
`data/`) through its snapshot in the cache folder (metrics.cache; FEDERATION_CACHE_DIR, default
`.cache/`): a restart with unchanged files validates nothing.

`shared_store()` returns the folder's current store without touching the data files: a rerun
never stats them (issue 10: 6,000 files at 3,000 cities). The first call builds the store; then a
watcher thread per folder (watchdog's file-system events, and a poll every CHECK_SECONDS,
FEDERATION_CHECK_SECONDS, default 1 s, as a fallback: every 10 CHECK_SECONDS when events arrive)
fingerprints the folder when something happened, brings the snapshot up to date and swaps the
new store in: pages keep serving the last store while it builds, and show an edit about a second
after it is saved. A page left open shows it too: each session that drew a page from the shared
store (`follow`) is rerun, as it stands, when its folder's store is swapped (`_rerun_followers`).
A broken catalog is raised to every page until it is fixed. Every script run reads through its
own cursor (`with store.cursor() as cur:`): a DuckDB connection shared across
Streamlit's threads returns other sessions' rows.

The editor page may put a *preview* store in `st.session_state["preview_store"]`: any object
with `cursor()`, ideally built with `Store.from_dataset(..., preview_city=<id>)`. While it is
there, `current_store()` returns it, so that every page shows the unsaved city.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import streamlit as st

from metrics import cache
from metrics import folder as data_folder
from metrics.problems import CatalogError

if TYPE_CHECKING:
    from metrics import load

ENV_DATA_DIR = "FEDERATION_DATA_DIR"
ENV_CHECK_SECONDS = "FEDERATION_CHECK_SECONDS"
PREVIEW_KEY = "preview_store"
log = logging.getLogger(__name__)


def _check_seconds() -> float:
    raw = os.environ.get(ENV_CHECK_SECONDS, "").strip()
    try:
        return max(0.0, float(raw)) if raw else 1.0
    except ValueError:
        return 1.0


CHECK_SECONDS = _check_seconds()
WATCH_THREAD = "federation-data-watch"


def data_dir() -> Path:
    """The data folder the dashboard reads."""
    return Path(os.environ.get(ENV_DATA_DIR) or data_folder.DATA_DIR)


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
        from metrics import load  # the validator: a preview only

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


def _build(folder: Path, fingerprint: str, stats: dict[str, str] | None = None) -> Store:
    # metrics.cache: the folder's snapshot, re-validating only the files that changed since it
    # was written (or built in memory when the cache folder cannot be written); `stats`: the
    # files' signatures the fingerprint was taken from (one listing of the folder, not two).
    snapshot = cache.open_snapshot(folder, stats=stats)
    return Store(snapshot.con, fingerprint, snapshot.city_files, None, snapshot.failed_files)


class _Watch:
    """One data folder's current store, and the thread that keeps it current."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = threading.Lock()  # one build at a time
        self.wake = threading.Event()
        self.fingerprint: str | None = None
        self.store: Store | None = None
        self.error: Exception | None = None  # a broken catalog: raised to the pages
        self.observer = None  # watchdog's, when it delivers events for this folder
        self.thread: threading.Thread | None = None
        self.stopped = False

    def refresh(self) -> None:
        """Fingerprints the folder and, when it changed, builds and swaps in the new store."""
        with self.lock:
            stats = data_folder.stats(self.folder)
            taken = data_folder.fingerprint(self.folder, stats)
            if taken == self.fingerprint and (self.store is not None or self.error is not None):
                return
            try:
                built = _build(self.folder, taken, stats)
            except CatalogError as exc:
                self.store, self.error = None, exc
            else:
                if self.store is not None:  # an edit, seen by the watcher: served warm
                    for hook in on_build:
                        try:
                            hook(built)
                        except Exception:  # a warm-up is an optimisation: the page reads anyway
                            log.exception("warming the store of %s failed", self.folder)
                self.store, self.error = built, None  # the old store's readers keep their cursors
            self.fingerprint = taken
        _rerun_followers(self.folder, taken)

    def current(self) -> Store:
        if self.store is None and self.error is None:
            self.refresh()
            self.start()
        if self.error is not None:
            raise self.error
        return self.store

    def start(self) -> None:
        if self.thread is not None:
            return
        self.observer = _observe(self.folder, self.wake)
        self.thread = threading.Thread(target=self.run, name=WATCH_THREAD, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped = True
        self.wake.set()
        if self.observer is not None:
            self.observer.stop()

    def run(self) -> None:
        while not self.stopped:
            woken = self.wake.wait(CHECK_SECONDS * (10 if self.observer is not None else 1))
            if self.stopped:
                return
            if woken:
                time.sleep(0.05)  # an editor's save is several events: take them together
                self.wake.clear()
            try:
                self.refresh()
            except Exception:  # keep watching: the next change retries
                log.exception("rebuilding the store of %s failed", self.folder)


_WRITES = ("created", "deleted", "modified", "moved", "closed")  # not opened, not closed_no_write


def _observe(folder: Path, wake: threading.Event):
    """Sets `wake` when a file under the folder is written, created, moved or deleted (watchdog's
    observer, returned; None without watchdog or inotify)."""
    try:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
    except ImportError:
        return None

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in _WRITES:
                wake.set()

    try:
        observer = Observer()
        observer.daemon = True
        observer.schedule(Handler(), str(folder), recursive=True)
        observer.start()
    except Exception:  # no inotify here: polling does it
        log.warning("no file-system events for %s; polling every %s s", folder, CHECK_SECONDS)
        return None
    return observer


# Called with each new store before the watcher swaps it in (ui.frames.warm registers itself).
on_build: list = []

_watches: dict[str, _Watch] = {}
_watches_lock = threading.Lock()


def _watch(folder: Path) -> _Watch:
    with _watches_lock:
        watch = _watches.get(str(folder))
        if watch is None:
            watch = _watches[str(folder)] = _Watch(folder)
        return watch


# Sessions whose last page was drawn from a folder's shared store: session id -> (folder, fingerprint).
_followers: dict[str, tuple[str, str]] = {}
_followers_lock = threading.Lock()


def follow(store: Store) -> None:
    """Marks this script run's session as showing the shared `store`: when its folder's data
    changes, the session is rerun, so a page left open (a presenter's chart) shows the edit."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    folder = next((key for key, watch in list(_watches.items()) if watch.store is store), None)
    if ctx is None or folder is None:
        return
    with _followers_lock:
        _followers[ctx.session_id] = (folder, store.fingerprint)


def unfollow() -> None:
    """This run's session shows something else (a preview, the editor): no rerun on data edits."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        with _followers_lock:
            _followers.pop(ctx.session_id, None)


def _rerun_followers(folder: Path, fingerprint: str | None) -> None:
    """Reruns each session that last drew `folder`'s data at another fingerprint, with the
    widgets and URL it has (what Streamlit does for a changed script with runOnSave); sessions
    that are gone are forgotten."""
    with _followers_lock:
        stale = [sid for sid, (f, seen) in _followers.items() if f == str(folder) and seen != fingerprint]
        for sid in stale:
            _followers.pop(sid)
    if not stale:
        return
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance() if Runtime.exists() else None
    except Exception:
        runtime = None
    for sid in stale:
        session = runtime.get_app_session(sid) if runtime is not None else None
        client_state = getattr(session, "_client_state", None)
        if session is None or client_state is None:
            continue
        try:
            session.request_rerun(client_state)
        except Exception:  # a page that cannot be rerun shows the edit on its next run
            log.exception("rerunning session %s after a data change failed", sid)


def folder_fingerprint(folder: Path | None = None) -> str:
    """The fingerprint (metrics.folder.fingerprint) of the data folder's current store: it changes
    when the watcher has seen a data file change."""
    folder = (folder or data_dir()).resolve()
    watch = _watch(folder)
    watch.current()
    return watch.fingerprint


def recheck() -> None:
    """Checks every watched folder now, here (tests, and the editor after it saves a file)."""
    with _watches_lock:
        watches = list(_watches.values())
    for watch in watches:
        watch.refresh()


def forget() -> None:
    """Stops every watcher and drops its store (the tests' fixtures: each test reads afresh)."""
    with _watches_lock:
        for watch in _watches.values():
            watch.stop()
        _watches.clear()
    with _followers_lock:
        _followers.clear()


def shared_store() -> Store:
    """The data folder's current store (built on first use, then kept current by its watcher).

    Raises metrics.problems.CatalogError when the catalog itself is broken.
    """
    return _watch(data_dir().resolve()).current()


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
