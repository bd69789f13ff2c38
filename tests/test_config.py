"""The repository URL and version are configured once and agree everywhere."""

import re
import sys
from pathlib import Path

import cnnlib
from cnnlib import data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_install_cell as sic  # noqa: E402


def test_repository_url_is_used_consistently():
    url = sic.repository_url()
    assert url.startswith("https://github.com/")
    assert data.BOOK_DATA_URL.startswith(url + "/releases/download/")
    for doc in ("README.md", "book/cnnlib.md", "CONTRIBUTING.md"):
        assert f"git+{url}" in (ROOT / doc).read_text(), f"{doc} does not install from {url}"


def test_version_is_single_sourced():
    assert sic.version() == cnnlib.__version__
    assert f"@v{cnnlib.__version__}" in sic.install_spec()
    assert sic.install_spec() in (ROOT / "CONTRIBUTING.md").read_text()


def test_every_chapter_has_the_current_install_cell():
    chapters = sorted((ROOT / "notebooks").glob("ch*.ipynb"))
    listed = re.findall(r"notebooks/(ch\d\d\w*)", (ROOT / "_toc.yml").read_text())
    assert listed, "_toc.yml lists no chapter notebooks/chNN_*"
    assert sorted(listed) == [p.stem for p in chapters], "the chapters on disk are not those of _toc.yml"
    assert sic.main(["--check", *map(str, chapters)]) == 0


def test_sync_inserts_and_repairs(tmp_path):
    import json

    path = tmp_path / "ch99.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert sic.main(["--check", str(path)]) == 1
    assert sic.main([str(path)]) == 0 and sic.main(["--check", str(path)]) == 0
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["metadata"]["tags"] == ["remove-cell"] and nb["cells"][1]["source"] == "# Title"
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace("@v", "@old")
    path.write_text(json.dumps(nb))
    assert sic.main([str(path)]) == 0 and len(json.loads(path.read_text())["cells"]) == 2
