"""Load benchmark of the dashboard (issue 11, "Safe with many viewers"); run from the project root:

    .venv/bin/python scripts/bench_load.py [--sessions 50] [--seconds 60] [--target both] [--check]

A protocol-level client drives N sessions of /compare the way the browser does, against (1) one
`streamlit run dashboard.py` process and (2) `deploy/serve --processes 2` (nginx in front of two
Streamlit processes), one target after the other, each started and stopped by this script.

Each session is a browser tab: GET / (through nginx this sets the `fed_route` cookie that pins it
to one process), GET /_stcore/health (Streamlit's `_streamlit_xsrf` cookie), then the WebSocket
/_stcore/stream with subprotocols ["streamlit", <xsrf token>], the cookies and a same-origin
Origin. Over it the client sends `rerun_script` BackMsgs (query string, page, widget states, the
hashes of the cacheable messages it keeps, browser context) and reads ForwardMsgs until the run's
final `script_finished`, keeping what the browser keeps: the query string the app writes
(`page_info_changed`), the page's hash, every widget's value (`set_value`/`raw_values`, else its
default) and the message cache (`ref_hash` answers). Each session loops, as fast as the server
lets it (or with --think seconds between actions), over its own seeded random actions:

- a link: a query string with a new category, cities, mode and language (a deep link, the back
  button, a reconnecting browser restoring its view from the URL);
- a real widget change: the category pills (which reset the cities to those reporting the
  category), the cities multiselect (in the cities popover), the mode control or the sidebar's
  language control, sent as the browser sends it: every widget's state, one of them changed.

After each action the content is checked against the data (tests/fixtures/dashboard by default,
FEDERATION_DATA_DIR or --data selects the folder): no exception element and a successful finish;
the title in the chosen language; the share link states exactly the chosen category, cities, mode
and language; every chart's bars are the chosen cities, named in the chosen language; no text,
chart or label names a city that was not chosen. A content mismatch naming another session's
choice counts as cross-session content; any other mismatch, an exception, a disconnect or a
timeout counts as an error.

Per target it prints sessions, the measured window, actions, reruns per second, p50/p95
action-to-idle (send to final script_finished), errors, cross-session content, the RSS of each
Streamlit process before and after, server CPU per rerun over the load (utime+stime of the
processes / reruns) and, from a separate phase in which a single session is alone on the server,
per-rerun server CPU median and p95 (the process's CPU time read before and after each rerun;
/proc counts in clock ticks, 10 ms). Then the ratio of the nginx deployment's reruns per second to
the single process's, the verdicts against the targets, and one JSON line. --check exits 1 when a
target is missed.

Targets (issue 11, on this project's 2-core machine): 50 sessions with 0 errors and 0
cross-session content; p95 action-to-idle at most 2 s at 50 sessions through nginx; the two
processes behind nginx at least 1.7x the single process's reruns per second.

Every loop is bounded in count and time (--seconds, --timeout per action, --max-actions per
session, a bounded number of reconnects), and all traffic goes to 127.0.0.1. Never a unit test:
it starts servers and takes minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import websockets  # noqa: E402
from browser_support import ARTIFACTS, DASHBOARD_DATA, StreamlitServer, free_port  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from metrics import load, queries  # noqa: E402
from ui import state  # noqa: E402
from ui.i18n import t  # noqa: E402

HOST = "127.0.0.1"  # the only address this script sends anything to
SESSIONS_TARGET = 50
P95_TARGET_S = 2.0
RATIO_TARGET = 1.7
ROUTE_COOKIE = "fed_route"  # deploy/serve's sticky-session cookie
XSRF_COOKIE = "_streamlit_xsrf"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
CLK_TCK = os.sysconf("SC_CLK_TCK")
FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_EARLY_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
WIDGET_TYPES = ("button_group", "multiselect", "checkbox")
MAX_RECONNECTS = 3  # per session, after a disconnect or a timeout
MAX_EXAMPLES = 8


# --- the data: what each view must show ------------------------------------------------------


@dataclass(frozen=True)
class View:
    """What a session asked for: the compare page's category, cities, measure and language."""

    category: str
    cities: frozenset[str]
    mode: str
    lang: str

    def query(self) -> str:
        params = {"lang": self.lang, "category": self.category, "cities": ",".join(sorted(self.cities))}
        params["mode"] = self.mode
        return urlencode(params, safe=",", quote_via=quote)

    def short(self) -> str:
        return f"{self.category}/{','.join(sorted(self.cities))}/{self.mode}/{self.lang}"


