"""The errata page: every ``{erratum}`` of the chapters, grouped by source.

The marker cannot be forgotten: an admonition titled "Correction ..." written
by hand is reported by ``book/_ext/errata.py`` (a build warning, so the strict
build fails), and the page lists exactly the boxes the chapters contain.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
import yaml
from docutils import nodes

from tests.conftest import ROOT, SITE, require_built_site

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import errata  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("ch*.ipynb"))
ERRATUM = re.compile(r"^[`:]{3,}\{erratum\}", re.M)


def markdown(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def errata_in(path) -> int:
    return sum(len(ERRATUM.findall(text)) for text in markdown(path))


def box(title, classes=()):
    node = nodes.admonition(classes=list(classes))
    node += nodes.title(text=title)
    node += nodes.paragraph(text="The source says 3164; it is 3,136.")
    return node


def test_a_hand_written_correction_is_a_stray_and_an_erratum_is_collected():
    doc = nodes.section()
    doc += box("Correction to the source: the flattened size")          # written by hand
    doc += box("Correction to the source", classes=["erratum", "warning"])
    doc += box("Running this chapter", classes=["tip"])                  # not a correction
    found, strays = errata.collect(doc)
    assert [errata._title(n) for n in found] == ["Correction to the source"]
    assert [errata._title(n) for n in strays] == ["Correction to the source: the flattened size"]


def test_no_chapter_writes_a_correction_by_hand():
    by_hand = re.compile(r"\{admonition\}\s*correction", re.I)
    offenders = [p.name for p in CHAPTERS for text in markdown(p) if by_hand.search(text)]
    assert offenders == [], f"use the {{erratum}} directive in {offenders}"


def test_every_chapter_with_a_source_names_it_in_the_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sources = config["sphinx"]["config"]["book_sources"]
    chapters = {p.name[:4] for p in CHAPTERS}
    assert chapters, "no chapter notebooks found"
    assert chapters <= set(sources), f"no source named for {sorted(chapters - set(sources))}"


def test_errata_page_lists_every_erratum_under_its_source():
    require_built_site()
    html = (SITE / "book" / "appendix_errata.html").read_text(encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sources = config["sphinx"]["config"]["book_sources"]
    expected = {p.name[:4]: errata_in(p) for p in CHAPTERS}
    assert sum(expected.values()) > 0, "no {erratum} in any chapter"
    links = re.findall(r'href="\.\./notebooks/(ch\d\d)_[^"#]*#([^"]+)"[^>]*>\(see where\)', html)
    counted = {ch: sum(1 for c, _ in links if c == ch) for ch in expected}
    assert counted == expected
    for ch, n in expected.items():
        if n:
            assert sources[ch].replace("'", "&#8217;").split(",")[0] in html or sources[ch].split(",")[0] in html
    # each link lands on the box it names
    for ch, anchor in links:
        page = next(SITE.glob(f"notebooks/{ch}_*.html")).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in page, f"{ch}: no element with id {anchor}"
    total = sum(expected.values())
    assert f"{total} corrections to" in html


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem[:4] for p in CHAPTERS])
def test_each_erratum_box_is_rendered_as_a_warning(chapter):
    require_built_site()
    n = errata_in(chapter)
    page = SITE / "notebooks" / (chapter.stem + ".html")
    html = page.read_text(encoding="utf-8")
    assert len(re.findall(r'class="erratum warning admonition"', html)) == n
