"""The deployment for many viewers (deploy/serve, deploy/README.md): nginx in front of two
Streamlit processes, checked from the outside.

Starts `deploy/serve --no-setup` once for the module, in its own process group, with two
processes on free ports, its state and run dirs under pytest's temporary folder and the frozen
test data (tests/fixtures/dashboard), then checks what a viewer's browser meets: the page through
nginx, the security headers on every kind of response, gzip of the static JavaScript, the route
cookie and its sticky routing, the WebSocket, the upload limit, one cookie secret for both
processes, the dashboard itself in Chromium with no Content-Security-Policy violation, and the
stop on SIGTERM (the last test, and the fixture's finalizer whatever happened).

Skips when nginx is missing, except under CI (.ci/run installs it), where that is a failure. The
first tests need no nginx: what .streamlit/config.toml's comments cite exists, and the upload
limit deploy/serve writes into nginx's configuration is the app's (`deploy/serve --config-only`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import io
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import DASHBOARD_DATA, EXCEPTION, free_port, open_page, wait_bars_drawn, wait_charts_drawn

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "deploy" / "serve"
CONFIG = ROOT / ".streamlit" / "config.toml"
ROUTE_COOKIE = "fed_route"  # deploy/serve's ROUTE_COOKIE
SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# The pages of dashboard.py's navigation (URL paths).
PAGES = ["", "compare", "city", "indicator", "data", "about", "editor"]
START_TIMEOUT = 150  # seconds: two Streamlit processes on a busy two-core machine


def nginx_binary() -> str | None:
    """The nginx deploy/serve finds: on PATH, or Debian's /usr/sbin/nginx."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def upload_limit_mb() -> int:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]["maxUploadSize"]


def body_limit_bytes(conf: str) -> int:
    """nginx's client_max_body_size in a generated configuration, in bytes."""
    match = re.search(r"^\s*client_max_body_size\s+(\d+)([kKmM]?);", conf, re.M)
    assert match, "no client_max_body_size in the generated nginx.conf"
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def directives(csp: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]}."""
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def inline_script_hashes(html: str) -> list[str]:
    """CSP hash sources ('sha256-...') of a page's inline <script> elements."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attributes
    ]


# --- no nginx needed -----------------------------------------------------------------------------


def test_config_comments_cite_what_exists():
    """Every file, README section and code name .streamlit/config.toml's comments cite exists."""
    comments = "\n".join(
        line.strip().lstrip("#")
        for line in CONFIG.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("#")
    )
    files = set(re.findall(r"\b[\w-]+(?:/[\w.-]+)+|\b[\w-]+\.(?:md|py|toml|yaml|txt)\b", comments))
    assert "README.md" in files, f"the file references found are {files}: is the pattern still right?"
    missing = sorted(name for name in files if not (ROOT / name).exists())
    assert not missing, f".streamlit/config.toml cites files the repository does not have: {missing}"

    for document, section in re.findall(r"([\w/.-]+\.md), \"([^\"]+)\"", comments):
        headings = re.findall(r"^#+\s+(.+?)\s*$", (ROOT / document).read_text(encoding="utf-8"), re.M)
        assert section in headings, f".streamlit/config.toml cites {document}, {section!r}: no such heading"

    import importlib

    for module, name in re.findall(r"\b((?:metrics|ui)(?:\.[a-z_]+)+)\.([A-Z_]+)\b", comments):
        assert hasattr(importlib.import_module(module), name), f".streamlit/config.toml cites {module}.{name}"


