"""Sphinx additions for the published book.

* ``reproduction-table``: a directive that builds the reproduction appendix's
  table from the chapters' results records (``notebooks/results/chNN.json``,
  written by :class:`cnnlib.chapter.Results` in full mode), so the table is
  never typed by hand and changes whenever a chapter is re-run.
* ``errata-list``: a directive that lists every correction the chapters make
  to their sources.  A correction is an admonition whose title starts with
  "Correction"; each gets an anchor, and the list links to it.
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

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

RESULTS_DIR = "notebooks/results"


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


# --- placeholders filled once every document is known -----------------------------------------

class reproduction_placeholder(nodes.General, nodes.Element):
    pass


class errata_placeholder(nodes.General, nodes.Element):
    pass


class ReproductionTable(SphinxDirective):
    """Insert the table of every stated figure and how the book's run compares."""

    def run(self):
        folder = Path(self.env.srcdir) / RESULTS_DIR
        for path in sorted(folder.glob("ch*.json")):
            if not path.name.endswith(".quick.json"):
                self.env.note_dependency(str(path))
        return [reproduction_placeholder()]


class ErrataList(SphinxDirective):
    """Insert the list of every correction to a source, with links."""

    def run(self):
        # The corrections quote formulas: an (empty) math node inside the
        # placeholder tells Sphinx this page has equations, so it loads MathJax.
        # The placeholder and the node are replaced when the list is built.
        placeholder = errata_placeholder()
        placeholder += nodes.math("", "")
        return [placeholder]


def _chapter_docs(env) -> dict:
    """'ch01' -> the docname of the chapter notebook whose file starts with it."""
    out = {}
    for docname in env.found_docs:
        m = re.match(r"notebooks/(ch\d\d)_", docname)
        if m:
            out[m.group(1)] = docname
    return out


def _title_of(env, docname) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.4g}"
    return f"{int(v):,}" if float(v).is_integer() else str(v)


def _link(app, fromdoc, todoc, text, anchor=""):
    uri = app.builder.get_relative_uri(fromdoc, todoc) + (f"#{anchor}" if anchor else "")
    ref = nodes.reference("", "", internal=True, refuri=uri)
    ref += nodes.Text(text)
    return ref


