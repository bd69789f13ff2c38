"""WCAG 2.1 AA in a real browser: axe-core on every page of the built book.

Every page at desktop and phone width, in the theme's light and dark modes,
must have no violation of axe-core's WCAG 2.0 and 2.1 level A and AA rules.
axe-core is the npm package pinned in ``package.json`` (``scripts/fetch_assets.sh``
installs it into ``node_modules``); it is injected into the page from that local
copy, so the test runs offline.  Where a violation comes from the theme, the
book's CSS (``book/_static/book.css``) overrides it: no rule is disabled here.

Code cells are most of a chapter's page: Pygments wraps every token in a
``<span>`` (about 13,000 in chapter 3), and axe's colour-contrast rule costs
about 2 ms of CPU for each.  The spans carry no meaning, only a colour, so
before axe runs :data:`MERGE_CODE_TOKENS` keeps the first span of each
distinct style in each view (its colour, background, size, weight, slant and
opacity, on its code block's background) and turns the other spans of that
style into plain text.  Every style is still checked for contrast, every other
element of the page for every rule, and chapter 3 takes a third of the time.

The theme's dark mode is chosen the way a reader's earlier choice is kept:
``localStorage.mode = "dark"`` before the page loads (pydata-sphinx-theme then
sets ``data-theme="dark"`` on ``<html>``).  With ``$CNNX_SCREENSHOTS`` set,
a full-page screenshot of every page in dark mode goes there, to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import PAGES, ROOT, redirect_target

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": 1280, "phone": 390}
MODES = ["light", "dark"]
# Jupyter Book's index.html only redirects to the first page, which is checked on its own.
CHECKED = [p for p in PAGES if not redirect_target(p)] or ["book/intro.html"]

READY = """() => [...document.querySelectorAll('.cnnx')].every(e => e.dataset.cnnxReady === '1')"""
MATH_DONE = """() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise ? true
  : MathJax.startup.promise.then(() => true)"""


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run bash scripts/fetch_assets.sh (npm ci)")
    return AXE.read_text(encoding="utf-8")


def open_page(browser, url: str, width: int, mode: str):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(f"try {{ localStorage.setItem('mode', '{mode}'); }} catch (e) {{}}")
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate(MATH_DONE)
    if page.locator(".cnnx").count():
        page.wait_for_function(READY, timeout=15000)
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{mode}'", timeout=5000)
    return context, page


def report(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}, {len(v['nodes'])} node(s)")
        for n in v["nodes"][:5]:
            lines.append(f"    {n['target']}: {n['summary']}")
    return "\n".join(lines)


MERGE_CODE_TOKENS = """() => {
  const seen = new Set();
  let merged = 0;
  for (const block of document.querySelectorAll('.highlight')) {
    const blockBackground = getComputedStyle(block).backgroundColor;
    for (const span of [...block.querySelectorAll('span')]) {
      const s = getComputedStyle(span);
      const style = [blockBackground, s.color, s.backgroundColor, s.fontSize, s.fontWeight, s.fontStyle,
                     s.opacity, s.textDecorationLine].join('|');
      if (seen.has(style) && span.children.length === 0) {
        span.replaceWith(document.createTextNode(span.textContent));
        merged++;
      } else {
        seen.add(style);
      }
    }
  }
  return merged;
}"""

START_AXE = """(tags) => {
  window.__axeViolations = axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(result => result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)}))})));
  return true;
}"""


@pytest.mark.parametrize("page_path", CHECKED)
def test_no_wcag_a_or_aa_violations(browser, site, screenshot_dir, page_path):
    """axe-core at both widths in both modes.  The four views of a page are
    opened together and axe runs in all four at once: each page of the browser
    has its own renderer process, so on a machine with several cores the
    checks run side by side (a long chapter takes about 15 s of axe alone)."""
    views = {}
    try:
        for width_name, width in WIDTHS.items():
            for mode in MODES:
                context, page = open_page(browser, site + page_path, width, mode)
                views[width_name, mode] = (context, page)
                page.evaluate(MERGE_CODE_TOKENS)
                page.add_script_tag(content=axe_source())
                page.evaluate(START_AXE, WCAG_TAGS)
        failures = []
        for (width_name, mode), (context, page) in views.items():
            violations = page.evaluate("() => window.__axeViolations")
            assert isinstance(violations, list), f"axe-core did not run on {page_path} ({width_name}, {mode})"
            if mode == "dark" and os.environ.get("CNNX_SCREENSHOTS"):
                # full-page shots of long chapters are slow: only when someone will look at them
                name = page_path.replace("/", "__").removesuffix(".html")
                page.screenshot(path=str(Path(screenshot_dir) / f"{name}-{width_name}-dark.png"), full_page=True)
            if violations:
                failures.append(f"axe-core on {page_path} ({width_name}, {mode}):\n{report(violations)}")
        assert failures == [], "\n".join(failures)
    finally:
        for context, _ in views.values():
            context.close()


ASSISTIVE_MML = """() => [...document.querySelectorAll('mjx-container')].map(c => {
  const mml = c.querySelector(':scope > mjx-assistive-mml > math');
  return mml ? '' : (c.textContent || '').slice(0, 40);
})"""


def test_formulas_carry_assistive_mathml(browser, site):
    """MathJax writes each formula's MathML next to it for screen readers (served locally)."""
    page_path = "notebooks/ch03_backprop_from_scratch.html"
    if page_path not in PAGES:
        pytest.skip(f"{page_path} is not in the built site")
    context, page = open_page(browser, site + page_path, 1280, "light")
    try:
        missing = page.evaluate(ASSISTIVE_MML)
        assert len(missing) > 10, "no formulas typeset on the page"
        assert [m for m in missing if m] == [], "formulas without assistive MathML"
        assert page.evaluate("() => MathJax.config.options.menuOptions.settings.assistiveMml") is True
    finally:
        context.close()


def test_merging_code_tokens_keeps_every_style_checked(browser, tmp_path):
    """A low-contrast token style that first appears deep in a code block, after
    hundreds of spans of other styles, is still found once the spans are merged."""
    from tests.conftest import serve

    good = "".join(f'<span style="color:#1a1a1a">tok{i} </span>' for i in range(300))
    bad = '<span style="color:#c8c8c8">faint</span> <span style="color:#c8c8c8">again</span>'
    html = (f'<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            f'<div class="highlight" style="background:#ffffff"><pre>{good}{bad}{good}</pre></div>'
            f'</main></body></html>')
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    with serve(tmp_path) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url + "index.html")
            assert page.evaluate(MERGE_CODE_TOKENS) == 602 - 2   # all spans but the first of each style
            assert page.locator(".highlight span").count() == 2
            page.add_script_tag(content=axe_source())
            page.evaluate(START_AXE, WCAG_TAGS)
            violations = page.evaluate("() => window.__axeViolations")
            contrast = [v for v in violations if v["id"] == "color-contrast"]
            assert contrast and "faint" in page.content()
            assert len(contrast[0]["nodes"]) == 1
        finally:
            context.close()