@pytest.fixture(scope="module")
def config_only(tmp_path_factory) -> str:
    """The nginx configuration `deploy/serve --config-only` writes (needs no nginx)."""
    base = tmp_path_factory.mktemp("config-only")
    result = subprocess.run(
        [SERVE, "--no-setup", "--config-only", "--processes", "2", "--state-dir", base, "--run-dir", base / "run"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"deploy/serve --config-only failed:\n{result.stderr}"
    conf = base / "run" / "nginx.conf"
    assert result.stdout.strip() == str(conf)
    assert not (base / "cookie_secret").exists(), "--config-only made a cookie secret"
    return conf.read_text(encoding="utf-8")


def test_nginx_body_limit_is_the_apps_upload_limit(config_only):
    """nginx takes a file of server.maxUploadSize MB with its multipart envelope (a boundary and a
    part's headers), and at most 64 KB more."""
    limit_mb = upload_limit_mb()
    assert body_limit_bytes(config_only) - limit_mb * 1024 * 1024 in range(1024, 64 * 1024 + 1), (
        f"client_max_body_size {body_limit_bytes(config_only)} bytes for server.maxUploadSize = {limit_mb} MB"
    )


def test_csp_allows_exactly_the_index_pages_inline_scripts(config_only):
    """No 'unsafe-inline' or 'unsafe-eval' for scripts: the installed Streamlit's index.html's
    inline scripts are allowed by their hashes."""
    import streamlit

    match = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', config_only)
    assert match, "no Content-Security-Policy in the generated nginx.conf"
    script_src = directives(match.group(1))["script-src"]
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    hashes = inline_script_hashes(index)
    assert hashes, "Streamlit's index.html has no inline script any more: drop the hashes"
    assert sorted(source for source in script_src if source.startswith("'sha256-")) == sorted(hashes)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, script_src


# --- the deployment --------------------------------------------------------------------------------


def consecutive_free_ports(count: int) -> int:
    """The first of `count` consecutive free ports on 127.0.0.1."""
    for _ in range(50):
        first = free_port()
        if first + count - 1 > 65535:
            continue
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


def group_processes(pgid: int) -> dict[int, str]:
    """Every live process of a process group: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid or fields[0] == "Z":  # fields: state, ppid, pgrp, ...
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


@dataclass
class Deployment:
    base: Path
    port: int = field(default_factory=free_port)
    backend_port: int = field(default_factory=lambda: consecutive_free_ports(2))
    process: subprocess.Popen | None = None
    streamlit_pids: dict[int, int] = field(default_factory=dict)  # backend port -> pid
    stopped: tuple[int, dict[int, str]] | None = None  # exit code, processes left behind

    def __post_init__(self) -> None:
        while self.port in (self.backend_port, self.backend_port + 1):
            self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def backends(self) -> set[str]:
        return {f"127.0.0.1:{self.backend_port + i}" for i in range(2)}

    @property
    def run_dir(self) -> Path:
        return self.base / "run"

    @property
    def secret_file(self) -> Path:
        return self.base / "state" / "cookie_secret"

    @property
    def output(self) -> Path:
        return self.base / "serve.out"

    def log(self) -> str:
        text = self.output.read_text(encoding="utf-8", errors="replace")
        for log in sorted(self.run_dir.glob("*.log")):
            text += f"\n--- {log.name} (end) ---\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:]
        return text

    def start(self) -> None:
        with open(self.output, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [
                    SERVE,
                    "--no-setup",
                    "--listen",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--backend-port",
                    str(self.backend_port),
                    "--processes",
                    "2",
                    "--state-dir",
                    self.base / "state",
                    "--run-dir",
                    self.run_dir,
                    "--data",
                    DASHBOARD_DATA,
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: nginx and Streamlit included
            )
        deadline = time.monotonic() + START_TIMEOUT
        while "deploy/serve: ready:" not in self.output.read_text(encoding="utf-8", errors="replace"):
            if self.process.poll() is not None:
                raise RuntimeError(f"deploy/serve exited with code {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"deploy/serve was not ready in {START_TIMEOUT} s:\n{self.log()}")
            time.sleep(0.3)
        for pid, command in group_processes(self.process.pid).items():
            if "-m streamlit run" in command:
                port = int(re.search(r"--server\.port (\d+)", command).group(1))
                self.streamlit_pids[port] = pid

    def stop(self) -> tuple[int, dict[int, str]]:
        """SIGTERM to deploy/serve (only), as an init system or Ctrl-C would send; returns its
        exit code and whatever of its process group is still alive after it exited."""
        if self.stopped is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                code = -1
            left = group_processes(self.process.pid)
            if left:  # clean up, then report
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.stopped = (code, left)
        return self.stopped


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    nginx = nginx_binary()
    if nginx is None:
        reason = "nginx is not installed (apt-get install nginx; scripts/setup does it as root)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so the deployment tests may not be skipped")
        pytest.skip(reason)
    deployment = Deployment(tmp_path_factory.mktemp("deploy"))
    deployment.start()
    yield deployment
    code, left = deployment.stop()
    assert code == 0 and not left, f"deploy/serve exited with {code}, left {left}:\n{deployment.log()}"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def request(deployment: Deployment, path: str, *, port: int | None = None, method="GET", body=None, **headers) -> Reply:
    """One HTTP request, nothing decoded or followed; header names with _ for -."""
    connection = http.client.HTTPConnection("127.0.0.1", port or deployment.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def route_cookie(reply: Reply) -> str | None:
    for value in reply.headers.get_all("Set-Cookie") or []:
        if value.startswith(ROUTE_COOKIE + "="):
            return value
    return None


@pytest.fixture(scope="module")
def index(deployment) -> Reply:
    return request(deployment, "/")


@pytest.fixture(scope="module")
def script_path(index) -> str:
    """The path of the client's main JavaScript bundle, as the index page names it."""
    match = re.search(r'<script type="module"[^>]* src="\./(static/js/[^"]+\.js)"', index.body.decode())
    assert match, "no module script in the index page"
    return "/" + match.group(1)


def test_the_page_answers_through_nginx(deployment, index):
    assert index.status == 200
    assert index.header("Server") == "nginx"
    assert "<title>" in index.body.decode()
    assert index.header("X-Upstream") in deployment.backends
    health = request(deployment, "/_stcore/health")
    assert (health.status, health.body) == (200, b"ok")


@pytest.mark.parametrize(
    "what",
    ["index page", "static JavaScript", "404 of a Streamlit process", "413 of nginx itself", "WebSocket upgrade"],
)
def test_security_headers_on_every_response(deployment, script_path, what):
    if what == "index page":
        reply = request(deployment, "/")
        assert reply.status == 200
    elif what == "static JavaScript":
        reply = request(deployment, script_path)
        assert reply.status == 200
    elif what == "404 of a Streamlit process":
        # The client's probe for a base URL under a page's path answers 404.
        reply = request(deployment, "/compare/_stcore/health")
        assert reply.status == 404
    elif what == "413 of nginx itself":
        reply = request(deployment, "/_stcore/upload_file/s/f", method="PUT", body=b"0" * (3 * 1024 * 1024))
        assert reply.status == 413
    else:
        reply = websocket_upgrade(deployment, cookie=f"{ROUTE_COOKIE}=headers")
        assert reply.status == 101
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers.get_all(name) == [value], f"{name} on the {what}: {reply.headers.get_all(name)}"
    policies = reply.headers.get_all("Content-Security-Policy") or []
    assert len(policies) == 1, f"Content-Security-Policy on the {what}: {policies}"
    policy = directives(policies[0])
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    # The WebSocket of the host the browser asked for, and no other.
    assert f"ws://127.0.0.1:{deployment.port}" in policy["connect-src"]
    assert not {"ws:", "wss:", "*"} & set(policy["connect-src"]), policy["connect-src"]


def test_the_csp_allows_the_index_pages_inline_scripts_as_served(index):
    policy = directives(index.header("Content-Security-Policy"))
    hashes = inline_script_hashes(index.body.decode())
    assert hashes and set(hashes) <= set(policy["script-src"]), (hashes, policy["script-src"])


def test_static_javascript_is_gzipped_by_nginx(deployment, script_path):
    backend = next(iter(deployment.streamlit_pids))
    plain = request(deployment, script_path, port=backend)  # straight from a Streamlit process
    assert plain.status == 200 and plain.header("Content-Encoding") is None
    assert len(plain.body) > 10_000

    zipped = request(deployment, script_path, Accept_Encoding="gzip")
    assert zipped.status == 200
    assert zipped.header("Content-Encoding") == "gzip", "static JavaScript not gzip-encoded through nginx"
    assert "Accept-Encoding" in (zipped.header("Vary") or "")
    assert gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) < len(plain.body) / 2

    identity = request(deployment, script_path)  # a client that does not ask for gzip
    assert identity.header("Content-Encoding") is None and identity.body == plain.body


def test_route_cookie_is_set_and_routes_sticky(deployment, script_path):
    first = request(deployment, "/")
    cookie = route_cookie(first)
    assert cookie, f"no {ROUTE_COOKIE} cookie: {first.headers.get_all('Set-Cookie')}"
    attributes = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
    assert {"Path", "HttpOnly", "SameSite"} <= attributes, cookie
    pair = cookie.split(";")[0]
    upstream = first.header("X-Upstream")

    for path in ["/", script_path, "/_stcore/health", "/compare", "/_stcore/health"] * 2:
        again = request(deployment, path, Cookie=pair)
        assert again.header("X-Upstream") == upstream, f"{path} with {pair} went to another process"
        assert route_cookie(again) is None, "the route cookie is set again although the browser sent it"
    assert websocket_upgrade(deployment, cookie=pair).header("X-Upstream") == upstream

    # New browsers go to the processes in turn (evenly, not by chance), each cookie naming the
    # process that answered; a cookie that names no process (an older deployment's) is replaced.
    fresh = Counter()
    for i in range(40):
        reply = request(deployment, "/_stcore/health", **({"Cookie": f"{ROUTE_COOKIE}=viewer{i}"} if i % 2 else {}))
        fresh[reply.header("X-Upstream")] += 1
        pair = route_cookie(reply).split(";")[0]
        assert request(deployment, "/_stcore/health", Cookie=pair).header("X-Upstream") == reply.header("X-Upstream")
    assert set(fresh) == deployment.backends, f"browsers without a valid cookie all went to one process: {fresh}"
    assert max(fresh.values()) - min(fresh.values()) <= 1, f"new browsers are not spread evenly: {fresh}"


def websocket_upgrade(deployment: Deployment, cookie: str) -> Reply:
    """A raw WebSocket upgrade request to /_stcore/stream, as the client sends it."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", deployment.port), timeout=30) as sock:
        sock.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{deployment.port}\r\n"
                f"Origin: http://127.0.0.1:{deployment.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n"
                f"Cookie: {cookie}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    status_line, _, header_text = head.partition(b"\r\n\r\n")[0].decode().partition("\r\n")
    headers = http.client.parse_headers(io.BytesIO(header_text.encode() + b"\r\n\r\n"))
    reply = Reply(int(status_line.split()[1]), headers, b"")
    expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    if reply.status == 101:
        assert reply.header("Sec-WebSocket-Accept") == expected
    return reply


def test_websocket_session_through_nginx(deployment):
    """A whole session over the WebSocket through nginx: the script's first run answers."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    assert websocket_upgrade(deployment, cookie=f"{ROUTE_COOKIE}=raw").status == 101
    with connect(
        f"ws://127.0.0.1:{deployment.port}/_stcore/stream",
        subprotocols=["streamlit"],
        additional_headers={"Origin": deployment.url, "Cookie": f"{ROUTE_COOKIE}=session"},
        max_size=None,
        open_timeout=30,
    ) as ws:
        assert ws.response.status_code == 101
        assert ws.response.headers["X-Upstream"] in deployment.backends
        message = BackMsg()
        message.rerun_script.query_string = "lang=en"
        message.rerun_script.page_script_hash = ""
        ws.send(message.SerializeToString())
        kinds = []
        deadline = time.monotonic() + 60
        while "script_finished" not in kinds and time.monotonic() < deadline:
            forward = ForwardMsg()
            forward.ParseFromString(ws.recv(timeout=60))
            kinds.append(forward.WhichOneof("type"))
    assert kinds[0] == "new_session", kinds
    assert "delta" in kinds and "script_finished" in kinds, kinds


def test_upload_above_the_limit_gets_413_from_nginx(deployment):
    conf = (deployment.run_dir / "nginx.conf").read_text(encoding="utf-8")
    limit = body_limit_bytes(conf)
    path = "/_stcore/upload_file/some-session/some-file"

    too_large = request(
        deployment, path, method="PUT", body=b"0" * (limit + 1), Content_Type="application/octet-stream"
    )
    assert too_large.status == 413
    assert too_large.header("X-Upstream") is None, "the oversized body reached a Streamlit process"
    assert b"nginx" in too_large.body

    # A file of exactly server.maxUploadSize MB in its multipart envelope passes nginx and is
    # Streamlit's to judge (it refuses this one, which has no XSRF token and no session).
    boundary = "----deploytest"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="article.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"0" * (upload_limit_mb() * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    allowed = request(
        deployment, path, method="PUT", body=body, Content_Type=f"multipart/form-data; boundary={boundary}"
    )
    assert allowed.header("X-Upstream") in deployment.backends, (
        f"nginx refused a file of the app's limit: {allowed.status}"
    )
    assert allowed.status != 413


