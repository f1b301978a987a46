"""metrics.bench: synthetic cities that validate, and measurements that are real."""

from __future__ import annotations

import json

import pytest

from metrics import bench, load
from metrics.__main__ import main

KEYS = {"cities", "observations", "parse_floor_s", "build_s", "query_median_ms"}
QUERIES = ("compare_category", "city_profile", "indicator_across_cities", "coverage", "cities", "source_passage")


def test_synthetic_cities_validate(tmp_path):
    folder = tmp_path / "data"
    # about 100 observations a city, as the benchmark writes them: more than there are count
    # indicators, so some indicators come as breakdown parts
    written = bench.write_synthetic(folder, n_cities=3, observations=100)
    assert written == 300
    dataset = load.load_all(folder)
    assert dataset.problems == []
    assert sorted(dataset.cities) == ["city0000", "city0001", "city0002"]
    observations = [o for c in dataset.cities.values() for o in c.observations]
    assert len(observations) == 300
    assert {o.qualifier for o in observations} == {"exact", "more_than"}
    assert any(o.breakdown for o in observations)


@pytest.fixture(scope="module")
def result() -> dict:
    return bench.run(3, observations_per_city=40, query_runs=5, repeats=1)


def test_run_reports_real_measurements(result):
    assert set(result) >= KEYS
    assert result["cities"] == 3
    assert result["observations"] == result["observations_written"] == 120
    assert result["query_runs"] == 5
    for key in ("parse_floor_s", "build_s", "query_median_ms", "query_p95_ms"):
        assert result[key] > 0, key
    # (no comparison of the two timings here: on a busy machine either may come out ahead; the
    # benchmark itself prints them, measured on a quiet one)
    assert result["build_over_floor"] == pytest.approx(result["build_s"] / result["parse_floor_s"], rel=0.05)
    for name in QUERIES:
        assert result[f"query_{name}_median_ms"] > 0, name


def test_describe_prints_what_was_measured(result):
    text = bench.describe(result)
    assert "synthetic cities:      3 (120 observations)" in text
    assert f"{result['parse_floor_s']:.3f} s" in text and f"{result['build_s']:.3f} s" in text
    assert all(name in text for name in QUERIES)


def test_cli_bench_json_is_the_last_line(capsys):
    assert main(["bench", "--cities", "2", "--observations", "25", "--runs", "3", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert set(summary) >= KEYS
    assert summary["cities"] == 2 and summary["observations"] == 50
    assert summary["parse_floor_s"] > 0 and summary["build_s"] > 0 and summary["query_median_ms"] > 0
    assert lines[0].startswith("synthetic cities:")


def test_a_server_started_before_its_with_block_is_not_started_twice(monkeypatch):
    """`with StreamlitServer(...).start(timeout=...) as server:` (the scale benchmark) once started a
    second process on entry, and the first outlived the block, loading the measurements after it."""
    from browser_support import StreamlitServer

    started = []
    monkeypatch.setattr(StreamlitServer, "start", lambda self, timeout=60.0: started.append(self) or self)
    monkeypatch.setattr(StreamlitServer, "stop", lambda self: None)
    server = StreamlitServer("dashboard.py")
    server.start(timeout=5)
    server.process = object()  # what start() leaves: the running process
    with server as entered:
        assert entered is server
    assert started == [server], "started once, by the explicit call"
    with StreamlitServer("dashboard.py") as fresh:
        assert started[-1] is fresh, "a server not yet started is started on entry"
