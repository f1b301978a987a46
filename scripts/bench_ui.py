"""Benchmark of the dashboard's speed, as issue 3 sets it (run from the project root):

    .venv/bin/python scripts/bench_ui.py [--runs 7] [--rerenders 9] [--check]

(a) time to first chart of a minimal Streamlit page showing one Plotly bar chart, and
(b) time to first chart of /compare, measured side by side in one run: both servers up at the
    same time, runs alternating, each in a fresh headless-Chromium context after one warm-up,
    from navigation start to the first Plotly bar drawn on screen. Target: median(b) /
    median(a) <= 1.25. The default /compare draws its four most-reported comparisons and
    keeps the others behind an expander; /compare?more=1, with every comparison drawn at
    once, is measured alongside for information.
(c) server time of a re-render of /compare after a change of category and after a change of
    mode (absolute / per 100,000), timed around AppTest's `run()` of the real page script in
    this process, caches warm. Target: median <= 300 ms.

Prints every run, the medians and the verdicts, then one JSON line with the figures.
Exits 1 when a target is missed and --check is given.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_MISSING,
    MINIMAL_APP,
    StreamlitServer,
    launch_chromium,
    wait_bars_drawn,
)

RATIO_TARGET = 1.25
RERENDER_TARGET_MS = 300.0


# --- (a) and (b): first chart in the browser -------------------------------------------------


def first_chart_ms(browser, url: str) -> float:
    """Milliseconds from navigation start to the first drawn Plotly bar, in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        return float(wait_bars_drawn(page, timeout=60_000))
    finally:
        context.close()


def measure_first_chart(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        minimal_script = Path(tmp) / "minimal_chart.py"
        minimal_script.write_text(MINIMAL_APP, encoding="utf-8")
        with (
            StreamlitServer(minimal_script, cwd=Path(tmp), log_name="bench-minimal.log") as minimal,
            StreamlitServer("dashboard.py", log_name="bench-dashboard.log", data_dir=None) as dashboard,  # data/
            sync_playwright() as playwright,
        ):
            browser = launch_chromium(playwright)
            try:
                targets = {
                    "minimal": minimal.url + "/",
                    "compare": dashboard.url + "/compare",
                    "all": dashboard.url + "/compare?more=1",
                }
                for name, target in targets.items():
                    warm = first_chart_ms(browser, target)
                    print(f"  warm-up  {name:8s} {warm:8.0f} ms")
                times: dict[str, list[float]] = {name: [] for name in targets}
                for run, name in itertools.product(range(1, runs + 1), targets):
                    ms = first_chart_ms(browser, targets[name])
                    times[name].append(ms)
                    print(f"  run {run}    {name:8s} {ms:8.0f} ms")
            finally:
                browser.close()
    return times


# --- (c): server time of a re-render ---------------------------------------------------------


def measure_rerenders(repeats: int) -> dict[str, list[float]]:
    """Times AppTest runs of /compare after a category change and after a mode change.

    Cold: the first change to each category (absolute) and, there, the first change to per
    100,000, in a fresh process whose caches hold only the default view, as a server's first
    visitors meet them. Warm: then `repeats` category changes (cycling through the catalog)
    and `repeats` mode changes (alternating, on the default category), as every later visitor
    meets them. Returns the times in ms under cold_category, cold_mode, category and mode.
    """
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    # AppTest sets widget values from this thread, outside a script run, and Streamlit warns
    # at every step; the first run sets the log level from the config, so quieten it again after.
    set_log_level("error")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    set_log_level("error")
    at.switch_page("pages/compare.py")
    timed_run(at)
    from metrics import load

    categories = list(load.load_catalog(load.DATA_DIR / "catalog.yaml").categories)
    default = categories.index(at.pills(key="category").value)
    others = [i for i in range(len(categories)) if i != default]
    cycle = [*others, default]  # every step changes the category

    def change(kind: str, value) -> float:
        if kind == "category":
            at.pills(key="category").set_value(categories[value])
        else:
            at.button_group(key="mode").set_value(value)
        ms = timed_run(at)
        if kind == "mode" and at.button_group(key="mode").value != value:
            raise RuntimeError(f"the mode did not change to {value}")
        return ms

    times: dict[str, list[float]] = {"cold_category": [], "cold_mode": [], "category": [], "mode": []}
    for index in others:
        times["cold_category"].append(change("category", index))
        times["cold_mode"].append(change("mode", "per_100k"))
        name = at.pills(key="category").value
        print(
            f"  cold  {name:12s} category {times['cold_category'][-1]:7.1f} ms, "
            f"then per 100,000 {times['cold_mode'][-1]:7.1f} ms  ({len(at.get('plotly_chart'))} charts)"
        )
        change("mode", "absolute")
    change("category", default)
    times["cold_mode"].append(change("mode", "per_100k"))
    change("mode", "absolute")

    for _, index in zip(range(repeats), itertools.cycle(cycle)):
        times["category"].append(change("category", index))
        print(
            f"  warm  category -> {at.pills(key='category').value:12s} {times['category'][-1]:7.1f} ms  "
            f"({len(at.get('plotly_chart'))} charts)"
        )
    change("category", default)
    for _, mode in zip(range(repeats), itertools.cycle(["per_100k", "absolute"])):
        times["mode"].append(change("mode", mode))
        print(f"  warm  mode     -> {mode:12s} {times['mode'][-1]:7.1f} ms  ({len(at.get('plotly_chart'))} charts)")
    return times


def timed_run(at) -> float:
    """Runs the script once; returns its wall time in ms."""
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f"/compare raised during the benchmark: {at.exception[0].value}")
    return elapsed


