"""Every page of the built book, in a real browser, at desktop and phone width.

The site is read from ``$CNNBOOK_SITE`` (default ``_build/html``; ``scripts/test.sh``
builds it first) and served from 127.0.0.1.  For each page: no JavaScript
console errors, no failed requests and none leaving 127.0.0.1, no raw LaTeX or
TensorFlow log lines in the visible text, every image loaded, no page-wide
horizontal scrolling at phone width, no book table wider than the text column
at desktop width, every explorer non-empty and responding
to a control.  A screenshot of each page at each width goes to
``$CNNX_SCREENSHOTS`` (or a temporary folder) for people to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PAGES, redirect_target

WIDTHS = {"desktop": 1280, "phone": 390}
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\{|\\text\{"
                     r"|\\(?:cdot|times|partial|sum|infty|mathrm|mathbf|mathrel|operatorname|sqrt|log|exp|max"
                     r"|lceil|rceil|lfloor|rfloor|left|right|dots|ldots|alpha|eta|sigma|mu|approx|le|ge|in)\b"
                     r"|\^\{|_\{")
NOISE = re.compile(r"I0000 |oneDNN custom operations|absl::InitializeLog|cudart_stub")


def test_the_site_has_the_expected_pages():
    if not PAGES:
        pytest.skip("no built site")
    for page in ("index.html", "book/cnnlib.html", "book/api.html"):
        assert page in PAGES


# The book's own tables (not a table a cell printed) fit the text column on a desktop screen;
# on a phone a wide table may scroll in its box.
WIDE_TABLES = """() => [...document.querySelectorAll('.bd-article .pst-scrollable-table-container')]
  .filter(box => !box.closest('.cell_output'))
  .map(box => ({over: box.querySelector('table').scrollWidth - box.clientWidth,
                first: ((box.querySelector('th, td') || {}).innerText || '').slice(0, 40)}))
  .filter(t => t.over > 2)"""

VISIBLE_TEXT = """() => {
  const main = document.querySelector('main') || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .MathJax, mjx-container, mjx-assistive-mml')
       .forEach(e => e.remove());
  return clone.innerText;
}"""

BROKEN_IMAGES = """() => [...document.images]
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src').slice(0, 80))"""

EMPTY_WIDGETS = """() => [...document.querySelectorAll('.cnnx, .jupyter-widgets, .widget-subarea, .cell_output')]
  .filter(e => e.getBoundingClientRect().height < 2 && e.innerText.trim() === '' && !e.querySelector('img, svg, canvas'))
  .map(e => e.className)"""

# A display formula wider than its column must be able to scroll, not be clipped.
CUT_FORMULAS = """() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && !['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => (e.textContent || '').slice(0, 60))"""

MATH_DONE = """() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true
  : MathJax.startup.promise.then(() => true)"""


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("page_path", PAGES or ["index.html"])
def test_page(browser, site, screenshot_dir, page_path, width_name):
    context = browser.new_context(viewport={"width": WIDTHS[width_name], "height": 900})
    page = context.new_page()
    errors, failed, outside = [], [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} HTTP {r.status}"))
    page.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            or outside.append(r.url))
    try:
        target = redirect_target(page_path)
        page.goto(site + (target or page_path), wait_until="load")
        page.evaluate(MATH_DONE)
        explorers = page.locator(".cnnx")
        if explorers.count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('.cnnx')].every(e => e.dataset.cnnxReady === '1')",
                timeout=15000)
        page.evaluate("() => document.fonts.ready.then(() => true)")   # text laid out in its final font
        shot = screenshot_dir / f"{page_path.replace('/', '__').removesuffix('.html')}-{width_name}.png"
        page.screenshot(path=str(shot), full_page=True)

        assert errors == [], f"console errors on {page_path}: {errors}"
        assert failed == [], f"failed requests on {page_path}: {failed}"
        assert outside == [], f"requests leaving the site on {page_path}: {outside}"
        text = page.evaluate(VISIBLE_TEXT)
        raw = RAW_TEX.findall(text)
        assert not raw, f"raw LaTeX on {page_path}: {raw[:5]}"
        assert not NOISE.search(text), f"TensorFlow log lines on {page_path}"
        assert page.evaluate(BROKEN_IMAGES) == [], f"images that did not load on {page_path}"
        assert page.evaluate(EMPTY_WIDGETS) == [], f"empty output or widget areas on {page_path}"
        if width_name == "desktop":
            wide = page.evaluate(WIDE_TABLES)
            assert wide == [], f"the book's tables that scroll sideways at desktop width on {page_path}: {wide}"
        if width_name == "phone":
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{page_path} scrolls sideways by {overflow}px at phone width"
            cut = page.evaluate(CUT_FORMULAS)
            assert cut == [], f"display formulas cut off at phone width on {page_path}: {cut[:3]}"
        for i in range(explorers.count()):
            _assert_explorer_responds(page, explorers.nth(i), page_path)
    finally:
        context.close()


def _assert_explorer_responds(page, explorer, page_path):
    """Move the explorer's first adjustable control; something it shows must change."""
    before = explorer.inner_text()
    assert before.strip(), f"an explorer on {page_path} is empty"
    control = explorer.locator("select, input[type=range], input[type=number]").first
    tag = control.evaluate("e => e.tagName.toLowerCase()")
    if tag == "select":
        values = control.evaluate("e => [...e.options].map(o => o.value)")
        current = control.input_value()
        control.select_option(next(v for v in values if v != current))
    else:
        lo, hi, current = control.evaluate("e => [Number(e.min), Number(e.max), Number(e.value)]")
        control.fill(str(int(lo if current != lo else hi)))
    # wait for the change to show (a condition, not a clock); time out if it never does
    page.wait_for_function("([e, b]) => e.innerText !== b", arg=[explorer.element_handle(), before], timeout=5000)
    assert explorer.inner_text() != before, f"an explorer on {page_path} did not respond to its control"
