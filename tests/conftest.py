"""Shared test settings and the one headless browser of the session.

TensorFlow is imported lazily through the ``tf`` fixture (its logging is
silenced first).  Hypothesis runs derandomised, so CI sees the same examples
on every run; set HYPOTHESIS_PROFILE=thorough for a longer local sweep.
"""

import os
import shutil

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
