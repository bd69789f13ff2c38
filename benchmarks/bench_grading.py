"""Time the grading of the chapters' exercises: per chapter, per student, students per minute.

    CNNLIB_DATA_DIR=../shared/data python benchmarks/bench_grading.py
    CNNLIB_DATA_DIR=../shared/data python benchmarks/bench_grading.py --class-size 4 --workers 1 2
    ... --all-cells     # every cell of each chapter (grading before exercises-only mode)
    ... --no-sandbox    # without the bubblewrap sandbox

Builds the student edition of every chapter in a temporary course folder, then
grades, in quick mode as ``python -m classroom.grade`` does:

1. one student whose five chapters are the book's own (the solutions: full marks);
2. one student who hands in the student edition untouched (zero);
3. with ``--class-size N``, a class of N copies of the solutions student, with
   each number of ``--workers`` (Dask workers on this machine), and prints
   students per minute.

Seconds per chapter are the time nbgrader took to grade each notebook, from
the moment it was handed to a grading process (kernel and sandbox start
included; the processes start with the grading, classroom/autograder.py).  A student is graded with each
number of ``--workers``: with two, two of the student's chapters run at once,
each on one core, so the chapters' times add up to more than the student's
wall time, which is the figure that matters.  The first grading of the course
starts the notebooks in the order given; later ones start the longest chapters
first, from the seconds the last grading measured (the ``order`` column; give
``--workers 2 2`` to see both).  Timings depend on the machine and on its load: the load average
is printed with them.  Scores are printed too: the timings are only worth
something when they are 25/25 and 0/25.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classroom.course import Course, Limits, default_notebooks  # noqa: E402
from classroom.grade import _load_timings, _timings_key, grade  # noqa: E402


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _order(course) -> str:
    """How the next grading orders the notebooks: as given, or by the last grading's seconds."""
    return "longest first" if _load_timings(course, _timings_key(True, course)) else "as given"


def _run(course, subs: Path, workers: int, **kw):
    start = time.monotonic()
    report = grade(subs, course, quick=True, jobs=workers, echo=lambda *a: None, **kw)
    return report, time.monotonic() - start


def _score(report, student) -> str:
    got = sum(report.scores[student].values())
    return f"{got:g}/{sum(report.max_scores.values()):g}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--class-size", type=int, default=0, help="also grade a class of N students (default: no)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                   help="Dask workers on this machine, for each student and the class (default 1 2)")
    p.add_argument("--all-cells", action="store_true", help="run every cell, not only what the exercises need")
    p.add_argument("--no-sandbox", action="store_true", help="without the sandbox")
    p.add_argument("--keep", action="store_true", help="keep the temporary course folder")
    a = p.parse_args(argv)
    if not os.environ.get("CNNLIB_DATA_DIR"):
        print("warning: CNNLIB_DATA_DIR is not set; the chapters may download their data", file=sys.stderr)
    chapters = default_notebooks()
    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        course = Course(tmp / "course", "cnn-book",
                        Limits(cell_timeout=900, notebook_timeout=1800, sandbox=not a.no_sandbox,
                               exercises_only=not a.all_cells))
        course.build(chapters)
        subs = tmp / "subs"
        for student, folder in (("solutions", None), ("untouched", course.release_dir)):
            (subs / student).mkdir(parents=True)
            for chapter in chapters:
                src = chapter if folder is None else folder / chapter.name
                shutil.copy(src, subs / student / chapter.name)
        print(f"# Grading benchmark ({'every cell' if a.all_cells else 'exercises only'}, "
              f"{'no sandbox' if a.no_sandbox else 'sandboxed'}, quick mode, {os.cpu_count()} cores)\n")
        print(f"load average before: {_load()}\n")
        print("| student | workers | order | " + " | ".join(c.stem[:4] for c in chapters)
              + " | chapters' sum (s) | per student, wall (s) | score |")
        print("|---|---|---|" + "---|" * len(chapters) + "---|---|---|")
        for student in ("solutions", "untouched"):
            one = tmp / f"subs-{student}"
            one.mkdir()
            shutil.copytree(subs / student, one / student)
            for workers in a.workers:
                order = _order(course)
                report, wall = _run(course, one, workers)
                secs = [report.runs[(student, c.stem)].seconds for c in chapters]
                print(f"| {student} | {workers} | {order} | " + " | ".join(f"{s:.1f}" for s in secs)
                      + f" | {sum(secs):.1f} | {wall:.1f} | {_score(report, student)} |", flush=True)
        print(f"\nload average after: {_load()}")
        if a.class_size:
            cls = tmp / "class"
            for k in range(a.class_size):
                shutil.copytree(subs / "solutions", cls / f"student{k:03d}")
            print(f"\n| workers | order | students | wall (s) | students per minute | all full marks | load after |")
            print("|---|---|---|---|---|---|---|")
            for workers in a.workers:
                order = _order(course)
                report, wall = _run(course, cls, workers)
                full = all(_score(report, s).split("/")[0] == _score(report, s).split("/")[1] for s in report.scores)
                print(f"| {workers} | {order} | {a.class_size} | {wall:.1f} | {60 * a.class_size / wall:.2f} | {full} | {_load()} |")
    finally:
        if a.keep:
            print(f"\ncourse folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
