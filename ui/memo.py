"""A process-wide memo for the pages' data and figures: cheaper per call than Streamlit's caches.

A /compare rerun reads a dozen cached results. Through `st.cache_data` each read hashed its
arguments (with an `inspect.signature` per argument) and unpickled a copy of the result: about a
quarter of a rerun's server time (scripts/bench_load.py, README "Serving many viewers"). Here
the key is the tuple of the arguments themselves (they are strings, numbers, None and tuples of
them: the store's fingerprint first, which names the data version and, for a preview, its whole
content) and a hit is a dictionary lookup.

Results are shared by every session of the process, so they must never be changed in place:

- `shared(n)` returns the cached object itself (panels, figures: built once, only read);
- `copied(n)` returns what `st.cache_data` would, a copy the caller may change: a DataFrame as a
  shallow copy (pandas' copy-on-write: changing it never changes the cached one, and nothing is
  copied until then), anything else as a deep copy.

As with Streamlit's caches, parameters whose names start with "_" (the run's cursor, a view)
are not part of the key. Each memo keeps at most `max_entries` results, the least recently used
dropped first; `clear_all()` empties every memo (tests: they persist across AppTest runs).
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd

_MEMOS: list[_Memo] = []


class _Memo:
    def __init__(self, fn: Callable, max_entries: int, copy_result: bool):
        self.fn = fn
        self.max_entries = max_entries
        self.copy_result = copy_result
        self.names = list(inspect.signature(fn).parameters)  # once, not per call
        self.skipped = {i for i, name in enumerate(self.names) if name.startswith("_")}
        self.entries: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()
        functools.update_wrapper(self, fn)
        _MEMOS.append(self)

    def key(self, args: tuple, kwargs: dict) -> tuple:
        positional = tuple(a for i, a in enumerate(args) if i not in self.skipped)
        named = tuple(sorted((k, v) for k, v in kwargs.items() if not k.startswith("_")))
        return positional + named

    def __call__(self, *args, **kwargs):
        key = self.key(args, kwargs)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                value = self.entries[key]
                return self._out(value)
        value = self.fn(*args, **kwargs)  # outside the lock: a slow build never blocks a hit
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return self._out(value)

    def _out(self, value):
        if not self.copy_result:
            return value
        if isinstance(value, pd.DataFrame):
            return value.copy(deep=False)
        return copy.deepcopy(value)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)


def shared(max_entries: int) -> Callable[[Callable], _Memo]:
    """Memoises a function whose result every caller only reads (returned as it is)."""
    return lambda fn: _Memo(fn, max_entries, copy_result=False)


def copied(max_entries: int) -> Callable[[Callable], _Memo]:
    """Memoises a function; each caller gets its own copy of the result (see the module doc)."""
    return lambda fn: _Memo(fn, max_entries, copy_result=True)


def clear_all() -> None:
    """Empties every memo of the process."""
    for memo in _MEMOS:
        memo.clear()
