"""Small Sphinx adjustments for the published book.

* Thebe (live code in the page) is not offered: readers launch Binder or
  Colab instead.  Jupyter Book 1 still adds Thebe's start-up scripts to every
  page, twice, which raises a console error ("THEBE_JS_URL has already been
  declared") and names a CDN.  They are dropped here.
"""

from __future__ import annotations


def _is_thebe(js) -> bool:
    body = getattr(js, "attributes", {}).get("body", "") or ""
    return str(js).endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    files = context.get("script_files")
    if files:
        files[:] = [js for js in files if not _is_thebe(js)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
