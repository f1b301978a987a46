"""python -m metrics: validate, build, export (bench is in test_bench.py).

A few runs go through a real subprocess, to see exit codes and stderr as an editor does; the
rest call metrics.__main__.main in-process, which is faster. The commands run on the dashboard's
frozen test data (tests/fixtures/dashboard, `--data`) or a copy of it, never on data/, except the
one test that validates the shipped data, which derives its counts from `shipped`.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from metrics import load
from metrics.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "tests" / "fixtures" / "dashboard"
LOCATED = re.compile(r"^(?P<path>.+\.yaml):(?P<line>\d+):(?P<col>\d+): \S")
from conftest import EXPORT_FIRST, EXPORT_SECOND_EDITION  # noqa: E402 - the export contract


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the dashboard's test data folder (not data/), free to break."""
    target = tmp_path / "data"
    shutil.copytree(DASHBOARD, target)
    return target


def _replace_in(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} should contain {old!r}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def _n_observations(dataset: load.Dataset) -> int:
    return sum(len(c.observations) for c in dataset.cities.values())


# --- validate -------------------------------------------------------------------------------


def test_validate_shipped_data_exits_0(shipped):
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok: {len(shipped.cities)} city file(s), {_n_observations(shipped)} observations")
    assert result.stderr == ""


