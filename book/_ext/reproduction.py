"""The reproduction appendix: every figure a source states, and what the book's run gives.

Two inputs, neither typed into the page:

* ``notebooks/results/chNN.json``: the rows, written by the chapter's full run
  (:class:`cnnlib.book.chapter.Results`): the book's value, the source's, the
  tolerance and the status;
* ``book/sources/chNN.yml``: the inventory of the source, one entry per figure
  it states (in its text, logs, tables or timings), with the results key that
  recomputes it (``row``), or why there is none, and whether the figure can be
  compared at all (``comparable: 'no'`` where the data or the hardware differ).

``reproduction-table`` prints, per source, how many figures it states and how
many have a row; the table of rows, where a row whose figure is not comparable
says so instead of "reproduced"; and the figures that have no row yet, with the
reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from errata import chapter_of, link

RESULTS_DIR = "notebooks/results"
SOURCES_DIR = "book/sources"


class reproduction_placeholder(nodes.General, nodes.Element):
    pass


class ReproductionTable(SphinxDirective):
    """Insert the coverage, the table of rows and the figures without a row."""

    def run(self):
        for folder, pattern in ((RESULTS_DIR, "ch*.json"), (SOURCES_DIR, "ch*.yml")):
            for path in sorted((Path(self.env.srcdir) / folder).glob(pattern)):
                if not path.name.endswith(".quick.json"):
                    self.env.note_dependency(str(path))
        return [reproduction_placeholder()]


def load(srcdir) -> tuple[dict, dict]:
    """(records, inventories), each keyed by chapter ('ch01')."""
    records = {}
    for path in sorted((Path(srcdir) / RESULTS_DIR).glob("ch*.json")):
        if not path.name.endswith(".quick.json"):
            rec = json.loads(path.read_text(encoding="utf-8"))
            records[rec["chapter"]] = rec
    inventories = {}
    for path in sorted((Path(srcdir) / SOURCES_DIR).glob("ch*.yml")):
        inv = yaml.safe_load(path.read_text(encoding="utf-8"))
        inventories[inv["chapter"]] = inv
    return records, inventories


def coverage(inventory: dict) -> dict:
    """Counts of one source's inventory: stated, with a row, not comparable."""
    figures = inventory.get("figures") or []
    return {"stated": len(figures),
            "rows": sum(1 for f in figures if f.get("row")),
            "not_comparable": sum(1 for f in figures if str(f.get("comparable")).lower() in {"no", "false"})}


def status_of(row: dict, figure: dict | None) -> tuple[str, str]:
    """The status a row shows, and its note.  A figure the inventory marks as
    not comparable is never "reproduced", whatever the tolerance says."""
    if figure is not None and str(figure.get("comparable")).lower() in {"no", "false"}:
        return "not comparable", figure.get("why", "")
    return row["status"], row.get("note", "")


def _chapter_docs(env) -> dict:
    """'ch01' -> the docname of that chapter's notebook."""
    return {chapter_of(d): d for d in env.found_docs if chapter_of(d)}


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.4g}"
    try:
        return f"{int(v):,}" if float(v).is_integer() else str(v)
    except (TypeError, ValueError):
        return str(v)


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


