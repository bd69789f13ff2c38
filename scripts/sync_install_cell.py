"""Write the hidden install cell at the top of every chapter notebook.

    python scripts/sync_install_cell.py          # rewrite the cells
    python scripts/sync_install_cell.py --check  # exit 1 if any differs

The repository URL comes from ``_config.yml`` (``repository.url``), the one
place it is configured, and the version from ``cnnlib.__version__``: a reader
in Colab gets the cnnlib that matches the book they are reading.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# Colab and fresh environments"


def repository_url() -> str:
    text = (ROOT / "_config.yml").read_text()
    m = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.M)
    if not m:
        raise SystemExit("_config.yml has no repository.url")
    return m.group(1).rstrip("/")


def branch() -> str:
    """The branch the book is published from (``repository.branch`` in ``_config.yml``)."""
    text = (ROOT / "_config.yml").read_text()
    m = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+branch:\s*(\S+)", text, re.M)
    return m.group(1) if m else "main"


def version() -> str:
    text = (ROOT / "cnnlib" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def install_spec() -> str:
    return f"cnnlib[all] @ git+{repository_url()}@v{version()}"


def install_source() -> str:
    return (f"{MARKER}: install cnnlib, pinned to the book's version, if it is missing.\n"
            "try:\n"
            "    import cnnlib\n"
            "except ImportError:\n"
            f'    %pip install --quiet "{install_spec()}"')


def install_cell() -> dict:
    return {"cell_type": "code", "execution_count": None, "id": "install-cnnlib",
            "metadata": {"tags": ["remove-cell"]}, "outputs": [], "source": install_source()}


def sync(path: Path, check: bool) -> bool:
    """Return True when the notebook's install cell is (now) the right one."""
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    first = cells[0] if cells else None
    has = first is not None and first.get("cell_type") == "code" and "".join(first.get("source", "")).startswith(MARKER)
    ok = has and "".join(first["source"]) == install_source() and "remove-cell" in first.get("metadata", {}).get("tags", [])
    if ok or check:
        return ok
    cell = install_cell()
    if has:
        cell["execution_count"] = first.get("execution_count")
        cell["outputs"] = first.get("outputs", [])
        cells[0] = cell
    else:
        cells.insert(0, cell)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("ch*.ipynb"))
    bad = [p for p in paths if not sync(p, args.check)]
    for p in bad:
        print(f"{p}: install cell missing or out of date (run scripts/sync_install_cell.py)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
