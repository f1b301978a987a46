"""The cache of validated files (metrics/cache.py): same tables as a full build, nothing
re-validated when nothing changed, only what changed re-validated, and never serving what the
loader would reject: edited sources, catalog and code versions, conflicts, damaged snapshots."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import DASHBOARD_DATA

from metrics import cache, load


@pytest.fixture
def dashboard_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DASHBOARD_DATA, target, ignore=shutil.ignore_patterns("README.md"))
    return target


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _tables(con) -> dict[str, list[tuple]]:
    names = sorted(
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        if not r[0].startswith("_")
    )
    return {n: sorted(map(repr, con.execute(f"SELECT * FROM {n}").fetchall())) for n in names}


def _n_cities(data: Path) -> int:
    return len(load.city_files(data))


def test_a_snapshot_holds_the_same_tables_as_a_full_build(dashboard_copy, folder):
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    reference = load.build_database(load.load_all(dashboard_copy))
    assert snapshot.written and snapshot.validated == _n_cities(dashboard_copy)
    assert _tables(snapshot.con) == _tables(reference)
    # the served schema too (types and column order): the pages' queries read it
    schema = "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
    served = [r for r in snapshot.con.execute(schema).fetchall() if not r[0].startswith("_")]
    assert served == reference.execute(schema).fetchall()


def test_a_restart_with_unchanged_files_validates_nothing(dashboard_copy, folder, monkeypatch):
    first = cache.open_snapshot(dashboard_copy, folder)
    expected = _tables(first.con)
    calls = []
    real = load.load_city
    monkeypatch.setattr(load, "load_city", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    again = cache.open_snapshot(dashboard_copy, folder)
    assert (again.validated, again.written, calls) == (0, False, [])
    assert again.path == first.path
    assert _tables(again.con) == expected


def test_an_unchanged_folder_is_served_from_its_seal_without_reading_the_catalog(dashboard_copy, folder, monkeypatch):
    """A restart on a folder whose every file has the signature the snapshot recorded (its seal)
    serves the snapshot as it is: the catalog is not even parsed, no entry decoded; a file
    touched, added or removed breaks the seal and the files are looked at again."""
    broken = dashboard_copy / "cities" / "zz_broken.yaml"
    broken.write_text("id: zz_broken\nname: [unclosed\n", encoding="utf-8")  # a failed file stays failed
    first = cache.open_snapshot(dashboard_copy, folder)
    expected = _tables(first.con)
    real_catalog, real_decoded = load.load_catalog, cache._decoded
    parsed = []
    monkeypatch.setattr(load, "load_catalog", lambda *a, **k: parsed.append(1) or real_catalog(*a, **k))
    monkeypatch.setattr(cache, "_decoded", lambda *a, **k: parsed.append(2) or real_decoded(*a, **k))
    again = cache.open_snapshot(dashboard_copy, folder)
    assert parsed == [] and (again.validated, again.written, again.path) == (0, False, first.path)
    assert again.city_files == first.city_files and again.failed_files == first.failed_files
    assert any("zz_broken" in f for f in again.failed_files)
    assert _tables(again.con) == expected
    # the same bytes written again move the change time: the seal no longer holds
    path = sorted(load.city_files(dashboard_copy))[0]
    path.write_bytes(path.read_bytes())
    touched = cache.open_snapshot(dashboard_copy, folder)
    assert parsed, "a touched file breaks the seal: the folder is looked at again"
    assert _tables(touched.con) == expected  # (its bytes are the same: its entry still holds)
    parsed.clear()
    resealed = cache.open_snapshot(dashboard_copy, folder)  # that whole check left a seal beside it
    assert parsed == [] and resealed.path == first.path and _tables(resealed.con) == expected
    parsed.clear()
    extra = dashboard_copy / "sources" / "unused-extra.txt"
    extra.write_text("发布者: 测试\n---\n无关的文字。\n", encoding="utf-8")
    cache.open_snapshot(dashboard_copy, folder)
    assert parsed, "a new source file breaks the seal"


def test_an_edited_file_is_revalidated_alone_and_shows(dashboard_copy, folder, monkeypatch):
    cache.open_snapshot(dashboard_copy, folder)
    path = sorted(load.city_files(dashboard_copy))[0]
    text = path.read_text(encoding="utf-8")
    city_id = path.stem
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    path.write_text(text.replace(name_line, "name: {zh: 改过的名字, en: Edited name}", 1), encoding="utf-8")
    calls = []
    real = load.load_city
    monkeypatch.setattr(load, "load_city", lambda *a, **k: calls.append(a[0].name) or real(*a, **k))
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert calls == [path.name] and snapshot.validated == 1 and snapshot.written
    row = snapshot.con.execute("SELECT name_zh, name_en FROM cities WHERE city_id = ?", [city_id]).fetchone()
    assert row == ("改过的名字", "Edited name")
    assert _tables(snapshot.con) == _tables(load.build_database(load.load_all(dashboard_copy)))


def test_an_edited_source_text_invalidates_the_file_that_quotes_it(dashboard_copy, folder):
    cache.open_snapshot(dashboard_copy, folder)
    con = load.build_database(load.load_all(dashboard_copy))
    city_id, source = con.execute(
        "SELECT o.city_id, r.source_path FROM observations o JOIN reports r USING (report_id) LIMIT 1"
    ).fetchone()
    source_file = dashboard_copy / source.removeprefix("data/")
    header, _, _ = source_file.read_text(encoding="utf-8").partition("\n---\n")
    source_file.write_text(header + "\n---\n正文已删去。\n", encoding="utf-8")  # every quote gone
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    # the city file itself did not change; the cache must not serve it: the loader rejects it now
    rejected = load.load_all(dashboard_copy)
    assert city_id not in rejected.cities
    assert snapshot.con.execute("SELECT count(*) FROM cities WHERE city_id = ?", [city_id]).fetchone()[0] == 0
    problems = snapshot.con.execute("SELECT path, line, col, message FROM problems").fetchall()
    assert [f"{p}:{line}:{col}: {m}" for p, line, col, m in problems] == [str(p) for p in rejected.problems]
    assert any(city_id in f for f in snapshot.failed_files)


def test_a_changed_catalog_or_code_version_revalidates_everything(dashboard_copy, folder, monkeypatch):
    n = _n_cities(dashboard_copy)
    cache.open_snapshot(dashboard_copy, folder)
    catalog = dashboard_copy / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# a comment changes the catalog's bytes\n")
    assert cache.open_snapshot(dashboard_copy, folder).validated == n
    assert cache.open_snapshot(dashboard_copy, folder).validated == 0
    monkeypatch.setattr(cache, "code_version", lambda: "another-loader")
    assert cache.open_snapshot(dashboard_copy, folder).validated == n


def test_a_conflict_fixed_brings_the_other_file_back_without_revalidation(dashboard_copy, folder, monkeypatch):
    original = sorted(load.city_files(dashboard_copy))[0]
    twin = original.with_name("zz_twin.yaml")
    text = original.read_text(encoding="utf-8")
    # the same city under a second file name: the id differs from the file name, so it fails alone
    twin.write_text(text, encoding="utf-8")
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert any("zz_twin" in f for f in snapshot.failed_files)
    twin.unlink()
    calls = []
    real = load.load_city
    monkeypatch.setattr(load, "load_city", lambda *a, **k: calls.append(a[0].name) or real(*a, **k))
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert calls == [] and snapshot.failed_files == ()


def test_files_kept_out_by_a_cross_file_conflict_come_back_from_the_cache(dashboard_copy, folder, monkeypatch):
    # two valid files claiming one report id: the newer is left out, and comes back when the
    # older one gives it up, without being validated again
    files = sorted(load.city_files(dashboard_copy))
    older, newer = files[0], files[1]
    older_report = load.load_city(older, load.load_catalog(dashboard_copy / "catalog.yaml"), dashboard_copy)[0]
    newer_city = load.load_city(newer, load.load_catalog(dashboard_copy / "catalog.yaml"), dashboard_copy)[0]
    claimed = next(iter(newer_city.header.reports))
    text = older.read_text(encoding="utf-8")
    extra = (
        f"  {claimed}:\n    title: {{zh: 重复, en: duplicate}}\n    publisher: 测试\n    published: 2024-01-15\n"
        f"    period: {{start: 2023-01-01, end: 2023-12-31}}\n    source: sources/{claimed}.txt\n"
    )
    first_report = next(iter(older_report.header.reports))
    marker = f"  {first_report}:\n"
    assert marker in text
    older.write_text(text.replace(marker, extra + marker, 1), encoding="utf-8")
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    expected = load.load_all(dashboard_copy)
    assert sorted(snapshot.failed_files) == sorted(expected.failed_files)
    assert _tables(snapshot.con) == _tables(load.build_database(expected))
    older.write_text(text, encoding="utf-8")
    calls = []
    real = load.load_city
    monkeypatch.setattr(load, "load_city", lambda *a, **k: calls.append(a[0].name) or real(*a, **k))
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert older.name in calls and newer.name not in calls
    assert snapshot.failed_files == ()
    assert _tables(snapshot.con) == _tables(load.build_database(load.load_all(dashboard_copy)))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "counts"])
def test_a_damaged_snapshot_is_set_aside_and_rebuilt(dashboard_copy, folder, damage):
    import duckdb

    first = cache.open_snapshot(dashboard_copy, folder)
    expected = _tables(first.con)
    first.con.close()
    path = first.path
    if damage == "garbage":
        path.write_bytes(b"not a database" * 1000)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:  # a snapshot whose rows differ from what its _meta says
        con = duckdb.connect(str(path))
        con.execute("DELETE FROM observations WHERE observation_id % 2 = 0")
        con.close()
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert snapshot.written and snapshot.validated == _n_cities(dashboard_copy)
    assert snapshot.notes and "set aside" in snapshot.notes[0]
    assert _tables(snapshot.con) == expected


def test_an_unwritable_cache_folder_builds_in_memory(dashboard_copy, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    snapshot = cache.open_snapshot(dashboard_copy, blocker / "cache")
    assert snapshot.path is None and not snapshot.written
    assert "cannot be written" in snapshot.notes[0]
    assert _tables(snapshot.con) == _tables(load.build_database(load.load_all(dashboard_copy)))


def test_processes_starting_together_share_one_build(dashboard_copy, folder):
    results, errors = [], []

    def start():
        try:
            results.append(cache.open_snapshot(dashboard_copy, folder))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.written for r in results) == [False, False, True]  # one wrote, the others read it
    assert len({r.path for r in results}) == 1
    assert len({repr(_tables(r.con)) for r in results}) == 1


def test_the_cli_prebuilds_the_cache(dashboard_copy, folder, capsys):
    from metrics.__main__ import main

    assert main(["--data", str(dashboard_copy), "build", "--cache", str(folder)]) == 0
    assert "snapshot written" in capsys.readouterr().err
    assert cache.open_snapshot(dashboard_copy, folder).validated == 0


def test_each_file_is_read_once_and_the_bytes_hashed_are_the_bytes_validated(dashboard_copy, folder, monkeypatch):
    from collections import Counter

    from metrics import yamlio

    reads = Counter()
    real = yamlio.read_stable
    monkeypatch.setattr(yamlio, "read_stable", lambda path: reads.update([Path(path).name]) or real(path))
    validated = []
    real_load = load.load_city
    monkeypatch.setattr(load, "load_city", lambda *a, **k: validated.append(a[3]) or real_load(*a, **k))
    cache.open_snapshot(dashboard_copy, folder)
    assert reads["catalog.yaml"] == 1
    assert all(reads[p.name] == 1 for p in load.city_files(dashboard_copy))
    assert all(reads[p.name] == 1 for p in (dashboard_copy / "sources").glob("*.txt"))
    assert validated and all(isinstance(raw, bytes) for raw in validated)


def test_an_edit_updates_the_snapshot_in_place_and_numbers_as_a_full_build(dashboard_copy, folder, monkeypatch):
    from many_cities import make

    cache.open_snapshot(dashboard_copy, folder)
    # the first city goes (every later observation moves down), a new one comes (a copy under a
    # new id), and one file breaks: the update must still give a full build's tables
    files = sorted(load.city_files(dashboard_copy))
    files[0].unlink()
    extra = make(dashboard_copy.parent / "more", len(files) + 1)
    added = sorted(set(p.name for p in load.city_files(extra)) - set(p.name for p in files))[0]
    shutil.copy(extra / "cities" / added, dashboard_copy / "cities" / added)
    for source in (extra / "sources").glob(f"{Path(added).stem}-*.txt"):
        shutil.copy(source, dashboard_copy / "sources" / source.name)
    broken = files[-1]
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: ", "id: [", 1), encoding="utf-8")

    def no_full_write(*args, **kwargs):
        raise AssertionError("a few changed files must not rewrite every table")

    monkeypatch.setattr(cache, "_write", no_full_write)
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    reference = load.load_all(dashboard_copy)
    assert snapshot.written and snapshot.validated == 2
    assert _tables(snapshot.con) == _tables(load.build_database(reference))
    assert any(broken.name in f for f in snapshot.failed_files)
    # and the next edit starts from the updated snapshot
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: [", "id: ", 1), encoding="utf-8")
    again = cache.open_snapshot(dashboard_copy, folder)
    assert again.validated == 1 and not again.failed_files
    assert _tables(again.con) == _tables(load.build_database(load.load_all(dashboard_copy)))


def test_many_files_are_validated_in_parallel_with_the_same_result(dashboard_copy, folder, monkeypatch):
    broken = sorted(load.city_files(dashboard_copy))[1]
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("level: ", "level: nowhere\nlevel: ", 1), encoding="utf-8"
    )
    monkeypatch.setattr(cache, "PARALLEL_MIN", 1)
    monkeypatch.setattr(cache, "_CHUNK", 2)
    monkeypatch.setenv("FEDERATION_WORKERS", "2")
    real = cache._validate

    def slow(*args):  # this process is slow: the helper process takes chunks too
        time.sleep(0.5)
        return real(*args)

    monkeypatch.setattr(cache, "_validate", slow)
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    helped = next(note for note in snapshot.notes if "helper process" in note)
    assert not helped.startswith("0 of"), helped
    reference = load.load_all(dashboard_copy)
    assert snapshot.validated == _n_cities(dashboard_copy) and len(snapshot.failed_files) == 1
    assert _tables(snapshot.con) == _tables(load.build_database(reference))
    problems = snapshot.con.execute("SELECT path, line, col, message FROM problems").fetchall()
    assert [f"{p}:{line}:{col}: {m}" for p, line, col, m in problems] == [str(p) for p in reference.problems]


def test_an_untouched_file_is_not_even_read_and_a_rewrite_is_seen_whatever_its_times(
    dashboard_copy, folder, monkeypatch
):
    import os

    from metrics import yamlio

    cache.open_snapshot(dashboard_copy, folder)
    reads = []
    real = yamlio.read_stable
    monkeypatch.setattr(yamlio, "read_stable", lambda path: reads.append(Path(path).name) or real(path))
    assert cache.open_snapshot(dashboard_copy, folder).validated == 0
    assert reads == ["catalog.yaml"]
    # rewritten with the same size and its old modification time set back: still seen
    path = sorted(load.city_files(dashboard_copy))[0]
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    zh = name_line.split("zh: ")[1].split(",")[0]
    edited = name_line.replace(zh, "测" * len(zh), 1)
    path.write_text(text.replace(name_line, edited, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    snapshot = cache.open_snapshot(dashboard_copy, folder)
    assert snapshot.validated == 1
    assert snapshot.con.execute("SELECT name_zh FROM cities WHERE city_id = ?", [path.stem]).fetchone()[
        0
    ] == "测" * len(zh)
