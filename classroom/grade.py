"""Grade a folder of submitted notebooks; write a per-student, per-exercise CSV.

    python -m classroom.grade SUBMISSIONS [--course _build/classroom] [--out grades.csv]
                              [--full] [--data-dir DIR] [--timeout 1800] [--cell-timeout 600]
                              [--max-output 1000000] [--jobs 1]

SUBMISSIONS holds one folder per student (any notebooks inside, at any depth),
or notebooks named ``<student>_<chapter>.ipynb`` as learning management
systems export them.  A notebook is matched to a chapter by its name
(``ch01_conv_layer_anatomy.ipynb``, or anything containing ``ch01``).

Run ``python -m classroom.student_edition`` first: grading uses the checks it
stored in the course folder (hidden tests included), not the notebooks as they
are now.  Each notebook is graded by nbgrader's autograde, in a long-lived
nbgrader process that grades notebook after notebook (one per notebook in
flight, :mod:`classroom.autograder`), in quick mode unless ``--full``, with a
time limit per cell and per notebook; a notebook that outlives its limit is
killed with its process and kernel and scores 0.  An exercise scores
its points when its check cell (with the hidden tests) raises nothing and its
solution cell ran without error.  The notebooks start longest first, by the
seconds each chapter took so far in this grading or in the last one (kept in
``<course>/grading-seconds.json``), so that a student's short chapters fill
the gaps beside the long ones.

Writes ``grades.csv`` (student, one column per exercise, total, max_total)
and ``grades-detail.csv`` (one row per student and exercise with the reason
for each zero), by default in the course folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import DEFAULT_ASSIGNMENT, DEFAULT_COURSE_DIR, sandbox
from .autograder import Autograder
from .cluster import cluster
from .convention import ConventionError, exercise_of, points_text, to_nbgrader
from .course import Course, Limits, RunResult

__all__ = ["GradeReport", "LongestFirst", "balanced_split", "discover", "grade", "kernel_env", "main"]

# Thread pools shared out between the notebooks in flight (numpy's BLAS, OpenMP, TensorFlow's
# pool between ops); TensorFlow's pool within an op is not (see grade()).
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTEROP_THREADS")
_CHAPTER_TOKEN = re.compile(r"(?<![A-Za-z0-9])(ch\d\d)(?![0-9])", re.I)


def student_id(name: str) -> str:
    """A safe id (nbgrader reads ids as file globs): letters, digits, '.', '_' and '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-") or "student"


def _match(filename: str, stems: list[str]) -> tuple[str | None, int]:
    """(chapter stem, position of the match in filename) or (None, -1)."""
    low = filename.lower()
    for stem in sorted(stems, key=len, reverse=True):
        pos = low.find(stem.lower())
        if pos >= 0:
            return stem, pos
    m = _CHAPTER_TOKEN.search(filename)
    if m:
        hits = [s for s in stems if s.lower().startswith(m.group(1).lower() + "_") or s.lower() == m.group(1).lower()]
        if len(hits) == 1:
            return hits[0], m.start()
    return None, -1