class Expected:
    """Cities, categories and the page's strings, read from the data folder the server reads."""

    def __init__(self, data_dir: Path):
        dataset = load.load_all(data_dir)
        with load.build_database(dataset) as con:
            cur = con.cursor()
            cities = queries.cities(cur)
            categories = queries.categories(cur)
            self.reporting = {
                c: frozenset(queries.compare_category(cur, c)["city_id"]) for c in categories["category_id"]
            }
        self.city_ids = list(cities["city_id"])
        self.names = {lang: dict(zip(cities["city_id"], cities[f"name_{lang}"], strict=True)) for lang in state.LANGS}
        self.category_ids = list(categories["category_id"])  # catalog order, the pills' order
        self.title = {lang: t("compare.title", lang) for lang in state.LANGS}
        # every (name, city) in both languages, longest first (a name inside a longer one is found once)
        self.all_names = sorted(
            {(name, city) for lang in state.LANGS for city, name in self.names[lang].items() if name},
            key=lambda pair: -len(pair[0]),
        )

    def random_view(self, rng: random.Random) -> View:
        category = rng.choice(self.category_ids)
        return View(category, self.random_cities(rng, category), rng.choice(state.MODES), rng.choice(state.LANGS))

    def random_cities(self, rng: random.Random, category: str) -> frozenset[str]:
        """One to four cities, mostly among those reporting the category."""
        reporting = sorted(self.reporting[category]) or self.city_ids
        pool = reporting if rng.random() < 0.8 else self.city_ids
        return frozenset(rng.sample(pool, rng.randint(1, min(4, len(pool)))))

    def cities_named(self, text: str) -> set[str]:
        """The cities whose name (in either language) occurs in `text`."""
        found = set()
        for name, city in self.all_names:
            if name in text:
                found.add(city)
                text = text.replace(name, "\0")
        return found


# --- one script run as the client saw it -----------------------------------------------------


@dataclass
class Run:
    status: int | None = None
    early_reruns: int = 0
    exceptions: list[str] = field(default_factory=list)
    title: str | None = None
    share_url: str | None = None
    texts: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # id -> (type, proto)
    not_found: bool = False
    missing_refs: int = 0

    def reset(self) -> None:
        """A new script run started (new_session): only its own deltas count."""
        early = self.early_reruns
        self.__init__()
        self.early_reruns = early

    def add_delta(self, delta) -> None:
        kind = delta.WhichOneof("type")
        if kind == "new_element":
            self._element(delta.new_element)
        elif kind == "add_block":
            block = delta.add_block
            which = block.WhichOneof("type")
            if which == "popover":
                self.texts.append(block.popover.label)
            elif which == "expandable":
                self.texts.append(block.expandable.label)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "heading":
            if element.heading.tag == "h1" and self.title is None:
                self.title = element.heading.body
            self.texts.append(element.heading.body)
        elif kind == "markdown":
            self.texts.append(element.markdown.body)
        elif kind == "alert":
            self.texts.append(element.alert.body)
        elif kind == "text":
            self.texts.append(element.text.body)
        elif kind == "code":
            code = element.code.code_text
            if code.startswith("http://") and self.share_url is None:
                self.share_url = code
            self.texts.append(code)
        elif kind == "plotly_chart":
            self.charts.append(json.loads(element.plotly_chart.spec))
        elif kind in WIDGET_TYPES:
            proto = getattr(element, kind)
            self.widgets[proto.id] = (kind, proto)


def widget_key(widget_id: str) -> str:
    """The user key of a widget id "$$ID-<hash>-<key>" (or the id itself)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else widget_id


def widget_value(kind: str, proto, previous):
    """The value the browser holds for a widget after a run: the server's, else its own, else the default."""
    if kind == "checkbox":
        return proto.value if proto.set_value else (previous if previous is not None else proto.default)
    if proto.set_value:
        return list(proto.raw_values)
    if previous is not None:
        return previous
    if kind == "button_group":
        return [proto.options[i].content for i in proto.default]
    return [proto.options[i] for i in proto.default]


def widget_state(widget_id: str, kind: str, value) -> WidgetState:
    out = WidgetState(id=widget_id)
    if kind == "checkbox":
        out.bool_value = bool(value)
    else:
        out.string_array_value.data.extend(value)
    return out


def chart_labels(spec: dict) -> list[str]:
    """The category-axis labels of a bar chart: the cities its bars stand for."""
    labels = []
    for trace in spec.get("data", []):
        axis = trace.get("y") if trace.get("orientation") == "h" else trace.get("x")
        labels += [str(v) for v in axis or []]
    return labels


def chart_text(spec: dict) -> str:
    """Every text of a chart a viewer reads: bars, hover texts, title, subtitle, annotations."""
    parts = []
    for trace in spec.get("data", []):
        for name in ("x", "y", "text", "hovertext", "customdata", "name"):
            value = trace.get(name)
            if isinstance(value, list):
                parts += [json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in value]
            elif isinstance(value, str):
                parts.append(value)
    layout = spec.get("layout", {})
    title = layout.get("title") or {}
    if isinstance(title, dict):
        parts.append(str(title.get("text", "")))
        parts.append(str((title.get("subtitle") or {}).get("text", "")))
    parts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    return "\n".join(parts)


