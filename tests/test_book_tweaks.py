"""The book's Sphinx additions (book/_ext/book_tweaks.py) that need no build."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

import book_tweaks  # noqa: E402

from cnnlib.explorers import static_pooling  # noqa: E402
from cnnlib.explorers.render import asset, css  # noqa: E402


def test_a_stored_explorer_gets_the_current_viewer_and_keeps_its_states():
    current = static_pooling().html
    stale = current.replace(asset("pooling.js"), "/* an older viewer */").replace(css(), ".cnnx{}")
    assert stale != current
    page = f"<main><p>before</p>{stale}<p>after</p></main>"
    assert book_tweaks.refresh_explorers(page) == f"<main><p>before</p>{current}<p>after</p></main>"


def test_pages_without_explorers_are_left_alone():
    page = '<main><div class="cnnx-other"><style>x</style><script>y\n</script></div></main>'
    assert book_tweaks.refresh_explorers(page) == page