def discover(folder: Path, stems: list[str]) -> tuple[dict[str, dict[str, Path]], list[str]]:
    """Map student -> {chapter stem: notebook path}; and notes on what was skipped."""
    found: dict[str, dict[str, Path]] = {}
    notes: list[str] = []

    def add(student: str, stem: str, path: Path):
        sid = student_id(student)
        have = found.setdefault(sid, {})
        if stem in have:
            newer = max(have[stem], path, key=lambda p: p.stat().st_mtime)
            notes.append(f"{sid}: two notebooks for {stem} ({have[stem].name}, {path.name}); graded the newer, {newer.name}")
            path = newer
        have[stem] = path

    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found.setdefault(student_id(entry.name), {})
            for nb in sorted(entry.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in nb.parts:
                    continue
                stem, _ = _match(nb.name, stems)
                if stem is None:
                    notes.append(f"{entry.name}: {nb.relative_to(entry)} is not a chapter of this assignment; skipped")
                else:
                    add(entry.name, stem, nb)
        elif entry.suffix == ".ipynb":
            stem, pos = _match(entry.name, stems)
            student = entry.name[:pos].strip(" _-.") if pos > 0 else ""
            if stem is None or not student:
                notes.append(f"{entry.name}: cannot tell the student and the chapter (name it <student>_<chapter>.ipynb "
                             "or put it in a folder named after the student); skipped")
            else:
                add(student, stem, entry)
    return found, notes


def _submit(path: Path, dest: Path) -> str | None:
    """Copy a submission for nbgrader; convert a notebook in the book's own format.

    A student may have worked in the chapter as published (tags and
    sphinx-exercise cells, no nbgrader metadata): it is converted like the
    instructor's, so its checks are found.  Returns a note, or None.
    """
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # not a notebook at all: nbgrader will fail on it and score 0
        shutil.copy(path, dest)
        return f"unreadable notebook ({type(exc).__name__}: {str(exc)[:100]})"
    if any("nbgrader" in c.get("metadata", {}) for c in nb.cells):
        shutil.copy(path, dest)
        return None
    try:
        converted, _ = to_nbgrader(nb, path.name)
    except ConventionError:
        shutil.copy(path, dest)
        return "no nbgrader metadata and not in the book's format: its checks may not be found"
    nbformat.write(converted, dest)
    return None


_REASONS = {
    "CellTimeoutError": "time limit of a cell",
    "NotebookTimeLimit": "time limit of the notebook",
    "OutputLimitExceeded": "too much output",
    "KernelDied": "the kernel died",
    "KernelUnresponsive": "the kernel stopped responding",
    "SolutionCellFailed": "solution cell failed",
}


@dataclass
class GradeReport:
    csv_path: Path
    detail_path: Path
    scores: dict[str, dict[str, float]]  # student -> exercise -> score
    max_scores: dict[str, float]  # exercise -> max
    details: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    runs: dict[tuple[str, str], RunResult] = field(default_factory=dict)


def _exercise_order(course: Course) -> list[tuple[str, str, str]]:
    """(notebook stem, exercise label, check grade_id) in the order of the chapters."""
    out = []
    for stem in course.notebook_names():
        nb = nbformat.read(course.source_dir / f"{stem}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and meta.get("points", 0) > 0:
                out.append((stem, exercise_of(meta["grade_id"]), meta["grade_id"]))
    return out


def _check_status(autograded: Path, grade_id: str) -> tuple[str, str]:
    if not autograded.exists():
        return "not graded", "no graded notebook was written"
    nb = nbformat.read(autograded, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if not errors:
                return "passed", ""
            e = next((o for o in errors if o.get("ename") in _REASONS), errors[0])
            reason = _REASONS.get(e.get("ename"), "check failed")
            if e.get("ename") == "SolutionCellFailed":  # name the limit the solution hit, if any
                reason = next((r for k, r in _REASONS.items() if f"({k}:" in e.get("evalue", "")), reason)
            return reason, f"{e.get('ename')}: {e.get('evalue', '')}".strip()[:300]
    return "not graded", "the check cell is missing from the graded notebook"


class LongestFirst:
    """The queue of (student, notebook) jobs for ``slots`` notebooks in flight, longest first, balanced.

    With fewer workers than a student has chapters, the order decides how long
    the last worker runs alone.  A notebook's expected seconds are the mean of
    its chapter's runs finished so far in this grading, else its seconds in the
    last grading (``previous``), else unknown.  Unknown ones go first, in the
    order given (they may be long); ties keep that order too.  Otherwise a slot
    that asks for work gets the longest job of its share in the best split of
    the jobs left between the slots (the one that ends soonest, given what the
    other slots are still running, :func:`balanced_split`): with the chapters
    of one student, handing out the longest job first would not reach it (five
    chapters of 50, 41, 27, 23 and 20 s on two slots: 88 s, against 84 s).
    With many jobs left it is the longest one, which is then as good.
    """

    def __init__(self, jobs: list[tuple[str, str]], previous: dict[str, float] | None = None,
                 slots: int = 1, clock=time.monotonic):
        self._pending = list(jobs)
        self._previous = dict(previous or {})
        self._done: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._slots = max(1, slots)
        self._clock = clock
        self._running: dict[int, tuple[str, float]] = {}  # slot -> (chapter, start)

    def expected(self, stem: str) -> float | None:
        runs = self._done.get(stem)
        return statistics.fmean(runs) if runs else self._previous.get(stem)

    def take(self, slot: int = 0) -> tuple[str, str] | None:
        """The next job for ``slot`` (0 to slots - 1), or None when there is none left."""
        with self._lock:
            self._running.pop(slot, None)
            if not self._pending:
                return None
            job = self._pending.pop(self._choose(slot))
            self._running[slot] = (job[1], self._clock())
            return job

    def _choose(self, slot: int) -> int:
        expected = [self.expected(stem) for _, stem in self._pending]
        if None in expected:
            return expected.index(None)
        n, order = len(expected), sorted(range(len(expected)), key=lambda i: (-expected[i], i))
        if self._slots == 1 or self._slots ** n > 20_000:
            return order[0]
        now = self._clock()
        busy = [0.0] * self._slots  # seconds until each slot is free, by expectation
        for other, (stem, start) in self._running.items():
            if other != slot and other < self._slots:
                busy[other] = max(0.0, (self.expected(stem) or 0.0) - (now - start))
        share = balanced_split(expected, busy, first=slot)
        mine = [i for i in order if share[i] == slot]
        return mine[0] if mine else order[-1]

    def finished(self, stem: str, seconds: float) -> None:
        with self._lock:
            self._done.setdefault(stem, []).append(seconds)

    def seconds(self) -> dict[str, float]:
        """Each chapter's mean seconds in this grading (for the next one)."""
        with self._lock:
            return {stem: round(statistics.fmean(v), 1) for stem, v in sorted(self._done.items())}


def balanced_split(seconds: list[float], busy: list[float], first: int = 0) -> list[int]:
    """The slot of each job, such that the last slot to finish finishes soonest.

    ``busy``: the seconds each slot needs before it is free.  An exhaustive
    search, longest job first, cut where it cannot beat the best split found;
    among slots with the same load, ``first`` is tried first.  For a few jobs.
    """
    order = sorted(range(len(seconds)), key=lambda i: (-seconds[i], i))
    loads, slot_of = list(busy), [0] * len(seconds)
    best: list = [float("inf"), list(slot_of)]

    def place(k: int) -> None:
        if max(loads) >= best[0]:
            return
        if k == len(order):
            best[:] = [max(loads), list(slot_of)]
            return
        tried = set()
        for s in sorted(range(len(loads)), key=lambda s: (loads[s], s != first, s)):
            if loads[s] in tried:  # the same as a slot already tried
                continue
            tried.add(loads[s])
            loads[s] += seconds[order[k]]
            slot_of[order[k]] = s
            place(k + 1)
            loads[s] -= seconds[order[k]]

    place(0)
    return best[1]


def _timings_path(course: Course) -> Path:
    return course.root / "grading-seconds.json"


def _timings_key(quick: bool, course: Course) -> str:
    return f"{'quick' if quick else 'full'} mode, {'exercises only' if course.limits.exercises_only else 'all cells'}"


def _load_timings(course: Course, key: str) -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(_timings_path(course).read_text()).get(key, {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}  # none yet, or unreadable: the order is then the given one


def _save_timings(course: Course, key: str, seconds: dict[str, float]) -> None:
    path = _timings_path(course)
    try:
        table = json.loads(path.read_text())
        if not isinstance(table, dict):
            table = {}
    except (OSError, ValueError):
        table = {}
    table[key] = {**table.get(key, {}), **seconds}
    path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


def _close(graders: list[Autograder]) -> None:
    for g in graders:
        g.stop()
    for g in graders:
        g.close()


def kernel_env(quick: bool, jobs: int, data_dir: str | None = None, environ=os.environ,
               cores: int | None = None) -> dict[str, str]:
    """The variables the grader sets for every kernel; the instructor's own settings (in
    ``environ``) of the oneDNN and thread variables win."""
    cores = cores or os.cpu_count() or 1
    # oneDNN's kernels train the chapters' networks 1.7 times faster on the book's machine than
    # TensorFlow's own; TensorFlow turns them on by itself only on CPUs with AVX-512 (as in Colab).
    env = {"CNNBOOK_QUICK": "1" if quick else "0",
           "TF_ENABLE_ONEDNN_OPTS": environ.get("TF_ENABLE_ONEDNN_OPTS", "1")}
    if jobs > 1:  # share the cores out: notebooks that each start a BLAS thread per core fight over them
        for var in _THREAD_VARS:
            env[var] = environ.get(var, str(max(1, cores // jobs)))
        # Except TensorFlow's threads within an op: measured, two notebooks training at once
        # with a thread per core each lose nothing against one thread each, and the last notebook
        # of a grading, left alone, then uses every core.
        env["TF_NUM_INTRAOP_THREADS"] = environ.get("TF_NUM_INTRAOP_THREADS", str(cores))
    if data_dir:
        env["CNNLIB_DATA_DIR"] = str(Path(data_dir).resolve())
    return env


def grade(submissions: Path, course: Course, *, quick: bool = True, data_dir: str | None = None,
          jobs: int = 1, out: Path | None = None, detail: Path | None = None, echo=print,
          scheduler: str | None = None) -> GradeReport:
    """Grade every submission in ``submissions`` against ``course``; write the two CSVs.

    The notebooks run on the workers of a Dask cluster (:mod:`classroom.cluster`):
    ``scheduler`` (an address), or a LocalCluster of ``jobs`` workers.
    """
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    from .nbgrader_ext import PerExerciseCsvExporter

    submissions = Path(submissions)
    if not course.db_path.exists() or not course.notebook_names():
        raise SystemExit(f"No student edition in {course.root}: run `python -m classroom.student_edition` "
                         "first (grading uses the checks it stores there).")
    if not submissions.is_dir():
        raise SystemExit(f"{submissions} is not a folder of submissions.")
    if course.limits.sandbox:
        try:
            sandbox.require()
        except sandbox.SandboxUnavailable as exc:
            raise SystemExit(f"error: {exc}") from None
        if sandbox.process_limit_method() is None:
            echo("[grade] warning: running as root without a writable pids cgroup: the sandbox cannot "
                 "limit the number of processes (Linux does not apply RLIMIT_NPROC to root). Grade as an "
                 "ordinary user.")
    # The sandboxed kernels see neither the course folder, nor the repository, nor the submissions.
    course.hidden = [str(submissions.resolve())]
    stems = course.notebook_names()
    found, notes = discover(submissions, stems)
    if not found:
        raise SystemExit(f"No submissions found in {submissions} (expected one folder per student).")
    env = kernel_env(quick, jobs, data_dir)
    course.write_config()

    db_url = f"sqlite:///{course.db_path}"
    with Gradebook(db_url, "cnn-book") as gb:
        for student in found:
            gb.update_or_create_student(student)
            try:
                gb.remove_submission(course.assignment, student)  # a regrade starts from nothing
            except MissingEntry:
                pass
    for student, nbs in found.items():
        for d in (course.submitted_dir(student), course.autograded_dir(student)):
            if d.exists():
                shutil.rmtree(d)
        course.submitted_dir(student).mkdir(parents=True)
        for stem, path in nbs.items():
            note = _submit(path, course.submitted_dir(student) / f"{stem}.ipynb")
            if note:
                notes.append(f"{student}: {stem}: {note}")
    # The submission's records exist before any of its notebooks is graded: two of a
    # student's notebooks graded at once would otherwise both try to create them.
    # (nbgrader's own code for this raises SQLAlchemy warnings about its session, in every
    # autograde process too; the records are made all the same.)
    with Gradebook(db_url, "cnn-book") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", category=SAWarning)
        for student in found:
            gb.update_or_create_submission(course.assignment, student)

    runs: dict[tuple[str, str], RunResult] = {}
    timings = _timings_key(quick, course)

    def run_notebooks(slot, grader):  # one nbgrader process per notebook in flight
        while (job := queue.take(slot)) is not None:
            run_one(grader, *job)

    def run_one(grader, student, stem):
        echo(f"[grade] {student}: {stem} ...")
        r = grader.grade(student, stem, env)
        runs[(student, stem)] = r
        if r.ok:
            queue.finished(stem, r.seconds)
        how = "killed at the time limit" if r.killed else ("done" if r.ok else f"nbgrader failed ({r.returncode})")
        echo(f"[grade] {student}: {stem} {how} in {r.seconds:.0f} s")

    # The gradebook work stays here; each notebook's run goes to a Dask worker.  As many
    # notebooks are in flight as the cluster has worker threads, a student's chapters
    # among them (each notebook runs in its own kernel, so they do not depend on each other),
    # the longest expected first.
    graders: list[Autograder] = []
    try:
        if not scheduler:  # their start (importing nbgrader) overlaps the cluster's
            graders = [Autograder(course).start() for _ in range(max(1, jobs))]
        with cluster(scheduler, jobs) as (address, threads):
            course.scheduler = address
            course.write_config()
            echo(f"[grade] running the notebooks on {address} ({threads} worker threads)")
            graders += [Autograder(course) for _ in range(threads - len(graders))]
            queue = LongestFirst([(s, stem) for s in found for stem in sorted(found[s])],
                                 _load_timings(course, timings), slots=threads)
            with ThreadPoolExecutor(max_workers=threads) as pool:
                for f in [pool.submit(run_notebooks, i, g) for i, g in enumerate(graders[:threads])]:
                    f.result()
            _close(graders)  # while their Dask client still has a scheduler to say goodbye to
    finally:
        _close(graders)
    course.scheduler = ""
    course.write_config()
    _save_timings(course, timings, queue.seconds())

    # A notebook whose process was killed or failed keeps no score from an earlier run.
    with Gradebook(db_url, "cnn-book") as gb:
        for (student, stem), r in runs.items():
            if not r.ok:
                try:
                    for g in gb.find_submission_notebook(stem, course.assignment, student).grades:
                        g.auto_score = 0
                        g.needs_manual_grade = False
                    gb.db.commit()
                except MissingEntry:
                    pass

    order = _exercise_order(course)
    labels = list(dict.fromkeys(label for _, label, _ in order))
    out = Path(out) if out else course.root / "grades.csv"
    detail = Path(detail) if detail else out.with_name(out.stem + "-detail.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    students = sorted(found)
    with Gradebook(db_url, "cnn-book") as gb:
        PerExerciseCsvExporter(to=str(out), student=students, assignment=[course.assignment], order=labels).export(gb)
        scores: dict[str, dict[str, float]] = {s: {} for s in students}
        max_scores: dict[str, float] = {}
        details = []
        for student in students:
            for stem, label, grade_id in order:
                try:
                    g = gb.find_grade(grade_id, stem, course.assignment, student)
                    score, max_score = g.score or 0.0, g.max_score
                except MissingEntry:
                    score, max_score = 0.0, gb.find_grade_cell(grade_id, stem, course.assignment).max_score
                scores[student][label] = scores[student].get(label, 0.0) + score
                max_scores[label] = max_scores.get(label, 0.0) + max_score
                r = runs.get((student, stem))
                if stem not in found[student]:
                    status, why = "missing", "no notebook for this chapter was submitted"
                elif r is not None and r.killed:
                    status, why = "time limit of the notebook", f"killed after {r.seconds:.0f} s with its kernel"
                elif r is not None and not r.ok:
                    last = [ln for ln in r.output.splitlines() if "ERROR" in ln][-1:] or r.output.splitlines()[-1:]
                    status, why = "not graded", f"nbgrader failed: {last[0][:200] if last else ''}"
                else:
                    status, why = _check_status(course.autograded_dir(student) / f"{stem}.ipynb", grade_id)
                details.append({"student": student, "notebook": stem, "exercise": label, "check": grade_id,
                                "score": points_text(score), "max_score": points_text(max_score), "status": status,
                                "detail": why})
    max_scores = {k: v / len(students) for k, v in max_scores.items()}
    with open(detail, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(details[0]) if details else ["student"])
        w.writeheader()
        w.writerows(details)
    return GradeReport(out, detail, scores, max_scores, details, notes, runs)



def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m classroom.grade", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Details: book/instructors.md.")
    p.add_argument("submissions", type=Path, help="folder of submissions (one folder per student)")
    p.add_argument("--course", type=Path, default=Path(DEFAULT_COURSE_DIR),
                   help=f"course folder written by classroom.student_edition (default {DEFAULT_COURSE_DIR})")
    p.add_argument("--assignment", default=DEFAULT_ASSIGNMENT, help=f"assignment name (default {DEFAULT_ASSIGNMENT})")
    p.add_argument("--out", type=Path, help="the score table (default <course>/grades.csv); "
                                            "the detail table goes beside it as <name>-detail.csv")
    p.add_argument("--full", action="store_true", help="run the notebooks in full mode (default: quick mode)")
    p.add_argument("--data-dir", help="folder with the data sets (sets CNNLIB_DATA_DIR for the notebooks)")
    lim = Limits()
    p.add_argument("--timeout", type=int, default=lim.notebook_timeout,
                   help=f"seconds per notebook (default {lim.notebook_timeout})")
    p.add_argument("--cell-timeout", type=int, default=lim.cell_timeout,
                   help=f"seconds per cell (default {lim.cell_timeout})")
    p.add_argument("--max-output", type=int, default=lim.max_output,
                   help=f"characters of output per cell (default {lim.max_output:,})")
    p.add_argument("--jobs", type=int, default=1,
                   help="Dask workers started on this machine: notebooks graded at the same time, "
                        "a student's chapters among them (default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run the notebooks on the workers of this Dask scheduler instead (see book/instructors.md)")
    p.add_argument("--memory", type=int, default=lim.memory_mb, metavar="MB",
                   help=f"memory per process of a submission, in MB (default {lim.memory_mb})")
    p.add_argument("--cpu-time", type=int, default=0, metavar="S",
                   help="CPU seconds per process of a submission (default: the --timeout)")
    p.add_argument("--max-procs", type=int, default=lim.max_procs, metavar="N",
                   help=f"processes and threads a submission may run (default {lim.max_procs})")
    p.add_argument("--all-cells", action="store_true",
                   help="run every cell of each chapter, not only what the exercises need (slower)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run the submissions with your own rights, without the bubblewrap sandbox "
                        "(unprotected: see book/instructors.md)")
    a = p.parse_args(argv)
    course = Course(a.course, a.assignment, Limits(cell_timeout=min(a.cell_timeout, a.timeout),
                                                   notebook_timeout=a.timeout, max_output=a.max_output,
                                                   sandbox=not a.no_sandbox, memory_mb=a.memory,
                                                   exercises_only=not a.all_cells,
                                                   cpu_seconds=a.cpu_time, max_procs=a.max_procs))
    report = grade(a.submissions, course, quick=not a.full, data_dir=a.data_dir, jobs=a.jobs,
                   out=a.out, detail=None, scheduler=a.scheduler)
    for note in report.notes:
        print(f"[grade] note: {note}")
    total_max = sum(report.max_scores.values())
    print(f"\n{'student':<24} score")
    for student, s in sorted(report.scores.items()):
        print(f"{student:<24} {points_text(sum(s.values()))} / {points_text(total_max)}")
    print(f"\nScores: {report.csv_path}\nReasons for each zero: {report.detail_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
