"""Which cells of a chapter its exercises need: the ``grading-setup`` tag.

Grading runs a chapter's exercises (their ``solution`` and ``check`` cells),
the cells tagged ``grading-setup`` (imports, data loading, the definitions
the exercises use), and any cell a student added; it skips the rest of the
chapter (figures, training runs that no exercise uses).  Students still get
the whole chapter; the student edition keeps the tags.

:func:`needed` finds the set-up cells by reading the code: a cell is needed
when it binds (assigns, defines, imports) a name that a needed cell uses, and
is the last cell before it to do so.  Changes made to an object without
rebinding its name (``d[k] = v``, ``model.fit(...)``) are not followed: a
chapter whose exercise reads such a change tags the cell by hand, and the
test that grades every chapter's own solutions catches a missing tag.

    python -m classroom.setup_cells notebooks/ch*.ipynb          # report
    python -m classroom.setup_cells --write notebooks/ch*.ipynb  # tag the cells (tags only)
"""

from __future__ import annotations

import ast
import builtins
import json
import sys
from pathlib import Path

__all__ = ["TAG", "bindings", "needed", "tag_notebook"]

TAG = "grading-setup"
EXERCISE_TAGS = {"solution", "check"}
_BUILTINS = set(dir(builtins))


def _python(source: str) -> str:
    """The cell as Python: IPython magics and shell escapes become plain calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


class _TopLevel(ast.NodeVisitor):
    """Names bound at the top level of a cell (not inside functions, classes or comprehensions)."""

    def __init__(self):
        self.bound: set[str] = set()

    def visit_Name(self, node):
        if not isinstance(node.ctx, ast.Load):
            self.bound.add(node.id)

    def visit_FunctionDef(self, node):
        self.bound.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name != "*":
                self.bound.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_Lambda(self, node):
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda


def bindings(source: str) -> tuple[set[str], set[str]]:
    """``(bound, free)``: names a cell binds at top level, and names it reads but does not bind.

    A name bound anywhere in the cell (a function's parameter, a loop variable)
    does not count as read.  A cell that does not parse binds and reads nothing.
    """
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set(), set()
    top = _TopLevel()
    top.visit(tree)
    loaded: set[str] = set()
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else local).add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
    return top.bound, loaded - local - _BUILTINS


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def needed(nb) -> set[int]:
    """Indices of the code cells, other than the exercises', that the exercises need."""
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    src = {i: "".join(cells[i]["source"]) if isinstance(cells[i]["source"], list) else cells[i]["source"]
           for i in code}
    info = {i: bindings(src[i]) for i in code}
    exercise = {i for i in code if EXERCISE_TAGS & set(_tags(cells[i]))}
    keep: set[int] = set()
    todo = sorted(exercise)
    seen = set(todo)
    while todo:
        i = todo.pop()
        for name in info[i][1]:
            binder = next((j for j in reversed(code) if j < i and name in info[j][0]), None)
            if binder is not None and binder not in seen:
                seen.add(binder)
                if binder not in exercise:
                    keep.add(binder)
                todo.append(binder)
    return keep


def tag_notebook(path: Path, *, write: bool = False) -> tuple[list[int], list[int]]:
    """``(added, extra)``: cells that need the tag and lack it, cells that have it and need not.

    With ``write``, adds the missing tags (and changes nothing else; cells
    tagged by hand keep their tag).  The file keeps its JSON layout.
    """
    nb = json.loads(Path(path).read_text())
    want = needed(nb)
    added = [i for i in sorted(want) if TAG not in _tags(nb["cells"][i])]
    extra = [i for i, c in enumerate(nb["cells"]) if TAG in _tags(c) and i not in want]
    if write and added:
        for i in added:
            nb["cells"][i].setdefault("metadata", {}).setdefault("tags", []).append(TAG)
        with open(path, "w") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return added, extra


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m classroom.setup_cells", description=__doc__.split("\n\n")[0])
    p.add_argument("notebooks", nargs="+", type=Path)
    p.add_argument("--write", action="store_true", help=f"add the missing {TAG!r} tags")
    a = p.parse_args(argv)
    missing = False
    for path in a.notebooks:
        added, extra = tag_notebook(path, write=a.write)
        verb = "tagged" if a.write else "needs the tag"
        for i in added:
            print(f"{path.name}: cell {i} {verb}")
        for i in extra:
            print(f"{path.name}: cell {i} is tagged by hand (kept)")
        missing |= bool(added) and not a.write
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
