"""Every content image of the built book says what it shows (WCAG 1.1.1).

Read from the built HTML (``$CNNBOOK_SITE``, default ``_build/html``), no
browser needed.  A content image is an ``<img>`` inside the article (the
theme's logos and launch-button icons are not content).  Its alternative text
fails when it is missing, empty, a file name or path (Sphinx's default: the
hashed file name of the figure) or matplotlib's ``<Figure size ...>``.  Alt
text is set in each figure cell's metadata:
``"mystnb": {"image": {"alt": "..."}}`` (see CONTRIBUTING.md).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import SITE, require_built_site

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if not {"_static", "_sources", "_images"} & set(p.relative_to(SITE).parts))

FILE_NAME = re.compile(r"(^|[/\\])[\w.-]+\.(png|jpe?g|gif|svg|webp)$|_images/", re.I)
MPL_REPR = re.compile(r"<Figure size|<matplotlib\.", re.I)
MAX_LEN = 300  # the book aims at ~250 characters; a little slack for wording


class _Images(HTMLParser):
    """The <img> tags inside <article> (the page's content)."""

    def __init__(self):
        super().__init__()
        self.depth = 0          # how many <article> elements we are inside
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag == "img" and self.depth:
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def alt_problem(img: dict) -> str | None:
    """Why this image's alternative text fails, or None."""
    alt = img.get("alt")
    if alt is None:
        return "no alt attribute"
    alt = alt.strip()
    if not alt:
        # An empty alt marks a decorative image; every figure of the book carries content.
        return "empty alt"
    if FILE_NAME.search(alt):
        return f"a file name: {alt[:70]!r}"
    if MPL_REPR.search(alt):
        return f"matplotlib's repr: {alt[:70]!r}"
    if len(alt) > MAX_LEN:
        return f"{len(alt)} characters (keep it to one or two sentences)"
    return None


def content_images(page_path: str) -> list[dict]:
    parser = _Images()
    parser.feed((SITE / page_path).read_text(encoding="utf-8", errors="replace"))
    return parser.images


@pytest.mark.parametrize("good", ["Line chart of loss against step: it falls from 2 to 0.1.",
                                  "Ten 28×28 digits, each titled with its label."])
def test_good_alt_text_passes(good):
    assert alt_problem({"alt": good, "src": "../_images/abc.png"}) is None


@pytest.mark.parametrize("bad", [None, "", "  ", "../_images/ffa3c2c8b.png", "figure.png",
                                 "<Figure size 640x480 with 1 Axes>", "x" * (MAX_LEN + 1)])
def test_bad_alt_text_fails(bad):
    img = {} if bad is None else {"alt": bad}
    assert alt_problem(img) is not None


def test_every_content_image_is_described():
    require_built_site(SITE)
    failures, count = [], 0
    for page in PAGES:
        for img in content_images(page):
            count += 1
            problem = alt_problem(img)
            if problem:
                failures.append(f"{page}: {img.get('src', '?')[-30:]}: {problem}")
    assert count > 0, "no content images found: has the page layout changed?"
    assert not failures, f"{len(failures)} of {count} images lack proper alt text:\n" + "\n".join(failures)
