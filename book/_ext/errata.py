"""Errata: every error the book finds in a source, marked once, listed by source.

A chapter marks an error of its source with the ``erratum`` directive::

    ```{erratum} the flattened size
    The source says 3164; the volume it flattens has 7 × 7 × 64 = 3,136 numbers ...
    ```

It renders as a warning box titled "Correction to the source: <title>" (so the
reader sees the same box in every chapter) and is the only way to make one: an
admonition titled "Correction ..." written by hand fails the build, so a new
correction cannot be left off the errata page.

``errata-list`` builds that page: one section per source (``book_sources`` in
``_config.yml`` names the source each chapter follows), each correction with its
first sentences and a link to where the chapter shows the right figure.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

TITLE = "Correction to the source"


class errata_placeholder(nodes.General, nodes.Element):
    pass


class Erratum(SphinxDirective):
    """A correction to the chapter's source: a warning box with a standard title."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self):
        if not self.content:
            raise self.error("an erratum needs a body: what the source says and the right figure.")
        title_text = TITLE + (f": {self.arguments[0]}" if self.arguments else "")
        box = nodes.admonition(classes=["erratum", "warning"])
        self.set_source_info(box)
        inodes, messages = self.state.inline_text(title_text, self.lineno)
        title = nodes.title(title_text, "", *inodes)
        self.set_source_info(title)
        box += title
        box += messages
        self.state.nested_parse(self.content, self.content_offset, box)
        if "name" in self.options:
            self.add_name(box)
        return [box]


class ErrataList(SphinxDirective):
    """Insert the list of every correction to a source, grouped by source, with links."""

    def run(self):
        # The corrections quote formulas: an (empty) math node inside the
        # placeholder tells Sphinx this page has equations, so it loads MathJax.
        placeholder = errata_placeholder()
        placeholder += nodes.math("", "")
        return [placeholder]


def _title(node) -> str:
    titles = [c for c in node.children if isinstance(c, nodes.title)]
    return titles[0].astext() if titles else ""


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


def collect(doctree) -> tuple[list, list]:
    """(errata, strays) of a document: the erratum boxes, and the admonitions
    titled "Correction ..." that were written by hand instead."""
    found, strays = [], []
    for node in doctree.findall(nodes.admonition):
        if "erratum" in node["classes"]:
            found.append(node)
        elif _title(node).lower().startswith("correction"):
            strays.append(node)
    return found, strays


def _collect_errata(app, doctree):
    env = app.env
    store = env.__dict__.setdefault("book_errata", {})
    found, strays = collect(doctree)
    for node in strays:
        logger.warning(f"the admonition '{_title(node)}' is a correction to the source: write it with the "
                       "{erratum} directive, so that it appears on the errata page", location=node)
    entries = []
    for i, node in enumerate(found, start=1):
        if not node["ids"]:
            node["ids"].append(f"erratum-{i}")
        body = next((c for c in node.children if isinstance(c, nodes.paragraph)), None)
        heading = _title(node).removeprefix(TITLE).lstrip(": ")
        entries.append((node["ids"][0], heading, _excerpt(body) if body is not None else nodes.paragraph()))
    if entries:
        store[env.docname] = entries
    else:
        store.pop(env.docname, None)


def _purge_errata(app, env, docname):
    env.__dict__.setdefault("book_errata", {}).pop(docname, None)


def _merge_errata(app, env, docnames, other):
    env.__dict__.setdefault("book_errata", {}).update(getattr(other, "book_errata", {}))


def chapter_of(docname: str) -> str | None:
    m = re.match(r"notebooks/(ch\d\d)_", docname)
    return m.group(1) if m else None


def link(app, fromdoc, todoc, text, anchor=""):
    uri = app.builder.get_relative_uri(fromdoc, todoc) + (f"#{anchor}" if anchor else "")
    ref = nodes.reference("", "", internal=True, refuri=uri)
    ref += nodes.Text(text)
    return ref


def _build_errata(app, fromdoc):
    env = app.env
    store = env.__dict__.get("book_errata", {})
    if not store:
        return [nodes.paragraph(text="No chapter corrects its source yet.")]
    sources = app.config.book_sources or {}
    total = sum(len(v) for v in store.values())
    out = [nodes.paragraph(text=f"{total} corrections to {len(store)} sources.")]
    for docname in sorted(store):
        chapter = chapter_of(docname)
        title = env.titles.get(docname)
        section = nodes.paragraph(classes=["errata-source"])
        section += nodes.strong(text=sources.get(chapter, "The source") if chapter else "The source")
        section += nodes.Text(f" ({len(store[docname])}), followed by ")
        section += link(app, fromdoc, docname, title.astext() if title is not None else docname)
        out.append(section)
        items = nodes.bullet_list()
        for anchor, heading, excerpt in store[docname]:
            item = nodes.list_item()
            para = nodes.paragraph()
            if heading:
                para += nodes.strong(text=heading[0].upper() + heading[1:] + ". ")
            para += excerpt.deepcopy().children
            para += nodes.Text(" ")
            para += link(app, fromdoc, docname, "(see where)", anchor)
            item += para
            items += item
        out.append(items)
    return out


def _fill(app, doctree, fromdoc):
    for node in list(doctree.findall(errata_placeholder)):
        node.replace_self(_build_errata(app, fromdoc))


def _errata_page_is_always_fresh(app, env, added, changed, removed):
    """The errata page depends on every chapter: rebuild it."""
    return [d for d in env.found_docs if d.startswith("book/appendix_errata")]


def setup(app):
    app.add_config_value("book_sources", {}, "env")
    app.add_node(errata_placeholder)
    app.add_directive("erratum", Erratum)
    app.add_directive("errata-list", ErrataList)
    app.connect("doctree-read", _collect_errata)
    app.connect("env-purge-doc", _purge_errata)
    app.connect("env-merge-info", _merge_errata)
    app.connect("env-get-outdated", _errata_page_is_always_fresh)
    app.connect("doctree-resolved", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