def view_from_share(url: str | None) -> View | None:
    """The view the share link of a run states (every parameter is written out)."""
    if not url:
        return None
    query = parse_qs(urlsplit(url).query)

    def one(name: str) -> str:
        return query.get(name, [""])[0]

    cities = frozenset(c for c in one("cities").split(",") if c)
    return View(one("category"), cities, one("mode"), one("lang"))


# --- results of a target ---------------------------------------------------------------------


@dataclass
class Stats:
    """Everything measured while the sessions ran against one target."""

    window: tuple[float, float] = (0.0, 0.0)
    done: list[tuple[float, float, str]] = field(default_factory=list)  # (end time, latency, kind)
    errors: Counter = field(default_factory=Counter)
    cross_session: int = 0
    examples: list[str] = field(default_factory=list)
    early_reruns: int = 0
    upstreams: Counter = field(default_factory=Counter)

    def example(self, text: str) -> None:
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(text)


class Registry:
    """What every session asked for lately, to tell another session's content from a wrong one."""

    def __init__(self) -> None:
        self.recent: dict[str, deque[View]] = {}

    def expect(self, session: str, view: View) -> None:
        self.recent.setdefault(session, deque(maxlen=12)).append(view)

    def own_earlier(self, session: str) -> list[View]:
        return list(self.recent.get(session, ()))[:-1]

    def others(self, session: str):
        for name, views in self.recent.items():
            if name != session:
                yield from views


# --- HTTP and the WebSocket session ----------------------------------------------------------


async def http_get(port: int, path: str, cookies: dict[str, str], timeout: float) -> tuple[int, dict[str, list[str]]]:
    """A GET to 127.0.0.1 as the browser sends it; returns the status and the headers."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {HOST}:{port}",
            f"User-Agent: {USER_AGENT}",
            "Accept: text/html,*/*",
            "Accept-Encoding: gzip",
            "Connection: close",
        ]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers


class SessionError(Exception):
    """A failure the viewer would see: the kind (timeout, disconnect, http...) and what happened."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class Client:
    """One browser tab on /compare: its cookies, WebSocket, URL, widget values and message cache."""

    def __init__(self, name: str, port: int, expected: Expected, timeout: float):
        self.name = name
        self.port = port
        self.expected = expected
        self.timeout = timeout
        self.ws = None
        self.upstream: str | None = None

    async def open(self) -> None:
        """GET / and /_stcore/health (cookies), then the WebSocket, as the browser does."""
        self.cookies: dict[str, str] = {}
        self.query = ""
        self.page_hash = ""
        self.values: dict[str, object] = {}
        self.active: dict[str, tuple[str, object]] = {}
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, run it was last used in)
        self.max_age = 2
        self.runs = 0
        for path in ("/compare", "/_stcore/health"):
            status, headers = await http_get(self.port, path, self.cookies, self.timeout)
            if status != 200:
                raise SessionError("http", f"GET {path}: {status}")
            for cookie in headers.get("set-cookie", []):
                pair = cookie.split(";", 1)[0]
                key, _, value = pair.partition("=")
                self.cookies[key.strip()] = value.strip()
            if headers.get("x-upstream"):
                self.upstream = headers["x-upstream"][0]
        xsrf = self.cookies.get(XSRF_COOKIE, "")
        try:
            self.ws = await websockets.connect(
                f"ws://{HOST}:{self.port}/_stcore/stream",
                subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
                origin=f"http://{HOST}:{self.port}",
                additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
                user_agent_header=USER_AGENT,
                max_size=None,
                ping_interval=None,  # browsers send no WebSocket pings (they answer the server's)
                open_timeout=self.timeout,
                close_timeout=2,
            )
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
            raise SessionError("connect", repr(exc)) from exc

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 3)
            self.ws = None

    async def rerun(self, query: str | None = None, change: tuple[str, object] | None = None) -> Run:
        """One rerun request, as the browser sends it; reads until the run's final script_finished."""
        if query is not None:
            self.query = query
        msg = BackMsg()
        client_state = msg.rerun_script
        client_state.query_string = self.query
        if self.page_hash:
            client_state.page_script_hash = self.page_hash
        else:
            client_state.page_name = "compare"
        # A link (a new query string) is a page opened from its URL: the browser sends no widget
        # states then, and the page takes its view from the URL alone.
        if change is not None:
            self.values[change[0]] = change[1]  # the browser holds what the viewer chose
        for widget_id, (kind, _proto) in ({} if query is not None else self.active).items():
            value = self.values.get(widget_id)
            if value is not None:
                client_state.widget_states.widgets.append(widget_state(widget_id, kind, value))
        self.runs += 1
        self.cache = {h: (m, used) for h, (m, used) in self.cache.items() if self.runs - used <= self.max_age}
        client_state.cached_message_hashes.extend(self.cache)
        context = client_state.context_info
        context.timezone = "Asia/Shanghai"
        context.timezone_offset = -480
        context.locale = "zh-CN"
        context.url = f"http://{HOST}:{self.port}/compare" + (f"?{self.query}" if self.query else "")
        context.color_scheme = "light"
        try:
            await self.ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._read_run(), self.timeout)
        except TimeoutError as exc:
            raise SessionError("timeout", f"no script_finished within {self.timeout:.0f} s") from exc
        except websockets.exceptions.ConnectionClosed as exc:
            raise SessionError("disconnect", repr(exc)) from exc

    async def _read_run(self) -> Run:
        run = Run()
        while True:
            raw = await self.ws.recv()
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(fm.ref_hash)
                if cached is None:
                    run.missing_refs += 1
                    continue
                full = ForwardMsg()
                full.CopyFrom(cached[0])
                full.metadata.CopyFrom(fm.metadata)
                self.cache[fm.ref_hash] = (cached[0], self.runs)
                fm, kind = full, full.WhichOneof("type")
            elif fm.metadata.cacheable and fm.hash:
                self.cache[fm.hash] = (fm, self.runs)
            if kind == "new_session":
                run.reset()
                self.max_age = fm.new_session.config.max_cached_message_age or self.max_age
            elif kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "page_not_found":
                run.not_found = True
            elif kind == "delta":
                run.add_delta(fm.delta)
            elif kind == "script_finished":
                if fm.script_finished == FINISHED_EARLY_FOR_RERUN:
                    run.early_reruns += 1  # the app called st.rerun(): its next run follows
                    continue
                run.status = fm.script_finished
                self.active = run.widgets
                self.values = {
                    wid: widget_value(kind, proto, self.values.get(wid)) for wid, (kind, proto) in run.widgets.items()
                }
                return run

    def widget(self, key: str) -> tuple[str, str, object] | None:
        for widget_id, (kind, proto) in self.active.items():
            if widget_key(widget_id) == key:
                return widget_id, kind, proto
        return None


