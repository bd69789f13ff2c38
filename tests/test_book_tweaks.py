"""The book's Sphinx additions (book/_ext/book_tweaks.py) that need no build."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import book_tweaks  # noqa: E402

from cnnlib.explorers import static_pooling  # noqa: E402


class _App:
    """What _explorer_files and _copy_explorer_assets use of a Sphinx application."""

    def __init__(self, outdir):
        self.css, self.js, self.outdir = [], [], str(outdir)
        self.builder = type("B", (), {"format": "html"})()

    def add_css_file(self, name, **kw):
        self.css.append(name)

    def add_js_file(self, name, **kw):
        self.js.append((name, kw))


def test_a_page_with_explorers_loads_the_renderers_once(tmp_path):
    app = _App(tmp_path)
    body = f"<main>{static_pooling().html}{static_pooling().html}</main>"
    book_tweaks._explorer_files(app, "notebooks/explorers", "page.html", {"body": body}, None)
    assert app.css == ["cnnx/cnnx.css"] and app.js == [("cnnx/mount.js", {"type": "module"})]
    book_tweaks._copy_explorer_assets(app, None)
    names = sorted(p.name for p in (tmp_path / "_static" / "cnnx").iterdir())
    assert names == ["activations.js", "cnnx.css", "core.js", "filter.js", "mount.js", "output_size.js", "pooling.js"]


def test_pages_without_explorers_are_left_alone(tmp_path):
    app = _App(tmp_path)
    book_tweaks._explorer_files(app, "index", "page.html", {"body": '<main><div class="cnnx-other"></div></main>'},
                                None)
    assert app.css == [] and app.js == []