def _build(app, fromdoc):
    env = app.env
    records, inventories = load(env.srcdir)
    if not records:
        return [nodes.paragraph(text="No chapter has recorded full-mode results yet.")]
    chapters = _chapter_docs(env)
    sources = app.config.book_sources or {}
    out = []

    # 1. coverage, per source
    items = nodes.bullet_list()
    for chapter in sorted(set(records) | set(inventories)):
        inv = inventories.get(chapter)
        para = nodes.paragraph()
        para += nodes.strong(text=sources.get(chapter, chapter))
        if inv is None:
            para += nodes.Text(": no inventory of its figures yet.")
        else:
            c = coverage(inv)
            para += nodes.Text(f": states {c['stated']} figures; {c['rows']} have a row below; "
                               f"{c['stated'] - c['rows']} have none yet (listed at the end); "
                               f"{c['not_comparable']} cannot be compared (other data or hardware).")
        item = nodes.list_item()
        item += para
        items += item
    out.append(items)

    # 2. the rows
    rows, counts = [], {}
    for chapter, rec in sorted(records.items()):
        doc = chapters.get(chapter)
        by_row = {f["row"]: f for f in (inventories.get(chapter, {}).get("figures") or []) if f.get("row")}
        for r in rec["results"]:
            if r.get("source") is None:
                continue
            status, note = status_of(r, by_row.get(r["key"]))
            counts[status] = counts.get(status, 0) + 1
            where = nodes.paragraph()
            where += link(app, fromdoc, doc, chapter) if doc else nodes.Text(chapter)
            tol = "" if r.get("tolerance") is None or status == "not comparable" else "±" + _fmt(r["tolerance"])
            cell = nodes.paragraph()
            cell += nodes.Text(status) if status == "reproduced" else nodes.strong(text=status)
            if note:
                cell += nodes.Text(f": {note}")
            rows.append([where, r["claim"], _fmt(r["source"]), _fmt(r["value"]), tol, cell])
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    out.append(nodes.paragraph(text=f"{len(rows)} rows: {summary}."))
    out.append(_table(["chapter", "the source's claim", "source", "this book", "tolerance", "status"],
                      rows, [6, 30, 8, 8, 8, 20]))

    # 3. where each chapter's figures were computed
    where = nodes.bullet_list()
    for chapter, rec in sorted(records.items()):
        m = rec.get("machine", {})
        doc = chapters.get(chapter)
        para = nodes.paragraph()
        title = env.titles.get(doc) if doc else None
        para += link(app, fromdoc, doc, title.astext() if title is not None else chapter) if doc else nodes.Text(chapter)
        versions = ", ".join(f"{k} {m[k]}" for k in ("tensorflow", "numpy", "python") if k in m)
        para += nodes.Text(f": {rec['mode']} mode, run {rec['created'][:10]} on {m.get('summary', '?')}"
                           + (f" ({versions})" if versions else "") + ".")
        item = nodes.list_item()
        item += para
        where += item
    out.append(nodes.paragraph(text="Where each chapter's figures were computed:"))
    out.append(where)

    # 4. figures without a row
    missing = []
    for chapter, inv in sorted(inventories.items()):
        for f in inv.get("figures") or []:
            if not f.get("row"):
                quote = f.get("quote", "")
                # a quote of the source's LaTeX is shown as the source wrote it, as code
                shown = nodes.paragraph("", "", nodes.literal(text=quote)) if "\\" in quote else quote
                missing.append([chapter, shown, f.get("where", ""),
                                "no" if str(f.get("comparable")).lower() in {"no", "false"} else "yes",
                                f.get("why", "")])
    if missing:
        out.append(nodes.rubric(text="Figures the sources state that have no row yet"))
        out.append(nodes.paragraph(text=f"{len(missing)} figures, from the inventories in book/sources/: "
                                        "what the source says, where, whether it can be compared, and why "
                                        "there is no row."))
        out.append(_table(["chapter", "the source says", "where", "comparable", "why no row"],
                          missing, [6, 30, 8, 8, 30]))
    return out


def _fill(app, doctree, fromdoc):
    for node in list(doctree.findall(reproduction_placeholder)):
        node.replace_self(_build(app, fromdoc))


def _always_fresh(app, env, added, changed, removed):
    """The appendix depends on every chapter's record: rebuild it."""
    return [d for d in env.found_docs if d.startswith("book/appendix_reproduction")]


def setup(app):
    app.add_node(reproduction_placeholder)
    app.add_directive("reproduction-table", ReproductionTable)
    app.connect("env-get-outdated", _always_fresh)
    app.connect("doctree-resolved", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