# --- a session's actions and checks ----------------------------------------------------------


WIDGET_ACTIONS = ("category", "cities", "mode", "lang")


@dataclass
class Action:
    kind: str  # "open", "link" or a widget's key
    view: View  # what the page must show afterwards
    query: str | None = None
    change: tuple[str, object] | None = None


def plan_action(client: Client, current: View, rng: random.Random, kind: str) -> Action:
    """The next action of a session: a link to a new random view, or one widget changed."""
    expected = client.expected
    if kind != "link":
        found = client.widget(kind)
        if found is not None:
            widget_id, _widget_kind, proto = found
            if kind == "category" and len(proto.options) == len(expected.category_ids):
                others = [i for i, c in enumerate(expected.category_ids) if c != current.category]
                index = rng.choice(others)
                category = expected.category_ids[index]
                view = View(category, expected.reporting[category], current.mode, current.lang)
                return Action(kind, view, change=(widget_id, [proto.options[index].content]))
            if kind == "mode" and len(proto.options) == len(state.MODES):
                index = 1 - state.MODES.index(current.mode)
                view = View(current.category, current.cities, state.MODES[index], current.lang)
                return Action(kind, view, change=(widget_id, [proto.options[index].content]))
            if kind == "lang" and len(proto.options) == len(state.LANGS):
                index = 1 - state.LANGS.index(current.lang)
                view = View(current.category, current.cities, current.mode, state.LANGS[index])
                return Action(kind, view, change=(widget_id, [proto.options[index].content]))
            if kind == "cities":
                by_id = {}
                for option in proto.options:
                    ids = [part for part in option.split(" · ") if part in expected.names["en"]]
                    if ids:
                        by_id[ids[-1]] = option
                if len(by_id) == len(expected.city_ids):
                    chosen = expected.random_cities(rng, current.category)
                    if chosen == current.cities:
                        chosen = frozenset(rng.sample(expected.city_ids, 2))
                    view = View(current.category, chosen, current.mode, current.lang)
                    return Action(kind, view, change=(widget_id, [o for c, o in by_id.items() if c in chosen]))
    view = expected.random_view(rng)
    return Action("link", view, query=view.query())