def test_validate_broken_copies_exits_1_with_located_lines_and_no_traceback(data_dir, dashboard):
    # three kinds of breakage in three files: YAML syntax, not UTF-8, a value not in its quote
    zibo = data_dir / "cities" / "zibo.yaml"
    _replace_in(zibo, "    value: 81\n", "    value: 81: 2\n")
    changyi = data_dir / "cities" / "changyi.yaml"
    changyi.write_bytes(changyi.read_text(encoding="utf-8").encode("gb18030"))
    suqian = data_dir / "cities" / "suqian.yaml"
    text = _replace_in(suqian, "    value: 122\n", "    value: 123\n")

    result = run_cli("--data", str(data_dir), "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    located = [LOCATED.match(line) for line in lines[:-1]]
    assert all(located), lines
    assert sorted(Path(m["path"]).name for m in located) == ["changyi.yaml", "suqian.yaml", "zibo.yaml"]
    # the number check points at the quote of the changed observation
    quote_at = text.index("quote:", text.index("value: 123")) + len("quote: ")
    line, col = text.count("\n", 0, quote_at) + 1, quote_at - text.rfind("\n", 0, quote_at)
    assert f"suqian.yaml:{line}:{col}: observations." in result.stderr
    assert "value 123 场 is not in the quote" in result.stderr
    valid = {cid: c for cid, c in dashboard.cities.items() if cid not in ("changyi", "suqian", "zibo")}
    n_valid = sum(len(c.observations) for c in valid.values())
    assert lines[-1] == f"3 problem(s) in 3 file(s); {len(valid)} file(s) valid ({n_valid} observations)"


def test_validate_broken_catalog_exits_1_without_traceback(data_dir):
    _replace_in(data_dir / "catalog.yaml", "    unit: count\n", "    unit: counts\n")
    result = run_cli("--data", str(data_dir), "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(
        r"catalog\.yaml:\d+:\d+: indicators\.\S+\.unit: Input should be 'count', 'yuan' or 'percent'", result.stderr
    )


def test_validate_named_files(data_dir, capsys):
    broken = data_dir / "cities" / "zibo.yaml"
    _replace_in(broken, "id: zibo\n", "id: zibo2\n")
    good = data_dir / "cities" / "huaibei.yaml"
    assert main(["--data", str(data_dir), "validate", str(good)]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 city file(s)")
    assert main(["--data", str(data_dir), "validate", str(good), str(broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{load.display_path(broken)}:1:5: id 'zibo2' differs from the file name; expected 'zibo'"
    assert err[1].startswith("1 problem(s) in 1 file(s); 1 file(s) valid")


def test_validate_in_chinese(data_dir, capsys):
    broken = data_dir / "cities" / "zibo.yaml"
    _replace_in(broken, "id: zibo\n", "id: zibo2\n")
    assert main(["--data", str(data_dir), "validate", "--lang", "zh", str(broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{load.display_path(broken)}:1:5: id 'zibo2' 与文件名不一致；应为 'zibo'"


def _copy_city(data_dir: Path, city_id: str, new_id: str, own_source: bool) -> tuple[Path, str]:
    """A copy of a city file under a new city id, keeping its report id (and its source file unless
    `own_source`): what an editor gets by copying a file to start another city."""
    copy = data_dir / "cities" / f"{new_id}.yaml"
    text = (data_dir / "cities" / f"{city_id}.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"id: {city_id}\n")
    text = f"id: {new_id}\n" + text[len(f"id: {city_id}\n") :]
    if own_source:
        for source in re.findall(r"source: sources/(\S+)\.txt", text):
            shutil.copy(data_dir / "sources" / f"{source}.txt", data_dir / "sources" / f"{new_id}-{source}.txt")
        text = re.sub(r"source: sources/(\S+)\.txt", rf"source: sources/{new_id}-\1.txt", text)
    copy.write_text(text, encoding="utf-8")
    older = (data_dir / "cities" / f"{city_id}.yaml").stat().st_mtime_ns
    os.utime(copy, ns=(older + 10**9, older + 10**9))  # the newer file: the one left out
    return copy, text


def _at(text: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based) of the first character of needle in text."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def test_validate_a_copy_with_the_same_report_id_names_the_other_file(data_dir):
    copy, text = _copy_city(data_dir, "suqian", "suqian_copy", own_source=True)
    result = run_cli("--data", str(data_dir), "validate", str(copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, lines
    line, col = _at(text, "suqian-2023:")
    assert lines[0] == (
        f"{load.display_path(copy)}:{line}:{col}: reports.suqian-2023: report id 'suqian-2023' is already used in "
        f"{load.display_path(data_dir / 'cities' / 'suqian.yaml')}; expected a report id of this city's own, such as suqian_copy-2023"
    )
    assert lines[1] == "1 problem(s) in 1 file(s); 0 file(s) valid (0 observations)"
    # the older file keeps its report: validating it alone is fine
    again = run_cli("--data", str(data_dir), "validate", str(data_dir / "cities" / "suqian.yaml"))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("ok: 1 city file(s)")


def test_validate_every_file_flags_only_the_newer_of_two_that_share_a_report(data_dir, dashboard, capsys):
    copy, _ = _copy_city(data_dir, "suqian", "suqian_copy", own_source=False)
    assert main(["--data", str(data_dir), "validate", "--lang", "en"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    problems, summary = err[:-1], err[-1]
    assert problems and all(LOCATED.match(line) for line in problems), problems
    assert {Path(LOCATED.match(line)["path"]).name for line in problems} == {"suqian_copy.yaml"}
    assert any("report id 'suqian-2023' is already used in" in line and "suqian.yaml" in line for line in problems)
    assert any("sources/suqian-2023.txt is already the source of report 'suqian-2023'" in line for line in problems)
    n_valid = _n_observations(dashboard)
    assert (
        summary
        == f"{len(problems)} problem(s) in 1 file(s); {len(dashboard.cities)} file(s) valid ({n_valid} observations)"
    )
    assert copy.exists()


def test_validate_a_file_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "nowhere.yaml"
    assert main(["validate", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"{load.display_path(missing)}:1:1: cannot read the file: it does not exist"
    assert str(tmp_path) not in err and "No such file" not in err  # no server path, no errno text


# --- build ----------------------------------------------------------------------------------


def _tables(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}
    finally:
        con.close()


def test_build_writes_a_readable_database(tmp_path, dashboard, capsys):
    out = tmp_path / "out" / "metrics.duckdb"  # the folder is created
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0
    counts = _tables(out)
    assert counts["observations"] == counts["observations_full"] == _n_observations(dashboard)
    assert counts["cities"] == len(dashboard.cities)
    assert counts["indicators"] == len(dashboard.catalog.indicators)
    assert counts["categories"] == len(dashboard.catalog.categories)
    assert counts["problems"] == 0
    assert counts["reports"] == sum(len(c.header.reports) for c in dashboard.cities.values())
    assert counts["latest_reports"] == len(dashboard.cities)  # one latest report per city
    assert "indicator_values" in counts
    assert sorted(p.name for p in out.parent.iterdir()) == ["metrics.duckdb"]  # no temp file left behind
    assert f"wrote {out}" in capsys.readouterr().err


def test_build_replaces_an_existing_file(tmp_path, dashboard):
    out = tmp_path / "metrics.duckdb"
    out.write_bytes(b"an older build, or anything else")
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0
    assert _tables(out)["observations"] == _n_observations(dashboard)
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0  # and again, over a real database
    assert _tables(out)["observations"] == _n_observations(dashboard)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.duckdb"]


def test_build_keeps_good_cities_and_exits_1_when_one_is_broken(data_dir, tmp_path, dashboard):
    _replace_in(data_dir / "cities" / "zibo.yaml", "id: zibo\n", "id: zibo2\n")
    out = tmp_path / "metrics.duckdb"
    assert main(["--data", str(data_dir), "build", "--out", str(out)]) == 1
    counts = _tables(out)
    assert counts["cities"] == len(dashboard.cities) - 1 and counts["problems"] == 1
    zibo = dashboard.cities["zibo"]
    assert counts["observations"] == _n_observations(dashboard) - len(zibo.observations)


def test_build_with_a_report_id_conflict_leaves_the_newer_file_out(data_dir, tmp_path, dashboard):
    _copy_city(data_dir, "suqian", "suqian_copy", own_source=False)
    out = tmp_path / "metrics.duckdb"
    result = run_cli("--data", str(data_dir), "build", "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    problems = [line for line in lines if LOCATED.match(line)]
    assert problems and {Path(LOCATED.match(line)["path"]).name for line in problems} == {"suqian_copy.yaml"}
    assert any("report id 'suqian-2023' is already used in" in line and "suqian.yaml" in line for line in problems)
    assert (
        lines[-1] == f"wrote {out.resolve()}: {len(dashboard.cities)} cities, {_n_observations(dashboard)} observations"
    )
    # the database holds every city of the snapshot, the older file's report once, and the problems
    counts = _tables(out)
    assert counts["cities"] == len(dashboard.cities) and counts["observations"] == _n_observations(dashboard)
    assert counts["problems"] == len(problems)
    con = duckdb.connect(str(out), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM cities WHERE city_id = 'suqian_copy'").fetchone()[0] == 0
        assert con.execute("SELECT city_id FROM reports WHERE report_id = 'suqian-2023'").fetchall() == [("suqian",)]
        paths = {Path(r[0]).name for r in con.execute("SELECT DISTINCT path FROM problems").fetchall()}
        assert paths == {"suqian_copy.yaml"}
    finally:
        con.close()


def test_failing_build_with_a_broken_catalog_leaves_the_existing_file_untouched(data_dir, tmp_path):
    out = tmp_path / "metrics.duckdb"
    assert main(["--data", str(data_dir), "build", "--out", str(out)]) == 0
    before = out.read_bytes()
    _replace_in(data_dir / "catalog.yaml", "categories:\n", "categories: [\n")
    result = run_cli("--data", str(data_dir), "build", "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and re.search(r"catalog\.yaml:\d+:\d+: YAML syntax", result.stderr)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "metrics.duckdb"]


def test_build_that_crashes_midway_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    out = tmp_path / "metrics.duckdb"
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0
    before = out.read_bytes()

    def half_build(dataset, con=None):
        con.execute("CREATE TABLE cities (city_id VARCHAR)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "build_database", half_build)
    with pytest.raises(RuntimeError, match="disk full"):
        main(["--data", str(DASHBOARD), "build", "--out", str(out)])
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.duckdb"]  # the temp file is removed


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; run as another user to test this")
def test_build_into_a_read_only_folder_leaves_the_existing_file_untouched(tmp_path):
    out = tmp_path / "metrics.duckdb"
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0
    before = out.read_bytes()
    tmp_path.chmod(0o555)
    try:
        assert run_cli("--data", str(DASHBOARD), "build", "--out", str(out)).returncode != 0
    finally:
        tmp_path.chmod(0o755)
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--out", "{tmp}/adir"],  # an existing directory
        ["build", "--out", "{tmp}/afile/x.duckdb"],  # under a file
        ["export", "--format", "csv", "--out", "{tmp}/nodir/x.csv"],  # in a folder that does not exist
    ],
    ids=["build-into-directory", "build-under-file", "export-into-missing-folder"],
)
def test_bad_out_path_is_a_clear_error(tmp_path, args):
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = run_cli("--data", str(DASHBOARD), *[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip()


# --- export ---------------------------------------------------------------------------------


def _check_rows(rows: list[dict], dashboard: load.Dataset) -> None:
    assert list(rows[0])[:13] == EXPORT_FIRST
    assert set(EXPORT_SECOND_EDITION) <= set(rows[0])
    assert len(rows) == _n_observations(dashboard)
    changyi = [r for r in rows if r["city_id"] == "changyi" and r["indicator_id"] == "rights.all_disputes_resolved"]
    assert len(changyi) == 1
    row = changyi[0]
    assert float(row["value"]) == 765 and row["unit"] == "起" and row["unit_as_written"] == "起"
    assert row["quote"] == "化解各类矛盾纠纷765起"
    # a running total since an unknown start, to the date of the article
    assert row["tally"] == "running_total" and str(row["cumulative"]) in ("True", "true")
    assert row["period_start"] in ("", None) and str(row["period_end"]) == "2023-06-19"
    assert row["measure"] == "cases" and row["scope_zh"] == "“七彩花”巾帼先锋队（社会治理网格）"
    assert row["scope_en"].startswith('"Seven-colour flower"') and row["level"] in ("", None)
    assert row["note"].startswith("巾帼先锋队") and row["note_en"].startswith("Disputes of all kinds")
    # the article's measure word with 万 applied: 服务家庭18.12万户 is 181,200 户
    (jinan,) = [r for r in rows if r["indicator_id"] == "employment.domestic_service_households"]
    assert jinan["unit"] == "户" and float(jinan["value"]) == 181_200 and jinan["unit_as_written"] == "万户"
    levels = {
        r["level"]
        for r in rows
        if r["report_id"] == "lianyungang-2022" and r["indicator_id"] == "family.families_commended"
    }
    assert levels == {"national", "provincial", "prefecture"}


def test_export_csv_to_a_file(tmp_path, dashboard):
    out = tmp_path / "obs.csv"
    assert main(["--data", str(DASHBOARD), "export", "--format", "csv", "--out", str(out)]) == 0
    _check_rows(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))), dashboard)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obs.csv"]


def test_export_json_to_a_file(tmp_path, dashboard):
    out = tmp_path / "obs.json"
    assert main(["--data", str(DASHBOARD), "export", "--format", "json", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    _check_rows(rows, dashboard)
    assert "化解各类矛盾纠纷765起" in out.read_text(encoding="utf-8")  # Chinese as text, not \\u escapes


def test_export_csv_to_stdout(capsys, dashboard):
    assert main(["--data", str(DASHBOARD), "export", "--format", "csv", "--out", "-"]) == 0
    _check_rows(list(csv.DictReader(io.StringIO(capsys.readouterr().out))), dashboard)


def test_export_json_to_stdout_in_a_subprocess(dashboard):
    result = run_cli("--data", str(DASHBOARD), "export", "--format", "json", "--out", "-")
    assert result.returncode == 0, result.stderr
    _check_rows(json.loads(result.stdout), dashboard)


def test_export_with_a_conflict_leaves_the_newer_file_out_and_exits_1(data_dir, dashboard, capsys):
    _copy_city(data_dir, "suqian", "suqian_copy", own_source=False)
    assert main(["--data", str(data_dir), "export", "--format", "json", "--out", "-"]) == 1
    printed = capsys.readouterr()
    rows = json.loads(printed.out)
    assert len(rows) == _n_observations(dashboard) and "suqian_copy" not in {r["city_id"] for r in rows}
    assert all(LOCATED.match(line) for line in printed.err.strip().splitlines())
    assert "suqian_copy.yaml" in printed.err and "Traceback" not in printed.err


def test_export_replaces_an_existing_file(tmp_path):
    out = tmp_path / "obs.csv"
    out.write_text("old", encoding="utf-8")
    assert main(["--data", str(DASHBOARD), "export", "--format", "csv", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith(",".join(EXPORT_FIRST + EXPORT_SECOND_EDITION) + ",")


def test_unknown_command_and_missing_arguments_are_usage_errors(capsys):
    for argv in (["frobnicate"], ["build"], ["export", "--format", "xml", "--out", "-"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "usage: python -m metrics" in capsys.readouterr().err


# --- stopped by the system: a signal, a full disk (issue 11) ----------------------------------

_STOP_WORDS = {
    "interrupt": ("interrupted (Ctrl-C)", "已中断", 130),
    "disk-full": ("the disk is full", "磁盘已满", 1),
    "duckdb-disk-full": ("the disk is full", "磁盘已满", 1),
}


def _stopper(kind: str):
    def build_then_stop(dataset, con=None):
        con.execute("CREATE TABLE cities (city_id VARCHAR)")  # something half-written first
        if kind == "interrupt":
            raise KeyboardInterrupt
        if kind == "disk-full":
            raise OSError(errno.ENOSPC, "No space left on device", "/secret/server/path.duckdb")
        raise duckdb.IOException('IO Error: Could not write file "/secret/x.duckdb": No space left on device')

    return build_then_stop


@pytest.mark.parametrize("kind", sorted(_STOP_WORDS))
def test_build_stopped_by_the_system_says_so_and_leaves_nothing_behind(kind, tmp_path, monkeypatch, capsys):
    out = tmp_path / "metrics.duckdb"
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    monkeypatch.setattr(load, "build_database", _stopper(kind))
    words, chinese, code = _STOP_WORDS[kind]
    assert main(["--data", str(DASHBOARD), "build", "--out", str(out)]) == code
    err = capsys.readouterr().err
    assert f"build: stopped: {words}; nothing was written" in err
    assert f"build：已停止：{chinese}" in err and "未写入任何文件" in err
    assert "/secret" not in err and "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.duckdb"]  # no temporary file left


def test_export_to_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "rows.csv"

    def full_disk(self, *args, **kwargs):
        with open(self, "w", encoding="utf-8") as half:
            half.write("city_id,")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    assert main(["--data", str(DASHBOARD), "export", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "cannot write there (the disk is full)" in err and "No space left" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_real_sigint_during_build_is_a_message_and_no_temporary_file(tmp_path):
    """SIGINT delivered to the process (as Ctrl-C does) while the database is being written."""
    out = tmp_path / "metrics.duckdb"
    script = (
        "import os, signal, sys, time\n"
        "from metrics import load\n"
        "from metrics.__main__ import main\n"
        "build = load.build_database\n"
        "def interrupted(dataset, con=None):\n"
        "    build(dataset, con)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(10)\n"
        "load.build_database = interrupted\n"
        f"sys.exit(main(['--data', {str(DASHBOARD)!r}, 'build', '--out', {str(out)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert "build: stopped: interrupted (Ctrl-C); nothing was written" in result.stderr
    assert list(tmp_path.iterdir()) == []
