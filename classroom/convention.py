"""Read the book's exercise convention and write nbgrader's cell metadata.

The convention (``CONTRIBUTING.md``, "Exercises"): each exercise is

1. a Markdown cell with a sphinx-exercise ``{exercise}`` directive and
   ``:label: chNN-ex-<name>``;
2. a Markdown cell ``{solution-start} chNN-ex-<name>`` (with ``:class: dropdown``),
   optionally followed by solution prose;
3. the solution code cell, tagged ``solution``, whose student part lies between
   ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines;
4. a check cell tagged ``check``, with public asserts and, optionally, a
   ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region used only in
   grading;
5. a Markdown cell ``{solution-end}``, optionally preceded by solution prose.

:func:`to_nbgrader` turns such a notebook into an nbgrader *source* notebook:

* solution code cells become nbgrader solution cells (``grade_id``
  ``<label>__solution``); nbgrader replaces their marked region with
  ``raise NotImplementedError()``;
* check cells become autograded test cells worth one point each (``grade_id``
  ``<label>``, then ``<label>__check2`` ...), locked, so that grading restores
  the instructor's version, hidden tests included;
* solution prose becomes nbgrader "manually graded answer" cells worth 0
  points (``<label>__answer``): the student edition shows ``YOUR ANSWER HERE``;
* the ``solution-start`` / ``solution-end`` directive lines are dropped (they
  carry no solution, and a dropdown around a student's stub means nothing).

Everything else is copied unchanged.  The conversion only moves cells and
writes metadata; removing the solutions is nbgrader's job.  A notebook that
breaks the convention raises :class:`ConventionError` naming the cell and what
was expected, rather than yielding a student edition that leaks.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import nbformat

__all__ = [
    "ConventionError",
    "Exercise",
    "SEP",
    "exercise_of",
    "parse",
    "points_text",
    "to_nbgrader",
]

#: Separator between an exercise label and the role of a cell in ``grade_id``.
SEP = "__"

_DIRECTIVE = re.compile(
    r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>exercise|solution-start|solution-end|solution)\}(?P<arg>[^\n]*)$"
)
_LABEL_OPTION = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")
_LABEL_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class ConventionError(ValueError):
    """A chapter notebook does not follow the exercise convention of CONTRIBUTING.md."""


@dataclass
class Exercise:
    """One exercise of a notebook, as found by :func:`parse`."""

    label: str
    exercise_cell: int  # index in the original notebook
    solution_cells: list[int] = field(default_factory=list)
    check_cells: list[int] = field(default_factory=list)
    prose_cells: list[int] = field(default_factory=list)  # cells that hold solution prose
    hidden_tests: bool = False

    @property
    def graded(self) -> bool:
        return bool(self.check_cells)


def points_text(x: float):
    """A score as the grade tables write it: an int when whole, else rounded to 3 places."""
    return int(x) if float(x).is_integer() else round(x, 3)


def exercise_of(grade_id: str) -> str:
    """The exercise label of an nbgrader ``grade_id`` written by :func:`to_nbgrader`.

    >>> exercise_of("ch01-ex-stack"), exercise_of("ch01-ex-stack__solution")
    ('ch01-ex-stack', 'ch01-ex-stack')
    """
    return grade_id.split(SEP, 1)[0]


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _where(name: str, index: int, cell) -> str:
    first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "(empty)"
    return f"{name}, cell {index} ({cell.cell_type}, starting {first!r})"


def _block_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the directive opened at ``lines[start]``."""
    char = fence[0]
    for j in range(start + 1, len(lines)):
        s = lines[j].strip()
        if s and set(s) == {char} and len(s) >= len(fence):
            return j
    return -1


def _marker_regions(source: str, markers: tuple[str, str]) -> int:
    """Number of well-formed regions; ValueError if unbalanced or nested."""
    begin, end = markers
    inside, count = False, 0
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"nested '{begin}'")
            inside, count = True, count + 1
        elif end in line:
            if not inside:
                raise ValueError(f"'{end}' without '{begin}'")
            inside = False
    if inside:
        raise ValueError(f"'{begin}' without '{end}'")
    return count


@dataclass
class _Piece:
    kind: str  # "normal" or "prose"
    label: str | None
    lines: list[str]


