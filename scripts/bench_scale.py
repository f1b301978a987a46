"""Benchmark of the dashboard at national scale (issue 10), every row of its table in one run:

    .venv/bin/python scripts/bench_scale.py [--cities 3000] [--also 300] [--runs 3] [--check]

The data: the project's data/ plus N copies of one of its city files under new ids (sample1 ...
sampleN, metrics.bench.write_copies), in a temporary folder. Per size it measures, with a server
process (`streamlit run dashboard.py`) and headless Chromium, each first chart in a fresh browser
context, times from the server's process start (before `Popen`) to the first Plotly bar drawn:

  bare         a bare Streamlit page with one Plotly chart (the reference), median of --runs;
  floor        PyYAML's C loader over every city file, nothing else (the cost of reading them);
  cold         a cache folder the server has never seen: /compare?cities=sample1,sample2,
               median of --runs (a new cache folder each time);
  warm         the same cache, files unchanged, a new server process, median of --runs;
  edit         one city file rewritten (its Chinese name) while the warm server runs, until
               /city?city=sample1, open in the browser, shows the new name (no reload: the
               server reruns the pages open on the data), median of --runs;
  rss          the server's resident memory after the cold start's first page, and after the
               warm one's;
  rerun        server time of a rerun of /compare?cities=sample1,sample2 (AppTest, in this
               process, caches warm), median of 10;
  compare_1.2  warm first chart of /compare (the default page: no parameters) with N cities
               against the same page on data/ alone, servers side by side, runs alternating;
and then `metrics bench --cities N` (synthetic cities): page queries median / p95 on the served
snapshot, and validate-and-load (the cache's cold build) over its parse floor.

Targets: cold <= 1.5 x (bare + floor); warm <= 1.3 x bare; edit <= 2 s; rss <= 800 MB; query
p95 <= 20 ms; build <= 1.6 x floor; rerun <= 150 ms; compare <= 1.2 x the five-city page. Prints
every figure with its ratio and verdict, then one JSON line; --check exits 1 when one is missed.
With --also 300, the same rows (but the metrics bench) at 300 cities come first, and the growth
of memory and start times from one size to the other is printed. Never a unit test: minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import yaml  # noqa: E402
from browser_support import (  # noqa: E402
    IDLE,
    MINIMAL_APP,
    StreamlitServer,
    launch_chromium,
    wait_bars_drawn,
)

from metrics import bench, load  # noqa: E402

COMPARE = "/compare?cities=sample1,sample2"
TARGETS = {
    "cold_over_bare_floor": 1.5,
    "warm_over_bare": 1.3,
    "edit_s": 2.0,
    "rss_mb": 800.0,
    "query_p95_ms": 20.0,
    "build_over_floor": 1.6,
    "rerun_ms": 150.0,
    "compare_over_five": 1.2,
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def first_chart(browser, url: str, timeout: float = 180_000) -> None:
    """Opens `url` in a fresh context and waits for its first drawn Plotly bar."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout)
        wait_bars_drawn(page, timeout=timeout)
    finally:
        context.close()


def start_to_chart(
    browser, script, path: str, *, cwd=ROOT, data_dir=None, log_name: str
) -> tuple[float, float, object]:
    """Seconds from starting a server process to its first chart of `path`; its RSS then; the
    running server (the caller stops it)."""
    t0 = time.monotonic()
    server = StreamlitServer(script, cwd=cwd, data_dir=data_dir, log_name=log_name).start(timeout=120)
    try:
        first_chart(browser, server.url + path)
    except BaseException:
        server.stop()
        raise
    return time.monotonic() - t0, rss_mb(server.process.pid), server


def parse_floor(folder: Path) -> float:
    start = time.perf_counter()
    for path in load.city_files(folder):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def edit_to_visible(browser, server, folder: Path, k: int) -> float:
    """Rewrites sample1's Chinese name; seconds until its city page, open in the browser, shows
    it (the server reruns the pages left open on the data: ui.store.follow)."""
    url = server.url + "/city?city=sample1"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_selector(IDLE, state="attached", timeout=60_000)
        path = folder / "cities" / "sample1.yaml"
        text = path.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("name: "))
        name = f"样本1市改{k}"
        t0 = time.monotonic()
        path.write_text(text.replace(old, f"name: {{zh: {name}, en: Sample 1}}", 1), encoding="utf-8")
        while time.monotonic() - t0 < 60:
            if name in page.inner_text("[data-testid='stMain']"):
                return time.monotonic() - t0
            page.wait_for_timeout(25)
        raise RuntimeError(f"the edit did not show within 60 s (log: {server.log_path})")
    finally:
        context.close()


