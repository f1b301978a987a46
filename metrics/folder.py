"""A data folder on disk: where it is, how messages name its files, and what it looks like.

Light on purpose (no pydantic, no YAML): a warm start of the dashboard serves its snapshot from
these alone (metrics.cache), and imports the validator (metrics.load) only when a file changed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SUBFOLDERS = ("cities", "sources")


def display_path(path: Path) -> str:
    """A path as an editor would type it: relative to the working directory when possible, else
    its folder and name (never an absolute path: messages are shown to viewers of the server)."""
    path = Path(path)
    # the folder resolved once (0.2 ms each: 3,000 city files are named twice a build); a city
    # file that is itself a symbolic link is named where it is linked, as an editor sees it
    return _display_in(str(path.parent), os.getcwd(), path.name)


@functools.lru_cache(maxsize=4096)
def _display_in(folder: str, cwd: str, name: str | None = None) -> str:
    if name is not None:
        shown = _display_in(folder, cwd)
        if shown.startswith("…"):
            return "/".join(["…", Path(folder).name, name]) if Path(folder).name else name
        return name if shown == "." else f"{shown}/{name}"
    try:
        return str(Path(folder).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return "…"


def city_files(data_dir: Path) -> list[Path]:
    """The city files of a data folder, in name order."""
    return sorted((data_dir / "cities").glob("*.yaml"))


def stats(data_dir: Path) -> dict[str, str]:
    """The on-disk signature of every city file and source text (size, modification and change
    times, inode), by its path in the folder: one directory listing per subfolder."""
    out = {}
    for sub in SUBFOLDERS:
        with contextlib.suppress(OSError):
            for entry in os.scandir(Path(data_dir) / sub):
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    out[f"{sub}/{entry.name}"] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    return out


def fingerprint(data_dir: Path = DATA_DIR, taken: dict[str, str] | None = None) -> str:
    """A digest of the catalog's and every city file's and source text's signature (`stats`, or
    `taken`, stats the caller took already): changes when data changes."""
    digest = hashlib.sha256()
    with contextlib.suppress(OSError):
        st = (Path(data_dir) / "catalog.yaml").stat()
        digest.update(f"catalog.yaml:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}\n".encode())
    for rel, signature in sorted((stats(data_dir) if taken is None else taken).items()):
        digest.update(f"{rel}:{signature}\n".encode())
    return digest.hexdigest()