def _split_markdown(cell, where: str, state: dict, exercises: dict[str, Exercise], index: int) -> list[_Piece]:
    """Split a Markdown cell into normal text and solution prose, consuming directives.

    ``state["inside"]`` is the label of the open solution block (or None),
    carried from cell to cell.
    """
    lines = cell.source.split("\n")
    pieces: list[_Piece] = []

    def add(kind, label, line):
        if pieces and pieces[-1].kind == kind and pieces[-1].label == label:
            pieces[-1].lines.append(line)
        else:
            pieces.append(_Piece(kind, label, [line]))

    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            inside = state["inside"]
            add("prose" if inside else "normal", inside, lines[i])
            i += 1
            continue
        name, fence, arg = m["name"], m["fence"], m["arg"].strip()
        end = _block_end(lines, i, fence)
        if end < 0:
            raise ConventionError(f"{where}: the {{{name}}} directive is not closed by a {fence} line.")
        if name == "exercise":
            if state["inside"]:
                raise ConventionError(
                    f"{where}: an exercise starts inside the solution of {state['inside']!r}; "
                    "close that solution with {solution-end} first.")
            labels = [lm["label"] for line in lines[i + 1:end] if (lm := _LABEL_OPTION.match(line))]
            if not labels:
                raise ConventionError(f"{where}: the exercise has no ':label: chNN-ex-<name>' option.")
            label = labels[0]
            if not _LABEL_OK.match(label) or SEP in label:
                raise ConventionError(
                    f"{where}: exercise label {label!r} must use letters, digits and single '-' or '_' only.")
            if label in exercises:
                raise ConventionError(f"{where}: exercise label {label!r} is used twice.")
            exercises[label] = Exercise(label, index)
            state["last_exercise"] = label
            for line in lines[i:end + 1]:
                add("normal", None, line)
        elif name == "solution-start":
            if state["inside"]:
                raise ConventionError(
                    f"{where}: {{solution-start}} {arg} inside the open solution of {state['inside']!r}; "
                    "add its {solution-end} first.")
            if arg not in exercises:
                raise ConventionError(
                    f"{where}: {{solution-start}} names {arg or '(nothing)'!r}, but no exercise with that "
                    f"label comes before it (exercises so far: {', '.join(exercises) or 'none'}).")
            state["inside"] = arg
        elif name == "solution-end":
            if not state["inside"]:
                raise ConventionError(f"{where}: {{solution-end}} without an open {{solution-start}}.")
            state["inside"] = None
        else:  # a non-gated {solution} directive: all of it is solution text
            label = arg.split()[0] if arg else state.get("last_exercise")
            if label not in exercises:
                raise ConventionError(f"{where}: {{solution}} {arg!r} names no exercise defined before it.")
            for line in lines[i:end + 1]:
                add("prose", label, line)
        i = end + 1
    return [p for p in pieces if "\n".join(p.lines).strip()]