def rerun_ms(folder: Path, cache_dir: Path, runs: int = 10) -> float:
    """Server time of a rerun of /compare?cities=sample1,sample2 (AppTest of the page script)."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    os.environ["FEDERATION_DATA_DIR"] = str(folder)
    os.environ["FEDERATION_CACHE_DIR"] = str(cache_dir)
    set_log_level("error")
    at = AppTest.from_file(str(ROOT / "pages" / "compare.py"), default_timeout=300)
    at.query_params["cities"] = "sample1,sample2"
    at.run()
    set_log_level("error")  # the first run set the level from the config again
    if at.exception:
        raise RuntimeError(f"/compare raised: {at.exception[0].value}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    from ui import store

    store.forget()
    return statistics.median(times)


def measure_size(browser, n: int, runs: int, tmp: Path) -> dict:
    folder = tmp / f"data-{n}"
    files = bench.write_copies(folder, n)
    print(f"\n== {n} copies: {files} city files in {folder}")
    out: dict = {"cities": files}
    with tempfile.TemporaryDirectory() as app_dir:
        script = Path(app_dir) / "bare.py"
        script.write_text(MINIMAL_APP, encoding="utf-8")
        bare = []
        for run in range(runs):
            seconds, _, server = start_to_chart(browser, script, "/", cwd=Path(app_dir), log_name="scale-bare.log")
            server.stop()
            bare.append(seconds)
            print(f"  bare page, start to first chart, run {run + 1}: {seconds:.2f} s")
    out["bare_s"] = statistics.median(bare)
    floors = [parse_floor(folder) for _ in range(2)]
    out["floor_s"] = min(floors)
    print(f"  parse floor (C loader, {files} files): {out['floor_s']:.2f} s (best of {len(floors)})")
    cold, rss_cold = [], []
    for run in range(runs):  # each time a cache folder the server has never seen
        cache_dir = tmp / f"cache-{n}-{run}"
        os.environ["FEDERATION_CACHE_DIR"] = str(cache_dir)
        seconds, rss, server = start_to_chart(
            browser, "dashboard.py", COMPARE, data_dir=folder, log_name="scale-cold.log"
        )
        server.stop()
        cold.append(seconds)
        rss_cold.append(rss)
        print(f"  cold start to first chart of {COMPARE}, run {run + 1}: {seconds:.2f} s, RSS {rss:.0f} MB")
    out["cold_s"], out["rss_cold_mb"] = statistics.median(cold), max(rss_cold)
    warm, rss_warm = [], []
    for run in range(runs):
        seconds, rss, server = start_to_chart(
            browser, "dashboard.py", COMPARE, data_dir=folder, log_name="scale-warm.log"
        )
        warm.append(seconds)
        rss_warm.append(rss)
        print(f"  warm restart to first chart, run {run + 1}: {seconds:.2f} s, RSS {rss:.0f} MB")
        if run < runs - 1:
            server.stop()
    out["warm_s"], out["rss_warm_mb"] = statistics.median(warm), max(rss_warm)
    try:
        edits = []
        for k in range(runs):
            edits.append(edit_to_visible(browser, server, folder, k))
            print(f"  edit to visible on /city, run {k + 1}: {edits[-1]:.2f} s")
        out["edit_s"] = statistics.median(edits)
        out["rss_after_edits_mb"] = rss_mb(server.process.pid)
    finally:
        server.stop()
    out["rerun_ms"] = rerun_ms(folder, cache_dir)
    print(f"  rerun of {COMPARE} (server time, AppTest): {out['rerun_ms']:.0f} ms")
    out["compare_s"], out["compare_five_s"] = compare_against_five(browser, folder, runs)
    out["rss_mb"] = max(out["rss_cold_mb"], out["rss_warm_mb"], out["rss_after_edits_mb"])
    return out


def compare_against_five(browser, folder: Path, runs: int) -> tuple[float, float]:
    """Median first chart (navigation to first bar, ms -> s) of the default /compare, warm, with
    `folder` loaded and with data/ alone; the two servers side by side, runs alternating."""

    def chart_ms(url: str) -> float:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, wait_until="commit", timeout=120_000)
            return float(wait_bars_drawn(page, timeout=120_000))
        finally:
            context.close()

    with (
        StreamlitServer("dashboard.py", data_dir=folder, log_name="scale-many.log").start(timeout=120) as many,
        StreamlitServer("dashboard.py", data_dir=load.DATA_DIR, log_name="scale-five.log").start(timeout=120) as five,
    ):
        targets = {"many": many.url + "/compare", "five": five.url + "/compare"}
        for url in targets.values():
            chart_ms(url)  # warm-up: the store and the shared memos
        times: dict[str, list[float]] = {name: [] for name in targets}
        for run in range(max(runs, 5)):
            for name, url in targets.items():
                times[name].append(chart_ms(url))
            print(
                f"  /compare first chart, run {run + 1}: {times['many'][-1]:.0f} ms ({folder.name}) "
                f"vs {times['five'][-1]:.0f} ms (data/)"
            )
    return statistics.median(times["many"]) / 1000, statistics.median(times["five"]) / 1000


def verdicts(row: dict, metrics_bench: dict | None) -> list[tuple[str, float, float, str]]:
    """(name, figure, target, unit-ish text) for every target of the issue."""
    out = [
        (
            "cold_over_bare_floor",
            row["cold_s"] / (row["bare_s"] + row["floor_s"]),
            TARGETS["cold_over_bare_floor"],
            "x",
        ),
        ("warm_over_bare", row["warm_s"] / row["bare_s"], TARGETS["warm_over_bare"], "x"),
        ("edit_s", row["edit_s"], TARGETS["edit_s"], "s"),
        ("rss_mb", row["rss_mb"], TARGETS["rss_mb"], "MB"),
        ("rerun_ms", row["rerun_ms"], TARGETS["rerun_ms"], "ms"),
        ("compare_over_five", row["compare_s"] / row["compare_five_s"], TARGETS["compare_over_five"], "x"),
    ]
    if metrics_bench is not None:
        out += [
            ("query_p95_ms", metrics_bench["query_p95_ms"], TARGETS["query_p95_ms"], "ms"),
            ("build_over_floor", metrics_bench["build_over_floor"], TARGETS["build_over_floor"], "x"),
        ]
    return out


def report(row: dict, metrics_bench: dict | None) -> list[str]:
    n = row["cities"]
    print(f"\n== {n} city files")
    print(f"  bare page (reference)             {row['bare_s']:6.2f} s")
    print(f"  parse floor                       {row['floor_s']:6.2f} s")
    print(
        f"  cold start to first chart         {row['cold_s']:6.2f} s  = {row['cold_s'] / (row['bare_s'] + row['floor_s']):.2f} x (bare + floor)"
    )
    print(f"  warm restart to first chart       {row['warm_s']:6.2f} s  = {row['warm_s'] / row['bare_s']:.2f} x bare")
    print(f"  edit to visible on /city          {row['edit_s']:6.2f} s")
    print(
        f"  server RSS after the first page   {row['rss_mb']:6.0f} MB (cold {row['rss_cold_mb']:.0f}, warm {row['rss_warm_mb']:.0f}, after edits {row['rss_after_edits_mb']:.0f})"
    )
    print(f"  rerun of /compare (server time)   {row['rerun_ms']:6.0f} ms")
    print(
        f"  /compare first chart, warm        {row['compare_s']:6.2f} s  = {row['compare_s'] / row['compare_five_s']:.2f} x data/ alone ({row['compare_five_s']:.2f} s)"
    )
    if metrics_bench is not None:
        print(
            f"  metrics bench --cities {metrics_bench['cities']}: queries median {metrics_bench['query_median_ms']:.1f} ms, "
            f"p95 {metrics_bench['query_p95_ms']:.1f} ms; build {metrics_bench['build_s']:.1f} s = "
            f"{metrics_bench['build_over_floor']:.2f} x floor {metrics_bench['parse_floor_s']:.1f} s"
        )
    missed = []
    for name, figure, target, unit in verdicts(row, metrics_bench):
        ok = figure <= target
        print(f"  {'met   ' if ok else 'MISSED'} {name:22s} {figure:8.2f} {unit} (target <= {target} {unit})")
        if not ok:
            missed.append(name)
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=3000, help="copies of a city file added to data/")
    parser.add_argument("--also", type=int, default=300, help="a smaller size measured first (0: none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-metrics-bench", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-", ignore_cleanup_errors=True) as tmp,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            for n in [s for s in (args.also, args.cities) if s]:
                rows[n] = measure_size(browser, n, args.runs, Path(tmp))
        finally:
            browser.close()
    metrics_bench = None
    if not args.skip_metrics_bench:
        print(f"\n== metrics bench --cities {args.cities}")
        metrics_bench = bench.run(args.cities, repeats=2)
        print(bench.describe(metrics_bench))
    missed = []
    for n, row in rows.items():
        missed += report(row, metrics_bench if n == args.cities else None) if n == args.cities else []
        if n != args.cities:
            report(row, None)
    if args.also and args.also in rows and args.cities in rows:
        small, big = rows[args.also], rows[args.cities]
        per_city = (big["rss_mb"] - small["rss_mb"]) / (big["cities"] - small["cities"]) * 1024
        print(f"\n== growth from {small['cities']} to {big['cities']} city files")
        print(f"  RSS {small['rss_mb']:.0f} -> {big['rss_mb']:.0f} MB: {per_city:.0f} KB per added city file")
        for key in ("cold_s", "warm_s", "edit_s", "floor_s"):
            print(f"  {key:8s} {small[key]:6.2f} -> {big[key]:6.2f} s")
    print(json.dumps({"sizes": rows, "metrics_bench": metrics_bench, "missed": missed}, ensure_ascii=False))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