def check_run(run: Run, view: View, expected: Expected) -> tuple[list[str], View | None, set[str]]:
    """Problems of a finished run against the view asked for; the view its share link states; the
    cities named that were not chosen."""
    problems = []
    if run.exceptions:
        problems.append("exception: " + run.exceptions[0])
    if run.status != FINISHED_OK:
        problems.append(f"script_finished status {run.status}")
    if run.not_found:
        problems.append("page not found")
    if run.missing_refs:
        problems.append(f"{run.missing_refs} ref_hash messages not in the cache")
    if run.title != expected.title[view.lang]:
        problems.append(f"title {run.title!r}, not {expected.title[view.lang]!r}")
    shared = view_from_share(run.share_url)
    if shared != view:
        problems.append(f"share link states {shared.short() if shared else None}")
    names = expected.names[view.lang]
    foreign: set[str] = set()
    for spec in run.charts:
        for label in chart_labels(spec):
            cities = {c for c, name in names.items() if name and name in label}
            if not cities:
                problems.append(f"a bar labelled {label!r}, not a city name in {view.lang}")
            foreign |= cities - view.cities
        foreign |= expected.cities_named(chart_text(spec)) - view.cities
    for text in run.texts:
        foreign |= expected.cities_named(text) - view.cities
    if foreign:
        problems.append("names cities not chosen: " + ",".join(sorted(foreign)))
    return problems, shared, foreign


def is_cross_session(session: str, registry: Registry, shared: View | None, foreign: set[str], view: View) -> bool:
    """Whether a wrong run shows what another session asked for (and this one never did lately)."""
    own = registry.own_earlier(session)
    if shared is not None and shared != view and shared not in own and shared in set(registry.others(session)):
        return True
    stray = foreign - {c for v in own for c in v.cities}
    return bool(stray) and any(stray <= other.cities for other in registry.others(session))


async def session_loop(
    index: int,
    port: int,
    expected: Expected,
    registry: Registry,
    stats: Stats,
    args: argparse.Namespace,
    start_at: float,
    deadline: float,
) -> None:
    """One viewer: opens /compare at `start_at`, then acts until `deadline` (or --max-actions)."""
    name = f"s{index:03d}"
    rng = random.Random(f"{args.seed}-{index}")
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    client = Client(name, port, expected, args.timeout)
    reconnects = 0
    actions = 0
    view: View | None = None
    try:
        while actions < args.max_actions and time.monotonic() < deadline:
            if client.ws is None:
                try:
                    await client.open()
                except SessionError as exc:
                    stats.errors[exc.kind] += 1
                    stats.example(f"{name} open: {exc}")
                    reconnects += 1
                    if reconnects > MAX_RECONNECTS:
                        return
                    await asyncio.sleep(1.0)
                    continue
                if client.upstream:
                    stats.upstreams[client.upstream] += 1
                view = expected.random_view(rng) if view is None else view
                action = Action("open", view, query=view.query())
            else:
                # the first action after opening is a widget change, so every session drives one
                kind = WIDGET_ACTIONS[index % 4] if actions == 1 else rng.choice(("link", "link", *WIDGET_ACTIONS))
                action = plan_action(client, view, rng, kind)
            registry.expect(name, action.view)
            began = time.monotonic()
            try:
                run = await client.rerun(query=action.query, change=action.change)
            except SessionError as exc:
                stats.errors[exc.kind] += 1
                stats.example(f"{name} {action.kind} {action.view.short()}: {exc}")
                await client.close()
                reconnects += 1
                if reconnects > MAX_RECONNECTS:
                    return
                continue
            ended = time.monotonic()
            actions += 1
            stats.early_reruns += run.early_reruns
            problems, shared, foreign = check_run(run, action.view, expected)
            if problems:
                if is_cross_session(name, registry, shared, foreign, action.view):
                    stats.cross_session += 1
                    stats.example(f"{name} CROSS-SESSION {action.kind} {action.view.short()}: {'; '.join(problems)}")
                else:
                    kind = "exception" if run.exceptions else "wrong content"
                    stats.errors[kind] += 1
                    stats.example(f"{name} {action.kind} {action.view.short()}: {'; '.join(problems)}")
            stats.done.append((ended, ended - began, action.kind))
            view = action.view
            if args.think > 0:
                await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
    finally:
        await client.close()


# --- server processes: CPU and memory from /proc ---------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (every thread, finished ones included), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every descendant of a process (from the parent ids in /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


@dataclass
class Target:
    """A running deployment: the port the sessions use, its Streamlit processes (by port) and others."""

    name: str
    port: int
    streamlit: dict[str, int]  # "127.0.0.1:port" -> pid
    helpers: dict[str, int] = field(default_factory=dict)  # e.g. nginx -> pid


@contextlib.contextmanager
def single_target(data_dir: Path):
    with StreamlitServer("dashboard.py", log_name="bench-load-single.log", data_dir=data_dir) as server:
        yield Target("single", server.port, {f"{HOST}:{server.port}": server.process.pid})