def test_one_cookie_secret_for_every_process(deployment):
    secret_file = deployment.secret_file
    assert secret_file.is_file()
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600, oct(secret_file.stat().st_mode)
    secret = secret_file.read_text(encoding="utf-8").strip()
    assert len(secret) >= 32

    assert sorted(deployment.streamlit_pids) == sorted(deployment.backend_port + i for i in range(2))
    for port, pid in deployment.streamlit_pids.items():
        environ = dict(
            item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0") if "=" in item
        )
        assert environ.get("STREAMLIT_SERVER_COOKIE_SECRET") == secret, f"the process on port {port} has another secret"
        # Not on the command line (which every user of the machine can read), nor in a log.
        assert secret not in Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    assert secret not in deployment.log()


def test_dashboard_in_chromium_without_csp_violation(deployment, browser):
    """/compare through nginx draws its Plotly charts; no page reports a CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        """window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));"""
    )
    console, errors, sockets = [], [], []
    try:
        for path in ["compare", *[p for p in PAGES if p != "compare"]]:
            page = context.new_page()
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("websocket", lambda ws: sockets.append(ws.url))
            open_page(page, f"{deployment.url}/{path}?lang=en")
            if path == "compare":
                wait_bars_drawn(page)
                assert wait_charts_drawn(page) > 0, "no Plotly chart on /compare through nginx"
            page.wait_for_timeout(500)  # late violations (fonts, styles) are reported too
            shown = page.locator(EXCEPTION)
            assert shown.count() == 0, f"/{path}: " + "\n".join(shown.all_inner_texts())
            violations = page.evaluate("window.__cspViolations")
            assert not violations, f"/{path}: CSP violations {violations}"
            page.close()
        cookies = {cookie["name"] for cookie in context.cookies()}
        assert ROUTE_COOKIE in cookies, cookies
    finally:
        context.close()
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not errors, errors
    assert f"ws://127.0.0.1:{deployment.port}/_stcore/stream" in sockets, sockets


def test_sigterm_stops_everything(deployment):
    """The last test: SIGTERM to deploy/serve stops nginx and every Streamlit process."""
    pids = group_processes(deployment.process.pid)
    assert len([c for c in pids.values() if "-m streamlit run" in c]) == 2, pids
    assert any(c.startswith("nginx: master") for c in pids.values()), pids

    code, left = deployment.stop()
    assert code == 0, f"deploy/serve exited with {code}:\n{deployment.log()}"
    assert not left, f"left running after SIGTERM: {left}"
    for pid in deployment.streamlit_pids.values():
        assert not Path(f"/proc/{pid}").exists(), f"Streamlit process {pid} still exists"
    assert "deploy/serve: stopped" in deployment.output.read_text(encoding="utf-8")
    for port in [deployment.port, *deployment.streamlit_pids]:
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"


def test_reruns_skip_streamlits_full_garbage_collection():
    """Issue 11: Streamlit's gc.collect() after every script run was about half of a /compare
    rerun's server CPU; the setting is off (Python's generational collector still runs)."""
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
