"""scripts/audit_changes.py: the audit report lists each changed run of sentences, by cell."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import audit_changes as ac  # noqa: E402


def nb(*cells):
    return {"cells": list(cells)}


def md(cid, text):
    return {"cell_type": "markdown", "id": cid, "metadata": {}, "source": text}


def fig(cid, caption):
    return {"cell_type": "code", "id": cid, "metadata": {"mystnb": {"figure": {"caption": caption}}}, "source": "plt.show()"}


def test_a_changed_sentence_is_one_row_with_its_section_and_cell():
    old = nb(md("a", "# Pooling\nMax pooling keeps 75 % of the data. It has no weights."))
    new = nb(md("a", "# Pooling\nMax pooling keeps {glue:text}`kept:.0%` of the data. It has no weights."))
    assert list(ac.changes(old, new)) == [
        ("Pooling", "a", "Max pooling keeps 75 % of the data.", "Max pooling keeps {glue:text}`kept:.0%` of the data.")]


def test_new_and_removed_cells_and_captions_are_listed():
    old = nb(md("a", "# Intro\nSame text."), md("gone", "Old words."))
    new = nb(md("a", "# Intro\nSame text."), fig("f", "A new caption."))
    rows = list(ac.changes(old, new))
    assert ("Intro", "f (caption)", "", "A new caption.") in rows
    assert ("Intro", "gone", "Old words.", "") in rows
    assert len(rows) == 2


def test_erratum_boxes_are_found_by_their_directive():
    text = "# Data\n:::{erratum} height before width\nThe source says ...\n:::\n"
    assert ac.boxes(nb(md("e", text)), ac.ERRATUM) == [("Data", "height before width")]
