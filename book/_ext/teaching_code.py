"""The page shows teaching code only: no grader markers, no hidden tests.

The chapter notebooks carry nbgrader's markup for the instructors' tools
(``classroom/``): ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines around
the part a student writes, and a ``### BEGIN HIDDEN TESTS`` ...
``### END HIDDEN TESTS`` region at the end of some check cells.  Readers of
the published book need neither, and the hidden tests are for grading only.

Before myst-nb parses a notebook (Sphinx's ``source-read`` event), this
extension removes the marker lines and the hidden-test regions from the code
cells.  The notebook files themselves, the downloadable copies and everything
the instructors' tools read are left as they are.
"""

from __future__ import annotations

import json
import re

MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*$")
HIDDEN_BEGIN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*$")
HIDDEN_END = re.compile(r"^[ \t]*### END HIDDEN TESTS[ \t]*$")


def teaching_code(source: str) -> str:
    """``source`` without grader marker lines and hidden-test regions.

    >>> print(teaching_code("x = 1\\n### BEGIN SOLUTION\\ny = 2\\n### END SOLUTION\\nprint(y)"))
    x = 1
    y = 2
    print(y)
    >>> print(teaching_code("assert a\\n### BEGIN HIDDEN TESTS\\nassert b\\n### END HIDDEN TESTS\\nprint('ok')"))
    assert a
    print('ok')
    """
    kept, hidden = [], False
    for line in source.splitlines(keepends=True):
        if HIDDEN_BEGIN.match(line.rstrip("\n")):
            hidden = True
        elif HIDDEN_END.match(line.rstrip("\n")):
            hidden = False
        elif not hidden and not MARKER.match(line.rstrip("\n")):
            kept.append(line)
    if hidden:
        raise ValueError("a '### BEGIN HIDDEN TESTS' region is never closed by '### END HIDDEN TESTS'")
    return "".join(kept)


def strip_notebook(text: str) -> str:
    """A notebook's JSON text with every code cell passed through :func:`teaching_code`."""
    nb = json.loads(text)
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        clean = teaching_code(source)
        if clean != source:
            cell["source"] = clean
            changed = True
    return json.dumps(nb, ensure_ascii=False) if changed else text


def _on_source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = strip_notebook(source[0])


def setup(app):
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