# --- report ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="browser runs per page after a warm-up (default 7)")
    parser.add_argument("--rerenders", type=int, default=9, help="timed re-renders per kind of change (default 9)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(CHROMIUM_MISSING, file=sys.stderr)
        return 2

    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} (other work on the machine adds noise)")
    print(f"(a, b) time to first chart, headless Chromium, {args.runs} runs each after a warm-up")
    times = measure_first_chart(args.runs)
    minimal_ms = statistics.median(times["minimal"])
    compare_ms = statistics.median(times["compare"])
    ratio = compare_ms / minimal_ms
    all_ms = statistics.median(times["all"])

    print(f"\n(c) server time of a /compare re-render (AppTest run of the real script), warm runs: {args.rerenders}")
    rerenders = measure_rerenders(args.rerenders)
    medians = {kind: statistics.median(values) for kind, values in rerenders.items()}

    load_after = os.getloadavg()[0]
    print(f"\nload average at the end {load_after:.1f}")
    ok_ratio = ratio <= RATIO_TARGET
    ok_rerender = max(medians.values()) <= RERENDER_TARGET_MS
    verdict = {True: "ok", False: "MISSED"}
    print("\nResults (medians)")
    print(f"  first chart, minimal Plotly page         {minimal_ms:8.0f} ms")
    print(f"  first chart, /compare                    {compare_ms:8.0f} ms")
    print(f"  ratio /compare : minimal                 {ratio:8.2f}     target <= {RATIO_TARGET}  {verdict[ok_ratio]}")
    print(
        f"  first chart, /compare?more=1             {all_ms:8.0f} ms  (every comparison drawn at once; "
        f"ratio {all_ms / minimal_ms:.2f}, for information)"
    )
    labels = {
        "cold_category": "re-render, category change, cold cache",
        "cold_mode": "re-render, mode change, cold cache",
        "category": "re-render, category change, warm cache",
        "mode": "re-render, mode change, warm cache",
    }
    for kind, label in labels.items():
        print(
            f"  {label:40s} {medians[kind]:8.1f} ms  target <= {RERENDER_TARGET_MS:.0f}  "
            f"{verdict[medians[kind] <= RERENDER_TARGET_MS]}  (n={len(rerenders[kind])})"
        )
    print(
        json.dumps(
            {
                "first_chart_minimal_ms": round(minimal_ms, 1),
                "first_chart_compare_ms": round(compare_ms, 1),
                "first_chart_ratio": round(ratio, 3),
                "first_chart_ratio_target": RATIO_TARGET,
                "first_chart_compare_all_ms": round(all_ms, 1),
                "first_chart_ratio_all": round(all_ms / minimal_ms, 3),
                **{f"rerender_{kind}_ms": round(value, 1) for kind, value in medians.items()},
                "rerender_target_ms": RERENDER_TARGET_MS,
                "runs": args.runs,
                "load_average": round(load, 2),
                "load_average_end": round(load_after, 2),
                "first_chart_runs_ms": {name: [round(ms, 1) for ms in values] for name, values in times.items()},
                "rerender_runs_ms": {kind: [round(ms, 1) for ms in values] for kind, values in rerenders.items()},
                "ok": ok_ratio and ok_rerender,
            },
            ensure_ascii=False,
        )
    )
    return 1 if args.check and not (ok_ratio and ok_rerender) else 0


if __name__ == "__main__":
    sys.exit(main())
