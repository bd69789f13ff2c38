"""Find notebook cells whose machine-dependent output nbval would compare.

    python scripts/check_machine_outputs.py [notebooks/ch01_*.ipynb ...]

nbval compares a cell's fresh output with the stored one, character for
character.  That is right for shapes, sizes and hand-worked values, and wrong
for anything that comes out of training, a clock or the machine: training is
deterministic on one machine but not across machines (oneDNN picks kernels by
CPU features, thread counts change the order of reductions, and a few hundred
optimiser steps amplify the last bits), so such a comparison passes on the
machine that stored the outputs and fails on the next one.

A code cell is machine-dependent when it

- calls a training or evaluation routine: Keras ``fit``, ``train_on_batch``,
  ``evaluate`` and ``predict``, ``cnnlib.book.training.train_steps``, a
  ``LivePlot`` dashboard, or a function defined in the same notebook that
  calls one of these or is itself named ``train...`` (the numpy trainers);
- reads a clock or describes the machine (``time.perf_counter``,
  ``time.time``, a training log's ``.seconds``, ``machine_description``,
  ``os.getloadavg``).

Such a cell must carry the cell tag ``nbval-ignore-output`` (or nbval's
``# NBVAL_IGNORE_OUTPUT`` / ``# NBVAL_SKIP`` comment, or the ``nbval-skip``
tag), and the claim it supports is checked by an ``assert`` with a tolerance
that holds on any machine.  Exit status 1 and the list of cells otherwise.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

# Methods and functions that train or evaluate a model.
TRAINING_ATTRS = {"fit", "train_on_batch", "evaluate", "predict", "train_steps"}
TRAINING_NAMES = {"train_steps", "LivePlot"}
# Calls and attributes that read a clock or describe the machine.
MACHINE_ATTRS = {"perf_counter", "monotonic", "process_time", "getloadavg", "machine_description",
                 "seconds", "elapsed"}
MACHINE_CALLS = {("time", "time")}

IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
IGNORE_COMMENT = re.compile(r"^\s*#\s*NBVAL_(IGNORE_OUTPUT|SKIP)\b", re.M)
MAGIC = re.compile(r"^\s*[%!].*$", re.M)

FIX = ("tag the cell `nbval-ignore-output` and check its claim with an assert that has a "
       "tolerance (CONTRIBUTING.md, 'Two modes'), or print only what is the same on every machine")


def _tree(source: str) -> ast.AST | None:
    try:
        return ast.parse(MAGIC.sub("", source))
    except SyntaxError:
        return None


def _called_name(call: ast.Call) -> tuple[str | None, str | None]:
    """(object, attribute) for ``obj.attr(...)``, (None, name) for ``name(...)``."""
    f = call.func
    if isinstance(f, ast.Attribute):
        owner = f.value.id if isinstance(f.value, ast.Name) else None
        return owner, f.attr
    if isinstance(f, ast.Name):
        return None, f.id
    return None, None


def _reasons(node: ast.AST, trainers: set[str]) -> dict[str, str]:
    """What in the code under ``node`` depends on training ("training") or on
    the clock or the machine ("machine"), as {label: kind}."""
    found = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            owner, name = _called_name(sub)
            if name is None:
                continue
            if owner is None and (name in TRAINING_NAMES or name in trainers):
                found[f"{name}()"] = "training"
            elif owner is not None and name in TRAINING_ATTRS:
                found[f".{name}()"] = "training"
            elif (owner, name) in MACHINE_CALLS or name in MACHINE_ATTRS:
                found[f"{owner + '.' if owner else ''}{name}()"] = "machine"
        elif isinstance(sub, ast.Attribute) and sub.attr in MACHINE_ATTRS and isinstance(sub.ctx, ast.Load):
            found.setdefault(f".{sub.attr}", "machine")
    return found


def notebook_trainers(cells: list[dict]) -> set[str]:
    """Names of the functions a notebook defines that train: named ``train...``,
    or calling a training routine directly or through another such function."""
    defs: dict[str, ast.AST] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        tree = _tree("".join(cell.get("source", "")))
        for sub in ast.walk(tree) if tree else ():
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[sub.name] = sub
    trainers = {name for name in defs if name.startswith("train")}
    changed = True
    while changed:
        changed = False
        for name, fn in defs.items():
            if name not in trainers and "training" in _reasons(fn, trainers).values():
                trainers.add(name)
                changed = True
    return trainers


def _has_compared_output(cell: dict) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & IGNORE_TAGS or IGNORE_COMMENT.search("".join(cell.get("source", ""))):
        return False
    return bool(cell.get("outputs"))


def problems_in(path: Path) -> list[str]:
    """One line per code cell whose machine-dependent output nbval compares."""
    cells = json.loads(Path(path).read_text()).get("cells", [])
    trainers = notebook_trainers(cells)
    found = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or not _has_compared_output(cell):
            continue
        tree = _tree("".join(cell.get("source", "")))
        if tree is None:
            continue
        # A definition alone trains nothing: look at the cell's own statements,
        # not at the bodies of the functions it defines.
        body = [stmt for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))]
        reasons = sorted({r for stmt in body for r in _reasons(stmt, trainers)})
        if reasons:
            found.append(f"{Path(path).name} cell {i}: calls {', '.join(reasons)} and nbval compares "
                         f"its output: {FIX}")
    return found


def report(argv: list[str], problems_in, what: str) -> int:
    """Check the notebooks named in ``argv`` (default: all of them) with ``problems_in``;
    print each problem and a count of ``what``; exit status 1 if any."""
    paths = [Path(a) for a in argv] or sorted(Path(__file__).resolve().parent.parent.glob("notebooks/*.ipynb"))
    problems = [p for path in paths for p in problems_in(path)]
    for p in problems:
        print(p)
    print(f"{len(paths)} notebook(s) checked, {len(problems)} {what}.")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    return report(argv, problems_in, "cell(s) with machine-dependent compared output")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