def free_port_pair() -> int:
    """A port p with p and p+1 free on 127.0.0.1 (bounded tries)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports found")


@contextlib.contextmanager
def nginx_target(data_dir: Path, processes: int = 2):
    """deploy/serve with its own state dir on free ports; stopped with SIGTERM to its process group."""
    ARTIFACTS.mkdir(exist_ok=True)
    port, backend = free_port(), free_port_pair()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as state_dir:
        log_path = ARTIFACTS / "bench-load-nginx.log"
        with open(log_path, "w", encoding="utf-8") as log:
            serve = subprocess.Popen(
                [
                    *(str(ROOT / "deploy" / "serve"), "--no-setup", "--processes", str(processes)),
                    *("--port", str(port), "--listen", HOST, "--backend-port", str(backend)),
                    *("--state-dir", state_dir, "--data", str(data_dir)),
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 180
            while "ready:" not in log_path.read_text(encoding="utf-8", errors="replace"):
                if serve.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("deploy/serve did not become ready:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
            streamlit, helpers = {}, {}
            for pid in descendants(serve.pid):
                argv = cmdline(pid)
                if "streamlit" in argv and "--server.port" in argv:
                    streamlit[f"{HOST}:{argv[argv.index('--server.port') + 1]}"] = pid
                elif argv and (argv[0].startswith("nginx") or argv[0].endswith("/nginx")):
                    helpers["nginx " + ("worker" if "worker" in argv[0] else "master") + f" {pid}"] = pid
            if len(streamlit) != processes:
                raise RuntimeError(f"found {len(streamlit)} Streamlit processes under deploy/serve, not {processes}")
            yield Target("nginx", port, streamlit, helpers)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(serve.pid, signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(serve.pid, signal.SIGKILL)
                serve.wait(timeout=10)


# --- the phases of one target ----------------------------------------------------------------


async def warm_up(target: Target, expected: Expected, args: argparse.Namespace) -> None:
    """Each Streamlit process serves a few views first (store built, code imported), as a server
    that has been up for a while has; through nginx, tabs are opened until each process had one."""
    warmed: set[str] = set()
    rng = random.Random(f"{args.seed}-warm")
    for _ in range(8 * len(target.streamlit)):  # bounded: a new cookie picks a process at random
        client = Client("warm", target.port, expected, max(args.timeout, 60))
        try:
            await client.open()
            upstream = client.upstream or next(iter(target.streamlit))
            if upstream in warmed:
                continue
            for _ in range(4):
                await client.rerun(query=expected.random_view(rng).query())
            warmed.add(upstream)
        finally:
            await client.close()
        if len(warmed) == len(target.streamlit):
            return
    raise RuntimeError(f"warmed {sorted(warmed)} only, of {sorted(target.streamlit)}")


async def cpu_phase(target: Target, expected: Expected, args: argparse.Namespace) -> dict:
    """A single session alone on the server, N sequential actions: the serving process's CPU time
    read before and after each rerun is that rerun's cost (nothing else runs)."""
    rng = random.Random(f"{args.seed}-cpu")
    client = Client("cpu", target.port, expected, max(args.timeout, 60))
    costs, walls, wrong = [], [], []
    try:
        await client.open()
        pids = list(target.streamlit.values())  # only the one serving this session is busy
        view = expected.random_view(rng)
        await client.rerun(query=view.query())
        for n in range(args.cpu_reruns):
            kind = WIDGET_ACTIONS[n % 4] if n % 2 else "link"
            action = plan_action(client, view, rng, kind)
            await asyncio.sleep(0.15)
            before, began = sum(map(cpu_seconds, pids)), time.monotonic()
            run = await client.rerun(query=action.query, change=action.change)
            walls.append(time.monotonic() - began)
            await asyncio.sleep(0.1)  # what the server does right after the run belongs to it
            costs.append(sum(map(cpu_seconds, pids)) - before)
            problems = check_run(run, action.view, expected)[0]
            if problems:  # counted with the target's errors, never a traceback
                wrong.append(f"alone {action.kind} {action.view.short()}: {'; '.join(problems)}")
            view = action.view
    finally:
        await client.close()
    return {
        "reruns": len(costs),
        "cpu_median_ms": 1000 * statistics.median(costs),
        "cpu_p95_ms": 1000 * percentile(costs, 95),
        "cpu_mean_ms": 1000 * statistics.fmean(costs),
        "alone_p50_s": statistics.median(walls),
        "alone_p95_s": percentile(walls, 95),
        "wrong": len(wrong),
        "wrong_examples": wrong[:MAX_EXAMPLES],
    }


