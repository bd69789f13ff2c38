"""``chapter-runs``: the table on the intro page of how long each chapter's
full run took, and where, read from the chapters' results records
(``notebooks/results/chNN.json``, written by :class:`cnnlib.book.chapter.Results`).

The times are never typed: they change whenever a chapter is re-run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

RESULTS_DIR = "notebooks/results"


def chapter_seconds(timings: dict) -> float:
    """The whole chapter's run time in a record's ``timings_s`` (its key names the chapter).

    >>> chapter_seconds({"training_s": 400.0, "chapter_s": 450.5})
    450.5
    """
    keys = [k for k in timings if k.startswith("chapter")]
    if len(keys) != 1:
        raise ValueError(f"a results record must time the whole chapter once (a key 'chapter...'); "
                         f"got {sorted(timings)}")
    return float(timings[keys[0]])


def minutes(seconds: float) -> str:
    """``"7.6 min"``; ``"45 s"`` under a minute.

    >>> minutes(453.7), minutes(44.6)
    ('7.6 min', '45 s')
    """
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


class ChapterRuns(SphinxDirective):
    """A table: chapter (linked), full-run time, the machine it ran on, the date."""

    def run(self):
        folder = Path(self.env.srcdir) / RESULTS_DIR
        docs = {m.group(1): d for d in self.env.found_docs if (m := re.match(r"notebooks/(ch\d\d)_", d))}
        rows = []
        for path in sorted(folder.glob("ch[0-9][0-9].json")):
            self.env.note_dependency(str(path))
            record = json.loads(path.read_text())
            chapter = record["chapter"]
            if chapter not in docs:
                raise self.error(f"{path.name}: no chapter notebook notebooks/{chapter}_*.ipynb")
            link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + docs[chapter],
                                         refexplicit=False, refdoc=self.env.docname, refwarn=True)
            link += nodes.inline(text=docs[chapter])
            machine = record.get("machine", {})
            rows.append([link, minutes(chapter_seconds(record["timings_s"])),
                         machine.get("summary", "") if isinstance(machine, dict) else str(machine),
                         str(record.get("created", ""))[:10]])
        if not rows:
            return [nodes.paragraph(text="No chapter has a full-run record yet.")]
        return [_table(["chapter", "full run", "machine", "date"], rows)]


def _table(headers, rows):
    table = nodes.table(classes=["chapter-runs"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in (50, 12, 28, 10):
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    row = nodes.row()
    for h in headers:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            para = nodes.paragraph()
            para += cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
            entry += para
            row += entry
        body += row
    return table


def setup(app):
    app.add_directive("chapter-runs", ChapterRuns)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
