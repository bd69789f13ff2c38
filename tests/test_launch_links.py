"""Every "open in Colab" and "launch Binder" link points to a notebook that
exists in this repository at the ref it names (the check the TensorFlow docs'
notebook linter makes): in the README, the book's Markdown pages, and the
launch buttons of the built site."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SITE, require_built_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_install_cell as sic  # noqa: E402

REPO = sic.repository_url().removeprefix("https://github.com/")            # owner/name
COLAB = re.compile(r"https://colab\.research\.google\.com/github/([^/\s\"')]+/[^/\s\"')]+)/blob/"
                   r"([^/\s\"')]+)/([^\s\"')?#]+)")
BINDER = re.compile(r"https://mybinder\.org/v2/gh/([^/\s\"')]+/[^/\s\"')]+)/([^/?\s\"')]+)"
                    r"\?urlpath=(?:tree|lab/tree|notebooks)/([^\s\"')&#]+)")


def launch_links(text: str) -> list[tuple[str, str, str]]:
    """(owner/name, ref, path) of every Colab and Binder link in ``text``.

    >>> launch_links("[x](https://colab.research.google.com/github/a/b/blob/main/n/c.ipynb)")
    [('a/b', 'main', 'n/c.ipynb')]
    >>> launch_links('href="https://mybinder.org/v2/gh/a/b/v1?urlpath=tree/n/c.ipynb"')
    [('a/b', 'v1', 'n/c.ipynb')]
    """
    return [m.groups() for pattern in (COLAB, BINDER) for m in pattern.finditer(text)]


def exists_at(ref: str, path: str) -> bool:
    """Whether ``path`` exists in this repository at ``ref`` (the working tree when git cannot say)."""
    known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=ROOT,
                           capture_output=True, text=True)
    if known.returncode != 0:
        pytest.fail(f"the ref {ref!r} named by a launch link does not exist in this repository"
                    + (" (a release tag: see 'Making a release' in CONTRIBUTING.md)" if ref.startswith("v")
                       else ""))
    if (ROOT / path).is_file() and ref == sic.branch():
        return True                        # the branch's own working tree (new notebooks not yet committed)
    return subprocess.run(["git", "cat-file", "-e", f"{ref}:{path}"], cwd=ROOT).returncode == 0


def check(where: str, links) -> None:
    assert links, f"{where}: no launch links found"
    for repo, ref, path in links:
        assert repo == REPO, f"{where}: a launch link names {repo}, not this repository ({REPO})"
        assert path.endswith(".ipynb"), f"{where}: a launch link opens {path}, not a notebook"
        assert exists_at(ref, path), f"{where}: {path} does not exist at {ref}"


def test_readme_badges():
    text = (ROOT / "README.md").read_text()
    links = launch_links(text)
    check("README.md", links)
    chapters = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb")}
    for kind in (COLAB, BINDER):
        assert {m.group(3) for m in kind.finditer(text)} == chapters, \
            f"README.md: {kind.pattern[:30]}... badges do not cover exactly the notebooks"


def test_book_pages():
    for page in sorted((ROOT / "book").glob("*.md")):
        links = launch_links(page.read_text())
        if links:
            check(page.name, links)


def test_the_built_sites_launch_buttons():
    pages = sorted((SITE / "notebooks").glob("*.html"))
    require_built_site(SITE)
    for page in pages:
        links = launch_links(page.read_text(encoding="utf-8"))
        check(f"_build/html/notebooks/{page.name}", links)
        assert {p for _, _, p in links} == {f"notebooks/{page.stem}.ipynb"}


def test_a_wrong_path_or_ref_fails():
    with pytest.raises(AssertionError, match="does not exist at main"):
        check("x", [(REPO, sic.branch(), "notebooks/no_such_chapter.ipynb")])
    with pytest.raises(pytest.fail.Exception, match="does not exist in this repository"):
        check("x", [(REPO, "v999.0.0", "notebooks/explorers.ipynb")])
    with pytest.raises(AssertionError, match="not this repository"):
        check("x", [("someone/else", "main", "notebooks/explorers.ipynb")])
