"""The API reference reads as documentation, not as Python's internals.

A ``NamedTuple`` gives each field the docstring "Alias for field number N",
which autodoc would print under every cache and layer spec (a reader learns
nothing from it).  Such members are skipped: each class's own docstring
describes its fields.
"""

from __future__ import annotations


def _skip_field_aliases(app, what, name, obj, skip, options):
    doc = getattr(obj, "__doc__", None) or ""
    if what == "class" and doc.startswith("Alias for field number"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_field_aliases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
