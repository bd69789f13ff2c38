"""The published pages show teaching code only.

book/_ext/teaching_code.py strips grader markers and hidden tests from the
pages, while the notebooks keep them for the instructors' tools.  The
chapters' bookkeeping (the results record, the quick-mode switch, the
chapter's clock, glue calls) lives in cells whose input the page removes
(``remove-cell`` / ``remove-input``); the checks here fail on any that shows.
"""

import html
import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import SITE, require_built_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from teaching_code import strip_notebook, teaching_code  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("ch*.ipynb"))
GRADER_TEXT = re.compile(r"BEGIN SOLUTION|END SOLUTION|HIDDEN TESTS")
# what records results, switches modes or times the run: never in code the reader sees
BOOKKEEPING = re.compile(r"\bres\.\w+|chapter\.Results\(|quick_mode\(|\bQUICK\b|quick_range\(|getloadavg|"
                         r"CHAPTER_START|^\s*res\s*$|\bglue(?:_value)?\(", re.M)
HIDDEN_INPUT = {"remove-cell", "remove-input"}


def test_markers_go_and_the_code_between_them_stays():
    source = ("def f(x):\n"
              "    ### BEGIN SOLUTION\n"
              "    return 2 * x\n"
              "    ### END SOLUTION\n"
              "print(f(2))")
    assert teaching_code(source) == "def f(x):\n    return 2 * x\nprint(f(2))"


def test_hidden_tests_go_whole_and_public_checks_stay():
    source = ("assert mine == 3\n"
              "### BEGIN HIDDEN TESTS\n"
              "assert mine_edge_case == 0\n"
              "### END HIDDEN TESTS\n"
              "print('ok')\n")
    assert teaching_code(source) == "assert mine == 3\nprint('ok')\n"


def test_ordinary_code_is_untouched():
    source = "# BEGIN SOLUTION is only a marker on its own line\nx = '### END SOLUTION'\n"
    assert teaching_code(source) == source


def test_an_unclosed_hidden_region_is_an_error():
    with pytest.raises(ValueError, match="never closed"):
        teaching_code("### BEGIN HIDDEN TESTS\nassert x\n")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapters_lose_every_marker_and_keep_every_cell(path):
    text = path.read_text()
    nb, clean = json.loads(text), json.loads(strip_notebook(text))
    assert len(clean["cells"]) == len(nb["cells"])
    for before, after in zip(nb["cells"], clean["cells"]):
        assert after["outputs" if before["cell_type"] == "code" else "source"] == \
            before["outputs" if before["cell_type"] == "code" else "source"]
        if before["cell_type"] == "code":
            assert not GRADER_TEXT.search("".join(after["source"]))
    # the chapter has exercises, so the page loses something; the file itself is never rewritten
    if "### BEGIN SOLUTION" in text:
        assert strip_notebook(text) != text


def test_bookkeeping_is_caught():
    assert BOOKKEEPING.search('res.expect("acc", acc, claim="accuracy")')
    assert BOOKKEEPING.search("x = 1\nres\n")
    assert BOOKKEEPING.search("if not QUICK:\n    assert gap < 0.01")
    assert not BOOKKEEPING.search("result = model.evaluate(x)\nprint('Quick check')\nresize(x)")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapters_keep_bookkeeping_in_cells_the_page_removes(path):
    shown = {}
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] == "code" and not HIDDEN_INPUT & set(cell.get("metadata", {}).get("tags", [])):
            found = sorted({m.group(0).strip() for m in BOOKKEEPING.finditer("".join(cell["source"]))})
            if found:
                shown[f"cell {i} ({cell.get('id')})"] = found
    assert not shown, f"{path.name}: bookkeeping in cells the page shows: {shown}"


def code_on_page(page_html: str) -> list[str]:
    """The text of every code cell's input on a built page's HTML (folded ``hide-input`` cells too)."""
    blocks = re.findall(r'<div class="cell_input.*?</pre>', page_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def test_the_built_chapter_pages_show_no_grader_text_and_no_bookkeeping():
    pages = sorted((SITE / "notebooks").glob("ch*.html"))
    require_built_site(SITE)
    assert len(pages) == len(CHAPTERS)
    for page in pages:
        page_html = page.read_text(encoding="utf-8")
        found = GRADER_TEXT.findall(page_html)
        assert found == [], f"{page.name} shows grader text: {sorted(set(found))}"
        code = code_on_page(page_html)
        assert code, f"{page.name}: no code cells found (has the page's markup changed?)"
        kept = sorted({m.group(0).strip() for block in code for m in BOOKKEEPING.finditer(block)})
        assert kept == [], f"{page.name} shows bookkeeping code: {kept}"
