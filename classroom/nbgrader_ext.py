"""nbgrader plugins for this book: limits, exercise scoring, scrubbing, CSV export.

Registered by the ``nbgrader_config.py`` that :mod:`classroom.course` writes:

* :class:`ClassroomExecute` runs a submission like nbgrader's ``Execute``
  (per-cell timeout, kernel interrupt, errors allowed) and adds a **time limit
  for the whole notebook**, a **size limit on each cell's output** and survival
  of a **dead kernel**: cells that cannot run get an error output instead of
  stopping the grader.
* :class:`BookScoring` scores a check cell as passed when it raises nothing
  (nbgrader alone also fails it for a warning on stderr, and reads a number it
  shows as partial credit), and gives zero to an exercise whose solution cell
  failed (raised, ran out of time, flooded its output) even when its check
  happens to pass.
* :class:`ScrubStudentEdition` is the last step of ``generate_assignment``:
  solution cells keep no metadata but nbgrader's and no attachments, and the
  notebook keeps no metadata but its kernel and language (no widget state).
* :class:`PerExerciseCsvExporter` writes one row per student and one column
  per exercise (``nbgrader export --exporter classroom.nbgrader_ext.PerExerciseCsvExporter``).
"""

from __future__ import annotations

import csv
import time
from collections import OrderedDict
from pathlib import Path

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, List, Unicode, default

from .convention import exercise_of, points_text
from .setup_cells import TAG as SETUP_TAG

__all__ = [
    "ClassroomExecute",
    "BookScoring",
    "PerExerciseCsvExporter",
    "ScrubStudentEdition",
    "error_output",
]

# Error names this module writes into outputs; the grader reads them back.
NOTEBOOK_TIME_LIMIT = "NotebookTimeLimit"
OUTPUT_LIMIT = "OutputLimitExceeded"
KERNEL_DIED = "KernelDied"
KERNEL_STUCK = "KernelUnresponsive"
EXERCISE_FAILED = "SolutionCellFailed"
_LIMIT_ERRORS = (NOTEBOOK_TIME_LIMIT, OUTPUT_LIMIT, KERNEL_DIED, KERNEL_STUCK, "CellTimeoutError")


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def _msg_size(msg) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    if "data" in content:
        return sum(len(v) if isinstance(v, str) else len(str(v)) for v in content["data"].values())
    if "traceback" in content:
        return sum(len(line) for line in content["traceback"])
    return 0


