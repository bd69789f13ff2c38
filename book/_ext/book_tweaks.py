"""Sphinx additions for the published book.

* Thebe (live code in the page) is not offered: readers launch Binder or
  Colab instead.  Jupyter Book 1 still adds Thebe's start-up scripts to every
  page, twice, which raises a console error ("THEBE_JS_URL has already been
  declared") and names a CDN.  They are dropped.
* The explorers' viewer is the current one: a stored explorer output holds a
  copy of ``cnnlib/explorers/assets`` (CSS and JavaScript) from the day its
  notebook ran.  Each page gets the current copy, so a fix to the viewer
  (keyboard use, announcements, colours) reaches the book without re-running
  the notebooks; the states (the numbers) stay those the notebook computed.
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


# --- explorers: the current viewer -------------------------------------------------------------

_STATIC_EXPLORER = re.compile(
    r'(<div class="cnnx cnnx-static" id="[^"]*" data-cnnx-kind="(\w+)"><style>)(.*?)(</style>)'
    r'(.*?<script>)(.*?)(\nwindow\.cnnx\.mount\()', re.S)


def _current_viewer(kind):
    """(css, js) that :mod:`cnnlib.explorers` would inline in a new output of this kind."""
    from cnnlib.explorers.render import asset, css

    if kind == "activations":
        from cnnlib.activations_explorer import ACTIVATIONS_CSS, ACTIVATIONS_JS

        return css() + ACTIVATIONS_CSS, asset("core.js") + "\n" + ACTIVATIONS_JS
    return css(), asset("core.js") + "\n" + asset(f"{kind}.js")


def refresh_explorers(body: str) -> str:
    """``body`` with every static explorer's inlined CSS and viewer replaced by the current ones."""
    def swap(m):
        style, js = _current_viewer(m.group(2))
        return m.group(1) + style + m.group(4) + m.group(5) + js + m.group(7)

    return _STATIC_EXPLORER.sub(swap, body)


def _explorer_dependencies(app, doctree):
    """A page with a stored explorer is rebuilt when the viewer's files change."""
    if not any("cnnx-static" in node.astext() for node in doctree.findall(nodes.raw)):
        return
    import cnnlib

    root = Path(cnnlib.__file__).parent
    for path in sorted((root / "explorers" / "assets").iterdir()) + [root / "activations_explorer.py"]:
        app.env.note_dependency(str(path))


def _refresh_explorers(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and "cnnx-static" in body:
        context["body"] = refresh_explorers(body)


def _drop_source_maps(app, exception):
    """Delete the theme's ``*.map`` files from the built site (unused by readers)."""
    if exception is None and app.builder.format == "html":
        for path in Path(app.outdir, "_static").rglob("*.map"):
            path.unlink()


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _refresh_explorers)
    app.connect("doctree-read", _explorer_dependencies)
    app.connect("build-finished", _drop_source_maps)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
