"""book/_ext/teaching_code.py: the published pages show no grader markers and
no hidden tests, while the notebooks keep them for the instructors' tools."""

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


def test_the_built_chapter_pages_show_no_grader_text():
    pages = sorted((SITE / "notebooks").glob("ch*.html"))
    require_built_site(SITE)
    assert len(pages) == len(CHAPTERS)
    for page in pages:
        found = GRADER_TEXT.findall(page.read_text(encoding="utf-8"))
        assert found == [], f"{page.name} shows grader text: {sorted(set(found))}"