async def load_phase(target: Target, expected: Expected, args: argparse.Namespace) -> dict:
    registry, stats = Registry(), Stats()
    pids = {**target.streamlit, **target.helpers}
    rss_before = {k: rss_mb(p) for k, p in target.streamlit.items()}
    rss_peak = dict(rss_before)
    cpu_start = {k: cpu_seconds(p) for k, p in pids.items()}
    client_start = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    ramp = args.ramp if args.ramp is not None else min(10.0, args.seconds / 4)
    deadline = t0 + args.seconds
    stats.window = (t0 + ramp, deadline)
    sessions = [
        asyncio.create_task(
            session_loop(i, target.port, expected, registry, stats, args, t0 + ramp * i / args.sessions, deadline)
        )
        for i in range(args.sessions)
    ]

    async def sample_rss() -> None:
        while True:
            await asyncio.sleep(1.0)
            for k, p in target.streamlit.items():
                with contextlib.suppress(OSError):
                    rss_peak[k] = max(rss_peak[k], rss_mb(p))

    sampler = asyncio.create_task(sample_rss())
    try:
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        cpu_window = {k: cpu_seconds(p) - cpu_start[k] for k, p in pids.items()}
        rss_after = {k: rss_mb(p) for k, p in target.streamlit.items()}
        # no new actions now; the ones in flight finish (bounded by the per-action timeout)
        _done, pending = await asyncio.wait(sessions, timeout=args.timeout + 15)
        cpu_total = {k: cpu_seconds(p) - cpu_start[k] for k, p in pids.items()}
        for task in pending:
            stats.errors["unfinished session"] += 1
            task.cancel()
        for task in sessions:
            if task.done() and not task.cancelled() and task.exception() is not None:
                stats.errors["client crash"] += 1
                stats.example(f"client crash: {task.exception()!r}")
    finally:
        sampler.cancel()
    client_end = resource.getrusage(resource.RUSAGE_SELF)
    begin, end = stats.window
    in_window = [(e, lat) for e, lat, _kind in stats.done if begin <= e <= end]
    latencies = [lat for _e, lat in in_window]
    reruns_window = len(in_window)
    # CPU per rerun: every action's cost, from the first session's start until the last one closed
    streamlit_cpu = sum(cpu_total[k] for k in target.streamlit)
    cpu_reruns = len(stats.done)
    return {
        "sessions": args.sessions,
        "window_s": end - begin,
        "ramp_s": ramp,
        "actions": len(stats.done),
        "actions_by_kind": dict(Counter(kind for _e, _lat, kind in stats.done)),
        "reruns_in_window": reruns_window,
        "reruns_per_s": reruns_window / (end - begin) if end > begin else 0.0,
        "app_reruns": stats.early_reruns,
        "p50_s": statistics.median(latencies) if latencies else None,
        "p95_s": percentile(latencies, 95) if latencies else None,
        "max_s": max(latencies) if latencies else None,
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors),
        "cross_session": stats.cross_session,
        "examples": stats.examples,
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_peak,
        "rss_after_mb": rss_after,
        "server_cpu_s": streamlit_cpu,
        "server_cpu_per_rerun_ms": 1000 * streamlit_cpu / cpu_reruns if cpu_reruns else None,
        "server_cores_busy": sum(cpu_window[k] for k in target.streamlit) / (end - t0),
        "helper_cpu_s": {k: cpu_total[k] for k in target.helpers},
        "client_cpu_s": (client_end.ru_utime + client_end.ru_stime) - (client_start.ru_utime + client_start.ru_stime),
        "sessions_per_process": dict(stats.upstreams),
    }


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, nearest rank."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def measure(target: Target, expected: Expected, args: argparse.Namespace) -> dict:
    asyncio.run(warm_up(target, expected, args))
    cpu = asyncio.run(cpu_phase(target, expected, args)) if args.cpu_reruns > 0 else {}
    result = asyncio.run(load_phase(target, expected, args))
    result["cpu_phase"] = {k: v for k, v in cpu.items() if k != "wrong_examples"}
    if cpu.get("wrong"):
        result["errors"] += cpu["wrong"]
        result["errors_by_kind"]["wrong content (alone)"] = cpu["wrong"]
        result["examples"] = cpu["wrong_examples"] + result["examples"]
    return result


# --- report ----------------------------------------------------------------------------------


def fmt(value, spec: str = ".2f", none: str = "-") -> str:
    return none if value is None else format(value, spec)


