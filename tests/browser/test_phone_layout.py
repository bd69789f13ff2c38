"""On a phone, short code in a table keeps its width (it is not read one letter per line), and an
explorer's menus show their whole options."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.conftest import PAGES

CHAPTERS = [p for p in PAGES if p.startswith("notebooks/ch")]

WRAPPED = """() => [...document.querySelectorAll('.bd-article table code.literal')].filter(c => {
  const lines = c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight || '20');
  return c.textContent.length <= 24 && lines > 1.6;
}).map(c => c.textContent)"""


@contextmanager
def phone_page(browser, url):
    """``url`` open in a 390 px wide browser page, closed afterwards."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_short_code_in_tables_does_not_wrap_on_a_phone(browser, site, page_path):
    with phone_page(browser, site + page_path) as page:
        assert page.evaluate(WRAPPED) == []


# Every option of every explorer menu, measured in the menu's own font, against the room the
# menu leaves for its text (its width less padding and about 20 px for the drop-down arrow).
CUT_OPTIONS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const cut = [];
  for (const s of document.querySelectorAll('.cnnx select')) {
    const cs = getComputedStyle(s);
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
    for (const o of s.options) {
      const w = ctx.measureText(o.text).width;
      if (w > room) cut.push(`${o.text}: ${Math.round(w)} px of text, ${Math.round(room)} px of room`);
    }
  }
  return [document.querySelectorAll('.cnnx select').length, cut];
}"""

EXPLORER_PAGES = [p for p in PAGES if p.endswith("explorers.html")]


@pytest.mark.parametrize("page_path", EXPLORER_PAGES)
def test_explorer_menus_show_whole_options_on_a_phone(browser, site, page_path):
    with phone_page(browser, site + page_path) as page:
        page.wait_for_selector(".cnnx select", state="attached")
        count, cut = page.evaluate(CUT_OPTIONS)
        assert count >= 4, f"only {count} explorer menus on {page_path}"
        assert cut == []