def _table(headers, rows, widths):
    table = nodes.table(classes=["reproduction-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in headers:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
            row += entry
        body += row
    return table


def _build_reproduction(app, fromdoc):
    env = app.env
    folder = Path(env.srcdir) / RESULTS_DIR
    chapters = _chapter_docs(env)
    out = []
    records = [json.loads(p.read_text()) for p in sorted(folder.glob("ch*.json"))
               if not p.name.endswith(".quick.json")]
    if not records:
        out.append(nodes.paragraph(text="No chapter has recorded full-mode results yet."))
        return out
    rows, counts = [], {}
    for rec in records:
        chapter = rec["chapter"]
        doc = chapters.get(chapter)
        for r in rec["results"]:
            if r.get("source") is None:
                continue
            counts[r["status"]] = counts.get(r["status"], 0) + 1
            para = nodes.paragraph()
            para += _link(app, fromdoc, doc, chapter) if doc else nodes.Text(chapter)
            tol = "" if r.get("tolerance") is None else "±" + _fmt(r["tolerance"])
            status = nodes.paragraph()
            status += nodes.strong(text=r["status"]) if r["status"] != "reproduced" else nodes.Text(r["status"])
            if r.get("note"):
                status += nodes.Text(f": {r['note']}")
            rows.append([para, r["claim"], _fmt(r["source"]), _fmt(r["value"]), tol, status])
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    out.append(nodes.paragraph(text=f"{len(rows)} figures stated by the sources: {summary}."))
    out.append(_table(["chapter", "the source's claim", "source", "this book", "tolerance", "status"],
                      rows, [6, 30, 8, 8, 8, 20]))
    where = nodes.bullet_list()
    for rec in records:
        m = rec.get("machine", {})
        item = nodes.list_item()
        doc = chapters.get(rec["chapter"])
        para = nodes.paragraph()
        para += _link(app, fromdoc, doc, _title_of(env, doc)) if doc else nodes.Text(rec["chapter"])
        versions = ", ".join(f"{k} {m[k]}" for k in ("tensorflow", "numpy", "python") if k in m)
        para += nodes.Text(f": {rec['mode']} mode, run {rec['created'][:10]} on {m.get('summary', '?')}"
                           + (f" ({versions})" if versions else "") + ".")
        item += para
        where += item
    out.append(nodes.paragraph(text="Where each chapter's figures were computed:"))
    out.append(where)
    return out


# --- errata ------------------------------------------------------------------------------------

def _excerpt(node, limit: int = 240) -> nodes.paragraph:
    """A paragraph with the inline content of ``node`` up to about ``limit``
    characters.  Formulas, code and emphasis are copied as nodes (so MathJax
    renders the formulas); only plain text is cut, at a word boundary."""
    out = nodes.paragraph()
    used = 0
    for child in node.children:
        text = child.astext()
        if used + len(text) <= limit:
            out += child.deepcopy()
            used += len(text)
            continue
        if isinstance(child, nodes.Text):
            piece = str(text)[: limit - used]
            cut = piece.rsplit(" ", 1)[0] if " " in piece else ""
            if cut.strip():
                out += nodes.Text(cut)
        out += nodes.Text(" …")
        break
    # Cross-references in the excerpt would point from the wrong page: keep their text.
    for ref in list(out.findall(addnodes.pending_xref)):
        ref.replace_self(nodes.inline(text=ref.astext()))
    return out


def _collect_errata(app, doctree):
    env = app.env
    store = env.__dict__.setdefault("book_errata", {})
    found = []
    for node in doctree.findall(nodes.admonition):
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        if not titles or not titles[0].astext().lower().startswith("correction"):
            continue
        if not node["ids"]:
            node["ids"].append(f"correction-{len(found) + 1}")
        body = next((c for c in node.children if isinstance(c, nodes.paragraph)), None)
        found.append((node["ids"][0], _excerpt(body if body is not None else titles[0])))
    if found:
        store[env.docname] = found
    else:
        store.pop(env.docname, None)


def _purge_errata(app, env, docname):
    env.__dict__.setdefault("book_errata", {}).pop(docname, None)


def _merge_errata(app, env, docnames, other):
    env.__dict__.setdefault("book_errata", {}).update(getattr(other, "book_errata", {}))


def _build_errata(app, fromdoc):
    env = app.env
    store = env.__dict__.get("book_errata", {})
    if not store:
        return [nodes.paragraph(text="No chapter corrects its source yet.")]
    out = []
    for docname in sorted(store):
        out.append(nodes.rubric(text=_title_of(env, docname)))
        items = nodes.bullet_list()
        for anchor, excerpt in store[docname]:
            item = nodes.list_item()
            para = excerpt.deepcopy()
            para += nodes.Text(" ")
            para += _link(app, fromdoc, docname, "(see where)", anchor)
            item += para
            items += item
        out.append(items)
    return out


def _fill_placeholders(app, doctree, fromdoc):
    for node in list(doctree.findall(reproduction_placeholder)):
        node.replace_self(_build_reproduction(app, fromdoc))
    for node in list(doctree.findall(errata_placeholder)):
        node.replace_self(_build_errata(app, fromdoc))


def _errata_page_is_always_fresh(app, env, added, changed, removed):
    """The errata and reproduction pages depend on every chapter: rebuild them."""
    return [d for d in env.found_docs if d.startswith("book/appendix")]


def _drop_source_maps(app, exception):
    """Delete the theme's ``*.map`` files from the built site (unused by readers)."""
    if exception is None and app.builder.format == "html":
        for path in Path(app.outdir, "_static").rglob("*.map"):
            path.unlink()


def setup(app):
    app.add_node(reproduction_placeholder)
    app.add_node(errata_placeholder)
    app.add_directive("reproduction-table", ReproductionTable)
    app.add_directive("errata-list", ErrataList)
    app.connect("doctree-read", _collect_errata)
    app.connect("env-purge-doc", _purge_errata)
    app.connect("env-merge-info", _merge_errata)
    app.connect("env-get-outdated", _errata_page_is_always_fresh)
    app.connect("doctree-resolved", _fill_placeholders)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _explorer_files)
    app.connect("build-finished", _copy_explorer_assets)
    app.connect("build-finished", _drop_source_maps)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
