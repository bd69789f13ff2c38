"""On a phone, short code in a table keeps its width (it is not read one letter per line)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PAGES

CHAPTERS = [p for p in PAGES if p.startswith("notebooks/ch")]

WRAPPED = """() => [...document.querySelectorAll('.bd-article table code.literal')].filter(c => {
  const lines = c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight || '20');
  return c.textContent.length <= 24 && lines > 1.6;
}).map(c => c.textContent)"""


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_short_code_in_tables_does_not_wrap_on_a_phone(browser, site, page_path):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + page_path, wait_until="load")
        assert page.evaluate(WRAPPED) == []
    finally:
        context.close()
