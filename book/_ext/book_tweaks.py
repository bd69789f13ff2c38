"""Sphinx additions for the published book.

* Thebe (live code in the page) is not offered: readers launch Binder or
  Colab instead.  Jupyter Book 1 still adds Thebe's start-up scripts to every
  page, twice, which raises a console error ("THEBE_JS_URL has already been
  declared") and names a CDN.  They are dropped.
* The explorers' renderers (``cnnlib/explorers/assets``) are copied once to
  ``_static/cnnx/``; a page holding a stored explorer output (its states
  only) loads them from there, so a fix to a renderer reaches the book without
  re-running the notebooks.
* The theme's source maps (``*.map``, 3.4 MB, read only by a browser's
  developer tools) are not shipped with the site.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes


# --- Thebe -------------------------------------------------------------------------------------

def _is_thebe(js) -> bool:
    body = getattr(js, "attributes", {}).get("body", "") or ""
    return str(js).endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    files = context.get("script_files")
    if files:
        files[:] = [js for js in files if not _is_thebe(js)]


# --- explorers: one copy of the renderers per site ---------------------------------------------

def _has_explorer(body: str) -> bool:
    return 'class="cnnx cnnx-static"' in body


def _explorer_files(app, pagename, templatename, context, doctree):
    """A page with a static explorer loads the explorers' CSS and ``mount.js`` (which imports
    ``core.js`` and each renderer it needs) from ``_static/cnnx/``: once per page, however many
    explorers it holds; the stored outputs carry only their states."""
    if _has_explorer(context.get("body") or ""):
        app.add_css_file("cnnx/cnnx.css")
        app.add_js_file("cnnx/mount.js", type="module")


def _copy_explorer_assets(app, exception):
    """Copy ``cnnlib/explorers/assets`` to ``_static/cnnx/`` (served from the site: no CDN)."""
    if exception is None and app.builder.format == "html":
        from cnnlib.explorers import write_assets

        write_assets(Path(app.outdir, "_static", "cnnx"))


def _drop_source_maps(app, exception):
    """Delete the theme's ``*.map`` files from the built site (unused by readers)."""
    if exception is None and app.builder.format == "html":
        for path in Path(app.outdir, "_static").rglob("*.map"):
            path.unlink()


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _explorer_files)
    app.connect("build-finished", _copy_explorer_assets)
    app.connect("build-finished", _drop_source_maps)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
