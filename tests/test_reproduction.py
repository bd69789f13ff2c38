"""The reproduction appendix: the sources' inventories, the rows, and the page built from both."""

from __future__ import annotations

import html
import json
import re
import sys

import pytest
import yaml

from tests.conftest import ROOT, SITE, require_built_site

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import reproduction  # noqa: E402

INVENTORIES = sorted((ROOT / "book" / "sources").glob("ch*.yml"))
FIELDS = {"id", "quote", "where", "kind", "value", "row", "comparable", "why"}


def record(chapter):
    return json.loads((ROOT / "notebooks" / "results" / f"{chapter}.json").read_text(encoding="utf-8"))


def test_every_chapter_has_an_inventory_of_its_source():
    chapters = {p.name[:4] for p in (ROOT / "notebooks").glob("ch*.ipynb")}
    assert chapters and chapters == {p.stem for p in INVENTORIES}


@pytest.mark.parametrize("path", INVENTORIES, ids=[p.stem for p in INVENTORIES])
def test_inventory_is_well_formed_and_points_at_real_rows(path):
    inv = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert inv["chapter"] == path.stem and inv["figures"]
    keys = {r["key"] for r in record(path.stem)["results"]}
    ids = [f["id"] for f in inv["figures"]]
    assert len(ids) == len(set(ids)), "duplicate figure ids"
    for f in inv["figures"]:
        assert FIELDS <= set(f), f"{f.get('id')}: missing {sorted(FIELDS - set(f))}"
        assert f["comparable"] in ("yes", "no"), f"{f['id']}: comparable must be 'yes' or 'no'"
        assert f["row"] is None or f["row"] in keys, f"{f['id']}: no row {f['row']!r} in results/{path.stem}.json"
        if f["row"] is None or f["comparable"] == "no":
            assert f["why"].strip(), f"{f['id']}: say why"
    seed = ROOT.parent / "shared" / "seeds" / f"{inv['source']}.txt"
    if seed.is_file():   # the quotes are the source's words
        text = " ".join(seed.read_text(encoding="utf-8", errors="replace").split())
        for f in inv["figures"]:
            for piece in f["quote"].split("..."):
                assert " ".join(piece.split()) in text, f"{f['id']}: {piece!r} is not in the source"


@pytest.mark.parametrize("path", INVENTORIES, ids=[p.stem for p in INVENTORIES])
def test_the_chapter_record_agrees_with_the_inventory_on_what_is_comparable(path):
    """The table at a chapter's end shows the record's status: a figure the
    inventory marks as not comparable must be "not comparable" there too, never
    "reproduced" or "differs" by a tolerance (``Results.record(..., comparable=False)``)."""
    rows = {r["key"]: r for r in record(path.stem)["results"]}
    wrong = {f["row"]: rows[f["row"]]["status"] for f in yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
             if f["comparable"] == "no" and f["row"] in rows and rows[f["row"]]["status"] != "not comparable"}
    assert not wrong, f"results/{path.stem}.json compares figures its inventory says cannot be compared: {wrong}"


def test_a_figure_that_cannot_be_compared_is_never_reproduced():
    row = {"key": "k", "status": "reproduced", "note": ""}
    assert reproduction.status_of(row, {"comparable": "no", "why": "other data"}) == ("not comparable", "other data")
    assert reproduction.status_of(row, {"comparable": "yes"}) == ("reproduced", "")
    assert reproduction.status_of(row, None) == ("reproduced", "")


def test_coverage_counts():
    inv = {"figures": [{"row": "a", "comparable": "yes"}, {"row": None, "comparable": "no"},
                       {"row": "b", "comparable": "no"}]}
    assert reproduction.coverage(inv) == {"stated": 3, "rows": 2, "not_comparable": 2}


def test_page_prints_each_sources_coverage_and_honest_statuses():
    require_built_site()
    text = html.unescape(re.sub(r"<[^>]+>", " ", (SITE / "book" / "appendix_reproduction.html")
                                .read_text(encoding="utf-8")))
    text = " ".join(text.split())
    for path in INVENTORIES:
        c = reproduction.coverage(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert f"states {c['stated']} figures; {c['rows']} have a row below" in text, path.stem
    # rows whose figure the inventory marks as not comparable
    for path in INVENTORIES:
        inv = yaml.safe_load(path.read_text(encoding="utf-8"))
        for f in inv["figures"]:
            if f["row"] and f["comparable"] == "no":
                claim = next(r["claim"] for r in record(path.stem)["results"] if r["key"] == f["row"])
                m = re.search(re.escape(claim) + r" (.{0,80})", text)
                assert m and "not comparable" in m.group(1) and "reproduced" not in m.group(1).split(":")[0], \
                    (path.stem, claim, m and m.group(1))


def notebook_headings(chapter):
    """The Markdown headings of a chapter's notebook: each `#` line, without its #'s and surrounding spaces."""
    (path,) = (ROOT / "notebooks").glob(f"{chapter}_*.ipynb")
    headings = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if re.match(r"#{1,6}\s", line):
                    headings.add(line.lstrip("#").strip())
    return headings


@pytest.mark.parametrize("path", INVENTORIES, ids=[p.stem for p in INVENTORIES])
def test_why_texts_cite_sections_not_cells(path):
    """A reader of the appendix sees no cell numbers, and they drift whenever a cell is added: a `why` names
    the section instead, as in “<heading>”, and that heading must exist in the chapter's notebook. Curly
    quotes in a `why` are kept for such citations (other quotations use straight quotes)."""
    inv = yaml.safe_load(path.read_text(encoding="utf-8"))
    headings = notebook_headings(path.stem)
    for f in inv["figures"]:
        why = f["why"]
        assert not re.search(r"\bcells? \d", why, re.IGNORECASE), f"{f['id']}: cites a cell: {why!r}"
        cited = re.findall(r"\bin “([^”]*)”", why)
        assert len(cited) == why.count("“") == why.count("”"), \
            f"{f['id']}: a curly-quoted text that is not written as in “<section>”: {why!r}"
        for section in cited:
            assert section in headings, f"{f['id']}: no heading {section!r} in {path.stem}'s notebook"