def print_target(name: str, r: dict) -> None:
    cpu = r.get("cpu_phase") or {}
    print(f"\n== {name}: {r['sessions']} sessions, window {r['window_s']:.0f} s (after a {r['ramp_s']:.0f} s ramp)")
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["actions_by_kind"].items()))
    print(f"   actions        {r['actions']} ({kinds}); {r['reruns_in_window']} in the window")
    print(f"   reruns/s       {r['reruns_per_s']:.1f}")
    print(f"   action-to-idle p50 {fmt(r['p50_s'])} s, p95 {fmt(r['p95_s'])} s, max {fmt(r['max_s'])} s")
    errors = ", ".join(f"{k} {n}" for k, n in r["errors_by_kind"].items()) or "none"
    print(f"   errors         {r['errors']} ({errors})")
    print(f"   cross-session  {r['cross_session']}")
    for proc, before in r["rss_before_mb"].items():
        print(
            f"   RSS {proc}  {before:.0f} MB before, {r['rss_after_mb'][proc]:.0f} MB after"
            f" (peak {r['rss_peak_mb'][proc]:.0f} MB)"
        )
    print(
        f"   server CPU     {r['server_cpu_s']:.1f} s over the load, {fmt(r['server_cpu_per_rerun_ms'], '.0f')} ms"
        f" per rerun (mean), {r['server_cores_busy']:.2f} cores busy"
    )
    if cpu:
        print(
            f"   per-rerun CPU  median {cpu['cpu_median_ms']:.0f} ms, p95 {cpu['cpu_p95_ms']:.0f} ms"
            f" (one session alone, {cpu['reruns']} reruns; alone p50 {cpu['alone_p50_s']:.2f} s)"
        )
    if r["helper_cpu_s"]:
        print("   nginx CPU      " + ", ".join(f"{v:.1f} s" for v in r["helper_cpu_s"].values()))
    if r["sessions_per_process"]:
        print("   sessions/proc  " + ", ".join(f"{k} {n}" for k, n in sorted(r["sessions_per_process"].items())))
    print(f"   client CPU     {r['client_cpu_s']:.1f} s (this script, on the same cores)")
    for line in r["examples"]:
        print(f"   ! {line}")


def verdicts(results: dict, sessions: int) -> dict[str, bool]:
    out = {}
    for name, r in results.items():
        out[f"{name}: 0 errors, 0 cross-session at {sessions} sessions"] = r["errors"] == 0 and r["cross_session"] == 0
    if "nginx" in results:
        p95 = results["nginx"]["p95_s"]
        out[f"nginx: p95 <= {P95_TARGET_S:.0f} s at {sessions} sessions"] = p95 is not None and p95 <= P95_TARGET_S
    if {"single", "nginx"} <= results.keys() and results["single"]["reruns_per_s"] > 0:
        ratio = results["nginx"]["reruns_per_s"] / results["single"]["reruns_per_s"]
        out[f"nginx/single reruns/s >= {RATIO_TARGET}"] = ratio >= RATIO_TARGET
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=SESSIONS_TARGET)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each target's load (ramp included)")
    parser.add_argument("--target", choices=("single", "nginx", "both"), default="both")
    parser.add_argument(
        "--ramp", type=float, default=None, help="sessions start spread over this (default min(10, T/4))"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per action, seconds")
    parser.add_argument("--max-actions", type=int, default=2000, help="per session")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a session's actions, seconds")
    parser.add_argument("--cpu-reruns", type=int, default=40, help="reruns of the lone-session CPU phase (0: skip)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("FEDERATION_DATA_DIR") or DASHBOARD_DATA))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.seconds <= 0 or args.max_actions < 1:
        parser.error("--sessions, --seconds and --max-actions must be positive")
    data_dir = args.data.resolve()
    expected = Expected(data_dir)
    names = ["single", "nginx"] if args.target == "both" else [args.target]
    print(
        f"load benchmark: {args.sessions} sessions x {args.seconds:.0f} s per target, think {args.think} s,"
        f" data {data_dir}, {os.cpu_count()} cores"
    )
    results = {}
    for name in names:
        started = single_target(data_dir) if name == "single" else nginx_target(data_dir)
        with started as target:
            print(f"-- {name}: port {target.port}, Streamlit {', '.join(target.streamlit)}", flush=True)
            results[name] = measure(target, expected, args)
        print_target(name, results[name])
    ratio = None
    if {"single", "nginx"} <= results.keys() and results["single"]["reruns_per_s"] > 0:
        ratio = results["nginx"]["reruns_per_s"] / results["single"]["reruns_per_s"]
        print(f"\nnginx (2 processes) / single reruns per second: {ratio:.2f} (target >= {RATIO_TARGET})")
    checks = verdicts(results, args.sessions)
    print()
    for label, ok in checks.items():
        print(f"{'PASS' if ok else 'MISS'}  {label}")
    if args.sessions != SESSIONS_TARGET:
        print(f"(the targets are set for {SESSIONS_TARGET} sessions; this run had {args.sessions})")
    summary = {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "think_s": args.think,
        "seed": args.seed,
        "cores": os.cpu_count(),
        "ratio": ratio,
        "targets": checks,
        **{name: {k: v for k, v in r.items() if k != "examples"} for name, r in results.items()},
    }
    print(json.dumps(summary, sort_keys=True))
    return 1 if args.check and not all(checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
