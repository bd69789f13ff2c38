"""Every cnnlib name the notebooks use exists: imports and attributes alike.

The chapters (and the explorers page) import modules of cnnlib and call
their attributes; a name moved or renamed in the library must be moved in the
notebooks too.  This reads every code cell, follows ``import cnnlib as cl``,
``from cnnlib import data`` and ``from cnnlib.book import chapter``, and
checks each ``alias.attr`` chain against the installed package, without
running a cell.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "tests" / "fixtures").rglob("*.ipynb"))


def _code(nb_path: Path) -> str:
    cells = json.loads(nb_path.read_text())["cells"]
    lines = []
    for c in cells:
        if c["cell_type"] == "code":
            src = "".join(c["source"])
            for ln in src.splitlines():     # an IPython magic becomes `pass`, indentation kept
                stripped = ln.lstrip()
                lines.append(ln[: len(ln) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else ln)
            lines.append("")
    return "\n".join(lines)


def _resolve(dotted: str):
    """The object a dotted cnnlib path names, or raise AttributeError/ImportError."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = importlib.import_module(".".join(parts[:i + 1]))   # a submodule not imported yet
    return obj


def cnnlib_names(nb_path: Path) -> set[str]:
    """Every dotted cnnlib name a notebook's code uses."""
    tree = ast.parse(_code(nb_path))
    aliases: dict[str, str] = {}
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "cnnlib":
                    aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else "cnnlib"
                    used.add(a.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "cnnlib":
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                used.add(f"{node.module}.{a.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, cur = [], node
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in aliases:
                base = aliases[cur.id]
                for k in range(len(chain), 0, -1):
                    used.add(".".join([base, *reversed(chain[k - 1:])]))
    return used


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cnnlib_name_a_notebook_uses_exists(nb_path):
    names = cnnlib_names(nb_path)
    missing = []
    for name in sorted(names):
        try:
            obj = _resolve(name)
        except (AttributeError, ImportError) as err:
            # An attribute of a *result* (``res.expect``, ``log.evals``) is not a cnnlib name;
            # only chains whose parent is a module must resolve.
            parent = name.rsplit(".", 1)[0]
            try:
                parent_obj = _resolve(parent)
            except (AttributeError, ImportError):
                continue          # the parent is reported on its own
            if type(parent_obj).__name__ == "module":
                missing.append(f"{name}: {type(err).__name__}: {err}")
            continue
        del obj
    assert not missing, f"{nb_path.name} uses cnnlib names that do not exist:\n" + "\n".join(missing)


def test_the_checker_sees_the_chapters_imports():
    names = cnnlib_names(ROOT / "notebooks" / "ch03_backprop_from_scratch.ipynb")
    assert {"cnnlib.book.chapter", "cnnlib.conv2d_forward", "cnnlib.plotting.LivePlot",
            "cnnlib.book.training.batch_indices"} <= names
