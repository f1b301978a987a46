"""Helpers for driving the dashboard in real Chromium: a Streamlit server, a browser, waits.

Used by tests/test_browser.py and scripts/bench_ui.py. Starts `streamlit run` with the
project's interpreter on a free port and stops it again; launches Debian's Chromium
(`playwright install` cannot download browsers here); waits for Streamlit's script runs to
finish and for Plotly bars to be drawn. Writes the server's log to artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_MISSING = f"Chromium not found at {CHROMIUM}; install the chromium package"

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"
SIDEBAR = "[data-testid='stSidebar']"

# True once at least one bar of a Plotly chart has a drawn, non-empty shape; returns the time
# since navigation start (performance.now()) so that benchmarks read it directly.
BARS_DRAWN_JS = """() => {
  for (const path of document.querySelectorAll('.js-plotly-plot .bars path')) {
    const box = path.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) return performance.now();
  }
  return false;
}"""


# A bare Streamlit page with one Plotly chart: the reference of the benchmarks' first-chart times.
MINIMAL_APP = """\
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DASHBOARD_DATA = Path(__file__).resolve().parent / "fixtures" / "dashboard"  # see its README.md


class StreamlitServer:
    """`streamlit run <script>` in a child process, from the project root, on a free port.

    Use as a context manager: the server is stopped on exit, whatever happened inside.
    """

    def __init__(
        self,
        script: str | Path,
        *,
        cwd: Path = ROOT,
        log_name: str = "streamlit.log",
        extra_args: tuple[str, ...] = (),
        data_dir: Path | None = DASHBOARD_DATA,
    ):
        self.script = str(script)
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / log_name
        self.extra_args = extra_args
        self.data_dir = data_dir  # the folder the app reads (default: the tests' frozen snapshot)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> StreamlitServer:
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the child's exit
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                *self.extra_args,
            ],
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "PYTHONUNBUFFERED": "1",
                **({"FEDERATION_DATA_DIR": str(self.data_dir)} if self.data_dir else {}),
            },
        )
        log.close()
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode} before it was healthy; "
                    f"log ({self.log_path}):\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"streamlit was not healthy after {timeout:.0f} s; log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-5000:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> StreamlitServer:
        # `with StreamlitServer(...).start(timeout=...) as server:` must not start a second
        # process (the first would outlive the block and load the machine: seen in the benchmark)
        return self if self.process is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def wait_idle(page, timeout: float = 30_000) -> None:
    """Waits until Streamlit's script run is over (the app shows `notRunning`)."""
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)


def act_and_wait(page, action, timeout: float = 30_000) -> None:
    """Runs a UI action, then waits for the rerun it starts to finish.

    Right after a click the app may still say `notRunning` for a moment, before the rerun
    request reaches the server; waiting first for it to leave that state (briefly, since a
    fast rerun may already be over) avoids reading the page of the previous run.
    """
    action()
    with contextlib.suppress(Exception):
        page.wait_for_selector(IDLE, state="detached", timeout=1_500)
    wait_idle(page, timeout)


def open_page(page, url: str, timeout: float = 60_000) -> None:
    """Navigates and waits until the first script run is over."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_idle(page, timeout)


def wait_bars_drawn(page, timeout: float = 60_000) -> float:
    """Waits for a Plotly bar with a drawn shape; returns ms since navigation start."""
    return page.wait_for_function(BARS_DRAWN_JS, timeout=timeout, polling="raf").json_value()


def wait_charts_drawn(page, timeout: float = 30_000) -> int:
    """Waits until every Plotly chart of the page is plotted; returns how many there are."""
    return page.wait_for_function(
        """() => {
      const boxes = document.querySelectorAll("[data-testid='stPlotlyChart']");
      for (const box of boxes) {
        const plot = box.querySelector('.js-plotly-plot');
        if (!plot || !plot._fullLayout || !plot.querySelector('.main-svg')) return false;
      }
      return boxes.length || -1;
    }""",
        timeout=timeout,
    ).json_value()


def full_page_screenshot(page, path: Path) -> None:
    """A screenshot of the whole app, not just the viewport.

    Streamlit scrolls inside its main container (`stMain`) rather than the document, so
    Playwright's `full_page` alone captures one screen; the viewport is grown to the main
    container's content height first (inner scroll boxes, such as data frames, keep theirs).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wait_charts_drawn(page)
    page.mouse.move(0, 0)  # no hover label left over a chart
    size = page.viewport_size
    height = page.evaluate("""() => {
      const main = document.querySelector("[data-testid='stMain']");
      return Math.max(document.documentElement.scrollHeight, main ? main.scrollHeight : 0);
    }""")
    height = min(max(int(height), size["height"]), 12_000)
    try:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)  # Plotly relayouts responsive charts on resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


def sidebar_shown(page) -> bool:
    """Whether any part of the sidebar is visible inside the viewport."""
    return page.evaluate(
        """(sel) => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') return false;
      const box = el.getBoundingClientRect();
      return box.width > 1 && box.height > 1 && box.right > 1 && box.left < window.innerWidth;
    }""",
        SIDEBAR,
    )
