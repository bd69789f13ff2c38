"""Shared test settings, the one headless browser of the session and the one local HTTP server.

TensorFlow is imported lazily through the ``tf`` fixture (its logging is
silenced first).  Hypothesis runs derandomised, so CI sees the same examples
on every run; set HYPOTHESIS_PROFILE=thorough for a longer local sweep.
"""

import contextlib
import http.server
import os
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import matplotlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Agg in this process only: an MPLBACKEND variable would reach the kernels that
# nbval starts, and their figures would lose the outputs stored in the notebooks.
matplotlib.use("Agg")

settings.register_profile(
    "default", max_examples=50, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, or a skip when it is not installed (never a skip on CI)."""
    if os.environ.get("CI"):
        import tensorflow

        return tensorflow
    return pytest.importorskip("tensorflow")


def wait_for(condition, *, timeout: float = 30.0, what: str = "the condition"):
    """Wait until ``condition()`` is true (polling), instead of sleeping a fixed time.

    Fails the test, naming ``what``, if it is still false after ``timeout``
    seconds: a generous bound that only a broken program reaches, so that a
    busy machine never fails a test that is right.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(0.02)


# --- the browser -------------------------------------------------------------------------------
# Playwright's sync API allows one running instance per thread, so every test
# that needs a browser shares this one.  Debian's chromium is used, never a
# downloaded browser.

CHROMIUM = os.environ.get("CNNX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def browser_skip_reason():
    """Why no browser test can run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CNNX_CHROMIUM)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# --- the built site ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("CNNBOOK_SITE", ROOT / "_build" / "html"))


def require_built_site(site: Path = SITE) -> None:
    """Skip (fail on CI, where scripts/test.sh builds it first) when the book is not built."""
    if not (site / "index.html").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no built site at {site}: scripts/test.sh builds it before the tests")
        pytest.skip(f"no built site at {site}: run bash scripts/build-book.sh first")


# --- the one local HTTP server ------------------------------------------------------------------


class LocalServer:
    """The test suite's HTTP server: 127.0.0.1, a free port, nothing logged.

    It serves the files of ``directory`` (if given) and, before them, the
    ``routes`` a test sets: ``routes[path]`` is bytes (served whole),
    ``("truncate", bytes)`` (announce the full length, then hang up halfway) or
    ``("hang", bytes)`` (send nothing until :meth:`stop`, so that a client's
    read timeout strikes: a condition, not a sleep).  ``hits[path]`` counts
    the requests for each path and ``connections`` every TCP connection, so a
    test can also check that nothing connected at all.
    """

    def __init__(self, directory: Path | None = None):
        self.routes: dict = {}
        self.hits: Counter = Counter()
        self.connections = 0
        self.released = threading.Event()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(directory or ROOT / "nonexistent"), **kwargs)

            def do_GET(self):
                path = self.path.lstrip("/")
                server.hits[path] += 1
                route = server.routes.get(path)
                if route is None:
                    if directory is None:
                        self.send_error(404)
                    else:
                        super().do_GET()
                    return
                mode, body = ("whole", route) if isinstance(route, bytes) else (route[0], route[-1])
                if mode == "hang":
                    server.released.wait()
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body[: len(body) // 2] if mode == "truncate" else body)
                    self.wfile.flush()
                except OSError:
                    pass
                if mode == "truncate":
                    self.close_connection = True

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request, client_address):
                server.connections += 1
                super().process_request(request, client_address)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        self.running = True

    def url(self, path: str = "") -> str:
        return self.base_url + path

    def stop(self):
        """Release any hanging request, then close the port (idempotent)."""
        if self.running:
            self.released.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.running = False


@contextlib.contextmanager
def serve(directory: Path):
    """A quiet static HTTP server for ``directory`` on 127.0.0.1; yields its base URL."""
    server = LocalServer(directory)
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture
def http_server():
    """A :class:`LocalServer` with no directory: a test sets its ``routes``."""
    server = LocalServer()
    try:
        yield server
    finally:
        server.stop()