class ClassroomExecute(Execute):
    """nbgrader's Execute with a notebook time limit and an output size limit."""

    notebook_timeout = Integer(
        1800, help="Seconds for the whole notebook, kernel start included; cells that would "
                   "start later are not run and get an error output.").tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="Characters of output a cell may produce; beyond it the output is "
                        "dropped and the cell gets an error output.").tag(config=True)
    exercises_only = Bool(True, help="Run only the cells the exercises need: their solution and check "
                                     "cells, the chapter's cells tagged 'grading-setup', and cells the "
                                     "student added.  False runs every cell.").tag(config=True)
    source_dir = Unicode("", help="the course's source/ folder, where the chapter's own cells are "
                                  "read (for exercises_only)").tag(config=True)
    skip_ids = List(Unicode(), help="ids of the cells not to run (when given, instead of reading "
                                    "source_dir)").tag(config=True)
    scheduler = Unicode("", help="address of a Dask scheduler: run the notebook on one of its workers "
                                 "(classroom.cluster); empty: run it here").tag(config=True)
    sandbox = Bool(True, help="Start each kernel in the sandbox of classroom.sandbox "
                              "(SandboxedKernelManager); False runs it with the grader's rights.").tag(config=True)

    # A graded kernel's state is thrown away: kill it when the last cell is done rather than
    # wait for TensorFlow's orderly exit (about 0.7 s of CPU a notebook).
    @default("shutdown_kernel")
    def _shutdown_kernel_default(self):
        return "immediate"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            from .sandbox import SandboxedKernelManager

            self.kernel_manager_class = SandboxedKernelManager

    def _skipped_ids(self, resources) -> set[str]:
        """Ids of the chapter's own code cells that no exercise needs (empty: run everything)."""
        info = (resources or {}).get("nbgrader", {})
        if self.exercises_only and self.skip_ids:
            return set(self.skip_ids)
        if not self.exercises_only or not self.source_dir or "notebook" not in info:
            return set()
        path = Path(self.source_dir) / info.get("assignment", "") / f"{info['notebook']}.ipynb"
        if not path.exists():
            return set()
        import nbformat

        skip = set()
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if (cell.cell_type == "code" and cell.get("id") and not meta.get("grade") and not meta.get("solution")
                    and SETUP_TAG not in cell.metadata.get("tags", [])):
                skip.add(cell.id)
        return skip

    def preprocess(self, nb, resources=None, km=None):
        if self.scheduler:
            return self._preprocess_remote(nb, resources), resources
        self._skip = self._skipped_ids(resources)
        self._deadline = time.monotonic() + self.notebook_timeout
        self._out_bytes: dict[int, int] = {}
        self._flooded: set[int] = set()
        self._dead: tuple[str, str] | None = None  # (error name, message) once the kernel is lost
        return super().preprocess(nb, resources, km=km)

    def _preprocess_remote(self, nb, resources):
        """Send the notebook to a Dask worker (classroom.cluster) and return it as it ran there."""
        import os

        from .cluster import KERNEL_ENV, run_remote

        box = self.config.get("SandboxedKernelManager", {})
        settings = {
            "execute": {"timeout": self.timeout, "notebook_timeout": self.notebook_timeout,
                        "max_output_bytes": self.max_output_bytes, "sandbox": self.sandbox,
                        "exercises_only": self.exercises_only, "skip_ids": sorted(self._skipped_ids(resources))},
            "sandbox": {k: box[k] for k in ("memory_mb", "cpu_seconds", "max_procs", "hide") if k in box},
            "env": {k: os.environ[k] for k in KERNEL_ENV if k in os.environ},
            "nbgrader": {k: v for k, v in (resources or {}).get("nbgrader", {}).items() if isinstance(v, str)},
        }
        return run_remote(self.scheduler, nb, settings, timeout=self.notebook_timeout + 120)

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        remaining = max(1, int(self._deadline - time.monotonic()))
        return remaining if timeout is None else min(timeout, remaining)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.get("id") in self._skip:  # a chapter cell no exercise needs: not run
            cell.outputs = []
            cell.execution_count = None
            return cell
        if self._dead:
            cell.outputs = [error_output(*self._dead)]
            return cell
        if self._deadline - time.monotonic() < 1:
            cell.outputs = [error_output(
                NOTEBOOK_TIME_LIMIT,
                f"not run: the notebook's time limit of {self.notebook_timeout} s was used up.")]
            return cell
        self._out_bytes[cell_index] = 0
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self._dead = (KERNEL_DIED, "not run: the kernel died in an earlier cell.")
            cell.outputs.append(error_output(KERNEL_DIED, "the kernel died while running this cell."))
        except CellTimeoutError:
            # Interrupted at its time limit, the kernel stayed busy (the code ignores
            # KeyboardInterrupt): nothing after this cell can run.
            self._dead = (KERNEL_STUCK, "not run: the kernel did not stop when an earlier cell was interrupted.")
            cell.outputs.append(error_output(
                "CellTimeoutError", "time limit reached, and the kernel did not stop when interrupted."))
        if cell_index in self._flooded:
            cell.outputs.append(error_output(
                OUTPUT_LIMIT, f"this cell printed more than {self.max_output_bytes:,} characters."))
        return cell

    # nbclient binds the synchronous wrapper to its own coroutine: rebind it to ours.
    execute_cell = run_sync(async_execute_cell)

    def output(self, outs, msg, display_id, cell_index):
        used = self._out_bytes.get(cell_index, 0) + _msg_size(msg)
        self._out_bytes[cell_index] = used
        if used > self.max_output_bytes:
            if cell_index not in self._flooded:
                self._flooded.add(cell_index)
                outs.append(NotebookNode(output_type="stream", name="stderr",
                                         text=f"[output truncated by the grader at {self.max_output_bytes:,} characters]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


class BookScoring(NbGraderPreprocessor):
    """Score check cells the way the book means them: a check passes when it raises nothing.

    Runs after execution, before nbgrader saves the scores (nbgrader gives a
    code grade cell 0 points when it has an error output *or writes to stderr*,
    and reads a number shown as the cell's result as partial credit):

    * in check cells, stderr text (a library's warning) is kept as stdout, and
      a result value is kept as a plain display, so neither changes the score;
    * every check cell of an exercise whose solution cell failed (raised, ran
      out of time, printed too much, lost its kernel) gets an error output, so
      the exercise scores 0 even if its check happens to pass.  A solution cell
      tagged ``raises-exception`` may raise an ordinary exception.
    """

    def preprocess(self, nb, resources):
        broken: dict[str, str] = {}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("solution") or not meta.get("grade_id"):
                continue
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            limits = [o for o in errors if o.get("ename") in _LIMIT_ERRORS]
            may_raise = "raises-exception" in cell.metadata.get("tags", [])
            bad = limits[0] if limits else (errors[0] if errors and not may_raise else None)
            if bad is not None:
                broken[exercise_of(meta["grade_id"])] = f"{bad.get('ename')}: {bad.get('evalue', '')}"[:300]
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or not meta.get("grade_id"):
                continue
            for out in cell.outputs:
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    out["name"] = "stdout"
                    out["text"] = "[stderr] " + out.get("text", "")
                elif out.get("output_type") == "execute_result":
                    out["output_type"] = "display_data"
                    out.pop("execution_count", None)
            label = exercise_of(meta["grade_id"])
            if label in broken:  # also when the check failed anyway: the reason is the solution
                cell.outputs.append(error_output(
                    EXERCISE_FAILED, f"the solution cell of {label} failed ({broken[label]}), so it scores 0."))
        return nb, resources


class ScrubStudentEdition(NbGraderPreprocessor):
    """Last step of ``generate_assignment``: leave no solution in metadata or attachments."""

    keep_notebook_metadata = List(["kernelspec", "language_info"]).tag(config=True)
    keep_solution_cell_metadata = List(["nbgrader", "tags", "editable", "deletable"]).tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata = NotebookNode({k: v for k, v in nb.metadata.items() if k in self.keep_notebook_metadata})
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.metadata = NotebookNode({k: v for k, v in cell.metadata.items()
                                              if k in self.keep_solution_cell_metadata})
                cell.pop("attachments", None)
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        return nb, resources


def autograded_columns(gradebook, assignment: str):
    """``OrderedDict`` exercise label -> list of (notebook, grade_id, max_score), check cells only."""
    cols: OrderedDict[str, list] = OrderedDict()
    a = gradebook.find_assignment(assignment)
    for notebook in sorted(a.notebooks, key=lambda n: n.name):
        cells = sorted((c for c in notebook.grade_cells if c.cell_type == "code" and c.max_score > 0),
                       key=lambda c: (exercise_of(c.name), c.name != exercise_of(c.name), c.name))
        for cell in cells:
            cols.setdefault(exercise_of(cell.name), []).append((notebook.name, cell.name, cell.max_score))
    return cols


class PerExerciseCsvExporter(ExportPlugin):
    """One row per student, one column per exercise (the sum of its check cells), then the total.

    A notebook that was not submitted, or not graded, scores 0.  Exercise
    columns follow ``order`` when given (the grader passes the chapters'
    order), otherwise the order of ``source/`` in the current folder.
    """

    order = List(Unicode(), help="exercise labels in column order").tag(config=True)

    def export(self, gradebook) -> None:
        dest = self.to or "grades.csv"
        assignments = self.assignment or sorted(a.name for a in gradebook.assignments)
        students = self.student or sorted(s.id for s in gradebook.students)
        cols: OrderedDict[str, list] = OrderedDict()
        for assignment in assignments:
            for label, cells in autograded_columns(gradebook, assignment).items():
                cols.setdefault(label, []).extend((assignment, *c) for c in cells)
        order = list(self.order) or _order_from_source(assignments)
        labels = sorted(cols, key=lambda k: (order.index(k) if k in order else len(order), k))
        with open(dest, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student", *labels, "total", "max_total"])
            for student in students:
                row, total = [], 0.0
                for label in labels:
                    score = 0.0
                    for assignment, notebook, grade_id, _ in cols[label]:
                        try:
                            grade = gradebook.find_grade(grade_id, notebook, assignment, student)
                            score += grade.score or 0.0
                        except MissingEntry:
                            pass
                    row.append(points_text(score))
                    total += score
                w.writerow([student, *row, points_text(total),
                            points_text(sum(c[3] for label in labels for c in cols[label]))])
        self.log.info("wrote %s", dest)


def _order_from_source(assignments) -> list[str]:
    """Exercise labels in notebook order, read from ``source/`` when run in the course folder."""
    import glob

    import nbformat

    labels: list[str] = []
    for assignment in assignments:
        for path in sorted(glob.glob(f"source/{assignment}/*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("grade") and meta.get("grade_id") and cell.cell_type == "code":
                    labels.append(exercise_of(meta["grade_id"]))
    return list(dict.fromkeys(labels))