def parse(nb, name: str = "notebook") -> tuple[list[tuple[str, str | None, object]], dict[str, Exercise]]:
    """Walk the notebook; return ``(pieces, exercises)``.

    ``pieces`` lists ``(role, label, cell)`` in order, with ``role`` one of
    ``normal``, ``prose``, ``solution``, ``check``; Markdown cells are split
    where solution prose and directives meet.  Raises ConventionError.
    """
    exercises: dict[str, Exercise] = {}
    state: dict = {"inside": None, "last_exercise": None}
    out: list[tuple[str, str | None, object]] = []
    for index, cell in enumerate(nb.cells):
        where = _where(name, index, cell)
        tags = _tags(cell)
        src = cell.source
        if cell.cell_type == "markdown":
            if "solution" in tags or "check" in tags:
                raise ConventionError(f"{where}: only code cells may be tagged 'solution' or 'check'.")
            for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
                if marker in src:
                    raise ConventionError(
                        f"{where}: Markdown contains {marker!r}; nbgrader reads that text as a marker "
                        "in any cell. Reword it (e.g. 'BEGIN&nbsp;SOLUTION').")
            for k, piece in enumerate(_split_markdown(cell, where, state, exercises, index)):
                new = copy.deepcopy(cell)
                new.source = "\n".join(piece.lines).strip("\n")
                if k:
                    new.id = f"{cell.get('id', 'cell')}-{k}"[:64]
                if piece.kind == "prose":
                    exercises[piece.label].prose_cells.append(index)
                elif "attachments" in new:  # keep only what this part shows
                    used = {k: v for k, v in new.attachments.items() if f"attachment:{k}" in new.source}
                    if used:
                        new.attachments = used
                    else:
                        del new["attachments"]
                out.append((piece.kind, piece.label, new))
            continue
        inside = state["inside"]
        if cell.cell_type == "raw":
            if inside:
                raise ConventionError(f"{where}: a raw cell inside the solution of {inside!r}; use Markdown.")
            out.append(("normal", None, cell))
            continue
        # code cell
        is_solution, is_check = "solution" in tags, "check" in tags
        if is_solution and is_check:
            raise ConventionError(f"{where}: tagged both 'solution' and 'check'; split it into two cells.")
        if not inside:
            if is_solution or is_check:
                raise ConventionError(
                    f"{where}: tagged {'solution' if is_solution else 'check'} but not between "
                    "{solution-start} and {solution-end} Markdown cells.")
            for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
                if marker in src:
                    raise ConventionError(
                        f"{where}: contains {marker!r} outside an exercise's solution; nbgrader would "
                        "treat it as a marker.")
            out.append(("normal", None, cell))
            continue
        ex = exercises[inside]
        if is_solution:
            try:
                _marker_regions(src, SOLUTION_MARKERS)
            except ValueError as exc:
                raise ConventionError(f"{where}: solution markers: {exc}.") from None
            for marker in HIDDEN_MARKERS:
                if marker in src:
                    raise ConventionError(f"{where}: hidden tests belong in the check cell, not the solution cell.")
            ex.solution_cells.append(index)
            out.append(("solution", inside, cell))
        elif is_check:
            if any(m in src for m in SOLUTION_MARKERS):
                raise ConventionError(f"{where}: a check cell contains solution markers.")
            try:
                ex.hidden_tests = _marker_regions(src, HIDDEN_MARKERS) > 0 or ex.hidden_tests
            except ValueError as exc:
                raise ConventionError(f"{where}: hidden-test markers: {exc}.") from None
            ex.check_cells.append(index)
            out.append(("check", inside, cell))
        else:
            raise ConventionError(
                f"{where}: an untagged code cell inside the solution of {inside!r}. Tag it 'solution' "
                "(its marked part is removed for students) or 'check' (kept, and graded), or move it "
                "after {solution-end}.")
    if state["inside"]:
        raise ConventionError(f"{name}: the solution of {state['inside']!r} has no {{solution-end}}.")
    for ex in exercises.values():
        if len(ex.check_cells) and not (ex.solution_cells or ex.prose_cells):
            raise ConventionError(f"{name}: exercise {ex.label!r} has a check but no solution cell.")
    return out, exercises


def _nbgrader_meta(*, grade: bool, solution: bool, locked: bool, grade_id: str, points: float | None = None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "task": False,
            "grade_id": grade_id, "schema_version": 3}
    if grade:
        meta["points"] = points
    return meta


def to_nbgrader(nb, name: str = "notebook", *, points: float = 1.0):
    """Return ``(source_nb, exercises)``: a copy of ``nb`` with nbgrader metadata.

    ``points`` is the value of each check cell.  Raises ConventionError.
    """
    nb = copy.deepcopy(nb)
    pieces, exercises = parse(nb, name)
    counters: dict[tuple[str, str], int] = {}

    def gid(label: str, role: str) -> str:
        n = counters[(label, role)] = counters.get((label, role), 0) + 1
        if role == "check":
            return label if n == 1 else f"{label}{SEP}check{n}"
        return f"{label}{SEP}{role}" + ("" if n == 1 else str(n))

    cells = []
    for role, label, cell in pieces:
        cell = copy.deepcopy(cell)
        if role == "solution":
            cell.metadata["nbgrader"] = _nbgrader_meta(grade=False, solution=True, locked=False,
                                                       grade_id=gid(label, "solution"))
        elif role == "check":
            cell.metadata["nbgrader"] = _nbgrader_meta(grade=True, solution=False, locked=True,
                                                       grade_id=gid(label, "check"), points=points)
        elif role == "prose":
            cell.metadata["nbgrader"] = _nbgrader_meta(grade=True, solution=True, locked=False,
                                                       grade_id=gid(label, "answer"), points=0)
        else:
            cell.metadata.pop("nbgrader", None)
        cells.append(cell)
    nb.cells = cells
    ids = set()
    for k, cell in enumerate(nb.cells):  # split cells must keep unique ids
        if cell.get("id") in ids or not cell.get("id"):
            cell.id = f"cell-{k}"
        ids.add(cell.id)
    nbformat.validate(nb)
    return nb, exercises
