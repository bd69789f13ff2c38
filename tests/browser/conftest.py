"""Fixtures for the real-browser tests of the static explorers (the
``browser`` itself comes from ``tests/conftest.py``).

They need the Python package ``playwright`` and a Chromium at
``$CNNX_CHROMIUM`` (default ``/usr/bin/chromium``, Debian's ``chromium``);
Playwright's own browser download is never used.  Without either, every test
here is skipped with the reason.  Screenshots go to ``$CNNX_SCREENSHOTS`` if
set, else to a pytest temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, SITE, browser_skip_reason, require_built_site, serve

PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if not {"_static", "_sources", "_images"} & set(p.relative_to(SITE).parts))


def pytest_collection_modifyitems(config, items):
    reason = browser_skip_reason()
    if reason:
        here = Path(__file__).parent
        for item in items:
            if here in Path(str(item.fspath)).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


def explorer_images():
    """The book's images when the data is there, else small synthetic ones."""
    from cnnlib.explorers.samples import default_images

    try:
        return default_images(download=False), "data"
    except Exception:  # noqa: BLE001 - any missing dataset: fall back
        rng = np.random.default_rng(3)
        yy, xx = np.mgrid[:28, :28]
        digit = (255 * (np.hypot(yy - 14, xx - 14) < 9) * (np.hypot(yy - 14, xx - 14) > 5)).astype(np.uint8)
        return {"digit": digit, "photo": rng.integers(0, 256, size=(16, 16, 3)).astype(np.uint8)}, "synthetic"


@pytest.fixture(scope="session")
def explorers_page(tmp_path_factory):
    """A standalone page with the three static explorers, served on 127.0.0.1."""
    from cnnlib.explorers import page, static_filter, static_output_size, static_pooling, write_assets

    images, _ = explorer_images()
    built = {"output_size": static_output_size(), "filter": static_filter(images), "pooling": static_pooling()}
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text(page(*built.values(), title="Explorers"), encoding="utf-8")
    write_assets(root / "cnnx")                 # the renderers, served once for the page (as the book does)

    with serve(root) as url:
        yield {"url": url + "index.html", "built": built, "images": images}


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    d = os.environ.get("CNNX_SCREENSHOTS")
    path = Path(d) if d else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class PageWatch:
    """A loaded page and everything that went wrong while it ran."""

    def __init__(self, browser, url, width):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.failed, self.requests = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} HTTP {r.status}"))
        self.page.goto(url)
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.cnnx')].every(e => e.dataset.cnnxReady === '1')", timeout=15000)

    def close(self):
        self.context.close()


@pytest.fixture
def watch(browser, explorers_page):
    opened = []

    def open_page(width=1280):
        w = PageWatch(browser, explorers_page["url"], width)
        opened.append(w)
        return w

    yield open_page
    for w in opened:
        w.close()


@pytest.fixture(scope="session")
def site():
    """The built book (``$CNNBOOK_SITE``, default ``_build/html``), served on 127.0.0.1."""
    require_built_site()
    with serve(SITE) as url:
        yield url


def redirect_target(page_path):
    """The page a redirect stub (Jupyter Book's index.html) points to, or None."""
    html = (SITE / page_path).read_text(errors="replace")
    m = re.search(r'http-equiv="refresh"[^>]*url=([^"\s]+)"', html, re.I)
    if not m:
        return None
    target = (Path(page_path).parent / m.group(1)).as_posix()
    assert (SITE / target).is_file(), f"{page_path} redirects to a missing page {target}"
    return target
