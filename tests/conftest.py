"""Shared test settings and the one headless browser of the session.

TensorFlow is imported lazily through the ``tf`` fixture (its logging is
silenced first).  Hypothesis runs derandomised, so CI sees the same examples
on every run; set HYPOTHESIS_PROFILE=thorough for a longer local sweep.
"""

import contextlib
import functools
import http.server
import os
import shutil
import threading
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


@contextlib.contextmanager
def serve(directory: Path):
    """A quiet static HTTP server for ``directory`` on 127.0.0.1; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
